/* decode.c — the decoder: frame → link → network → transport, and its fragment state. */
#include "decode.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode_layers.h"
#include "link.h"

uint32_t wc_frame_wire_left(const struct wc_packet *pkt, const struct wc_cursor *c)
{
	const struct wc_frame *f = pkt->frame;
	/* caplen > len is itself an anomaly; the bytes present are then the frame */
	uint32_t wire = f->len > f->caplen ? f->len : f->caplen;
	if (!f->data || !wc_cur_ptr(c))
		return wire; /* an empty capture: nothing consumed yet */
	size_t used = (size_t)(wc_cur_ptr(c) - f->data);
	if (used > wire)
		return 0;
	return wire - (uint32_t)used;
}

bool wc_l4_short(struct wc_packet *pkt, const struct wc_l4_in *in, uint32_t need,
                 enum wc_anomaly truncated, enum wc_anomaly malformed)
{
	if (need > in->len) {
		wc_packet_anomaly(pkt, malformed);
		return false;
	}
	if (need <= in->wire) {
		wc_packet_anomaly(pkt, truncated);
		return true;
	}
	return false; /* the frame ended before the IP length: reported by the IP layer */
}

/* Only the union member a layer fills is cleared (wc_decode leaves the union alone),
 * by copying a zero object: it compiles to plain stores where a memset of this size
 * becomes a string store with a costly start. */
void wc_decode_l4(struct wc_packet *pkt, const struct wc_l4_in *in)
{
	static const struct wc_tcp no_tcp;
	static const struct wc_udp no_udp;
	static const struct wc_icmp no_icmp;
	switch (in->proto) {
	case 6:
		pkt->u.tcp = no_tcp;
		wc_decode_tcp(pkt, in);
		break;
	case 17:
		pkt->u.udp = no_udp;
		wc_decode_udp(pkt, in);
		break;
	case 1:
	case 58:
		pkt->u.icmp = no_icmp;
		wc_decode_icmp(pkt, in, in->proto == 1 ? 4 : 6);
		break;
	case 59: pkt->l4 = WC_L4_NONE; break; /* IPv6 "no next header" */
	default: pkt->l4 = WC_L4_OTHER; break;  /* ESP, GRE, SCTP, …: not decoded */
	}
}

struct wc_decoder *wc_decoder_new(char *errbuf)
{
	struct wc_decoder *d = calloc(1, sizeof *d);
	if (!d) {
		wc_err(errbuf, "decoder: out of memory");
		return NULL;
	}
	d->frag = wc_ipfrag_new();
	if (!d->frag) {
		free(d);
		wc_err(errbuf, "decoder: out of memory");
		return NULL;
	}
	return d;
}

void wc_decode(struct wc_decoder *d, const struct wc_frame *frame, struct wc_packet *pkt)
{
	struct wc_cursor net;
	/* Everything but the transport union, which wc_decode_l4 clears when a transport
	 * layer is there. A memset of the whole struct on every frame became a string
	 * store (rep stos) that cost 2 % of a run; small pieces, and the IP header copied
	 * from a zero object, become plain vector stores. */
	static const struct wc_ip no_ip;
	const size_t u_end = offsetof(struct wc_packet, u) + sizeof pkt->u;
	memset(pkt, 0, offsetof(struct wc_packet, ip));
	pkt->ip = no_ip;
	memset(&pkt->l4, 0, offsetof(struct wc_packet, u) - offsetof(struct wc_packet, l4));
	memset((unsigned char *)pkt + u_end, 0, sizeof *pkt - u_end);
	pkt->frame = frame;
	if (frame->caplen > frame->len)
		wc_packet_anomaly(pkt, WC_ANOM_FRAME_CAPLEN_GT_LEN);
	if (!wc_link_decode(pkt, &net))
		return;
	if (pkt->net == WC_NET_IPV4)
		wc_decode_ipv4(d, pkt, &net);
	else if (pkt->net == WC_NET_IPV6)
		wc_decode_ipv6(d, pkt, &net);
}

void wc_decoder_flush(struct wc_decoder *d,
                      void (*cb)(uint64_t first_frame, enum wc_anomaly a, void *arg), void *arg)
{
	wc_ipfrag_flush(d->frag, cb, arg);
}

void wc_decoder_free(struct wc_decoder *d)
{
	if (!d)
		return;
	wc_ipfrag_free(d->frag);
	free(d);
}
