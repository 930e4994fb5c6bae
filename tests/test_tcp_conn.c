/* test_tcp_conn.c — one TCP connection at a time: handshake, states, teardown, RST context, segment classes, reassembly. */
#include <string.h>

#include "flow.h"
#include "flow_helpers.h"
#include "unit.h"

#define ACK WC_TH_ACK
#define SYN WC_TH_SYN
#define FIN WC_TH_FIN
#define RST WC_TH_RST
#define PSH WC_TH_PSH

static char bytes_a[4096], bytes_b[4096];

static void fill_bytes(void)
{
	memset(bytes_a, 'a', sizeof bytes_a);
	memset(bytes_b, 'b', sizeof bytes_b);
}

/* The state list of one side, compared with expected states and frames. */
static void assert_steps(const struct wc_tcp_side *s, const enum wc_tcp_state *st, const uint64_t *fr, unsigned n)
{
	CU_ASSERT_EQUAL_FATAL(s->step_count, n);
	for (unsigned i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(s->steps[i].state, st[i]);
		CU_ASSERT_EQUAL(s->steps[i].frame, fr[i]);
	}
}

/* Client 10.0.0.1:40000 → server 10.0.0.2:80, ISNs 1000 and 5000: frames 1-3. */
static void handshake(struct tc *c)
{
	c->mss = 1460;
	tc_send(c, 0, SYN, 1000, 0, NULL, 0);
	c->mss = 1460;
	tc_send(c, 1, SYN | ACK, 5000, 1001, NULL, 0);
	tc_send(c, 0, ACK, 1001, 5001, NULL, 0);
}

static void start(struct fx *x, struct tc *c)
{
	fx_init(x);
	fx_start(x);
	tc_init(c, x, "10.0.0.1", 40000, "10.0.0.2", 80);
}

