/* The languages Ovi speaks and their message catalogues.
 *
 * Catalogues are loaded once at start into read-only tables; every lookup
 * names its language explicitly, so no request ever touches the process
 * locale (no setlocale, no global "current language"). */
#ifndef OVI_I18N_H
#define OVI_I18N_H
#include <stddef.h>

enum lang { LANG_SV, LANG_FI, LANG_EN, LANG_COUNT };

extern const char *const lang_codes[LANG_COUNT];   /* "sv", "fi", "en" */
extern const char *const lang_names[LANG_COUNT];   /* each in its own language */

/* LANG_COUNT when the code is not one of ours. */
enum lang lang_from_code(const char *code);

struct i18n;

/* Load DIR/sv.mo, DIR/fi.mo, DIR/en.mo. A missing English catalogue is fine
 * (English is the source language); missing sv or fi is an error. */
struct i18n *i18n_load(const char *dir);
void i18n_free(struct i18n *t);

/* The translation of msgid, or msgid itself. Never NULL. */
const char *i18n_get(const struct i18n *t, enum lang l, const char *msgid);

/* Marks a string for extraction without translating it here. */
#define N_(s) (s)

#endif
