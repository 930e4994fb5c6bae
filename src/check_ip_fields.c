/* check_ip_fields.c — ip.fields: IP header values (TTL or hop limit, DF, TOS) of the
 * packets selected by protocol, port and direction. */
#include "checks_net.h"

#include <stdio.h>
#include <string.h>

static const char *const proto_values[] = {"tcp", "udp", "icmp", "any", NULL};
static const char *const from_values[] = {"client", "server", "any", NULL};

static const struct wc_field args[] = {
	{.key = "protocol", .type = WC_F_STRING, .default_text = "any", .enum_values = proto_values,
	 .doc = "only packets of this protocol (icmp covers ICMPv6)", .example = "\"udp\""},
	{.key = "port", .type = WC_F_INT, .placeholder = true, .default_text = "any", .min = 0, .max = 65535,
	 .doc = "only TCP/UDP packets with this port on either side", .example = "7007"},
	{.key = "from", .type = WC_F_STRING, .default_text = "any", .enum_values = from_values,
	 .doc = "only packets from the client (the flow's first sender) or the server", .example = "\"client\""},
	{.key = "ttl", .type = WC_F_COUNT, .min = 0, .max = 255,
	 .doc = "TTL (IPv6: hop limit) of every selected packet, as set with IP_TTL", .example = "5"},
	{.key = "df", .type = WC_F_BOOL,
	 .doc = "IPv4 don't-fragment bit set (true) or clear (false) in every selected packet", .example = "true"},
	{.key = "tos", .type = WC_F_INT, .min = 0, .max = 255,
	 .doc = "TOS byte (IPv6: traffic class) of every selected packet", .example = "16"},
	{.key = NULL},
};

static bool selected(const struct wc_frame_rec *f, json_object *a)
{
	if (f->net != WC_NET_IPV4 && f->net != WC_NET_IPV6)
		return false;
	const char *proto = wc_schema_str(a, "protocol", "any");
	if ((strcmp(proto, "tcp") == 0 && f->l4 != WC_L4_TCP) || (strcmp(proto, "udp") == 0 && f->l4 != WC_L4_UDP) ||
	    (strcmp(proto, "icmp") == 0 && f->l4 != WC_L4_ICMP && f->l4 != WC_L4_ICMPV6))
		return false;
	int64_t port = wc_schema_int(a, "port", -1);
	bool ported = f->l4 == WC_L4_TCP || f->l4 == WC_L4_UDP;
	if (port >= 0 && (!ported || (f->sport != port && f->dport != port)))
		return false;
	const char *from = wc_schema_str(a, "from", "any");
	if (strcmp(from, "any") != 0 &&
	    (f->note.kind == WC_FLOW_NONE || f->note.dir != (strcmp(from, "client") == 0 ? 0 : 1)))
		return false;
	return true;
}

/* "UDP packets from the client on port 7007" */
static void describe(json_object *a, char *buf, size_t len)
{
	const char *proto = wc_schema_str(a, "protocol", "any");
	const char *from = wc_schema_str(a, "from", "any");
	int64_t port = wc_schema_int(a, "port", -1);
	snprintf(buf, len, "%s packets", strcmp(proto, "any") == 0 ? "IP" : strcmp(proto, "icmp") == 0 ? "ICMP"
	                                  : strcmp(proto, "tcp") == 0 ? "TCP" : "UDP");
	if (strcmp(from, "any") != 0)
		wc_net_cat(buf, len, " from the %s", from);
	if (port >= 0)
		wc_net_cat(buf, len, " on port %lld", (long long)port);
}

enum field { F_TTL, F_DF, F_TOS };