static void test_full_teardown(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	const struct wc_pkt_note *n = tc_send(&c, 0, PSH | ACK, 1001, 5001, "hello", 5);
	CU_ASSERT_EQUAL(n->kind, WC_FLOW_TCP);
	CU_ASSERT_EQUAL(n->rel_seq, 1);
	CU_ASSERT_EQUAL(n->rel_ack, 1);
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	tc_send(&c, 1, ACK, 5001, 1006, NULL, 0);
	n = tc_send(&c, 1, PSH | ACK, 5001, 1006, "world!", 6);
	CU_ASSERT_EQUAL(n->dir, 1);
	CU_ASSERT_EQUAL(n->rel_ack, 6);
	tc_send(&c, 0, ACK, 1006, 5007, NULL, 0);
	n = tc_send(&c, 0, FIN | ACK, 1006, 5007, NULL, 0); /* frame 8 */
	CU_ASSERT_EQUAL(n->state_after[0], WC_TS_FIN_WAIT_1);
	CU_ASSERT_EQUAL(n->state_after[1], WC_TS_CLOSE_WAIT);
	tc_send(&c, 1, ACK, 5007, 1007, NULL, 0);
	tc_send(&c, 1, FIN | ACK, 5007, 1007, NULL, 0);
	n = tc_send(&c, 0, ACK, 1007, 5008, NULL, 0); /* frame 11 */
	CU_ASSERT_EQUAL(n->state_after[0], WC_TS_TIME_WAIT);
	CU_ASSERT_EQUAL(n->state_after[1], WC_TS_CLOSED);
	CU_ASSERT_EQUAL(x.tcp_done, 0); /* lingers 10 s by default */
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 1);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	static const enum wc_tcp_state cs[] = {WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_ESTABLISHED,
	                                       WC_TS_FIN_WAIT_1, WC_TS_FIN_WAIT_2, WC_TS_TIME_WAIT};
	static const uint64_t cf[] = {0, 1, 2, 8, 9, 11};
	static const enum wc_tcp_state ss[] = {WC_TS_LISTEN, WC_TS_SYN_RCVD, WC_TS_ESTABLISHED,
	                                       WC_TS_CLOSE_WAIT, WC_TS_LAST_ACK, WC_TS_CLOSED};
	static const uint64_t sf[] = {0, 2, 3, 8, 10, 11};
	assert_steps(&k->side[0], cs, cf, 6);
	assert_steps(&k->side[1], ss, sf, 6);
	CU_ASSERT_TRUE(k->roles_from_syn);
	CU_ASSERT_EQUAL(k->side[0].port, 40000);
	CU_ASSERT_EQUAL(k->side[1].port, 80);
	CU_ASSERT_TRUE(k->handshake_complete);
	CU_ASSERT_EQUAL(k->syn_frame, 1);
	CU_ASSERT_EQUAL(k->synack_frame, 2);
	CU_ASSERT_EQUAL(k->hs_ack_frame, 3);
	CU_ASSERT_EQUAL(k->syn_count, 1);
	CU_ASSERT_EQUAL(k->synack_count, 1);
	CU_ASSERT_EQUAL(k->rtt_syn_synack_ns, 1000000);
	CU_ASSERT_EQUAL(k->rtt_synack_ack_ns, 1000000);
	CU_ASSERT_EQUAL(k->side[0].isn, 1000);
	CU_ASSERT_EQUAL(k->side[1].isn, 5000);
	CU_ASSERT_TRUE(k->side[1].has_mss);
	CU_ASSERT_EQUAL(k->side[1].mss, 1460);
	CU_ASSERT_EQUAL(k->first_closer, 0);
	CU_ASSERT_EQUAL(k->time_wait_side, 0);
	CU_ASSERT_TRUE(k->fin_both);
	CU_ASSERT_FALSE(k->half_close);
	CU_ASSERT_EQUAL(k->rst_side, -1);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_NONE);
	CU_ASSERT_EQUAL(k->side[0].fin_frame, 8);
	CU_ASSERT_EQUAL(k->side[0].fin_acked_frame, 9);
	CU_ASSERT_EQUAL(k->side[1].fin_frame, 10);
	CU_ASSERT_EQUAL(k->side[1].fin_acked_frame, 11);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "SF");
	CU_ASSERT_STRING_EQUAL(k->history, "ShADadFf");
	CU_ASSERT_EQUAL(k->side[0].segments, 6);
	CU_ASSERT_EQUAL(k->side[1].segments, 5);
	CU_ASSERT_EQUAL(k->side[0].payload_bytes, 5);
	CU_ASSERT_EQUAL(k->side[1].stream_bytes, 6);
	CU_ASSERT_EQUAL(k->side[0].payload_kept, 5);
	CU_ASSERT_EQUAL(memcmp(k->side[0].payload, "hello", 5), 0);
	CU_ASSERT_EQUAL(k->side[1].payload_kept, 6);
	CU_ASSERT_EQUAL(memcmp(k->side[1].payload, "world!", 6), 0);
	CU_ASSERT_FALSE(k->side[0].payload_capped);
	CU_ASSERT_EQUAL(k->first_frame, 1);
	CU_ASSERT_EQUAL(k->last_frame, 11);
	CU_ASSERT_EQUAL(k->frames, 11);
	CU_ASSERT_EQUAL_FATAL(k->seg_count, 11);
	for (size_t i = 0; i < k->seg_count; i++)
		CU_ASSERT_EQUAL(k->segs[i].note, 0);
	CU_ASSERT_EQUAL(k->segs[9].rel_seq, 7);   /* server FIN after 6 bytes */
	CU_ASSERT_EQUAL(k->segs[10].rel_ack, 8);
	const struct wc_flow_totals *t = wc_flows_totals(x.ft);
	CU_ASSERT_EQUAL(t->tcp_connections, 1);
	CU_ASSERT_EQUAL(t->handshakes_complete, 1);
	CU_ASSERT_EQUAL(t->fin_both_dirs, 1);
	CU_ASSERT_EQUAL(t->with_rst, 0);
	CU_ASSERT_EQUAL(t->tcp_retransmissions, 0);
	fx_free(&x);
}

