/* Staff pages of matching: the run history with a "dry run" button, one
 * run's proposals (score and why, shared languages, distance) and its
 * unmatched participants (with the reason), and the coordinator's actions:
 * pin a pair, exclude a pair, rerun around the pins, discard a run, remove a
 * pin or an exclusion. Staff only; every change is a CSRF-checked POST
 * answered with 303, and written to the audit log by ids only. The
 * engine's breakdown and reason keys are translated by the templates
 * (admin_match_run.html). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "domain/matches.h"
#include "domain/matching.h"
#include "domain/refdata.h"
#include "domain/staff.h"
#include "mail/sender.h"
#include "web/mail.h"
#include "web/member.h"
#include "web/routes.h"

enum { ROWS_MAX = 500, RUNS_MAX = 200 }; /* rows a page shows (the arena has 8 MB) */
enum { PUBLISH_MAX = 200 };               /* proposal ids one publish form sends (the form parser's limit) */

static const char *base(struct ctx *c)
{
	return arena_printf(c->a, "/%s/admin/matching", lang_codes[c->lang]);
}

static bool param_id(struct ctx *c, const char *name, int64_t *id)
{
	return member_parse_id(route_param(&c->m, name), id);
}

static void audit_run(struct ctx *c, const char *action, int64_t run_id, int64_t p, int64_t d)
{
	char detail[96];
	if (p > 0)
		snprintf(detail, sizeof(detail), "run:%lld pair:%lld-%lld", (long long)run_id, (long long)p, (long long)d);
	else
		snprintf(detail, sizeof(detail), "run:%lld", (long long)run_id);
	audit(c->db, c->staff_id, action, detail);
}

static const char *person_name(struct ctx *c, struct db_stmt *st, int first)
{
	if (!db_col_null(st, first + 2))
		return ctx_tr(c, "Erased person");
	return arena_printf(c->a, "%s %s", db_col_text(st, first), db_col_text(st, first + 1));
}

/* ---- the run history ---------------------------------------------------- */

static void set_run_figures(struct ctx *c, struct tval *r, struct db_stmt *st)
{
	int64_t id = db_col_int(st, 0);
	tv_set_int(r, "id", (long long)id);
	tv_set_str(r, "href", arena_printf(c->a, "%s/runs/%lld", base(c), (long long)id));
	tv_set_str(r, "created", member_datetime(c, db_col_int(st, 1)));
	tv_set_int(r, "participants", (long long)db_col_int(st, 2));
	tv_set_int(r, "door_openers", (long long)db_col_int(st, 3));
	tv_set_int(r, "candidate_pairs", (long long)db_col_int(st, 4));
	tv_set_int(r, "proposals", (long long)db_col_int(st, 5));
	tv_set_int(r, "total_score", (long long)db_col_int(st, 6));
	tv_set_bool(r, "verified", db_col_int(st, 7) != 0);
	tv_set_str(r, "status", db_col_text(st, 8));
	tv_set_bool(r, "draft", strcmp(db_col_text(st, 8), "draft") == 0);
	tv_set_str(r, "objective", db_col_text(st, 9));
	tv_set_bool(r, "by_command", db_col_null(st, 10));
	tv_set_bool(r, "published", !db_col_null(st, 12));
	if (!db_col_null(st, 12))
		tv_set_str(r, "published_at", member_datetime(c, db_col_int(st, 12)));
	/* "occ_unit=400;occ_minor=300;..." shown as "occ_unit=400, occ_minor=300, ..." */
	const char *w = db_col_text(st, 11);
	char *weights = arena_strdup(c->a, w ? w : "");
	if (weights) {
		struct buf b = BUF_INIT(4096);
		for (const char *q = weights; *q; q++)
			if (*q == ';')
				buf_adds(&b, ", ");
			else
				buf_addc(&b, *q);
		tv_set_str(r, "weights", arena_strdup(c->a, b.len ? buf_str(&b) : ""));
		buf_free(&b);
	}
}

static const char RUN_COLS[] = "SELECT id, created_at, participants, door_openers, candidate_pairs, proposals,"
			       " total_score, certificate_verified, status, objective, staff_id, weights, published_at"
			       " FROM match_runs";

