/* check_capture_health.c — capture.health: the capture itself is fit to judge. When it is
 * not, the verdict is INCONCLUSIVE (never FAIL: it is not the student's fault), and the
 * report turns the whole run inconclusive. With the record of the live run that made the
 * capture, the kernel's counts say whether packets were lost before reaching the file. */
#include "checks_net.h"

#include <stdio.h>
#include <string.h>

#include "runrec.h"

static const struct wc_field args[] = {
	{.key = "require_syn", .type = WC_F_BOOL, .default_text = "true",
	 .doc = "every TCP connection's SYN must be in the capture", .example = "false"},
	{.key = "allow_truncated", .type = WC_F_BOOL, .default_text = "false",
	 .doc = "frames cut short by the snapshot length are acceptable", .example = "true"},
	{.key = "allow_duplicates", .type = WC_F_BOOL, .default_text = "false",
	 .doc = "frames captured twice are acceptable", .example = "true"},
	{.key = "duplicate_window", .type = WC_F_NUMBER, .default_text = "0.001", .min = 0, .max = 60,
	 .doc = "seconds within which the same bytes again count as a duplicate capture", .example = "0.01"},
	{.key = NULL},
};

/* Frames the snapshot length cut; *first gets the first of them. */
static size_t cut_frames(const struct wc_view *v, struct wc_result *r, const struct wc_frame_rec **first)
{
	size_t n = 0;
	for (size_t i = 0; i < v->frame_count; i++) {
		const struct wc_frame_rec *f = &v->frames[i];
		if (f->caplen >= f->len && !f->truncated)
			continue;
		if (!n++)
			*first = f;
		wc_result_frame(r, f->number);
	}
	return n;
}

/* Frames whose bytes repeat an earlier frame within window_ns; *first gets the first
 * duplicate and *orig the frame it repeats. */
static size_t dup_frames(const struct wc_view *v, int64_t window_ns, struct wc_result *r,
                         const struct wc_frame_rec **first, const struct wc_frame_rec **orig)
{
	size_t n = 0;
	for (size_t i = 1; i < v->frame_count; i++) {
		const struct wc_frame_rec *f = &v->frames[i];
		for (size_t j = i; j-- > 0 && f->ts_ns - v->frames[j].ts_ns <= window_ns;) {
			const struct wc_frame_rec *g = &v->frames[j];
			if (g->digest != f->digest || g->caplen != f->caplen || g->len != f->len)
				continue;
			if (!n++) {
				*first = f;
				*orig = g;
			}
			wc_result_frame(r, g->number);
			wc_result_frame(r, f->number);
			break;
		}
	}
	return n;
}

static void problem(char *buf, size_t len, const char *text)
{
	wc_net_cat(buf, len, "%s%s", buf[0] ? "; " : "", text);
}

/* The run's capture point that wrote the view: the one tagged as the view, or the only
 * one when either of them is untagged (a lone capture stands for every vantage). */
static const struct wc_run_capture *run_capture(const struct wc_run_record *run, const char *role)
{
	for (size_t i = 0; i < run->cap_count; i++)
		if (strcmp(run->caps[i].tag, role) == 0)
			return &run->caps[i];
	if (run->cap_count == 1 && (!role[0] || !run->caps[0].tag[0]))
		return &run->caps[0];
	return NULL;
}

/* What the kernel's counts say against the capture, as a problem in line; "" when the
 * capture point wrote every packet it received. */