static void test_simultaneous_close(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, FIN | ACK, 1001, 5001, NULL, 0); /* 4 */
	tc_send(&c, 1, FIN | ACK, 5001, 1001, NULL, 0); /* 5: crossed, does not ack the client's FIN */
	tc_send(&c, 0, ACK, 1002, 5002, NULL, 0);       /* 6 */
	tc_send(&c, 1, ACK, 5002, 1002, NULL, 0);       /* 7 */
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	static const enum wc_tcp_state cs[] = {WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_ESTABLISHED,
	                                       WC_TS_FIN_WAIT_1, WC_TS_CLOSING, WC_TS_TIME_WAIT};
	static const uint64_t cf[] = {0, 1, 2, 4, 5, 7};
	static const enum wc_tcp_state ss[] = {WC_TS_LISTEN, WC_TS_SYN_RCVD, WC_TS_ESTABLISHED,
	                                       WC_TS_FIN_WAIT_1, WC_TS_CLOSING, WC_TS_TIME_WAIT};
	static const uint64_t sf[] = {0, 2, 3, 5, 5, 6};
	assert_steps(&k->side[0], cs, cf, 6);
	assert_steps(&k->side[1], ss, sf, 6);
	CU_ASSERT_EQUAL(k->time_wait_side, 2);
	CU_ASSERT_EQUAL(k->first_closer, 0);
	CU_ASSERT_TRUE(k->fin_both);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "SF");
	fx_free(&x);
}

static void test_half_close(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, FIN | ACK, 1001, 5001, NULL, 0);     /* 4: shutdown(SHUT_WR) */
	tc_send(&c, 1, ACK, 5001, 1002, NULL, 0);           /* 5 */
	tc_send(&c, 1, PSH | ACK, 5001, 1002, "late data", 9); /* 6 */
	tc_send(&c, 0, ACK, 1002, 5010, NULL, 0);           /* 7 */
	tc_send(&c, 1, FIN | ACK, 5010, 1002, NULL, 0);     /* 8 */
	tc_send(&c, 0, ACK, 1002, 5011, NULL, 0);           /* 9 */
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_TRUE(k->half_close);
	CU_ASSERT_EQUAL(k->first_closer, 0);
	static const enum wc_tcp_state cs[] = {WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_ESTABLISHED,
	                                       WC_TS_FIN_WAIT_1, WC_TS_FIN_WAIT_2, WC_TS_TIME_WAIT};
	static const uint64_t cf[] = {0, 1, 2, 4, 5, 9};
	static const enum wc_tcp_state ss[] = {WC_TS_LISTEN, WC_TS_SYN_RCVD, WC_TS_ESTABLISHED,
	                                       WC_TS_CLOSE_WAIT, WC_TS_LAST_ACK, WC_TS_CLOSED};
	static const uint64_t sf[] = {0, 2, 3, 4, 8, 9};
	assert_steps(&k->side[0], cs, cf, 6);
	assert_steps(&k->side[1], ss, sf, 6);
	CU_ASSERT_EQUAL(k->time_wait_side, 0);
	CU_ASSERT_EQUAL(k->side[1].stream_bytes, 9);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "SF");
	CU_ASSERT_STRING_EQUAL(k->history, "ShAFadf");
	fx_free(&x);
}

static void test_refused(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	c.win = 0;
	tc_send(&c, 1, RST | ACK, 0, 1001, NULL, 0);
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "REJ");
	CU_ASSERT_STRING_EQUAL(k->history, "Sr");
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_REFUSED);
	CU_ASSERT_STRING_EQUAL(wc_rst_context_name(k->rst_context), "refused");
	CU_ASSERT_EQUAL(k->rst_side, 1);
	CU_ASSERT_EQUAL(k->rst_frame, 2);
	CU_ASSERT_EQUAL(k->side[1].rst_frame, 2);
	CU_ASSERT_EQUAL(k->first_closer, 1);
	CU_ASSERT_FALSE(k->handshake_complete);
	CU_ASSERT_EQUAL(k->time_wait_side, -1);
	static const enum wc_tcp_state cs[] = {WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_CLOSED};
	static const uint64_t cf[] = {0, 1, 2};
	static const enum wc_tcp_state ss[] = {WC_TS_LISTEN, WC_TS_CLOSED};
	static const uint64_t sf[] = {0, 2};
	assert_steps(&k->side[0], cs, cf, 3);
	assert_steps(&k->side[1], ss, sf, 2);
	CU_ASSERT_EQUAL(k->segs[1].note, 0); /* a RST's zero window is no zero-window advertisement */
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->with_rst, 1);
	fx_free(&x);
}

