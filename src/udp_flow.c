/* udp_flow.c — one UDP flow: its datagrams in frame order, counts, lengths and checksum outcomes. */
#include <stdlib.h>

#include <xxhash.h>

#include "flow_internal.h"

static void keep(struct wc_udp_track *u, const struct wc_datagram *d, size_t max)
{
	struct wc_udp_flow *f = &u->f;
	if (f->list_count >= max) {
		f->list_capped = true;
		return;
	}
	if (f->list_count == u->alloc) {
		size_t n = u->alloc ? u->alloc * 2 : 8;
		if (n > max)
			n = max;
		struct wc_datagram *nl = realloc(f->list, n * sizeof *nl);
		if (!nl) {
			f->list_capped = true;
			return;
		}
		f->list = nl;
		u->alloc = n;
	}
	f->list[f->list_count++] = *d;
}

void wc_udp_init(struct wc_udp_track *u, uint32_t id, const struct wc_packet *pkt)
{
	struct wc_udp_flow *f = &u->f;
	f->id = id;
	f->addr[0] = pkt->ip.src;
	f->addr[1] = pkt->ip.dst;
	f->port[0] = pkt->u.udp.sport;
	f->port[1] = pkt->u.udp.dport;
	f->first_frame = pkt->frame->number;
	f->first_ts_ns = pkt->frame->ts_ns;
	f->min_len = UINT32_MAX;
	u->refused_dir = -1;
}

uint64_t wc_udp_datagram(struct wc_udp_track *u, const struct wc_packet *pkt, size_t max_datagrams)
{
	struct wc_udp_flow *f = &u->f;
	const struct wc_udp *h = &pkt->u.udp;
	int dir = h->sport == f->port[0] && wc_addr_eq(&pkt->ip.src, &f->addr[0]) ? 0 : 1;
	struct wc_datagram d = {
		.frame = pkt->frame->number,
		.ts_ns = pkt->frame->ts_ns,
		.dir = (uint8_t)dir,
		.len = h->payload_len,
		/* XXH3 over the bytes the decoder bounded: lets a check compare datagrams
		 * without keeping them, at memory speed (a byte-wise hash was 5 % of a run). */
		.digest = XXH3_64bits(h->payload, h->payload_caplen),
		.csum = h->csum,
		.csum_value = h->csum_value,
		.payload_complete = h->payload_caplen >= h->payload_len,
	};
	uint64_t index = f->datagrams[0] + f->datagrams[1];
	f->last_frame = d.frame;
	f->last_ts_ns = d.ts_ns;
	f->datagrams[dir]++;
	f->bytes[dir] += d.len;
	if (d.len < f->min_len)
		f->min_len = d.len;
	if (d.len > f->max_len)
		f->max_len = d.len;
	f->checksum_bad += h->csum == WC_CSUM_BAD;
	f->checksum_zero += h->csum == WC_CSUM_ZERO;
	f->checksum_partial += h->csum == WC_CSUM_PARTIAL;
	/* An answer from the side that was unreachable: the port is open after all. */
	if (u->refused_dir >= 0 && dir != u->refused_dir)
		u->refused_dir = -1;
	u->last[dir] = d;
	u->last_set[dir] = true;
	keep(u, &d, max_datagrams);
	return index;
}

void wc_udp_free(struct wc_udp_track *u)
{
	free(u->f.list);
	free(u);
}
