/* test_catalogue_doc.c — doc/catalogue.md against the bundled scenarios; every scenario
 * under scenarios/ loads, has its question, what its capture shows and at least one faulty
 * variant; `--write FILE` regenerates the page (`make doc`). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "unit.h"

#define MAX_SCENARIOS 128

static struct wc_scenario *scenarios[MAX_SCENARIOS];
static char *files[MAX_SCENARIOS];
static size_t count;
static char errbuf[WC_ERRBUF_SIZE];

static const char *srcdir(void)
{
	const char *d = getenv("WC_SRCDIR");
	return d && *d ? d : SRCDIR;
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Every scenario file of scenarios/, loaded; 0, or -1 with the first problem printed. */
static int load_all(void)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/scenarios", srcdir());
	struct dirent **list;
	int n = scandir(dir, &list, json_file, by_name);
	if (n < 0) {
		fprintf(stderr, "cannot read %s\n", dir);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4400];
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		if (rc == 0 && count < MAX_SCENARIOS) {
			if (!(scenarios[count] = wc_scenario_load(path, errbuf))) {
				fprintf(stderr, "%s\n", errbuf);
				rc = -1;
			} else if (asprintf(&files[count], "scenarios/%s", list[i]->d_name) < 0) {
				rc = -1;
			} else {
				count++;
			}
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

static char *generated(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	wc_scenario_catalogue(out, scenarios, (const char *const *)files, count);
	fclose(out);
	return text;
}

static void test_up_to_date(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/doc/catalogue.md", srcdir());
	char *want = generated(), *have = wc_read_file(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	if (!have || strcmp(want, have) != 0)
		printf("\n  doc/catalogue.md is stale: run `make doc` in a build tree\n");
	CU_ASSERT_PTR_NOT_NULL(have);
	if (have)
		CU_ASSERT_STRING_EQUAL(want, have);
	free(want);
	free(have);
}

/* What the catalogue promises of each scenario: its file named by its order and name, what
 * its capture shows, and a mistake it catches. */
static void test_every_scenario_complete(void)
{
	CU_ASSERT_TRUE(count >= 20);
	for (size_t i = 0; i < count; i++) {
		const struct wc_scenario *s = scenarios[i];
		const char *base = files[i] + strlen("scenarios/");
		char want[128];
		snprintf(want, sizeof want, "%.2s-%s.json", base, s->name);
		if (strcmp(base, want) != 0 || !s->shows || !s->variants || json_object_array_length(s->variants) == 0)
			printf("\n  %s: the file must be NN-NAME.json and have shows and variants\n", files[i]);
		CU_ASSERT_STRING_EQUAL(base, want);
		CU_ASSERT_PTR_NOT_NULL(s->shows);
		CU_ASSERT_TRUE(s->variants && json_object_array_length(s->variants) > 0);
	}
}

static const struct wc_test tests[] = {
	{"every bundled scenario: NN-NAME.json, shows, variants", test_every_scenario_complete},
	{"doc/catalogue.md is what the scenarios say", test_up_to_date},
	{NULL, NULL},
};
static const struct wc_suite suite = {"catalogue", tests};

int main(int argc, char **argv)
{
	if (load_all() != 0)
		return 1;
	int rc;
	if (argc == 3 && strcmp(argv[1], "--write") == 0) {
		char *text = generated();
		FILE *f = text ? fopen(argv[2], "w") : NULL;
		rc = f && fputs(text, f) >= 0 && fclose(f) == 0 ? 0 : 1;
		if (rc)
			fprintf(stderr, "cannot write %s\n", argv[2]);
		free(text);
	} else {
		const struct wc_suite *const suites[] = {&suite, NULL};
		rc = wc_unit_main(argc, argv, suites);
	}
	for (size_t i = 0; i < count; i++) {
		wc_scenario_free(scenarios[i]);
		free(files[i]);
	}
	return rc;
}
