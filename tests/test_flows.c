/* test_flows.c — the flow table: UDP flows and digests, ICMP errors matched, expiry (UDP defaults included), bounded memory, hand-over order. */
#include <stdio.h>
#include <string.h>

#include "flow.h"
#include "flow_helpers.h"
#include "unit.h"

#define ACK WC_TH_ACK
#define SYN WC_TH_SYN
#define FIN WC_TH_FIN

/* XXH3 64-bit digests, as `xxhsum -H3` prints them for files holding these bytes. */
#define XXH3_A 0xe6c632b61e964e1full
#define XXH3_FOOBAR 0xd78fda63144c5c84ull

static void test_udp_order_and_digest(void)
{
	struct fx x;
	fx_init(&x);
	fx_start(&x);
	const struct wc_pkt_note *n = fx_udp(&x, "192.0.2.1", 5000, "192.0.2.2", 53, "a", 1, 0x1111);
	CU_ASSERT_EQUAL(n->kind, WC_FLOW_UDP);
	CU_ASSERT_EQUAL(n->flow_id, 0);
	CU_ASSERT_EQUAL(n->dir, 0);
	CU_ASSERT_EQUAL(n->datagram_index, 0);
	n = fx_udp(&x, "192.0.2.2", 53, "192.0.2.1", 5000, "foobar", 6, 0);
	CU_ASSERT_EQUAL(n->flow_id, 0);
	CU_ASSERT_EQUAL(n->dir, 1);
	CU_ASSERT_EQUAL(n->datagram_index, 1);
	n = fx_udp(&x, "192.0.2.3", 5000, "192.0.2.2", 53, "a", 1, 0x2222);
	CU_ASSERT_EQUAL(n->flow_id, 1);
	CU_ASSERT_EQUAL(n->datagram_index, 0);
	n = fx_udp(&x, "192.0.2.1", 5000, "192.0.2.2", 53, "foobar", 6, 0x3333);
	CU_ASSERT_EQUAL(n->flow_id, 0);
	CU_ASSERT_EQUAL(n->datagram_index, 2);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.udp_done, 2);
	const struct wc_udp_flow *f = &x.udp[0];
	CU_ASSERT_EQUAL(f->id, 0);
	CU_ASSERT_EQUAL(f->port[0], 5000);
	CU_ASSERT_EQUAL(f->port[1], 53);
	CU_ASSERT_EQUAL(f->addr[0].bytes[3], 1);
	CU_ASSERT_EQUAL(f->datagrams[0], 2);
	CU_ASSERT_EQUAL(f->datagrams[1], 1);
	CU_ASSERT_EQUAL(f->bytes[0], 7);
	CU_ASSERT_EQUAL(f->bytes[1], 6);
	CU_ASSERT_EQUAL(f->min_len, 1);
	CU_ASSERT_EQUAL(f->max_len, 6);
	CU_ASSERT_EQUAL(f->checksum_zero, 1);
	CU_ASSERT_EQUAL(f->first_frame, 1);
	CU_ASSERT_EQUAL(f->last_frame, 4);
	CU_ASSERT_EQUAL_FATAL(f->list_count, 3);
	CU_ASSERT_FALSE(f->list_capped);
	CU_ASSERT_EQUAL(f->list[0].frame, 1);
	CU_ASSERT_EQUAL(f->list[0].dir, 0);
	CU_ASSERT_EQUAL(f->list[0].digest, XXH3_A);
	CU_ASSERT_TRUE(f->list[0].payload_complete);
	CU_ASSERT_EQUAL(f->list[1].frame, 2);
	CU_ASSERT_EQUAL(f->list[1].dir, 1);
	CU_ASSERT_EQUAL(f->list[1].digest, XXH3_FOOBAR);
	CU_ASSERT_EQUAL(f->list[1].csum, WC_CSUM_ZERO);
	CU_ASSERT_EQUAL(f->list[2].frame, 4);
	CU_ASSERT_EQUAL(f->list[2].len, 6);
	CU_ASSERT_EQUAL(f->list[2].csum_value, 0x3333);
	CU_ASSERT_EQUAL(x.udp[1].id, 1);
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->udp_flows, 2);
	fx_free(&x);
}

