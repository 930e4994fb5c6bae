/* ipv4.c — IPv4 header, options, header checksum, fragments; hands on the payload. */
#include <string.h>

#include "checksum.h"
#include "decode_layers.h"

/* EOL ends the list, NOP is one byte of padding; every other option carries a length
 * that must cover its own two bytes and stay inside the header. Counts real options. */
static bool parse_options(struct wc_cursor *opts, struct wc_ip *ip)
{
	uint8_t type, len;
	while (wc_cur_u8(opts, &type)) {
		if (type == 0)
			break;
		if (type == 1)
			continue;
		if (!wc_cur_u8(opts, &len) || len < 2 || !wc_cur_skip(opts, (size_t)len - 2))
			return false;
		if (ip->opt_count < UINT8_MAX)
			ip->opt_count++;
	}
	return true;
}

enum wc_hdr_status wc_ipv4_header(struct wc_cursor *c, struct wc_ip *ip, uint32_t *need,
                                  enum wc_anomaly *bad, bool *opt_bad)
{
	uint8_t vihl = 0, tos = 0, ttl = 0, proto = 0;
	uint16_t total = 0, id = 0, frag = 0, csum = 0;
	if (!wc_cur_peek_u8(c, 0, &vihl)) {
		*need = 1;
		return WC_HDR_SHORT;
	}
	if (vihl >> 4 != 4) {
		*bad = WC_ANOM_IPV4_BAD_VERSION;
		return WC_HDR_BAD;
	}
	uint32_t hlen = (uint32_t)(vihl & 0x0f) * 4;
	if (hlen < 20) {
		*bad = WC_ANOM_IPV4_HLEN_TOO_SMALL;
		return WC_HDR_BAD;
	}
	if (wc_cur_left(c) < 20) {
		*need = 20;
		return WC_HDR_SHORT;
	}
	wc_cur_skip(c, 1);
	wc_cur_u8(c, &tos);
	wc_cur_be16(c, &total);
	wc_cur_be16(c, &id);
	wc_cur_be16(c, &frag);
	wc_cur_u8(c, &ttl);
	wc_cur_u8(c, &proto);
	wc_cur_be16(c, &csum);
	ip->src.family = ip->dst.family = 4;
	wc_cur_copy(c, ip->src.bytes, 4);
	wc_cur_copy(c, ip->dst.bytes, 4);
	ip->version = 4;
	ip->tos = tos;
	ip->total_len = total;
	ip->id = id;
	ip->df = frag & 0x4000;
	ip->more_fragments = frag & 0x2000;
	ip->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
	ip->ttl = ttl;
	ip->proto = proto;
	ip->hdr_csum_value = csum;
	ip->hdr_len = (uint16_t)hlen;
	if (total < hlen) {
		*bad = WC_ANOM_IPV4_LEN_TOO_SMALL;
		return WC_HDR_BAD;
	}
	struct wc_cursor opts;
	if (!wc_cur_sub(c, hlen - 20, &opts)) {
		*need = hlen;
		return WC_HDR_SHORT;
	}
	*opt_bad = !parse_options(&opts, ip);
	return WC_HDR_OK;
}

/* A stored 0 that does not verify is what transmit offload leaves before the NIC
 * fills the field in. */
static void header_checksum(struct wc_ip *ip, struct wc_cursor hdr)
{
	const uint8_t *p;
	if (!wc_cur_bytes(&hdr, ip->hdr_len, &p))
		return;
	if (wc_csum_fold(wc_csum_add(0, p, ip->hdr_len)) == 0xffff)
		ip->hdr_csum = WC_CSUM_OK;
	else if (ip->hdr_csum_value == 0)
		ip->hdr_csum = WC_CSUM_PARTIAL;
	else
		ip->hdr_csum = WC_CSUM_BAD;
}

