/* test_decode.c — every decoder on hand-built frames: links, IPv4/IPv6, TCP, UDP,
 * ICMP/ICMPv6 with quotes, each malformed case and its anomaly, fragment reassembly. */
#include <string.h>

#include "decode.h"
#include "decode_frames.h"
#include "link.h"
#include "unit.h"

static struct wc_decoder *dec;
static struct wc_frame frame;
static struct wc_packet pkt;
static uint8_t buf[256];

/* Decode bytes as a whole frame (caplen = len). */
static void run(int linktype, const uint8_t *b, size_t n)
{
	frame = wc_test_frame(linktype, b, (uint32_t)n, (uint32_t)n, frame.number + 1, 0);
	wc_decode(dec, &frame, &pkt);
}

/* Decode a copy of b that the caller may change at buf before running. */
static uint8_t *copy(const uint8_t *b, size_t n)
{
	memcpy(buf, b, n);
	return buf;
}

static int has(enum wc_anomaly a)
{
	return wc_test_has_anomaly(&pkt, a);
}

static void test_ethernet_ipv4_tcp_options(void)
{
	run(1, fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.linktype, 1);
	CU_ASSERT_EQUAL(pkt.ethertype, 0x0800);
	CU_ASSERT_EQUAL(pkt.vlan_count, 0);
	CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV4);
	CU_ASSERT_EQUAL(pkt.ip.version, 4);
	CU_ASSERT_EQUAL(pkt.ip.hdr_len, 28);
	CU_ASSERT_EQUAL(pkt.ip.total_len, 93);
	CU_ASSERT_EQUAL(pkt.ip.opt_count, 2);
	CU_ASSERT_EQUAL(pkt.ip.id, 0x1234);
	CU_ASSERT_TRUE(pkt.ip.df);
	CU_ASSERT_FALSE(pkt.ip.is_fragment);
	CU_ASSERT_EQUAL(pkt.ip.ttl, 64);
	CU_ASSERT_EQUAL(pkt.ip.proto, 6);
	CU_ASSERT_EQUAL(pkt.ip.hdr_csum, WC_CSUM_OK);
	CU_ASSERT_EQUAL(pkt.ip.src.family, 4);
	CU_ASSERT_EQUAL(memcmp(pkt.ip.src.bytes, "\x0a\x00\x00\x01", 4), 0);
	CU_ASSERT_EQUAL(memcmp(pkt.ip.dst.bytes, "\x0a\x00\x00\x02", 4), 0);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_TCP);
	const struct wc_tcp *t = &pkt.u.tcp;
	CU_ASSERT_EQUAL(t->sport, 40000);
	CU_ASSERT_EQUAL(t->dport, 80);
	CU_ASSERT_EQUAL(t->seq, 0x11223344u);
	CU_ASSERT_EQUAL(t->ack, 0x55667788u);
	CU_ASSERT_EQUAL(t->flags, WC_TH_PSH | WC_TH_ACK);
	CU_ASSERT_EQUAL(t->hdr_len, 60);
	CU_ASSERT_EQUAL(t->window, 65535);
	CU_ASSERT_TRUE(t->has_mss);
	CU_ASSERT_EQUAL(t->mss, 1460);
	CU_ASSERT_TRUE(t->sack_perm);
	CU_ASSERT_TRUE(t->has_ts);
	CU_ASSERT_EQUAL(t->tsval, 0x01020304u);
	CU_ASSERT_EQUAL(t->tsecr, 0x05060708u);
	CU_ASSERT_TRUE(t->has_wscale);
	CU_ASSERT_EQUAL(t->wscale, 7);
	CU_ASSERT_EQUAL(t->sack_count, 2);
	CU_ASSERT_EQUAL(t->sack[0][0], 1000);
	CU_ASSERT_EQUAL(t->sack[0][1], 2000);
	CU_ASSERT_EQUAL(t->sack[1][0], 3000);
	CU_ASSERT_EQUAL(t->sack[1][1], 4000);
	CU_ASSERT_EQUAL(t->payload_len, 5);
	CU_ASSERT_EQUAL(t->payload_caplen, 5);
	CU_ASSERT_EQUAL(memcmp(t->payload, "hello", 5), 0);
	CU_ASSERT_EQUAL(t->csum_value, 0xb4df);
	CU_ASSERT_EQUAL(t->csum, WC_CSUM_OK);
}

static void test_ethernet_padding_not_payload(void)
{
	run(1, fr_eth_pad_udp, fr_eth_pad_udp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.ip.total_len, 30);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.len, 10);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 2);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_caplen, 2);
	CU_ASSERT_EQUAL(memcmp(pkt.u.udp.payload, "hi", 2), 0);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK); /* the 0xaa bytes are not summed */
}

