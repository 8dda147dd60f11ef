/* The outbox on a real SQLite database (the migrations in migrations/):
 * queueing in the caller's transaction, Message-IDs, claiming (also by two
 * connections racing, as several processes would), backoff and giving up,
 * "sent" being final, recovery of an interrupted send, staff's retry,
 * erasure; attachments kept, claimed, erased and delivered (to a small
 * SMTP server in a thread of this test); the sender's pass without a mail
 * server; and the mail templates in templates/, rendered in every language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/token.h"
#include "domain/notify.h"
#include "domain/outbox.h"
#include "mail/mime.h"
#include "mail/sender.h"
#include "mail/smtp.h"
#include "store/migrate.h"
#include "tmpl/tmpl.h"
#include "web/mail.h"

static char dir[] = "/tmp/ovi-outbox-XXXXXX";
static char path[300];
static struct db *db;
static const int64_t T0 = 1795446000;

static int group_setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	token_init();
	if (!mkdtemp(dir) || smtp_init())
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	db = db_open(path);
	return db && migrate_apply(db, "migrations") > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	db_close(db);
	smtp_cleanup();
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int clean(void **state)
{
	(void)state;
	return db_exec(db, "DELETE FROM outbox");
}

static int64_t queue(const char *to, int64_t now)
{
	struct outbox_new m = {
		.kind = "test", .to_email = to, .to_name = "Ada", .mail_lang = "en", .subject = "Hi",
		.text = "Hello\n", .html = "<p>Hello</p>", .reply_to = "",
	};
	int64_t id = outbox_queue(db, &m, "https://ovi.example.org:8443/base", now);
	assert_true(id > 0);
	return id;
}

static const char *status_of(int64_t id)
{
	static char s[16];
	struct db_stmt *st = db_prepare(db, "SELECT status FROM outbox WHERE id = ?");
	assert_non_null(st);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(s, sizeof(s), "%s", db_col_text(st, 0));
	db_finalize(st);
	return s;
}

static int64_t col(int64_t id, const char *column)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM outbox WHERE id = ?", column);
	return db_int(db, -1, sql, "i", id);
}

/* ---- queueing ------------------------------------------------------------------------ */

static void test_queue(void **state)
{
	(void)state;
	int64_t id = queue("ada@example.org", T0);
	assert_string_equal(status_of(id), "queued");
	assert_int_equal(col(id, "attempts"), 0);
	assert_int_equal(col(id, "next_attempt_at"), T0);
	assert_int_equal(col(id, "created_at"), T0);
	assert_int_equal(col(id, "person_id IS NULL"), 1);
	/* The Message-ID: <43 random characters@host of base_url>. */
	struct db_stmt *st = db_prepare(db, "SELECT message_id FROM outbox WHERE id = ?");
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	const char *mid = db_col_text(st, 0);
	assert_int_equal(strlen(mid), 1 + 43 + 1 + strlen("ovi.example.org") + 1);
	assert_string_equal(mid + 45, "ovi.example.org>");
	db_finalize(st);
	/* Every message gets its own. */
	assert_int_equal(db_int(db, 0, "SELECT COUNT(DISTINCT message_id) FROM outbox", ""), 1);
	queue("ada@example.org", T0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(DISTINCT message_id) FROM outbox", ""), 2);

	static const struct {
		const char *base, *host;
	} hosts[] = {
		{ "http://localhost:8080", "localhost" }, { "https://ovi.example.org", "ovi.example.org" },
		{ "https://ovi.example.org/", "ovi.example.org" }, { "http://[::1]:8080", "ovi.invalid" },
		{ "", "ovi.invalid" }, { NULL, "ovi.invalid" }, { "https://bad host/", "ovi.invalid" },
		{ "https://a..b/", "ovi.invalid" },
	};
	for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++) {
		char m[128], want[80];
		outbox_message_id(hosts[i].base, m);
		snprintf(want, sizeof(want), "@%s>", hosts[i].host);
		assert_string_equal(strchr(m, '@'), want);
		/* A valid msg-id for the MIME builder. */
		struct mime_msg mm = { .from = "a@b.example", .to_email = "c@d.example", .subject = "s", .text = "t",
				       .message_id = m, .date = T0 };
		struct buf b = BUF_INIT(1 << 16);
		assert_int_equal(mime_build(&mm, &b), MIME_OK);
		buf_free(&b);
	}

	/* In the caller's transaction: a rollback takes the mail back. */
	int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM outbox", "");
	assert_int_equal(db_begin(db), 0);
	queue("rolled@example.org", T0);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM outbox", ""), before);

	/* The recipient's person: deleting the person keeps the message. */
	assert_int_equal(db_run(db, "INSERT INTO people (email, created_at, updated_at) VALUES ('p@example.org', 1, 1)", ""), 0);
	int64_t pid = db_int(db, 0, "SELECT id FROM people WHERE email = 'p@example.org'", "");
	struct outbox_new m = { .person_id = pid, .kind = "x", .to_email = "p@example.org", .mail_lang = "sv",
				.subject = "s", .text = "t" };
	int64_t mid2 = outbox_queue(db, &m, "http://localhost", T0);
	assert_int_equal(col(mid2, "person_id"), pid);
	assert_int_equal(db_run(db, "DELETE FROM people WHERE id = ?", "i", pid), 0);
	assert_int_equal(col(mid2, "person_id IS NULL"), 1);
}