static void test_datagram_cap(void)
{
	struct fx x;
	fx_init(&x);
	x.opts.max_datagrams = 3;
	fx_start(&x);
	for (int i = 0; i < 5; i++)
		fx_udp(&x, "192.0.2.1", 5000, "192.0.2.2", 9, "a", 1, 0x1111);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.udp_done, 1);
	CU_ASSERT_EQUAL(x.udp[0].list_count, 3);
	CU_ASSERT_TRUE(x.udp[0].list_capped);
	CU_ASSERT_EQUAL(x.udp[0].datagrams[0], 5);
	fx_free(&x);
}

static void test_icmp_port_unreachable(void)
{
	struct fx x;
	fx_init(&x);
	fx_start(&x);
	fx_udp(&x, "10.0.0.1", 5000, "10.0.0.2", 9999, "a", 1, 0x1111);      /* 1 */
	fx_udp(&x, "10.0.0.1", 5000, "10.0.0.2", 9999, "foobar", 6, 0x2222); /* 2 */
	fx_udp(&x, "10.0.0.1", 5000, "10.0.0.2", 9999, "a", 1, 0x3333);      /* 3 */
	const struct wc_pkt_note *n =
		fx_icmp_unreach(&x, "10.0.0.2", "10.0.0.1", "10.0.0.1", 5000, "10.0.0.2", 9999, 14, 0x2222);
	CU_ASSERT_EQUAL(n->kind, WC_FLOW_NONE);
	CU_ASSERT_TRUE(n->icmp_matched);
	CU_ASSERT_EQUAL(n->icmp_flow_kind, WC_FLOW_UDP);
	CU_ASSERT_EQUAL(n->icmp_flow_id, 0);
	CU_ASSERT_EQUAL(n->icmp_quoted_frame, 2);
	n = fx_icmp_unreach(&x, "10.0.0.2", "10.0.0.1", "10.0.0.1", 5000, "10.0.0.2", 9999, 9, 0x3333);
	CU_ASSERT_EQUAL(n->icmp_quoted_frame, 3);
	n = fx_icmp_unreach(&x, "10.0.0.2", "10.0.0.1", "10.0.0.1", 5000, "10.0.0.2", 9999, 9, 0x1111);
	CU_ASSERT_EQUAL(n->icmp_quoted_frame, 1);
	n = fx_icmp_unreach(&x, "10.0.0.2", "10.0.0.1", "10.0.0.1", 5001, "10.0.0.2", 9999, 9, 0x1111);
	CU_ASSERT_FALSE(n->icmp_matched);
	CU_ASSERT_EQUAL(n->icmp_flow_kind, WC_FLOW_NONE);
	CU_ASSERT_EQUAL_FATAL(x.icmp_seen, 4);
	CU_ASSERT_EQUAL(x.icmp[0].frame, 4);
	CU_ASSERT_EQUAL(x.icmp[0].type, 3);
	CU_ASSERT_EQUAL(x.icmp[0].code, 3);
	CU_ASSERT_EQUAL(x.icmp[0].flow_kind, WC_FLOW_UDP);
	CU_ASSERT_EQUAL(x.icmp[0].quoted_frame, 2);
	CU_ASSERT_EQUAL(x.icmp[0].from.bytes[3], 2);
	CU_ASSERT_EQUAL(x.icmp[3].flow_kind, WC_FLOW_NONE);
	CU_ASSERT_EQUAL(x.icmp[3].quoted_frame, 0);
	const struct wc_flow_totals *t = wc_flows_totals(x.ft);
	CU_ASSERT_EQUAL(t->icmp_errors, 4);
	CU_ASSERT_EQUAL(t->icmp_errors_matched, 3);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.udp_done, 1);
	CU_ASSERT_EQUAL(x.udp[0].icmp_errors, 3);
	CU_ASSERT_EQUAL(x.udp[0].first_icmp_frame, 4);
	fx_free(&x);
}

