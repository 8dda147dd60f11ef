/* ovi: one binary, several sub-commands. */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/token.h"
#include "domain/demo.h"
#include "domain/housekeeping.h"
#include "domain/matches.h"
#include "domain/matching.h"
#include "domain/scheduler.h"
#include "domain/password.h"
#include "domain/refdata.h"
#include "domain/staff.h"
#include "http/server.h"
#include "mail/sender.h"
#include "match/cli.h"
#include "store/migrate.h"
#include "tmpl/tmpl.h"
#include "web/app.h"

static const char usage[] =
	"usage: ovi [-c CONFIG] COMMAND\n"
	"\n"
	"  serve              migrate, then serve the site\n"
	"  migrate            create or upgrade the database\n"
	"  staff add EMAIL    create a staff account (password from OVI_STAFF_PASSWORD,\n"
	"                     else standard input, else a random one that is printed)\n"
	"  demo               create the demo staff account (print its login) and demo people\n"
	"  tmpl-strings DIR   check the templates in DIR and print their messages for xgettext\n"
	"  match run          match the waiting registrations: a dry run, stored for the admin pages\n"
	"                     (published at once when match_auto_publish is on)\n"
	"  match publish RUN  publish every proposal of run RUN: introduce the pairs by e-mail\n"
	"  jobs run           do the scheduled work that is due (reminders, expiry, follow-ups) once\n"
	"  match solve FILE   solve a b-matching in DIMACS min-cost-flow format, exactly\n"
	"  match gen [...]    generate a synthetic population (see `ovi match gen --help`)\n";