/* ---- claiming -------------------------------------------------------------------------- */

static void test_claim(void **state)
{
	(void)state;
	struct outbox_msg m;
	assert_int_equal(outbox_claim(db, T0, &m), 0);
	int64_t a = queue("a@example.org", T0), b = queue("b@example.org", T0 + 10);
	/* Only due messages, oldest due first. */
	assert_int_equal(outbox_claim(db, T0 - 1, &m), 0);
	assert_int_equal(outbox_claim(db, T0, &m), 1);
	assert_int_equal(m.id, a);
	assert_string_equal(m.to_email, "a@example.org");
	assert_string_equal(m.to_name, "Ada");
	assert_string_equal(m.subject, "Hi");
	assert_string_equal(m.text, "Hello\n");
	assert_string_equal(m.html, "<p>Hello</p>");
	assert_string_equal(m.kind, "test");
	assert_string_equal(m.mail_lang, "en");
	assert_int_equal(m.created_at, T0);
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.message_id[0], '<');
	assert_string_equal(m.attach_name, "");
	assert_string_equal(m.attach_type, "");
	assert_string_equal(m.attach_data, "");
	outbox_msg_free(&m);
	assert_null(m.attach_data);
	assert_string_equal(status_of(a), "sending");
	assert_int_equal(col(a, "claimed_at"), T0);
	/* A claimed message is not claimed again. */
	assert_int_equal(outbox_claim(db, T0 + 5, &m), 0);
	assert_int_equal(outbox_claim(db, T0 + 10, &m), 1);
	assert_int_equal(m.id, b);
	outbox_msg_free(&m);
	assert_int_equal(outbox_claim(db, T0 + 1000, &m), 0);

	/* A second connection (another process) sees the claims too. */
	struct db *other = db_open(path);
	assert_non_null(other);
	int64_t c = queue("c@example.org", T0);
	assert_int_equal(outbox_claim(other, T0, &m), 1);
	assert_int_equal(m.id, c);
	outbox_msg_free(&m);
	assert_int_equal(outbox_claim(db, T0, &m), 0);
	db_close(other);
}

struct racer {
	int64_t ids[200];
	int n;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct db *d = db_open(path);
	struct outbox_msg m;
	while (d && r->n < 200 && outbox_claim(d, T0, &m) == 1) {
		r->ids[r->n++] = m.id;
		outbox_msg_free(&m);
	}
	db_close(d);
	return NULL;
}