/* Does frame f keep the expectation on field k? IPv6 has no DF bit: always kept. */
static bool keeps(const struct wc_frame_rec *f, enum field k, const struct wc_count *ttl, bool df, int64_t tos)
{
	switch (k) {
	case F_TTL: return wc_count_ok(ttl, f->ttl);
	case F_DF: return f->net == WC_NET_IPV6 || f->df == df;
	case F_TOS: return f->tos == tos;
	}
	return true;
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_view *v = wc_net_view(ctx, a, r);
	if (!v)
		return;
	char what[96];
	describe(a, what, sizeof what);
	size_t n = 0, v4 = 0;
	for (size_t i = 0; i < v->frame_count; i++)
		if (selected(&v->frames[i], a)) {
			n++;
			v4 += v->frames[i].net == WC_NET_IPV4;
			wc_result_frame(r, v->frames[i].number);
		}
	if (n == 0) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "no %s were captured, so their header fields cannot be judged", what);
		return;
	}
	struct wc_count ttl = {0};
	json_object *t = NULL;
	bool has[3] = {json_object_object_get_ex(a, "ttl", &t), json_object_object_get_ex(a, "df", NULL),
	               json_object_object_get_ex(a, "tos", NULL)};
	wc_count_get(t, &ttl);
	bool df = wc_schema_bool(a, "df", false);
	int64_t tos = wc_schema_int(a, "tos", 0);
	if (has[F_DF] && v4 == 0) {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "the %zu %s are IPv6, which has no don't-fragment bit", n, what);
		return;
	}
	char fl[160], ws[64], pass[sizeof r->reason];
	if (!has[F_TTL] && !has[F_DF] && !has[F_TOS]) {
		r->verdict = WC_PASS;
		wc_result_reason(r, "%zu %s were captured (frame%s %s); no header field was asked of them", n, what,
		                 n == 1 ? "" : "s", wc_net_list(fl, sizeof fl, r->frames, r->frame_count));
		wc_result_filter_frames(r);
		return;
	}
	snprintf(pass, sizeof pass, "all %zu %s (frame%s %s) have", n, what, n == 1 ? "" : "s",
	         wc_net_list(fl, sizeof fl, r->frames, r->frame_count));
	for (int k = F_TTL; k <= F_TOS; k++) {
		if (!has[k])
			continue;
		uint64_t bad[WC_MAX_EVIDENCE];
		size_t nb = 0;
		const struct wc_frame_rec *first = NULL;
		for (size_t i = 0; i < v->frame_count; i++) {
			const struct wc_frame_rec *f = &v->frames[i];
			if (!selected(f, a) || keeps(f, (enum field)k, &ttl, df, tos))
				continue;
			if (!first)
				first = f;
			if (nb < WC_MAX_EVIDENCE)
				bad[nb] = f->number;
			nb++;
		}
		char want[96];
		if (k == F_TTL)
			snprintf(want, sizeof want, "a TTL of %s", wc_count_str(&ttl, ws, sizeof ws));
		else if (k == F_DF)
			snprintf(want, sizeof want, "the don't-fragment bit %s", df ? "set" : "clear");
		else
			snprintf(want, sizeof want, "TOS %lld", (long long)tos);
		if (nb) {
			r->verdict = WC_FAIL;
			r->frame_count = 0;
			r->frames_more = false;
			for (size_t i = 0; i < nb && i < WC_MAX_EVIDENCE; i++)
				wc_result_frame(r, bad[i]);
			wc_result_reason(r, "frame%s %s of the %zu %s do%s not have %s (frame %llu: ", nb == 1 ? "" : "s",
			                 wc_net_list(fl, sizeof fl, bad, nb < WC_MAX_EVIDENCE ? nb : WC_MAX_EVIDENCE), n, what,
			                 nb == 1 ? "es" : "", want, (unsigned long long)first->number);
			if (k == F_TTL)
				wc_net_cat(r->reason, sizeof r->reason, "TTL %u)", first->ttl);
			else if (k == F_DF)
				wc_net_cat(r->reason, sizeof r->reason, "DF %s)", first->df ? "set" : "clear");
			else
				wc_net_cat(r->reason, sizeof r->reason, "TOS %u)", first->tos);
			wc_result_filter_frames(r);
			return;
		}
		wc_net_cat(pass, sizeof pass, "%s %s", k == F_TTL || (k == F_DF && !has[F_TTL]) ||
		           (k == F_TOS && !has[F_TTL] && !has[F_DF]) ? "" : " and", want);
	}
	r->verdict = WC_PASS;
	wc_result_reason(r, "%s", pass);
	wc_result_filter_frames(r);
}

const struct wc_check_def wc_check_ip_fields = {
	.name = "ip.fields",
	.summary = "IP header values (TTL set with IP_TTL, DF, TOS) of selected packets",
	.args = args,
	.example = "{\"check\": \"ip.fields\", \"protocol\": \"udp\", \"from\": \"client\", \"ttl\": 5}",
	.run = run,
};
