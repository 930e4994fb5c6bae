/* check_tcp_teardown.c — how connections end: tcp.teardown (FINs, who closes first,
 * TIME_WAIT, half-close) and tcp.reset (RSTs: who sent them and after what). */
#include "checks_tcp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const close_values[] = {"graceful", "reset", NULL};
static const char *const tw_values[] = {"client", "server", "both", "none", NULL};
static const char *const after_values[] = {"in_handshake", "in_data", "unread_data", "after_fin", "no_connection", NULL};

static const struct wc_field teardown_args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "close", .type = WC_F_STRING, .enum_values = close_values,
	 .doc = "graceful: FIN both ways and no RST; reset: a RST ended it",
	 .example = "\"graceful\""},
	{.key = "first_closer", .type = WC_F_STRING, .enum_values = wc_tcp_role_values,
	 .doc = "the role that sends the first FIN (or RST)",
	 .example = "\"client\""},
	{.key = "time_wait", .type = WC_F_STRING, .enum_values = tw_values,
	 .doc = "the side left in TIME_WAIT (\"both\": simultaneous close)",
	 .example = "\"client\""},
	{.key = "half_close", .type = WC_F_BOOL,
	 .doc = "true: the other side still sent data after the first FIN (shutdown(SHUT_WR)); false: it did not",
	 .example = "true"},
	{.key = NULL},
};

static const struct wc_field reset_args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "count", .type = WC_F_COUNT, .default_text = "{\"min\": 1}", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "connections ended by a RST (a refused SYN is tcp.refused's, not counted here)",
	 .example = "1"},
	{.key = "sender", .type = WC_F_STRING, .enum_values = wc_tcp_role_values,
	 .doc = "the role that sends the RST",
	 .example = "\"server\""},
	{.key = "after", .type = WC_F_STRING, .enum_values = after_values,
	 .doc = "what the RST followed: in_handshake; in_data (the sender's own data: an abort such as "
	 "SO_LINGER 0); unread_data (the sender received data and never answered: close() with the request "
	 "unread); after_fin (the sender had closed and data still came, or the peer had closed); no_connection",
	 .example = "\"unread_data\""},
	{.key = NULL},
};

static const char *context_words(enum wc_rst_context x)
{
	switch (x) {
	case WC_RST_REFUSED: return "in answer to a SYN: nothing was listening";
	case WC_RST_IN_HANDSHAKE: return "during the handshake";
	case WC_RST_IN_DATA: return "in the middle of the connection";
	case WC_RST_UNREAD_DATA: return "closing with data it had not read";
	case WC_RST_AFTER_FIN: return "after a FIN";
	case WC_RST_NO_CONNECTION: return "on a connection whose start the capture never saw";
	case WC_RST_NONE: break;
	}
	return "for no reason the capture shows";
}

static uint64_t first_close_frame(const struct wc_tcp_side *s)
{
	if (s->fin_frame && (!s->rst_frame || s->fin_frame < s->rst_frame))
		return s->fin_frame;
	return s->rst_frame;
}

static const char *tw_name(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c)
{
	if (c->time_wait_side < 0)
		return "none";
	if (c->time_wait_side > 1)
		return "both";
	return wc_tcp_role_of(sel, c, c->time_wait_side);
}

/* Frame in which side s entered TIME_WAIT, 0 if it never did. */
static uint64_t tw_frame(const struct wc_tcp_side *s)
{
	for (unsigned i = 0; i < s->step_count; i++)
		if (s->steps[i].state == WC_TS_TIME_WAIT)
			return s->steps[i].frame;
	return 0;
}

/* First data segment from side s after frame `after`. */
static uint64_t data_after(const struct wc_tcp_conn *c, int s, uint64_t after)
{
	for (size_t i = 0; i < c->seg_count; i++)
		if (c->segs[i].dir == s && c->segs[i].len && c->segs[i].frame > after)
			return c->segs[i].frame;
	return 0;
}

