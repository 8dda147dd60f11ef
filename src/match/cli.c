/* Command line for the matching engine (see cli.h). */
#include "match/cli.h"
#include "match/candidates.h"
#include "match/dimacs.h"
#include "match/event.h"
#include "match/flow.h"
#include "match/gen.h"
#include "match/greedy.h"
#include "match/match.h"
#include "match/mcf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static void usage(FILE *f)
{
	fputs("usage: ovi match solve FILE\n"
	      "       ovi match gen [--participants N] [--openers N] [--seed S]\n"
	      "                     [--candidates K] [--objective people|score]\n"
	      "                     [--history PER_1000] [--dimacs FILE|-] [--solve]\n"
	      "                     [--event ROUNDS]\n"
	      "\n"
	      "solve  reads a DIMACS min-cost-flow file (p min / n / a lines), solves it\n"
	      "       exactly and prints the optimal objective and whether the optimality\n"
	      "       certificate checks (exit 1 if it does not).\n"
	      "gen    makes a synthetic population (about 4 participants per door opener\n"
	      "       unless --openers is given); --dimacs writes its candidate graph as a\n"
	      "       DIMACS b-matching, --solve solves it and compares with greedy,\n"
	      "       --event plans a network event with everyone in ROUNDS rounds.\n",
	      f);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double peak_rss_mb(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -1;
	return (double)ru.ru_maxrss / 1024.0;
}

static double pct(double a, double b)
{
	return b != 0 ? 100.0 * a / b : 100.0;
}

/* ---- solve ------------------------------------------------------------------ */

static int read_dimacs(const char *path, struct match_mcf *g, int64_t *bonus)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "match: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	struct match_dimacs d;
	match_dimacs_init(&d, g, NULL);
	char *buf = malloc(1 << 20);
	int rc = buf ? 0 : -1;
	size_t n;
	while (rc == 0 && (n = fread(buf, 1, 1 << 20, f)) > 0)
		rc = match_dimacs_feed(&d, buf, n);
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "match: read error on %s\n", path);
		rc = -1;
	} else if (rc == 0) {
		rc = match_dimacs_finish(&d);
	}
	if (rc < 0 && d.error)
		fprintf(stderr, "match: %s:%zu: %s\n", path, d.error_line, d.error);
	free(buf);
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		match_mcf_free(g);
		return -1;
	}
	*bonus = d.bonus;
	return 0;
}

static int solve_bm(const struct match_mcf *net, struct match_bm_owned *bm, int64_t bonus,
		    double t_parse, double t_convert)
{
	struct match_bm_solution s;
	const char *why = NULL;
	double t0 = now_s();
	if (match_bm_solve(&bm->g, &s, &why) < 0) {
		fprintf(stderr, "match: %s\n", why);
		return 1;
	}
	double t1 = now_s();
	int ok = match_bm_certify(&bm->g, &s, &why) == 0;
	double t2 = now_s();
	/* The same certificate as flow potentials on the file's own network. */
	struct match_mcf_solution fs = { 0 };
	fs.flow = malloc((net->m ? net->m : 1) * sizeof(int64_t));
	fs.pot = malloc((net->n ? net->n : 1) * sizeof(int64_t));
	fs.cost = -s.weight;
	const char *why2 = "out of memory";
	int ok2 = fs.flow && fs.pot && match_dimacs_bm_flow(net, bm, &s, fs.flow, fs.pot) == 0 &&
		  match_mcf_certify(net, &fs, &why2) == 0;
	double t3 = now_s();
	match_mcf_solution_free(&fs);

	printf("form: b-matching (%u left, %u right, %zu edges)\n", bm->g.nl, bm->g.nr,
	       bm->g.off[bm->g.nl]);
	printf("objective: %lld\n", (long long)-s.weight);
	if (ok && ok2)
		printf("certificate: ok (b-matching duals; flow potentials on the file's network)\n");
	else
		printf("certificate: FAILED (%s)\n", !ok ? why : why2);
	printf("matched: %zu\n", s.matched);
	int64_t score = s.weight - (int64_t)s.matched * bonus;
	if (bonus)
		printf("bonus: %lld per pair; score: %lld\n", (long long)bonus, (long long)score);
	int64_t gw;
	size_t gm;
	if (match_greedy(&bm->g, NULL, &gw, &gm) == 0) {
		int64_t gscore = gw - (int64_t)gm * bonus;
		printf("greedy: matched %zu (%.1f%% of the optimum's), score %lld (%.1f%% of the optimum's)\n",
		       gm, pct((double)gm, (double)s.matched), (long long)gscore,
		       pct((double)gscore, (double)score));
	}
	printf("searches: %llu (greedy start placed %llu edges; %llu rows scanned, %llu columns settled, %llu edges relaxed)\n",
	       (unsigned long long)s.stats.searches, (unsigned long long)s.stats.greedy,
	       (unsigned long long)s.stats.lefts_scanned, (unsigned long long)s.stats.rights_settled,
	       (unsigned long long)s.stats.relaxations);
	printf("time_ms: parse %.1f convert %.1f solve %.1f certificate %.1f network-check %.1f\n",
	       t_parse * 1e3, t_convert * 1e3, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3);
	printf("peak_rss_mb: %.1f\n", peak_rss_mb());
	match_bm_solution_free(&s);
	return ok && ok2 ? 0 : 1;
}