static void test_rst_contexts(void)
{
	struct fx x;
	struct tc c;
	/* The server's kernel acknowledged the request, then its close() with the request
	 * unread sent RST (what Linux does): unread data, RSTR. */
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, PSH | ACK, 1001, 5001, "abc", 3);
	tc_send(&c, 1, ACK, 5001, 1004, NULL, 0);
	tc_send(&c, 1, RST | ACK, 5001, 1004, NULL, 0); /* 6 */
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_UNREAD_DATA);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "RSTR");
	CU_ASSERT_STRING_EQUAL(k->history, "ShADar");
	static const enum wc_tcp_state cs[] = {WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_ESTABLISHED, WC_TS_CLOSED};
	static const uint64_t cf[] = {0, 1, 2, 6};
	static const enum wc_tcp_state ss[] = {WC_TS_LISTEN, WC_TS_SYN_RCVD, WC_TS_ESTABLISHED, WC_TS_CLOSED};
	static const uint64_t sf[] = {0, 2, 3, 6};
	assert_steps(&k->side[0], cs, cf, 4);
	assert_steps(&k->side[1], ss, sf, 4);
	fx_free(&x);

	/* The server answers, then aborts (SO_LINGER 0): it had sent data, so in data. */
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, PSH | ACK, 1001, 5001, "abc", 3);
	tc_send(&c, 1, PSH | ACK, 5001, 1004, "abc", 3);
	tc_send(&c, 1, RST | ACK, 5004, 1004, NULL, 0);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_IN_DATA);
	CU_ASSERT_EQUAL(k->rst_side, 1);
	fx_free(&x);

	/* The server closes with the request unread: its RST is the first to ack it. */
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, PSH | ACK, 1001, 5001, "GET", 3);
	tc_send(&c, 1, RST | ACK, 5001, 1004, NULL, 0);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_UNREAD_DATA);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "RSTR");
	fx_free(&x);

	/* The client aborts after the server's FIN was acknowledged: after FIN, RSTO. */
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 1, PSH | ACK, 5001, 1001, "bye", 3);
	tc_send(&c, 1, FIN | ACK, 5004, 1001, NULL, 0);
	tc_send(&c, 0, ACK, 1001, 5005, NULL, 0);
	tc_send(&c, 0, RST | ACK, 1001, 5005, NULL, 0);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_AFTER_FIN);
	CU_ASSERT_EQUAL(k->rst_side, 0);
	CU_ASSERT_EQUAL(k->first_closer, 1);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "RSTO");
	CU_ASSERT_EQUAL(k->side[0].steps[k->side[0].step_count - 1].state, WC_TS_CLOSED);
	fx_free(&x);

	/* RST after SYN-ACK, before the handshake completed. */
	start(&x, &c);
	tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	tc_send(&c, 1, SYN | ACK, 5000, 1001, NULL, 0);
	tc_send(&c, 0, RST, 1001, 0, NULL, 0);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_IN_HANDSHAKE);
	fx_free(&x);

	/* A lone RST on an unknown tuple. */
	start(&x, &c);
	tc_send(&c, 0, RST, 777, 0, NULL, 0);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rst_context, WC_RST_NO_CONNECTION);
	CU_ASSERT_FALSE(k->roles_from_syn);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "OTH");
	fx_free(&x);
}

static void test_syn_retransmission(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	x.ts += 1000000000; /* the SYN is resent after a second */
	const struct wc_pkt_note *n = tc_send(&c, 0, SYN, 1000, 0, NULL, 0);
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_RETRANSMISSION);
	tc_send(&c, 1, SYN | ACK, 5000, 1001, NULL, 0);
	tc_send(&c, 0, ACK, 1001, 5001, NULL, 0);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 1);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_TRUE(k->handshake_complete);
	CU_ASSERT_EQUAL(k->syn_count, 2);
	CU_ASSERT_EQUAL(k->synack_count, 1);
	CU_ASSERT_EQUAL(k->syn_frame, 1);
	CU_ASSERT_EQUAL(k->hs_ack_frame, 4);
	CU_ASSERT_EQUAL(k->rtt_syn_synack_ns, 1000000); /* from the copy it answered */
	CU_ASSERT_EQUAL(k->side[0].retransmissions, 1);
	CU_ASSERT_STRING_EQUAL(k->history, "ShA");
	CU_ASSERT_STRING_EQUAL(k->conn_state, "S1");
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->tcp_connections, 1);
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->tcp_retransmissions, 1);
	fx_free(&x);
}

