/* ipv6.c — IPv6 header and extension-header chain, fragments; hands on the payload. */
#include <string.h>

#include "decode_layers.h"

enum wc_hdr_status wc_ipv6_header(struct wc_cursor *c, struct wc_ip *ip, uint8_t *nh,
                                  uint32_t *need, enum wc_anomaly *bad)
{
	uint8_t b0 = 0, hlim = 0;
	uint16_t plen = 0;
	uint32_t w0 = 0;
	if (!wc_cur_peek_u8(c, 0, &b0)) {
		*need = 1;
		return WC_HDR_SHORT;
	}
	if (b0 >> 4 != 6) {
		*bad = WC_ANOM_IPV6_BAD_VERSION;
		return WC_HDR_BAD;
	}
	if (wc_cur_left(c) < 40) {
		*need = 40;
		return WC_HDR_SHORT;
	}
	wc_cur_be32(c, &w0);
	wc_cur_be16(c, &plen);
	wc_cur_u8(c, nh);
	wc_cur_u8(c, &hlim);
	ip->src.family = ip->dst.family = 6;
	wc_cur_copy(c, ip->src.bytes, 16);
	wc_cur_copy(c, ip->dst.bytes, 16);
	ip->version = 6;
	ip->tos = (uint8_t)(w0 >> 20);
	ip->flow_label = w0 & 0xfffff;
	ip->ttl = hlim;
	ip->hdr_len = 40;
	ip->total_len = 40u + plen;
	ip->proto = *nh;
	return WC_HDR_OK;
}

/* The pseudo-header of TCP/UDP/ICMPv6 uses the final destination (RFC 8200 §8.1),
 * which a routing header with segments left names: the last address of type 0 and 2,
 * the first entry of a segment list (type 4). */
static void routing_final_dst(struct wc_cursor h, struct wc_ip6_chain *ch)
{
	uint8_t hl, type, left;
	wc_cur_skip(&h, 1);
	if (!wc_cur_u8(&h, &hl) || !wc_cur_u8(&h, &type) || !wc_cur_u8(&h, &left) || left == 0)
		return;
	uint32_t n = hl / 2u;
	if (n == 0)
		return;
	size_t skip = 4;
	if (type == 0 || type == 2)
		skip += (size_t)(n - 1) * 16;
	else if (type != 4)
		return;
	if (wc_cur_skip(&h, skip) && wc_cur_copy(&h, ch->final_dst, 16))
		ch->has_final_dst = true;
}

static bool is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60 || nh == 135;
}

enum wc_hdr_status wc_ipv6_chain(struct wc_cursor *c, uint8_t nh, struct wc_ip6_chain *ch,
                                 uint32_t *need)
{
	memset(ch, 0, sizeof *ch);
	ch->nh = nh;
	while (is_ext(ch->nh)) {
		uint8_t next = 0, hl = 0;
		if (!wc_cur_peek_u8(c, 0, &next) || !wc_cur_peek_u8(c, 1, &hl)) {
			*need = ch->ext_len + 2;
			return WC_HDR_SHORT;
		}
		uint32_t len = ch->nh == 51 ? (hl + 2u) * 4 : ch->nh == 44 ? 8 : (hl + 1u) * 8;
		struct wc_cursor h;
		if (!wc_cur_sub(c, len, &h)) {
			*need = ch->ext_len + len;
			return WC_HDR_SHORT;
		}
		if (ch->nh == 43)
			routing_final_dst(h, ch);
		if (ch->nh == 44) {
			uint16_t off = 0;
			wc_cur_skip(&h, 2);
			wc_cur_be16(&h, &off);
			wc_cur_be32(&h, &ch->frag_id);
			ch->frag_offset = off & 0xfff8u;
			ch->frag_more = off & 1;
			ch->has_frag = true;
		}
		ch->ext_len += len;
		if (ch->count < UINT8_MAX)
			ch->count++;
		ch->nh = next;
		if (ch->has_frag)
			break;
	}
	return WC_HDR_OK;
}

/* Anomaly for a chain that ran out of bytes at `need`: past the declared payload it is
 * malformed, within what was on the wire truncated. */
static void chain_short(struct wc_packet *pkt, uint32_t need, uint32_t plen, uint32_t pwire)
{
	if (need > plen)
		wc_packet_anomaly(pkt, WC_ANOM_IPV6_EXTHDR_MALFORMED);
	else if (need <= pwire)
		wc_packet_anomaly(pkt, WC_ANOM_IPV6_TRUNCATED);
}

static void hand_on(struct wc_packet *pkt, struct wc_cursor *rest, uint32_t len, uint32_t wire,
                    const struct wc_ip6_chain *ch, struct wc_addr *final_dst)
{
	struct wc_ip *ip = &pkt->ip;
	ip->proto = ch->nh;
	struct wc_l4_in in = {.seg = *rest, .len = len, .wire = wire, .proto = ch->nh,
	                      .src = &ip->src, .dst = &ip->dst};
	if (final_dst->family == 6)
		in.dst = final_dst;
	wc_decode_l4(pkt, &in);
}

/* unfrag: bytes of extension headers before the fragment header, which the
 * reassembled packet keeps. */
