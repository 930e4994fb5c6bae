/* check_icmp_unreachable.c — icmp.unreachable: ICMP/ICMPv6 destination-unreachable errors
 * of one kind, how many, and each matched to the datagram it quotes. */
#include "checks_net.h"

#include <stdio.h>
#include <string.h>

/* A kind of unreachable with its ICMPv4 and ICMPv6 (type, code). */
struct kind {
	const char *name, *words;
	uint8_t t4, c4, t6, c6;
};

static const struct kind kinds[] = {
	{"port", "port unreachable", 3, 3, 1, 4},
	{"host", "host unreachable", 3, 1, 1, 3},
	{"net", "network unreachable", 3, 0, 1, 0},
	{"protocol", "protocol unreachable", 3, 2, 4, 1},
	{"admin", "administratively prohibited", 3, 13, 1, 1},
	{NULL, NULL, 0, 0, 0, 0},
};

static const char *const kind_values[] = {"port", "host", "net", "protocol", "admin", NULL};

static const struct wc_field args[] = {
	{.key = "kind", .type = WC_F_STRING, .default_text = "port", .enum_values = kind_values,
	 .doc = "which unreachable: port (ICMP 3/3, ICMPv6 1/4), host, net, protocol, admin", .example = "\"port\""},
	{.key = "type", .type = WC_F_INT, .min = 0, .max = 255,
	 .doc = "match this ICMP or ICMPv6 type instead of a kind (with code)", .example = "3"},
	{.key = "code", .type = WC_F_INT, .min = 0, .max = 255,
	 .doc = "match this code instead of a kind (with type)", .example = "3"},
	{.key = "port", .type = WC_F_INT, .placeholder = true, .default_text = "any", .min = 0, .max = 65535,
	 .doc = "only errors quoting a datagram or segment sent to this port", .example = "7007"},
	{.key = "count", .type = WC_F_COUNT, .default_text = "{\"min\": 1}", .min = 0, .max = WC_NO_LIMIT,
	 .doc = "how many errors; Linux rate-limits ICMP errors on veth (not on lo), so use min/max there", .example = "{\"min\": 1, \"max\": 3}"},
	{.key = "matched", .type = WC_F_BOOL, .default_text = "true",
	 .doc = "each error must quote a packet the capture holds (inconclusive otherwise)", .example = "false"},
	{.key = NULL},
};