static struct tval *pins_tv(struct ctx *c)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db,
		"SELECT pin.participant, pin.door_opener, pp.first_name, pp.last_name, pp.erased_at,"
		" dp.first_name, dp.last_name, dp.erased_at, pin.created_at, rp.status, rd.status"
		" FROM match_pins pin"
		" JOIN registrations rp ON rp.id = pin.participant JOIN people pp ON pp.id = rp.person_id"
		" JOIN registrations rd ON rd.id = pin.door_opener JOIN people dp ON dp.id = rd.person_id"
		" ORDER BY pin.created_at, pin.participant");
	while (st && db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
		struct tval *r = tv_map(c->a);
		int64_t p = db_col_int(st, 0);
		tv_set_int(r, "participant_reg", (long long)p);
		tv_set_str(r, "participant", person_name(c, st, 2));
		tv_set_str(r, "door_opener", person_name(c, st, 5));
		tv_set_str(r, "created", member_datetime(c, db_col_int(st, 8)));
		tv_set_bool(r, "stale", strcmp(db_col_text(st, 9), "waiting") || strcmp(db_col_text(st, 10), "waiting"));
		tv_set_str(r, "remove_action", arena_printf(c->a, "%s/pins/%lld/remove", base(c), (long long)p));
		tv_push(list, r);
	}
	db_finalize(st);
	return list;
}

static struct tval *exclusions_tv(struct ctx *c)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db,
		"SELECT e.participant, e.door_opener, pp.first_name, pp.last_name, pp.erased_at,"
		" dp.first_name, dp.last_name, dp.erased_at, e.created_at"
		" FROM match_exclusions e"
		" JOIN registrations rp ON rp.id = e.participant JOIN people pp ON pp.id = rp.person_id"
		" JOIN registrations rd ON rd.id = e.door_opener JOIN people dp ON dp.id = rd.person_id"
		" ORDER BY e.created_at DESC, e.participant, e.door_opener");
	while (st && db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
		struct tval *r = tv_map(c->a);
		tv_set_str(r, "participant", person_name(c, st, 2));
		tv_set_str(r, "door_opener", person_name(c, st, 5));
		tv_set_str(r, "created", member_datetime(c, db_col_int(st, 8)));
		tv_set_str(r, "remove_action", arena_printf(c->a, "%s/exclusions/%lld/%lld/remove", base(c),
							    (long long)db_col_int(st, 0), (long long)db_col_int(st, 1)));
		tv_push(list, r);
	}
	db_finalize(st);
	return list;
}

static void matching_home(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	page_render_prepare(c);
	struct tval *runs = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db, arena_printf(c->a, "%s ORDER BY id DESC LIMIT %d", RUN_COLS, RUNS_MAX));
	while (st && db_step(st) == DB_ROW) {
		struct tval *r = tv_map(c->a);
		set_run_figures(c, r, st);
		tv_push(runs, r);
	}
	db_finalize(st);
	tv_set(c->data, "runs", runs);
	tv_set_int(c->data, "waiting_participants",
		   (long long)db_int(c->db, 0, "SELECT COUNT(*) FROM registrations r JOIN people p ON p.id = r.person_id"
					       " WHERE r.status = 'waiting' AND r.role = 'participant' AND p.erased_at IS NULL", ""));
	tv_set_int(c->data, "waiting_door_openers",
		   (long long)db_int(c->db, 0, "SELECT COUNT(*) FROM registrations r JOIN people p ON p.id = r.person_id"
					       " WHERE r.status = 'waiting' AND r.role = 'door_opener' AND p.erased_at IS NULL", ""));
	tv_set(c->data, "pins", pins_tv(c));
	tv_set(c->data, "exclusions", exclusions_tv(c));
	tv_set_str(c->data, "run_action", arena_printf(c->a, "%s/run", base(c)));
	page_render(c, "admin_match", "admin-matching");
}

/* Publish proposals of a run (ids, or every unpublished one when n == 0)
 * in one transaction with its audit entry: 0, MATCHES_NOT_NOW (the run is
 * discarded) or -1. */
