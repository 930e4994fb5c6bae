/* cmd_reports.h — the `--report FORMAT:PATH` requests of `check` and `run`: read from the
 * command line, opened before the work (an unwritable path is an error before any check
 * or run), written all at once, closed.
 *
 * The caller owns the array of requests, sized for every argument. Messages start with
 * the command's name ("check: unknown report format 'xml' (text, json or junit)").
 */
#ifndef WC_CMD_REPORTS_H
#define WC_CMD_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "errbuf.h"
#include "report.h"

struct wc_report_req {
	enum wc_report_format fmt;
	const char *path;           /* "-": standard output; borrowed from argv */
	FILE *f;                    /* while open */
};

struct wc_report_reqs {
	struct wc_report_req *v;    /* room for every argument */
	size_t n;
};

/* One FORMAT:PATH; at most one may go to standard output. 0, or -1 with errbuf. */
int wc_report_reqs_add(struct wc_report_reqs *r, const char *cmd, const char *arg, char *errbuf);

/* text:- when none was asked for. */
void wc_report_reqs_default(struct wc_report_reqs *r);

/* Open every file (standard output is out). 0, or -1 with errbuf naming the path. */
int wc_report_reqs_open(struct wc_report_reqs *r, const char *cmd, FILE *out, char *errbuf);

/* Write the outcomes o[0..n) in every report and close the files: text in colour when it
 * goes to a terminal and NO_COLOR is unset or empty. 0, or -1 with errbuf naming the
 * first report that could not be written (the others are still written). */
int wc_report_reqs_write(struct wc_report_reqs *r, const char *cmd, FILE *out, const struct wc_outcome *o,
                         size_t n, char *errbuf);

/* Close whatever is still open (after a failure). */
void wc_report_reqs_close(struct wc_report_reqs *r, FILE *out);

#endif