static int cmd_solve(int argc, char **argv)
{
	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	struct match_mcf g;
	int64_t bonus = 0;
	double t0 = now_s();
	if (read_dimacs(argv[1], &g, &bonus) < 0)
		return 1;
	double t_parse = now_s() - t0;
	printf("file: %s (%u nodes, %zu arcs)\n", argv[1], g.n, g.m);
	struct match_bm_owned bm;
	const char *why = NULL;
	int rc;
	double tc = now_s();
	if (match_dimacs_to_bm(&g, &bm, &why) == 0) {
		rc = solve_bm(&g, &bm, bonus, t_parse, now_s() - tc);
		match_bm_owned_free(&bm);
	} else {
		printf("form: general min-cost flow (not a b-matching: %s)\n", why);
		struct match_mcf_solution s;
		double t1 = now_s();
		if (match_mcf_solve(&g, &s, &why) < 0) {
			printf("objective: none (%s)\n", why);
			match_mcf_free(&g);
			return 1;
		}
		double t2 = now_s();
		int ok = match_mcf_certify(&g, &s, &why) == 0;
		double t3 = now_s();
		printf("objective: %lld\n", (long long)s.cost);
		if (ok)
			printf("certificate: ok (flow potentials)\n");
		else
			printf("certificate: FAILED (%s)\n", why);
		printf("time_ms: parse %.1f solve %.1f certificate %.1f\n", t_parse * 1e3,
		       (t2 - t1) * 1e3, (t3 - t2) * 1e3);
		printf("peak_rss_mb: %.1f\n", peak_rss_mb());
		match_mcf_solution_free(&s);
		rc = ok ? 0 : 1;
	}
	match_mcf_free(&g);
	return rc;
}

