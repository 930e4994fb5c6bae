/* check_tcp_syn.c — connection attempts that never became connections: tcp.refused (SYN
 * answered by RST,ACK) and tcp.syn_unanswered (SYNs with no reply, and their backoff). */
#include "checks_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const backoff_values[] = {"doubling", "linear_then_doubling", NULL};

static const struct wc_field refused_args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "count", .type = WC_F_COUNT, .default_text = "{\"min\": 1}", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "connection attempts refused: SYN answered by RST,ACK acknowledging ISN+1",
	 .example = "1"},
	{.key = "syns", .type = WC_F_COUNT, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "SYNs the clients sent in all to the refused port before giving up (repeated connect() calls "
	 "and retransmitted SYNs)",
	 .example = "3"},
	{.key = NULL},
};

static const struct wc_field unanswered_args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "count", .type = WC_F_COUNT, .default_text = "{\"min\": 1}", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "connection attempts whose SYNs got no reply at all (no SYN-ACK, no RST)",
	 .example = "{\"min\": 1}"},
	{.key = "backoff", .type = WC_F_STRING, .enum_values = backoff_values,
	 .doc = "how the SYN retransmissions are spaced: doubling (each interval 1.5 to 2.5 times the one before), "
	 "linear_then_doubling (Linux 6.5+, net.ipv4.tcp_syn_linear_timeouts: equal intervals, then doubling)",
	 .example = "\"doubling\""},
	{.key = NULL},
};

static void count_arg(json_object *a, struct wc_count *want)
{
	json_object *cv = NULL;
	json_object_object_get_ex(a, "count", &cv);
	wc_count_get(cv, want);
	if (!cv)
		*want = (struct wc_count){.has_min = true, .min = 1};
}

static void run_refused(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list(&sel, &idx), nref = 0;
	uint64_t syns = 0, sf[WC_MAX_EVIDENCE], rf[WC_MAX_EVIDENCE];
	const struct wc_tcp_conn *accepted = NULL, *badrst = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		if (wc_tcp_refused(c)) {
			if (nref < WC_MAX_EVIDENCE) {
				sf[nref] = c->syn_frame;
				rf[nref] = c->rst_frame;
			}
			nref++;
			syns += c->syn_count;
		} else if (c->syn_frame && c->synack_frame && !accepted) {
			accepted = c;
		} else if (c->syn_frame && !c->synack_frame && c->rst_side == 1 && !badrst) {
			badrst = c;
		}
	}
	size_t kept = nref < WC_MAX_EVIDENCE ? nref : WC_MAX_EVIDENCE;
	for (size_t i = 0; i < kept; i++) {
		wc_tcp_evidence(r, sf[i]);
		wc_tcp_evidence(r, rf[i]);
	}
	struct wc_count want;
	count_arg(a, &want);
	char cs[48], syl[120] = "", rsl[120] = "";
	wc_tcp_frame_list(syl, sizeof syl, sf, nref, 6);
	wc_tcp_frame_list(rsl, sizeof rsl, rf, nref, 6);
	if (!wc_count_ok(&want, (int64_t)nref)) {
		char msg[sizeof r->reason];
		int at = snprintf(msg, sizeof msg, "expected %s refused connection attempt(s)%s, saw %zu",
		                  wc_count_str(&want, cs, sizeof cs), sel.where, nref);
		size_t len = sizeof msg - (size_t)at;
		if (nref)
			snprintf(msg + at, len, " (SYN in frame%s %s)", nref > 1 ? "s" : "", syl);
		else if (badrst) {
			const struct wc_frame_rec *f = wc_view_frame(sel.v, badrst->rst_frame);
			wc_tcp_evidence(r, badrst->syn_frame);
			wc_tcp_evidence(r, badrst->rst_frame);
			snprintf(msg + at, len, ": the RST in frame %llu answers the SYN in frame %llu but does not acknowledge its ISN+1 (ack %u, ISN %u)",
			         (unsigned long long)badrst->rst_frame, (unsigned long long)badrst->syn_frame,
			         f ? f->ack : 0u, badrst->side[0].isn);
		} else if (accepted) {
			wc_tcp_evidence(r, accepted->syn_frame);
			wc_tcp_evidence(r, accepted->synack_frame);
			snprintf(msg + at, len, ": the SYN in frame %llu was answered with SYN-ACK in frame %llu, so something was listening on port %u",
			         (unsigned long long)accepted->syn_frame, (unsigned long long)accepted->synack_frame,
			         (unsigned)accepted->side[wc_tcp_server_side(&sel, accepted)].port);
		} else {
			snprintf(msg + at, len, ": no SYN%s was captured", sel.has_port ? " to that port" : "");
		}
		wc_tcp_verdict(r, WC_FAIL, "%s", msg);
		goto out;
	}
	json_object *sv = NULL;
	if (json_object_object_get_ex(a, "syns", &sv)) {
		struct wc_count ws;
		wc_count_get(sv, &ws);
		if (!wc_count_ok(&ws, (int64_t)syns)) {
			wc_tcp_verdict(r, WC_FAIL, "expected the clients to send %s SYN(s) before giving up, they sent %llu (refused SYNs in frames %s)",
			               wc_count_str(&ws, cs, sizeof cs), (unsigned long long)syns, syl);
			goto out;
		}
	}
	if (nref == 0) {
		wc_tcp_verdict(r, WC_PASS, "no connection attempt%s was refused, as expected (%s)", sel.where,
		               wc_count_str(&want, cs, sizeof cs));
	} else {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[0]];
		unsigned port = c->side[1].port;
		char addr[WC_ADDR_STRLEN];
		wc_addr_str(&c->side[1].addr, addr);
		if (nref == 1)
			wc_tcp_verdict(r, WC_PASS, "the server's kernel answered the SYN in frame %s with RST,ACK in frame %s (ack = ISN+1): nothing was listening on port %u of %s",
			               syl, rsl, port, addr);
		else
			wc_tcp_verdict(r, WC_PASS, "%zu connection attempts refused: the SYNs in frames %s were answered with RST,ACK in frames %s (ack = ISN+1): nothing was listening on port %u of %s",
			               nref, syl, rsl, port, addr);
	}
