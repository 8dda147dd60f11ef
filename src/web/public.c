/* The public pages: each is a template named like its route. */
#include "web/app.h"

void public_page(struct ctx *c)
{
	page_render(c, c->m.route->name, c->m.route->name);
}