static void test_claim_race(void **state)
{
	(void)state;
	enum { N = 60 };
	for (int i = 0; i < N; i++)
		queue("race@example.org", T0);
	struct racer r[3] = { 0 };
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	/* Every message claimed exactly once. */
	assert_int_equal(r[0].n + r[1].n + r[2].n, N);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < r[i].n; j++)
			for (int k = 0; k < 3; k++)
				for (int l = 0; l < r[k].n; l++)
					if ((i != k || j != l) && r[i].ids[j] == r[k].ids[l])
						fail_msg("message %lld claimed twice", (long long)r[i].ids[j]);
	assert_int_equal(db_int(db, 0, "SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND attempts = 1", ""), N);
}

/* ---- results ------------------------------------------------------------------------------- */

static int64_t claim_one(int64_t now)
{
	struct outbox_msg m;
	assert_int_equal(outbox_claim(db, now, &m), 1);
	int64_t id = m.id;
	outbox_msg_free(&m);
	return id;
}

static void test_sent_is_final(void **state)
{
	(void)state;
	struct outbox_policy p = outbox_policy(60);
	int64_t id = queue("a@example.org", T0);
	assert_int_equal(claim_one(T0), id);
	assert_int_equal(outbox_mark_sent(db, id, T0 + 3), 0);
	assert_string_equal(status_of(id), "sent");
	assert_int_equal(col(id, "sent_at"), T0 + 3);
	/* Nothing moves it any more. */
	assert_int_equal(outbox_mark_sent(db, id, T0 + 4), -1);
	assert_null(outbox_mark_retry(db, id, T0 + 5, &p, "x"));
	assert_int_equal(outbox_mark_failed(db, id, T0 + 5, "x"), -1);
	assert_int_equal(outbox_retry_now(db, id, T0 + 5), -1);
	assert_int_equal(outbox_recover(db, T0 + 100000, &p), 0);
	struct outbox_msg m;
	assert_int_equal(outbox_claim(db, T0 + 100000, &m), 0);
	assert_string_equal(status_of(id), "sent");
	assert_int_equal(col(id, "sent_at"), T0 + 3);
}

static void test_backoff(void **state)
{
	(void)state;
	struct outbox_policy p = outbox_policy(60);
	assert_int_equal(p.cap_s, 3600);
	assert_int_equal(p.give_up_s, 86400);
	static const int64_t want[] = { 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600 };
	for (int i = 0; i < 9; i++)
		assert_int_equal(outbox_backoff(&p, i + 1), want[i]);
	assert_int_equal(outbox_backoff(&p, 1000000), 3600);
	struct outbox_policy q = outbox_policy(1);
	assert_int_equal(outbox_backoff(&q, 1), 1);
	assert_int_equal(outbox_backoff(&q, 3), 4);
	assert_int_equal(outbox_backoff(&q, 20), 60);
	assert_int_equal(outbox_policy(0).base_s, 60);

	/* A message that keeps failing: retried at growing intervals, then given up
	 * about a day after it was queued. */
	int64_t id = queue("a@example.org", T0), now = T0;
	int tries = 0;
	const char *st;
	for (;;) {
		assert_int_equal(claim_one(now), id);
		tries++;
		st = outbox_mark_retry(db, id, now, &p, "421: Server busy\r\nwith a second line");
		assert_non_null(st);
		if (strcmp(st, "failed") == 0)
			break;
		int64_t next = col(id, "next_attempt_at");
		assert_int_equal(next - now, outbox_backoff(&p, tries));
		assert_int_equal(col(id, "claimed_at IS NULL"), 1);
		/* Not due before then. */
		struct outbox_msg m;
		assert_int_equal(outbox_claim(db, next - 1, &m), 0);
		now = next;
		assert_true(tries < 100);
	}
	assert_string_equal(status_of(id), "failed");
	assert_true(now - T0 > 86400 - 3600 && now - T0 <= 86400);
	assert_int_equal(col(id, "attempts"), tries);
	/* The reason is one short line. */
	struct db_stmt *s = db_prepare(db, "SELECT last_error FROM outbox WHERE id = ?");
	db_bind_int(s, 1, id);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "gave up: 421: Server busy  with a second line");
	db_finalize(s);

	/* Staff retry: a new round, due now. */
	assert_int_equal(outbox_retry_now(db, id, now + 50), 0);
	assert_string_equal(status_of(id), "queued");
	assert_int_equal(col(id, "next_attempt_at"), now + 50);
	assert_int_equal(col(id, "queued_at"), now + 50);
	assert_int_equal(outbox_retry_now(db, id, now + 50), -1); /* only failed ones */
	assert_int_equal(claim_one(now + 50), id);
	assert_string_equal(outbox_mark_retry(db, id, now + 60, &p, "again"), "queued");

	/* A permanent failure. */
	int64_t id2 = queue("b@example.org", T0);
	assert_int_equal(claim_one(now + 60), id2);
	char longerr[400];
	memset(longerr, 'e', sizeof(longerr) - 1);
	longerr[sizeof(longerr) - 1] = '\0';
	assert_int_equal(outbox_mark_failed(db, id2, now, longerr), 0);
	assert_string_equal(status_of(id2), "failed");
	assert_int_equal(db_int(db, 0, "SELECT LENGTH(last_error) FROM outbox WHERE id = ?", "i", id2), 200);
	assert_int_equal(outbox_retry_now(db, 99999, now), -1);
}

