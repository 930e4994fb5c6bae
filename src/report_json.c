/* report_json.c — the outcome of a check run for machines (report.h, doc/report-json.md). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include "jsonw.h"
#include "checks_proc.h"
#include "report.h"
#include "runrec.h"

#define REPORT_VERSION 1

static void k_str(struct wc_jsonw *w, const char *key, const char *s)
{
	wc_jsonw_key(w, key);
	wc_jsonw_string(w, s);
}

/* A string member that is null when empty: "no filter" is not the filter "". */
static void k_str_or_null(struct wc_jsonw *w, const char *key, const char *s)
{
	wc_jsonw_key(w, key);
	if (s && *s)
		wc_jsonw_string(w, s);
	else
		wc_jsonw_null(w);
}

static void k_uint(struct wc_jsonw *w, const char *key, uint64_t v)
{
	wc_jsonw_key(w, key);
	wc_jsonw_uint(w, v);
}

static void k_bool(struct wc_jsonw *w, const char *key, bool v)
{
	wc_jsonw_key(w, key);
	wc_jsonw_bool(w, v);
}

enum num_style { POINTS, SECONDS };

/* Points as people write them (2, 0.5); seconds to the microsecond. */
static void k_num(struct wc_jsonw *w, const char *key, enum num_style style, double v)
{
	char buf[40];
	wc_jsonw_key(w, key);
	if (!isfinite(v)) {
		wc_jsonw_null(w);
		return;
	}
	if (style == POINTS)
		snprintf(buf, sizeof buf, "%.10g", v);
	else
		snprintf(buf, sizeof buf, "%.6f", v);
	wc_jsonw_number(w, buf);
}

static void k_verdict(struct wc_jsonw *w, enum wc_verdict v)
{
	k_str(w, "verdict", wc_verdict_name(v));
	wc_jsonw_key(w, "exit_status");
	wc_jsonw_int(w, wc_verdict_exit_status(v));
}

static void totals(struct wc_jsonw *w, size_t passed, size_t failed, size_t inconclusive, double pts, double max)
{
	wc_jsonw_key(w, "totals");
	wc_jsonw_begin_object(w);
	k_uint(w, "passed", passed);
	k_uint(w, "failed", failed);
	k_uint(w, "inconclusive", inconclusive);
	k_num(w, "points", POINTS, pts);
	k_num(w, "points_max", POINTS, max);
	wc_jsonw_end_object(w);
}

static void check(struct wc_jsonw *w, const struct wc_result *r, double seconds)
{
	wc_jsonw_begin_object(w);
	k_str(w, "path", r->path);
	k_str(w, "check", r->check);
	k_str(w, "label", r->label);
	k_str(w, "verdict", wc_verdict_name(r->verdict));
	k_num(w, "points", POINTS, r->points);
	k_num(w, "points_max", POINTS, r->points_max);
	k_str(w, "reason", r->reason);
	k_str(w, "vantage", r->vantage);
	wc_jsonw_key(w, "frames");
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < r->frame_count; i++)
		wc_jsonw_uint(w, r->frames[i]);
	wc_jsonw_end_array(w);
	k_bool(w, "frames_more", r->frames_more);
	k_str_or_null(w, "filter", r->filter);
	k_num(w, "seconds", SECONDS, seconds);
	wc_jsonw_end_object(w);
}

static void captures(struct wc_jsonw *w, const struct wc_outcome *o)
{
	wc_jsonw_key(w, "captures");
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < o->capture_count; i++) {
		const struct wc_capture_fact *c = &o->captures[i];
		wc_jsonw_begin_object(w);
		k_str(w, "role", c->role);
		k_str(w, "path", c->path);
		k_uint(w, "frames", c->frames);
		k_bool(w, "broken", c->broken);
		k_str_or_null(w, "broken_detail", c->broken ? c->detail : NULL);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
}