static void test_vlan_ipv6_udp(void)
{
	run(1, fr_vlan_ipv6_udp, fr_vlan_ipv6_udp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.vlan_count, 1);
	CU_ASSERT_EQUAL(pkt.vlan[0], 100);
	CU_ASSERT_EQUAL(pkt.ethertype, 0x86dd);
	CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV6);
	CU_ASSERT_EQUAL(pkt.ip.version, 6);
	CU_ASSERT_EQUAL(pkt.ip.tos, 0x12);
	CU_ASSERT_EQUAL(pkt.ip.flow_label, 0xabcde);
	CU_ASSERT_EQUAL(pkt.ip.hdr_len, 40);
	CU_ASSERT_EQUAL(pkt.ip.total_len, 53);
	CU_ASSERT_EQUAL(pkt.ip.src.bytes[15], 1);
	CU_ASSERT_EQUAL(pkt.ip.dst.bytes[15], 2);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.sport, 5353);
	CU_ASSERT_EQUAL(pkt.u.udp.dport, 53);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 5);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK);
}

static void test_qinq(void)
{
	run(1, fr_qinq_ipv4_udp, fr_qinq_ipv4_udp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.vlan_count, 2);
	CU_ASSERT_EQUAL(pkt.vlan[0], 200);
	CU_ASSERT_EQUAL(pkt.vlan[1], 100);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.sport, 1000);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK);
}

static void test_ethernet_8023_length_is_not_ip(void)
{
	uint8_t *b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[12] = 0x00; /* type 0x002e = 46: an 802.3 length */
	b[13] = 0x2e;
	run(1, b, fr_eth_pad_udp_len);
	CU_ASSERT_EQUAL(pkt.net, WC_NET_OTHER);
	CU_ASSERT_EQUAL(pkt.ethertype, 0x002e);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
}

static void test_sll_ipv4_tcp(void)
{
	run(113, fr_sll_ipv4_tcp, fr_sll_ipv4_tcp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.linktype, 113);
	CU_ASSERT_EQUAL(pkt.ethertype, 0x0800);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_TCP);
	CU_ASSERT_EQUAL(pkt.u.tcp.flags, WC_TH_SYN);
	CU_ASSERT_EQUAL(pkt.u.tcp.seq, 1);
	CU_ASSERT_EQUAL(pkt.u.tcp.mss, 1460);
	CU_ASSERT_EQUAL(pkt.u.tcp.hdr_len, 24);
	CU_ASSERT_EQUAL(pkt.u.tcp.payload_len, 0);
	CU_ASSERT_EQUAL(pkt.u.tcp.csum, WC_CSUM_OK);
}

/* SLL2 / ICMP port unreachable quoting a whole UDP datagram. */
static void test_sll2_icmp_port_unreachable(void)
{
	run(276, fr_sll2_icmp_unreach, fr_sll2_icmp_unreach_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.ethertype, 0x0800);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_ICMP);
	const struct wc_icmp *ic = &pkt.u.icmp;
	CU_ASSERT_EQUAL(ic->version, 4);
	CU_ASSERT_EQUAL(ic->type, 3);
	CU_ASSERT_EQUAL(ic->code, 3);
	CU_ASSERT_TRUE(ic->is_error);
	CU_ASSERT_EQUAL(ic->csum, WC_CSUM_OK);
	CU_ASSERT_EQUAL(ic->payload_len, 33);
	CU_ASSERT_TRUE(ic->quote.present);
	CU_ASSERT_EQUAL(ic->quote.quoted_len, 33);
	CU_ASSERT_EQUAL(ic->quote.ip.version, 4);
	CU_ASSERT_EQUAL(ic->quote.ip.proto, 17);
	CU_ASSERT_EQUAL(ic->quote.ip.id, 7);
	CU_ASSERT_EQUAL(ic->quote.ip.src.bytes[3], 1);
	CU_ASSERT_EQUAL(ic->quote.ip.dst.bytes[3], 2);
	CU_ASSERT_TRUE(ic->quote.has_ports);
	CU_ASSERT_EQUAL(ic->quote.sport, 5000);
	CU_ASSERT_EQUAL(ic->quote.dport, 6000);
	CU_ASSERT_TRUE(ic->quote.has_udp_len);
	CU_ASSERT_EQUAL(ic->quote.udp_len, 13);
	CU_ASSERT_EQUAL(ic->quote.udp_csum, 0xf752); /* the lab exercise's "ABCDE" */
	CU_ASSERT_FALSE(ic->quote.has_tcp_seq);
}