static struct db *open_migrated(const struct config *cfg)
{
	struct db *db = db_open(cfg->db);
	if (!db)
		return NULL;
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s/migrations", cfg->share_dir);
	if (migrate_apply(db, dir) < 0) {
		db_close(db);
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s/data", cfg->share_dir);
	if (refdata_load(db, dir) < 0) {
		db_close(db);
		return NULL;
	}
	/* The key for CSRF tokens: made once, kept in the database so every
	 * process (and every restart) agrees on it. */
	unsigned char key[32];
	char hex[65];
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	if (db_run(db, "INSERT INTO settings (key, value) SELECT 'secret', ? WHERE NOT EXISTS"
		       " (SELECT 1 FROM settings WHERE key = 'secret')", "s", hex)) {
		db_close(db);
		return NULL;
	}
	return db;
}

/* What commands that send e-mail need: templates, catalogues, settings
 * (the web application's, without serving). */
static int with_app(const struct config *cfg, struct app *app, struct mail_env *e, struct arena **a)
{
	struct db *db = open_migrated(cfg);
	if (!db)
		return -1;
	db_close(db);
	if (app_init(app, cfg)) {
		app_free(app);
		return -1;
	}
	*a = arena_new(8 << 20);
	*e = (struct mail_env){ .db = app_db(app), .tmpl = app->tmpl, .i18n = app->i18n, .cfg = &app->cfg, .a = *a,
				.now = clock_now() };
	if (!*a || !e->db) {
		arena_free(*a);
		app_free(app);
		return -1;
	}
	return 0;
}

static int publish_run(struct mail_env *e, int64_t run_id)
{
	int published = 0, skipped = 0;
	if (db_begin(e->db))
		return 1;
	int r = matches_publish(e, run_id, NULL, 0, 0, &published, &skipped);
	if (r || db_commit(e->db)) {
		db_rollback(e->db);
		fprintf(stderr, r == MATCHES_NOT_NOW ? "run %lld is not a draft run\n" : "run %lld: publishing failed\n",
			(long long)run_id);
		return 1;
	}
	if (published)
		audit(e->db, 0, "match_publish", "");
	printf("run %lld: %d introduced, %d skipped (no longer free)\n", (long long)run_id, published, skipped);
	return 0;
}

static int cmd_match_run(const struct config *cfg)
{
	struct db *db = open_migrated(cfg);
	if (!db)
		return 1;
	int rc = matching_cli_run(db, stdout);
	int64_t run = db_int(db, 0, "SELECT MAX(id) FROM match_runs", "");
	db_close(db);
	if (rc || !cfg->match_auto_publish)
		return rc;
	struct app app;
	struct mail_env e;
	struct arena *a;
	if (with_app(cfg, &app, &e, &a))
		return 1;
	rc = publish_run(&e, run);
	arena_free(a);
	app_free(&app);
	return rc;
}

static int cmd_match_publish(const struct config *cfg, const char *arg)
{
	char *end;
	long long run = strtoll(arg, &end, 10);
	if (!*arg || *end || run <= 0) {
		fputs("usage: ovi match publish RUN_ID\n", stderr);
		return 2;
	}
	struct app app;
	struct mail_env e;
	struct arena *a;
	if (with_app(cfg, &app, &e, &a))
		return 1;
	int rc = publish_run(&e, run);
	arena_free(a);
	app_free(&app);
	return rc;
}

static int cmd_jobs_run(const struct config *cfg)
{
	struct app app;
	struct mail_env e;
	struct arena *a;
	if (with_app(cfg, &app, &e, &a))
		return 1;
	int n = jobs_run_due(&e, 0);
	arena_free(a);
	app_free(&app);
	if (n < 0)
		return 1;
	printf("jobs: %d\n", n);
	return 0;
}

static int cmd_migrate(const struct config *cfg)
{
	struct db *db = open_migrated(cfg);
	if (!db)
		return 1;
	printf("database at version %d\n", migrate_version(db));
	db_close(db);
	return 0;
}

static void random_password(char out[17])
{
	char t[TOKEN_LEN + 1];
	token_random(t);
	memcpy(out, t, 16);
	out[16] = '\0';
}

static int add_staff(const struct config *cfg, const char *email, const char *given, bool print)
{
	char pw[PASSWORD_MAX_INPUT + 2] = "";
	if (given) {
		snprintf(pw, sizeof(pw), "%s", given);
	} else if (!isatty(0) && fgets(pw, sizeof(pw), stdin)) {
		pw[strcspn(pw, "\r\n")] = '\0';
	}
	if (!*pw) {
		random_password(pw);
		print = true;
	}
	if (strlen(pw) < PASSWORD_MIN || strlen(pw) > PASSWORD_MAX_INPUT) {
		fprintf(stderr, "ovi: a staff password has %d to %d characters\n", PASSWORD_MIN, PASSWORD_MAX_INPUT);
		return 1;
	}
	if (!strchr(email, '@') || strlen(email) > 254) {
		fprintf(stderr, "ovi: that is not an e-mail address\n");
		return 1;
	}
	struct db *db = open_migrated(cfg);
	if (!db)
		return 1;
	int64_t id = staff_upsert(db, email, pw);
	if (id > 0)
		audit(db, id, "staff_add", "");
	db_close(db);
	if (id < 0)
		return 1;
	if (print)
		printf("Staff login: %s/admin\n  e-mail:   %s\n  password: %s\n", cfg->base_url, email, pw);
	return 0;
}

/* The demo staff account (a new password each time, printed) and, once,
 * made-up people waiting for a match. */
/* The first time: a published run, so the match board has something to
 * show: every proposal introduced, a few accepted by one side or both. */
static int demo_matches(const struct config *cfg)
{
	struct app app;
	struct mail_env e;
	struct arena *a;
	if (with_app(cfg, &app, &e, &a))
		return 1;
	struct matching_opts o;
	matching_opts_default(&o);
	int64_t run;
	int published = 0, skipped = 0, rc = 1;
	if (matching_run(e.db, &o, 0, e.now, &run) == 0 && db_begin(e.db) == 0) {
		int r = matches_publish(&e, run, NULL, 0, 0, &published, &skipped);
		struct db_stmt *st = r ? NULL : db_prepare(e.db, "SELECT id FROM matches ORDER BY id LIMIT 4");
		int64_t ids[4];
		size_t k = 0;
		while (st && k < 4 && db_step(st) == DB_ROW)
			ids[k++] = db_col_int(st, 0);
		db_finalize(st);
		for (size_t i = 0; i < k && r == 0; i++) {
			r = matches_accept(&e, ids[i], SIDE_PARTICIPANT);
			if (r == 0 && i >= 2)
				r = matches_accept(&e, ids[i], SIDE_DOOR_OPENER);
		}
		if (r == 0 && db_commit(e.db) == 0)
			rc = 0;
		else
			db_rollback(e.db);
	}
	if (rc == 0)
		printf("Demo matches: run %lld published, %d pairs introduced by e-mail (see var/mail.log).\n",
		       (long long)run, published);
	else
		fputs("demo: the demo matches could not be made\n", stderr);
	arena_free(a);
	app_free(&app);
	return rc;
}

static int cmd_demo(const struct config *cfg)
{
	if (add_staff(cfg, "demo@ovi.invalid", getenv("OVI_DEMO_PASSWORD"), true))
		return 1;
	struct db *db = open_migrated(cfg);
	if (!db)
		return 1;
	int n = demo_populate(db, clock_now());
	db_close(db);
	if (n < 0)
		return 1;
	if (n > 0)
		printf("Demo data: %d made-up registrations (addresses @demo.invalid).\n", n);
	return n > 0 ? demo_matches(cfg) : 0;
}

static int cmd_serve(const struct config *cfg)
{
	struct db *db = open_migrated(cfg);
	if (!db)
		return 1;
	db_close(db);
	struct app app;
	if (app_init(&app, cfg)) {
		app_free(&app);
		return 1;
	}
	/* Block the signals in every thread; this one waits for them. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct http_server_opts o = {
		.addr = cfg->listen_addr,
		.port = cfg->port,
		.threads = cfg->threads,
		.max_connections = cfg->max_connections,
		.per_ip_connections = cfg->per_ip_connections,
		.timeout_s = cfg->timeout_s,
		.conn_memory = 32 * 1024,
		.body_max = cfg->body_max,
		.resp_max = 4 << 20,
		.arena_max = 8 << 20,
		.trust_proxy = cfg->trust_proxy,
		.handler = app_handle,
		.app = &app,
	};
	struct http_server *srv = http_server_start(&o);
	if (!srv) {
		app_free(&app);
		return 1;
	}
	/* The e-mail sender: its own thread and database connection. */
	struct mail_sender_opts mo = {
		.db_url = cfg->db,
		.smtp_url = cfg->smtp_url,
		.smtp_user = cfg->smtp_user,
		.smtp_password = cfg->smtp_password,
		.mail_from = cfg->mail_from,
		.retry_base_s = cfg->mail_retry_base_s,
		.poll_ms = cfg->mail_poll_ms,
	};
	struct mail_sender *mail = mail_sender_start(&mo);
	if (!mail) {
		http_server_stop(srv);
		app_free(&app);
		return 1;
	}
	/* Removes expired sessions, links and unconfirmed registrations. */
	struct housekeeper *hk = housekeeper_start(cfg, 60);
	/* Reminders, expiry, follow-ups: due jobs, claimed in the database. */
	struct scheduler *sched = scheduler_start(&app.cfg, app.tmpl, app.i18n);
	if (cfg->test_clock) {
		clock_allow_moving(true);
		log_warn("ovi: test_clock is on: POST /test/clock moves this server's clock. Never in production.");
	}
	printf("ovi: serving on http://%s:%u/ (public address %s)\n", cfg->listen_addr, http_server_port(srv),
	       cfg->base_url);
	fflush(stdout);
	int sig;
	sigwait(&sigs, &sig);
	log_info("ovi: stopping");
	http_server_stop(srv);
	scheduler_stop(sched);
	housekeeper_stop(hk);
	mail_sender_stop(mail);
	app_free(&app);
	return 0;
}

static int cmd_tmpl_strings(const char *dir)
{
	struct buf err = BUF_INIT(1 << 16);
	struct tmpl_set *set = tmpl_load_dir(dir, &err);
	if (!set) {
		fprintf(stderr, "%s", buf_str(&err));
		buf_free(&err);
		return 1;
	}
	buf_free(&err);
	int r = tmpl_write_strings(set, stdout);
	tmpl_free(set);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cfgfile = NULL;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
		cfgfile = argv[i + 1];
		i += 2;
	}
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") || !strcmp(argv[i], "help")) {
		fputs(usage, i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	const char *cmd = argv[i];
	if (!strcmp(cmd, "tmpl-strings") && i + 1 < argc)
		return cmd_tmpl_strings(argv[i + 1]);
	if (!strcmp(cmd, "match") && i + 1 < argc && (!strcmp(argv[i + 1], "solve") || !strcmp(argv[i + 1], "gen")))
		return match_cli(argc - i - 1, argv + i + 1);

	token_init();
	struct config cfg;
	if (config_load(&cfg, cfgfile))
		return 1;
	password_init(cfg.hash_concurrency);
	/* Dates shown to people are in the programme's time zone; set once,
	 * before any thread starts. */
	setenv("TZ", cfg.time_zone, 1);
	tzset();
	if (!strcmp(cmd, "serve"))
		return cmd_serve(&cfg);
	if (!strcmp(cmd, "migrate"))
		return cmd_migrate(&cfg);
	if (!strcmp(cmd, "staff") && i + 2 < argc && !strcmp(argv[i + 1], "add"))
		return add_staff(&cfg, argv[i + 2], getenv("OVI_STAFF_PASSWORD"), false);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(&cfg);
	if (!strcmp(cmd, "match") && i + 1 < argc && !strcmp(argv[i + 1], "run"))
		return cmd_match_run(&cfg);
	if (!strcmp(cmd, "match") && i + 2 < argc && !strcmp(argv[i + 1], "publish"))
		return cmd_match_publish(&cfg, argv[i + 2]);
	if (!strcmp(cmd, "jobs") && i + 1 < argc && !strcmp(argv[i + 1], "run"))
		return cmd_jobs_run(&cfg);
	fputs(usage, stderr);
	return 2;
}