/* ---- gen -------------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int file_out(void *ctx, const char *p, size_t n)
{
	return fwrite(p, 1, n, (FILE *)ctx) == n ? 0 : -1;
}

static void print_population(const struct match_population *pop)
{
	size_t sect[32] = { 0 }, caps[6] = { 0 }, langs[64] = { 0 }, total_cap = 0;
	long long wait = 0;
	for (size_t i = 0; i < pop->n_participants; i++) {
		const struct match_profile *p = &pop->participants[i];
		sect[p->sector < 32 ? p->sector : 0]++;
		wait += p->wait_days;
		for (int b = 0; b < 64; b++)
			langs[b] += (p->langs >> b) & 1;
	}
	for (size_t j = 0; j < pop->n_openers; j++) {
		caps[pop->openers[j].capacity <= 5 ? pop->openers[j].capacity : 0]++;
		total_cap += pop->openers[j].capacity;
	}
	printf("participants: %zu, door openers: %zu (capacity %zu), history pairs: %zu\n",
	       pop->n_participants, pop->n_openers, total_cap, pop->n_history);
	printf("participants by sector:");
	for (unsigned s = 1; s < 32; s++)
		if (sect[s])
			printf(" %s %.1f%%", match_gen_sector(s), pct((double)sect[s], (double)pop->n_participants));
	printf("\ndoor opener capacities:");
	for (int c = 1; c <= 5; c++)
		printf(" %d: %zu", c, caps[c]);
	printf("\nparticipant meeting languages:");
	for (unsigned b = 0; b < 64; b++)
		if (langs[b] * 50 >= pop->n_participants)
			printf(" %s %.0f%%", match_gen_language(b), pct((double)langs[b], (double)pop->n_participants));
	printf("\nmean wait: %.0f days\n", pop->n_participants ? (double)wait / (double)pop->n_participants : 0.0);
}

static int gen_solve(const struct match_population *pop, const struct match_weights *w,
		     const char *dimacs_path, int solve)
{
	struct match_history h;
	size_t np = pop->n_participants, no = pop->n_openers;
	uint32_t *pcap = malloc((np ? np : 1) * sizeof(uint32_t));
	uint32_t *ocap = malloc((no ? no : 1) * sizeof(uint32_t));
	if (!pcap || !ocap || match_history_init(&h, pop->history, pop->n_history) < 0) {
		free(pcap);
		free(ocap);
		fputs("match: out of memory\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < np; i++)
		pcap[i] = pop->participants[i].capacity;
	for (size_t j = 0; j < no; j++)
		ocap[j] = pop->openers[j].capacity;
	int rc = 1;
	struct match_cand c;
	int64_t *wt = NULL;
	double t0 = now_s();
	if (match_candidates(pop->participants, np, pcap, pop->openers, no, ocap, w, &h, 0,
			     w->candidates, &c) < 0) {
		fputs("match: out of memory\n", stderr);
		goto out;
	}
	double t1 = now_s();
	int64_t bonus = match_people_bonus(&c, pcap, ocap, w->objective);
	size_t m = c.off[np];
	wt = malloc((m ? m : 1) * sizeof(int64_t));
	if (bonus < 0 || !wt) {
		fputs("match: weights too large or out of memory\n", stderr);
		match_cand_free(&c);
		goto out;
	}
	for (size_t e = 0; e < m; e++)
		wt[e] = c.score[e] + bonus;
	struct match_bm_graph g = { .nl = (uint32_t)np, .nr = (uint32_t)no, .lcap = pcap,
				    .rcap = ocap, .off = c.off, .to = c.to, .w = wt };
	if (dimacs_path) {
		FILE *f = strcmp(dimacs_path, "-") ? fopen(dimacs_path, "wb") : stdout;
		if (!f) {
			fprintf(stderr, "match: cannot write %s: %s\n", dimacs_path, strerror(errno));
			match_cand_free(&c);
			goto out;
		}
		char comment[256];
		snprintf(comment, sizeof(comment),
			 "ovi match gen: %zu participants, %zu door openers, candidates %u, objective %s",
			 np, no, w->candidates, w->objective == MATCH_MAX_PEOPLE ? "people" : "score");
		int wr = match_dimacs_write_bm(&g, comment, bonus, file_out, f);
		if (f != stdout && fclose(f) != 0)
			wr = -1;
		if (wr < 0) {
			fprintf(stderr, "match: write error on %s\n", dimacs_path);
			match_cand_free(&c);
			goto out;
		}
		if (f == stdout || !solve) {
			if (f != stdout)
				printf("dimacs: wrote %s (%zu edges, bonus %lld)\n", dimacs_path, m,
				       (long long)bonus);
			match_cand_free(&c);
			rc = 0;
			goto out;
		}
	}
	printf("candidates: %zu pairs (K=%u; %llu pairs scored) in %.0f ms\n", m, w->candidates,
	       (unsigned long long)c.scored, (t1 - t0) * 1e3);
	struct match_bm_solution s;
	const char *why;
	double t2 = now_s();
	if (match_bm_solve(&g, &s, &why) < 0) {
		fprintf(stderr, "match: %s\n", why);
		match_cand_free(&c);
		goto out;
	}
	double t3 = now_s();
	int ok = match_bm_certify(&g, &s, &why) == 0;
	int64_t score = s.weight - (int64_t)s.matched * bonus;
	printf("optimum: matched %zu, score %lld, solved in %.0f ms, certificate %s\n", s.matched,
	       (long long)score, (t3 - t2) * 1e3, ok ? "ok" : why);
	int64_t gw;
	size_t gm;
	if (match_greedy(&g, NULL, &gw, &gm) == 0) {
		int64_t gscore = gw - (int64_t)gm * bonus;
		printf("greedy: matched %zu (%.1f%%), score %lld (%.1f%%)\n", gm,
		       pct((double)gm, (double)s.matched), (long long)gscore,
		       pct((double)gscore, (double)score));
	}
	size_t reasons[MATCH_R_COUNT] = { 0 };
	for (size_t i = 0; i < np; i++) {
		int matched = 0;
		for (size_t e = c.off[i]; e < c.off[i + 1]; e++)
			matched |= s.x[e];
		if (!matched)
			reasons[c.reason[i] == MATCH_OK ? MATCH_R_TAKEN : c.reason[i]]++;
	}
	printf("unmatched participants by reason:");
	for (int r = 1; r < MATCH_R_COUNT; r++)
		if (reasons[r])
			printf(" %s %zu", match_reason_key((enum match_reason)r), reasons[r]);
	printf("\npeak_rss_mb: %.1f\n", peak_rss_mb());
	match_bm_solution_free(&s);
	match_cand_free(&c);
	rc = ok ? 0 : 1;
out:
	free(wt);
	free(pcap);
	free(ocap);
	match_history_free(&h);
	return rc;
}

static int gen_event(const struct match_population *pop, const struct match_weights *w,
		     unsigned rounds)
{
	struct match_input in = {
		.participants = pop->participants, .n_participants = pop->n_participants,
		.openers = pop->openers, .n_openers = pop->n_openers,
		.history = pop->history, .n_history = pop->n_history,
	};
	struct match_event_plan plan;
	double t0 = now_s();
	if (match_event(&in, w, rounds, &plan) < 0) {
		fprintf(stderr, "match: event: %s\n", plan.error);
		return 1;
	}
	double t1 = now_s();
	printf("event: %u rounds, %zu tables, %zu meetings (%zu as thirds), %zu person-rounds without a table, score %lld, certificate %s, %.0f ms\n",
	       plan.rounds, plan.n_tables, plan.meetings, plan.thirds, plan.sitting_out,
	       (long long)plan.total_score, plan.certified ? "ok" : "not checked", (t1 - t0) * 1e3);
	for (unsigned r = 0; r < plan.rounds; r++) {
		size_t n = 0, three = 0;
		for (size_t t = 0; t < plan.n_tables; t++)
			if (plan.tables[t].round == r) {
				n++;
				three += plan.tables[t].extra_participant >= 0 || plan.tables[t].extra_opener >= 0;
			}
		printf("round %u: %zu tables, %zu of them with three\n", r + 1, n, three);
	}
	match_event_free(&plan);
	return 0;
}

static int cmd_gen(int argc, char **argv)
{
	struct match_gen_opts o;
	match_gen_defaults(&o);
	struct match_weights w;
	match_weights_default(&w);
	const char *dimacs = NULL;
	int solve = 0, openers_given = 0;
	uint64_t rounds = 0, v;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--solve")) {
			solve = 1;
			continue;
		}
		if (!val)
			goto bad;
		i++;
		if (!strcmp(a, "--participants") && !parse_u64(val, MATCH_PEOPLE_MAX, &v)) {
			o.participants = (uint32_t)v;
		} else if (!strcmp(a, "--openers") && !parse_u64(val, MATCH_PEOPLE_MAX, &v)) {
			o.openers = (uint32_t)v;
			openers_given = 1;
		} else if (!strcmp(a, "--seed") && !parse_u64(val, UINT64_MAX, &v)) {
			o.seed = v;
		} else if (!strcmp(a, "--candidates") && !parse_u64(val, 100000, &v)) {
			w.candidates = (uint32_t)v;
		} else if (!strcmp(a, "--history") && !parse_u64(val, 1000, &v)) {
			o.history_per_1000 = (uint32_t)v;
		} else if (!strcmp(a, "--objective") && (!strcmp(val, "people") || !strcmp(val, "score"))) {
			w.objective = !strcmp(val, "people") ? MATCH_MAX_PEOPLE : MATCH_MAX_SCORE;
		} else if (!strcmp(a, "--dimacs")) {
			dimacs = val;
		} else if (!strcmp(a, "--event") && !parse_u64(val, MATCH_EVENT_ROUNDS_MAX, &v) && v > 0) {
			rounds = v;
		} else {
			goto bad;
		}
	}
	if (!openers_given)
		o.openers = o.participants / 4 ? o.participants / 4 : 1;
	struct match_population pop;
	if (match_gen(&o, &pop) < 0) {
		fputs("match: cannot generate (out of memory?)\n", stderr);
		return 1;
	}
	int rc = 0;
	if (!dimacs || strcmp(dimacs, "-"))
		print_population(&pop);
	if (dimacs || solve)
		rc = gen_solve(&pop, &w, dimacs, solve);
	if (rc == 0 && rounds)
		rc = gen_event(&pop, &w, (unsigned)rounds);
	match_population_free(&pop);
	return rc;
bad:
	usage(stderr);
	return 2;
}

int match_cli(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "solve"))
		return cmd_solve(argc, argv);
	if (argc >= 1 && !strcmp(argv[0], "gen"))
		return cmd_gen(argc, argv);
	usage(stderr);
	return 2;
}
