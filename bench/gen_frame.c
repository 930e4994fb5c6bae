/* gen_frame.c — builds Ethernet/IPv4/IPv6 frames with TCP, UDP and ICMP port unreachables. */
#include "gen_frame.h"

#include <stdlib.h>
#include <string.h>

#include "checksum.h"

#define ETH_LEN 14
#define ETH_MIN_FRAME 60 /* shorter frames are padded on the wire (without FCS) */
#define IPV4_LEN 20
#define IPV6_LEN 40
#define UDP_LEN 8
#define ICMP_LEN 8
#define TCP_LEN 20
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define TTL 64

/* ICMP errors stay within these IP datagram sizes (RFC 1812, RFC 4443). */
#define ICMP4_ERROR_MAX 576
#define ICMP6_ERROR_MAX 1280

static const uint8_t client_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t router_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t pseudo_sum(const struct gen_session *s, int dir, uint8_t proto, uint32_t len)
{
	const uint8_t *src = s->ep[dir].addr, *dst = s->ep[!dir].addr;
	return s->family == 4 ? wc_csum_pseudo_v4(src, dst, proto, len)
	                      : wc_csum_pseudo_v6(src, dst, proto, len);
}

/* A wrong checksum that no reader could take for a right one: not the right value,
 * not 0 or 0xffff (UDP "disabled", one's-complement zero), not the pseudo-header sum
 * that transmit offload leaves (which a reader would call "partial"). */
static uint16_t corrupt(uint16_t good, uint32_t pseudo)
{
	uint16_t partial = wc_csum_fold(pseudo);
	uint16_t partial_inv = (uint16_t)~partial;
	uint16_t bad = good;
	do
		bad = (uint16_t)(bad + 0x1111);
	while (bad == 0 || bad == 0xffff || bad == good || bad == partial || bad == partial_inv);
	return bad;
}

static size_t ethernet(uint8_t *b, const struct gen_session *s, int dir)
{
	memcpy(b, dir == GEN_DIR_CLIENT ? router_mac : client_mac, 6);
	memcpy(b + 6, dir == GEN_DIR_CLIENT ? client_mac : router_mac, 6);
	put16(b + 12, s->family == 4 ? 0x0800 : 0x86dd);
	return ETH_LEN;
}

/* The IP header of a datagram from dir carrying l4len transport bytes. */
static size_t ip_header(uint8_t *b, struct gen_session *s, int dir, uint8_t proto, uint32_t l4len)
{
	if (s->family == 4) {
		bool icmp = proto == PROTO_ICMP;
		b[0] = 0x45;
		b[1] = icmp ? 0xc0 : 0; /* Linux sends ICMP errors with precedence "internetwork control" */
		put16(b + 2, IPV4_LEN + l4len);
		put16(b + 4, s->ip_id[dir]++);
		put16(b + 6, icmp ? 0 : 0x4000); /* DF: path MTU discovery */
		b[8] = TTL;
		b[9] = proto;
		put16(b + 10, 0);
		memcpy(b + 12, s->ep[dir].addr, 4);
		memcpy(b + 16, s->ep[!dir].addr, 4);
		put16(b + 10, (uint16_t)~wc_csum_fold(wc_csum_add(0, b, IPV4_LEN)));
		return IPV4_LEN;
	}
	put32(b, 6u << 28 | (proto == PROTO_ICMPV6 ? 0 : s->flow_label));
	put16(b + 4, l4len);
	b[6] = proto;
	b[7] = TTL;
	memcpy(b + 8, s->ep[dir].addr, 16);
	memcpy(b + 24, s->ep[!dir].addr, 16);
	return IPV6_LEN;
}

/* MSS, SACK permitted, timestamps, window scale 7: what Linux puts in a SYN. */
static size_t syn_options(uint8_t *o, const struct gen_session *s, uint32_t tsval, uint32_t tsecr)
{
	o[0] = 2;
	o[1] = 4;
	put16(o + 2, s->seg_payload + 12u);
	o[4] = 4;
	o[5] = 2;
	o[6] = 8;
	o[7] = 10;
	put32(o + 8, tsval);
	put32(o + 12, tsecr);
	o[16] = 1;
	o[17] = 3;
	o[18] = 3;
	o[19] = 7;
	return 20;
}

static size_t ts_options(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	put32(o + 4, tsval);
	put32(o + 8, tsecr);
	return 12;
}

static uint16_t tcp_window(const struct gen_session *s, uint8_t flags)
{
	if (flags & GEN_TCP_RST)
		return 0;
	if (flags & GEN_TCP_SYN)
		return flags & GEN_TCP_ACK ? (s->family == 4 ? 65160 : 64800) : 64240;
	return 502; /* about 64 KiB at window scale 7 */
}

