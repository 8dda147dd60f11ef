#include "domain/isocodes.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "i18n/catalog.h"

enum { NAME_MAX_BYTES = 256 };

static struct catalog *open_catalog(const char *locale_dir, const char *lang, const char *domain)
{
	char path[1024];
	int k = snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo", locale_dir, lang, domain);
	if (k < 0 || (size_t)k >= sizeof(path))
		return NULL;
	struct buf err = BUF_INIT(512);
	struct catalog *c = catalog_load(path, &err);
	if (!c)
		log_warn("iso-codes: no %s names for %s (%s)", lang, domain, buf_str(&err));
	buf_free(&err);
	return c;
}

/* A copy of s with its first letter upper-cased (ASCII and Latin-1). */
static const char *capitalised(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);
	if (!r)
		return NULL;
	unsigned char *u = (unsigned char *)r;
	if (u[0] >= 'a' && u[0] <= 'z')
		u[0] = (unsigned char)(u[0] - 'a' + 'A');
	else if (u[0] == 0xC3 && u[1] >= 0xA0 && u[1] <= 0xBE && u[1] != 0xB7)
		u[1] = (unsigned char)(u[1] - 0x20);
	return r;
}

/* The translation of the first msgid that has one, or "". */
static const char *translated(struct arena *a, const struct catalog *c, const char *id1, const char *id2,
			      bool capitalise)
{
	const char *t = NULL;
	if (c && id1)
		t = catalog_get(c, id1);
	if (!t && c && id2)
		t = catalog_get(c, id2);
	if (!t || strlen(t) > NAME_MAX_BYTES)
		return "";
	return capitalise ? capitalised(a, t) : arena_strdup(a, t);
}

static const char *str_member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

enum which { COUNTRIES, LANGUAGES };

static int load(struct arena *a, const char *json_dir, const char *locale_dir, enum which w,
		struct iso_entry **out, size_t *n)
{
	const char *domain = w == COUNTRIES ? "iso_3166-1" : "iso_639-3";
	const char *top = w == COUNTRIES ? "3166-1" : "639-3";
	*out = NULL;
	*n = 0;
	char path[1024];
	int k = snprintf(path, sizeof(path), "%s/%s.json", json_dir, domain);
	if (k < 0 || (size_t)k >= sizeof(path))
		return error("iso-codes: path too long");
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root)
		return error("iso-codes: cannot read %s: %s (line %d)", path, jerr.text, jerr.line);
	json_t *list = json_object_get(root, top);
	if (!json_is_array(list)) {
		json_decref(root);
		return error("iso-codes: %s has no \"%s\" list", path, top);
	}
	struct catalog *sv = open_catalog(locale_dir, "sv", domain);
	struct catalog *fi = open_catalog(locale_dir, "fi", domain);
	size_t cap = json_array_size(list), m = 0;
	struct iso_entry *v = arena_alloc(a, (cap ? cap : 1) * sizeof(*v));
	int rc = v ? 0 : error("iso-codes: out of memory");
	for (size_t i = 0; rc == 0 && i < cap; i++) {
		json_t *o = json_array_get(list, i);
		if (!json_is_object(o))
			continue;
		const char *code, *name = str_member(o, "name"), *common = NULL;
		if (w == COUNTRIES) {
			code = str_member(o, "alpha_2");
			common = str_member(o, "common_name");
		} else {
			const char *type = str_member(o, "type"), *scope = str_member(o, "scope");
			if (!type || strcmp(type, "L") || !scope || (strcmp(scope, "I") && strcmp(scope, "M")))
				continue;
			code = str_member(o, "alpha_2");
			if (!code)
				code = str_member(o, "alpha_3");
		}
		if (!code || !name || strlen(code) > 3 || strlen(name) > NAME_MAX_BYTES)
			continue;
		struct iso_entry *e = &v[m];
		e->code = arena_strdup(a, code);
		e->name_en = arena_strdup(a, common ? common : name);
		e->name_sv = translated(a, sv, common, name, w == LANGUAGES);
		e->name_fi = translated(a, fi, common, name, w == LANGUAGES);
		if (!e->code || !e->name_en || !e->name_sv || !e->name_fi)
			rc = error("iso-codes: out of memory");
		else
			m++;
	}
	catalog_free(sv);
	catalog_free(fi);
	json_decref(root);
	if (rc)
		return rc;
	*out = v;
	*n = m;
	return 0;
}

int isocodes_countries(struct arena *a, const char *json_dir, const char *locale_dir,
		       struct iso_entry **out, size_t *n)
{
	return load(a, json_dir, locale_dir, COUNTRIES, out, n);
}

int isocodes_languages(struct arena *a, const char *json_dir, const char *locale_dir,
		       struct iso_entry **out, size_t *n)
{
	return load(a, json_dir, locale_dir, LANGUAGES, out, n);
}
