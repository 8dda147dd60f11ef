/* SMTP delivery through libcurl against a small scripted SMTP server on
 * the loopback interface (a thread of this test): the envelope and the
 * message arrive as sent (dot-stuffing undone), and every kind of failure
 * is classified as the outbox needs it: 4xx, a dropped or refused
 * connection, a silent server and a refused login are temporary; 5xx is
 * permanent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/log.h"
#include "mail/smtp.h"

/* What the scripted server answers at each step (0: the default 2xx/3xx),
 * and what it saw. */
struct script {
	int greeting;  /* 220; -1: say nothing (the client times out) */
	int mail, rcpt, data_end;
	bool auth;     /* offer AUTH PLAIN and refuse it with 535 */
	bool drop_after_data; /* close without answering the final dot */
	/* seen */
	char from[256], to[256];
	char *data;
	size_t data_len;
	int connections;
};

static int listen_fd = -1;
static int port;
static pthread_t thread;
static struct script *S;

static int read_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	while (n + 1 < size) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r <= 0)
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

static void reply(int fd, int code, int def, const char *text)
{
	char b[128];
	snprintf(b, sizeof(b), "%d %s\r\n", code ? code : def, code ? "scripted" : text);
	say(fd, b);
}

static void *serve(void *arg)
{
	struct script *s = arg;
	int fd = accept(listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	s->connections++;
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char line[1024];
	if (s->greeting < 0) {
		/* Silent: wait for the client to give up. */
		while (read_line(fd, line, sizeof(line)) > 0)
			;
		close(fd);
		return NULL;
	}
	reply(fd, s->greeting, 220, "fake ESMTP");
	while (read_line(fd, line, sizeof(line)) > 0) {
		if (strncasecmp(line, "EHLO", 4) == 0) {
			say(fd, s->auth ? "250-fake\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n" : "250-fake\r\n250 8BITMIME\r\n");
		} else if (strncasecmp(line, "AUTH", 4) == 0) {
			say(fd, "535 5.7.8 no\r\n");
		} else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			snprintf(s->from, sizeof(s->from), "%.*s", (int)strcspn(line + 10, " \r\n"), line + 10);
			reply(fd, s->mail, 250, "ok");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			snprintf(s->to, sizeof(s->to), "%.*s", (int)strcspn(line + 8, " \r\n"), line + 8);
			reply(fd, s->rcpt, 250, "ok");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			say(fd, "354 go on\r\n");
			size_t cap = 1 << 16, n = 0;
			char *d = malloc(cap);
			int k;
			while ((k = read_line(fd, line, sizeof(line))) > 0) {
				if (strcmp(line, ".\r\n") == 0)
					break;
				const char *p = line[0] == '.' ? line + 1 : line; /* undo dot-stuffing */
				size_t pl = strlen(p);
				if (n + pl < cap) {
					memcpy(d + n, p, pl);
					n += pl;
				}
			}
			s->data = d;
			s->data_len = n;
			if (s->drop_after_data)
				break;
			reply(fd, s->data_end, 250, "queued");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			say(fd, "221 bye\r\n");
			break;
		} else {
			say(fd, "502 unknown\r\n");
		}
	}
	close(fd);
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) || listen(listen_fd, 4) ||
	    getsockname(listen_fd, (struct sockaddr *)&a, &len))
		return -1;
	port = ntohs(a.sin_port);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(listen_fd);
	return 0;
}

static const char MSG[] = "Subject: test\r\n\r\nline one\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n";

/* Run one delivery against the script; the server thread serves one connection. */
static enum smtp_result run(struct script *s, const char *user, char *err, size_t err_size)
{
	S = s;
	assert_int_equal(pthread_create(&thread, NULL, serve, s), 0);
	char url[64];
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	struct smtp_opts o = { .url = url, .user = user, .password = "pw", .connect_timeout_s = 2, .timeout_s = 2 };
	enum smtp_result r = smtp_send(&o, "noreply@ovi.example", "ada@example.org", MSG, strlen(MSG), err, err_size);
	assert_int_equal(pthread_join(thread, NULL), 0);
	return r;
}

