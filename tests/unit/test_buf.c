#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

static void grows_and_terminates(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(1 << 20);
	assert_string_equal(buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_adds(&b, "abc"), 0);
	assert_int_equal(b.len, 3000);
	assert_int_equal(strlen(buf_str(&b)), 3000);
	assert_int_equal(buf_printf(&b, "%d", 12345), 0);
	assert_string_equal(buf_str(&b) + 3000, "12345");
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static void limit_keeps_contents(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(10);
	assert_int_equal(buf_adds(&b, "0123456789"), 0);
	assert_int_equal(buf_addc(&b, 'x'), -1);
	assert_int_equal(buf_printf(&b, "%s", "y"), -1);
	assert_int_equal(buf_add(&b, "z", SIZE_MAX), -1);
	assert_string_equal(buf_str(&b), "0123456789");
	buf_free(&b);
}

static void detach(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(100);
	buf_adds(&b, "hi");
	size_t n;
	char *p = buf_detach(&b, &n);
	assert_string_equal(p, "hi");
	assert_int_equal(n, 2);
	assert_int_equal(b.len, 0);
	free(p);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_terminates),
		cmocka_unit_test(limit_keeps_contents),
		cmocka_unit_test(detach),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
