/* unit.c — CUnit driver shared by the unit-test programs (see unit.h). */
#include "unit.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SRCDIR
#define SRCDIR "."
#endif
#ifndef BUILDDIR
#define BUILDDIR "."
#endif

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

const char *wc_fixture(const char *rel)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/%s", env_or("WC_SRCDIR", SRCDIR), rel);
	return path;
}

char *wc_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while (out && (n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
	if (out)
		fclose(out);
	return text;
}

const char *wc_scratch(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/tests/tmp", env_or("WC_BUILDDIR", BUILDDIR));
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
	snprintf(path, sizeof path, "%s/tests/tmp/%s", env_or("WC_BUILDDIR", BUILDDIR), name);
	return path;
}

int wc_unit_main(int argc, char **argv, const struct wc_suite *const *suites)
{
	(void)argc;
	(void)argv;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	for (const struct wc_suite *const *s = suites; *s; s++) {
		CU_pSuite suite = CU_add_suite((*s)->name, NULL, NULL);
		if (!suite)
			goto framework_error;
		for (const struct wc_test *t = (*s)->tests; t->name; t++)
			if (!CU_add_test(suite, t->name, t->fn))
				goto framework_error;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto framework_error;
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (run == 0) {
		fprintf(stderr, "no test ran\n");
		return 99;
	}
	return failed ? 1 : 0;

framework_error:
	fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 99;
}
