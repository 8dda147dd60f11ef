/* Queueing e-mail from a page (docs/mail.md).
 *
 * A mail is a template, templates/mail_<name>.html, that starts with
 * {{#layout "mail_layout"}} and has three blocks:
 *   subject  one line of plain text (white space is collapsed),
 *   text     the text/plain part: rendered WITHOUT HTML escaping,
 *   html     the text/html part, inside mail_layout.html.
 * The text part ends with templates/mail_text_footer.html (also text mode).
 * It is rendered in the recipient's language, checked (addresses, header
 * values, sizes: what the sender would refuse is refused now) and written
 * to the outbox in the caller's transaction; the sender is woken. */
#ifndef OVI_WEB_MAIL_H
#define OVI_WEB_MAIL_H
#include <stdint.h>

#include "domain/notify.h"
#include "web/app.h"

/* Render templates/mail_<name>.html in `lang` with `data` (a map or NULL;
 * the common values lang, org_name, base_url and contact_email are added)
 * and put it in the outbox, in the caller's transaction. person_id <= 0
 * for none; reply_to NULL or "" for none, else "Name <addr>" or "addr".
 * Returns 0 or -1 (logged without personal data). */
int ctx_queue_mail(struct ctx *c, enum lang lang, const char *name, struct tval *data,
		   const char *to_email, const char *to_name, int64_t person_id, const char *reply_to);

/* The mail environment of this request (for domain functions that queue
 * mail: domain/matches.h). */
void ctx_mail_env(struct ctx *c, struct mail_env *e);

#endif