out:
	wc_result_filter_frames(r);
	free(idx);
}

static bool doubled(double ratio) { return ratio >= 1.5 && ratio <= 2.5; }
static bool equal(double ratio) { return ratio >= 0.75 && ratio <= 1.34; }

/* 0 when the intervals follow the rule; else the 1-based index of the first that does not. */
static size_t backoff_breaks(const double *iv, size_t n, bool linear_first)
{
	bool doubling = !linear_first;
	for (size_t i = 1; i < n; i++) {
		double q = iv[i - 1] > 0 ? iv[i] / iv[i - 1] : 0;
		if (!doubling && equal(q))
			continue;
		doubling = true;
		if (!doubled(q))
			return i + 1;
	}
	return 0;
}

#define MAX_SYNS 16

static void run_unanswered(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list(&sel, &idx), nun = 0;
	uint64_t first[WC_MAX_EVIDENCE], answered[WC_MAX_EVIDENCE];
	size_t nans = 0;
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		if (!c->syn_frame)
			continue;
		if (!c->synack_frame && c->rst_side < 0) {
			if (nun < WC_MAX_EVIDENCE)
				first[nun] = c->syn_frame;
			idx[nun++] = idx[i];
		} else if (nans < WC_MAX_EVIDENCE) {
			answered[nans++] = c->synack_frame ? c->synack_frame : c->rst_frame;
		}
	}
	struct wc_count want;
	count_arg(a, &want);
	char cs[48], list[160] = "";
	if (!wc_count_ok(&want, (int64_t)nun)) {
		if (nun == 0) {
			wc_tcp_frame_list(list, sizeof list, answered, nans, 6);
			for (size_t i = 0; i < nans; i++)
				wc_tcp_evidence(r, answered[i]);
			if (nans)
				wc_tcp_verdict(r, WC_FAIL, "expected %s unanswered connection attempt(s)%s, saw none: every SYN was answered (frame%s %s)",
				               wc_count_str(&want, cs, sizeof cs), sel.where, nans > 1 ? "s" : "", list);
			else
				wc_tcp_verdict(r, WC_FAIL, "expected %s unanswered connection attempt(s)%s, saw none: no SYN%s was captured",
				               wc_count_str(&want, cs, sizeof cs), sel.where, sel.has_port ? " to that port" : "");
		} else {
			wc_tcp_frame_list(list, sizeof list, first, nun, 6);
			for (size_t i = 0; i < nun && i < WC_MAX_EVIDENCE; i++)
				wc_tcp_evidence(r, first[i]);
			wc_tcp_verdict(r, WC_FAIL, "expected %s unanswered connection attempt(s)%s, saw %zu (first SYNs in frames %s)",
			               wc_count_str(&want, cs, sizeof cs), sel.where, nun, list);
		}
		goto out;
	}
	const char *backoff = wc_schema_str(a, "backoff", NULL);
	char ivs[160] = "";
	bool judged = false;
	for (size_t i = 0; i < nun; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		uint64_t fr[MAX_SYNS];
		int64_t ts[MAX_SYNS];
		double iv[MAX_SYNS];
		size_t k = wc_tcp_syns(c, fr, ts, MAX_SYNS);
		for (size_t j = 0; j < k; j++)
			wc_tcp_evidence(r, fr[j]);
		if (k < 3 || judged)
			continue;
		size_t at = 0;
		for (size_t j = 1; j < k; j++) {
			iv[j - 1] = (double)(ts[j] - ts[j - 1]) / 1e9;
			at += (size_t)snprintf(ivs + at, sizeof ivs - at, "%s%.1f", j > 1 ? ", " : "", iv[j - 1]);
		}
		judged = true;
		size_t bad = backoff ? backoff_breaks(iv, k - 1, strcmp(backoff, "linear_then_doubling") == 0) : 0;
		if (bad) {
			wc_tcp_verdict(r, WC_FAIL, "the SYN first sent in frame %llu was resent after %s s: interval %zu (%.1f s) is not %s the one before (%.1f s)",
			               (unsigned long long)c->syn_frame, ivs, bad, iv[bad - 1],
			               strcmp(backoff, "doubling") == 0 ? "about twice" : "equal to or about twice", iv[bad - 2]);
			goto out;
		}
	}
	if (backoff && !judged) {
		wc_tcp_verdict(r, WC_INCONCLUSIVE, "no unanswered attempt%s sent 3 SYNs or more: too few retransmissions to see the backoff",
		               sel.where);
		goto out;
	}
	wc_tcp_frame_list(list, sizeof list, first, nun, 6);
	if (nun == 0)
		wc_tcp_verdict(r, WC_PASS, "every SYN%s was answered, as expected (%s unanswered)", sel.where,
		               wc_count_str(&want, cs, sizeof cs));
	else if (judged)
		wc_tcp_verdict(r, WC_PASS, "%zu connection attempt%s%s never answered (first SYNs in frames %s); the first one's SYN was resent after %s s",
		               nun, nun > 1 ? "s" : "", sel.where, list, ivs);
	else
		wc_tcp_verdict(r, WC_PASS, "%zu connection attempt%s%s never answered (first SYNs in frames %s)",
		               nun, nun > 1 ? "s" : "", sel.where, list);
out:
	wc_result_filter_frames(r);
	free(idx);
}

const struct wc_check_def wc_check_tcp_refused = {
	.name = "tcp.refused",
	.summary = "connection attempts refused: the SYN answered by RST,ACK (nothing listening)",
	.args = refused_args,
	.example = "{\"check\": \"tcp.refused\", \"port\": \"{port}\", \"count\": 1, \"syns\": 1}",
	.run = run_refused,
};

const struct wc_check_def wc_check_tcp_syn_unanswered = {
	.name = "tcp.syn_unanswered",
	.summary = "SYNs with no reply at all (accept queue full, or dropped on the way) and their backoff",
	.args = unanswered_args,
	.example = "{\"check\": \"tcp.syn_unanswered\", \"port\": \"{port}\", \"count\": {\"min\": 1}, "
	           "\"backoff\": \"linear_then_doubling\"}",
	.run = run_unanswered,
};