static int publish_run(struct ctx *c, int64_t run_id, const int64_t *ids, size_t n, int *published, int *skipped)
{
	struct mail_env e;
	ctx_mail_env(c, &e);
	*published = *skipped = 0;
	if (db_begin(c->db))
		return -1;
	int r = matches_publish(&e, run_id, ids, n, c->staff_id, published, skipped);
	if (r == 0) {
		char detail[96];
		snprintf(detail, sizeof(detail), "run:%lld published:%d skipped:%d", (long long)run_id, *published,
			 *skipped);
		if (audit(c->db, c->staff_id, "match_publish", detail) || db_commit(c->db))
			r = -1;
	}
	if (r != 0) {
		db_rollback(c->db);
		*published = *skipped = 0;
	} else {
		mail_sender_wake();
	}
	return r;
}

static const char *run_href_published(struct ctx *c, int64_t run_id, int published, int skipped)
{
	return arena_printf(c->a, "%s/runs/%lld?published=%d&skipped=%d#proposals", base(c), (long long)run_id,
			    published, skipped);
}

/* A new run with the default settings, then its page; with the setting
 * match_auto_publish its proposals are published at once. */
static void new_run(struct ctx *c, int64_t after)
{
	struct matching_opts o;
	matching_opts_default(&o);
	int64_t id = 0;
	if (matching_run(c->db, &o, c->staff_id, c->now, &id)) {
		page_error(c, 500);
		return;
	}
	char detail[64];
	if (after > 0)
		snprintf(detail, sizeof(detail), "run:%lld after run:%lld", (long long)id, (long long)after);
	else
		snprintf(detail, sizeof(detail), "run:%lld", (long long)id);
	audit(c->db, c->staff_id, "match_run", detail);
	if (c->app->cfg.match_auto_publish) {
		int published, skipped;
		if (publish_run(c, id, NULL, 0, &published, &skipped) == 0) {
			http_redirect(c->resp, 303, run_href_published(c, id, published, skipped));
			return;
		}
		/* The run stays a draft: staff can publish it from its page. */
		error("matching: automatic publishing of a run failed");
		http_redirect(c->resp, 303, arena_printf(c->a, "%s/runs/%lld?publish=failed", base(c), (long long)id));
		return;
	}
	http_redirect(c->resp, 303, arena_printf(c->a, "%s/runs/%lld", base(c), (long long)id));
}

static void matching_dry_run(struct ctx *c)
{
	if (ctx_need_staff(c))
		new_run(c, 0);
}

/* ---- one run ---------------------------------------------------------------- */

static void breakdown_tv(struct ctx *c, struct tval *r, const char *bd)
{
	static const char *const str_keys[] = { "occ_level", "place_level", "meeting" };
	static const char *const int_keys[] = { "occupation", "place", "mode", "preference", "wait", "wait_days" };
	char v[32];
	for (size_t i = 0; i < sizeof(str_keys) / sizeof(*str_keys); i++)
		tv_set_str(r, str_keys[i], matching_breakdown_get(bd, str_keys[i], v, sizeof(v)) ? "none"
											 : arena_strdup(c->a, v));
	for (size_t i = 0; i < sizeof(int_keys) / sizeof(*int_keys); i++)
		tv_set_int(r, int_keys[i], matching_breakdown_get(bd, int_keys[i], v, sizeof(v)) ? 0 : atoll(v));
}

/* Language names, remembered for the request (every proposal names a few of
 * the same languages). */
struct lang_names {
	size_t n;
	struct { char code[16]; const char *name; } e[64];
};

static const char *language_name(struct ctx *c, struct lang_names *ln, const char *code)
{
	for (size_t i = 0; i < ln->n; i++)
		if (strcmp(ln->e[i].code, code) == 0)
			return ln->e[i].name;
	const char *name = refdata_name(c->db, c->a, "language", code, lang_codes[c->lang]);
	if (!name)
		name = arena_strdup(c->a, code);
	if (name && ln->n < sizeof(ln->e) / sizeof(*ln->e) && strlen(code) < sizeof(ln->e[0].code)) {
		strcpy(ln->e[ln->n].code, code);
		ln->e[ln->n++].name = name;
	}
	return name ? name : "";
}