static void test_icmp_quoting_tcp(void)
{
	struct fx x;
	struct tc c;
	fx_init(&x);
	fx_start(&x);
	tc_init(&c, &x, "10.0.0.1", 40000, "10.0.0.2", 80);
	tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	/* a router says the host is unreachable, quoting the SYN as the client sent it */
	const struct wc_pkt_note *n = fx_icmp_tcp(&x, "10.0.0.254", "10.0.0.1", 1, "10.0.0.1", 40000, "10.0.0.2", 80, 1000);
	CU_ASSERT_TRUE(n->icmp_matched);
	CU_ASSERT_EQUAL(n->icmp_flow_kind, WC_FLOW_TCP);
	CU_ASSERT_EQUAL(n->icmp_flow_id, 0);
	CU_ASSERT_EQUAL(n->icmp_quoted_frame, 2);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.icmp_seen, 1);
	CU_ASSERT_EQUAL(x.icmp[0].code, 1);
	CU_ASSERT_EQUAL(x.icmp[0].flow_kind, WC_FLOW_TCP);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 1);
	CU_ASSERT_EQUAL(x.tcp[0].icmp_errors, 1);
	CU_ASSERT_EQUAL(x.tcp[0].first_icmp_frame, 3);
	CU_ASSERT_STRING_EQUAL(x.tcp[0].conn_state, "S0");
	fx_free(&x);
}

/* A full connection on the given client port, frames 7 at a time. */
static void short_connection(struct tc *c)
{
	tc_send(c, 0, SYN, 1000, 0, NULL, 0);
	tc_send(c, 1, SYN | ACK, 5000, 1001, NULL, 0);
	tc_send(c, 0, ACK, 1001, 5001, NULL, 0);
	tc_send(c, 0, FIN | ACK, 1001, 5001, NULL, 0);
	tc_send(c, 1, ACK, 5001, 1002, NULL, 0);
	tc_send(c, 1, FIN | ACK, 5001, 1002, NULL, 0);
	tc_send(c, 0, ACK, 1002, 5002, NULL, 0);
}

static void test_linger_expiry(void)
{
	struct fx x;
	struct tc c;
	fx_init(&x);
	x.opts.linger_ns = 1000000000;
	x.opts.idle_timeout_ns = 5000000000LL;
	fx_start(&x);
	tc_init(&c, &x, "10.0.0.1", 40000, "10.0.0.2", 80);
	short_connection(&c); /* frames 1-7, closed at frame 7 */
	x.ts += 500000000;
	fx_udp(&x, "10.0.0.9", 7, "10.0.0.8", 7, "a", 1, 1);
	CU_ASSERT_EQUAL(x.tcp_done, 0); /* quiet for half a second only */
	x.ts += 600000000;
	fx_udp(&x, "10.0.0.9", 7, "10.0.0.8", 7, "a", 1, 1);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 1);
	CU_ASSERT_STRING_EQUAL(x.tcp[0].conn_state, "SF");
	CU_ASSERT_EQUAL(x.tcp[0].time_wait_side, 0);
	CU_ASSERT_EQUAL(x.tcp[0].seg_count, 7);
	CU_ASSERT_EQUAL(x.udp_done, 0);
	/* the UDP flow goes idle: finished once 5 s pass without a datagram on it */
	x.ts += 6000000000LL;
	tc_send(&c, 0, ACK, 1, 1, NULL, 0); /* a late ACK: the tuple is unknown again, a new connection */
	CU_ASSERT_EQUAL(x.udp_done, 1);
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->peak_open_flows, 2);
	fx_finish(&x);
	CU_ASSERT_EQUAL(x.tcp_done, 2);
	fx_free(&x);
}

/* Default timeouts: a quiet UDP flow ends after 60 s; one refused by an ICMP port
 * unreachable after the 10 s linger, unless the refused side answers after all. */