/* A quote that holds only the header and 8 bytes (RFC 792) is normal. */
static void test_icmp_short_quote_is_normal(void)
{
	uint8_t *b = copy(fr_sll2_icmp_unreach, fr_sll2_icmp_unreach_len);
	size_t n = fr_sll2_icmp_unreach_len - 5; /* drop "ABCDE" */
	b[20 + 3] = (uint8_t)(n - 20);          /* outer total length */
	run(276, b, n);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_TRUE(pkt.u.icmp.quote.present);
	CU_ASSERT_EQUAL(pkt.u.icmp.quote.quoted_len, 28);
	CU_ASSERT_EQUAL(pkt.u.icmp.quote.ip.total_len, 33);
	CU_ASSERT_TRUE(pkt.u.icmp.quote.has_udp_len);
	CU_ASSERT_EQUAL(pkt.u.icmp.csum, WC_CSUM_BAD); /* the bytes changed, the field did not */
}

/* Fragmentation needed (3/4) carries the next-hop MTU in the low 16 bits. */
static void test_icmp_frag_needed_mtu(void)
{
	uint8_t *b = copy(fr_sll2_icmp_unreach, fr_sll2_icmp_unreach_len);
	b[41] = 4;
	b[46] = 0x05;
	b[47] = 0xdc;
	run(276, b, fr_sll2_icmp_unreach_len);
	CU_ASSERT_EQUAL(pkt.u.icmp.code, 4);
	CU_ASSERT_EQUAL(pkt.u.icmp.mtu, 1500);
	CU_ASSERT_TRUE(pkt.u.icmp.quote.present);
	b[40] = 8; /* echo request: not an error, id and sequence from the same word */
	b[41] = 0;
	run(276, b, fr_sll2_icmp_unreach_len);
	CU_ASSERT_FALSE(pkt.u.icmp.is_error);
	CU_ASSERT_FALSE(pkt.u.icmp.quote.present);
	CU_ASSERT_EQUAL(pkt.u.icmp.echo_id, 0);
	CU_ASSERT_EQUAL(pkt.u.icmp.echo_seq, 0x05dc);
}

/* A whole ICMP message of 4 bytes: shorter than the 8-byte header it must have. On the
 * wire that is a lie (malformed); cut by the snapshot length it is only truncated. */
static void test_icmp_too_short(void)
{
	static const uint8_t ip_icmp4[] = {
		0x45, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x03, 0x03, 0x00, 0x00,
	};
	run(101, ip_icmp4, sizeof ip_icmp4);
	CU_ASSERT_TRUE(has(WC_ANOM_ICMP_TOO_SHORT));
	CU_ASSERT_TRUE(pkt.malformed);
	CU_ASSERT_FALSE(pkt.truncated);
	CU_ASSERT_STRING_EQUAL(wc_anomaly_name(WC_ANOM_ICMP_TOO_SHORT), "icmp.too_short");

	uint8_t longer[24];
	memcpy(longer, ip_icmp4, sizeof longer);
	longer[3] = 0x28; /* total length 40: 20 bytes of ICMP, 4 captured */
	frame = wc_test_frame(101, longer, sizeof longer, 40, frame.number + 1, 0);
	wc_decode(dec, &frame, &pkt);
	CU_ASSERT_TRUE(has(WC_ANOM_ICMP_TRUNCATED));
	CU_ASSERT_FALSE(pkt.malformed);
}

static void test_icmp_quote_malformed(void)
{
	uint8_t *b = copy(fr_sll2_icmp_unreach, fr_sll2_icmp_unreach_len);
	b[48] = 0x55; /* quoted version 5 */
	run(276, b, fr_sll2_icmp_unreach_len);
	CU_ASSERT_TRUE(has(WC_ANOM_ICMP_QUOTE_MALFORMED));
	CU_ASSERT_TRUE(pkt.malformed);
	CU_ASSERT_FALSE(pkt.u.icmp.quote.present);
	b[48] = 0x44; /* quoted IHL 4 */
	run(276, b, fr_sll2_icmp_unreach_len);
	CU_ASSERT_TRUE(has(WC_ANOM_ICMP_QUOTE_MALFORMED));
	CU_ASSERT_FALSE(pkt.u.icmp.quote.present);
}

