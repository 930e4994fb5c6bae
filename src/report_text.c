/* report_text.c — the outcome of a check run for a person at a terminal (report.h). */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "report.h"
#include "runrec.h"

struct paint {
	bool on;
};

static const char *ansi(const struct paint *p, const char *code)
{
	return p->on ? code : "";
}
#define BOLD(p) ansi(p, "\033[1m")
#define OFF(p) ansi(p, "\033[0m")

static const char *verdict_colour(const struct paint *p, enum wc_verdict v)
{
	switch (v) {
	case WC_PASS: return ansi(p, "\033[1;32m");
	case WC_FAIL: return ansi(p, "\033[1;31m");
	case WC_INCONCLUSIVE: return ansi(p, "\033[1;33m");
	}
	return "";
}

/* "PASS", "FAIL", "INCONCLUSIVE" */
static void verdict_word(FILE *out, const struct paint *p, enum wc_verdict v)
{
	fputs(verdict_colour(p, v), out);
	for (const char *s = wc_verdict_name(v); *s; s++)
		fputc(toupper((unsigned char)*s), out);
	fputs(OFF(p), out);
}

/* Points as a person writes them: 2, 0.5, 1.25. */
static void points(FILE *out, double v)
{
	fprintf(out, "%.10g", v);
}

/* " (frames 1, 2, 3 in the server capture)"; nothing without evidence. */
static void evidence(FILE *out, const struct wc_result *r, bool several_captures)
{
	if (r->frame_count == 0)
		return;
	fputs(r->frame_count == 1 && !r->frames_more ? " (frame " : " (frames ", out);
	for (size_t i = 0; i < r->frame_count; i++)
		fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)r->frames[i]);
	if (r->frames_more)
		fputs(", …", out);
	if (several_captures && r->vantage[0])
		fprintf(out, " in the %s capture", r->vantage);
	fputc(')', out);
}

static void check_lines(FILE *out, const struct paint *p, const struct wc_result *r, bool several_captures)
{
	verdict_word(out, p, r->verdict);
	fprintf(out, " %s%s%s  %s", BOLD(p), r->check, OFF(p), r->label);
	evidence(out, r, several_captures);
	fputs("  ", out);
	points(out, r->points);
	fputc('/', out);
	points(out, r->points_max);
	fputs(" points\n", out);
	if (r->reason[0]) {
		/* a reason of two lines keeps both under its check */
		fputs("    ", out);
		for (const char *c = r->reason; *c; c++) {
			fputc(*c, out);
			if (*c == '\n')
				fputs("    ", out);
		}
		fputc('\n', out);
	}
	if (r->filter[0])
		fprintf(out, "    filter: %s\n", r->filter);
}

static void header(FILE *out, const struct paint *p, const struct wc_outcome *o)
{
	fprintf(out, "%sscenario %s%s", BOLD(p), o->name, OFF(p));
	if (o->summary && *o->summary)
		fprintf(out, ": %s", o->summary);
	fputc('\n', out);
	if (o->file)
		fprintf(out, "  from %s\n", o->file);
	if (o->variant)
		fprintf(out, "  variant %s: %s\n", o->variant, o->variant_summary ? o->variant_summary : "");
	for (size_t i = 0; i < o->capture_count; i++) {
		const struct wc_capture_fact *c = &o->captures[i];
		fprintf(out, "  capture %s%s%s: %llu frame%s", c->role, c->role[0] ? " " : "", c->path,
		        (unsigned long long)c->frames, c->frames == 1 ? "" : "s");
		if (c->broken)
			fprintf(out, ", then it breaks off: %s", c->detail);
		fputc('\n', out);
	}
	if (o->run)
		for (size_t i = 0; i < o->run->role_count; i++) {
			char ended[512];
			wc_report_program_ended(&o->run->roles[i], ended, sizeof ended);
			fprintf(out, "  program %s (%s): %s\n", o->run->roles[i].role, o->run->roles[i].argv0, ended);
		}
	fputs("  placeholders:", out);
	for (int i = 0; i < WC_PH__COUNT; i++) {
		const struct wc_placeholder *ph = &o->placeholders.p[i];
		fprintf(out, "%s %s ", i ? "," : "", ph->name);
		if (ph->source == WC_PH_UNKNOWN)
			fputs("unknown", out);
		else
			fprintf(out, "%s (%s)", ph->value, ph->source == WC_PH_SET   ? "from --set"
			                                 : ph->source == WC_PH_RUN ? "from the run"
			                                                           : "from the capture");
	}
	fputc('\n', out);
}

/* "3 passed, 1 failed, 0 inconclusive — 7/9 points" */
static void summary(FILE *out, size_t passed, size_t failed, size_t inconclusive, double pts, double max)
{
	fprintf(out, "%zu passed, %zu failed, %zu inconclusive — ", passed, failed, inconclusive);
	points(out, pts);
	fputc('/', out);
	points(out, max);
	fputs(" points\n", out);
}

static void scenario(FILE *out, const struct paint *p, const struct wc_outcome *o)
{
	header(out, p, o);
	bool several = o->capture_count > 1;
	for (size_t i = 0; i < o->count; i++)
		check_lines(out, p, &o->results[i], several);
	summary(out, o->passed, o->failed, o->inconclusive, o->points, o->points_max);
	fputs("verdict: ", out);
	verdict_word(out, p, o->verdict);
	if (o->why[0])
		fprintf(out, " — %s", o->why);
	fputc('\n', out);
}

/* One line per scenario, so a run of many ends with what a newcomer reads first:
 * "PASS          tcp-echo  7/7 points  a TCP echo: handshake, …" */
static void overview(FILE *out, const struct paint *p, const struct wc_outcome *o, size_t n)
{
	int width = 0;
	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(o[i].name) + (o[i].variant ? (int)strlen(o[i].variant) + 3 : 0);
		if (len > width)
			width = len;
	}
	fputs("\nsummary:\n", out);
	for (size_t i = 0; i < n; i++) {
		char name[256];
		snprintf(name, sizeof name, "%s%s%s%s", o[i].name, o[i].variant ? " (" : "", o[i].variant ? o[i].variant : "",
		         o[i].variant ? ")" : "");
		fputs("  ", out);
		verdict_word(out, p, o[i].verdict);
		fprintf(out, "%*s%-*s  ", (int)(13 - strlen(wc_verdict_name(o[i].verdict))), "", width, name);
		points(out, o[i].points);
		fputc('/', out);
		points(out, o[i].points_max);
		const char *what = o[i].verdict == WC_INCONCLUSIVE && o[i].why[0] ? o[i].why : o[i].summary;
		fprintf(out, " points%s%s\n", what && *what ? "  " : "", what && *what ? what : "");
	}
}

int wc_report_text(FILE *out, const struct wc_outcome *o, size_t n, bool color, char *errbuf)
{
	struct paint p = {.on = color};
	size_t passed = 0, failed = 0, inconclusive = 0;
	double pts = 0, max = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc('\n', out);
		scenario(out, &p, &o[i]);
		passed += o[i].passed;
		failed += o[i].failed;
		inconclusive += o[i].inconclusive;
		pts += o[i].points;
		max += o[i].points_max;
	}
	if (n > 1) {
		overview(out, &p, o, n);
		fprintf(out, "\n%zu scenarios: ", n);
		summary(out, passed, failed, inconclusive, pts, max);
		fputs("verdict: ", out);
		verdict_word(out, &p, wc_verdict_combine(o, n));
		fputc('\n', out);
	}
	if (fflush(out) != 0 || ferror(out))
		return wc_err(errbuf, "cannot write the text report");
	return 0;
}