static void test_udp_expiry_defaults(void)
{
	struct fx x;
	fx_init(&x);
	fx_start(&x);
	fx_udp(&x, "10.0.0.1", 5000, "10.0.0.2", 53, "q", 1, 1);                              /* flow 0 */
	fx_udp(&x, "10.0.0.1", 5001, "10.0.0.2", 9999, "a", 1, 2);                            /* flow 1 */
	fx_icmp_unreach(&x, "10.0.0.2", "10.0.0.1", "10.0.0.1", 5001, "10.0.0.2", 9999, 9, 2); /* refuses 1 */
	fx_udp(&x, "10.0.0.1", 5002, "10.0.0.2", 7777, "b", 1, 3);                            /* flow 2 */
	fx_icmp_unreach(&x, "10.0.0.2", "10.0.0.1", "10.0.0.1", 5002, "10.0.0.2", 7777, 9, 3); /* refuses 2 */
	fx_udp(&x, "10.0.0.2", 7777, "10.0.0.1", 5002, "r", 1, 4);                            /* 2 answers */
	x.ts += 9000000000LL;
	fx_udp(&x, "10.0.0.9", 1, "10.0.0.8", 1, "t", 1, 5); /* flow 3, a clock tick */
	CU_ASSERT_EQUAL(x.udp_done, 0);
	x.ts += 2000000000LL;
	fx_udp(&x, "10.0.0.9", 1, "10.0.0.8", 1, "t", 1, 5);
	CU_ASSERT_EQUAL_FATAL(x.udp_done, 1); /* the refused flow, 11 s after its error */
	CU_ASSERT_EQUAL(x.udp[0].id, 1);
	CU_ASSERT_EQUAL(x.udp[0].icmp_errors, 1);
	x.ts += 48000000000LL; /* 59.0x s after flows 0 and 2 */
	fx_udp(&x, "10.0.0.9", 1, "10.0.0.8", 1, "t", 1, 5);
	CU_ASSERT_EQUAL(x.udp_done, 1);
	x.ts += 1000000000LL;
	fx_udp(&x, "10.0.0.9", 1, "10.0.0.8", 1, "t", 1, 5);
	CU_ASSERT_EQUAL_FATAL(x.udp_done, 3);
	CU_ASSERT_EQUAL(x.udp[1].id, 0);
	CU_ASSERT_EQUAL(x.udp[2].id, 2);
	CU_ASSERT_EQUAL(x.udp[2].datagrams[1], 1);
	/* the tuple of the finished flow 0 starts flow 4 */
	const struct wc_pkt_note *n = fx_udp(&x, "10.0.0.1", 5000, "10.0.0.2", 53, "q", 1, 1);
	CU_ASSERT_EQUAL(n->flow_id, 4);
	CU_ASSERT_EQUAL(n->datagram_index, 0);
	fx_finish(&x);
	CU_ASSERT_EQUAL(x.udp_done, 5);
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->udp_flows, 5);
	fx_free(&x);
}