static void test_recover(void **state)
{
	(void)state;
	struct outbox_policy p = outbox_policy(60);
	int64_t a = queue("a@example.org", T0), b = queue("b@example.org", T0);
	assert_int_equal(claim_one(T0), a);
	assert_int_equal(claim_one(T0 + 800), b);
	/* At T0 + 1000, a's claim is stale (> 15 min), b's is not. */
	assert_int_equal(outbox_recover(db, T0 + 1000, &p), 1);
	assert_string_equal(status_of(a), "queued");
	assert_string_equal(status_of(b), "sending");
	/* Retried only after the long delay (an hour for base 60). */
	assert_int_equal(col(a, "next_attempt_at"), T0 + 1000 + 3600);
	struct outbox_msg m;
	assert_int_equal(outbox_claim(db, T0 + 1000 + 3599, &m), 0);
	/* If the interrupted send did go out and its sender comes back to say
	 * so, the message is sent and stays sent. */
	assert_int_equal(outbox_mark_sent(db, a, T0 + 1001), 0);
	assert_int_equal(outbox_claim(db, T0 + 100000, &m), 0);
	assert_int_equal(outbox_next_due(db), INT64_MAX);
	assert_int_equal(outbox_mark_sent(db, b, T0 + 1001), 0);
	int64_t c = queue("c@example.org", T0 + 7);
	queue("d@example.org", T0 + 9);
	assert_int_equal(outbox_next_due(db), T0 + 7);
	(void)c;
}

static void test_erase(void **state)
{
	(void)state;
	assert_int_equal(db_run(db, "INSERT INTO people (email, created_at, updated_at) VALUES ('e@example.org', 1, 1)", ""), 0);
	int64_t pid = db_int(db, 0, "SELECT id FROM people WHERE email = 'e@example.org'", "");
	struct outbox_new m = { .person_id = pid, .kind = "confirm", .to_email = "e@example.org", .to_name = "Eve",
				.mail_lang = "fi", .subject = "Secret", .text = "t", .html = "h",
				.attach_name = "invite.ics", .attach_type = "text/calendar", .attach_data = "SUMMARY:Eve" };
	int64_t sent = outbox_queue(db, &m, "http://localhost", T0), queued = outbox_queue(db, &m, "http://localhost", T0);
	int64_t other = queue("a@example.org", T0);
	assert_int_equal(claim_one(T0), sent);
	assert_int_equal(outbox_mark_sent(db, sent, T0), 0);
	assert_int_equal(outbox_erase_person(db, pid), 2);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE person_id = ? AND (to_email <> '' OR"
					" to_name <> '' OR subject <> '' OR text_body <> '' OR html_body <> '' OR attach_name <> ''"
					" OR attach_type <> '' OR attach_data <> '')", "i", pid), 0);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE attach_data <> ''", ""), 0);
	assert_string_equal(status_of(sent), "sent");
	assert_string_equal(status_of(queued), "failed");
	assert_string_equal(status_of(other), "queued");
	/* An erased message cannot be retried (there is nobody to send it to). */
	assert_int_equal(outbox_retry_now(db, queued, T0), -1);
}

