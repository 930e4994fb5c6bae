/* report.h — the outcomes of `check` (and later `run`) written for people and machines.
 *
 * Reports only read outcomes (verdict.h); each takes every scenario judged in one run:
 *   text   one line per check ("PASS tcp.handshake  complete handshake (frames 1, 2, 3)
 *          2/2 points"), its reason and display filter, a summary line per scenario
 *          ("3 passed, 1 failed, 0 inconclusive — 7/9 points"); ANSI colour on request;
 *   json   one object, names stable, documented in doc/report-json.md;
 *   junit  JUnit XML: a <testsuite> per scenario, a <testcase> per check, <failure> for a
 *          fail and <skipped> for an inconclusive check, the reason as their message.
 * Each returns 0, or -1 with errbuf when writing failed.
 */
#ifndef WC_REPORT_H
#define WC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "errbuf.h"
#include "verdict.h"

enum wc_report_format { WC_REPORT_TEXT = 0, WC_REPORT_JSON, WC_REPORT_JUNIT };

/* "text", "json", "junit" → format; -1 for another name. */
int wc_report_format_parse(const char *name);

int wc_report_text(FILE *out, const struct wc_outcome *o, size_t n, bool color, char *errbuf);
int wc_report_json(FILE *out, const struct wc_outcome *o, size_t n, char *errbuf);
int wc_report_junit(FILE *out, const struct wc_outcome *o, size_t n, char *errbuf);

/* How a live run's program ended, one line: "exited with status 0 after 0.41 s",
 * "was ended by SIGKILL after 10.00 s: its time limit ran out; 2 zombies left". */
struct wc_run_role;
void wc_report_program_ended(const struct wc_run_role *r, char *buf, size_t len);

/* The report in format fmt (the three above; colour only for text). */
int wc_report_write(enum wc_report_format fmt, FILE *out, const struct wc_outcome *o, size_t n, bool color,
                    char *errbuf);

#endif
