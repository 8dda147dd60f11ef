#include "domain/profile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/utf8.h"
#include "domain/refdata.h"
#include "i18n/i18n.h"

const char *const profile_field_names[PF_COUNT] = {
	[PF_FIRST_NAME] = "first_name",
	[PF_LAST_NAME] = "last_name",
	[PF_EMAIL] = "email",
	[PF_PHONE] = "phone",
	[PF_MAIL_LANG] = "mail_lang",
	[PF_LANGUAGES] = "languages",
	[PF_SECTOR] = "sector",
	[PF_OCCUPATION] = "occupation",
	[PF_JOB_TITLE] = "job_title",
	[PF_EXPERIENCE] = "experience_years",
	[PF_EDUCATION] = "education",
	[PF_EMPLOYER] = "employer",
	[PF_MUNICIPALITY] = "municipality",
	[PF_MEETING_MODE] = "meeting_mode",
	[PF_INTRO] = "intro",
	[PF_LINK] = "link",
	[PF_GENDER] = "gender",
	[PF_BIRTH_YEAR] = "birth_year",
	[PF_BIRTH_COUNTRY] = "birth_country",
	[PF_ARRIVAL_YEAR] = "arrival_year",
};

/* Every field value is at most this many bytes before tidying (the form
 * parser allows 16 KiB); anything longer fails its length check anyway. */
enum { RAW_MAX = 8192 };

static int small_int(const char *s, int lo, int hi);

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A one-line field: trimmed, every run of whitespace (line breaks too)
 * made one space. */