/* A TCP segment after the IP header at t; returns its length. */
static size_t tcp_segment(uint8_t *t, struct gen_session *s, const struct gen_step *st,
                          const uint8_t *pattern, uint64_t now_us)
{
	int dir = st->dir;
	size_t hlen = TCP_LEN;
	put16(t, s->ep[dir].port);
	put16(t + 2, s->ep[!dir].port);
	put32(t + 4, st->seq);
	put32(t + 8, st->ack);
	t[13] = st->flags;
	put16(t + 14, tcp_window(s, st->flags));
	put32(t + 16, 0);
	if (!(st->flags & GEN_TCP_RST)) {
		uint32_t tsval = (uint32_t)(now_us / 1000) + s->ts_offset[dir];
		uint32_t tsecr = st->flags == GEN_TCP_SYN ? 0 : s->last_tsval[!dir];
		s->last_tsval[dir] = tsval;
		hlen += st->flags & GEN_TCP_SYN ? syn_options(t + hlen, s, tsval, tsecr)
		                                : ts_options(t + hlen, tsval, tsecr);
	}
	t[12] = (uint8_t)(hlen / 4 << 4);
	uint32_t off = (st->seq - s->isn[dir] - 1) & (GEN_PATTERN_LEN - 1);
	memcpy(t + hlen, pattern + off, st->len);
	uint32_t len = (uint32_t)hlen + st->len;
	put16(t + 16, (uint16_t)~wc_csum_fold(wc_csum_add(pseudo_sum(s, dir, PROTO_TCP, len), t, len)));
	return len;
}

static size_t udp_datagram(uint8_t *u, struct gen_session *s, const struct gen_step *st,
                           const uint8_t *pattern)
{
	int dir = st->dir;
	uint32_t len = UDP_LEN + st->len;
	uint32_t off = st->seq & (GEN_PATTERN_LEN - 1);
	put16(u, s->ep[dir].port);
	put16(u + 2, s->ep[!dir].port);
	put16(u + 4, len);
	put16(u + 6, 0);
	memcpy(u + UDP_LEN, pattern + off, st->len);
	if (st->csum == GEN_CSUM_ZERO)
		return len;
	uint32_t pseudo = pseudo_sum(s, dir, PROTO_UDP, len);
	uint16_t c = (uint16_t)~wc_csum_fold(wc_csum_add(pseudo, u, len));
	if (c == 0)
		c = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
	put16(u + 6, st->csum == GEN_CSUM_BAD ? corrupt(c, pseudo) : c);
	return len;
}

/* Port unreachable from the server, quoting the client's last datagram. */
static size_t icmp_unreach(uint8_t *m, struct gen_session *s)
{
	bool v4 = s->family == 4;
	size_t room = (v4 ? ICMP4_ERROR_MAX - IPV4_LEN : ICMP6_ERROR_MAX - IPV6_LEN) - ICMP_LEN;
	size_t q = s->quote_len < room ? s->quote_len : room;
	m[0] = v4 ? 3 : 1; /* destination unreachable */
	m[1] = v4 ? 3 : 4; /* port unreachable */
	put16(m + 2, 0);
	put32(m + 4, 0);
	memcpy(m + ICMP_LEN, s->quote, q);
	uint32_t len = (uint32_t)(ICMP_LEN + q);
	uint32_t sum = v4 ? 0 : pseudo_sum(s, GEN_DIR_SERVER, PROTO_ICMPV6, len);
	put16(m + 2, (uint16_t)~wc_csum_fold(wc_csum_add(sum, m, len)));
	return len;
}

uint8_t *gen_pattern_new(struct gen_rng *rng)
{
	uint8_t *p = malloc(GEN_PATTERN_LEN + GEN_FRAME_MAX);
	if (!p)
		return NULL;
	for (size_t i = 0; i < GEN_PATTERN_LEN; i++)
		p[i] = (uint8_t)gen_range(rng, ' ', '~');
	memcpy(p + GEN_PATTERN_LEN, p, GEN_FRAME_MAX);
	return p;
}

size_t gen_frame(uint8_t *buf, struct gen_session *s, const struct gen_step *st,
                 const uint8_t *pattern, uint64_t now_us)
{
	int dir = st->dir;
	size_t iph = s->family == 4 ? IPV4_LEN : IPV6_LEN;
	uint8_t *ip = buf + ethernet(buf, s, dir);
	uint8_t *l4 = ip + iph;
	uint8_t proto;
	size_t l4len;
	switch (st->kind) {
	case GEN_TCP:
		proto = PROTO_TCP;
		l4len = tcp_segment(l4, s, st, pattern, now_us);
		break;
	case GEN_UDP:
		proto = PROTO_UDP;
		l4len = udp_datagram(l4, s, st, pattern);
		break;
	default:
		proto = s->family == 4 ? PROTO_ICMP : PROTO_ICMPV6;
		l4len = icmp_unreach(l4, s);
		break;
	}
	ip_header(ip, s, dir, proto, (uint32_t)l4len);
	size_t len = ETH_LEN + iph + l4len;
	if (st->kind == GEN_UDP && s->ending == GEN_END_UDP_CLOSED) {
		s->quote_len = (uint16_t)(iph + l4len < GEN_QUOTE_MAX ? iph + l4len : GEN_QUOTE_MAX);
		memcpy(s->quote, ip, s->quote_len);
	}
	if (len < ETH_MIN_FRAME) {
		memset(buf + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	return len;
}