/* ---- attachments ------------------------------------------------------------------------------- */

static const char ICS[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\n"
			  "SUMMARY:Möte med Åsa\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
static const char ICS_TYPE[] = "text/calendar; charset=UTF-8; method=PUBLISH";

static int64_t queue_attach(const char *to, int64_t now)
{
	struct outbox_new m = {
		.kind = "match_intro", .to_email = to, .to_name = "Ada", .mail_lang = "sv", .subject = "Hej",
		.text = "Hej Ada\n", .html = "<p>Hej Ada</p>", .attach_name = "invite.ics", .attach_type = ICS_TYPE,
		.attach_data = ICS,
	};
	int64_t id = outbox_queue(db, &m, "https://ovi.example.org", now);
	assert_true(id > 0);
	return id;
}

static void test_attachment(void **state)
{
	(void)state;
	int64_t id = queue_attach("a@example.org", T0);
	int64_t plain = queue("b@example.org", T0 + 1);
	struct outbox_msg m;
	assert_int_equal(outbox_claim(db, T0, &m), 1);
	assert_int_equal(m.id, id);
	assert_string_equal(m.attach_name, "invite.ics");
	assert_string_equal(m.attach_type, ICS_TYPE);
	assert_string_equal(m.attach_data, ICS);
	assert_string_equal(m.kind, "match_intro");
	outbox_msg_free(&m);
	assert_null(m.attach_name);
	assert_int_equal(outbox_claim(db, T0 + 1, &m), 1);
	assert_int_equal(m.id, plain);
	assert_string_equal(m.attach_data, "");
	outbox_msg_free(&m);
}

/* A one-message SMTP server: takes a message and keeps its data. */
static int smtp_fd = -1;
static char *smtp_data;

static int read_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		char c;
		if (read(fd, &c, 1) != 1)
			return -1;
		line[n++] = c;
		if (c == '\n')
			break;
	}
	line[n] = '\0';
	return (int)n;
}

static void say(int fd, const char *s)
{
	ssize_t r = write(fd, s, strlen(s));
	(void)r;
}

