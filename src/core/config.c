#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"

enum kind { STR, UINT, SIZE, BOOL };

struct setting {
	const char *name;
	enum kind kind;
	size_t off, size;
};

#define S(n, f) { n, STR, offsetof(struct config, f), sizeof(((struct config *)0)->f) }
#define U(n, f) { n, UINT, offsetof(struct config, f), 0 }
#define Z(n, f) { n, SIZE, offsetof(struct config, f), 0 }
#define B(n, f) { n, BOOL, offsetof(struct config, f), 0 }

static const struct setting settings[] = {
	S("listen", listen_addr),
	U("port", port),
	S("base_url", base_url),
	S("db", db),
	S("share_dir", share_dir),
	S("locale_dir", locale_dir),
	S("default_lang", default_lang),
	S("org_name", org_name),
	S("contact_email", contact_email),
	S("privacy_version", privacy_version),
	U("threads", threads),
	U("max_connections", max_connections),
	U("per_ip_connections", per_ip_connections),
	U("timeout", timeout_s),
	Z("body_max", body_max),
	B("trust_proxy", trust_proxy),
	U("session_idle", session_idle_s),
	U("session_max", session_max_s),
	U("hash_concurrency", hash_concurrency),
	S("smtp_url", smtp_url),
	S("smtp_user", smtp_user),
	S("smtp_password", smtp_password),
	S("mail_from", mail_from),
	U("mail_retry_base", mail_retry_base_s),
	U("mail_poll_ms", mail_poll_ms),
	U("participant_max_registrations", participant_max_registrations),
	U("unconfirmed_expiry_hours", unconfirmed_expiry_hours),
	U("login_link_minutes", login_link_minutes),
	S("eligibility_participant", eligibility_participant),
	S("eligibility_door_opener", eligibility_door_opener),
	S("countries", countries),
	S("time_zone", time_zone),
	B("match_auto_publish", match_auto_publish),
	U("meeting_lead_days", meeting_lead_days),
	U("meeting_day_start", meeting_day_start),
	U("meeting_day_end", meeting_day_end),
	U("match_remind_days", match_remind_days),
	U("match_expiry_days", match_expiry_days),
	U("match_followup_hours", match_followup_hours),
	U("match_link_days", match_link_days),
	U("scheduler_poll", scheduler_poll_s),
	U("relay_remind_days", relay_remind_days),
	U("relay_help_days", relay_help_days),
	U("relay_link_days", relay_link_days),
	B("test_clock", test_clock),
};

int config_set(struct config *cfg, const char *name, const char *value)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(*settings); i++) {
		const struct setting *s = &settings[i];
		if (strcmp(s->name, name) != 0)
			continue;
		char *field = (char *)cfg + s->off;
		char *end;
		unsigned long long v;
		switch (s->kind) {
		case STR:
			if (strlen(value) >= s->size)
				return error("config: %s is too long", name);
			memcpy(field, value, strlen(value) + 1);
			return 0;
		case UINT:
		case SIZE:
			errno = 0;
			v = strtoull(value, &end, 10);
			if (errno || end == value || *end || (s->kind == UINT && v > 0xffffffffULL))
				return error("config: %s must be a whole number", name);
			if (s->kind == UINT)
				*(unsigned *)(void *)field = (unsigned)v;
			else
				*(size_t *)(void *)field = (size_t)v;
			return 0;
		case BOOL:
			if (!strcmp(value, "1") || !strcasecmp(value, "true") || !strcasecmp(value, "yes"))
				*(bool *)(void *)field = true;
			else if (!strcmp(value, "0") || !strcasecmp(value, "false") || !strcasecmp(value, "no"))
				*(bool *)(void *)field = false;
			else
				return error("config: %s must be true or false", name);
			return 0;
		}
	}
	return error("config: unknown setting '%s'", name);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(struct config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return error("config: cannot read the configuration file");
	char line[2048];
	int lineno = 0, r = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			r = error("config: line %d: expected name = value", lineno);
			break;
		}
		*eq = '\0';
		if (config_set(cfg, trim(s), trim(eq + 1))) {
			r = -1;
			break;
		}
	}
	fclose(f);
	return r;
}