static void test_classification(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	const struct wc_pkt_note *n;
	n = tc_send(&c, 0, ACK, 1001, 5001, bytes_a, 100);          /* 4 */
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	n = tc_send(&c, 0, ACK, 1201, 5001, bytes_a, 100);          /* 5: 1101-1200 missing */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_PREV_LOST);
	n = tc_send(&c, 0, ACK, 1101, 5001, bytes_a, 100);          /* 6: 1 ms later */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_OUT_OF_ORDER);
	n = tc_send(&c, 1, ACK, 5001, 1301, NULL, 0);               /* 7 */
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	x.ts += 1000000000;
	n = tc_send(&c, 0, ACK, 1201, 5001, bytes_a, 100);          /* 8: already acked */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_RETRANSMISSION | WC_TN_SPURIOUS_RETX);
	n = tc_send(&c, 0, ACK, 1301, 5001, bytes_a, 100);          /* 9 */
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	x.ts += 200000000;
	n = tc_send(&c, 0, ACK, 1301, 5001, bytes_a, 100);          /* 10: resent, unacked */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_RETRANSMISSION);
	n = tc_send(&c, 1, ACK, 5001, 1401, NULL, 0);               /* 11 */
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	n = tc_send(&c, 1, ACK, 5001, 1401, NULL, 0);               /* 12: the same ACK again */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_DUP_ACK);
	n = tc_send(&c, 0, ACK, 1501, 5001, bytes_a, 100);          /* 13: 1401-1500 lost */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_PREV_LOST);
	n = tc_send(&c, 1, ACK, 5001, 1401, NULL, 0);               /* 14 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_DUP_ACK);
	n = tc_send(&c, 1, ACK, 5001, 1401, NULL, 0);               /* 15 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_DUP_ACK);
	x.ts += 50000000;
	n = tc_send(&c, 0, ACK, 1401, 5001, bytes_a, 100);          /* 16: fills the hole, late */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_RETRANSMISSION);
	c.win = 0;
	n = tc_send(&c, 1, ACK, 5001, 1601, NULL, 0);               /* 17 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_ZERO_WINDOW);
	n = tc_send(&c, 0, ACK, 1601, 5001, "x", 1);                /* 18 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_ZERO_WINDOW_PROBE);
	c.win = 0;
	n = tc_send(&c, 1, ACK, 5001, 1601, NULL, 0);               /* 19 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_ZERO_WINDOW);
	c.win = 8192;
	n = tc_send(&c, 1, ACK, 5001, 1601, NULL, 0);               /* 20 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_WINDOW_UPDATE);
	n = tc_send(&c, 0, ACK, 1600, 5001, NULL, 0);               /* 21 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_KEEPALIVE);
	c.win = 8192;
	n = tc_send(&c, 1, ACK, 5001, 1601, NULL, 0);               /* 22 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_KEEPALIVE_ACK);
	n = tc_send(&c, 1, ACK, 5001, 1800, NULL, 0);               /* 23 */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_ACKED_UNSEEN);
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	const struct wc_tcp_side *cl = &k->side[0], *sv = &k->side[1];
	CU_ASSERT_EQUAL(cl->retransmissions, 3); /* the spurious one included, as Wireshark counts */
	CU_ASSERT_EQUAL(cl->spurious_retransmissions, 1);
	CU_ASSERT_EQUAL(cl->out_of_order, 1);
	CU_ASSERT_EQUAL(cl->lost_segments, 2);
	CU_ASSERT_EQUAL(cl->keepalives, 1);
	CU_ASSERT_EQUAL(sv->zero_windows, 2);
	CU_ASSERT_EQUAL(sv->dup_acks, 3);
	CU_ASSERT_EQUAL(sv->window_updates, 1);
	CU_ASSERT_EQUAL(cl->gaps_total, 0);   /* both holes were filled */
	CU_ASSERT_EQUAL(cl->stream_bytes, 601);
	CU_ASSERT_EQUAL(cl->payload_bytes, 801);
	CU_ASSERT_STRING_EQUAL(k->history, "ShADaTw");
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->tcp_retransmissions, 3);
	fx_free(&x);
}

/* A hole filled within the connection's first round trip (here 40 ms: SYN to the
 * handshake's last ACK) is out of order; filled later, it is a retransmission. 3 ms,
 * the threshold without a handshake, would call the first a retransmission too. */