static void reassemble(struct wc_decoder *d, struct wc_packet *pkt, struct wc_cursor *rest,
                       uint32_t len, const struct wc_ip6_chain *ch, uint32_t unfrag,
                       struct wc_addr *final_dst)
{
	struct wc_ip *ip = &pkt->ip;
	struct wc_frag_piece piece;
	struct wc_frag_result res;
	memset(&piece, 0, sizeof piece);
	piece.key.version = 6;
	piece.key.id = ch->frag_id;
	memcpy(piece.key.src, ip->src.bytes, 16);
	memcpy(piece.key.dst, ip->dst.bytes, 16);
	piece.offset = ch->frag_offset;
	piece.more = ch->frag_more;
	piece.data = *rest;
	piece.len = len;
	piece.limit = WC_FRAG_MAX_PAYLOAD - unfrag;
	piece.nh = ch->nh;
	piece.frame = pkt->frame->number;
	piece.ts_ns = pkt->frame->ts_ns;
	wc_ipfrag_add(d->frag, &piece, &res);
	if (res.overlap)
		wc_packet_anomaly(pkt, WC_ANOM_IPV6_FRAG_OVERLAP);
	if (res.too_large)
		wc_packet_anomaly(pkt, WC_ANOM_IPV6_FRAG_TOO_LARGE);
	if (!res.done)
		return;
	ip->reassembled = true;
	ip->frag_first_frame = res.first_frame;
	ip->frag_count = res.count;
	ip->total_len = 40 + unfrag + res.len;

	struct wc_cursor whole;
	struct wc_ip6_chain inner;
	uint32_t need = 0;
	wc_cur_init(&whole, res.data, res.caplen);
	if (wc_ipv6_chain(&whole, res.nh, &inner, &need) == WC_HDR_SHORT) {
		chain_short(pkt, need, res.len, res.len);
		return;
	}
	ip->opt_count = (uint8_t)(ip->opt_count + inner.count);
	ip->hdr_len = (uint16_t)(ip->hdr_len + inner.ext_len);
	if (inner.has_final_dst && final_dst->family != 6) {
		final_dst->family = 6;
		memcpy(final_dst->bytes, inner.final_dst, 16);
	}
	hand_on(pkt, &whole, res.len - inner.ext_len, res.len - inner.ext_len, &inner, final_dst);
}

void wc_decode_ipv6(struct wc_decoder *d, struct wc_packet *pkt, struct wc_cursor *c)
{
	struct wc_ip *ip = &pkt->ip;
	uint32_t wire = wc_frame_wire_left(pkt, c);
	uint32_t need = 0;
	uint8_t nh = 0;
	enum wc_anomaly bad = WC_ANOM_IPV6_BAD_VERSION;
	switch (wc_ipv6_header(c, ip, &nh, &need, &bad)) {
	case WC_HDR_SHORT:
		wc_packet_anomaly(pkt, need <= wire ? WC_ANOM_IPV6_TRUNCATED : WC_ANOM_IPV6_LEN_EXCEEDS_FRAME);
		return;
	case WC_HDR_BAD:
		/* tshark does not count a packet with another version as IPv6 at all */
		pkt->net = WC_NET_OTHER;
		wc_packet_anomaly(pkt, bad);
		return;
	case WC_HDR_OK:
		break;
	}
	if (ip->total_len > wire)
		wc_packet_anomaly(pkt, WC_ANOM_IPV6_LEN_EXCEEDS_FRAME);
	uint32_t plen = ip->total_len - 40;
	uint32_t pwire = (ip->total_len < wire ? ip->total_len : wire) - 40;
	struct wc_cursor rest = *c;
	wc_cur_clamp(&rest, plen);

	struct wc_ip6_chain ch;
	struct wc_addr final_dst = {0};
	uint32_t ext_len = 0;
	for (;;) {
		if (wc_ipv6_chain(&rest, nh, &ch, &need) == WC_HDR_SHORT) {
			chain_short(pkt, ext_len + need, plen, pwire);
			return;
		}
		ext_len += ch.ext_len;
		ip->opt_count = (uint8_t)(ip->opt_count + ch.count);
		ip->hdr_len = (uint16_t)(40 + ext_len);
		ip->proto = ch.nh;
		if (ch.has_final_dst) {
			final_dst.family = 6;
			memcpy(final_dst.bytes, ch.final_dst, 16);
		}
		/* An atomic fragment (offset 0, no more: RFC 6946) is a whole packet: walk on. */
		if (!ch.has_frag || ch.frag_offset != 0 || ch.frag_more)
			break;
		nh = ch.nh;
	}
	uint32_t len = plen - ext_len;
	uint32_t lwire = pwire > ext_len ? pwire - ext_len : 0;
	if (ch.has_frag && (ch.frag_offset != 0 || ch.frag_more)) {
		ip->is_fragment = true;
		ip->frag_offset = ch.frag_offset;
		ip->more_fragments = ch.frag_more;
		ip->id = (uint16_t)ch.frag_id;
		if (lwire == len)
			reassemble(d, pkt, &rest, len, &ch, ext_len - 8, &final_dst);
		return;
	}
	hand_on(pkt, &rest, len, lwire, &ch, &final_dst);
}