int config_load(struct config *cfg, const char *file)
{
	*cfg = (struct config){
		.listen_addr = "127.0.0.1",
		.port = 8080,
		.base_url = "http://localhost:8080",
		.db = "var/ovi.db",
		.share_dir = ".",
		.locale_dir = "build/locale",
		.default_lang = "sv",
		.org_name = "Ovi",
		.contact_email = "info@ovi.invalid",
		.privacy_version = "2026-11-23",
		.threads = 4,
		.max_connections = 1024,
		.per_ip_connections = 0,
		.timeout_s = 30,
		.body_max = 64 * 1024,
		.session_idle_s = 3600,
		.session_max_s = 12 * 3600,
		.hash_concurrency = 2,
		.mail_from = "Ovi <noreply@ovi.invalid>",
		.mail_retry_base_s = 60,
		.mail_poll_ms = 1000,
		.participant_max_registrations = 2,
		.unconfirmed_expiry_hours = 72,
		.login_link_minutes = 15,
		.eligibility_participant = "born_abroad,upper_secondary",
		.eligibility_door_opener = "established,three_years_work,national_language",
		.countries = "FI,SE",
		.time_zone = "Europe/Helsinki",
		.meeting_lead_days = 5,
		.meeting_day_start = 9,
		.meeting_day_end = 17,
		.match_remind_days = 4,
		.match_expiry_days = 10,
		.match_followup_hours = 24,
		.match_link_days = 30,
		.scheduler_poll_s = 60,
		.relay_remind_days = 7,
		.relay_help_days = 14,
		.relay_link_days = 21,
	};
	if (!file)
		file = getenv("OVI_CONFIG");
	if (file && *file && load_file(cfg, file))
		return -1;
	for (size_t i = 0; i < sizeof(settings) / sizeof(*settings); i++) {
		char env[64] = "OVI_";
		for (size_t j = 0; settings[i].name[j] && j < 50; j++)
			env[4 + j] = (char)toupper((unsigned char)settings[i].name[j]);
		const char *v = getenv(env);
		if (v && config_set(cfg, settings[i].name, v))
			return -1;
	}
	cfg->https = strncmp(cfg->base_url, "https://", 8) == 0;
	size_t n = strlen(cfg->base_url);
	while (n > 0 && cfg->base_url[n - 1] == '/')
		cfg->base_url[--n] = '\0';
	if (strcmp(cfg->default_lang, "sv") && strcmp(cfg->default_lang, "fi") && strcmp(cfg->default_lang, "en"))
		return error("config: default_lang must be sv, fi or en");
	if (cfg->threads == 0 || cfg->threads > 256)
		return error("config: threads must be between 1 and 256");
	if (cfg->mail_retry_base_s == 0 || cfg->mail_retry_base_s > 3600)
		return error("config: mail_retry_base must be between 1 and 3600 seconds");
	if (cfg->mail_poll_ms < 10 || cfg->mail_poll_ms > 600000)
		return error("config: mail_poll_ms must be between 10 and 600000");
	if (cfg->meeting_day_start > 23 || cfg->meeting_day_end > 24 || cfg->meeting_day_start >= cfg->meeting_day_end)
		return error("config: meeting_day_start must be before meeting_day_end (hours 0-24)");
	if (cfg->meeting_lead_days > 60)
		return error("config: meeting_lead_days must be at most 60");
	if (cfg->match_remind_days == 0 || cfg->match_expiry_days <= cfg->match_remind_days || cfg->match_expiry_days > 365)
		return error("config: match_remind_days must be at least 1 and below match_expiry_days (at most 365)");
	if (cfg->match_followup_hours > 24 * 60 || cfg->match_link_days == 0 || cfg->match_link_days > 365)
		return error("config: match_followup_hours at most 1440, match_link_days 1-365");
	if (cfg->scheduler_poll_s == 0 || cfg->scheduler_poll_s > 3600)
		return error("config: scheduler_poll must be between 1 and 3600 seconds");
	if (cfg->relay_remind_days == 0 || cfg->relay_help_days < cfg->relay_remind_days || cfg->relay_help_days > 365 ||
	    cfg->relay_link_days == 0 || cfg->relay_link_days > 365)
		return error("config: relay_remind_days 1-365, relay_help_days at least as many, relay_link_days 1-365");
	return 0;
}