static void *smtp_serve(void *arg)
{
	(void)arg;
	int fd = accept(smtp_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char line[1024];
	say(fd, "220 fake ESMTP\r\n");
	while (read_line(fd, line, sizeof(line)) > 0) {
		if (strncasecmp(line, "EHLO", 4) == 0) {
			say(fd, "250-fake\r\n250 8BITMIME\r\n");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			say(fd, "354 go on\r\n");
			struct buf d = BUF_INIT(1 << 22);
			while (read_line(fd, line, sizeof(line)) > 0 && strcmp(line, ".\r\n") != 0)
				buf_adds(&d, line[0] == '.' ? line + 1 : line);
			smtp_data = buf_detach(&d, NULL);
			say(fd, "250 queued\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			say(fd, "221 bye\r\n");
			break;
		} else {
			say(fd, "250 ok\r\n");
		}
	}
	close(fd);
	return NULL;
}

static void test_sender_attachment(void **state)
{
	(void)state;
	smtp_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(smtp_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(smtp_fd, 1), 0);
	assert_int_equal(getsockname(smtp_fd, (struct sockaddr *)&sa, &sl), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, smtp_serve, NULL), 0);
	char url[64];
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(sa.sin_port));
	struct mail_sender_opts o = { .smtp_url = url, .mail_from = "Ovi <noreply@ovi.example>",
				      .retry_base_s = 60, .smtp_timeout_s = 5 };
	int64_t id = queue_attach("a@example.org", T0);
	assert_int_equal(mail_sender_run_once(db, &o, T0), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(smtp_fd);
	assert_string_equal(status_of(id), "sent");
	/* What went out is what mime_build makes of the stored message. */
	assert_non_null(smtp_data);
	struct db_stmt *st = db_prepare(db, "SELECT message_id, created_at FROM outbox WHERE id = ?");
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	struct mime_msg mm = {
		.from = o.mail_from, .to_email = "a@example.org", .to_name = "Ada", .subject = "Hej", .text = "Hej Ada\n",
		.html = "<p>Hej Ada</p>", .message_id = db_col_text(st, 0), .date = db_col_int(st, 1),
		.attach_name = "invite.ics", .attach_type = ICS_TYPE, .attach_data = ICS,
	};
	struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
	assert_int_equal(mime_build(&mm, &b), MIME_OK);
	db_finalize(st);
	assert_string_equal(smtp_data, buf_str(&b));
	assert_non_null(strstr(smtp_data, "\r\nContent-Type: multipart/mixed; boundary="));
	assert_non_null(strstr(smtp_data, "\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n"));
	buf_free(&b);
	free(smtp_data);
	smtp_data = NULL;
}

/* ---- the sender without a mail server ----------------------------------------------------------- */

static void test_sender_pass(void **state)
{
	(void)state;
	/* A port where nobody listens: a temporary failure, retried later. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	char url[64];
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(sa.sin_port));
	struct mail_sender_opts o = { .smtp_url = url, .mail_from = "Ovi <noreply@ovi.example>",
				      .retry_base_s = 60, .smtp_timeout_s = 5 };
	int64_t a = queue("a@example.org", T0);
	/* A message that cannot be built (put there behind the outbox's back). */
	int64_t bad = queue("b@example.org", T0);
	assert_int_equal(db_run(db, "UPDATE outbox SET to_name = ? WHERE id = ?", "si", "Eve\r\nBcc: x@y.example", bad), 0);
	assert_int_equal(mail_sender_run_once(db, &o, T0), 2);
	assert_string_equal(status_of(a), "queued");
	assert_int_equal(col(a, "attempts"), 1);
	assert_true(col(a, "next_attempt_at") >= T0 + 60);
	assert_string_equal(status_of(bad), "failed");
	struct db_stmt *s = db_prepare(db, "SELECT last_error FROM outbox WHERE id = ?");
	db_bind_int(s, 1, bad);
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "control character in a header");
	db_finalize(s);
	/* Nothing else is due. */
	assert_int_equal(mail_sender_run_once(db, &o, T0 + 1), 0);
	/* A sender without smtp_url starts no thread and refuses a bad From. */
	struct mail_sender_opts none = { .db_url = path, .mail_from = "Ovi <noreply@ovi.example>" };
	struct mail_sender *ms = mail_sender_start(&none);
	assert_non_null(ms);
	mail_sender_wake();
	mail_sender_stop(ms);
	none.mail_from = "not an address";
	assert_null(mail_sender_start(&none));
}

/* ---- mail templates ------------------------------------------------------------------------------- */

static struct tmpl_set *templates(void)
{
	struct buf err = BUF_INIT(1 << 16);
	struct tmpl_set *set = tmpl_load_dir("templates", &err);
	if (!set)
		fail_msg("templates:\n%s", buf_str(&err));
	buf_free(&err);
	return set;
}

static void fill_cfg(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->base_url, "https://ovi.example.org");
	strcpy(cfg->org_name, "Dörren & <Ovi>");
	strcpy(cfg->contact_email, "info@ovi.example.org");
	strcpy(cfg->mail_from, "Ovi <noreply@ovi.example.org>");
}