static void test_icmpv6_port_unreachable(void)
{
	run(1, fr_icmp6_unreach, fr_icmp6_unreach_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_ICMPV6);
	const struct wc_icmp *ic = &pkt.u.icmp;
	CU_ASSERT_EQUAL(ic->version, 6);
	CU_ASSERT_EQUAL(ic->type, 1);
	CU_ASSERT_EQUAL(ic->code, 4);
	CU_ASSERT_TRUE(ic->is_error);
	CU_ASSERT_EQUAL(ic->csum, WC_CSUM_OK);
	CU_ASSERT_TRUE(ic->quote.present);
	CU_ASSERT_EQUAL(ic->quote.ip.version, 6);
	CU_ASSERT_EQUAL(ic->quote.ip.proto, 17);
	CU_ASSERT_EQUAL(ic->quote.ip.opt_count, 1);
	CU_ASSERT_EQUAL(ic->quote.ip.hdr_len, 48);
	CU_ASSERT_EQUAL(ic->quote.ip.src.bytes[15], 1);
	CU_ASSERT_TRUE(ic->quote.has_ports);
	CU_ASSERT_EQUAL(ic->quote.sport, 5000);
	CU_ASSERT_EQUAL(ic->quote.dport, 6000);
	CU_ASSERT_EQUAL(ic->quote.udp_len, 13);
	CU_ASSERT_EQUAL(ic->quote.quoted_len, 61);

	/* packet too big carries a 32-bit MTU */
	uint8_t *b = copy(fr_icmp6_unreach, fr_icmp6_unreach_len);
	b[54] = 2;
	b[55] = 0;
	b[60] = 0x05;
	b[61] = 0x00;
	run(1, b, fr_icmp6_unreach_len);
	CU_ASSERT_TRUE(pkt.u.icmp.is_error);
	CU_ASSERT_EQUAL(pkt.u.icmp.mtu, 1280);
	CU_ASSERT_EQUAL(pkt.u.icmp.quote.sport, 5000);
	CU_ASSERT_EQUAL(pkt.u.icmp.csum, WC_CSUM_BAD);

	b = copy(fr_icmp6_unreach, fr_icmp6_unreach_len);
	b[62] = 0x40; /* quoted version 4 with IHL 0 */
	run(1, b, fr_icmp6_unreach_len);
	CU_ASSERT_TRUE(has(WC_ANOM_ICMPV6_QUOTE_MALFORMED));
}

static void test_null_both_orders_and_loop(void)
{
	run(0, fr_null_le_ipv6_tcp, fr_null_le_ipv6_tcp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV6);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_TCP);
	CU_ASSERT_EQUAL(pkt.u.tcp.seq, 0xfffffff0u);
	CU_ASSERT_EQUAL(pkt.u.tcp.mss, 1440);
	CU_ASSERT_EQUAL(pkt.u.tcp.wscale, 6);
	CU_ASSERT_EQUAL(pkt.u.tcp.csum, WC_CSUM_OK);

	run(0, fr_null_be_ipv4_udp, fr_null_be_ipv4_udp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV4);
	CU_ASSERT_EQUAL(pkt.u.udp.sport, 7);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK);

	/* AF_INET6 as Linux (10), BSD (24) and FreeBSD (28) write it */
	uint8_t *b = copy(fr_null_le_ipv6_tcp, fr_null_le_ipv6_tcp_len);
	static const uint8_t fams[] = {10, 24, 28};
	for (size_t i = 0; i < sizeof fams; i++) {
		b[0] = fams[i];
		run(0, b, fr_null_le_ipv6_tcp_len);
		CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV6);
		CU_ASSERT_EQUAL(pkt.l4, WC_L4_TCP);
	}

	/* LOOP is network order only */
	run(108, fr_null_be_ipv4_udp, fr_null_be_ipv4_udp_len);
	CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV4);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	run(108, fr_null_le_ipv6_tcp, fr_null_le_ipv6_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_NULL_UNKNOWN_FAMILY));
	CU_ASSERT_EQUAL(pkt.net, WC_NET_OTHER);
	CU_ASSERT_FALSE(pkt.malformed);

	b[0] = 99;
	run(0, b, fr_null_le_ipv6_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_NULL_UNKNOWN_FAMILY));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);
}

static void test_raw_links(void)
{
	static const int v4types[] = {101, 12, 14, 228};
	for (size_t i = 0; i < 4; i++) {
		run(v4types[i], fr_raw_ipv4_udp, fr_raw_ipv4_udp_len);
		CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
		CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV4);
		CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
		CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 0);
		CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK);
	}
	static const int v6types[] = {101, 12, 14, 229};
	for (size_t i = 0; i < 4; i++) {
		run(v6types[i], fr_raw_ipv6_echo, fr_raw_ipv6_echo_len);
		CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
		CU_ASSERT_EQUAL(pkt.net, WC_NET_IPV6);
		CU_ASSERT_EQUAL(pkt.l4, WC_L4_ICMPV6);
		CU_ASSERT_EQUAL(pkt.u.icmp.type, 128);
		CU_ASSERT_EQUAL(pkt.u.icmp.echo_id, 0x1234);
		CU_ASSERT_EQUAL(pkt.u.icmp.echo_seq, 7);
		CU_ASSERT_FALSE(pkt.u.icmp.is_error);
		CU_ASSERT_EQUAL(pkt.u.icmp.csum, WC_CSUM_OK);
	}
	/* LINKTYPE_IPV6 holding an IPv4 packet: like tshark, not IPv6 at all */
	run(229, fr_raw_ipv4_udp, fr_raw_ipv4_udp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV6_BAD_VERSION));
	CU_ASSERT_EQUAL(pkt.net, WC_NET_OTHER);
	CU_ASSERT_TRUE(wc_link_supported(276));
	CU_ASSERT_FALSE(wc_link_supported(105));
}

