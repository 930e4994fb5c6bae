/* check_tcp_segments.c — what TCP did with the bytes: tcp.segments (application writes
 * against data segments: coalescing and splitting) and tcp.retransmissions (how many,
 * which direction, inside a time window, and with two captures how many never arrived). */
#include "checks_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WRITES 256

struct writes {
	size_t n;
	uint64_t size[MAX_WRITES];
	uint64_t total;
};

/* The sizes of the application's writes: 1 to MAX_WRITES byte counts. */
static int check_writes(json_object *v, const char *file, const char *path, char *errbuf)
{
	bool ok = json_object_is_type(v, json_type_array) && json_object_array_length(v) > 0 &&
	          json_object_array_length(v) <= MAX_WRITES;
	for (size_t i = 0; ok && i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		ok = json_object_is_type(e, json_type_int) && json_object_get_int64(e) > 0;
	}
	if (ok)
		return 0;
	return wc_schema_err(errbuf, file, path, "expected an array of 1 to %d byte counts, each at least 1, got %s",
	                     MAX_WRITES, json_object_to_json_string(v));
}

static const struct wc_field segments_args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "direction", .type = WC_F_STRING, .default_text = "\"client_to_server\"", .enum_values = wc_tcp_dir_values,
	 .doc = "which direction's data segments are judged",
	 .example = "\"client_to_server\""},
	{.key = "writes", .type = WC_F_ANY, .check = check_writes, .type_doc = "array of numbers",
	 .doc = "the sizes of the application's writes, in order (an array of byte counts)",
	 .example = "[100, 100, 100]"},
	{.key = "segments", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "data segments (retransmissions not counted)",
	 .example = "1"},
	{.key = "coalesced", .type = WC_F_BOOL,
	 .doc = "true: some segment carries bytes of more than one write (needs writes); false: none does",
	 .example = "true"},
	{.key = "split", .type = WC_F_BOOL,
	 .doc = "true: some write is spread over more than one segment (needs writes); false: none is",
	 .example = "false"},
	{.key = NULL},
};

static const struct wc_field retx_args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "direction", .type = WC_F_STRING, .default_text = "\"both\"", .enum_values = wc_tcp_dir_values_both,
	 .doc = "whose retransmissions are counted",
	 .example = "\"client_to_server\""},
	{.key = "count", .type = WC_F_COUNT, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "retransmitted segments (SYN and FIN included, as Wireshark's tcp.analysis.retransmission)",
	 .example = "{\"min\": 1}"},
	{.key = "from", .type = WC_F_NUMBER, .default_text = "0", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "window start, seconds after the capture's first frame",
	 .example = "1.5"},
	{.key = "to", .type = WC_F_NUMBER, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "window end, seconds after the capture's first frame",
	 .example = "10"},
	{.key = "lost", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "segments (data, SYN or FIN) this expectation's capture shows sent that the receiver's capture "
	 "never shows arriving, inside the window: needs both captures",
	 .example = "{\"min\": 1}"},
	{.key = "receiver", .type = WC_F_STRING, .default_text = "\"server\"",
	 .doc = "tag of the capture taken where the segments should arrive, for lost",
	 .example = "\"server\""},
	{.key = NULL},
};

static void get_writes(json_object *a, struct writes *w)
{
	json_object *v;
	memset(w, 0, sizeof *w);
	if (!json_object_object_get_ex(a, "writes", &v))
		return;
	for (size_t i = 0; i < json_object_array_length(v) && i < MAX_WRITES; i++) {
		w->size[w->n] = (uint64_t)json_object_get_int64(json_object_array_get_idx(v, i));
		w->total += w->size[w->n++];
	}
}

static bool is_data(const struct wc_segment *s, int side)
{
	return s->dir == side && s->len && !(s->note & WC_TN_RETRANSMISSION) && !(s->flags & WC_TH_RST);
}