static void test_many_connections_bounded(void)
{
	struct fx x;
	struct tc c, lived;
	fx_init(&x);
	x.opts.keep_segments = false;
	x.opts.payload_cap = 0;
	x.opts.linger_ns = 10000000; /* 10 ms */
	x.step_ns = 10000;           /* 10 µs a frame: a connection every 70 µs */
	fx_start(&x);
	tc_init(&lived, &x, "10.1.0.1", 50000, "10.2.0.1", 22);
	tc_send(&lived, 0, SYN, 1, 0, NULL, 0);
	tc_send(&lived, 1, SYN | ACK, 1, 2, NULL, 0);
	tc_send(&lived, 0, ACK, 2, 2, NULL, 0);
	uint32_t seq = 2;
	for (int i = 0; i < 100000; i++) {
		char client[32];
		snprintf(client, sizeof client, "10.3.%d.%d", (i >> 8) & 0xff, i & 0xff);
		tc_init(&c, &x, client, (uint16_t)(10000 + i / 65536), "10.2.0.1", 80);
		short_connection(&c);
		if (i % 1000 == 0) {
			tc_send(&lived, 0, ACK, seq, 2, "k", 1); /* the long connection stays busy */
			seq++;
		}
	}
	const struct wc_flow_totals *t = wc_flows_totals(x.ft);
	CU_ASSERT_EQUAL(t->tcp_connections, 100001);
	CU_ASSERT_EQUAL(t->handshakes_complete, 100001);
	CU_ASSERT_EQUAL(t->fin_both_dirs, 100000);
	/* A connection closes every 70 µs and lingers 10 ms: 143 closed ones wait at most,
	 * beside the one being opened and the long-lived one. */
	CU_ASSERT_EQUAL(t->peak_open_flows, 145);
	CU_ASSERT_EQUAL(x.tcp_done, 100001 - t->peak_open_flows + 1);
	fx_finish(&x);
	CU_ASSERT_EQUAL(x.tcp_done, 100001);
	fx_free(&x);
}

static void test_finish_in_id_order(void)
{
	struct fx x;
	struct tc a, b;
	fx_init(&x);
	fx_start(&x);
	tc_init(&a, &x, "10.0.0.1", 1111, "10.0.0.2", 80);
	tc_init(&b, &x, "10.0.0.3", 2222, "10.0.0.2", 80);
	fx_udp(&x, "10.0.0.1", 53, "10.0.0.2", 53, "a", 1, 1);
	tc_send(&a, 0, SYN, 1, 0, NULL, 0);
	fx_udp(&x, "10.0.0.5", 53, "10.0.0.2", 53, "a", 1, 1);
	tc_send(&b, 0, SYN, 1, 0, NULL, 0);
	tc_send(&a, 1, SYN | ACK, 1, 2, NULL, 0); /* a is now the most recently active */
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 2);
	CU_ASSERT_EQUAL(x.tcp[0].id, 0);
	CU_ASSERT_EQUAL(x.tcp[0].side[0].port, 1111);
	CU_ASSERT_EQUAL(x.tcp[1].id, 1);
	CU_ASSERT_EQUAL_FATAL(x.udp_done, 2);
	CU_ASSERT_EQUAL(x.udp[0].id, 0);
	CU_ASSERT_EQUAL(x.udp[1].id, 1);
	fx_free(&x);
}

static void test_ipv6_flow(void)
{
	struct fx x;
	struct tc c;
	fx_init(&x);
	fx_start(&x);
	tc_init(&c, &x, "2001:db8::1", 40000, "2001:db8::2", 80);
	tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	const struct wc_pkt_note *n = tc_send(&c, 1, SYN | ACK, 5000, 1001, NULL, 0);
	CU_ASSERT_EQUAL(n->flow_id, 0);
	CU_ASSERT_EQUAL(n->dir, 1);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 1);
	CU_ASSERT_EQUAL(x.tcp[0].side[0].addr.family, 6);
	CU_ASSERT_STRING_EQUAL(x.tcp[0].history, "Sh");
	fx_free(&x);
}

static const struct wc_test flow_tests[] = {
	{"UDP flows: order, directions, digests", test_udp_order_and_digest},
	{"UDP datagram list cap", test_datagram_cap},
	{"ICMP port unreachable matched to the quoted datagram", test_icmp_port_unreachable},
	{"ICMP error quoting a TCP segment", test_icmp_quoting_tcp},
	{"closed connection handed over after linger, idle UDP after timeout", test_linger_expiry},
	{"default UDP expiry: 60 s quiet, 10 s after a port unreachable", test_udp_expiry_defaults},
	{"100000 short connections keep the table small", test_many_connections_bounded},
	{"finish hands over in id order", test_finish_in_id_order},
	{"IPv6 connection", test_ipv6_flow},
	{NULL, NULL},
};
static const struct wc_suite flow_suite = {"flows", flow_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&flow_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