static void test_sent(void **state)
{
	(void)state;
	struct script s = { 0 };
	char err[128] = "x";
	assert_int_equal(run(&s, NULL, err, sizeof(err)), SMTP_SENT);
	assert_string_equal(err, "");
	assert_string_equal(s.from, "<noreply@ovi.example>");
	assert_string_equal(s.to, "<ada@example.org>");
	assert_int_equal(s.data_len, strlen(MSG));
	assert_memory_equal(s.data, MSG, strlen(MSG));
	free(s.data);
}

static void test_failures(void **state)
{
	(void)state;
	static const struct {
		struct script s;
		const char *user;
		enum smtp_result want;
		const char *err_prefix;
	} cases[] = {
		{ { .rcpt = 450 }, NULL, SMTP_TEMPFAIL, "450" },
		{ { .rcpt = 550 }, NULL, SMTP_PERMFAIL, "550" },
		{ { .mail = 421 }, NULL, SMTP_TEMPFAIL, "421" },
		{ { .mail = 553 }, NULL, SMTP_PERMFAIL, "553" },
		{ { .data_end = 451 }, NULL, SMTP_TEMPFAIL, "451" },
		{ { .data_end = 554 }, NULL, SMTP_PERMFAIL, "554" },
		{ { .greeting = 421 }, NULL, SMTP_TEMPFAIL, "421" },
		{ { .drop_after_data = true }, NULL, SMTP_TEMPFAIL, "" },
		{ { .greeting = -1 }, NULL, SMTP_TEMPFAIL, "" },
		{ { .auth = true }, "user", SMTP_TEMPFAIL, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct script s = cases[i].s;
		char err[128] = "";
		enum smtp_result r = run(&s, cases[i].user, err, sizeof(err));
		if (r != cases[i].want)
			fail_msg("case %zu: result %d, want %d (%s)", i, r, cases[i].want, err);
		assert_true(strncmp(err, cases[i].err_prefix, strlen(cases[i].err_prefix)) == 0);
		assert_true(err[0] != '\0');
		/* No address or server text in the reason. */
		assert_null(strstr(err, "@"));
		assert_null(strstr(err, "scripted"));
		free(s.data);
	}
}

static void test_refused_and_bad_url(void **state)
{
	(void)state;
	/* A port where nobody listens. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	char url[64], err[128];
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(a.sin_port));
	struct smtp_opts o = { .url = url, .connect_timeout_s = 2, .timeout_s = 2 };
	assert_int_equal(smtp_send(&o, "a@b.example", "c@d.example", MSG, strlen(MSG), err, sizeof(err)),
			 SMTP_TEMPFAIL);
	assert_non_null(strstr(err, "onnect"));
	static const char *const bad[] = { "http://127.0.0.1:25", "", "file:///etc/passwd", "smtp:/x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		o.url = bad[i];
		assert_int_equal(smtp_send(&o, "a@b.example", "c@d.example", MSG, strlen(MSG), err, sizeof(err)),
				 SMTP_TEMPFAIL);
		assert_true(err[0] != '\0');
	}
	o.url = NULL;
	assert_int_equal(smtp_send(&o, "a@b.example", "c@d.example", MSG, strlen(MSG), NULL, 0), SMTP_TEMPFAIL);
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(smtp_classify(CURLE_OK, 250), SMTP_SENT);
	assert_int_equal(smtp_classify(CURLE_COULDNT_CONNECT, 0), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_OPERATION_TIMEDOUT, 0), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_COULDNT_RESOLVE_HOST, 0), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_SSL_CONNECT_ERROR, 220), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_PEER_FAILED_VERIFICATION, 220), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 450), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 550), SMTP_PERMFAIL);
	assert_int_equal(smtp_classify(CURLE_WEIRD_SERVER_REPLY, 554), SMTP_PERMFAIL);
	assert_int_equal(smtp_classify(CURLE_LOGIN_DENIED, 535), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_SEND_ERROR, 530), SMTP_TEMPFAIL);
	assert_int_equal(smtp_classify(CURLE_RECV_ERROR, 250), SMTP_TEMPFAIL);
}

static int group_setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	return smtp_init();
}

static int group_teardown(void **state)
{
	(void)state;
	smtp_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test(test_refused_and_bad_url),
		cmocka_unit_test(test_classify),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
