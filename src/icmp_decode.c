/* icmp_decode.c — ICMP and ICMPv6: type, code, checksum, echo ids, quoted packets. */
#include "checksum.h"
#include "decode_layers.h"

static bool is_error(uint8_t version, uint8_t type)
{
	if (version == 4)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

/* The transport header as far as it is quoted: ports in the first 4 bytes of TCP,
 * UDP, SCTP, DCCP and UDP-Lite; the sequence number or UDP length and checksum in the
 * next 4. */
static void quote_transport(struct wc_icmp_quote *q, struct wc_cursor *c)
{
	uint8_t p = q->ip.proto;
	if (p != 6 && p != 17 && p != 33 && p != 132 && p != 136)
		return;
	q->has_ports = wc_cur_be16(c, &q->sport) && wc_cur_be16(c, &q->dport);
	if (!q->has_ports)
		return;
	if (p == 6)
		q->has_tcp_seq = wc_cur_be32(c, &q->tcp_seq);
	else if (p == 17)
		q->has_udp_len = wc_cur_be16(c, &q->udp_len) && wc_cur_be16(c, &q->udp_csum);
}

static bool quote_ipv6(struct wc_icmp_quote *q, struct wc_cursor *c, uint32_t *need, enum wc_anomaly *bad)
{
	uint8_t nh;
	enum wc_hdr_status st = wc_ipv6_header(c, &q->ip, &nh, need, bad);
	if (st != WC_HDR_OK)
		return st == WC_HDR_SHORT;
	q->present = true;
	struct wc_ip6_chain ch;
	uint32_t ext_need;
	if (wc_ipv6_chain(c, nh, &ch, &ext_need) != WC_HDR_OK)
		return true; /* the quote ends inside the extension headers */
	q->ip.proto = ch.nh;
	q->ip.opt_count = ch.count;
	q->ip.hdr_len = (uint16_t)(40 + ch.ext_len);
	if (ch.has_frag) {
		q->ip.is_fragment = true;
		q->ip.frag_offset = ch.frag_offset;
		q->ip.more_fragments = ch.frag_more;
		q->ip.id = (uint16_t)ch.frag_id;
		if (ch.frag_offset != 0)
			return true; /* no transport header in a later fragment */
	}
	quote_transport(q, c);
	return true;
}

static bool quote_ipv4(struct wc_icmp_quote *q, struct wc_cursor *c, uint32_t *need, enum wc_anomaly *bad)
{
	bool opt_bad = false;
	enum wc_hdr_status st = wc_ipv4_header(c, &q->ip, need, bad, &opt_bad);
	if (st != WC_HDR_OK)
		return st == WC_HDR_SHORT;
	q->present = true;
	q->ip.is_fragment = q->ip.more_fragments || q->ip.frag_offset != 0;
	if (q->ip.frag_offset == 0)
		quote_transport(q, c);
	return true;
}

/* The packet an error quotes. Quoting only its start is normal (RFC 792: header and
 * 64 bits), so a quote shorter than the inner lengths is no anomaly; an inner header
 * that is not IP, or a message on the wire too short to hold one, is. */
static void parse_quote(struct wc_packet *pkt, struct wc_icmp *ic, struct wc_cursor *c, uint32_t wire)
{
	struct wc_icmp_quote *q = &ic->quote;
	enum wc_anomaly mal = ic->version == 4 ? WC_ANOM_ICMP_QUOTE_MALFORMED : WC_ANOM_ICMPV6_QUOTE_MALFORMED;
	uint8_t b0;
	uint32_t need = 1;
	enum wc_anomaly bad = mal;
	bool ok = true;
	q->quoted_len = (uint32_t)wc_cur_left(c);
	if (wc_cur_peek_u8(c, 0, &b0)) {
		/* ICMP quotes IPv4 and ICMPv6 quotes IPv6, but the version nibble decides */
		if (b0 >> 4 == 4)
			ok = quote_ipv4(q, c, &need, &bad);
		else if (b0 >> 4 == 6)
			ok = quote_ipv6(q, c, &need, &bad);
		else
			ok = false;
	}
	if (!ok || (!q->present && need > wire))
		wc_packet_anomaly(pkt, mal);
}

void wc_decode_icmp(struct wc_packet *pkt, const struct wc_l4_in *in, uint8_t version)
{
	struct wc_icmp *ic = &pkt->u.icmp;
	struct wc_cursor c = in->seg;
	const uint8_t *start = wc_cur_ptr(&c);
	uint32_t caplen = (uint32_t)wc_cur_left(&c);
	uint32_t rest = 0;
	pkt->l4 = version == 4 ? WC_L4_ICMP : WC_L4_ICMPV6;
	ic->version = version;
	if (caplen < 8) {
		if (wc_l4_short(pkt, in, 8, version == 4 ? WC_ANOM_ICMP_TRUNCATED : WC_ANOM_ICMPV6_TRUNCATED,
		                version == 4 ? WC_ANOM_ICMP_TOO_SHORT : WC_ANOM_ICMPV6_TOO_SHORT))
			ic->csum = WC_CSUM_UNVERIFIABLE;
		return;
	}
	wc_cur_u8(&c, &ic->type);
	wc_cur_u8(&c, &ic->code);
	wc_cur_be16(&c, &ic->csum_value);
	wc_cur_be32(&c, &rest);
	ic->payload_len = in->len - 8;
	ic->csum = wc_csum_classify(in->src, in->dst, 58, start, caplen, in->len, 2, version == 6, 0);
	ic->is_error = is_error(version, ic->type);
	if ((version == 4 && (ic->type == 0 || ic->type == 8)) ||
	    (version == 6 && (ic->type == 128 || ic->type == 129))) {
		ic->echo_id = (uint16_t)(rest >> 16);
		ic->echo_seq = (uint16_t)rest;
	}
	if (version == 4 && ic->type == 3 && ic->code == 4)
		ic->mtu = rest & 0xffff;
	if (version == 6 && ic->type == 2)
		ic->mtu = rest;
	if (ic->is_error)
		parse_quote(pkt, ic, &c, in->wire - 8);
}
