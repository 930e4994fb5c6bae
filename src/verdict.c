/* verdict.c — run a scenario's expectations against the views and decide the outcome
 * (verdict.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verdict.h"

static double monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "client and server" — the roles given, for a message about a missing one. */
static void roles_given(const struct wc_view *views, size_t n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
		                         views[i].role[0] ? views[i].role : "untagged");
}

/* The view an expectation judges; NULL (with r's reason set) when it was not given. */
static const struct wc_view *judged_view(const struct wc_view *views, size_t n, const char *vantage,
                                         struct wc_result *r)
{
	/* a lone untagged capture is all the student has: it stands for every vantage */
	if (!vantage[0] || (n == 1 && !views[0].role[0]))
		return &views[0];
	const struct wc_view *v = wc_view_find(views, n, vantage);
	if (!v) {
		char given[160];
		roles_given(views, n, given, sizeof given);
		wc_result_reason(r,
		                 "this expectation judges the capture taken at the %s, but no capture was tagged "
		                 "%s= (captures given: %s)",
		                 vantage, vantage, given);
	}
	return v;
}

static void missing_placeholder(struct wc_result *r, const struct wc_placeholders *ph, const char *name)
{
	const struct wc_placeholder *p = wc_placeholder_find(ph, name);
	wc_result_reason(r, "this expectation uses {%s}, which is unknown: %s; give it with --set %s=…", name,
	                 p ? p->why : "it was never set", name);
}

/* The views with v first and the rest after it in their order: a check judges views[0]. */
static void order_views(const struct wc_view *views, size_t n, const struct wc_view *v, struct wc_view *out)
{
	out[0] = *v;
	for (size_t i = 0, k = 1; i < n; i++)
		if (&views[i] != v)
			out[k++] = views[i];
}

static void run_one(const struct wc_expect *e, const struct wc_view *views, size_t n,
                    const struct wc_placeholders *ph, json_object *ph_json, const struct wc_run_record *run,
                    struct wc_view *ordered, struct wc_result *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->check, sizeof r->check, "%s", e->def->name);
	wc_placeholders_text(ph, e->label, r->label, sizeof r->label);
	snprintf(r->path, sizeof r->path, "%s", e->path);
	r->points_max = e->points;
	r->verdict = WC_INCONCLUSIVE;

	const struct wc_view *v = judged_view(views, n, e->vantage, r);
	if (!v)
		return;
	snprintf(r->vantage, sizeof r->vantage, "%s", v->role);
	const char *missing = NULL;
	json_object *args = wc_placeholders_fill(ph, e->args, e->def->args, &missing);
	if (!args) {
		if (missing)
			missing_placeholder(r, ph, missing);
		else
			wc_result_reason(r, "out of memory while filling the placeholders of this expectation");
		return;
	}
	order_views(views, n, v, ordered);
	/* the lone untagged capture answers to the vantage asked, also for a check that
	 * looks its view up by role */
	bool stand_in = n == 1 && !v->role[0] && e->vantage[0];
	if (stand_in)
		snprintf(ordered[0].role, sizeof ordered[0].role, "%s", e->vantage);
	struct wc_check_ctx ctx = {
		.views = ordered,
		.view_count = n,
		.run = run,
		.placeholders = ph_json,
	};
	e->def->run(&ctx, args, r);
	json_object_put(args);
	/* what the scenario promised, whatever the check wrote */
	r->points_max = e->points;
	r->points = r->verdict == WC_PASS ? e->points : 0;
	if (stand_in)
		r->vantage[0] = '\0';
	if (!r->filter[0] && r->frame_count)
		wc_result_filter_frames(r);
}

static void capture_facts(const struct wc_view *views, size_t n, struct wc_capture_fact *out)
{
	for (size_t i = 0; i < n; i++) {
		struct wc_capture_fact *c = &out[i];
		memset(c, 0, sizeof *c);
		snprintf(c->role, sizeof c->role, "%s", views[i].role);
		c->path = views[i].path;
		c->frames = views[i].frame_count;
		c->broken = views[i].a.container_broken;
		if (c->broken)
			snprintf(c->detail, sizeof c->detail, "%s", views[i].a.container_detail);
	}
}

