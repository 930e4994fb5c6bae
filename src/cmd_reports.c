/* cmd_reports.c — the --report requests of `check` and `run` (cmd_reports.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_reports.h"

int wc_report_reqs_add(struct wc_report_reqs *r, const char *cmd, const char *arg, char *errbuf)
{
	const char *colon = strchr(arg, ':');
	char fmt[16];
	if (!colon || (size_t)(colon - arg) >= sizeof fmt || !colon[1])
		return wc_err(errbuf, "%s: --report wants FORMAT:PATH (text, json or junit; PATH - for standard "
		                      "output), not '%s'", cmd, arg);
	memcpy(fmt, arg, (size_t)(colon - arg));
	fmt[colon - arg] = '\0';
	int f = wc_report_format_parse(fmt);
	if (f < 0)
		return wc_err(errbuf, "%s: unknown report format '%s' (text, json or junit)", cmd, fmt);
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(colon + 1, "-") == 0 && strcmp(r->v[i].path, "-") == 0)
			return wc_err(errbuf, "%s: only one report can go to standard output", cmd);
	r->v[r->n++] = (struct wc_report_req){.fmt = (enum wc_report_format)f, .path = colon + 1};
	return 0;
}

void wc_report_reqs_default(struct wc_report_reqs *r)
{
	if (r->n == 0)
		r->v[r->n++] = (struct wc_report_req){.fmt = WC_REPORT_TEXT, .path = "-"};
}

int wc_report_reqs_open(struct wc_report_reqs *r, const char *cmd, FILE *out, char *errbuf)
{
	for (size_t i = 0; i < r->n; i++) {
		struct wc_report_req *q = &r->v[i];
		q->f = strcmp(q->path, "-") == 0 ? out : fopen(q->path, "w");
		if (!q->f)
			return wc_err_errno(errbuf, errno, "%s: cannot write the report %s", cmd, q->path);
	}
	return 0;
}

static bool color_wanted(FILE *out)
{
	const char *no_color = getenv("NO_COLOR");
	return isatty(fileno(out)) && !(no_color && *no_color);
}

int wc_report_reqs_write(struct wc_report_reqs *r, const char *cmd, FILE *out, const struct wc_outcome *o,
                         size_t n, char *errbuf)
{
	int rc = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct wc_report_req *q = &r->v[i];
		char why[WC_ERRBUF_SIZE];
		bool bad = wc_report_write(q->fmt, q->f, o, n, q->f == out && color_wanted(out), why) != 0;
		if (q->f != out)
			bad |= fclose(q->f) != 0;
		q->f = NULL;
		if (bad && rc == 0)
			rc = wc_err(errbuf, "%s: cannot write the report %s", cmd, q->path);
	}
	return rc;
}

void wc_report_reqs_close(struct wc_report_reqs *r, FILE *out)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].f && r->v[i].f != out)
			fclose(r->v[i].f);
		r->v[i].f = NULL;
	}
}