static const char *language_names(struct ctx *c, struct lang_names *ln, const char *codes)
{
	struct buf b = BUF_INIT(4096);
	char code[40];
	const char *s = codes;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n && n < sizeof(code)) {
			memcpy(code, s, n);
			code[n] = '\0';
			if (b.len)
				buf_adds(&b, ", ");
			buf_adds(&b, language_name(c, ln, code));
		}
		s = end ? end + 1 : NULL;
	}
	const char *out = arena_strdup(c->a, b.len ? buf_str(&b) : "");
	buf_free(&b);
	return out ? out : "";
}

static struct tval *proposals_tv(struct ctx *c, int64_t run_id)
{
	struct tval *list = tv_list(c->a);
	struct lang_names ln = { 0 };
	struct db_stmt *st = db_prepare(c->db,
		"SELECT mp.id, mp.participant, mp.door_opener, mp.score, mp.breakdown, mp.languages, mp.distance_km,"
		" mp.pinned, pp.first_name, pp.last_name, pp.erased_at, dp.first_name, dp.last_name, dp.erased_at,"
		" pp.id, dp.id,"
		" EXISTS (SELECT 1 FROM match_pins x WHERE x.participant = mp.participant AND x.door_opener = mp.door_opener),"
		" EXISTS (SELECT 1 FROM match_exclusions x WHERE x.participant = mp.participant AND x.door_opener = mp.door_opener),"
		" mp.match_id"
		" FROM match_proposals mp"
		" JOIN registrations rp ON rp.id = mp.participant JOIN people pp ON pp.id = rp.person_id"
		" JOIN registrations rd ON rd.id = mp.door_opener JOIN people dp ON dp.id = rd.person_id"
		" WHERE mp.run_id = ? ORDER BY mp.score DESC, mp.id");
	if (!st || db_bind_int(st, 1, run_id)) {
		db_finalize(st);
		return list;
	}
	while (db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
		struct tval *r = tv_map(c->a);
		int64_t pid = db_col_int(st, 0);
		tv_set_int(r, "id", (long long)pid);
		tv_set_str(r, "participant", person_name(c, st, 8));
		tv_set_str(r, "door_opener", person_name(c, st, 11));
		tv_set_str(r, "participant_href",
			   arena_printf(c->a, "/%s/admin/people/%lld", lang_codes[c->lang], (long long)db_col_int(st, 14)));
		tv_set_str(r, "door_opener_href",
			   arena_printf(c->a, "/%s/admin/people/%lld", lang_codes[c->lang], (long long)db_col_int(st, 15)));
		tv_set_int(r, "score", (long long)db_col_int(st, 3));
		breakdown_tv(c, r, db_col_text(st, 4));
		tv_set_str(r, "languages", language_names(c, &ln, db_col_text(st, 5)));
		tv_set_bool(r, "has_distance", !db_col_null(st, 6));
		tv_set_int(r, "distance", (long long)db_col_int(st, 6));
		tv_set_bool(r, "pinned", db_col_int(st, 7) != 0);
		tv_set_bool(r, "pinned_now", db_col_int(st, 16) != 0);
		tv_set_bool(r, "excluded_now", db_col_int(st, 17) != 0);
		tv_set_bool(r, "published", !db_col_null(st, 18));
		if (!db_col_null(st, 18)) {
			tv_set_int(r, "match_id", (long long)db_col_int(st, 18));
			tv_set_str(r, "match_href", arena_printf(c->a, "/%s/admin/matches/%lld", lang_codes[c->lang],
								 (long long)db_col_int(st, 18)));
		}
		const char *a = arena_printf(c->a, "%s/runs/%lld/proposals/%lld", base(c), (long long)run_id, (long long)pid);
		tv_set_str(r, "pin_action", arena_printf(c->a, "%s/pin", a));
		tv_set_str(r, "unpin_action", arena_printf(c->a, "%s/unpin", a));
		tv_set_str(r, "exclude_action", arena_printf(c->a, "%s/exclude", a));
		tv_push(list, r);
	}
	db_finalize(st);
	return list;
}