static void test_out_of_order_threshold_is_first_rtt(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	x.step_ns = 20000000;
	handshake(&c);                                              /* frames 1-3, 40 ms */
	const struct wc_tcp_conn *k;
	x.step_ns = 10000000;
	const struct wc_pkt_note *n;
	n = tc_send(&c, 0, ACK, 1201, 5001, bytes_a, 100);          /* 4: 1001-1200 missing */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_PREV_LOST);
	n = tc_send(&c, 0, ACK, 1001, 5001, bytes_a, 100);          /* 5: 10 ms later */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_OUT_OF_ORDER);
	x.ts += 60000000;
	n = tc_send(&c, 0, ACK, 1101, 5001, bytes_a, 100);          /* 6: 70 ms later */
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_RETRANSMISSION);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->rtt_syn_synack_ns, 20000000);
	CU_ASSERT_EQUAL(k->rtt_synack_ack_ns, 20000000);
	CU_ASSERT_EQUAL(k->side[0].out_of_order, 1);
	CU_ASSERT_EQUAL(k->side[0].retransmissions, 1);
	fx_free(&x);
}

static void test_offload(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c); /* both announce MSS 1460 */
	const struct wc_pkt_note *n = tc_send(&c, 0, ACK, 1001, 5001, bytes_a, 1460);
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	n = tc_send(&c, 0, ACK, 2461, 5001, bytes_a, 2920);
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_OFFLOAD);
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->side[0].offload_segments, 1);
	CU_ASSERT_EQUAL(k->side[0].retransmissions, 0);
	CU_ASSERT_EQUAL(k->side[0].stream_bytes, 4380);
	fx_free(&x);
}

static void test_gaps_and_payload(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, ACK, 1001, 5001, bytes_a, 10); /* rel 1-10 */
	tc_send(&c, 0, ACK, 1021, 5001, bytes_b, 10); /* 5: rel 11-20 never seen */
	tc_send(&c, 0, ACK, 1051, 5001, bytes_a, 5);  /* 6: rel 31-50 never seen */
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	const struct wc_tcp_side *s = &k->side[0];
	CU_ASSERT_EQUAL_FATAL(s->gaps_total, 2);
	CU_ASSERT_EQUAL(s->gap_count, 2);
	CU_ASSERT_EQUAL(s->gaps[0].rel_seq, 11);
	CU_ASSERT_EQUAL(s->gaps[0].len, 10);
	CU_ASSERT_EQUAL(s->gaps[0].frame, 5);
	CU_ASSERT_EQUAL(s->gaps[1].rel_seq, 31);
	CU_ASSERT_EQUAL(s->gaps[1].len, 20);
	CU_ASSERT_EQUAL(s->gaps[1].frame, 6);
	CU_ASSERT_EQUAL(s->stream_bytes, 25);
	CU_ASSERT_EQUAL(s->lost_segments, 2);
	/* holes are kept as zero bytes so offsets stay those of the stream */
	CU_ASSERT_EQUAL_FATAL(s->payload_kept, 55);
	CU_ASSERT_FALSE(s->payload_capped);
	CU_ASSERT_EQUAL(s->payload[9], 'a');
	CU_ASSERT_EQUAL(s->payload[10], 0);
	CU_ASSERT_EQUAL(s->payload[20], 'b');
	CU_ASSERT_EQUAL(s->payload[50], 'a');
	fx_free(&x);

	/* Payload kept only up to payload_cap (64). */
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, ACK, 1001, 5001, bytes_a, 50);
	tc_send(&c, 0, ACK, 1051, 5001, bytes_b, 50);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	s = &k->side[0];
	CU_ASSERT_EQUAL(s->stream_bytes, 100);
	CU_ASSERT_EQUAL_FATAL(s->payload_kept, 64);
	CU_ASSERT_TRUE(s->payload_capped);
	CU_ASSERT_EQUAL(s->payload[49], 'a');
	CU_ASSERT_EQUAL(s->payload[50], 'b');
	CU_ASSERT_EQUAL(s->payload[63], 'b');
	CU_ASSERT_EQUAL(s->gaps_total, 0);
	fx_free(&x);
}