/* One sentence saying how c ended. */
static void describe(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, char *buf, size_t len)
{
	int f = c->first_closer, o = 1 - f;
	const char *fr = wc_tcp_role_of(sel, c, f), *orl = wc_tcp_role_of(sel, c, o);
	if (c->rst_side >= 0) {
		size_t k = 0;
		if (c->side[f].fin_frame && c->side[f].fin_frame < c->rst_frame)
			k = (size_t)snprintf(buf, len, "the %s closed first (FIN in frame %llu), then ", fr,
			                     (unsigned long long)c->side[f].fin_frame);
		if (k < len)
			snprintf(buf + k, len - k, "the %s reset the connection (RST in frame %llu, %s)",
			         wc_tcp_role_of(sel, c, c->rst_side), (unsigned long long)c->rst_frame,
			         context_words(c->rst_context));
		return;
	}
	size_t n = (size_t)snprintf(buf, len, "the %s closed first (FIN in frame %llu)", fr,
	                            (unsigned long long)c->side[f].fin_frame);
	if (n < len && c->side[o].fin_frame)
		n += (size_t)snprintf(buf + n, len - n, ", the %s's FIN followed in frame %llu", orl,
		                      (unsigned long long)c->side[o].fin_frame);
	if (n < len && c->half_close)
		n += (size_t)snprintf(buf + n, len - n, "; the %s still sent data in frame %llu (half-close)", orl,
		                      (unsigned long long)data_after(c, o, c->side[f].fin_frame));
	const char *tw = tw_name(sel, c);
	if (n < len && strcmp(tw, "both") == 0)
		snprintf(buf + n, len - n, "; both end in TIME_WAIT (simultaneous close)");
	else if (n < len && strcmp(tw, "none") != 0)
		snprintf(buf + n, len - n, "; the %s ends in TIME_WAIT", tw);
	else if (n < len)
		snprintf(buf + n, len - n, "; no side ends in TIME_WAIT");
}

static bool teardown_one(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, json_object *a,
                         struct wc_result *r)
{
	int f = c->first_closer;
	char how[300];
	describe(sel, c, how, sizeof how);
	wc_tcp_evidence(r, first_close_frame(&c->side[f]));
	wc_tcp_evidence(r, c->side[1 - f].fin_frame);
	wc_tcp_evidence(r, c->rst_frame);
	const char *want = wc_schema_str(a, "close", NULL);
	if (want && strcmp(want, "graceful") == 0 && (c->rst_side >= 0 || !c->fin_both)) {
		if (c->rst_side >= 0)
			wc_tcp_verdict(r, WC_FAIL, "expected a graceful close (FIN both ways), but %s", how);
		else
			wc_tcp_verdict(r, WC_FAIL, "expected a graceful close (FIN both ways), but only the %s sent a FIN (frame %llu)",
			               wc_tcp_role_of(sel, c, f), (unsigned long long)c->side[f].fin_frame);
		return false;
	}
	if (want && strcmp(want, "reset") == 0 && c->rst_side < 0) {
		wc_tcp_verdict(r, WC_FAIL, "expected a RST, but %s", how);
		return false;
	}
	want = wc_schema_str(a, "first_closer", NULL);
	if (want && strcmp(want, wc_tcp_role_of(sel, c, f)) != 0) {
		wc_tcp_verdict(r, WC_FAIL, "expected the %s to close first, but %s", want, how);
		return false;
	}
	want = wc_schema_str(a, "time_wait", NULL);
	if (want && strcmp(want, tw_name(sel, c)) != 0) {
		for (int s = 0; s < 2; s++)
			wc_tcp_evidence(r, tw_frame(&c->side[s]));
		if (strcmp(want, "none") == 0)
			wc_tcp_verdict(r, WC_FAIL, "expected no side in TIME_WAIT, but %s", how);
		else
			wc_tcp_verdict(r, WC_FAIL, "expected %s in TIME_WAIT, but %s", strcmp(want, "both") == 0 ? "both sides" :
			               strcmp(want, "client") == 0 ? "the client" : "the server", how);
		return false;
	}
	json_object *hc;
	if (json_object_object_get_ex(a, "half_close", &hc) && json_object_get_boolean(hc) != c->half_close) {
		if (c->half_close) {
			wc_tcp_evidence(r, data_after(c, 1 - f, c->side[f].fin_frame));
			wc_tcp_verdict(r, WC_FAIL, "expected no half-close, but %s", how);
		} else {
			wc_tcp_verdict(r, WC_FAIL, "expected a half-close (data after the first FIN), but %s", how);
		}
		return false;
	}
	if (c->half_close)
		wc_tcp_evidence(r, data_after(c, 1 - f, c->side[f].fin_frame));
	return true;
}