static struct tval *unmatched_tv(struct ctx *c, int64_t run_id)
{
	struct tval *list = tv_list(c->a);
	struct db_stmt *st = db_prepare(c->db,
		"SELECT u.reason, p.first_name, p.last_name, p.erased_at, p.id FROM match_unmatched u"
		" JOIN registrations r ON r.id = u.participant JOIN people p ON p.id = r.person_id"
		" WHERE u.run_id = ? ORDER BY u.reason, u.participant");
	if (!st || db_bind_int(st, 1, run_id)) {
		db_finalize(st);
		return list;
	}
	while (db_step(st) == DB_ROW && tv_len(list) < ROWS_MAX) {
		struct tval *r = tv_map(c->a);
		tv_set_str(r, "reason", db_col_text(st, 0));
		tv_set_str(r, "name", person_name(c, st, 1));
		tv_set_str(r, "href", arena_printf(c->a, "/%s/admin/people/%lld", lang_codes[c->lang], (long long)db_col_int(st, 4)));
		tv_push(list, r);
	}
	db_finalize(st);
	return list;
}

/* A count in the query string (0 to 999999), for the notice after publishing. */
static bool count_param(struct ctx *c, const char *name, int64_t *v)
{
	const char *s = form_get(&c->req->query, name);
	if (!s || !*s || strlen(s) > 6)
		return false;
	int64_t n = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return true;
}

/* The run page; `error` (translated) on top when an action could not be done. */
static void render_run(struct ctx *c, int64_t id, const char *error)
{
	page_render_prepare(c);
	if (error)
		tv_set_str(c->data, "error", error);
	struct tval *run = tv_map(c->a);
	struct db_stmt *st = db_prepare(c->db, arena_printf(c->a, "%s WHERE id = ?", RUN_COLS));
	bool found = st && db_bind_int(st, 1, id) == 0 && db_step(st) == DB_ROW;
	if (found)
		set_run_figures(c, run, st);
	db_finalize(st);
	if (!found) {
		page_error(c, 404);
		return;
	}
	tv_set(c->data, "run", run);
	struct tval *props = proposals_tv(c, id);
	struct tval *unmatched = unmatched_tv(c, id);
	tv_set(c->data, "proposals", props);
	tv_set(c->data, "unmatched", unmatched);
	int64_t n_un = db_int(c->db, 0, "SELECT COUNT(*) FROM match_unmatched WHERE run_id = ?", "i", id);
	tv_set_int(c->data, "unmatched_count", (long long)n_un);
	tv_set_bool(c->data, "proposals_cut", (int64_t)tv_len(props) < db_int(c->db, 0, "SELECT proposals FROM match_runs WHERE id = ?", "i", id));
	tv_set_bool(c->data, "unmatched_cut", (int64_t)tv_len(unmatched) < n_un);
	tv_set_int(c->data, "shown", (long long)ROWS_MAX);
	tv_set_str(c->data, "back", base(c));
	const char *self = arena_printf(c->a, "%s/runs/%lld", base(c), (long long)id);
	tv_set_str(c->data, "rerun_action", arena_printf(c->a, "%s/rerun", self));
	tv_set_str(c->data, "discard_action", arena_printf(c->a, "%s/discard", self));
	tv_set_str(c->data, "publish_action", arena_printf(c->a, "%s/publish", self));
	bool draft = tv_truthy(tv_get(run, "draft"));
	int64_t unpublished =
		db_int(c->db, 0, "SELECT COUNT(*) FROM match_proposals WHERE run_id = ? AND match_id IS NULL", "i", id);
	tv_set_bool(c->data, "can_publish", draft && unpublished > 0);
	tv_set_int(c->data, "unpublished", (long long)unpublished);
	/* After a publish (web/matching.c answers with these in the address). */
	int64_t published, skipped;
	if (!error && count_param(c, "published", &published) && count_param(c, "skipped", &skipped)) {
		tv_set_bool(c->data, "published_notice", true);
		tv_set_int(c->data, "published_count", (long long)published);
		tv_set_int(c->data, "skipped_count", (long long)skipped);
	}
	const char *pf = form_get(&c->req->query, "publish");
	if (!error && pf && !strcmp(pf, "failed"))
		tv_set_str(c->data, "error", ctx_tr(c, "The proposals could not be published automatically. Nothing was "
						       "sent. Try publishing them below."));
	page_render(c, "admin_match_run", "admin-matching-run");
}

static void matching_run_page(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!param_id(c, "id", &id)) {
		page_error(c, 404);
		return;
	}
	render_run(c, id, NULL);
}