static void test_mail_test_template(void **state)
{
	(void)state;
	struct tmpl_set *set = templates();
	struct config cfg;
	fill_cfg(&cfg);
	struct arena *a = arena_new(1 << 22);
	struct mail_env e = { .db = db, .tmpl = set, .cfg = &cfg, .a = a, .now = T0 };
	for (int l = 0; l < LANG_COUNT; l++) {
		struct tval *d = tv_map(a);
		tv_set_str(d, "staff_email", "a&b@example.org");
		tv_set_str(d, "sent_at", "23 November 2026 at 15:00");
		tv_set_str(d, "outbox_url", "https://ovi.example.org/en/admin/outbox?x=1&y=2");
		char *subject, *text, *html;
		assert_int_equal(mail_render(&e, (enum lang)l, "test", d, &subject, &text, &html), 0);
		/* The subject is one line of text; the text part is not escaped. */
		assert_string_equal(subject, "Test message from Dörren & <Ovi>");
		assert_non_null(strstr(text, "a&b@example.org"));
		assert_non_null(strstr(text, "https://ovi.example.org/en/admin/outbox?x=1&y=2\n"));
		assert_null(strstr(text, "&amp;"));
		assert_null(strstr(text, "<p>"));
		assert_true(text[0] != '\n' && text[strlen(text) - 1] == '\n' && text[strlen(text) - 2] != '\n');
		/* The footer, after the signature separator. */
		assert_non_null(strstr(text, "\n-- \nDörren & <Ovi>\nhttps://ovi.example.org/"));
		assert_non_null(strstr(text, "info@ovi.example.org"));
		/* The HTML part is a whole document in the language, escaped. */
		char want[64];
		snprintf(want, sizeof(want), "<html lang=\"%s\">", lang_codes[l]);
		assert_non_null(strstr(html, want));
		assert_non_null(strstr(html, "<title>Test message from Dörren &amp; &lt;Ovi&gt;</title>"));
		assert_non_null(strstr(html, "a&amp;b@example.org"));
		assert_non_null(strstr(html, "href=\"https://ovi.example.org/en/admin/outbox?x=1&amp;y=2\""));
		assert_null(strstr(html, "<Ovi>"));
		free(subject);
		free(text);
		free(html);
	}

	/* Queueing checks what the sender would refuse, and stores the result. */
	db_exec(db, "DELETE FROM outbox");
	struct tval *d = tv_map(a);
	tv_set_str(d, "staff_email", "x@example.org");
	assert_true(mail_queue(&e, LANG_SV, "test", d, "ada@example.org", "Åsa Öberg", -1, "Coord <c@ovi.example.org>") > 0);
	assert_int_equal(mail_queue(&e, LANG_SV, "test", d, "ada@example.org", "Eve\r\nBcc: v@example.org", -1, NULL), -1);
	assert_int_equal(mail_queue(&e, LANG_SV, "test", d, "ada@example.org\r\nBcc: v@example.org", "", -1, NULL), -1);
	assert_int_equal(mail_queue(&e, LANG_SV, "test", d, "not an address", "", -1, NULL), -1);
	assert_int_equal(mail_queue(&e, LANG_SV, "test", d, "ada@example.org", "", -1, "bad\nreply"), -1);
	assert_int_equal(mail_queue(&e, LANG_SV, "nope", d, "ada@example.org", "", -1, NULL), -1);
	assert_int_equal(mail_queue(&e, LANG_SV, "layout", d, "ada@example.org", "", -1, NULL), -1);
	assert_int_equal(mail_queue(&e, LANG_SV, "../admin_home", d, "ada@example.org", "", -1, NULL), -1);
	assert_int_equal(mail_queue(&e, LANG_COUNT, "test", d, "ada@example.org", "", -1, NULL), -1);
	/* With an attachment: stored with the message; a bad one is refused. */
	struct mail_attachment att = { .name = "invite.ics", .type = ICS_TYPE, .data = ICS };
	int64_t ida = mail_queue_attach(&e, LANG_FI, "test", d, "ada@example.org", "", -1, NULL, &att);
	assert_true(ida > 0);
	struct db_stmt *sa = db_prepare(db, "SELECT attach_name, attach_type, attach_data FROM outbox WHERE id = ?");
	db_bind_int(sa, 1, ida);
	assert_int_equal(db_step(sa), DB_ROW);
	assert_string_equal(db_col_text(sa, 0), "invite.ics");
	assert_string_equal(db_col_text(sa, 1), ICS_TYPE);
	assert_string_equal(db_col_text(sa, 2), ICS);
	db_finalize(sa);
	assert_int_equal(db_run(db, "DELETE FROM outbox WHERE id = ?", "i", ida), 0);
	struct mail_attachment bad[] = {
		{ .name = "../invite.ics", .type = ICS_TYPE, .data = ICS },
		{ .name = "invite.ics", .type = "text/calendar\r\nBcc: v@example.org", .data = ICS },
		{ .name = "invite.ics", .type = ICS_TYPE, .data = "bad \xff" },
		{ .name = "", .type = ICS_TYPE, .data = ICS },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(mail_queue_attach(&e, LANG_FI, "test", d, "ada@example.org", "", -1, NULL, &bad[i]), -1);
	assert_int_equal(db_int(db, -1, "SELECT COUNT(*) FROM outbox WHERE attach_name <> ''", ""), 0);

	/* A value with a line break in the subject is made one line. */
	struct config cfg2 = cfg;
	strcpy(cfg2.org_name, "Line\r\nBcc: v@example.org");
	struct mail_env e2 = e;
	e2.cfg = &cfg2;
	int64_t id2 = mail_queue(&e2, LANG_EN, "test", tv_map(a), "ada@example.org", "", -1, NULL);
	assert_true(id2 > 0);
	struct db_stmt *st = db_prepare(db, "SELECT subject, mail_lang, kind, to_name, reply_to FROM outbox ORDER BY id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "sv");
	assert_string_equal(db_col_text(st, 2), "test");
	assert_string_equal(db_col_text(st, 3), "Åsa Öberg");
	assert_string_equal(db_col_text(st, 4), "Coord <c@ovi.example.org>");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Test message from Line Bcc: v@example.org");
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
	arena_free(a);
	tmpl_free(set);
}

/* Every mail template of templates/ has its three blocks and renders,
 * with no data at all, in every language into a message the sender can
 * build. */
static void test_all_mail_templates(void **state)
{
	(void)state;
	struct tmpl_set *set = templates();
	struct config cfg;
	fill_cfg(&cfg);
	DIR *dp = opendir("templates");
	assert_non_null(dp);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (strncmp(de->d_name, "mail_", 5) || len < 11 || strcmp(de->d_name + len - 5, ".html"))
			continue;
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 10), de->d_name + 5);
		if (!strcmp(name, "layout") || !strcmp(name, "text_footer"))
			continue;
		for (int l = 0; l < LANG_COUNT; l++) {
			struct arena *a = arena_new(1 << 22);
			struct mail_env e = { .db = db, .tmpl = set, .cfg = &cfg, .a = a, .now = T0 };
			char *subject, *text, *html;
			if (mail_render(&e, (enum lang)l, name, NULL, &subject, &text, &html))
				fail_msg("templates/mail_%s.html does not render in %s", name, lang_codes[l]);
			assert_true(*subject);
			struct mime_msg mm = { .from = cfg.mail_from, .to_email = "a@example.org", .subject = subject,
					       .text = text, .html = html, .message_id = "<x@y>", .date = T0 };
			struct buf b = BUF_INIT(MIME_MAX_MESSAGE);
			assert_int_equal(mime_build(&mm, &b), MIME_OK);
			buf_free(&b);
			free(subject);
			free(text);
			free(html);
			arena_free(a);
		}
		n++;
	}
	closedir(dp);
	assert_true(n >= 1);
	tmpl_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_queue, clean),
		cmocka_unit_test_setup(test_claim, clean),
		cmocka_unit_test_setup(test_claim_race, clean),
		cmocka_unit_test_setup(test_sent_is_final, clean),
		cmocka_unit_test_setup(test_backoff, clean),
		cmocka_unit_test_setup(test_recover, clean),
		cmocka_unit_test_setup(test_erase, clean),
		cmocka_unit_test_setup(test_attachment, clean),
		cmocka_unit_test_setup(test_sender_attachment, clean),
		cmocka_unit_test_setup(test_sender_pass, clean),
		cmocka_unit_test_setup(test_mail_test_template, clean),
		cmocka_unit_test_setup(test_all_mail_templates, clean),
	};
	return cmocka_run_group_tests_name("outbox", tests, group_setup, group_teardown);
}