static void test_ipv6_extension_headers(void)
{
	run(1, fr_ipv6_ext_udp, fr_ipv6_ext_udp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.ip.opt_count, 3);
	CU_ASSERT_EQUAL(pkt.ip.hdr_len, 64);
	CU_ASSERT_EQUAL(pkt.ip.proto, 17);
	CU_ASSERT_FALSE(pkt.ip.is_fragment); /* atomic fragment: a whole packet */
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.sport, 4000);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 3);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK);

	uint8_t *b = copy(fr_ipv6_ext_udp, fr_ipv6_ext_udp_len);
	b[55] = 10; /* hop-by-hop of 88 bytes in a 35-byte payload */
	run(1, b, fr_ipv6_ext_udp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV6_EXTHDR_MALFORMED));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);

	b = copy(fr_ipv6_ext_udp, fr_ipv6_ext_udp_len);
	b[70] = 50; /* fragment header's next header: ESP ends parsing */
	run(1, b, fr_ipv6_ext_udp_len);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.ip.proto, 50);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_OTHER);
	b[70] = 59; /* no next header */
	run(1, b, fr_ipv6_ext_udp_len);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
}

static void test_link_malformed_and_truncated(void)
{
	run(147, fr_eth_pad_udp, fr_eth_pad_udp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_LINK_UNSUPPORTED));
	CU_ASSERT_EQUAL(pkt.net, WC_NET_NONE);
	CU_ASSERT_FALSE(pkt.malformed);

	run(1, fr_eth_pad_udp, 10);
	CU_ASSERT_TRUE(has(WC_ANOM_LINK_MALFORMED));
	frame = wc_test_frame(1, fr_eth_pad_udp, 10, 60, 1, 0);
	wc_decode(dec, &frame, &pkt);
	CU_ASSERT_TRUE(has(WC_ANOM_LINK_TRUNCATED));
	CU_ASSERT_TRUE(pkt.truncated);
	CU_ASSERT_FALSE(pkt.malformed);
	run(276, fr_sll2_icmp_unreach, 19);
	CU_ASSERT_TRUE(has(WC_ANOM_LINK_MALFORMED));
	run(113, fr_sll_ipv4_tcp, 15);
	CU_ASSERT_TRUE(has(WC_ANOM_LINK_MALFORMED));

	frame = wc_test_frame(1, fr_eth_pad_udp, 60, 50, 1, 0);
	wc_decode(dec, &frame, &pkt);
	CU_ASSERT_TRUE(has(WC_ANOM_FRAME_CAPLEN_GT_LEN));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
}

static void test_ipv4_malformed(void)
{
	uint8_t *b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[14] = 0x65;
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_BAD_VERSION));
	CU_ASSERT_EQUAL(pkt.net, WC_NET_OTHER);

	b[14] = 0x44;
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_HLEN_TOO_SMALL));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);

	b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[17] = 19; /* total length 19 < 20 */
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_LEN_TOO_SMALL));

	b[17] = 200; /* past the 46 bytes the frame has */
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_LEN_EXCEEDS_FRAME));
	CU_ASSERT_TRUE(pkt.malformed);
	CU_ASSERT_FALSE(pkt.truncated);
	/* the transport is still decoded from the bytes there are */
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.ip.hdr_csum, WC_CSUM_BAD);

	/* header checksum stored as 0 by offload */
	b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[24] = 0;
	b[25] = 0;
	run(1, b, 60);
	CU_ASSERT_EQUAL(pkt.ip.hdr_csum, WC_CSUM_PARTIAL);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	b[25] = 1;
	run(1, b, 60);
	CU_ASSERT_EQUAL(pkt.ip.hdr_csum, WC_CSUM_BAD);

	/* an option whose length runs past the header; decoding goes on */
	b = copy(fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	b[39] = 9;
	run(1, b, fr_eth_ipv4_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_OPT_MALFORMED));
	CU_ASSERT_EQUAL(pkt.ip.opt_count, 1);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_TCP);
	b[39] = 1; /* length 1 < 2 */
	run(1, b, fr_eth_ipv4_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_OPT_MALFORMED));

	/* an IPv4 header with no payload carries no transport header (tshark agrees) */
	b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[17] = 20;
	run(1, b, 60);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);
	CU_ASSERT_FALSE(pkt.malformed);
}

static void test_ipv6_malformed(void)
{
	uint8_t *b = copy(fr_vlan_ipv6_udp, fr_vlan_ipv6_udp_len);
	b[18] = 0x45;
	run(1, b, fr_vlan_ipv6_udp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV6_BAD_VERSION));
	CU_ASSERT_EQUAL(pkt.net, WC_NET_OTHER);

	b = copy(fr_vlan_ipv6_udp, fr_vlan_ipv6_udp_len);
	b[22] = 0x01; /* payload length 256 + 13 */
	run(1, b, fr_vlan_ipv6_udp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV6_LEN_EXCEEDS_FRAME));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_TRUE(has(WC_ANOM_UDP_LEN_SHORTER_THAN_IP));

	run(1, fr_vlan_ipv6_udp, 18 + 30);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV6_LEN_EXCEEDS_FRAME));
	CU_ASSERT_FALSE(pkt.truncated);
}