static const char *clean_line(struct arena *a, const char *s)
{
	if (!s)
		return "";
	size_t n = strnlen(s, RAW_MAX + 1);
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i])) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* A text area: line breaks made \n, trimmed at both ends. */
static const char *clean_text(struct arena *a, const char *s)
{
	if (!s)
		return "";
	size_t n = strnlen(s, RAW_MAX + 1);
	while (n && is_space(s[n - 1]))
		n--;
	size_t i = 0;
	while (i < n && is_space(s[i]))
		i++;
	char *out = arena_alloc(a, n - i + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (; i < n; i++) {
		if (s[i] == '\r') {
			out[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static const char *field(const struct form *f, const char *name, struct arena *a)
{
	return clean_line(a, form_get(f, name));
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static void add_lang(struct profile *p, const char *code)
{
	if (!code || !*code || in_list(p->langs, p->nlangs, code))
		return;
	if (p->nlangs < PROFILE_MAX_LANGS + 1)
		p->langs[p->nlangs++] = code;
}

int profile_parse(struct profile *p, const struct form *f, unsigned flags, struct arena *a)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->experience_n = p->birth_year_n = p->arrival_year_n = -1;
	p->first_name = field(f, "first_name", a);
	p->last_name = field(f, "last_name", a);
	p->email = flags & PROFILE_EMAIL_FIXED ? "" : field(f, "email", a);
	p->phone = field(f, "phone", a);
	const char *shared = form_get(f, "phone_shared");
	p->phone_shared = shared && *shared;
	p->mail_lang = field(f, "mail_lang", a);
	const char *vals[200];
	size_t n = form_get_all(f, "languages", vals, 200);
	for (size_t i = 0; i < n; i++)
		add_lang(p, clean_line(a, vals[i]));
	n = form_get_all(f, "other_languages", vals, 200);
	for (size_t i = 0; i < n; i++)
		add_lang(p, clean_line(a, vals[i]));
	p->sector = field(f, "sector", a);
	p->occupation = field(f, "occupation", a);
	p->job_title = field(f, "job_title", a);
	p->experience = field(f, "experience_years", a);
	p->education = field(f, "education", a);
	p->employer = flags & PROFILE_DOOR_OPENER ? field(f, "employer", a) : "";
	p->municipality = field(f, "municipality", a);
	p->meeting_mode = field(f, "meeting_mode", a);
	p->intro = clean_text(a, form_get(f, "intro"));
	p->link = field(f, "link", a);
	p->gender = field(f, "gender", a);
	p->birth_year = field(f, "birth_year", a);
	p->birth_country = field(f, "birth_country", a);
	p->arrival_year = flags & PROFILE_PARTICIPANT ? field(f, "arrival_year", a) : "";
	const char *all[] = { p->first_name, p->last_name, p->email, p->phone, p->mail_lang, p->sector,
			      p->occupation, p->job_title, p->experience, p->education, p->employer,
			      p->municipality, p->meeting_mode, p->intro, p->link, p->gender, p->birth_year,
			      p->birth_country, p->arrival_year };
	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		if (!all[i])
			return -1;
	for (size_t i = 0; i < p->nlangs; i++)
		if (!p->langs[i])
			return -1;
	/* The numbers as typed; profile_validate checks their ranges. */
	p->experience_n = small_int(p->experience, 0, 9999);
	p->birth_year_n = small_int(p->birth_year, 0, 9999);
	p->arrival_year_n = small_int(p->arrival_year, 0, 9999);
	return 0;
}

/* ---- syntax checks -------------------------------------------------------- */

static bool atext(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

bool profile_email_ok(const char *s, size_t n)
{
	if (n < 3 || n > PROFILE_EMAIL_MAX)
		return false;
	const char *at = memchr(s, '@', n);
	if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
		return false;
	size_t local = (size_t)(at - s);
	if (local < 1 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		return false;
	for (size_t i = 0; i < local; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' ? s[i + 1] == '.' : !atext(c))
			return false;
	}
	/* Domain: labels of letters, digits and hyphens, at least two, the
	 * last not all digits. */
	const char *d = at + 1, *end = s + n;
	int labels = 0;
	bool tld_alpha = false;
	while (d < end) {
		const char *dot = memchr(d, '.', (size_t)(end - d));
		const char *le = dot ? dot : end;
		size_t len = (size_t)(le - d);
		if (len < 1 || len > 63 || d[0] == '-' || le[-1] == '-')
			return false;
		tld_alpha = false;
		for (const char *q = d; q < le; q++) {
			unsigned char c = (unsigned char)*q;
			if (!isalnum(c) && c != '-')
				return false;
			if (isalpha(c))
				tld_alpha = true;
		}
		labels++;
		if (!dot)
			break;
		d = dot + 1;
		if (d == end)
			return false; /* trailing dot */
	}
	return labels >= 2 && tld_alpha;
}

bool profile_link_ok(const char *s, size_t n)
{
	size_t skip;
	if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		skip = 8;
	else if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return false;
	/* Host (and an optional port): up to the first / ? or #. */
	size_t i = skip;
	bool dot = false;
	while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#') {
		unsigned char c = (unsigned char)s[i];
		if (c == '.')
			dot = true;
		else if (!isalnum(c) && c != '-' && c != ':' && c < 0x80)
			return false;
		i++;
	}
	if (i == skip || !dot || s[skip] == '.' || s[skip] == '-')
		return false;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f || strchr("\"<>\\^`{|}", c))
			return false;
	}
	return true;
}

static bool phone_ok(const char *s)
{
	size_t digits = 0;
	for (size_t i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isdigit(c))
			digits++;
		else if (c == '+' ? i != 0 : !strchr(" -().", c))
			return false;
	}
	return digits >= 5 && digits <= 20;
}

/* A whole number in [lo, hi] with at most 4 digits; -1 if not. */
static int small_int(const char *s, int lo, int hi)
{
	size_t n = strlen(s);
	if (n < 1 || n > 4)
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi ? v : -1;
}

static size_t chars(const char *s)
{
	return utf8_chars(s, strlen(s));
}

/* ---- reference data ------------------------------------------------------- */

/* A code typed for `kind` is fine when staff offer it now, or when it is
 * the stored value (hidden since, but valid on old data). */
static bool code_ok(struct db *db, const char *kind, const char *code, const char *old)
{
	if (chars(code) > PROFILE_CODE_MAX)
		return false;
	if (refdata_selectable(db, kind, code))
		return true;
	return old && strcmp(code, old) == 0 && refdata_exists(db, kind, code);
}

/* "FI-091" is offered when "FI" is among the deployment's countries. */
static bool country_offered(const char *countries, const char *municipality)
{
	if (strlen(municipality) < 3 || municipality[2] != '-')
		return false;
	for (const char *c = countries; *c;) {
		const char *comma = strchr(c, ',');
		size_t len = comma ? (size_t)(comma - c) : strlen(c);
		while (len && *c == ' ')
			c++, len--;
		if (len >= 2 && strncmp(c, municipality, 2) == 0)
			return true;
		if (!comma)
			break;
		c = comma + 1;
	}
	return false;
}

static int current_year(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return 2026;
	return tm.tm_year + 1900;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

#define OLD(field) (old ? old->field : NULL)

int profile_validate(struct profile *p, struct db *db, struct arena *a, const struct profile *old,
		     const char *countries, int64_t now)
{
	const char **e = p->error;
	int year = current_year(now);

	if (!*p->first_name)
		e[PF_FIRST_NAME] = N_("Enter your first name.");
	else if (chars(p->first_name) > PROFILE_NAME_MAX)
		e[PF_FIRST_NAME] = N_("Your first name is too long (at most 100 characters).");
	if (!*p->last_name)
		e[PF_LAST_NAME] = N_("Enter your last name.");
	else if (chars(p->last_name) > PROFILE_NAME_MAX)
		e[PF_LAST_NAME] = N_("Your last name is too long (at most 100 characters).");

	if (!(p->flags & PROFILE_EMAIL_FIXED)) {
		if (!*p->email) {
			e[PF_EMAIL] = N_("Enter your e-mail address.");
		} else if (!profile_email_ok(p->email, strlen(p->email))) {
			e[PF_EMAIL] = N_("Enter the e-mail address in the form name@example.com.");
		} else {
			char *low = arena_strdup(a, p->email);
			if (!low)
				return e[PF_EMAIL] = N_("Enter your e-mail address."), 1;
			lower(low);
			p->email = low;
		}
	}
	if (*p->phone && (chars(p->phone) > PROFILE_PHONE_MAX || !phone_ok(p->phone)))
		e[PF_PHONE] = N_("Enter the phone number in the form +358 40 123 4567, or leave the field empty.");
	if (!*p->phone)
		p->phone_shared = false;
	if (lang_from_code(p->mail_lang) == LANG_COUNT)
		e[PF_MAIL_LANG] = N_("Choose the language of your e-mails.");

	if (p->nlangs == 0) {
		e[PF_LANGUAGES] = N_("Choose at least one language you can hold a meeting in.");
	} else if (p->nlangs > PROFILE_MAX_LANGS) {
		e[PF_LANGUAGES] = N_("Choose at most 20 languages.");
	} else {
		for (size_t i = 0; i < p->nlangs; i++) {
			const char *l = p->langs[i];
			if (lang_from_code(l) != LANG_COUNT)
				continue;
			bool had = old && profile_has_lang(old, l);
			if (!code_ok(db, "language", l, had ? l : NULL)) {
				e[PF_LANGUAGES] = N_("Choose the languages from the list.");
				break;
			}
		}
	}

	if (!*p->sector || !code_ok(db, "sector", p->sector, OLD(sector)))
		e[PF_SECTOR] = N_("Choose your sector.");
	if (!*p->occupation || !code_ok(db, "occupation", p->occupation, OLD(occupation)))
		e[PF_OCCUPATION] = N_("Choose your occupation.");
	else if (!e[PF_SECTOR] && !(old && !strcmp(old->sector, p->sector) && !strcmp(old->occupation, p->occupation)) &&
		 !refdata_in_sector(db, p->sector, p->occupation))
		e[PF_OCCUPATION] = N_("Choose an occupation in the sector you chose, or change the sector.");
	if (!*p->job_title)
		e[PF_JOB_TITLE] = N_("Enter your job title or profession.");
	else if (chars(p->job_title) > PROFILE_TITLE_MAX)
		e[PF_JOB_TITLE] = N_("The job title is too long (at most 120 characters).");
	p->experience_n = small_int(p->experience, 0, PROFILE_EXPERIENCE_MAX);
	if (p->experience_n < 0)
		e[PF_EXPERIENCE] = N_("Enter your years of experience in the field as a whole number from 0 to 60.");
	if (!*p->education || !code_ok(db, "education", p->education, OLD(education)))
		e[PF_EDUCATION] = N_("Choose your highest level of education.");
	if (chars(p->employer) > PROFILE_EMPLOYER_MAX)
		e[PF_EMPLOYER] = N_("The name of the employer is too long (at most 150 characters).");

	if (!*p->municipality || !code_ok(db, "municipality", p->municipality, OLD(municipality)) ||
	    (!(old && !strcmp(old->municipality, p->municipality)) && !country_offered(countries, p->municipality)))
		e[PF_MUNICIPALITY] = N_("Choose the municipality where you live or work.");
	if (strcmp(p->meeting_mode, "in_person") && strcmp(p->meeting_mode, "online") &&
	    strcmp(p->meeting_mode, "either"))
		e[PF_MEETING_MODE] = N_("Choose how you can meet.");

	if (!*p->intro)
		e[PF_INTRO] = N_("Write a short introduction of yourself.");
	else if (chars(p->intro) > PROFILE_INTRO_MAX)
		e[PF_INTRO] = N_("The introduction is too long (at most 1000 characters).");
	if (chars(p->link) > PROFILE_LINK_MAX)
		e[PF_LINK] = N_("The link is too long (at most 500 characters).");
	else if (*p->link && !profile_link_ok(p->link, strlen(p->link)))
		e[PF_LINK] = N_("Enter a link that begins with https:// or http://, or leave the field empty.");

	/* Statistics: every answer is optional. */
	if (*p->gender && strcmp(p->gender, "woman") && strcmp(p->gender, "man") && strcmp(p->gender, "other"))
		e[PF_GENDER] = N_("Choose one of the options, or leave the question unanswered.");
	if (*p->birth_year) {
		p->birth_year_n = small_int(p->birth_year, 1900, year - 15);
		if (p->birth_year_n < 0)
			e[PF_BIRTH_YEAR] = N_("Enter the year of birth as four digits, for example 1985, or leave the field empty.");
	}
	if (*p->birth_country && !code_ok(db, "country", p->birth_country, OLD(birth_country)))
		e[PF_BIRTH_COUNTRY] = N_("Choose the country from the list, or leave the question unanswered.");
	if (*p->arrival_year) {
		p->arrival_year_n = small_int(p->arrival_year, 1900, year);
		if (p->arrival_year_n < 0)
			e[PF_ARRIVAL_YEAR] = N_("Enter the year you came as four digits, for example 2019, or leave the field empty.");
		else if (p->birth_year_n > 0 && p->arrival_year_n < p->birth_year_n)
			e[PF_ARRIVAL_YEAR] = N_("The year you came cannot be before the year you were born.");
	}

	int problems = 0;
	for (int i = 0; i < PF_COUNT; i++)
		problems += e[i] != NULL;
	return problems;
}

bool profile_has_lang(const struct profile *p, const char *code)
{
	return in_list(p->langs, p->nlangs, code);
}

/* ---- storage -------------------------------------------------------------- */

static const char *col(struct arena *a, struct db_stmt *st, int i)
{
	const char *s = db_col_text(st, i);
	return arena_strdup(a, s ? s : "");
}

static const char *col_year(struct arena *a, struct db_stmt *st, int i, int *n)
{
	if (db_col_null(st, i)) {
		*n = -1;
		return "";
	}
	*n = (int)db_col_int(st, i);
	return arena_printf(a, "%d", *n);
}

int profile_load(struct db *db, struct arena *a, int64_t person_id, unsigned flags, struct profile *p)
{
	memset(p, 0, sizeof(*p));
	p->flags = flags;
	struct db_stmt *st = db_prepare(db,
		"SELECT email, first_name, last_name, phone, phone_shared, mail_lang, sector, occupation,"
		" job_title, experience_years, education, employer, municipality, meeting_mode, intro, link,"
		" gender, birth_year, birth_country, arrival_year"
		" FROM people WHERE id = ? AND erased_at IS NULL");
	int r = -1;
	if (st && db_bind_int(st, 1, person_id) == 0 && db_step(st) == DB_ROW) {
		p->email = col(a, st, 0);
		p->first_name = col(a, st, 1);
		p->last_name = col(a, st, 2);
		p->phone = col(a, st, 3);
		p->phone_shared = db_col_int(st, 4) != 0;
		p->mail_lang = col(a, st, 5);
		p->sector = col(a, st, 6);
		p->occupation = col(a, st, 7);
		p->job_title = col(a, st, 8);
		p->experience = col_year(a, st, 9, &p->experience_n);
		p->education = col(a, st, 10);
		p->employer = col(a, st, 11);
		p->municipality = col(a, st, 12);
		p->meeting_mode = col(a, st, 13);
		p->intro = col(a, st, 14);
		p->link = col(a, st, 15);
		p->gender = col(a, st, 16);
		p->birth_year = col_year(a, st, 17, &p->birth_year_n);
		p->birth_country = col(a, st, 18);
		p->arrival_year = col_year(a, st, 19, &p->arrival_year_n);
		r = p->email && p->first_name && p->last_name && p->phone && p->mail_lang && p->sector &&
				    p->occupation && p->job_title && p->experience && p->education && p->employer &&
				    p->municipality && p->meeting_mode && p->intro && p->link && p->gender &&
				    p->birth_year && p->birth_country && p->arrival_year
			    ? 0
			    : -1;
	}
	db_finalize(st);
	if (r)
		return -1;
	st = db_prepare(db, "SELECT lang FROM person_languages WHERE person_id = ? ORDER BY lang");
	if (!st || db_bind_int(st, 1, person_id))
		r = -1;
	while (r == 0 && db_step(st) == DB_ROW) {
		const char *l = col(a, st, 0);
		if (!l)
			r = -1;
		else
			add_lang(p, l);
	}
	db_finalize(st);
	return r;
}

static int bind_year(struct db_stmt *st, int i, int v)
{
	return v < 0 ? db_bind_null(st, i) : db_bind_int(st, i, v);
}

static int save_langs(struct db *db, int64_t person_id, const struct profile *p)
{
	if (db_run(db, "DELETE FROM person_languages WHERE person_id = ?", "i", person_id))
		return -1;
	for (size_t i = 0; i < p->nlangs && i < PROFILE_MAX_LANGS; i++)
		if (db_run(db, "INSERT INTO person_languages (person_id, lang) VALUES (?, ?)", "is", person_id,
			   p->langs[i]))
			return -1;
	return 0;
}

/* The columns every save writes, in this order (binding starts at `i`). */
#define COMMON_COLUMNS                                                                                     \
	"first_name, last_name, phone, phone_shared, mail_lang, sector, occupation, job_title,"             \
	" experience_years, education, municipality, meeting_mode, intro, link, gender, birth_year,"        \
	" birth_country"
enum { COMMON_COUNT = 17 };

static int bind_common(struct db_stmt *st, int i, const struct profile *p)
{
	int r = 0;
	r |= db_bind_text(st, i++, p->first_name);
	r |= db_bind_text(st, i++, p->last_name);
	r |= db_bind_text(st, i++, p->phone);
	r |= db_bind_int(st, i++, p->phone_shared);
	r |= db_bind_text(st, i++, p->mail_lang);
	r |= db_bind_text(st, i++, p->sector);
	r |= db_bind_text(st, i++, p->occupation);
	r |= db_bind_text(st, i++, p->job_title);
	r |= bind_year(st, i++, p->experience_n);
	r |= db_bind_text(st, i++, p->education);
	r |= db_bind_text(st, i++, p->municipality);
	r |= db_bind_text(st, i++, p->meeting_mode);
	r |= db_bind_text(st, i++, p->intro);
	r |= db_bind_text(st, i++, p->link);
	r |= db_bind_text(st, i++, p->gender);
	r |= bind_year(st, i++, p->birth_year_n);
	r |= db_bind_text(st, i++, p->birth_country);
	return r ? -1 : 0;
}

int64_t profile_insert(struct db *db, const struct profile *p, int64_t now)
{
	if (!p->email || !*p->email)
		return -1;
	struct db_stmt *st = db_prepare(db, "INSERT INTO people (" COMMON_COLUMNS ", email, employer, arrival_year,"
					    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
					    " ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	int64_t id = -1;
	int i = COMMON_COUNT + 1;
	if (st && bind_common(st, 1, p) == 0 && db_bind_text(st, i, p->email) == 0 &&
	    db_bind_text(st, i + 1, p->employer) == 0 && bind_year(st, i + 2, p->arrival_year_n) == 0 &&
	    db_bind_int(st, i + 3, now) == 0 && db_bind_int(st, i + 4, now) == 0 && db_step(st) == DB_ROW)
		id = db_col_int(st, 0);
	db_finalize(st);
	if (id > 0 && save_langs(db, id, p))
		return -1;
	return id;
}

int profile_update(struct db *db, int64_t person_id, const struct profile *p, int64_t now)
{
	static const char *const common[COMMON_COUNT] = {
		"first_name", "last_name", "phone", "phone_shared", "mail_lang", "sector", "occupation",
		"job_title", "experience_years", "education", "municipality", "meeting_mode", "intro", "link",
		"gender", "birth_year", "birth_country",
	};
	bool email = !(p->flags & PROFILE_EMAIL_FIXED), employer = p->flags & PROFILE_DOOR_OPENER,
	     arrival = p->flags & PROFILE_PARTICIPANT;
	struct buf sql = BUF_INIT(2048);
	buf_adds(&sql, "UPDATE people SET ");
	for (int k = 0; k < COMMON_COUNT; k++)
		buf_printf(&sql, "%s = ?, ", common[k]);
	if (email)
		buf_adds(&sql, "email = ?, ");
	if (employer)
		buf_adds(&sql, "employer = ?, ");
	if (arrival)
		buf_adds(&sql, "arrival_year = ?, ");
	if (buf_adds(&sql, "updated_at = ? WHERE id = ? AND erased_at IS NULL")) {
		buf_free(&sql);
		return -1;
	}
	struct db_stmt *st = db_prepare(db, buf_str(&sql));
	buf_free(&sql);
	int i = COMMON_COUNT + 1, r = -1;
	if (st && bind_common(st, 1, p) == 0 && (!email || db_bind_text(st, i++, p->email) == 0) &&
	    (!employer || db_bind_text(st, i++, p->employer) == 0) &&
	    (!arrival || bind_year(st, i++, p->arrival_year_n) == 0) && db_bind_int(st, i++, now) == 0 &&
	    db_bind_int(st, i, person_id) == 0 && db_step(st) == DB_DONE)
		r = 0;
	db_finalize(st);
	if (r || db_changes(db) != 1)
		return -1;
	return save_langs(db, person_id, p);
}

/* ---- text form ------------------------------------------------------------ */

static int add_pair(struct buf *out, const char *key, const char *value)
{
	int r = 0;
	if (out->len)
		r |= buf_addc(out, '&');
	r |= buf_adds(out, key);
	r |= buf_addc(out, '=');
	for (const unsigned char *s = (const unsigned char *)value; *s && !r; s++) {
		if (isalnum(*s) || strchr("-._~", *s))
			r |= buf_addc(out, (char)*s);
		else if (*s == ' ')
			r |= buf_addc(out, '+');
		else
			r |= buf_printf(out, "%%%02X", *s);
	}
	return r ? -1 : 0;
}

int profile_encode(const struct profile *p, struct buf *out)
{
	char flags[16];
	snprintf(flags, sizeof(flags), "%u", p->flags);
	int r = add_pair(out, "flags", flags);
	const char *pairs[][2] = {
		{ "first_name", p->first_name }, { "last_name", p->last_name }, { "email", p->email },
		{ "phone", p->phone }, { "phone_shared", p->phone_shared ? "1" : "" }, { "mail_lang", p->mail_lang },
		{ "sector", p->sector }, { "occupation", p->occupation }, { "job_title", p->job_title },
		{ "experience_years", p->experience }, { "education", p->education }, { "employer", p->employer },
		{ "municipality", p->municipality }, { "meeting_mode", p->meeting_mode }, { "intro", p->intro },
		{ "link", p->link }, { "gender", p->gender }, { "birth_year", p->birth_year },
		{ "birth_country", p->birth_country }, { "arrival_year", p->arrival_year },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++)
		r |= add_pair(out, pairs[i][0], pairs[i][1] ? pairs[i][1] : "");
	for (size_t i = 0; i < p->nlangs && i < PROFILE_MAX_LANGS; i++)
		r |= add_pair(out, "languages", p->langs[i]);
	return r ? -1 : 0;
}
