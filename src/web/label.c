#include "web/label.h"

#include <string.h>

const char *label_text(const struct ctx *c, const struct label *t, const char *code)
{
	if (!code)
		return "";
	for (; t->code; t++)
		if (strcmp(t->code, code) == 0)
			return ctx_tr(c, t->msgid);
	return code;
}
