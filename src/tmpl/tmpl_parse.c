/* Template source to a flat node array.
 *
 * The source is text with tags "{{ ... }}". Inside a tag a small lexer
 * yields words (names and dotted paths), "#word", "/word", strings and the
 * operators = == != ! >. Block tags (#if, #each, #block) are matched with a
 * stack; each branch node points to the next branch, and the opening node to
 * its END, so the renderer walks the array without building a tree.
 *
 * The first error stops the file; it is reported as "file:line: message". */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "tmpl/tmpl_int.h"

enum tok_kind { T_EOT, T_WORD, T_HASH, T_SLASH, T_STRING, T_EQ, T_EQEQ, T_NE, T_NOT, T_GT };

struct token {
	enum tok_kind kind;
	const char *s; /* WORD, HASH, SLASH: the name in the source;
			  STRING: the unescaped value, NUL-terminated */
	size_t len;
};

struct open_tag {
	unsigned node; /* the #if, #each or #block node */
	unsigned last; /* its latest branch: the node whose next is still open */
	bool has_else;
};

struct parser {
	struct arena *a;
	struct tmpl *t;
	struct buf *err;
	const char *src;
	size_t len, pos;
	unsigned line;     /* line at pos */
	unsigned tag_line; /* line of the current tag's "{{" */
	struct node *nodes;
	size_t n, cap;
	struct open_tag open[TMPL_MAX_NEST];
	unsigned depth;
	unsigned blocks[TMPL_MAX_BLOCKS]; /* the #block nodes so far */
	unsigned nblocks;
	bool content; /* non-blank text or a tag other than a comment seen */
};

/* Names quoted in messages are at most this long. */
#define SHOW(len) ((int)((len) < 64 ? (len) : 64))

int tmpl_error(struct buf *err, const char *file, unsigned line, const char *fmt, ...)
{
	if (!err)
		return -1;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_printf(err, "%s:%u: %s\n", file, line, msg);
	return -1;
}

