/* check_capture_health.c — capture.health: the capture itself is fit to judge. When it is
 * not, the verdict is INCONCLUSIVE (never FAIL: it is not the student's fault), and the
 * report turns the whole run inconclusive. */
#include "checks_net.h"

#include <stdio.h>
#include <string.h>

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
	const char *drops = ctx->run ? "" : "; kernel drops are not recorded in a capture file, so only a live run can rule them out";
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
	.summary = "the capture is fit to judge: every SYN seen, no snaplen cut, no duplicates, one "
	           "link type or handled, file intact; when not, the run is inconclusive, never failed",
	.args = args,
	.example = "{\"check\": \"capture.health\"}",
	.run = run,
};
