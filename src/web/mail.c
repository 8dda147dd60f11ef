#include "web/mail.h"

void ctx_mail_env(struct ctx *c, struct mail_env *e)
{
	*e = (struct mail_env){
		.db = c->db, .tmpl = c->app->tmpl, .i18n = c->app->i18n, .cfg = &c->app->cfg, .a = c->a, .now = c->now,
	};
}

int ctx_queue_mail(struct ctx *c, enum lang lang, const char *name, struct tval *data,
		   const char *to_email, const char *to_name, int64_t person_id, const char *reply_to)
{
	struct mail_env e;
	ctx_mail_env(c, &e);
	return mail_queue(&e, lang, name, data, to_email, to_name, person_id, reply_to) > 0 ? 0 : -1;
}
