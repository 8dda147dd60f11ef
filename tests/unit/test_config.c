#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

static void defaults(void **state)
{
	(void)state;
	struct config c;
	assert_int_equal(config_load(&c, NULL), 0);
	assert_int_equal(c.port, 8080);
	assert_string_equal(c.default_lang, "sv");
	assert_false(c.https);
}

static void file_then_env(void **state)
{
	(void)state;
	char path[] = "/tmp/ovi-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("# comment\n\nport = 9000\nbase_url = https://ovi.example.org/\norg_name = Dörren test\n"
	      "trust_proxy = yes\ndefault_lang = fi\n", f);
	fclose(f);
	struct config c;
	setenv("OVI_PORT", "9100", 1);
	assert_int_equal(config_load(&c, path), 0);
	unsetenv("OVI_PORT");
	assert_int_equal(c.port, 9100);
	assert_true(c.https);
	assert_string_equal(c.base_url, "https://ovi.example.org");
	assert_string_equal(c.org_name, "Dörren test");
	assert_true(c.trust_proxy);
	assert_string_equal(c.default_lang, "fi");
	unlink(path);
}

static void errors(void **state)
{
	(void)state;
	struct config c;
	assert_int_equal(config_load(&c, NULL), 0);
	assert_int_equal(config_set(&c, "port", "80x"), -1);
	assert_int_equal(config_set(&c, "port", "99999999999"), -1);
	assert_int_equal(config_set(&c, "nope", "1"), -1);
	assert_int_equal(config_set(&c, "trust_proxy", "maybe"), -1);
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(config_set(&c, "org_name", big), -1);
	assert_int_equal(config_load(&c, "/nonexistent/ovi.conf"), -1);
	setenv("OVI_DEFAULT_LANG", "de", 1);
	assert_int_equal(config_load(&c, NULL), -1);
	unsetenv("OVI_DEFAULT_LANG");
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(file_then_env),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