static void placeholders(struct wc_jsonw *w, const struct wc_placeholders *ph)
{
	wc_jsonw_key(w, "placeholders");
	wc_jsonw_begin_object(w);
	for (int i = 0; i < WC_PH__COUNT; i++) {
		const struct wc_placeholder *p = &ph->p[i];
		bool known = p->source != WC_PH_UNKNOWN;
		wc_jsonw_key(w, p->name);
		wc_jsonw_begin_object(w);
		k_str_or_null(w, "value", known ? p->value : NULL);
		k_str(w, "source", wc_ph_source_name(p->source));
		k_str_or_null(w, "why_unknown", known ? NULL : p->why);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_object(w);
}

/* A live run's programs and capture points; null offline. */
static void live_run(struct wc_jsonw *w, const struct wc_run_record *run)
{
	wc_jsonw_key(w, "programs");
	if (!run) {
		wc_jsonw_null(w);
		return;
	}
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < run->role_count; i++) {
		const struct wc_run_role *r = &run->roles[i];
		char ended[512];
		wc_report_program_ended(r, ended, sizeof ended);
		wc_jsonw_begin_object(w);
		k_str(w, "role", r->role);
		k_str(w, "argv0", r->argv0);
		k_bool(w, "started", r->started);
		k_str(w, "ended", ended);
		wc_jsonw_key(w, "exit_status");
		if (r->exited)
			wc_jsonw_uint(w, (uint64_t)r->exit_status);
		else
			wc_jsonw_null(w);
		k_str_or_null(w, "signal", r->exited ? NULL : wc_proc_signame(r->term_signal));
		k_bool(w, "timed_out", r->timed_out);
		k_bool(w, "stopped", r->stopped);
		k_num(w, "wall_seconds", SECONDS, r->wall_secs);
		wc_jsonw_key(w, "zombies");
		if (r->zombies >= 0)
			wc_jsonw_uint(w, (uint64_t)r->zombies);
		else
			wc_jsonw_null(w);
		k_bool(w, "traced", r->traced);
		k_str_or_null(w, "note", r->note);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	wc_jsonw_key(w, "capture_points");
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < run->cap_count; i++) {
		const struct wc_run_capture *c = &run->caps[i];
		wc_jsonw_begin_object(w);
		k_str(w, "role", c->tag);
		k_uint(w, "received", c->cap.received);
		k_uint(w, "dropped", c->cap.dropped);
		k_uint(w, "written", c->cap.written);
		k_bool(w, "conclusive", c->cap.conclusive);
		k_str_or_null(w, "reason", c->cap.reason);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
}

static void scenario(struct wc_jsonw *w, const struct wc_outcome *o)
{
	char when[32];
	struct tm tm;
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&o->started, &tm));
	wc_jsonw_begin_object(w);
	k_str(w, "name", o->name);
	k_str_or_null(w, "summary", o->summary);
	k_str_or_null(w, "file", o->file);
	wc_jsonw_key(w, "variant");
	if (o->variant) {
		wc_jsonw_begin_object(w);
		k_str(w, "name", o->variant);
		k_str_or_null(w, "summary", o->variant_summary);
		wc_jsonw_end_object(w);
	} else {
		wc_jsonw_null(w);
	}
	k_verdict(w, o->verdict);
	k_str_or_null(w, "why", o->why);
	k_str(w, "started", when);
	k_num(w, "seconds", SECONDS, o->elapsed);
	captures(w, o);
	live_run(w, o->run);
	placeholders(w, &o->placeholders);
	totals(w, o->passed, o->failed, o->inconclusive, o->points, o->points_max);
	wc_jsonw_key(w, "checks");
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < o->count; i++)
		check(w, &o->results[i], o->seconds ? o->seconds[i] : 0);
	wc_jsonw_end_array(w);
	wc_jsonw_end_object(w);
}

int wc_report_json(FILE *out, const struct wc_outcome *o, size_t n, char *errbuf)
{
	struct wc_jsonw w;
	size_t passed = 0, failed = 0, inconclusive = 0;
	double pts = 0, max = 0;
	for (size_t i = 0; i < n; i++) {
		passed += o[i].passed;
		failed += o[i].failed;
		inconclusive += o[i].inconclusive;
		pts += o[i].points;
		max += o[i].points_max;
	}
	wc_jsonw_init(&w, out);
	wc_jsonw_begin_object(&w);
	k_str(&w, "report", "wirecheck");
	wc_jsonw_key(&w, "version");
	wc_jsonw_int(&w, REPORT_VERSION);
	k_verdict(&w, wc_verdict_combine(o, n));
	totals(&w, passed, failed, inconclusive, pts, max);
	wc_jsonw_key(&w, "scenarios");
	wc_jsonw_begin_array(&w);
	for (size_t i = 0; i < n; i++)
		scenario(&w, &o[i]);
	wc_jsonw_end_array(&w);
	wc_jsonw_end_object(&w);
	int rc = wc_jsonw_finish(&w);
	fputc('\n', out);
	if (rc != 0 || fflush(out) != 0 || ferror(out))
		return wc_err(errbuf, "cannot write the JSON report");
	return 0;
}
