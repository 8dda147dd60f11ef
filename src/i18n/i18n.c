#include "i18n/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "i18n/catalog.h"

const char *const lang_codes[LANG_COUNT] = { "sv", "fi", "en" };
const char *const lang_names[LANG_COUNT] = { "Svenska", "Suomi", "English" };

struct i18n {
	struct catalog *cat[LANG_COUNT];
};

enum lang lang_from_code(const char *code)
{
	for (int l = 0; l < LANG_COUNT; l++)
		if (code && strcmp(code, lang_codes[l]) == 0)
			return (enum lang)l;
	return LANG_COUNT;
}

struct i18n *i18n_load(const char *dir)
{
	struct i18n *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	for (int l = 0; l < LANG_COUNT; l++) {
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s.mo", dir, lang_codes[l]);
		struct buf err = BUF_INIT(1024);
		t->cat[l] = catalog_load(path, &err);
		if (!t->cat[l] && l != LANG_EN) {
			error("i18n: %s: %s", path, buf_str(&err));
			buf_free(&err);
			i18n_free(t);
			return NULL;
		}
		buf_free(&err);
	}
	return t;
}

void i18n_free(struct i18n *t)
{
	if (!t)
		return;
	for (int l = 0; l < LANG_COUNT; l++)
		catalog_free(t->cat[l]);
	free(t);
}

const char *i18n_get(const struct i18n *t, enum lang l, const char *msgid)
{
	if (!t || l >= LANG_COUNT || !t->cat[l])
		return msgid;
	const char *s = catalog_get(t->cat[l], msgid);
	return s ? s : msgid;
}