void wc_outcome_tally(struct wc_outcome *o)
{
	o->passed = o->failed = o->inconclusive = 0;
	o->points = o->points_max = 0;
	for (size_t i = 0; i < o->count; i++) {
		const struct wc_result *r = &o->results[i];
		o->passed += r->verdict == WC_PASS;
		o->failed += r->verdict == WC_FAIL;
		o->inconclusive += r->verdict == WC_INCONCLUSIVE;
		o->points += r->points;
		o->points_max += r->points_max;
	}
	o->why[0] = '\0';
	for (size_t i = 0; i < o->capture_count; i++) {
		const struct wc_capture_fact *c = &o->captures[i];
		if (c->broken) {
			o->verdict = WC_INCONCLUSIVE;
			snprintf(o->why, sizeof o->why, "the capture %s breaks off after frame %llu (%s), so it cannot be judged",
			         c->path, (unsigned long long)c->frames, c->detail);
			return;
		}
	}
	for (size_t i = 0; i < o->count; i++) {
		const struct wc_result *r = &o->results[i];
		if (strcmp(r->check, "capture.health") == 0 && r->verdict != WC_PASS) {
			o->verdict = WC_INCONCLUSIVE;
			snprintf(o->why, sizeof o->why, "the capture itself cannot be judged (%s): %s", r->path, r->reason);
			return;
		}
	}
	if (o->failed) {
		o->verdict = WC_FAIL;
	} else if (o->inconclusive) {
		o->verdict = WC_INCONCLUSIVE;
		snprintf(o->why, sizeof o->why, "%zu of %zu checks could not be decided from the capture", o->inconclusive,
		         o->count);
	} else {
		o->verdict = WC_PASS;
	}
}

int wc_verdict_run(const struct wc_scenario *s, const struct wc_view *views, size_t view_count,
                   const struct wc_placeholders *ph, const struct wc_run_record *run, struct wc_outcome *out,
                   char *errbuf)
{
	memset(out, 0, sizeof *out);
	if (view_count == 0)
		return wc_err(errbuf, "%s: no capture to judge", s->file);
	out->name = s->name ? s->name : s->file;
	out->summary = s->summary;
	out->file = s->file;
	out->placeholders = *ph;
	out->started = time(NULL);
	out->run = run;
	out->captures = calloc(view_count, sizeof *out->captures);
	out->results = calloc(s->expect_count ? s->expect_count : 1, sizeof *out->results);
	out->seconds = calloc(s->expect_count ? s->expect_count : 1, sizeof *out->seconds);
	struct wc_view *ordered = calloc(view_count, sizeof *ordered);
	json_object *ph_json = wc_placeholders_json(ph);
	if (!out->captures || !out->results || !out->seconds || !ordered || !ph_json) {
		free(ordered);
		json_object_put(ph_json);
		wc_outcome_free(out);
		return wc_err(errbuf, "%s: out of memory", s->file);
	}
	out->capture_count = view_count;
	capture_facts(views, view_count, out->captures);
	for (size_t i = 0; i < s->expect_count; i++) {
		double t0 = monotonic_s();
		run_one(&s->expect[i], views, view_count, ph, ph_json, run, ordered, &out->results[i]);
		out->seconds[i] = monotonic_s() - t0;
		out->elapsed += out->seconds[i];
	}
	out->count = s->expect_count;
	free(ordered);
	json_object_put(ph_json);
	wc_outcome_tally(out);
	return 0;
}

void wc_outcome_free(struct wc_outcome *o)
{
	free(o->captures);
	free(o->results);
	free(o->seconds);
	memset(o, 0, sizeof *o);
}

int wc_verdict_exit_status(enum wc_verdict v)
{
	switch (v) {
	case WC_PASS: return 0;
	case WC_FAIL: return 1;
	case WC_INCONCLUSIVE: return 3;
	}
	return 3;
}

enum wc_verdict wc_verdict_combine(const struct wc_outcome *o, size_t n)
{
	enum wc_verdict v = WC_PASS;
	for (size_t i = 0; i < n; i++) {
		if (o[i].verdict == WC_FAIL)
			return WC_FAIL;
		if (o[i].verdict == WC_INCONCLUSIVE)
			v = WC_INCONCLUSIVE;
	}
	return v;
}
