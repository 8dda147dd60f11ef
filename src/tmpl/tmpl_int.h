/* Internals of the template engine, shared by tmpl_parse.c (source to
 * nodes), tmpl_set.c (loading, checks across templates, string export) and
 * tmpl_render.c. Not for use outside src/tmpl/. */
#ifndef OVI_TMPL_INT_H
#define OVI_TMPL_INT_H
#include <stdbool.h>
#include <stddef.h>

#include "tmpl/tmpl.h"

/* Limits: a template that passes them is rendered with bounded stack. */
enum {
	TMPL_MAX_FILE = 1 << 20,   /* bytes per template file */
	TMPL_MAX_TEMPLATES = 1024, /* templates per set */
	TMPL_MAX_NODES = 1 << 16,  /* nodes per template */
	TMPL_MAX_NEST = 32,        /* #if / #each / #block nesting in one file */
	TMPL_MAX_DEPTH = 16,       /* include / layout chain length */
	TMPL_MAX_STRING = 16384,   /* bytes in a string literal (a msgid) */
	TMPL_MAX_NAME = 64,        /* bytes in a name or path segment */
	TMPL_MAX_SEGS = 8,         /* segments in a dotted path */
	TMPL_MAX_ARGS = 16,        /* arguments of one translation */
	TMPL_MAX_BLOCKS = 64,      /* blocks of one layout page */
};

enum node_kind {
	N_TEXT,    /* s/len: template text, output as is */
	N_VAR,     /* path: value, HTML-escaped */
	N_URL,     /* path: value through esc_url */
	N_RAW,     /* path: value unescaped */
	N_TR,      /* s: msgid; args */
	N_IF,      /* op, path, s/len (literal); next: next branch; end */
	N_ELIF,    /* op, path, s/len; next: next branch */
	N_ELSE,    /* next: the END of its #if / #each */
	N_END,     /* closes #if, #each, #block; renders nothing */
	N_EACH,    /* path; s: loop variable; next: its ELSE or END; end */
	N_INCLUDE, /* s: template name; target */
	N_BLOCK,   /* s: block name; end */
	N_YIELD,   /* s: block name */
};

enum cond_op { C_TRUTHY, C_NOT, C_EQ, C_NE };

/* Which loop.* field a path names (its first segment is "loop"). */
enum loop_field { LOOP_NONE, LOOP_FIRST, LOOP_LAST, LOOP_INDEX };

struct tpath {
	const char **seg; /* NUL-terminated segments */
	unsigned char nseg;
	unsigned char loop; /* enum loop_field */
};

struct targ {
	const char *name;
	size_t len;
	struct tpath path;
};

struct node {
	unsigned char kind; /* enum node_kind */
	unsigned char op;   /* enum cond_op */
	unsigned line;
	unsigned next, end; /* node indices, see enum node_kind */
	const char *s;      /* see enum node_kind */
	size_t len;
	struct tpath path;
	struct targ *args;
	unsigned nargs;
	const struct tmpl *target; /* N_INCLUDE, set by tmpl_finish() */
};

struct tmpl {
	const char *name; /* without ".html" */
	const char *file; /* for messages, e.g. "templates/home.html" */
	struct node *nodes;
	unsigned n;
	const char *layout; /* set for a page that starts with #layout */
	unsigned layout_line;
	const struct tmpl *layout_t; /* resolved by tmpl_finish() */
	bool broken;                  /* failed to parse: no nodes */
	/* tmpl_finish() bookkeeping for the cycle and depth check */
	unsigned char mark;
	bool too_deep;
	unsigned height;
};

struct tmpl_set {
	struct arena *a; /* everything of the set lives here */
	struct tmpl **t;  /* sorted by name after tmpl_finish() */
	size_t n, cap;
	bool failed;   /* some template did not parse */
	bool finished; /* tmpl_finish() succeeded: ready to render */
};

/* Parse src (len bytes, copied by the caller into the set's arena and kept
 * for the life of the set) into t->nodes. 0, or -1 with one error in err. */
int tmpl_parse(struct tmpl_set *set, struct tmpl *t, const char *src, size_t len,
	       struct buf *err);

/* Append "file:line: message\n" to err (which may be NULL). Returns -1. */
int tmpl_error(struct buf *err, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* If s[0..n) starts with a placeholder "{name}", the length of name, else 0. */
size_t tmpl_placeholder(const char *s, size_t n);

/* The template called name in a finished set, or NULL. */
const struct tmpl *tmpl_find(const struct tmpl_set *set, const char *name);

#endif