static void test_tcp_malformed(void)
{
	uint8_t *b = copy(fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	b[54] = 0x40; /* data offset 4 */
	run(1, b, fr_eth_ipv4_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_TCP_HLEN_TOO_SMALL));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_TCP);
	CU_ASSERT_EQUAL(pkt.u.tcp.sport, 40000);

	/* a 25-byte segment claiming a 60-byte header */
	b = copy(fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	b[17] = 28 + 25;
	run(1, b, 14 + 28 + 25);
	CU_ASSERT_TRUE(has(WC_ANOM_TCP_HLEN_EXCEEDS_SEGMENT));

	/* a segment too short for the fixed header */
	b[17] = 28 + 12;
	run(1, b, 14 + 28 + 12);
	CU_ASSERT_TRUE(has(WC_ANOM_TCP_HLEN_EXCEEDS_SEGMENT));
	CU_ASSERT_FALSE(pkt.truncated);

	b = copy(fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	b[63] = 1; /* MSS length 1 */
	run(1, b, fr_eth_ipv4_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_TCP_OPT_MALFORMED));
	CU_ASSERT_EQUAL(pkt.u.tcp.payload_len, 5); /* the rest still decoded */

	b = copy(fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	b[85] = 40; /* SACK length runs past the header */
	run(1, b, fr_eth_ipv4_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_TCP_OPT_MALFORMED));
	CU_ASSERT_TRUE(pkt.u.tcp.has_ts);

	b = copy(fr_eth_ipv4_tcp, fr_eth_ipv4_tcp_len);
	b[63] = 6; /* MSS with the wrong length */
	run(1, b, fr_eth_ipv4_tcp_len);
	CU_ASSERT_TRUE(has(WC_ANOM_TCP_OPT_MALFORMED));
	CU_ASSERT_FALSE(pkt.u.tcp.has_mss);
}

static void test_udp_malformed(void)
{
	uint8_t *b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[39] = 5;
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_UDP_LEN_TOO_SMALL));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.len, 5);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_NONE);

	b[39] = 11;
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_UDP_LEN_EXCEEDS_IP));

	b[39] = 9;
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_UDP_LEN_SHORTER_THAN_IP));
	CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 1);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_caplen, 1);

	/* IP payload of 4 bytes: no room for the header */
	b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[17] = 24;
	run(1, b, 60);
	CU_ASSERT_TRUE(has(WC_ANOM_UDP_LEN_EXCEEDS_IP));
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);

	/* checksum disabled over IPv4 */
	b = copy(fr_eth_pad_udp, fr_eth_pad_udp_len);
	b[40] = 0;
	b[41] = 0;
	run(1, b, 60);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_ZERO);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
}

static void test_payload_cut_is_unverifiable(void)
{
	/* the snapshot cut "hello" after "he": headers whole, no anomaly */
	frame = wc_test_frame(1, fr_eth_ipv4_tcp, (uint32_t)fr_eth_ipv4_tcp_len - 3,
	                      (uint32_t)fr_eth_ipv4_tcp_len, 1, 0);
	wc_decode(dec, &frame, &pkt);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_EQUAL(pkt.u.tcp.csum, WC_CSUM_UNVERIFIABLE);
	CU_ASSERT_EQUAL(pkt.u.tcp.payload_len, 5);
	CU_ASSERT_EQUAL(pkt.u.tcp.payload_caplen, 2);
	CU_ASSERT_EQUAL(pkt.ip.hdr_csum, WC_CSUM_OK);
}

/* ---- fragments ---- */

static struct {
	uint64_t first[8];
	enum wc_anomaly a[8];
	int n;
} flushed;

static void on_flush(uint64_t first_frame, enum wc_anomaly a, void *arg)
{
	(void)arg;
	if (flushed.n < 8) {
		flushed.first[flushed.n] = first_frame;
		flushed.a[flushed.n] = a;
	}
	flushed.n++;
}

static void flush(void)
{
	memset(&flushed, 0, sizeof flushed);
	wc_decoder_flush(dec, on_flush, NULL);
}

static void frag(struct wc_decoder *d, const uint8_t *b, size_t n, uint64_t number, int64_t ts)
{
	frame = wc_test_frame(1, b, (uint32_t)n, (uint32_t)n, number, ts);
	wc_decode(d, &frame, &pkt);
}