static void matching_rerun(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!param_id(c, "id", &id) || db_int(c->db, 0, "SELECT COUNT(*) FROM match_runs WHERE id = ?", "i", id) != 1) {
		page_error(c, 404);
		return;
	}
	new_run(c, id);
}

static void matching_discard_run(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!param_id(c, "id", &id)) {
		page_error(c, 404);
		return;
	}
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM match_runs WHERE id = ? AND published_at IS NOT NULL", "i", id)) {
		/* Its matches are under way: discarding would hide where they came from. */
		c->resp->status = 409;
		render_run(c, id, ctx_tr(c, "This run has published proposals, so it cannot be discarded."));
		return;
	}
	int r = matching_discard(c->db, id, c->now);
	if (r < 0) {
		page_error(c, 500);
		return;
	}
	if (r == 0)
		audit_run(c, "match_discard", id, 0, 0);
	else if (db_int(c->db, 0, "SELECT COUNT(*) FROM match_runs WHERE id = ?", "i", id) != 1) {
		page_error(c, 404);
		return;
	}
	/* Discarding twice (a double click) lands on the same page. */
	http_redirect(c->resp, 303, arena_printf(c->a, "%s/runs/%lld", base(c), (long long)id));
}

enum pair_action { PAIR_PIN, PAIR_UNPIN, PAIR_EXCLUDE };

static void proposal_action(struct ctx *c, enum pair_action what)
{
	if (!ctx_need_staff(c))
		return;
	int64_t run_id, pid;
	if (!param_id(c, "id", &run_id) || !param_id(c, "pid", &pid)) {
		page_error(c, 404);
		return;
	}
	int64_t p = db_int(c->db, 0, "SELECT participant FROM match_proposals WHERE id = ? AND run_id = ?", "ii", pid, run_id);
	int64_t d = db_int(c->db, 0, "SELECT door_opener FROM match_proposals WHERE id = ? AND run_id = ?", "ii", pid, run_id);
	if (p <= 0 || d <= 0) {
		page_error(c, 404);
		return;
	}
	int r;
	const char *action;
	switch (what) {
	case PAIR_PIN:
		r = matching_pin(c->db, p, d, c->staff_id, c->now);
		action = "match_pin";
		break;
	case PAIR_UNPIN:
		r = db_int(c->db, 0, "SELECT COUNT(*) FROM match_pins WHERE participant = ? AND door_opener = ?", "ii", p, d)
			    ? matching_unpin(c->db, p)
			    : 1;
		action = "match_unpin";
		break;
	default:
		r = matching_exclude(c->db, p, d, c->staff_id, c->now);
		action = "match_exclude";
		break;
	}
	if (r < 0) {
		page_error(c, 500);
		return;
	}
	if (r == 1 && what == PAIR_PIN) {
		/* No longer waiting (withdrawn since the run): nothing to pin. */
		c->resp->status = 409;
		render_run(c, run_id, ctx_tr(c, "This pair cannot be pinned: one of the registrations is no longer waiting."));
		return;
	}
	if (r == 0)
		audit_run(c, action, run_id, p, d);
	http_redirect(c->resp, 303,
		      arena_printf(c->a, "%s/runs/%lld#proposal-%lld", base(c), (long long)run_id, (long long)pid));
}

static void matching_pin_pair(struct ctx *c) { proposal_action(c, PAIR_PIN); }
static void matching_unpin_pair(struct ctx *c) { proposal_action(c, PAIR_UNPIN); }
static void matching_exclude_pair(struct ctx *c) { proposal_action(c, PAIR_EXCLUDE); }

static void matching_remove_pin(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t p;
	if (!param_id(c, "reg", &p)) {
		page_error(c, 404);
		return;
	}
	int64_t d = db_int(c->db, 0, "SELECT door_opener FROM match_pins WHERE participant = ?", "i", p);
	if (d > 0) {
		if (matching_unpin(c->db, p)) {
			page_error(c, 500);
			return;
		}
		char detail[64];
		snprintf(detail, sizeof(detail), "pair:%lld-%lld", (long long)p, (long long)d);
		audit(c->db, c->staff_id, "match_unpin", detail);
	}
	http_redirect(c->resp, 303, arena_printf(c->a, "%s#pins", base(c)));
}

