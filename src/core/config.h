/* Configuration: built-in defaults, then an optional file (OVI_CONFIG or
 * `ovi -c FILE`, lines of `name = value`, # comments), then environment
 * variables OVI_<NAME>, each overriding the one before. README.md lists
 * every setting. */
#ifndef OVI_CONFIG_H
#define OVI_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

struct config {
	char listen_addr[64];
	unsigned port;
	char base_url[256];       /* public URL, e.g. https://ovi.example.org */
	bool https;               /* derived from base_url */
	char db[1024];            /* database URL or SQLite path */
	char share_dir[1024];     /* templates/, po/ .mo files, static/, migrations/ */
	char locale_dir[1024];    /* compiled catalogues (sv.mo, fi.mo, en.mo) */
	char default_lang[8];
	char org_name[128];
	char contact_email[128];
	char privacy_version[32]; /* YYYY-MM-DD of the privacy notice in force */
	unsigned threads;
	unsigned max_connections;
	unsigned per_ip_connections;
	unsigned timeout_s;
	size_t body_max;
	bool trust_proxy;
	unsigned session_idle_s;
	unsigned session_max_s;
	unsigned hash_concurrency; /* password hashes running at once */
	/* E-mail */
	char smtp_url[256];        /* smtp://host:port or smtps://host:port; "" = keep mail in the outbox */
	char smtp_user[128];
	char smtp_password[128];
	char mail_from[256];       /* "Name <address>" */
	unsigned mail_retry_base_s; /* first retry after a temporary failure; later ones double, up to 60x */
	unsigned mail_poll_ms;      /* the sender looks for due mail at least this often */
	/* Programme rules */
	unsigned participant_max_registrations;
	unsigned unconfirmed_expiry_hours;  /* unconfirmed registrations are removed after this */
	unsigned login_link_minutes;        /* lifetime of an e-mailed member login link */
	char eligibility_participant[256];  /* statement ids, comma-separated (see docs) */
	char eligibility_door_opener[256];
	char countries[16];        /* municipalities offered: "FI", "SE" or "FI,SE" */
	char time_zone[64];        /* IANA name, e.g. Europe/Helsinki */
	/* Matches (docs/matches.md) */
	bool match_auto_publish;      /* publish every run's proposals at once */
	unsigned meeting_lead_days;   /* the suggested meeting is at least this many days ahead */
	unsigned meeting_day_start;   /* first hour a suggested meeting may start (local time) */
	unsigned meeting_day_end;     /* suggested meetings end by this hour */
	unsigned match_remind_days;   /* remind whoever has not answered after this */
	unsigned match_expiry_days;   /* an unconfirmed match expires after this */
	unsigned match_followup_hours; /* ask "did you meet?" this long after the meeting time */
	unsigned match_link_days;     /* lifetime of the links in match e-mails */
	unsigned scheduler_poll_s;    /* the scheduler looks for due jobs this often */
	/* The relay (docs/relay.md) */
	unsigned relay_remind_days;   /* remind a door opener who has shared no contacts after this */
	unsigned relay_help_days;     /* ... and show them on the staff "needs help" list after this */
	unsigned relay_link_days;     /* lifetime of a contact's personal registration link */
	bool test_clock;              /* tests only: POST /test/clock moves the clock */
};

/* Fill cfg. Returns 0, or -1 with an error logged (unknown setting, bad
 * number, unreadable file). `file` may be NULL. */
int config_load(struct config *cfg, const char *file);

/* Set one setting by name (as in the file); for tests and the loaders. */
int config_set(struct config *cfg, const char *name, const char *value);

#endif