/* "3 writes of 100 bytes" / "2 writes (10, 20 bytes)" */
static size_t say_writes(char *buf, size_t len, const struct writes *w)
{
	bool same = true;
	for (size_t i = 1; i < w->n; i++)
		same = same && w->size[i] == w->size[0];
	if (same)
		return (size_t)snprintf(buf, len, "%zu write%s of %llu bytes", w->n, w->n > 1 ? "s" : "",
		                        (unsigned long long)w->size[0]);
	size_t at = (size_t)snprintf(buf, len, "%zu writes (", w->n);
	for (size_t i = 0; i < w->n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%llu", i ? ", " : "", (unsigned long long)w->size[i]);
	if (at < len)
		at += (size_t)snprintf(buf + at, len - at, " bytes)");
	return at;
}

/* "1 segment of 300 bytes in frame 5" / "2 segments: 100 bytes in frame 4, 200 bytes in frame 6" */
static size_t say_segments(char *buf, size_t len, const struct wc_tcp_conn *c, int side, size_t nseg)
{
	size_t at, k = 0;
	if (nseg == 0)
		return (size_t)snprintf(buf, len, "no data segment");
	if (nseg == 1) {
		for (size_t i = 0; i < c->seg_count; i++)
			if (is_data(&c->segs[i], side))
				return (size_t)snprintf(buf, len, "1 segment of %u bytes in frame %llu", c->segs[i].len,
				                        (unsigned long long)c->segs[i].frame);
	}
	at = (size_t)snprintf(buf, len, "%zu segments:", nseg);
	for (size_t i = 0; i < c->seg_count && at < len; i++) {
		if (!is_data(&c->segs[i], side))
			continue;
		if (k++ == 6) {
			at += (size_t)snprintf(buf + at, len - at, ", …");
			break;
		}
		at += (size_t)snprintf(buf + at, len - at, "%s %u bytes in frame %llu", k > 1 ? "," : "", c->segs[i].len,
		                       (unsigned long long)c->segs[i].frame);
	}
	return at;
}

/* Whether a segment spans a write boundary (coalesced) and a write spans a segment
 * boundary (split), walking both lists of byte offsets. */
static void boundaries(const struct wc_tcp_conn *c, int side, const struct writes *w, bool *coalesced, bool *split)
{
	*coalesced = *split = false;
	uint64_t seg_start = 0;
	for (size_t i = 0; i < c->seg_count; i++) {
		if (!is_data(&c->segs[i], side))
			continue;
		uint64_t seg_end = seg_start + c->segs[i].len, wb = 0;
		for (size_t j = 0; j + 1 < w->n; j++) {
			wb += w->size[j];
			if (wb > seg_start && wb < seg_end)
				*coalesced = true;
		}
		wb = 0;
		for (size_t j = 0; j < w->n; j++) {
			uint64_t ws = wb;
			wb += w->size[j];
			if (seg_end > ws && seg_end < wb)
				*split = true;
		}
		seg_start = seg_end;
	}
}

static bool segments_one(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, json_object *a,
                         const struct writes *w, struct wc_result *r, char *desc, size_t dlen)
{
	const char *dir = wc_schema_str(a, "direction", "client_to_server");
	int side = wc_tcp_dir_side(sel, c, dir);
	size_t nseg = 0;
	uint64_t bytes = 0;
	for (size_t i = 0; i < c->seg_count; i++)
		if (is_data(&c->segs[i], side)) {
			nseg++;
			bytes += c->segs[i].len;
			wc_tcp_evidence(r, c->segs[i].frame);
		}
	size_t at = 0;
	if (w->n) {
		at = say_writes(desc, dlen, w);
		at += (size_t)snprintf(desc + at, dlen - at, " arrived as ");
	} else {
		at = (size_t)snprintf(desc, dlen, "the %s data arrived in ", wc_tcp_dir_words(dir));
	}
	if (at < dlen)
		at += say_segments(desc + at, dlen - at, c, side, nseg);
	bool co = false, sp = false;
	if (w->n && bytes != w->total) {
		wc_tcp_verdict(r, WC_FAIL, "the writes total %llu bytes but %llu arrived: %s",
		               (unsigned long long)w->total, (unsigned long long)bytes, desc);
		return false;
	}
	if (w->n) {
		boundaries(c, side, w, &co, &sp);
		if (at < dlen)
			snprintf(desc + at, dlen - at, "%s", co && sp ? " (coalesced and split)" : co ? " (coalesced)" :
			         sp ? " (split)" : " (one segment per write)");
	}
	json_object *v;
	if (json_object_object_get_ex(a, "segments", &v)) {
		struct wc_count want;
		char cs[48];
		wc_count_get(v, &want);
		if (!wc_count_ok(&want, (int64_t)nseg)) {
			wc_tcp_verdict(r, WC_FAIL, "expected %s data segment(s), but %s", wc_count_str(&want, cs, sizeof cs), desc);
			return false;
		}
	}
	static const char *const keys[] = {"coalesced", "split"};
	bool seen[] = {co, sp};
	for (int k = 0; k < 2; k++) {
		if (!json_object_object_get_ex(a, keys[k], &v))
			continue;
		if (!w->n) {
			wc_tcp_verdict(r, WC_INCONCLUSIVE, "\"%s\" needs the sizes of the writes (\"writes\") to compare with: %s",
			               keys[k], desc);
			return false;
		}
		if (json_object_get_boolean(v) != seen[k]) {
			wc_tcp_verdict(r, WC_FAIL, "expected the writes %sto be %s, but %s", seen[k] ? "not " : "", keys[k], desc);
			return false;
		}
	}
	return true;
}

static void run_segments(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	struct writes w;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	get_writes(a, &w);
	size_t *idx, n = wc_tcp_sel_list_attempted(&sel, &idx);
	char desc[400] = "";
	if (n == 0)
		wc_tcp_none_captured(&sel, r);
	for (size_t i = 0; i < n; i++)
		if (!segments_one(&sel, &sel.v->tcp[idx[i]], a, &w, r, desc, sizeof desc))
			goto out;
	if (n == 1)
		wc_tcp_verdict(r, WC_PASS, "%s", desc);
	else if (n > 1)
		wc_tcp_verdict(r, WC_PASS, "all %zu connections%s as expected; in the last, %s", n, sel.where, desc);
out:
	wc_result_filter_frames(r);
	free(idx);
}

/* With two captures: the segments sent that never arrived. Sets the verdict from both
 * counts (said: the retransmission sentence). False when it cannot be judged (no
 * receiver's capture): r is then INCONCLUSIVE with its reason and filter. */
static bool judge_lost(const struct wc_check_ctx *ctx, const struct wc_tcp_sel *sel, const size_t *idx, size_t n,
                       json_object *a, json_object *lv, double from, double to, bool retx_ok, const char *said,
                       struct wc_result *r)
{
	const char *tag = wc_schema_str(a, "receiver", "server");
	const struct wc_view *rv = wc_view_find(ctx->views, ctx->view_count, tag);
	if (!rv || rv == sel->v) {
		wc_tcp_verdict(r, WC_INCONCLUSIVE,
		               "counting segments lost on the way needs the receiver's capture too, tagged \"%s\" "
		               "(check %s=FILE); only the sender's capture was given", tag, tag);
		wc_result_filter_frames(r);
		return false;
	}
	const char *dir = wc_schema_str(a, "direction", "both");
	struct wc_result gone = {0}; /* the lost segments' frames, apart from the retransmissions */
	size_t lost = 0;
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel->v->tcp[idx[i]];
		for (int s = 0; s < 2; s++)
			if (strcmp(dir, "both") == 0 || s == wc_tcp_dir_side(sel, c, dir))
				lost += wc_tcp_lost_segments(sel->v, rv, c, s, from, to, &gone);
	}
	for (size_t i = 0; i < gone.frame_count; i++)
		wc_tcp_evidence(r, gone.frames[i]);
	struct wc_count want;
	wc_count_get(lv, &want);
	bool ok = wc_count_ok(&want, (int64_t)lost);
	char cs[48], list[160] = "";
	wc_tcp_frame_list(list, sizeof list, gone.frames, gone.frame_count, 10);
	if (lost > gone.frame_count && strlen(list) + 4 < sizeof list)
		strcat(list, ", …");
	const char *side = sel->v->role[0] ? sel->v->role : "sender";
	if (lost)
		wc_tcp_verdict(r, retx_ok && ok ? WC_PASS : WC_FAIL,
		               "%s; %zu segment%s sent (%s frames %s) never arrived (%s capture); expected %s lost",
		               said, lost, lost > 1 ? "s" : "", side, list, tag, wc_count_str(&want, cs, sizeof cs));
	else
		wc_tcp_verdict(r, retx_ok && ok ? WC_PASS : WC_FAIL,
		               "%s; every segment the %s capture shows sent arrived (%s capture); expected %s lost",
		               said, side, tag, wc_count_str(&want, cs, sizeof cs));
	return true;
}

