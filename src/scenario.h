/* scenario.h — a lab experiment as a JSON file: what to run, and what must be seen.
 *
 * A scenario names the lab question it answers, the topology, the programs and faults of
 * a live run (used by the runner; parsed and validated here for every command), and the
 * expectations: a list of checks (check.h) with their arguments and points.
 *
 * Loading validates everything before anything runs: wrong types, missing required keys,
 * unknown keys (with the nearest known key suggested), out-of-range values, unknown check
 * names, and each expectation's arguments against its check's field table. A problem is
 * one message naming the file and the JSON path (schema.h); the command exits 2.
 *
 * Strings may hold placeholders {port}, {server}, {client}: the runner fills them; for
 * `check` they come from the command line or are inferred from the capture.
 * doc/scenario.md is generated from the same field tables (wc_scenario_doc).
 */
#ifndef WC_SCENARIO_H
#define WC_SCENARIO_H

#include <json-c/json.h>
#include <stdio.h>

#include "check.h"
#include "errbuf.h"
#include "schema.h"

struct wc_expect {
	const struct wc_check_def *def;
	json_object *args;          /* the expectation object itself (borrowed from root or implied) */
	char path[32];              /* "expect[3]" */
	char label[160];            /* "name", or the check's summary */
	double points;              /* default 1 */
	char vantage[16];           /* which capture it judges; "" = the only/first one */
};

struct wc_scenario {
	char *file;
	json_object *root;          /* the whole document, owned */
	const char *name, *summary, *question; /* borrowed from root */
	const char *shows;          /* what the reference run's capture shows; NULL when unsaid */
	json_object *topology, *programs, *faults; /* validated, borrowed; may be NULL */
	json_object *variants;      /* faulty versions of a program (borrowed; may be NULL) */
	struct wc_expect *expect;   /* expect[] in order, then those programs imply */
	size_t expect_count;
	json_object *implied;       /* owned: the arguments of the implied expectations
	                               (programs' expect_exit, expect_stdout, expect_stderr) */
};

/* The top-level field table (for doc/ and tests). */
extern const struct wc_field wc_scenario_fields[];

/* Load and validate. Returns NULL with errbuf = "FILE: PATH: problem". */
struct wc_scenario *wc_scenario_load(const char *path, char *errbuf);
void wc_scenario_free(struct wc_scenario *s);

/* The variant called name, or NULL. */
json_object *wc_scenario_variant(const struct wc_scenario *s, const char *name);

/* Write doc/catalogue.md: the bundled scenarios s[0..n), each named by its file as a
 * user types it (files[i], "scenarios/01-tcp-echo.json"). */
void wc_scenario_catalogue(FILE *out, struct wc_scenario *const *s, const char *const *files, size_t n);

/* Write doc/scenario.md's reference part: every key of the format and every check's
 * arguments, from the field tables. */
void wc_scenario_doc(FILE *out);

#endif
