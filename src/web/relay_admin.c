/* Placeholder: being written. */
#include "web/routes.h"

const struct route relay_admin_routes[] = {
	{ NULL, NULL, NULL, NULL },
};