static void matching_remove_exclusion(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t p, d;
	if (!param_id(c, "p", &p) || !param_id(c, "d", &d)) {
		page_error(c, 404);
		return;
	}
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM match_exclusions WHERE participant = ? AND door_opener = ?", "ii", p, d)) {
		if (matching_unexclude(c->db, p, d)) {
			page_error(c, 500);
			return;
		}
		char detail[64];
		snprintf(detail, sizeof(detail), "pair:%lld-%lld", (long long)p, (long long)d);
		audit(c->db, c->staff_id, "match_unexclude", detail);
	}
	http_redirect(c->resp, 303, arena_printf(c->a, "%s#exclusions", base(c)));
}

/* Publish the chosen proposals (`p`, repeated) or all (`all=1`). */
static void matching_publish_proposals(struct ctx *c)
{
	if (!ctx_need_staff(c))
		return;
	int64_t id;
	if (!param_id(c, "id", &id) || db_int(c->db, 0, "SELECT COUNT(*) FROM match_runs WHERE id = ?", "i", id) != 1) {
		page_error(c, 404);
		return;
	}
	const char *discarded = ctx_tr(c, "This run is discarded, so its proposals cannot be published.");
	if (db_int(c->db, 0, "SELECT COUNT(*) FROM match_runs WHERE id = ? AND status = 'discarded'", "i", id)) {
		c->resp->status = 409;
		render_run(c, id, discarded);
		return;
	}
	bool all = strcmp(ctx_field(c, "all"), "1") == 0;
	int64_t ids[PUBLISH_MAX];
	size_t n = 0;
	if (!all) {
		const char *vals[PUBLISH_MAX];
		size_t k = form_get_all(&c->req->body_form, "p", vals, PUBLISH_MAX);
		for (size_t i = 0; i < k; i++) {
			int64_t pid;
			bool dup = false;
			if (!member_parse_id(vals[i], &pid))
				continue;
			for (size_t j = 0; j < n && !dup; j++)
				dup = ids[j] == pid;
			if (!dup && db_int(c->db, 0, "SELECT COUNT(*) FROM match_proposals WHERE id = ? AND run_id = ?", "ii",
					   pid, id) == 1)
				ids[n++] = pid;
		}
		if (n == 0) {
			/* Without this, n == 0 would publish everything. */
			c->resp->status = 422;
			render_run(c, id, ctx_tr(c, "Choose at least one proposal to publish, or publish them all."));
			return;
		}
	}
	int published, skipped;
	int r = publish_run(c, id, all ? NULL : ids, all ? 0 : n, &published, &skipped);
	if (r < 0) {
		page_error(c, 500);
		return;
	}
	if (r != 0) {
		c->resp->status = 409;
		render_run(c, id, discarded);
		return;
	}
	http_redirect(c->resp, 303, run_href_published(c, id, published, skipped));
}

const struct route matching_routes[] = {
	{ "GET", "/admin/matching", H(matching_home), "admin-matching" },
	{ "POST", "/admin/matching/run", H(matching_dry_run), "admin-matching-run-new" },
	{ "GET", "/admin/matching/runs/:id", H(matching_run_page), "admin-matching-run" },
	{ "POST", "/admin/matching/runs/:id/rerun", H(matching_rerun), "admin-matching-rerun" },
	{ "POST", "/admin/matching/runs/:id/discard", H(matching_discard_run), "admin-matching-discard" },
	{ "POST", "/admin/matching/runs/:id/publish", H(matching_publish_proposals), "admin-matching-publish" },
	{ "POST", "/admin/matching/runs/:id/proposals/:pid/pin", H(matching_pin_pair), "admin-matching-pin" },
	{ "POST", "/admin/matching/runs/:id/proposals/:pid/unpin", H(matching_unpin_pair), "admin-matching-unpin" },
	{ "POST", "/admin/matching/runs/:id/proposals/:pid/exclude", H(matching_exclude_pair), "admin-matching-exclude" },
	{ "POST", "/admin/matching/pins/:reg/remove", H(matching_remove_pin), "admin-matching-pin-remove" },
	{ "POST", "/admin/matching/exclusions/:p/:d/remove", H(matching_remove_exclusion), "admin-matching-exclusion-remove" },
	{ NULL, NULL, NULL, NULL },
};
