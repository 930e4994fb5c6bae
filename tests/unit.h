/* unit.h — the shared CUnit driver for every unit-test program.
 *
 * A test program lists its suites in a NULL-terminated array of wc_suite and returns
 * wc_unit_main(argc, argv, suites) from main(). The exit status is what automake
 * expects: 0 all passed, 1 a failure, 99 a framework error (never a raw failure count,
 * which automake could read as 77 "skipped").
 *
 * wc_fixture() builds the path of a file under tests/fixtures in the source tree
 * (WC_SRCDIR, or SRCDIR at build time), so tests work in a read-only distcheck tree.
 */
#ifndef WC_TEST_UNIT_H
#define WC_TEST_UNIT_H

#include <CUnit/CUnit.h>

struct wc_test {
	const char *name;
	CU_TestFunc fn;
};

struct wc_suite {
	const char *name;
	const struct wc_test *tests; /* terminated by {NULL, NULL} */
};

int wc_unit_main(int argc, char **argv, const struct wc_suite *const *suites);

/* Path of tests/fixtures/<rel> in a static buffer (overwritten by the next call). */
const char *wc_fixture(const char *rel);

/* The whole file, NUL-terminated, malloc'd; NULL when it cannot be read. */
char *wc_read_file(const char *path);

/* A writable scratch path in the build tree: tests/tmp/<name>. */
const char *wc_scratch(const char *name);

#endif
