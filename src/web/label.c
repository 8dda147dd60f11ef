#include "web/label.h"

#include <stdlib.h>
#include <string.h>

#include "domain/staff.h"

const char *label_text(const struct ctx *c, const struct label *t, const char *code)
{
	if (!code)
		return "";
	for (; t->code; t++)
		if (strcmp(t->code, code) == 0)
			return ctx_tr(c, t->msgid);
	return code;
}

static const struct label actors[] = {
	{ "person", N_("The person") },
	{ "participant", N_("Participant") },
	{ "door_opener", N_("Door opener") },
	{ "contact", N_("The contact") },
	{ "system", N_("The system") },
	{ NULL, NULL },
};

const char *label_actor(struct ctx *c, const char *actor)
{
	if (!actor || !*actor)
		return "";
	if (strncmp(actor, "staff:", 6) == 0) {
		char *end, email[256];
		long long id = strtoll(actor + 6, &end, 10);
		if (*end || id <= 0 || staff_email(c->db, id, email, sizeof(email)))
			return ctx_tr(c, "Staff");
		return arena_printf(c->a, "%s (%s)", ctx_tr(c, "Staff"), email);
	}
	return label_text(c, actors, actor);
}
