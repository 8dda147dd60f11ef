/* Templated e-mail to the outbox, for pages (web/mail.h wraps it) and for
 * work that runs outside a request (the scheduler's jobs, the command
 * line). docs/mail.md describes the templates. */
#ifndef OVI_NOTIFY_H
#define OVI_NOTIFY_H
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "i18n/i18n.h"
#include "store/db.h"
#include "tmpl/tmpl.h"
#include "tmpl/tval.h"

/* What queueing needs: the database (its transaction is the caller's),
 * the templates, the catalogues, the settings and scratch memory. */
struct mail_env {
	struct db *db;
	const struct tmpl_set *tmpl;
	const struct i18n *i18n;   /* NULL: untranslated (English) */
	const struct config *cfg;  /* base_url, org_name, contact_email */
	struct arena *a;           /* scratch for the rendering */
	int64_t now;
};

/* Render templates/mail_<name>.html in `lang` with `data` (a map or NULL;
 * the common values lang, org_name, base_url and contact_email are added),
 * check it as the sender will, and put it in the outbox in the caller's
 * transaction; the sender is woken. person_id <= 0 for none; reply_to
 * NULL or "" for none. Returns the new outbox id, or -1 (logged without
 * personal data). */
int64_t mail_queue(const struct mail_env *e, enum lang lang, const char *name, struct tval *data,
		   const char *to_email, const char *to_name, int64_t person_id, const char *reply_to);

/* Render without queueing: the subject, text and HTML that mail_queue
 * would store, in malloc()ed strings (free them). 0 or -1. For tests and
 * previews. */
int mail_render(const struct mail_env *e, enum lang lang, const char *name, struct tval *data, char **subject,
		char **text, char **html);

/* One attachment (the .ics invitation): file name, MIME type with its
 * parameters ("text/calendar; method=PUBLISH"), UTF-8 text content. */
struct mail_attachment {
	const char *name, *type, *data;
};

/* mail_queue with an attachment (NULL: none). */
int64_t mail_queue_attach(const struct mail_env *e, enum lang lang, const char *name, struct tval *data,
			  const char *to_email, const char *to_name, int64_t person_id, const char *reply_to,
			  const struct mail_attachment *att);

#endif
