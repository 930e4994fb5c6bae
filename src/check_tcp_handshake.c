/* check_tcp_handshake.c — tcp.handshake: how many three-way handshakes, who opened them,
 * whether the final ACK came, which options each SYN carried, SYN retransmissions. */
#include "checks_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct wc_field option_fields[] = {
	{.key = "mss", .type = WC_F_BOOL,
	 .doc = "maximum segment size option present (true) or absent (false)",
	 .example = "true"},
	{.key = "wscale", .type = WC_F_BOOL,
	 .doc = "window scale option present or absent",
	 .example = "true"},
	{.key = "sack_perm", .type = WC_F_BOOL,
	 .doc = "SACK permitted option present or absent",
	 .example = "true"},
	{.key = "timestamps", .type = WC_F_BOOL,
	 .doc = "timestamps option present or absent",
	 .example = "false"},
	{.key = NULL},
};

static const struct wc_field args[] = {
	WC_TCP_PORT_FIELD,
	{.key = "count", .type = WC_F_COUNT, .default_text = "{\"min\": 1}", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "handshakes (connections whose SYN was captured)",
	 .example = "1"},
	{.key = "initiator", .type = WC_F_STRING, .default_text = "\"client\"", .enum_values = wc_tcp_role_values,
	 .doc = "the role that sends the SYN",
	 .example = "\"client\""},
	{.key = "complete", .type = WC_F_BOOL, .default_text = "true",
	 .doc = "every handshake ends with the client's ACK of the SYN-ACK",
	 .example = "true"},
	{.key = "syn_options", .type = WC_F_OBJECT, .fields = option_fields,
	 .doc = "options the SYN must carry (true) or must not carry (false)",
	 .example = "{\"mss\": true}"},
	{.key = "synack_options", .type = WC_F_OBJECT, .fields = option_fields,
	 .doc = "options the SYN-ACK must carry (true) or must not carry (false)",
	 .example = "{\"timestamps\": false}"},
	{.key = "syn_retransmissions", .type = WC_F_BOOL, .default_text = "true",
	 .doc = "false: a SYN sent more than once fails (the first was lost or ignored)",
	 .example = "false"},
	{.key = NULL},
};

static bool has_option(const struct wc_tcp_side *s, const char *key)
{
	if (strcmp(key, "mss") == 0)
		return s->has_mss;
	if (strcmp(key, "wscale") == 0)
		return s->wscale >= 0;
	if (strcmp(key, "sack_perm") == 0)
		return s->sack_perm;
	return s->timestamps;
}

/* False (r failed) when a listed option is not as expected in the segment at frame. */
static bool options_ok(json_object *want, const struct wc_tcp_side *s, const char *what, uint64_t frame,
                       struct wc_result *r)
{
	if (!want)
		return true;
	for (const struct wc_field *f = option_fields; f->key; f++) {
		json_object *v;
		if (!json_object_object_get_ex(want, f->key, &v))
			continue;
		bool expect = json_object_get_boolean(v);
		if (!frame) {
			wc_tcp_verdict(r, WC_FAIL, "no %s was captured, so its %s option cannot be as expected", what, f->key);
			return false;
		}
		if (has_option(s, f->key) != expect) {
			wc_tcp_evidence(r, frame);
			wc_tcp_verdict(r, WC_FAIL, "the %s in frame %llu %s the %s option; expected it %s", what,
			               (unsigned long long)frame, expect ? "lacks" : "carries", f->key,
			               expect ? "present" : "absent");
			return false;
		}
	}
	return true;
}