static void run_problem(const struct wc_run_record *run, const struct wc_view *v,
                        const struct wc_run_capture **found, char *line, size_t len)
{
	const struct wc_run_capture *c = *found = run_capture(run, v->role);
	line[0] = '\0';
	if (!c && v->role[0])
		snprintf(line, len, "the run recorded no capture point tagged %s, so nothing says whether the kernel "
		         "dropped packets of this capture", v->role);
	else if (!c)
		snprintf(line, len, "the run recorded %zu capture points and this capture is untagged, so nothing says "
		         "which one's kernel counts apply: tag it", run->cap_count);
	else if (c->cap.conclusive)
		return;
	else if (c->cap.reason[0])
		snprintf(line, len, "%s", c->cap.reason);
	else if (c->cap.dropped)
		snprintf(line, len, "the kernel dropped %llu of %llu packets", (unsigned long long)c->cap.dropped,
		         (unsigned long long)c->cap.received);
	else
		snprintf(line, len, "%llu packets passed the filter but %llu were written",
		         (unsigned long long)c->cap.received, (unsigned long long)c->cap.written);
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_view *v = wc_net_view(ctx, a, r);
	if (!v)
		return;
	char probs[sizeof r->reason] = "", line[sizeof r->reason];
	if (v->frame_count == 0) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "the capture holds no frames, so there is nothing to judge");
		return;
	}
	const struct wc_run_capture *live = NULL;
	if (ctx->run) {
		run_problem(ctx->run, v, &live, line, sizeof line);
		if (line[0])
			problem(probs, sizeof probs, line);
	}
	if (v->a.container_broken) {
		snprintf(line, sizeof line, "the file breaks off after frame %llu (%s): what followed is lost",
		         (unsigned long long)v->frames[v->frame_count - 1].number, v->a.container_detail);
		problem(probs, sizeof probs, line);
	}
	uint64_t unlinked = v->a.stats.anomalies[WC_ANOM_LINK_UNSUPPORTED];
	if (unlinked) {
		snprintf(line, sizeof line, "%llu frame%s of a link type wirecheck cannot decode",
		         (unsigned long long)unlinked, unlinked == 1 ? " is" : "s are");
		problem(probs, sizeof probs, line);
	}
	const struct wc_frame_rec *first = NULL, *orig = NULL;
	size_t n;
	if (!wc_schema_bool(a, "allow_truncated", false) && (n = cut_frames(v, r, &first))) {
		snprintf(line, sizeof line, "the snapshot length cut %zu frame%s short (frame %llu kept %u of %u bytes)", n,
		         n == 1 ? "" : "s", (unsigned long long)first->number, first->caplen, first->len);
		problem(probs, sizeof probs, line);
	}
	int64_t window = (int64_t)(wc_schema_num(a, "duplicate_window", 0.001) * 1e9);
	if (!wc_schema_bool(a, "allow_duplicates", false) && (n = dup_frames(v, window, r, &first, &orig))) {
		snprintf(line, sizeof line, "%zu frame%s captured twice (frame %llu repeats frame %llu byte for byte, "
		         "%.6f s later)", n, n == 1 ? " was" : "s were", (unsigned long long)first->number,
		         (unsigned long long)orig->number, (double)(first->ts_ns - orig->ts_ns) / 1e9);
		problem(probs, sizeof probs, line);
	}
	if (wc_schema_bool(a, "require_syn", true)) {
		n = 0;
		const struct wc_tcp_conn *c0 = NULL;
		for (size_t i = 0; i < v->tcp_count; i++)
			if (!v->tcp[i].syn_frame) {
				if (!n++)
					c0 = &v->tcp[i];
				wc_result_frame(r, v->tcp[i].first_frame);
			}
		if (n) {
			snprintf(line, sizeof line, "the SYN of %zu TCP connection%s was not captured (tcp.stream %u starts at "
			         "frame %llu): the capture started after %s opened", n, n == 1 ? "" : "s", c0->id,
			         (unsigned long long)c0->first_frame, n == 1 ? "it was" : "they were");
			problem(probs, sizeof probs, line);
		}
	}
	char drops[96] = "; kernel drops are not recorded in a capture file, so only a live run can rule them out";
	if (live)
		snprintf(drops, sizeof drops, "; the kernel dropped none of %llu packets, all written",
		         (unsigned long long)live->cap.received);
	if (probs[0]) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "the capture is not fit to judge: %s", probs);
	} else {
		r->verdict = WC_PASS;
		wc_result_reason(r, "the capture is fit to judge: %zu frames, %d link type%s, no frame cut short or "
		                 "captured twice, every TCP connection's SYN seen%s", v->frame_count, v->a.linktype_count,
		                 v->a.linktype_count == 1 ? "" : "s (each decoded)", drops);
	}
	wc_result_filter_frames(r);
}

const struct wc_check_def wc_check_capture_health = {
	.name = "capture.health",
	.summary = "the capture is fit to judge (file intact, every SYN seen, nothing cut short, "
	           "duplicated or dropped); if not, the run is inconclusive",
	.args = args,
	.example = "{\"check\": \"capture.health\"}",
	.run = run,
};