static const struct kind *find_kind(const char *name)
{
	for (const struct kind *k = kinds; k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return kinds;
}

static bool selected(const struct wc_icmp_event *e, const struct kind *k, int64_t type, int64_t code, int64_t port)
{
	if (type >= 0) {
		if (e->type != type || (code >= 0 && e->code != code))
			return false;
	} else if (e->version == 6 ? e->type != k->t6 || e->code != k->c6 : e->type != k->t4 || e->code != k->c4) {
		return false;
	}
	return port < 0 || (e->quote.has_ports && e->quote.dport == port);
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_view *v = wc_net_view(ctx, a, r);
	if (!v)
		return;
	const struct kind *k = find_kind(wc_schema_str(a, "kind", "port"));
	int64_t type = wc_schema_int(a, "type", -1), code = wc_schema_int(a, "code", -1);
	int64_t port = wc_schema_int(a, "port", -1);
	char words[48];
	if (type >= 0)
		snprintf(words, sizeof words, "ICMP type %lld%s", (long long)type, code >= 0 ? " code " : "");
	else
		snprintf(words, sizeof words, "ICMP %s", k->words);
	if (type >= 0 && code >= 0)
		wc_net_cat(words, sizeof words, "%lld", (long long)code);

	struct wc_count want = {.has_min = true, .min = 1};
	json_object *c = NULL;
	if (json_object_object_get_ex(a, "count", &c))
		wc_count_get(c, &want);
	uint64_t errs[WC_MAX_EVIDENCE], quoted[WC_MAX_EVIDENCE];
	size_t n = 0, nq = 0;
	const struct wc_icmp_event *unmatched = NULL;
	bool one_port = true;
	int64_t first_port = -1;
	for (size_t i = 0; i < v->icmp_count; i++) {
		const struct wc_icmp_event *e = &v->icmp[i];
		if (!selected(e, k, type, code, port))
			continue;
		if (n < WC_MAX_EVIDENCE)
			errs[n] = e->frame;
		n++;
		if (e->quoted_frame && nq < WC_MAX_EVIDENCE)
			quoted[nq++] = e->quoted_frame;
		if (!e->quoted_frame && !unmatched)
			unmatched = e;
		int64_t p = e->quote.has_ports ? e->quote.dport : -1;
		if (first_port < 0)
			first_port = p;
		one_port = one_port && p == first_port;
		wc_result_frame(r, e->frame);
		if (e->quoted_frame)
			wc_result_frame(r, e->quoted_frame);
	}
	size_t shown = n < WC_MAX_EVIDENCE ? n : WC_MAX_EVIDENCE;
	char ws[64], el[160], ql[160];
	wc_count_str(&want, ws, sizeof ws);
	wc_net_list(el, sizeof el, errs, shown);
	wc_net_list(ql, sizeof ql, quoted, nq);
	if (!wc_count_ok(&want, (int64_t)n)) {
		r->verdict = WC_FAIL;
		if (n == 0)
			wc_result_reason(r, "no %s was captured, expected %s", words, ws);
		else
			wc_result_reason(r, "%zu %s message%s %s captured (frame%s %s), expected %s", n, words,
			                 n == 1 ? "" : "s", n == 1 ? "was" : "were", n == 1 ? "" : "s", el, ws);
		if (port >= 0)
			wc_net_cat(r->reason, sizeof r->reason, " for port %lld", (long long)port);
		if (n > 0 && want.has_exact)
			wc_net_cat(r->reason, sizeof r->reason, " (Linux rate-limits ICMP errors except on lo: "
			           "count them with min/max)");
	} else if (unmatched && wc_schema_bool(a, "matched", true)) {
		char to[WC_ADDR_STRLEN];
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "the %s in frame %llu quotes a packet to %s", words, (unsigned long long)unmatched->frame,
		                 unmatched->quote.present ? wc_addr_str(&unmatched->quote.ip.dst, to) : "an unknown address");
		if (unmatched->quote.has_ports)
			wc_net_cat(r->reason, sizeof r->reason, " port %u", unmatched->quote.dport);
		wc_net_cat(r->reason, sizeof r->reason, " that is not in the capture, so it cannot be matched to what was sent");
	} else if (n == 0) {
		r->verdict = WC_PASS;
		wc_result_reason(r, "no %s was captured, as expected (%s)", words, ws);
	} else {
		r->verdict = WC_PASS;
		wc_result_reason(r, "%zu %s message%s (frame%s %s), as expected (%s)", n, words, n == 1 ? "" : "s",
		                 n == 1 ? "" : "s", el, ws);
		if (nq)
			wc_net_cat(r->reason, sizeof r->reason, ", answering the datagram%s in frame%s %s", nq == 1 ? "" : "s",
			           nq == 1 ? "" : "s", ql);
		if (k == kinds && type < 0 && one_port && first_port >= 0)
			wc_net_cat(r->reason, sizeof r->reason, ": nothing was listening on port %lld", (long long)first_port);
	}
	wc_result_filter_frames(r);
}

const struct wc_check_def wc_check_icmp_unreachable = {
	.name = "icmp.unreachable",
	.summary = "ICMP destination unreachable (port unreachable by default): count, each matched "
	           "to the datagram it quotes; Linux rate-limits these on veth, so count with min/max",
	.args = args,
	.example = "{\"check\": \"icmp.unreachable\", \"kind\": \"port\", \"port\": 7007, \"count\": {\"min\": 1}}",
	.run = run,
};