static void run_teardown(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list_attempted(&sel, &idx);
	if (n == 0) {
		wc_tcp_none_captured(&sel, r);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		if (c->first_closer < 0) {
			wc_tcp_evidence(r, c->last_frame);
			wc_tcp_verdict(r, WC_INCONCLUSIVE,
			               "the connection starting in frame %llu%s was still open when the capture ended (frame %llu): its close was not captured",
			               (unsigned long long)c->first_frame, sel.where, (unsigned long long)c->last_frame);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!teardown_one(&sel, &sel.v->tcp[idx[i]], a, r))
			goto out;
	char how[300];
	describe(&sel, &sel.v->tcp[idx[0]], how, sizeof how);
	if (n == 1)
		wc_tcp_verdict(r, WC_PASS, "%c%s", toupper((unsigned char)how[0]), how + 1);
	else
		wc_tcp_verdict(r, WC_PASS, "all %zu connections%s ended as expected; in the first, %s", n, sel.where, how);
out:
	wc_result_filter_frames(r);
	free(idx);
}

static void run_reset(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list(&sel, &idx), resets = 0;
	uint64_t rst[WC_MAX_EVIDENCE];
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		if (c->rst_side >= 0 && c->rst_context != WC_RST_REFUSED) {
			if (resets < WC_MAX_EVIDENCE)
				rst[resets] = c->rst_frame;
			idx[resets++] = idx[i];
		}
	}
	struct wc_count want;
	json_object *cv = NULL;
	json_object_object_get_ex(a, "count", &cv);
	wc_count_get(cv, &want);
	if (!cv)
		want = (struct wc_count){.has_min = true, .min = 1};
	char cs[48], list[200] = "";
	size_t kept = resets < WC_MAX_EVIDENCE ? resets : WC_MAX_EVIDENCE;
	wc_tcp_frame_list(list, sizeof list, rst, resets, 8);
	for (size_t i = 0; i < kept; i++)
		wc_tcp_evidence(r, rst[i]);
	if (!wc_count_ok(&want, (int64_t)resets)) {
		if (n == 0)
			wc_tcp_verdict(r, WC_FAIL, "expected %s connection(s) reset%s, but no TCP connection%s was captured",
			               wc_count_str(&want, cs, sizeof cs), sel.where, sel.where);
		else if (resets == 0)
			wc_tcp_verdict(r, WC_FAIL, "expected %s connection(s) reset%s, saw none: %zu connection%s, none ended by a RST",
			               wc_count_str(&want, cs, sizeof cs), sel.where, n, n > 1 ? "s" : "");
		else
			wc_tcp_verdict(r, WC_FAIL, "expected %s connection(s) reset%s, saw %zu (RST in frame%s %s)",
			               wc_count_str(&want, cs, sizeof cs), sel.where, resets, resets > 1 ? "s" : "", list);
		goto out;
	}
	const char *sender = wc_schema_str(a, "sender", NULL), *after = wc_schema_str(a, "after", NULL);
	for (size_t i = 0; i < resets; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		const char *who = wc_tcp_role_of(&sel, c, c->rst_side), *ctxname = wc_rst_context_name(c->rst_context);
		if (sender && strcmp(sender, who) != 0) {
			wc_tcp_verdict(r, WC_FAIL, "the RST in frame %llu came from the %s (%s): expected the %s to send it",
			               (unsigned long long)c->rst_frame, who, context_words(c->rst_context), sender);
			goto out;
		}
		if (after && strcmp(after, ctxname) != 0) {
			wc_tcp_verdict(r, WC_FAIL, "the %s sent the RST in frame %llu %s (%s): expected %s",
			               who, (unsigned long long)c->rst_frame, context_words(c->rst_context), ctxname, after);
			goto out;
		}
	}
	if (resets == 0) {
		wc_tcp_verdict(r, WC_PASS, "no connection%s was reset, as expected (%s)", sel.where, wc_count_str(&want, cs, sizeof cs));
	} else {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[0]];
		wc_tcp_verdict(r, WC_PASS, "%zu connection%s reset%s; the %s sent the RST in frame %llu %s (%s)", resets,
		               resets > 1 ? "s" : "", sel.where, wc_tcp_role_of(&sel, c, c->rst_side),
		               (unsigned long long)c->rst_frame, context_words(c->rst_context), wc_rst_context_name(c->rst_context));
	}
out:
	wc_result_filter_frames(r);
	free(idx);
}

const struct wc_check_def wc_check_tcp_teardown = {
	.name = "tcp.teardown",
	.summary = "how connections close: FIN both ways or RST, who closes first, TIME_WAIT, half-close",
	.args = teardown_args,
	.example = "{\"check\": \"tcp.teardown\", \"port\": \"{port}\", \"close\": \"graceful\", "
	           "\"first_closer\": \"client\", \"time_wait\": \"client\"}",
	.run = run_teardown,
};

const struct wc_check_def wc_check_tcp_reset = {
	.name = "tcp.reset",
	.summary = "connections ended by a RST: how many, who sent it, after what",
	.args = reset_args,
	.example = "{\"check\": \"tcp.reset\", \"port\": \"{port}\", \"count\": 1, \"sender\": \"server\", "
	           "\"after\": \"unread_data\"}",
	.run = run_reset,
};