static void check_v4_whole(uint64_t first, uint16_t count)
{
	CU_ASSERT_TRUE(pkt.ip.is_fragment);
	CU_ASSERT_TRUE(pkt.ip.reassembled);
	CU_ASSERT_EQUAL(pkt.ip.frag_first_frame, first);
	CU_ASSERT_EQUAL(pkt.ip.frag_count, count);
	CU_ASSERT_EQUAL(pkt.ip.total_len, 68);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.sport, 9000);
	CU_ASSERT_EQUAL(pkt.u.udp.len, 48);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 40);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_caplen, 40);
	CU_ASSERT_EQUAL(pkt.u.udp.payload[0], 0x41);
	CU_ASSERT_EQUAL(pkt.u.udp.payload[39], 0x68);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK); /* over the whole datagram */
}

static void test_ipv4_fragments_in_order(void)
{
	frag(dec, fr_v4frag0, fr_v4frag0_len, 10, 0);
	CU_ASSERT_TRUE(pkt.ip.is_fragment);
	CU_ASSERT_TRUE(pkt.ip.more_fragments);
	CU_ASSERT_EQUAL(pkt.ip.frag_offset, 0);
	CU_ASSERT_FALSE(pkt.ip.reassembled);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);
	frag(dec, fr_v4frag1, fr_v4frag1_len, 11, 1);
	CU_ASSERT_EQUAL(pkt.ip.frag_offset, 16);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);
	frag(dec, fr_v4frag2, fr_v4frag2_len, 12, 2);
	CU_ASSERT_EQUAL(pkt.ip.frag_offset, 32);
	CU_ASSERT_FALSE(pkt.ip.more_fragments);
	check_v4_whole(10, 3);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	flush();
	CU_ASSERT_EQUAL(flushed.n, 0);
}

static void test_ipv4_fragments_out_of_order_and_duplicate(void)
{
	frag(dec, fr_v4frag2, fr_v4frag2_len, 20, 0);
	frag(dec, fr_v4frag0, fr_v4frag0_len, 21, 0);
	frag(dec, fr_v4frag0, fr_v4frag0_len, 22, 0); /* duplicate: no new bytes */
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_FALSE(pkt.ip.reassembled);
	frag(dec, fr_v4frag1, fr_v4frag1_len, 23, 0);
	check_v4_whole(20, 3);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	flush();
	CU_ASSERT_EQUAL(flushed.n, 0);
}

static void test_ipv4_fragment_overlap(void)
{
	frag(dec, fr_v4frag0, fr_v4frag0_len, 30, 0);
	frag(dec, fr_v4frag1, fr_v4frag1_len, 31, 0);
	frag(dec, fr_v4frag1_conflict, fr_v4frag1_conflict_len, 32, 0);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_FRAG_OVERLAP));
	frag(dec, fr_v4frag2, fr_v4frag2_len, 33, 0);
	check_v4_whole(30, 3); /* the bytes that came first are kept */
}

static void test_ipv4_fragments_incomplete_and_expired(void)
{
	frag(dec, fr_v4frag0, fr_v4frag0_len, 40, 0);
	/* the rest arrives more than 30 s later: the first set was given up */
	frag(dec, fr_v4frag1, fr_v4frag1_len, 41, 31000000000LL);
	frag(dec, fr_v4frag2, fr_v4frag2_len, 42, 31000000000LL);
	CU_ASSERT_FALSE(pkt.ip.reassembled);
	flush();
	CU_ASSERT_EQUAL(flushed.n, 2);
	CU_ASSERT_EQUAL(flushed.first[0], 40);
	CU_ASSERT_EQUAL(flushed.first[1], 41);
	CU_ASSERT_EQUAL(flushed.a[0], WC_ANOM_IPV4_FRAG_INCOMPLETE);
	flush();
	CU_ASSERT_EQUAL(flushed.n, 0);
}

static void test_ipv4_fragment_too_large(void)
{
	uint8_t *b = copy(fr_v4frag2, fr_v4frag2_len);
	b[20] = 0x1f; /* offset 8191 * 8 = 65528 */
	b[21] = 0xff;
	frag(dec, b, fr_v4frag2_len, 50, 0);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV4_FRAG_TOO_LARGE));
	flush();
	CU_ASSERT_EQUAL(flushed.n, 0);
}