static void reassemble(struct wc_decoder *d, struct wc_packet *pkt, struct wc_cursor *payload,
                       uint32_t plen)
{
	struct wc_ip *ip = &pkt->ip;
	struct wc_frag_piece piece;
	struct wc_frag_result res;
	memset(&piece, 0, sizeof piece);
	piece.key.version = 4;
	piece.key.proto = ip->proto;
	piece.key.id = ip->id;
	memcpy(piece.key.src, ip->src.bytes, 4);
	memcpy(piece.key.dst, ip->dst.bytes, 4);
	piece.offset = ip->frag_offset;
	piece.more = ip->more_fragments;
	piece.data = *payload;
	piece.len = plen;
	piece.limit = WC_FRAG_MAX_PAYLOAD - ip->hdr_len;
	piece.frame = pkt->frame->number;
	piece.ts_ns = pkt->frame->ts_ns;
	wc_ipfrag_add(d->frag, &piece, &res);
	if (res.too_large)
		wc_packet_anomaly(pkt, WC_ANOM_IPV4_FRAG_TOO_LARGE);
	if (res.overlap)
		wc_packet_anomaly(pkt, WC_ANOM_IPV4_FRAG_OVERLAP);
	if (!res.done)
		return;
	ip->reassembled = true;
	ip->frag_first_frame = res.first_frame;
	ip->frag_count = res.count;
	ip->total_len = ip->hdr_len + res.len;
	struct wc_l4_in in = {.len = res.len, .wire = res.len, .proto = ip->proto, .src = &ip->src, .dst = &ip->dst};
	wc_cur_init(&in.seg, res.data, res.caplen);
	wc_decode_l4(pkt, &in);
}

void wc_decode_ipv4(struct wc_decoder *d, struct wc_packet *pkt, struct wc_cursor *c)
{
	struct wc_ip *ip = &pkt->ip;
	uint32_t wire = wc_frame_wire_left(pkt, c);
	struct wc_cursor hdr = *c;
	uint32_t need = 0;
	enum wc_anomaly bad = WC_ANOM_IPV4_BAD_VERSION;
	bool opt_bad = false;
	switch (wc_ipv4_header(c, ip, &need, &bad, &opt_bad)) {
	case WC_HDR_SHORT:
		wc_packet_anomaly(pkt, need <= wire ? WC_ANOM_IPV4_TRUNCATED : WC_ANOM_IPV4_LEN_EXCEEDS_FRAME);
		return;
	case WC_HDR_BAD:
		/* tshark does not count a packet with another version as IPv4 at all */
		if (bad == WC_ANOM_IPV4_BAD_VERSION)
			pkt->net = WC_NET_OTHER;
		wc_packet_anomaly(pkt, bad);
		return;
	case WC_HDR_OK:
		break;
	}
	if (opt_bad)
		wc_packet_anomaly(pkt, WC_ANOM_IPV4_OPT_MALFORMED);
	header_checksum(ip, hdr);

	/* A total length past the frame is reported, and the transport still decoded from
	 * the bytes there are, as tshark does. Shorter is Ethernet padding: clamped off. */
	if (ip->total_len > wire)
		wc_packet_anomaly(pkt, WC_ANOM_IPV4_LEN_EXCEEDS_FRAME);
	uint32_t plen = ip->total_len - ip->hdr_len;
	uint32_t pwire = (ip->total_len < wire ? ip->total_len : wire) - ip->hdr_len;
	struct wc_cursor payload = *c;
	wc_cur_clamp(&payload, plen);

	ip->is_fragment = ip->more_fragments || ip->frag_offset != 0;
	if (ip->is_fragment) {
		if (pwire == plen)
			reassemble(d, pkt, &payload, plen);
		return;
	}
	/* Nothing after the header: no transport layer to look at (tshark agrees). */
	if (plen == 0)
		return;
	struct wc_l4_in in = {.seg = payload, .len = plen, .wire = pwire, .proto = ip->proto,
	                      .src = &ip->src, .dst = &ip->dst};
	wc_decode_l4(pkt, &in);
}
