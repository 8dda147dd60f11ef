/* Placeholder: being written. */
#include "web/routes.h"

const struct route relay_routes[] = {
	{ NULL, NULL, NULL, NULL },
};
