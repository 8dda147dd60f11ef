/* Routes of this area (web/routes.h); the pages come with their work. */
#include "web/app.h"
#include "web/routes.h"

const struct route register_routes[] = {
	{ NULL, NULL, NULL, NULL },
};