static void test_ipv6_fragments(void)
{
	frag(dec, fr_v6frag1, fr_v6frag1_len, 60, 0);
	CU_ASSERT_TRUE(pkt.ip.is_fragment);
	CU_ASSERT_EQUAL(pkt.ip.frag_offset, 24);
	CU_ASSERT_FALSE(pkt.ip.more_fragments);
	CU_ASSERT_EQUAL(pkt.ip.id, 0x0304);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_NONE);
	frag(dec, fr_v6frag0, fr_v6frag0_len, 61, 0);
	CU_ASSERT_EQUAL(pkt.anomaly_count, 0);
	CU_ASSERT_TRUE(pkt.ip.reassembled);
	CU_ASSERT_EQUAL(pkt.ip.frag_first_frame, 60);
	CU_ASSERT_EQUAL(pkt.ip.frag_count, 2);
	CU_ASSERT_EQUAL(pkt.ip.total_len, 88);
	CU_ASSERT_EQUAL(pkt.ip.proto, 17);
	CU_ASSERT_EQUAL(pkt.l4, WC_L4_UDP);
	CU_ASSERT_EQUAL(pkt.u.udp.len, 48);
	CU_ASSERT_EQUAL(pkt.u.udp.payload_len, 40);
	CU_ASSERT_EQUAL(pkt.u.udp.csum, WC_CSUM_OK);

	/* overlap with different content, then a set left incomplete */
	frag(dec, fr_v6frag0, fr_v6frag0_len, 70, 0);
	uint8_t *b = copy(fr_v6frag0, fr_v6frag0_len);
	b[fr_v6frag0_len - 1] ^= 0xff;
	frag(dec, b, fr_v6frag0_len, 71, 0);
	CU_ASSERT_TRUE(has(WC_ANOM_IPV6_FRAG_OVERLAP));
	flush();
	CU_ASSERT_EQUAL(flushed.n, 1);
	CU_ASSERT_EQUAL(flushed.first[0], 70);
	CU_ASSERT_EQUAL(flushed.a[0], WC_ANOM_IPV6_FRAG_INCOMPLETE);
}

/* More sets than the table holds: the oldest are given up, never an overflow. */
static void test_fragment_table_is_bounded(void)
{
	uint8_t *b = copy(fr_v4frag0, fr_v4frag0_len);
	for (int i = 0; i < 100; i++) {
		b[18] = (uint8_t)(i >> 8); /* a new IP id each time */
		b[19] = (uint8_t)i;
		frag(dec, b, fr_v4frag0_len, (uint64_t)(100 + i), 0);
	}
	flush();
	CU_ASSERT_EQUAL(flushed.n, 100);
	CU_ASSERT_EQUAL(flushed.first[0], 100);
	CU_ASSERT_EQUAL(flushed.first[7], 107);
}

static const struct wc_test link_tests[] = {
	{"ethernet_ipv4_tcp_options", test_ethernet_ipv4_tcp_options},
	{"ethernet_padding_not_payload", test_ethernet_padding_not_payload},
	{"vlan_ipv6_udp", test_vlan_ipv6_udp},
	{"qinq", test_qinq},
	{"ethernet_8023_length_is_not_ip", test_ethernet_8023_length_is_not_ip},
	{"sll_ipv4_tcp", test_sll_ipv4_tcp},
	{"sll2_icmp_port_unreachable", test_sll2_icmp_port_unreachable},
	{"null_both_orders_and_loop", test_null_both_orders_and_loop},
	{"raw_links", test_raw_links},
	{NULL, NULL},
};

static const struct wc_test layer_tests[] = {
	{"icmp_short_quote_is_normal", test_icmp_short_quote_is_normal},
	{"icmp_frag_needed_mtu", test_icmp_frag_needed_mtu},
	{"icmp_quote_malformed", test_icmp_quote_malformed},
	{"icmp_too_short", test_icmp_too_short},
	{"icmpv6_port_unreachable", test_icmpv6_port_unreachable},
	{"ipv6_extension_headers", test_ipv6_extension_headers},
	{"link_malformed_and_truncated", test_link_malformed_and_truncated},
	{"ipv4_malformed", test_ipv4_malformed},
	{"ipv6_malformed", test_ipv6_malformed},
	{"tcp_malformed", test_tcp_malformed},
	{"udp_malformed", test_udp_malformed},
	{"payload_cut_is_unverifiable", test_payload_cut_is_unverifiable},
	{NULL, NULL},
};

static const struct wc_test frag_tests[] = {
	{"ipv4_in_order", test_ipv4_fragments_in_order},
	{"ipv4_out_of_order_and_duplicate", test_ipv4_fragments_out_of_order_and_duplicate},
	{"ipv4_overlap", test_ipv4_fragment_overlap},
	{"ipv4_incomplete_and_expired", test_ipv4_fragments_incomplete_and_expired},
	{"ipv4_too_large", test_ipv4_fragment_too_large},
	{"ipv6", test_ipv6_fragments},
	{"table_is_bounded", test_fragment_table_is_bounded},
	{NULL, NULL},
};

static const struct wc_suite s_link = {"link", link_tests};
static const struct wc_suite s_layer = {"layers", layer_tests};
static const struct wc_suite s_frag = {"fragments", frag_tests};
static const struct wc_suite *const suites[] = {&s_link, &s_layer, &s_frag, NULL};

int main(int argc, char **argv)
{
	dec = wc_decoder_new(NULL);
	if (!dec)
		return 99;
	int rc = wc_unit_main(argc, argv, suites);
	wc_decoder_free(dec);
	return rc;
}