#define perr(p, ...) tmpl_error((p)->err, (p)->t->file, (p)->tag_line, __VA_ARGS__)

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool is_wordc(char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* An identifier: [A-Za-z_][A-Za-z0-9_]*, at most TMPL_MAX_NAME bytes. */
static bool is_ident(const char *s, size_t n)
{
	if (n == 0 || n > TMPL_MAX_NAME || !is_alpha(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(s[i]))
			return false;
	return true;
}

/* A template name: [A-Za-z0-9_-]+, at most TMPL_MAX_NAME bytes. */
static bool is_tname(const char *s, size_t n)
{
	if (n == 0 || n > TMPL_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool tok_is(const struct token *tk, enum tok_kind kind, const char *word)
{
	return tk->kind == kind && tk->len == strlen(word) && memcmp(tk->s, word, tk->len) == 0;
}

/* A short description of a token for messages. */
static const char *tok_desc(const struct token *tk, char *tmp, size_t size)
{
	switch (tk->kind) {
	case T_EOT:
		return "}}";
	case T_WORD:
		snprintf(tmp, size, "\"%.*s\"", SHOW(tk->len), tk->s);
		return tmp;
	case T_HASH:
	case T_SLASH:
		snprintf(tmp, size, "\"%c%.*s\"", tk->kind == T_HASH ? '#' : '/', SHOW(tk->len),
			 tk->s);
		return tmp;
	case T_STRING:
		return "a string";
	case T_EQ:
		return "=";
	case T_EQEQ:
		return "==";
	case T_NE:
		return "!=";
	case T_NOT:
		return "!";
	case T_GT:
		return ">";
	}
	return "?";
}

/* ---- bytes ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Templates are UTF-8 text: refuse NUL bytes and invalid UTF-8, so that
 * msgids reach xgettext intact and no C string is cut short. */
static int check_bytes(struct parser *p)
{
	unsigned line = 1;
	const unsigned char *s = (const unsigned char *)p->src;
	for (size_t i = 0; i < p->len;) {
		size_t k = s[i] ? utf8_len(s + i, p->len - i) : 0;
		if (k == 0) {
			p->tag_line = line;
			return perr(p, s[i] ? "invalid UTF-8 (save the file as UTF-8)" : "NUL byte");
		}
		if (s[i] == '\n')
			line++;
		i += k;
	}
	return 0;
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && is_space(p->src[p->pos])) {
		if (p->src[p->pos] == '\n')
			p->line++;
		p->pos++;
	}
}

static void count_lines(struct parser *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p->src[i] == '\n')
			p->line++;
}

/* ---- nodes ------------------------------------------------------------------ */

/* Append a node of kind at the current tag; its index in *idx. */
static int add_node(struct parser *p, enum node_kind kind, unsigned *idx)
{
	if (p->n == p->cap) {
		if (p->n >= TMPL_MAX_NODES)
			return perr(p, "template too big (more than %d tags and texts)",
				    TMPL_MAX_NODES);
		size_t cap = p->cap ? p->cap * 2 : 32;
		struct node *nodes = arena_alloc(p->a, cap * sizeof(*nodes));
		if (!nodes)
			return perr(p, "out of memory");
		if (p->n)
			memcpy(nodes, p->nodes, p->n * sizeof(*nodes));
		p->nodes = nodes;
		p->cap = cap;
	}
	*idx = (unsigned)p->n;
	struct node *nd = &p->nodes[p->n++];
	memset(nd, 0, sizeof(*nd));
	nd->kind = (unsigned char)kind;
	nd->line = p->tag_line;
	return 0;
}

static const char *copy(struct parser *p, const char *s, size_t n)
{
	char *c = arena_strndup(p->a, s, n);
	if (!c)
		perr(p, "out of memory");
	return c;
}

/* ---- lexer ------------------------------------------------------------------ */

static int lex_string(struct parser *p, struct token *tk)
{
	const char *s = p->src;
	size_t i = p->pos + 1, n = 0;
	unsigned line = p->line;
	for (;; i++) {
		if (i >= p->len) {
			p->tag_line = p->line;
			return perr(p, "unterminated string (missing \")");
		}
		if (s[i] == '"')
			break;
		if (s[i] == '\n')
			line++;
		if (s[i] == '\\') {
			if (i + 1 >= p->len || (s[i + 1] != '"' && s[i + 1] != '\\')) {
				p->tag_line = line;
				return perr(p, "unknown escape in string (only \\\" and \\\\)");
			}
			i++;
		}
		if (++n > TMPL_MAX_STRING)
			return perr(p, "string longer than %d bytes", TMPL_MAX_STRING);
	}
	char *out = arena_alloc(p->a, n + 1);
	if (!out)
		return perr(p, "out of memory");
	size_t o = 0;
	for (size_t j = p->pos + 1; j < i; j++) {
		if (s[j] == '\\')
			j++;
		out[o++] = s[j];
	}
	assert(o == n);
	out[o] = '\0';
	tk->kind = T_STRING;
	tk->s = out;
	tk->len = n;
	p->line = line;
	p->pos = i + 1;
	return 0;
}

/* The next token of the current tag. Running off the end is an error. */
static int lex(struct parser *p, struct token *tk)
{
	skip_space(p);
	if (p->pos >= p->len)
		return perr(p, "unterminated tag (missing }})");
	const char *s = p->src;
	size_t i = p->pos;
	char c = s[i];
	tk->s = s + i;
	tk->len = 1;
	if (is_wordc(c) || c == '#' || c == '/') {
		size_t start = is_wordc(c) ? i : i + 1, j = start;
		while (j < p->len && is_wordc(s[j]))
			j++;
		if (j == start)
			return perr(p, "expected a name after '%c'", c);
		if (j - start > TMPL_MAX_NAME * TMPL_MAX_SEGS)
			return perr(p, "name too long");
		tk->kind = c == '#' ? T_HASH : c == '/' ? T_SLASH : T_WORD;
		tk->s = s + start;
		tk->len = j - start;
		p->pos = j;
		return 0;
	}
	if (c == '"')
		return lex_string(p, tk);
	char c2 = i + 1 < p->len ? s[i + 1] : '\0';
	p->pos = i + 1;
	switch (c) {
	case '}':
		if (i + 1 >= p->len)
			return perr(p, "unterminated tag (missing }})");
		if (c2 != '}')
			return perr(p, "single '}' in a tag (a tag ends with }})");
		p->pos++;
		tk->kind = T_EOT;
		return 0;
	case '=':
		tk->kind = c2 == '=' ? T_EQEQ : T_EQ;
		break;
	case '!':
		tk->kind = c2 == '=' ? T_NE : T_NOT;
		break;
	case '>':
		tk->kind = T_GT;
		return 0;
	default:
		if (c > ' ' && c < 0x7f)
			return perr(p, "unexpected character '%c' in a tag", c);
		return perr(p, "unexpected byte 0x%02x in a tag", (unsigned char)c);
	}
	if (tk->kind == T_EQEQ || tk->kind == T_NE) {
		p->pos++;
		tk->len = 2;
	}
	return 0;
}

static int expect_eot(struct parser *p, const char *tag)
{
	struct token tk;
	char tmp[80];
	if (lex(p, &tk))
		return -1;
	if (tk.kind != T_EOT)
		return perr(p, "expected }} to end %s, found %s", tag, tok_desc(&tk, tmp, sizeof(tmp)));
	return 0;
}

/* ---- paths and names -------------------------------------------------------- */

static int parse_path(struct parser *p, const struct token *tk, struct tpath *path)
{
	char tmp[80];
	if (tk->kind != T_WORD)
		return perr(p, "expected a path (like user.email), found %s",
			    tok_desc(tk, tmp, sizeof(tmp)));
	const char *seg[TMPL_MAX_SEGS];
	size_t seglen[TMPL_MAX_SEGS];
	unsigned nseg = 0;
	size_t start = 0;
	for (size_t i = 0; i <= tk->len; i++) {
		if (i < tk->len && tk->s[i] != '.')
			continue;
		if (nseg == TMPL_MAX_SEGS || !is_ident(tk->s + start, i - start))
			return perr(p, "bad path \"%.*s\" (names joined by dots, like user.email)",
				    SHOW(tk->len), tk->s);
		seg[nseg] = tk->s + start;
		seglen[nseg++] = i - start;
		start = i + 1;
	}
	path->seg = arena_alloc(p->a, nseg * sizeof(*path->seg));
	if (!path->seg)
		return perr(p, "out of memory");
	for (unsigned i = 0; i < nseg; i++)
		if (!(path->seg[i] = copy(p, seg[i], seglen[i])))
			return -1;
	path->nseg = (unsigned char)nseg;
	path->loop = LOOP_NONE;
	if (strcmp(path->seg[0], "loop") == 0) {
		const char *f = nseg == 2 ? path->seg[1] : "";
		path->loop = strcmp(f, "first") == 0   ? LOOP_FIRST
			     : strcmp(f, "last") == 0  ? LOOP_LAST
			     : strcmp(f, "index") == 0 ? LOOP_INDEX
						       : LOOP_NONE;
		if (path->loop == LOOP_NONE)
			return perr(p, "bad path \"%.*s\": loop has loop.first, loop.last and loop.index",
				    SHOW(tk->len), tk->s);
	}
	return 0;
}

/* Lex a path into *path. */
static int lex_path(struct parser *p, struct tpath *path, const char *tag)
{
	struct token tk;
	char tmp[80];
	if (lex(p, &tk))
		return -1;
	if (tk.kind == T_EOT)
		return perr(p, "%s needs a path", tag);
	if (tk.kind != T_WORD)
		return perr(p, "%s: expected a path, found %s", tag, tok_desc(&tk, tmp, sizeof(tmp)));
	return parse_path(p, &tk, path);
}

/* Lex an identifier (a block name, a loop variable, an argument name). */
static int lex_ident(struct parser *p, struct token *tk, const char *what)
{
	char tmp[80];
	if (lex(p, tk))
		return -1;
	if (tk->kind != T_WORD || !is_ident(tk->s, tk->len))
		return perr(p, "expected %s (letters, digits and _), found %s", what,
			    tok_desc(tk, tmp, sizeof(tmp)));
	return 0;
}

/* ---- tags ------------------------------------------------------------------- */

static int push_open(struct parser *p, unsigned idx)
{
	if (p->depth == TMPL_MAX_NEST)
		return perr(p, "tags nested more than %d deep", TMPL_MAX_NEST);
	p->open[p->depth++] = (struct open_tag){ .node = idx, .last = idx };
	return 0;
}

static const char *open_name(enum node_kind kind)
{
	return kind == N_IF ? "#if" : kind == N_EACH ? "#each" : "#block";
}

/* {{ path }}, {{ url path }}, {{ raw path }} */
static int value_tag(struct parser *p, enum node_kind kind, const struct token *first)
{
	struct tpath path;
	const char *tag = kind == N_URL ? "{{ url }}" : kind == N_RAW ? "{{ raw }}" : "{{ path }}";
	if (kind == N_VAR) {
		if (parse_path(p, first, &path))
			return -1;
	} else if (lex_path(p, &path, tag)) {
		return -1;
	}
	unsigned idx;
	if (expect_eot(p, tag) || add_node(p, kind, &idx))
		return -1;
	p->nodes[idx].path = path;
	return 0;
}

/* {{ _ "msgid" name=path ... }} */
static int tr_tag(struct parser *p)
{
	struct token tk;
	char tmp[80];
	if (lex(p, &tk))
		return -1;
	if (tk.kind != T_STRING)
		return perr(p, "expected a \"text\" after _, found %s", tok_desc(&tk, tmp, sizeof(tmp)));
	if (tk.len == 0)
		return perr(p, "empty text in {{ _ \"\" }}");
	const char *msgid = tk.s;
	size_t msglen = tk.len;
	struct targ args[TMPL_MAX_ARGS];
	unsigned nargs = 0;
	for (;;) {
		if (lex(p, &tk))
			return -1;
		if (tk.kind == T_EOT)
			break;
		if (tk.kind != T_WORD || !is_ident(tk.s, tk.len))
			return perr(p, "expected name=path or }} in {{ _ }}, found %s",
				    tok_desc(&tk, tmp, sizeof(tmp)));
		if (nargs == TMPL_MAX_ARGS)
			return perr(p, "more than %d arguments", TMPL_MAX_ARGS);
		for (unsigned i = 0; i < nargs; i++)
			if (args[i].len == tk.len && memcmp(args[i].name, tk.s, tk.len) == 0)
				return perr(p, "argument %.*s given twice", SHOW(tk.len), tk.s);
		struct targ *arg = &args[nargs];
		arg->len = tk.len;
		if (!(arg->name = copy(p, tk.s, tk.len)))
			return -1;
		if (lex(p, &tk))
			return -1;
		if (tk.kind != T_EQ)
			return perr(p, "expected = after argument %s", arg->name);
		if (lex_path(p, &arg->path, "argument"))
			return -1;
		nargs++;
	}
	/* Every {placeholder} needs an argument and every argument a placeholder. */
	bool used[TMPL_MAX_ARGS] = { false };
	for (size_t i = 0; i < msglen; i++) {
		size_t k = msgid[i] == '{' ? tmpl_placeholder(msgid + i, msglen - i) : 0;
		if (!k)
			continue;
		unsigned j = 0;
		while (j < nargs && !(args[j].len == k && memcmp(args[j].name, msgid + i + 1, k) == 0))
			j++;
		if (j == nargs)
			return perr(p, "placeholder {%.*s} has no argument (add %.*s=path)", SHOW(k),
				    msgid + i + 1, SHOW(k), msgid + i + 1);
		used[j] = true;
		i += k + 1;
	}
	for (unsigned j = 0; j < nargs; j++)
		if (!used[j])
			return perr(p, "argument %s has no {%s} in the text", args[j].name,
				    args[j].name);
	unsigned idx;
	if (add_node(p, N_TR, &idx))
		return -1;
	struct node *nd = &p->nodes[idx];
	nd->s = msgid;
	nd->len = msglen;
	nd->nargs = nargs;
	if (nargs) {
		nd->args = arena_alloc(p->a, nargs * sizeof(*nd->args));
		if (!nd->args)
			return perr(p, "out of memory");
		memcpy(nd->args, args, nargs * sizeof(*args));
	}
	return 0;
}

/* The condition of #if / #elif: path, !path, path == "x", path != "x". */
static int cond(struct parser *p, enum node_kind kind, unsigned *idx)
{
	struct token tk;
	char tmp[80];
	const char *tag = kind == N_IF ? "{{#if}}" : "{{#elif}}";
	enum cond_op op = C_TRUTHY;
	struct tpath path;
	if (lex(p, &tk))
		return -1;
	if (tk.kind == T_NOT) {
		op = C_NOT;
		if (lex(p, &tk))
			return -1;
	}
	if (tk.kind == T_EOT)
		return perr(p, "%s needs a condition", tag);
	if (parse_path(p, &tk, &path) || lex(p, &tk))
		return -1;
	const char *lit = NULL;
	size_t litlen = 0;
	if (tk.kind == T_EQEQ || tk.kind == T_NE) {
		if (op == C_NOT)
			return perr(p, "%s: ! cannot be combined with == or !=", tag);
		op = tk.kind == T_EQEQ ? C_EQ : C_NE;
		if (lex(p, &tk))
			return -1;
		if (tk.kind != T_STRING)
			return perr(p, "%s: expected a \"string\" after %s", tag,
				    op == C_EQ ? "==" : "!=");
		lit = tk.s;
		litlen = tk.len;
		if (expect_eot(p, tag))
			return -1;
	} else if (tk.kind != T_EOT) {
		return perr(p, "%s: expected }}, == or !=, found %s", tag,
			    tok_desc(&tk, tmp, sizeof(tmp)));
	}
	if (add_node(p, kind, idx))
		return -1;
	struct node *nd = &p->nodes[*idx];
	nd->op = (unsigned char)op;
	nd->path = path;
	nd->s = lit;
	nd->len = litlen;
	return 0;
}

static struct open_tag *top(struct parser *p, enum node_kind kind)
{
	if (p->depth == 0)
		return NULL;
	struct open_tag *o = &p->open[p->depth - 1];
	return p->nodes[o->node].kind == kind ? o : NULL;
}

/* Make the current branch of o end at node idx, which becomes the latest. */
static void link_branch(struct parser *p, struct open_tag *o, unsigned idx)
{
	p->nodes[o->last].next = idx;
	o->last = idx;
}

static int if_tag(struct parser *p)
{
	unsigned idx;
	return cond(p, N_IF, &idx) || push_open(p, idx) ? -1 : 0;
}

static int elif_tag(struct parser *p)
{
	struct open_tag *o = top(p, N_IF);
	if (!o)
		return perr(p, "{{#elif}} outside {{#if}}");
	if (o->has_else)
		return perr(p, "{{#elif}} after {{else}}");
	unsigned idx;
	if (cond(p, N_ELIF, &idx))
		return -1;
	link_branch(p, o, idx);
	return 0;
}

static int else_tag(struct parser *p)
{
	if (expect_eot(p, "{{else}}"))
		return -1;
	struct open_tag *o = top(p, N_IF);
	if (!o)
		o = top(p, N_EACH);
	if (!o)
		return perr(p, "{{else}} outside {{#if}} and {{#each}}");
	if (o->has_else)
		return perr(p, "second {{else}} for the {{%s}} of line %u",
			    open_name(p->nodes[o->node].kind), p->nodes[o->node].line);
	unsigned idx;
	if (add_node(p, N_ELSE, &idx))
		return -1;
	link_branch(p, o, idx);
	o->has_else = true;
	return 0;
}

/* {{#each path as name}} */
static int each_tag(struct parser *p)
{
	struct tpath path;
	struct token tk;
	if (lex_path(p, &path, "{{#each}}") || lex(p, &tk))
		return -1;
	if (!tok_is(&tk, T_WORD, "as"))
		return perr(p, "expected {{#each list as name}}");
	if (lex_ident(p, &tk, "a loop variable name"))
		return -1;
	if (tok_is(&tk, T_WORD, "loop"))
		return perr(p, "\"loop\" is reserved for loop.first, loop.last and loop.index");
	const char *var = copy(p, tk.s, tk.len);
	unsigned idx;
	if (!var || expect_eot(p, "{{#each}}") || add_node(p, N_EACH, &idx))
		return -1;
	p->nodes[idx].path = path;
	p->nodes[idx].s = var;
	p->nodes[idx].len = tk.len;
	return push_open(p, idx);
}

/* {{#layout "name"}} */
static int layout_tag(struct parser *p)
{
	struct token tk;
	if (p->t->layout)
		return perr(p, "second {{#layout}}");
	if (p->content || p->depth)
		return perr(p, "{{#layout}} must be the first tag of the file");
	if (lex(p, &tk))
		return -1;
	if (tk.kind != T_STRING || !is_tname(tk.s, tk.len))
		return perr(p, "expected {{#layout \"name\"}} (letters, digits, - and _)");
	if (expect_eot(p, "{{#layout}}"))
		return -1;
	p->t->layout = tk.s;
	p->t->layout_line = p->tag_line;
	return 0;
}

/* {{#block name}} */
static int block_tag(struct parser *p)
{
	struct token tk;
	if (!p->t->layout)
		return perr(p, "{{#block}} outside a page that starts with {{#layout}}");
	if (p->depth)
		return perr(p, "{{#block}} inside another tag (blocks are at the top level)");
	if (lex_ident(p, &tk, "a block name"))
		return -1;
	for (unsigned i = 0; i < p->nblocks; i++) {
		const struct node *b = &p->nodes[p->blocks[i]];
		if (b->len == tk.len && memcmp(b->s, tk.s, tk.len) == 0)
			return perr(p, "block %.*s defined twice (first on line %u)", SHOW(tk.len),
				    tk.s, b->line);
	}
	if (p->nblocks == TMPL_MAX_BLOCKS)
		return perr(p, "more than %d blocks", TMPL_MAX_BLOCKS);
	const char *name = copy(p, tk.s, tk.len);
	unsigned idx;
	if (!name || expect_eot(p, "{{#block}}") || add_node(p, N_BLOCK, &idx))
		return -1;
	p->blocks[p->nblocks++] = idx;
	p->nodes[idx].s = name;
	p->nodes[idx].len = tk.len;
	return push_open(p, idx);
}

static int hash_tag(struct parser *p, const struct token *tk)
{
	if (tok_is(tk, T_HASH, "if"))
		return if_tag(p);
	if (tok_is(tk, T_HASH, "elif"))
		return elif_tag(p);
	if (tok_is(tk, T_HASH, "each"))
		return each_tag(p);
	if (tok_is(tk, T_HASH, "block"))
		return block_tag(p);
	return perr(p, "unknown tag {{#%.*s}}", SHOW(tk->len), tk->s);
}

/* {{/if}}, {{/each}}, {{/block}} */
static int close_tag(struct parser *p, const struct token *tk)
{
	enum node_kind kind;
	if (tok_is(tk, T_SLASH, "if"))
		kind = N_IF;
	else if (tok_is(tk, T_SLASH, "each"))
		kind = N_EACH;
	else if (tok_is(tk, T_SLASH, "block"))
		kind = N_BLOCK;
	else
		return perr(p, "unknown tag {{/%.*s}}", SHOW(tk->len), tk->s);
	if (expect_eot(p, "a closing tag"))
		return -1;
	if (p->depth == 0)
		return perr(p, "{{/%s}} without {{%s}}", open_name(kind) + 1, open_name(kind));
	struct open_tag *o = &p->open[p->depth - 1];
	const struct node *open = &p->nodes[o->node];
	if (open->kind != kind)
		return perr(p, "{{/%s}} does not match the {{%s}} of line %u", open_name(kind) + 1,
			    open_name(open->kind), open->line);
	unsigned idx;
	if (add_node(p, N_END, &idx))
		return -1;
	link_branch(p, o, idx);
	p->nodes[o->node].end = idx;
	p->depth--;
	return 0;
}

/* {{> name}} */
static int include_tag(struct parser *p)
{
	struct token tk;
	if (lex(p, &tk))
		return -1;
	if (tk.kind != T_WORD || !is_tname(tk.s, tk.len))
		return perr(p, "expected {{> name}} (letters, digits, - and _)");
	const char *name = copy(p, tk.s, tk.len);
	unsigned idx;
	if (!name || expect_eot(p, "{{>}}") || add_node(p, N_INCLUDE, &idx))
		return -1;
	p->nodes[idx].s = name;
	p->nodes[idx].len = tk.len;
	return 0;
}

/* {{yield name}} */
static int yield_tag(struct parser *p)
{
	struct token tk;
	if (lex_ident(p, &tk, "a block name after yield"))
		return -1;
	const char *name = copy(p, tk.s, tk.len);
	unsigned idx;
	if (!name || expect_eot(p, "{{yield}}") || add_node(p, N_YIELD, &idx))
		return -1;
	p->nodes[idx].s = name;
	p->nodes[idx].len = tk.len;
	return 0;
}

static int word_tag(struct parser *p, const struct token *tk)
{
	if (tok_is(tk, T_WORD, "_"))
		return tr_tag(p);
	if (tok_is(tk, T_WORD, "url"))
		return value_tag(p, N_URL, tk);
	if (tok_is(tk, T_WORD, "raw"))
		return value_tag(p, N_RAW, tk);
	if (tok_is(tk, T_WORD, "yield"))
		return yield_tag(p);
	if (tok_is(tk, T_WORD, "else"))
		return else_tag(p);
	return value_tag(p, N_VAR, tk);
}

/* {{! ... }}: skip to the first "}}". */
static int comment(struct parser *p)
{
	for (size_t i = p->pos; i + 1 < p->len; i++) {
		if (p->src[i] == '}' && p->src[i + 1] == '}') {
			count_lines(p, p->pos, i);
			p->pos = i + 2;
			return 0;
		}
	}
	return perr(p, "unterminated comment (missing }})");
}

/* A tag; p->pos is just after its "{{". */
static int tag(struct parser *p)
{
	struct token tk;
	skip_space(p);
	if (p->pos < p->len && p->src[p->pos] == '!')
		return comment(p);
	if (lex(p, &tk))
		return -1;
	if (tok_is(&tk, T_HASH, "layout"))
		return layout_tag(p);
	if (p->t->layout && p->depth == 0 && !tok_is(&tk, T_HASH, "block"))
		return perr(p, "only {{#block}} sections and comments may follow {{#layout}}");
	p->content = true;
	switch (tk.kind) {
	case T_WORD:
		return word_tag(p, &tk);
	case T_HASH:
		return hash_tag(p, &tk);
	case T_SLASH:
		return close_tag(p, &tk);
	case T_GT:
		return include_tag(p);
	case T_EOT:
		return perr(p, "empty tag {{}}");
	default:;
		char tmp[80];
		return perr(p, "unexpected %s at the start of a tag", tok_desc(&tk, tmp, sizeof(tmp)));
	}
}

/* Template text from pos to end (exclusive). */
static int text(struct parser *p, size_t end)
{
	size_t start = p->pos;
	unsigned line = p->line;
	size_t i = start;
	while (i < end && is_space(p->src[i]))
		i++;
	bool blank = i == end;
	if (!blank && p->t->layout && p->depth == 0) {
		count_lines(p, start, i);
		p->tag_line = p->line;
		return perr(p, "text outside {{#block}} in a page with {{#layout}}");
	}
	count_lines(p, start, end);
	p->pos = end;
	if (blank && p->t->layout && p->depth == 0)
		return 0; /* blank lines between blocks */
	if (!blank)
		p->content = true;
	p->tag_line = line;
	unsigned idx;
	if (add_node(p, N_TEXT, &idx))
		return -1;
	p->nodes[idx].s = p->src + start;
	p->nodes[idx].len = end - start;
	return 0;
}

static size_t find_open(const char *s, size_t from, size_t len)
{
	for (size_t i = from; i + 1 < len; i++)
		if (s[i] == '{' && s[i + 1] == '{')
			return i;
	return len;
}

size_t tmpl_placeholder(const char *s, size_t n)
{
	if (n < 3 || s[0] != '{' || !is_alpha(s[1]))
		return 0;
	size_t j = 2;
	while (j < n && j <= TMPL_MAX_NAME && is_alnum(s[j]))
		j++;
	return j < n && s[j] == '}' && j - 1 <= TMPL_MAX_NAME ? j - 1 : 0;
}

int tmpl_parse(struct tmpl_set *set, struct tmpl *t, const char *src, size_t len,
	       struct buf *err)
{
	struct parser p = {
		.a = set->a, .t = t, .err = err, .src = src, .len = len, .line = 1, .tag_line = 1,
	};
	if (len > TMPL_MAX_FILE)
		return perr(&p, "file larger than %d bytes", TMPL_MAX_FILE);
	if (check_bytes(&p))
		return -1;
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3; /* a byte order mark some editors add */
	while (p.pos < p.len) {
		size_t open = find_open(src, p.pos, len);
		if (open > p.pos && text(&p, open))
			return -1;
		if (open == len)
			break;
		p.pos = open + 2;
		p.tag_line = p.line;
		if (tag(&p))
			return -1;
	}
	if (p.depth) {
		const struct node *open = &p.nodes[p.open[p.depth - 1].node];
		p.tag_line = open->line;
		return perr(&p, "{{%s}} is never closed", open_name(open->kind));
	}
	t->nodes = p.nodes;
	t->n = (unsigned)p.n;
	return 0;
}
