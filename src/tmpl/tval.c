#include "tmpl/tval.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "tmpl/tval_int.h"

static struct tval *node(struct arena *a, enum tv_kind kind)
{
	struct tval *v = arena_alloc(a, sizeof(*v));
	if (!v)
		return NULL;
	v->kind = kind;
	v->a = a;
	return v;
}

struct tval *tv_str(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	struct tval *v = node(a, TV_STR);
	if (v) {
		v->u.str.s = s;
		v->u.str.len = strlen(s);
	}
	return v;
}

struct tval *tv_strdup(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	char *copy = arena_strdup(a, s);
	return copy ? tv_str(a, copy) : NULL;
}

struct tval *tv_int(struct arena *a, long long i)
{
	struct tval *v = node(a, TV_INT);
	if (v)
		v->u.i = i;
	return v;
}

struct tval *tv_bool(struct arena *a, bool b)
{
	struct tval *v = node(a, TV_BOOL);
	if (v)
		v->u.b = b;
	return v;
}

struct tval *tv_list(struct arena *a)
{
	return node(a, TV_LIST);
}

struct tval *tv_map(struct arena *a)
{
	return node(a, TV_MAP);
}

/* Grow an arena array of `size`-byte elements to hold one more element. The
 * old array stays in the arena (it is freed with it): doubling keeps the
 * waste below the final size. */
static int grow(struct arena *a, void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / size)
		return -1;
	void *p = arena_alloc(a, ncap * size);
	if (!p)
		return -1;
	if (n)
		memcpy(p, *arr, n * size);
	*arr = p;
	*cap = ncap;
	return 0;
}

int tv_push(struct tval *list, struct tval *v)
{
	if (!list || !v || list->kind != TV_LIST)
		return -1;
	void *arr = list->u.list.v;
	if (grow(list->a, &arr, &list->u.list.cap, list->u.list.n, sizeof(*list->u.list.v)))
		return -1;
	list->u.list.v = arr;
	list->u.list.v[list->u.list.n++] = v;
	return 0;
}

int tv_set(struct tval *map, const char *key, struct tval *v)
{
	if (!map || !key || !v || map->kind != TV_MAP)
		return -1;
	for (size_t i = 0; i < map->u.map.n; i++) {
		if (strcmp(map->u.map.v[i].key, key) == 0) {
			map->u.map.v[i].val = v;
			return 0;
		}
	}
	void *arr = map->u.map.v;
	if (grow(map->a, &arr, &map->u.map.cap, map->u.map.n, sizeof(*map->u.map.v)))
		return -1;
	map->u.map.v = arr;
	map->u.map.v[map->u.map.n].key = key;
	map->u.map.v[map->u.map.n].val = v;
	map->u.map.n++;
	return 0;
}

int tv_set_str(struct tval *map, const char *key, const char *s)
{
	if (!map)
		return -1;
	return tv_set(map, key, tv_strdup(map->a, s));
}

int tv_set_int(struct tval *map, const char *key, long long i)
{
	if (!map)
		return -1;
	return tv_set(map, key, tv_int(map->a, i));
}

int tv_set_bool(struct tval *map, const char *key, bool b)
{
	if (!map)
		return -1;
	return tv_set(map, key, tv_bool(map->a, b));
}

const struct tval *tv_get(const struct tval *map, const char *key)
{
	if (!map || !key || map->kind != TV_MAP)
		return NULL;
	for (size_t i = 0; i < map->u.map.n; i++)
		if (strcmp(map->u.map.v[i].key, key) == 0)
			return map->u.map.v[i].val;
	return NULL;
}

const char *tv_as_str(const struct tval *v)
{
	return v && v->kind == TV_STR ? v->u.str.s : NULL;
}

enum tv_kind tv_kind(const struct tval *v)
{
	assert(v);
	return v->kind;
}

size_t tv_len(const struct tval *v)
{
	if (!v)
		return 0;
	if (v->kind == TV_LIST)
		return v->u.list.n;
	if (v->kind == TV_MAP)
		return v->u.map.n;
	return 0;
}

const struct tval *tv_at(const struct tval *list, size_t i)
{
	if (!list || list->kind != TV_LIST || i >= list->u.list.n)
		return NULL;
	return list->u.list.v[i];
}

long long tv_as_int(const struct tval *v)
{
	if (v && v->kind == TV_INT)
		return v->u.i;
	if (v && v->kind == TV_BOOL)
		return v->u.b;
	return 0;
}

bool tv_truthy(const struct tval *v)
{
	if (!v)
		return false;
	switch (v->kind) {
	case TV_STR:
		return v->u.str.len > 0;
	case TV_INT:
		return v->u.i != 0;
	case TV_BOOL:
		return v->u.b;
	case TV_LIST:
		return v->u.list.n > 0;
	case TV_MAP:
		return v->u.map.n > 0;
	}
	return false;
}