static void run_retx(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	const char *dir = wc_schema_str(a, "direction", "both");
	double from = wc_schema_num(a, "from", 0), to = wc_schema_num(a, "to", -1);
	size_t *idx, n = wc_tcp_sel_list(&sel, &idx), found = 0;
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		for (size_t j = 0; j < c->seg_count; j++) {
			const struct wc_segment *s = &c->segs[j];
			double t = wc_view_secs(sel.v, s->ts_ns);
			if (!(s->note & WC_TN_RETRANSMISSION) || t < from || (to >= 0 && t > to))
				continue;
			if (strcmp(dir, "both") != 0 && s->dir != wc_tcp_dir_side(&sel, c, dir))
				continue;
			found++;
			wc_tcp_evidence(r, s->frame);
		}
	}
	char span[64] = "", who[32] = "", cs[48], list[160] = "";
	if (to >= 0)
		snprintf(span, sizeof span, " between %.1f s and %.1f s", from, to);
	else if (from > 0)
		snprintf(span, sizeof span, " after %.1f s", from);
	if (strcmp(dir, "both") != 0)
		snprintf(who, sizeof who, " from the %s", strcmp(dir, "client_to_server") == 0 ? "client" : "server");
	struct wc_count want;
	json_object *cv = NULL;
	json_object_object_get_ex(a, "count", &cv);
	wc_count_get(cv, &want);
	wc_tcp_frame_list(list, sizeof list, r->frames, r->frame_count, 10);
	if (found > r->frame_count && strlen(list) + 4 < sizeof list)
		strcat(list, ", …");
	bool ok = wc_count_ok(&want, (int64_t)found);
	char said[360];
	if (found)
		snprintf(said, sizeof said, "%zu retransmission%s%s%s%s (frames %s); expected %s", found,
		         found > 1 ? "s" : "", who, sel.where, span, list, wc_count_str(&want, cs, sizeof cs));
	else
		snprintf(said, sizeof said, "no retransmission%s%s%s; expected %s", who, sel.where, span,
		         wc_count_str(&want, cs, sizeof cs));
	json_object *lv = NULL;
	if (json_object_object_get_ex(a, "lost", &lv) &&
	    !judge_lost(ctx, &sel, idx, n, a, lv, from, to, ok, said, r)) {
		free(idx);
		return;
	}
	if (!lv)
		wc_tcp_verdict(r, ok ? WC_PASS : WC_FAIL, "%s", said);
	if (lv) { /* lost segments are no retransmissions: cite the frames themselves */
		wc_result_filter_frames(r);
		free(idx);
		return;
	}
	int at = snprintf(r->filter, sizeof r->filter, "tcp.analysis.retransmission");
	if (sel.has_port && at > 0)
		at += snprintf(r->filter + at, sizeof r->filter - (size_t)at, " && tcp.port == %u", (unsigned)sel.port);
	if (from > 0 && at > 0)
		at += snprintf(r->filter + at, sizeof r->filter - (size_t)at, " && frame.time_relative >= %g", from);
	if (to >= 0 && at > 0)
		snprintf(r->filter + at, sizeof r->filter - (size_t)at, " && frame.time_relative <= %g", to);
	free(idx);
}

const struct wc_check_def wc_check_tcp_segments = {
	.name = "tcp.segments",
	.summary = "application writes are not message boundaries: data segments against the writes",
	.args = segments_args,
	.example = "{\"check\": \"tcp.segments\", \"port\": \"{port}\", \"writes\": [100, 100, 100], \"coalesced\": true}",
	.run = run_segments,
};

const struct wc_check_def wc_check_tcp_retransmissions = {
	.name = "tcp.retransmissions",
	.summary = "retransmitted segments: how many, whose, inside a time window",
	.args = retx_args,
	.example = "{\"check\": \"tcp.retransmissions\", \"port\": \"{port}\", \"count\": {\"min\": 1}, \"from\": 2, \"to\": 6}",
	.run = run_retx,
};
