/* check_port_byteorder.c — port.byteorder: traffic refused on port P while something
 * answers on P with its bytes swapped names the missing htons(). */
#include "checks_net.h"

#include <stdio.h>
#include <stdlib.h>

static const struct wc_field args[] = {
	{.key = "port", .type = WC_F_INT, .placeholder = true, .default_text = "{port}, else inferred", .min = 1, .max = 65535,
	 .doc = "the port the client uses; without it, the {port} placeholder, else any refused port "
	 "whose byte-swapped twin answered", .example = "7007"},
	{.key = NULL},
};

/* Frames that show port p refusing (TCP SYN answered by RST,ACK; ICMP port unreachable
 * for a datagram to p). Returns how many frames were found (up to max). */
static size_t refused(const struct wc_view *v, uint16_t p, uint64_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < v->tcp_count && n + 2 <= max; i++) {
		const struct wc_tcp_conn *c = &v->tcp[i];
		if (c->side[1].port == p && c->rst_context == WC_RST_REFUSED) {
			out[n++] = c->syn_frame;
			out[n++] = c->rst_frame;
		}
	}
	for (size_t i = 0; i < v->icmp_count && n + 2 <= max; i++) {
		const struct wc_icmp_event *e = &v->icmp[i];
		bool port_unreach = e->version == 6 ? e->type == 1 && e->code == 4 : e->type == 3 && e->code == 3;
		if (port_unreach && e->quote.has_ports && e->quote.dport == p) {
			if (e->quoted_frame)
				out[n++] = e->quoted_frame;
			out[n++] = e->frame;
		}
	}
	return n;
}

/* The first frame in which something answered on port p (a SYN-ACK from it, a UDP
 * datagram sent back from it); 0 when none. */
static uint64_t answered(const struct wc_view *v, uint16_t p)
{
	uint64_t first = 0;
	for (size_t i = 0; i < v->tcp_count; i++) {
		const struct wc_tcp_conn *c = &v->tcp[i];
		if (c->side[1].port == p && c->synack_frame && (!first || c->synack_frame < first))
			first = c->synack_frame;
	}
	for (size_t i = 0; i < v->udp_count; i++) {
		const struct wc_udp_flow *f = &v->udp[i];
		for (size_t j = 0; j < f->list_count; j++)
			if (f->list[j].dir == 1 && f->port[1] == p) {
				if (!first || f->list[j].frame < first)
					first = f->list[j].frame;
				break;
			}
	}
	return first;
}

static void swapped_fail(struct wc_result *r, uint16_t p, const uint64_t *ref, size_t nref, uint64_t answer)
{
	uint16_t s = wc_net_bswap16(p);
	char fl[160];
	r->verdict = WC_FAIL;
	for (size_t i = 0; i < nref; i++)
		wc_result_frame(r, ref[i]);
	wc_result_frame(r, answer);
	wc_result_reason(r, "traffic to port %u was refused (frames %s) while port %u answered (frame %llu): the "
	                 "server listens on port %u (0x%04x), which is %u (0x%04x) with its bytes swapped: htons() "
	                 "is missing", p, wc_net_list(fl, sizeof fl, ref, nref), s, (unsigned long long)answer, s, s, p, p);
}

/* No port named: look for any refused port whose swapped twin answered. */
static void infer(const struct wc_view *v, struct wc_result *r)
{
	uint64_t ref[WC_MAX_EVIDENCE];
	for (size_t i = 0; i < v->tcp_count; i++) {
		uint16_t p = v->tcp[i].side[1].port;
		uint64_t ans = v->tcp[i].rst_context == WC_RST_REFUSED ? answered(v, wc_net_bswap16(p)) : 0;
		if (ans && wc_net_bswap16(p) != p) {
			swapped_fail(r, p, ref, refused(v, p, ref, WC_MAX_EVIDENCE - 1), ans);
			return;
		}
	}
	for (size_t i = 0; i < v->icmp_count; i++) {
		uint16_t p = v->icmp[i].quote.dport;
		if (!v->icmp[i].quote.has_ports || wc_net_bswap16(p) == p)
			continue;
		size_t n = refused(v, p, ref, WC_MAX_EVIDENCE - 1);
		uint64_t ans = n ? answered(v, wc_net_bswap16(p)) : 0;
		if (ans) {
			swapped_fail(r, p, ref, n, ans);
			return;
		}
	}
	r->verdict = WC_PASS;
	wc_result_reason(r, "no traffic was refused on a port whose byte-swapped twin answered: no sign of a missing htons()");
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_view *v = wc_net_view(ctx, a, r);
	if (!v)
		return;
	int64_t port = wc_schema_int(a, "port", 0);
	json_object *ph = NULL;
	if (!port && ctx->placeholders && json_object_object_get_ex(ctx->placeholders, "port", &ph))
		port = atoi(json_object_get_string(ph));
	if (port <= 0 || port > 65535) {
		infer(v, r);
		wc_result_filter_frames(r);
		return;
	}
	uint16_t p = (uint16_t)port, s = wc_net_bswap16(p);
	uint64_t ref[WC_MAX_EVIDENCE];
	size_t nref = refused(v, p, ref, WC_MAX_EVIDENCE - 1);
	uint64_t ok = answered(v, p), twin = s != p ? answered(v, s) : 0;
	char fl[160];
	if (ok) {
		r->verdict = WC_PASS;
		wc_result_frame(r, ok);
		wc_result_reason(r, "the server answered on port %u (frame %llu): the port number went out in network "
		                 "byte order", p, (unsigned long long)ok);
	} else if (nref && twin) {
		swapped_fail(r, p, ref, nref, twin);
	} else if (nref) {
		r->verdict = WC_INCONCLUSIVE;
		for (size_t i = 0; i < nref; i++)
			wc_result_frame(r, ref[i]);
		wc_result_reason(r, "traffic to port %u was refused (frames %s) but nothing answered on port %u (0x%04x), "
		                 "its byte-swapped twin, so the capture cannot tell whether htons() is missing", p,
		                 wc_net_list(fl, sizeof fl, ref, nref), s, s);
	} else {
		r->verdict = WC_INCONCLUSIVE;
		wc_result_reason(r, "the capture holds no answer from port %u and no refusal of it", p);
	}
	wc_result_filter_frames(r);
}

const struct wc_check_def wc_check_port_byteorder = {
	.name = "port.byteorder",
	.summary = "the port number is in network byte order: refused on port P while the "
	           "byte-swapped P answers names the missing htons()",
	.args = args,
	.example = "{\"check\": \"port.byteorder\", \"port\": 7007}",
	.run = run,
};