static void test_port_reuse(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	tc_send(&c, 0, FIN | ACK, 1001, 5001, NULL, 0);
	tc_send(&c, 1, FIN | ACK, 5001, 1002, NULL, 0);
	tc_send(&c, 0, ACK, 1002, 5002, NULL, 0); /* 6 */
	/* the same ports again, new ISN: a new connection; the old one is handed over */
	const struct wc_pkt_note *n = tc_send(&c, 0, SYN, 90000, 0, NULL, 0); /* 7 */
	CU_ASSERT_EQUAL(n->flow_id, 1);
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_PORT_REUSE);
	CU_ASSERT_EQUAL(n->rel_seq, 0);
	CU_ASSERT_EQUAL(x.tcp_done, 1);
	tc_send(&c, 1, SYN | ACK, 70000, 90001, NULL, 0);
	n = tc_send(&c, 0, ACK, 90001, 70001, NULL, 0);
	CU_ASSERT_EQUAL(n->flow_id, 1);
	CU_ASSERT_EQUAL(n->rel_seq, 1);
	tc_send(&c, 1, RST | ACK, 70001, 90001, NULL, 0); /* 10 */
	/* after a RST even the same ISN starts over */
	n = tc_send(&c, 0, SYN, 90000, 0, NULL, 0); /* 11 */
	CU_ASSERT_EQUAL(n->flow_id, 2);
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_PORT_REUSE);
	CU_ASSERT_EQUAL(x.tcp_done, 2);
	n = tc_send(&c, 0, SYN, 90000, 0, NULL, 0); /* 12: a retransmitted SYN is not a new one */
	CU_ASSERT_EQUAL(n->flow_id, 2);
	CU_ASSERT_EQUAL(n->tcp_notes, WC_TN_RETRANSMISSION);
	fx_finish(&x);
	CU_ASSERT_EQUAL_FATAL(x.tcp_done, 3);
	CU_ASSERT_EQUAL(x.tcp[0].id, 0);
	CU_ASSERT_STRING_EQUAL(x.tcp[0].conn_state, "SF");
	CU_ASSERT_EQUAL(x.tcp[0].last_frame, 6);
	CU_ASSERT_EQUAL(x.tcp[1].id, 1);
	CU_ASSERT_EQUAL(x.tcp[1].first_frame, 7);
	CU_ASSERT_STRING_EQUAL(x.tcp[1].conn_state, "RSTR");
	CU_ASSERT_EQUAL(x.tcp[2].id, 2);
	CU_ASSERT_EQUAL(x.tcp[2].syn_count, 2);
	CU_ASSERT_STRING_EQUAL(x.tcp[2].conn_state, "S0");
	CU_ASSERT_EQUAL(wc_flows_totals(x.ft)->tcp_connections, 3);
	fx_free(&x);
}

static void test_wraparound(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	tc_send(&c, 0, SYN, 0xFFFFFFF0u, 0, NULL, 0);
	tc_send(&c, 1, SYN | ACK, 5000, 0xFFFFFFF1u, NULL, 0);
	tc_send(&c, 0, ACK, 0xFFFFFFF1u, 5001, NULL, 0);
	const struct wc_pkt_note *n = tc_send(&c, 0, ACK, 0xFFFFFFF1u, 5001, bytes_a, 16);
	CU_ASSERT_EQUAL(n->rel_seq, 1);
	n = tc_send(&c, 0, ACK, 0x00000001u, 5001, bytes_b, 16); /* crosses 2^32 */
	CU_ASSERT_EQUAL(n->rel_seq, 17);
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	n = tc_send(&c, 1, ACK, 5001, 0x00000011u, NULL, 0);
	CU_ASSERT_EQUAL(n->rel_ack, 33);
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	n = tc_send(&c, 0, FIN | ACK, 0x00000011u, 5001, NULL, 0);
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	tc_send(&c, 1, FIN | ACK, 5001, 0x00000012u, NULL, 0);
	tc_send(&c, 0, ACK, 0x00000012u, 5002, NULL, 0);
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_TRUE(k->handshake_complete);
	CU_ASSERT_EQUAL(k->side[0].stream_bytes, 32);
	CU_ASSERT_EQUAL(k->side[0].gaps_total, 0);
	CU_ASSERT_EQUAL(k->side[0].payload_kept, 32);
	CU_ASSERT_EQUAL(k->side[0].payload[15], 'a');
	CU_ASSERT_EQUAL(k->side[0].payload[16], 'b');
	CU_ASSERT_EQUAL(k->side[0].fin_acked_frame, 8);
	CU_ASSERT_EQUAL(k->time_wait_side, 0);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "SF");
	fx_free(&x);
}