/* Judge one connection; false when it failed (r filled). */
static bool judge(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, json_object *a, struct wc_result *r)
{
	const char *initiator = wc_schema_str(a, "initiator", "client");
	const char *opener = wc_tcp_role_of(sel, c, 0);
	unsigned long long syn = c->syn_frame, synack = c->synack_frame;
	wc_tcp_evidence(r, syn);
	if (strcmp(opener, initiator) != 0) {
		char addr[WC_ADDR_STRLEN];
		wc_tcp_verdict(r, WC_FAIL, "the SYN in frame %llu came from the %s (%s port %u): expected the %s to open the connection",
		               syn, opener, wc_addr_str(&c->side[0].addr, addr), (unsigned)c->side[0].port, initiator);
		return false;
	}
	if (wc_schema_bool(a, "complete", true) && !c->handshake_complete) {
		if (!synack && c->rst_side == 1 && c->rst_context == WC_RST_REFUSED) {
			char addr[WC_ADDR_STRLEN];
			wc_tcp_evidence(r, c->rst_frame);
			wc_tcp_verdict(r, WC_FAIL, "the SYN in frame %llu was answered with RST,ACK in frame %llu: nothing was listening on port %u of %s",
			               syn, (unsigned long long)c->rst_frame, (unsigned)c->side[1].port, wc_addr_str(&c->side[1].addr, addr));
		} else if (!synack) {
			wc_tcp_verdict(r, WC_FAIL, "the SYN in frame %llu was never answered with a SYN-ACK", syn);
		} else {
			wc_tcp_evidence(r, synack);
			wc_tcp_verdict(r, WC_FAIL, "the SYN-ACK in frame %llu was never acknowledged: the handshake's final ACK is missing",
			               synack);
		}
		return false;
	}
	if (!wc_schema_bool(a, "syn_retransmissions", true) && c->syn_count > 1) {
		uint64_t f[WC_MAX_EVIDENCE];
		size_t n = wc_tcp_syns(c, f, NULL, WC_MAX_EVIDENCE);
		char list[160] = "";
		wc_tcp_frame_list(list, sizeof list, f, n, 8);
		for (size_t i = 0; i < n; i++)
			wc_tcp_evidence(r, f[i]);
		wc_tcp_verdict(r, WC_FAIL, "the %s sent its SYN %u times (frames %s): the first was not answered in time",
		               opener, (unsigned)c->syn_count, list);
		return false;
	}
	json_object *o = NULL;
	json_object_object_get_ex(a, "syn_options", &o);
	if (!options_ok(o, &c->side[0], "SYN", syn, r))
		return false;
	o = NULL;
	json_object_object_get_ex(a, "synack_options", &o);
	if (!options_ok(o, &c->side[1], "SYN-ACK", synack, r))
		return false;
	wc_tcp_evidence(r, synack);
	wc_tcp_evidence(r, c->hs_ack_frame);
	return true;
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	struct wc_tcp_sel sel;
	if (!wc_tcp_sel_init(ctx, a, &sel, r))
		return;
	size_t *idx, n = wc_tcp_sel_list(&sel, &idx);
	for (size_t i = 0; i < n; i++) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[i]];
		if (!c->syn_frame) {
			wc_tcp_evidence(r, c->first_frame);
			wc_tcp_verdict(r, WC_INCONCLUSIVE,
			               "no SYN was captured for the connection starting in frame %llu%s: its handshake happened before the capture began",
			               (unsigned long long)c->first_frame, sel.where);
			goto out;
		}
	}
	struct wc_count want;
	json_object *cv = NULL;
	json_object_object_get_ex(a, "count", &cv);
	wc_count_get(cv, &want);
	if (!cv)
		want = (struct wc_count){.has_min = true, .min = 1};
	char cs[48], list[200] = "";
	uint64_t syns[WC_MAX_EVIDENCE];
	size_t ns = 0;
	for (size_t i = 0; i < n && ns < WC_MAX_EVIDENCE; i++)
		syns[ns++] = sel.v->tcp[idx[i]].syn_frame;
	wc_tcp_frame_list(list, sizeof list, syns, n, 8);
	if (!wc_count_ok(&want, (int64_t)n)) {
		for (size_t i = 0; i < ns; i++)
			wc_tcp_evidence(r, syns[i]);
		if (n == 0)
			wc_tcp_verdict(r, WC_FAIL, "expected %s handshake(s)%s, saw none: no SYN%s was captured",
			               wc_count_str(&want, cs, sizeof cs), sel.where, sel.has_port ? " to that port" : "");
		else {
			size_t complete = 0;
			for (size_t i = 0; i < n; i++)
				complete += sel.v->tcp[idx[i]].handshake_complete;
			wc_tcp_verdict(r, WC_FAIL,
			               "expected %s handshake(s)%s, saw %zu connection attempt%s (SYN in frame%s %s), %zu of them complete",
			               wc_count_str(&want, cs, sizeof cs), sel.where, n, n > 1 ? "s" : "", n > 1 ? "s" : "",
			               list, complete);
		}
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (!judge(&sel, &sel.v->tcp[idx[i]], a, r))
			goto out;
	if (n == 0) {
		wc_tcp_verdict(r, WC_PASS, "no handshake%s, as expected (%s)", sel.where, wc_count_str(&want, cs, sizeof cs));
	} else if (n == 1) {
		const struct wc_tcp_conn *c = &sel.v->tcp[idx[0]];
		if (c->handshake_complete)
			wc_tcp_verdict(r, WC_PASS, "1 handshake%s, opened by the %s: SYN in frame %llu, SYN-ACK in frame %llu, ACK in frame %llu",
			               sel.where, wc_tcp_role_of(&sel, c, 0), (unsigned long long)c->syn_frame,
			               (unsigned long long)c->synack_frame, (unsigned long long)c->hs_ack_frame);
		else
			wc_tcp_verdict(r, WC_PASS, "1 handshake%s, opened by the %s with the SYN in frame %llu",
			               sel.where, wc_tcp_role_of(&sel, c, 0), (unsigned long long)c->syn_frame);
	} else {
		wc_tcp_verdict(r, WC_PASS, "%zu handshakes%s, each opened by the %s%s (SYNs in frames %s)", n, sel.where,
		               wc_schema_str(a, "initiator", "client"),
		               wc_schema_bool(a, "complete", true) ? " and complete" : "", list);
	}
out:
	wc_result_filter_frames(r);
	free(idx);
}

const struct wc_check_def wc_check_tcp_handshake = {
	.name = "tcp.handshake",
	.summary = "the three-way handshake: how many, who opens, the final ACK, SYN options",
	.args = args,
	.example = "{\"check\": \"tcp.handshake\", \"port\": \"{port}\", \"count\": 1, \"initiator\": \"client\", "
	           "\"syn_options\": {\"mss\": true}, \"syn_retransmissions\": false}",
	.run = run,
};
