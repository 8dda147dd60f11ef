/* The layout of struct tval, private to src/tmpl/ (the renderer builds
 * short-lived values such as loop.index on its stack). Everyone else uses
 * the functions of tmpl/tval.h. */
#ifndef OVI_TMPL_TVAL_INT_H
#define OVI_TMPL_TVAL_INT_H
#include "tmpl/tval.h"

struct tv_pair {
	const char *key;
	struct tval *val;
};

struct tval {
	enum tv_kind kind;
	struct arena *a; /* where lists and maps grow; NULL for stack values */
	union {
		struct {
			const char *s;
			size_t len;
		} str;
		long long i;
		bool b;
		struct {
			struct tval **v;
			size_t n, cap;
		} list;
		struct {
			struct tv_pair *v;
			size_t n, cap;
		} map;
	} u;
};

#endif