static void test_midstream(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	/* the capture starts in the middle: no SYN */
	const struct wc_pkt_note *n = tc_send(&c, 0, PSH | ACK, 7000, 9000, bytes_a, 10);
	CU_ASSERT_EQUAL(n->rel_seq, 1);
	CU_ASSERT_EQUAL(n->rel_ack, 1);
	CU_ASSERT_EQUAL(n->state_after[0], WC_TS_ESTABLISHED);
	CU_ASSERT_EQUAL(n->state_after[1], WC_TS_ESTABLISHED);
	n = tc_send(&c, 1, ACK, 9000, 7010, NULL, 0);
	CU_ASSERT_EQUAL(n->rel_seq, 1);
	CU_ASSERT_EQUAL(n->rel_ack, 11);
	CU_ASSERT_EQUAL(n->tcp_notes, 0);
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_FALSE(k->roles_from_syn);
	CU_ASSERT_EQUAL(k->side[0].port, 40000);
	CU_ASSERT_FALSE(k->handshake_complete);
	CU_ASSERT_EQUAL(k->side[0].stream_bytes, 10);
	CU_ASSERT_EQUAL(k->side[0].gaps_total, 0);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "OTH");
	CU_ASSERT_STRING_EQUAL(k->history, "Da");
	fx_free(&x);

	/* the first packet is a SYN-ACK: its receiver is the client */
	start(&x, &c);
	tc_send(&c, 1, SYN | ACK, 5000, 1001, NULL, 0);
	n = tc_send(&c, 0, ACK, 1001, 5001, NULL, 0);
	CU_ASSERT_EQUAL(n->dir, 0);
	CU_ASSERT_EQUAL(n->rel_seq, 1);
	fx_finish(&x);
	k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->side[0].port, 40000);
	CU_ASSERT_EQUAL(k->side[1].port, 80);
	CU_ASSERT_EQUAL(k->side[1].steps[k->side[1].step_count - 1].state, WC_TS_ESTABLISHED);
	fx_free(&x);
}

static void test_bad_checksum_history(void)
{
	struct fx x;
	struct tc c;
	start(&x, &c);
	handshake(&c);
	c.csum = WC_CSUM_BAD;
	tc_send(&c, 0, PSH | ACK, 1001, 5001, "hi", 2);
	c.csum = WC_CSUM_PARTIAL;
	tc_send(&c, 1, ACK, 5001, 1003, NULL, 0);
	fx_finish(&x);
	const struct wc_tcp_conn *k = fx_tcp(&x, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_STRING_EQUAL(k->history, "ShACa");
	CU_ASSERT_EQUAL(k->side[0].checksum_bad, 1);
	CU_ASSERT_EQUAL(k->side[1].checksum_partial, 1);
	CU_ASSERT_STRING_EQUAL(k->conn_state, "S1");
	CU_ASSERT_STRING_EQUAL(wc_tcp_state_name(WC_TS_TIME_WAIT), "TIME_WAIT");
	fx_free(&x);
}

static const struct wc_test tcp_tests[] = {
	{"handshake, data, FIN teardown: states and frames", test_full_teardown},
	{"simultaneous close: both via CLOSING to TIME_WAIT", test_simultaneous_close},
	{"half-close: data after the first FIN", test_half_close},
	{"refused: SYN answered by RST-ACK", test_refused},
	{"RST contexts: data, unread, after FIN, handshake, none", test_rst_contexts},
	{"SYN retransmission stays one connection", test_syn_retransmission},
	{"lost, out-of-order, spurious, retransmission, dup ACK, zero window, keep-alive",
	 test_classification},
	{"out-of-order threshold is the first round trip", test_out_of_order_threshold_is_first_rtt},
	{"segment larger than MSS is offload", test_offload},
	{"gaps recorded, payload kept and capped", test_gaps_and_payload},
	{"port reuse after FIN/FIN and after RST", test_port_reuse},
	{"sequence numbers across 2^32", test_wraparound},
	{"mid-stream pickup and SYN-ACK first", test_midstream},
	{"bad checksum in the history", test_bad_checksum_history},
	{NULL, NULL},
};
static const struct wc_suite tcp_suite = {"tcp_conn", tcp_tests};

int main(int argc, char **argv)
{
	fill_bytes();
	const struct wc_suite *const suites[] = {&tcp_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
