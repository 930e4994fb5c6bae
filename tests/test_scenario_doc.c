/* test_scenario_doc.c — doc/scenario.md against the real field tables and checks; `--write FILE` regenerates it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "unit.h"

/* The generated part of doc/scenario.md lies between these two lines. */
static const char begin_marker[] =
	"<!-- BEGIN GENERATED REFERENCE: `make doc` writes this part from the field tables; "
	"edit src/scenario_fields.c or a check's table, not this text -->\n";
static const char end_marker[] = "<!-- END GENERATED REFERENCE -->\n";

static const char regenerate[] = "run `make doc` in a build tree to regenerate doc/scenario.md";

static char *generated(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	wc_scenario_doc(out);
	fclose(out);
	return text;
}

/* The span between the markers: [*from, *to) of text. */
static int generated_span(const char *text, const char **from, const char **to)
{
	const char *b = strstr(text, begin_marker);
	const char *e = b ? strstr(b, end_marker) : NULL;
	if (!e)
		return -1;
	*from = b + strlen(begin_marker);
	*to = e;
	return 0;
}

static const char *doc_path(void)
{
	return wc_fixture("../../doc/scenario.md");
}

/* Says where the committed text first differs, so a stale doc is easy to see. */
static void report_difference(const char *have, size_t have_len, const char *want)
{
	unsigned line = 1;
	size_t i = 0;
	while (i < have_len && want[i] && have[i] == want[i]) {
		if (have[i] == '\n')
			line++;
		i++;
	}
	size_t start = i;
	while (start > 0 && want[start - 1] != '\n')
		start--;
	fprintf(stderr, "doc/scenario.md is stale: the generated part differs at its line %u:\n"
	        "  committed: %.*s\n  generated: %.*s\n%s\n", line,
	        (int)strcspn(have + start, "\n"), have + start,
	        (int)strcspn(want + start, "\n"), want + start, regenerate);
}

static void test_doc_is_current(void)
{
	char *doc = wc_read_file(doc_path()), *want = generated();
	const char *from, *to;
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	if (generated_span(doc, &from, &to) != 0) {
		fprintf(stderr, "doc/scenario.md has lost its markers; %s\n", regenerate);
		CU_FAIL("doc/scenario.md markers");
	} else if ((size_t)(to - from) != strlen(want) || memcmp(from, want, strlen(want)) != 0) {
		report_difference(from, (size_t)(to - from), want);
		CU_FAIL("doc/scenario.md is stale: run `make doc`");
	}
	free(doc);
	free(want);
}

static int load_text(const char *text, char *errbuf)
{
	const char *path = wc_scratch("doc-example.json");
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	struct wc_scenario *s = wc_scenario_load(path, errbuf);
	wc_scenario_free(s);
	return s ? 0 : -1;
}

/* Every check's example in the doc is a valid expectation. */
static void test_check_examples_load(void)
{
	char text[4096], errbuf[WC_ERRBUF_SIZE];
	CU_ASSERT_TRUE(wc_check_count() > 0);
	for (size_t i = 0, n = wc_check_count(); i < n; i++) {
		const struct wc_check_def *def = wc_check_at(i);
		if (!def->example) {
			fprintf(stderr, "%s has no example for doc/scenario.md\n", def->name);
			CU_FAIL("a check without an example");
			continue;
		}
		snprintf(text, sizeof text,
		         "{\"name\": \"x\", \"summary\": \"x\", \"question\": \"x\", \"expect\": [%s]}",
		         def->example);
		if (load_text(text, errbuf) != 0) {
			fprintf(stderr, "the example of %s does not load: %s\n", def->name, errbuf);
			CU_FAIL("a check's example does not load");
		}
	}
}

/* The complete example of the hand-written part is a valid scenario. */
static void test_complete_example_loads(void)
{
	static const char heading[] = "## A complete example";
	char *doc = wc_read_file(doc_path()), errbuf[WC_ERRBUF_SIZE];
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	char *start = strstr(doc, heading);
	start = start ? strstr(start, "```json\n") : NULL;
	char *end = start ? strstr(start, "\n```\n") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	*end = '\0';
	if (load_text(start + strlen("```json\n"), errbuf) != 0) {
		fprintf(stderr, "doc/scenario.md's complete example does not load: %s\n", errbuf);
		CU_FAIL("the complete example does not load");
	}
	free(doc);
}

/* Replaces the part between the markers of file with what the tables say now. */
static int write_doc(const char *file)
{
	char *doc = wc_read_file(file), *want = generated();
	const char *from, *to;
	if (!doc || !want || generated_span(doc, &from, &to) != 0) {
		fprintf(stderr, "%s: cannot read it, or its markers are missing\n", file);
		free(doc);
		free(want);
		return 1;
	}
	FILE *out = fopen(file, "w");
	int rc = 1;
	if (out) {
		fwrite(doc, 1, (size_t)(from - doc), out);
		fputs(want, out);
		fputs(to, out);
		rc = fclose(out) == 0 ? 0 : 1;
	}
	if (rc)
		fprintf(stderr, "%s: cannot write it\n", file);
	free(doc);
	free(want);
	return rc;
}

static const struct wc_test doc_tests[] = {
	{"doc/scenario.md is what the tables say", test_doc_is_current},
	{"every check's example loads", test_check_examples_load},
	{"the complete example loads", test_complete_example_loads},
	{NULL, NULL},
};

static const struct wc_suite doc_suite = {"scenario doc", doc_tests};

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_doc(argv[2]);
	const struct wc_suite *const suites[] = {&doc_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
