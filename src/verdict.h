/* verdict.h — judging captures against a scenario: every expectation's check run in
 * scenario order, points added up, and one outcome with its exit status.
 *
 * The outcome of a scenario:
 *   - inconclusive (exit 3) when the capture itself cannot be judged: a capture that
 *     breaks off part-way, or a capture.health expectation that did not pass. A student
 *     is never failed on a capture that cannot show what happened;
 *   - else fail (exit 1) when any check failed: a failure stands whatever else was
 *     undecided;
 *   - else inconclusive (exit 3) when any check could not be decided (no SYN captured, a
 *     placeholder nobody could fill): a pass the capture does not support is not given;
 *   - else pass (exit 0).
 *
 * Placeholders {port}, {server} and {client} in an expectation's strings are filled
 * before its check runs: from the command line (--set), else from the captures when
 * they settle it (exactly one port the SYNs went to, exactly one server address, one
 * client address; with no SYN at all, the same from the UDP flows' first datagrams). A
 * check that needs a placeholder nobody could fill is inconclusive, naming it.
 *
 * Vantage: an expectation judges the capture tagged with its "vantage" role (or the
 * first capture when it names none, or when a lone untagged capture was given). The
 * check sees that capture as views[0], the others after it in command-line order, so a
 * check comparing vantage points finds them with wc_view_find() by role.
 *
 * Reports (report.h) read only the outcome: it holds copies of the results and borrows
 * the scenario's strings and the views' paths, so it must be freed before them.
 */
#ifndef WC_VERDICT_H
#define WC_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "errbuf.h"
#include "scenario.h"

/* ---- placeholders --------------------------------------------------------- */

enum wc_ph_source { WC_PH_UNKNOWN = 0, WC_PH_SET, WC_PH_CAPTURE, WC_PH_RUN };
/* "unknown", "set", "capture", "run" (a live run's port and topology addresses) */
const char *wc_ph_source_name(enum wc_ph_source s);

enum { WC_PH_PORT = 0, WC_PH_SERVER, WC_PH_CLIENT, WC_PH__COUNT };

struct wc_placeholder {
	const char *name;           /* "port", "server", "client" */
	enum wc_ph_source source;
	char value[WC_ADDR_STRLEN]; /* "" while unknown */
	char why[200];              /* while unknown: why the capture does not settle it */
};

struct wc_placeholders {
	struct wc_placeholder p[WC_PH__COUNT];
};

/* All unknown, with the reason "not given with --set". */
void wc_placeholders_init(struct wc_placeholders *ph);
/* --set KEY=VALUE: port 1-65535, server and client IPv4/IPv6 addresses. Returns 0, or -1
 * with errbuf naming the problem. */
int wc_placeholders_set(struct wc_placeholders *ph, const char *key, const char *value, char *errbuf);
/* Mark every known value as the live run's own (WC_PH_RUN): reports then say so. */
void wc_placeholders_from_run(struct wc_placeholders *ph);
/* Fill what --set left unknown from the captures, where they settle it. */
void wc_placeholders_infer(struct wc_placeholders *ph, const struct wc_view *views, size_t n);
/* The placeholder called name; NULL for a name that is not one. */
const struct wc_placeholder *wc_placeholder_find(const struct wc_placeholders *ph, const char *name);

/* text with every known placeholder replaced, into buf (cut to len). Returns NULL, or
 * the name of the first placeholder text uses whose value is unknown (left as is). */
const char *wc_placeholders_text(const struct wc_placeholders *ph, const char *text, char *buf, size_t len);
/* A copy of obj (validated against fields) with its strings filled the same way; a
 * string that is only "{port}" becomes a number where fields says the key holds one.
 * Returns NULL with *missing naming the first unknown placeholder used, or NULL with
 * *missing NULL when out of memory. */
json_object *wc_placeholders_fill(const struct wc_placeholders *ph, json_object *obj,
                                  const struct wc_field *fields, const char **missing);
/* The known values as {"port": "7007", …}, for wc_check_ctx.placeholders. */
json_object *wc_placeholders_json(const struct wc_placeholders *ph);

/* ---- the outcome of a scenario -------------------------------------------- */

struct wc_capture_fact {
	char role[16];              /* "" for a lone untagged capture */
	const char *path;           /* borrowed */
	uint64_t frames;
	bool broken;                /* reading stopped early: detail says why */
	char detail[256];
};

struct wc_outcome {
	const char *name, *summary, *file;   /* the scenario's, borrowed */
	struct wc_capture_fact *captures;
	size_t capture_count;
	struct wc_placeholders placeholders;
	struct wc_result *results;           /* one per expectation, scenario order */
	double *seconds;                     /* time each check took (NULL: unknown) */
	size_t count;
	size_t passed, failed, inconclusive;
	double points, points_max;
	enum wc_verdict verdict;
	char why[800];                       /* when inconclusive: why, in one sentence */
	time_t started;                      /* wall clock, for reports' timestamps */
	const struct wc_run_record *run;     /* a live run's record (borrowed), NULL offline */
	const char *variant, *variant_summary; /* the faulty variant run (borrowed), NULL: none */
	double elapsed;                      /* seconds for all the checks */
};

/* Judge the views against the scenario. placeholders as set and inferred by the caller;
 * run is the record of the live run that made the captures (runrec.h), NULL offline,
 * where the process-level checks are inconclusive. Returns 0, or -1 with errbuf (out of
 * memory). Free with wc_outcome_free. */
int wc_verdict_run(const struct wc_scenario *s, const struct wc_view *views, size_t view_count,
                   const struct wc_placeholders *ph, const struct wc_run_record *run, struct wc_outcome *out,
                   char *errbuf);
void wc_outcome_free(struct wc_outcome *o);

/* Recount passed/failed/inconclusive and points from the results, and decide the
 * verdict and why as described above (wc_verdict_run calls it; reports built by hand
 * call it too). */
void wc_outcome_tally(struct wc_outcome *o);

/* Exit status for a verdict: pass 0, fail 1, inconclusive 3. */
int wc_verdict_exit_status(enum wc_verdict v);
/* Several scenarios as one: fail when any failed, else inconclusive when any was,
 * else pass (each scenario already decided whether its capture could be judged). */
enum wc_verdict wc_verdict_combine(const struct wc_outcome *o, size_t n);

#endif
