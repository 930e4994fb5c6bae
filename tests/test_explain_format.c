/* test_explain_format.c — explain's text and JSON formatters and reorder buffer, from hand-built structs. */
#include "config.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "explain_format.h"
#include "explain_order.h"
#include "unit.h"

static struct wc_explain_opts opts = {.format = WC_EXPLAIN_TEXT, .flow = -1};
static struct wc_xctx ctx = {.opts = &opts, .t0_ns = 1000000000};

/* ---- building inputs ------------------------------------------------------ */

static struct wc_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct wc_addr x = {.family = 4, .bytes = {a, b, c, d}};
	return x;
}

static void steps(struct wc_tcp_side *s, const enum wc_tcp_state *st, const uint64_t *fr, int n)
{
	s->step_count = (uint8_t)n;
	for (int i = 0; i < n; i++) {
		s->steps[i].state = st[i];
		s->steps[i].frame = fr[i];
	}
}

static void base_conn(struct wc_tcp_conn *c, uint32_t id)
{
	memset(c, 0, sizeof *c);
	c->id = id;
	c->side[0].addr = v4(10, 0, 0, 1);
	c->side[0].port = 40000;
	c->side[1].addr = v4(10, 0, 0, 2);
	c->side[1].port = 8080;
	c->side[0].wscale = c->side[1].wscale = -1;
	c->roles_from_syn = true;
	c->first_closer = c->time_wait_side = c->rst_side = -1;
	c->rtt_syn_synack_ns = c->rtt_synack_ack_ns = -1;
	c->first_ts_ns = 1000000000;
	c->last_ts_ns = 1000250000;
}

/* SYN, RST-ACK: nothing listening. */
static void refused_conn(struct wc_tcp_conn *c)
{
	base_conn(c, 3);
	c->first_frame = 1;
	c->last_frame = c->frames = 2;
	c->syn_frame = 1;
	c->syn_count = 1;
	c->side[0].syn_seen = true;
	c->side[0].has_mss = true;
	c->side[0].mss = 1460;
	c->side[0].segments = c->side[1].segments = 1;
	c->first_closer = 1;
	c->rst_side = 1;
	c->rst_frame = 2;
	c->side[1].rst_frame = 2;
	c->rst_context = WC_RST_REFUSED;
	steps(&c->side[0], (enum wc_tcp_state[]){WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_CLOSED}, (uint64_t[]){0, 1, 2}, 3);
	steps(&c->side[1], (enum wc_tcp_state[]){WC_TS_LISTEN, WC_TS_CLOSED}, (uint64_t[]){0, 2}, 2);
	strcpy(c->conn_state, "REJ");
	strcpy(c->history, "Sr");
}

/* Handshake, data, client closes first, ends in TIME_WAIT; captured on lo. */
static void closed_conn(struct wc_tcp_conn *c)
{
	base_conn(c, 0);
	c->first_frame = 1;
	c->last_frame = c->frames = 9;
	c->syn_frame = 1;
	c->synack_frame = 2;
	c->hs_ack_frame = 3;
	c->handshake_complete = true;
	c->syn_count = c->synack_count = 1;
	c->rtt_syn_synack_ns = 120000;
	c->rtt_synack_ack_ns = 30000;
	for (int i = 0; i < 2; i++) {
		struct wc_tcp_side *s = &c->side[i];
		s->syn_seen = true;
		s->has_mss = true;
		s->mss = i ? 65483 : 1460;
		s->wscale = 7;
		s->sack_perm = true;
		s->timestamps = i == 0;
		s->checksum_partial = 4 + (uint32_t)i;
	}
	c->side[0].segments = 5;
	c->side[0].payload_bytes = 150;
	c->side[0].stream_bytes = 100;
	c->side[0].retransmissions = 1;
	c->side[1].segments = 4;
	c->side[1].payload_bytes = c->side[1].stream_bytes = 1;
	c->side[0].fin_frame = 7;
	c->side[0].fin_acked_frame = 8;
	c->side[1].fin_frame = 8;
	c->side[1].fin_acked_frame = 9;
	c->first_closer = 0;
	c->fin_both = true;
	c->time_wait_side = 0;
	steps(&c->side[0],
	      (enum wc_tcp_state[]){WC_TS_CLOSED, WC_TS_SYN_SENT, WC_TS_ESTABLISHED, WC_TS_FIN_WAIT_1, WC_TS_FIN_WAIT_2,
	                            WC_TS_TIME_WAIT},
	      (uint64_t[]){0, 1, 3, 7, 8, 9}, 6);
	steps(&c->side[1],
	      (enum wc_tcp_state[]){WC_TS_LISTEN, WC_TS_SYN_RCVD, WC_TS_ESTABLISHED, WC_TS_CLOSE_WAIT, WC_TS_LAST_ACK,
	                            WC_TS_CLOSED},
	      (uint64_t[]){0, 2, 3, 7, 8, 9}, 6);
	strcpy(c->conn_state, "SF");
	strcpy(c->history, "ShADadFf");
}

static struct wc_datagram dgrams[3] = {
	{.frame = 4, .dir = 0, .len = 5, .csum = WC_CSUM_ZERO},
	{.frame = 5, .dir = 0, .len = 12, .csum = WC_CSUM_ZERO},
	{.frame = 7, .dir = 1, .len = 300, .csum = WC_CSUM_OK},
};

static void udp_flow(struct wc_udp_flow *f)
{
	memset(f, 0, sizeof *f);
	f->id = 2;
	f->addr[0] = v4(192, 0, 2, 1);
	f->port[0] = 5353;
	f->addr[1] = v4(192, 0, 2, 9);
	f->port[1] = 53;
	f->first_frame = 4;
	f->last_frame = 7;
	f->first_ts_ns = 1500000000;
	f->last_ts_ns = 2000000000;
	f->datagrams[0] = 2;
	f->datagrams[1] = 1;
	f->bytes[0] = 17;
	f->bytes[1] = 300;
	f->min_len = 5;
	f->max_len = 300;
	f->checksum_zero = 2;
	f->list = dgrams;
	f->list_count = 3;
	f->icmp_errors = 1;
	f->first_icmp_frame = 6;
}

static void port_unreach(struct wc_icmp_event *e, bool matched)
{
	memset(e, 0, sizeof *e);
	e->frame = 6;
	e->ts_ns = 1600000000;
	e->version = 4;
	e->type = 3;
	e->code = 3;
	e->from = v4(192, 0, 2, 9);
	e->to = v4(192, 0, 2, 1);
	e->quote.present = true;
	e->quote.ip.src = v4(192, 0, 2, 1);
	e->quote.ip.dst = v4(192, 0, 2, 9);
	e->quote.ip.proto = 17;
	e->quote.has_ports = true;
	e->quote.sport = 5353;
	e->quote.dport = 53;
	if (matched) {
		e->flow_kind = WC_FLOW_UDP;
		e->flow_id = 2;
		e->quoted_frame = 5;
	}
}

/* ---- rendering ------------------------------------------------------------ */

/* Hooks render into a memory buffer; close_out() makes its bytes the C string out_buf. */
static struct wc_outbuf out_mem;
static const char *out_buf;

static struct wc_outbuf *open_out(void)
{
	wc_outbuf_free(&out_mem);
	wc_outbuf_init(&out_mem, NULL);
	out_buf = NULL;
	return &out_mem;
}

static void close_out(struct wc_outbuf *m)
{
	wc_outbuf_putc(m, '\0');
	CU_ASSERT_FALSE_FATAL(m->failed);
	m->len--;
	out_buf = m->p;
}

static const char *render_tcp(const struct wc_xfmt *fmt, const struct wc_tcp_conn *c)
{
	struct wc_outbuf *m = open_out();
	fmt->tcp_conn(m, &ctx, c);
	close_out(m);
	return out_buf;
}

#define ASSERT_HAS(hay, needle)                                                      \
	do {                                                                             \
		const char *h_ = (hay);                                                      \
		if (!strstr(h_, (needle)))                                                   \
			fprintf(stderr, "\nmissing: [%s]\nin:\n%s\n", (needle), h_);             \
		CU_ASSERT_PTR_NOT_NULL(strstr(h_, (needle)));                                \
	} while (0)

static json_object *get(json_object *o, const char *path)
{
	/* "a.b.0.c": object keys and array indices */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(k));
		else if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	}
	return o;
}

static const char *get_str(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "(not a string)";
}

static int64_t get_int(json_object *o, const char *path)
{
	json_object *v = get(o, path);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -999;
}

static bool is_null(json_object *o, const char *path)
{
	/* present with value null: object_get_ex succeeds and yields NULL */
	char parent[256];
	snprintf(parent, sizeof parent, "%s", path);
	char *dot = strrchr(parent, '.');
	const char *key = path;
	json_object *p = o;
	if (dot) {
		*dot = '\0';
		key = dot + 1;
		p = get(o, parent);
	}
	json_object *v = (json_object *)1;
	return p && json_object_object_get_ex(p, key, &v) && v == NULL;
}

/* ---- text: TCP ------------------------------------------------------------ */

static void test_text_refused(void)
{
	struct wc_tcp_conn c;
	refused_conn(&c);
	const char *t = render_tcp(&wc_xfmt_text, &c);
	ASSERT_HAS(t, "connection #3 client 10.0.0.1:40000 → server 10.0.0.2:8080\n");
	ASSERT_HAS(t, "  frames 1–2 (2 frames), from 0.000000 s to 0.000250 s, duration 0.000250 s\n");
	ASSERT_HAS(t, "  handshake: not complete — SYN frame 1\n");
	ASSERT_HAS(t, "    client offered: MSS 1460, no window scaling, no SACK, no timestamps\n");
	ASSERT_HAS(t, "    server offered: no SYN seen\n");
	ASSERT_HAS(t, "  reset: the server sent a RST in frame 2 — refused: nothing listening on port 8080\n");
	ASSERT_HAS(t, "  client states: CLOSED → SYN_SENT (1) → CLOSED (2)\n");
	ASSERT_HAS(t, "  server states: LISTEN → CLOSED (2)\n");
	ASSERT_HAS(t, "  Zeek: conn_state REJ (connection attempt rejected), history Sr — upper case client, "
	              "lower case server: S SYN, R RST\n");
	CU_ASSERT_PTR_NULL(strstr(t, "teardown"));
	CU_ASSERT_PTR_NULL(strchr(t, '\033'));
}

static void test_text_time_wait(void)
{
	struct wc_tcp_conn c;
	closed_conn(&c);
	const char *t = render_tcp(&wc_xfmt_text, &c);
	ASSERT_HAS(t, "  handshake: complete — SYN frame 1, SYN-ACK frame 2, ACK frame 3\n");
	ASSERT_HAS(t, "    client offered: MSS 1460, window scale 7, SACK permitted, timestamps\n");
	ASSERT_HAS(t, "    server offered: MSS 65483, window scale 7, SACK permitted, no timestamps\n");
	ASSERT_HAS(t, "    round trip: SYN → SYN-ACK 0.000120 s, SYN-ACK → ACK 0.000030 s\n");
	ASSERT_HAS(t, "  client → server: 100 bytes of stream in 5 segments, 50 more sent again (retransmitted)\n");
	ASSERT_HAS(t, "  server → client: 1 byte of stream in 4 segments\n");
	ASSERT_HAS(t, "  teardown: the client closed first (FIN in frame 7, acknowledged in frame 8); the server's "
	              "FIN in frame 8, acknowledged in frame 9\n");
	ASSERT_HAS(t, "  the client ends in TIME_WAIT");
	ASSERT_HAS(t, "  client states: CLOSED → SYN_SENT (1) → ESTABLISHED (3) → FIN_WAIT_1 (7) → FIN_WAIT_2 (8) "
	              "→ TIME_WAIT (9)\n");
	ASSERT_HAS(t, "  server states: LISTEN → SYN_RCVD (2) → ESTABLISHED (3) → CLOSE_WAIT (7) → LAST_ACK (8) "
	              "→ CLOSED (9)\n");
	ASSERT_HAS(t, "  segments: 1 retransmission (client 1, server 0)\n");
	ASSERT_HAS(t, "  checksums: 9 partial — transmit offload on the capturing host");
	ASSERT_HAS(t, "not an error\n");
	ASSERT_HAS(t, "history ShADadFf — upper case client, lower case server: S SYN, H SYN-ACK, A ACK, D data, F FIN\n");
	CU_ASSERT_PTR_NULL(strstr(t, "reset"));
}

static void test_text_no_syn_and_colour(void)
{
	struct wc_tcp_conn c;
	base_conn(&c, 1);
	c.roles_from_syn = false;
	c.first_frame = c.last_frame = c.frames = 1;
	strcpy(c.conn_state, "OTH");
	const char *t = render_tcp(&wc_xfmt_text, &c);
	ASSERT_HAS(t, "connection #1 client 10.0.0.1:40000 → server 10.0.0.2:8080 (roles guessed: no SYN seen");
	ASSERT_HAS(t, "  handshake: not complete — the capture starts after the connection was opened\n");
	ASSERT_HAS(t, "  teardown: no FIN or RST seen");
	ASSERT_HAS(t, "  segments: nothing unusual");
	ASSERT_HAS(t, "conn_state OTH (no SYN seen: traffic from the middle of a connection), history -\n");

	struct wc_xctx coloured = ctx;
	coloured.color = true;
	struct wc_outbuf *m = open_out();
	wc_xfmt_text.tcp_conn(m, &coloured, &c);
	close_out(m);
	ASSERT_HAS(out_buf, "\033[1mconnection #1\033[0m client");
}

/* ---- text: UDP, ICMP, anomalies, packets ---------------------------------- */

static void test_text_udp(void)
{
	struct wc_udp_flow f;
	udp_flow(&f);
	struct wc_outbuf *m = open_out();
	wc_xfmt_text.udp_flow(m, &ctx, &f);
	close_out(m);
	ASSERT_HAS(out_buf, "UDP flow #2 192.0.2.1:5353 ⇄ 192.0.2.9:53\n");
	ASSERT_HAS(out_buf, "  192.0.2.1:5353 → 192.0.2.9:53: 2 datagrams, 17 bytes\n");
	ASSERT_HAS(out_buf, "  192.0.2.9:53 → 192.0.2.1:5353: 1 datagram, 300 bytes\n");
	ASSERT_HAS(out_buf, "  payload sizes 5 to 300 bytes, in order: →5 →12 ←300\n");
	ASSERT_HAS(out_buf, "  frames 4–7 (3 datagrams), from 0.500000 s to 1.000000 s, duration 0.500000 s\n");
	ASSERT_HAS(out_buf, "  2 datagrams with checksum 0: the sender disabled the checksum (allowed over IPv4)\n");
	ASSERT_HAS(out_buf, "  1 ICMP error answer this flow (the first in frame 6)\n");
	f.list_capped = true;
	m = open_out();
	wc_xfmt_text.udp_flow(m, &ctx, &f);
	close_out(m);
	ASSERT_HAS(out_buf, "  payload sizes 5 to 300 bytes\n");
}

static void test_text_icmp(void)
{
	struct wc_icmp_event e;
	port_unreach(&e, true);
	struct wc_outbuf *m = open_out();
	wc_xfmt_text.icmp(m, &ctx, &e);
	close_out(m);
	CU_ASSERT_STRING_EQUAL(out_buf,
	                       "frame 6: ICMP destination unreachable, port unreachable (type 3 code 3) from 192.0.2.9 "
	                       "to 192.0.2.1\n"
	                       "  it quotes UDP 192.0.2.1:5353 → 192.0.2.9:53\n"
	                       "  it answers the UDP datagram in frame 5 (flow #2)\n");
	port_unreach(&e, false);
	m = open_out();
	wc_xfmt_text.icmp(m, &ctx, &e);
	close_out(m);
	ASSERT_HAS(out_buf, "\n  it answers nothing in the capture: the packet it quotes was not captured\n");
}

static void test_text_anomaly(void)
{
	struct wc_outbuf *m = open_out();
	wc_xfmt_text.anomaly(m, &ctx, 12, WC_ANOM_IPV4_LEN_EXCEEDS_FRAME, NULL);
	wc_xfmt_text.anomaly(m, &ctx, 0, WC_ANOM_PCAPNG_TRUNCATED_BLOCK, "block of 96 bytes, 40 left");
	close_out(m);
	CU_ASSERT_STRING_EQUAL(out_buf,
	                       "frame 12: ipv4.len_exceeds_frame (malformed) — IPv4 total length runs past the end "
	                       "of the frame\n"
	                       "pcapng.truncated_block (truncated) — the file ends in the middle of a pcapng block: "
	                       "block of 96 bytes, 40 left\n");
}

static void syn_packet(struct wc_packet *p, struct wc_frame *f, struct wc_pkt_note *n)
{
	memset(p, 0, sizeof *p);
	memset(f, 0, sizeof *f);
	memset(n, 0, sizeof *n);
	f->number = 1;
	f->ts_ns = 1000000000;
	f->len = f->caplen = 74;
	p->frame = f;
	p->net = WC_NET_IPV4;
	p->ip.version = 4;
	p->ip.src = v4(10, 0, 0, 1);
	p->ip.dst = v4(10, 0, 0, 2);
	p->ip.hdr_csum = WC_CSUM_OK;
	p->l4 = WC_L4_TCP;
	p->u.tcp.sport = 40000;
	p->u.tcp.dport = 8080;
	p->u.tcp.seq = 123456789;
	p->u.tcp.flags = WC_TH_SYN;
	p->u.tcp.window = 64240;
	p->u.tcp.has_mss = true;
	p->u.tcp.mss = 1460;
	p->u.tcp.has_wscale = true;
	p->u.tcp.wscale = 7;
	p->u.tcp.sack_perm = true;
	p->u.tcp.csum = WC_CSUM_PARTIAL;
	n->kind = WC_FLOW_TCP;
	n->flow_id = 3;
}

static void test_text_packet(void)
{
	struct wc_packet p;
	struct wc_frame f;
	struct wc_pkt_note n;
	syn_packet(&p, &f, &n);
	struct wc_outbuf *m = open_out();
	wc_xfmt_text.packet(m, &ctx, &p, &n, true);
	f.number = 2;
	f.ts_ns += 2500;
	p.u.tcp.flags = WC_TH_SYN | WC_TH_ACK;
	p.u.tcp.csum = WC_CSUM_OK;
	n.rel_ack = 1;
	n.tcp_notes = WC_TN_RETRANSMISSION | WC_TN_DUP_ACK;
	wc_packet_anomaly(&p, WC_ANOM_TCP_OPT_MALFORMED);
	wc_xfmt_text.packet(m, &ctx, &p, &n, false);
	close_out(m);
	CU_ASSERT_STRING_EQUAL(out_buf,
	                       "\nPackets\n"
	                       "     1 0.000000 10.0.0.1:40000 → 10.0.0.2:8080 TCP [S] seq 0 win 64240 len 0 mss 1460 "
	                       "wscale 7 sackOK (conn #3) checksum partial\n"
	                       "     2 0.000002 10.0.0.1:40000 → 10.0.0.2:8080 TCP [SA] seq 0 ack 1 win 64240 len 0 "
	                       "mss 1460 wscale 7 sackOK (conn #3) retransmission, duplicate ACK [tcp.opt_malformed]\n");
}

/* ---- JSON ----------------------------------------------------------------- */

static json_object *parse_item(void)
{
	json_object *o = json_tokener_parse(out_buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

static void test_json_tcp(void)
{
	struct wc_tcp_conn c;
	refused_conn(&c);
	render_tcp(&wc_xfmt_json, &c);
	CU_ASSERT_PTR_NULL(strchr(out_buf, '\n')); /* one line per item */
	json_object *o = parse_item();
	CU_ASSERT_EQUAL(get_int(o, "id"), 3);
	CU_ASSERT_STRING_EQUAL(get_str(o, "client.addr"), "10.0.0.1");
	CU_ASSERT_EQUAL(get_int(o, "server.port"), 8080);
	CU_ASSERT_STRING_EQUAL(get_str(o, "teardown.rst.by"), "server");
	CU_ASSERT_EQUAL(get_int(o, "teardown.rst.frame"), 2);
	CU_ASSERT_STRING_EQUAL(get_str(o, "teardown.rst.context"), "refused");
	CU_ASSERT_STRING_EQUAL(get_str(o, "teardown.rst.explanation"), "refused: nothing listening on port 8080");
	CU_ASSERT_TRUE(is_null(o, "teardown.time_wait"));
	CU_ASSERT_TRUE(is_null(o, "handshake.synack_frame"));
	CU_ASSERT_TRUE(is_null(o, "server.options"));
	CU_ASSERT_EQUAL(get_int(o, "client.options.mss"), 1460);
	CU_ASSERT_TRUE(is_null(o, "client.options.window_scale"));
	CU_ASSERT_STRING_EQUAL(get_str(o, "client.states.1.state"), "SYN_SENT");
	CU_ASSERT_EQUAL(get_int(o, "client.states.1.frame"), 1);
	CU_ASSERT_TRUE(is_null(o, "client.states.0.frame"));
	CU_ASSERT_STRING_EQUAL(get_str(o, "conn_state"), "REJ");
	CU_ASSERT_STRING_EQUAL(get_str(o, "history"), "Sr");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string(get(o, "duration")), "0.000250");
	json_object_put(o);

	closed_conn(&c);
	render_tcp(&wc_xfmt_json, &c);
	o = parse_item();
	CU_ASSERT_STRING_EQUAL(get_str(o, "teardown.time_wait"), "client");
	CU_ASSERT_STRING_EQUAL(get_str(o, "teardown.first_closer"), "client");
	CU_ASSERT_TRUE(json_object_get_boolean(get(o, "handshake.complete")));
	CU_ASSERT_TRUE(is_null(o, "teardown.rst"));
	CU_ASSERT_EQUAL(get_int(o, "client.retransmitted_bytes"), 50);
	CU_ASSERT_EQUAL(get_int(o, "client.counts.checksum_partial"), 4);
	CU_ASSERT_EQUAL(get_int(o, "server.fin_frame"), 8);
	CU_ASSERT_STRING_EQUAL(get_str(o, "client.states.5.state"), "TIME_WAIT");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string(get(o, "handshake.rtt_syn_synack")), "0.000120");
	json_object_put(o);
}

static void test_json_udp_icmp_anomaly(void)
{
	struct wc_udp_flow f;
	udp_flow(&f);
	struct wc_outbuf *m = open_out();
	wc_xfmt_json.udp_flow(m, &ctx, &f);
	close_out(m);
	json_object *o = parse_item();
	CU_ASSERT_EQUAL(get_int(o, "id"), 2);
	CU_ASSERT_STRING_EQUAL(get_str(o, "first_sender.addr"), "192.0.2.1");
	CU_ASSERT_EQUAL(get_int(o, "peer.port"), 53);
	CU_ASSERT_EQUAL(get_int(o, "datagrams_sent"), 2);
	CU_ASSERT_EQUAL(get_int(o, "datagrams_back"), 1);
	CU_ASSERT_EQUAL(get_int(o, "datagrams.2.len"), 300);
	CU_ASSERT_STRING_EQUAL(get_str(o, "datagrams.2.dir"), "back");
	CU_ASSERT_STRING_EQUAL(get_str(o, "datagrams.0.checksum"), "zero");
	CU_ASSERT_EQUAL(get_int(o, "checksums.zero"), 2);
	CU_ASSERT_EQUAL(get_int(o, "first_icmp_frame"), 6);
	json_object_put(o);

	struct wc_icmp_event e;
	port_unreach(&e, true);
	m = open_out();
	wc_xfmt_json.icmp(m, &ctx, &e);
	close_out(m);
	o = parse_item();
	CU_ASSERT_EQUAL(get_int(o, "frame"), 6);
	CU_ASSERT_STRING_EQUAL(get_str(o, "code_name"), "port unreachable");
	CU_ASSERT_STRING_EQUAL(get_str(o, "from"), "192.0.2.9");
	CU_ASSERT_STRING_EQUAL(get_str(o, "answers.kind"), "udp");
	CU_ASSERT_EQUAL(get_int(o, "answers.id"), 2);
	CU_ASSERT_EQUAL(get_int(o, "answers.quoted_frame"), 5);
	CU_ASSERT_EQUAL(get_int(o, "quote.dport"), 53);
	json_object_put(o);

	m = open_out();
	wc_xfmt_json.anomaly(m, &ctx, 12, WC_ANOM_IPV4_LEN_EXCEEDS_FRAME, NULL);
	close_out(m);
	o = parse_item();
	CU_ASSERT_EQUAL(get_int(o, "frame"), 12);
	CU_ASSERT_STRING_EQUAL(get_str(o, "name"), "ipv4.len_exceeds_frame");
	CU_ASSERT_STRING_EQUAL(get_str(o, "kind"), "malformed");
	CU_ASSERT_TRUE(is_null(o, "detail"));
	json_object_put(o);
}

/* A whole document: begin, one packet, the end with spooled sections. */
static void fill_analysis(struct wc_analysis *an)
{
	memset(an, 0, sizeof *an);
	strcpy(an->format, "pcap");
	an->linktypes[0] = 1;
	an->linktype_count = 1;
	an->snaplen = 65535;
	an->stats.frames = 3;
	an->stats.bytes_captured = an->stats.bytes_wire = 200;
	an->stats.first_ts_ns = 1000000000;
	an->stats.last_ts_ns = 1500000000;
	an->stats.ipv4 = an->stats.tcp = 3;
	an->stats.tcp_syn_only = 1;
	an->stats.tcp_rst = 1;
	an->stats.csum[WC_CK_TCP][WC_CSUM_PARTIAL] = 3;
	an->stats.anomalies[WC_ANOM_IPV4_LEN_EXCEEDS_FRAME] = 2;
	an->stats.anomalies[WC_ANOM_PCAPNG_TRUNCATED_BLOCK] = 1;
	an->flows.tcp_connections = 1;
	an->flows.with_rst = 1;
	an->container_broken = true;
	an->container_anomaly = WC_ANOM_PCAPNG_TRUNCATED_BLOCK;
	strcpy(an->container_detail, "block of 96 bytes, 40 left");
}

/* Items reach a spool with the lead or separator explain.c writes before each. */
static void spool_add(const struct wc_xfmt *fmt, enum wc_xsection s, struct wc_xspool *sp, const char *text)
{
	const char *sep = sp->items ? fmt->item_sep[s] : fmt->item_lead[s];
	wc_xspool_write(sp, sep, strlen(sep));
	wc_xspool_write(sp, text, strlen(text));
	sp->items++;
}

static void document(const struct wc_xfmt *fmt, struct wc_xctx *x, const struct wc_analysis *an)
{
	struct wc_xspool sp[WC_XS__COUNT];
	for (int i = 0; i < WC_XS__COUNT; i++)
		wc_xspool_init(&sp[i], 1u << 16);
	struct wc_outbuf item;
	wc_outbuf_init(&item, NULL);
	fmt->anomaly(&item, x, 2, WC_ANOM_IPV4_LEN_EXCEEDS_FRAME, NULL);
	wc_outbuf_putc(&item, '\0');
	CU_ASSERT_FALSE_FATAL(item.failed);
	spool_add(fmt, WC_XS_ANOMALY, &sp[WC_XS_ANOMALY], item.p);
	wc_outbuf_free(&item);
	struct wc_xcapture cap = {.path = "x/syn.pcap", .an = an, .linktype_names = {"EN10MB"}, .anomalies_listed = 1};
	struct wc_outbuf *m = open_out();
	fmt->begin(m, x, cap.path);
	struct wc_packet p;
	struct wc_frame f;
	struct wc_pkt_note n;
	syn_packet(&p, &f, &n);
	if (x->opts->packets)
		fmt->packet(m, x, &p, &n, true);
	fmt->tcp_begin(m, x);
	struct wc_tcp_conn c;
	refused_conn(&c);
	wc_outbuf_puts(m, fmt->item_lead[WC_XS_TCP]);
	fmt->tcp_conn(m, x, &c);
	fmt->tcp_end(m, x, 1);
	CU_ASSERT_EQUAL(fmt->end(m, x, &cap, sp), 0);
	close_out(m);
	for (int i = 0; i < WC_XS__COUNT; i++)
		wc_xspool_free(&sp[i]);
}

static void test_json_document(void)
{
	struct wc_analysis an;
	fill_analysis(&an);
	struct wc_explain_opts jo = {.format = WC_EXPLAIN_JSON, .flow = -1};
	struct wc_xctx x = {.opts = &jo, .t0_ns = 1000000000};
	document(&wc_xfmt_json, &x, &an);
	json_object *o = parse_item();
	CU_ASSERT_STRING_EQUAL(get_str(o, "wirecheck.command"), "explain");
	CU_ASSERT_STRING_EQUAL(get_str(o, "wirecheck.version"), PACKAGE_VERSION);
	CU_ASSERT_PTR_NULL(get(o, "packets"));
	CU_ASSERT_STRING_EQUAL(get_str(o, "capture.file"), "x/syn.pcap");
	CU_ASSERT_STRING_EQUAL(get_str(o, "capture.linktypes.0.name"), "EN10MB");
	CU_ASSERT_EQUAL(get_int(o, "capture.frames"), 3);
	CU_ASSERT_FALSE(json_object_get_boolean(get(o, "capture.complete")));
	CU_ASSERT_EQUAL(get_int(o, "capture.container_anomaly.frame"), 4);
	CU_ASSERT_STRING_EQUAL(get_str(o, "capture.container_anomaly.name"), "pcapng.truncated_block");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string(get(o, "capture.duration")), "0.500000");
	CU_ASSERT_EQUAL(json_object_array_length(get(o, "tcp_connections")), 1);
	CU_ASSERT_STRING_EQUAL(get_str(o, "tcp_connections.0.teardown.rst.context"), "refused");
	CU_ASSERT_EQUAL(json_object_array_length(get(o, "udp_flows")), 0);
	CU_ASSERT_EQUAL(json_object_array_length(get(o, "icmp_errors")), 0);
	CU_ASSERT_STRING_EQUAL(get_str(o, "anomalies.0.name"), "ipv4.len_exceeds_frame");
	CU_ASSERT_EQUAL(get_int(o, "summary.tcp_syn"), 1);
	CU_ASSERT_EQUAL(get_int(o, "summary.with_rst"), 1);
	CU_ASSERT_EQUAL(get_int(o, "summary.checksums.tcp.partial"), 3);
	CU_ASSERT_EQUAL(get_int(o, "summary.checksums.tcp.bad"), 0);
	json_object *counts = get(o, "summary.anomalies");
	json_object *v = NULL;
	CU_ASSERT_TRUE(json_object_object_get_ex(counts, "ipv4.len_exceeds_frame", &v));
	CU_ASSERT_EQUAL(json_object_get_int64(v), 2);
	CU_ASSERT_EQUAL(get_int(o, "summary.anomalies_listed"), 1);
	json_object_put(o);

	jo.packets = true;
	document(&wc_xfmt_json, &x, &an);
	o = parse_item();
	CU_ASSERT_EQUAL(json_object_array_length(get(o, "packets")), 1);
	CU_ASSERT_EQUAL(get_int(o, "packets.0.frame"), 1);
	CU_ASSERT_STRING_EQUAL(get_str(o, "packets.0.protocol"), "tcp");
	CU_ASSERT_STRING_EQUAL(get_str(o, "packets.0.tcp.flags"), "S");
	CU_ASSERT_EQUAL(get_int(o, "packets.0.tcp.rel_seq"), 0);
	CU_ASSERT_EQUAL(get_int(o, "packets.0.tcp.seq"), 123456789);
	CU_ASSERT_STRING_EQUAL(get_str(o, "packets.0.tcp.checksum"), "partial");
	CU_ASSERT_EQUAL(get_int(o, "packets.0.tcp.connection"), 3);
	json_object_put(o);
}

static void test_text_document(void)
{
	struct wc_analysis an;
	fill_analysis(&an);
	document(&wc_xfmt_text, &ctx, &an);
	/* the lists come first, the capture and the summary once the file has been read */
	ASSERT_HAS(out_buf, "wirecheck explain x/syn.pcap\n\nTCP connections\nconnection #3 client");
	ASSERT_HAS(out_buf, "\nUDP flows (0)\n\nICMP errors (0)\n\nAnomalies (3)\nframe 2: ipv4.len_exceeds_frame");
	ASSERT_HAS(out_buf, "(2 more not listed; all are counted in the summary)\n\nCapture\n  file x/syn.pcap\n"
	                    "  format pcap, link type EN10MB (1), snapshot length 65535\n"
	                    "  3 frames, 200 bytes captured of 200 on the wire\n"
	                    "  from 1970-01-01 00:00:01.000000 UTC for 0.500000 s\n");
	ASSERT_HAS(out_buf, "  the file ends in the middle of frame 4: the file ends in the middle of a pcapng block "
	                    "(pcapng.truncated_block): block of 96 bytes, 40 left; the frames before it are explained above\n"
	                    "\nSummary\n");
	ASSERT_HAS(out_buf, "  TCP: 1 SYN, 0 SYN-ACK, 1 RST, 0 FIN; 1 connection, 0 complete handshakes, "
	                    "0 closed with FIN both ways, 1 with RST\n");
	ASSERT_HAS(out_buf, "  checksums: tcp 3 partial\n    partial = transmit offload");
	ASSERT_HAS(out_buf, "  anomalies: pcapng.truncated_block 1, ipv4.len_exceeds_frame 2\n");

	/* an empty TCP section says so */
	struct wc_outbuf *m = open_out();
	wc_xfmt_text.tcp_begin(m, &ctx);
	wc_xfmt_text.tcp_end(m, &ctx, 0);
	close_out(m);
	CU_ASSERT_STRING_EQUAL(out_buf, "\nTCP connections\nnone\n");
}

/* ---- spool ---------------------------------------------------------------- */

static void test_spool(void)
{
	/* within the bound: memory only, no temporary file */
	struct wc_xspool sp;
	wc_xspool_init(&sp, 8);
	wc_xspool_write(&sp, "abc", 3);
	wc_xspool_write(&sp, "defgh", 5);
	CU_ASSERT_PTR_NULL(sp.spill);
	CU_ASSERT_EQUAL(sp.len, 8);
	struct wc_outbuf *m = open_out();
	CU_ASSERT_EQUAL(wc_xspool_copy(m, &sp), 0);
	close_out(m);
	CU_ASSERT_STRING_EQUAL(out_buf, "abcdefgh");

	/* past it the rest goes to the file, even a piece that would still fit, so the
	 * order holds; copying twice gives the same bytes */
	wc_xspool_write(&sp, "ijk", 3);
	wc_xspool_write(&sp, "", 0);
	wc_xspool_write(&sp, "l", 1);
	CU_ASSERT_PTR_NOT_NULL(sp.spill);
	CU_ASSERT_EQUAL(sp.len, 8);
	for (int i = 0; i < 2; i++) {
		m = open_out();
		CU_ASSERT_EQUAL(wc_xspool_copy(m, &sp), 0);
		close_out(m);
		CU_ASSERT_STRING_EQUAL(out_buf, "abcdefghijkl");
	}
	CU_ASSERT_FALSE(sp.failed);
	wc_xspool_free(&sp);
	CU_ASSERT_PTR_NULL(sp.mem);
	CU_ASSERT_PTR_NULL(sp.spill);

	/* a piece larger than the whole bound goes straight to the file */
	wc_xspool_init(&sp, 4);
	wc_xspool_write(&sp, "0123456789", 10);
	CU_ASSERT_EQUAL(sp.len, 0);
	m = open_out();
	CU_ASSERT_EQUAL(wc_xspool_copy(m, &sp), 0);
	close_out(m);
	CU_ASSERT_STRING_EQUAL(out_buf, "0123456789");
	wc_xspool_free(&sp);
}

/* ---- reorder buffer ------------------------------------------------------- */

static char order_log[256];

/* An item is one letter in a slot of two bytes. */
static void log_sink(void *item, void *arg)
{
	(void)arg;
	size_t n = strlen(order_log);
	snprintf(order_log + n, sizeof order_log - n, "%s ", item ? (const char *)item : "-");
}

static int put(struct wc_xorder *o, uint32_t id, char letter)
{
	char *slot = wc_xorder_slot(o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(slot);
	slot[0] = letter;
	slot[1] = '\0';
	return wc_xorder_put(o, id, slot);
}

static void test_order(void)
{
	order_log[0] = '\0';
	struct wc_xorder *o = wc_xorder_new(8, 2, log_sink, NULL);
	CU_ASSERT_EQUAL(put(o, 2, 'c'), 0);
	CU_ASSERT_EQUAL(wc_xorder_put(o, 1, NULL), 0);
	CU_ASSERT_STRING_EQUAL(order_log, "");
	CU_ASSERT_EQUAL(put(o, 0, 'a'), 0);
	CU_ASSERT_STRING_EQUAL(order_log, "a - c ");
	put(o, 4, 'e');
	wc_xorder_flush(o);
	CU_ASSERT_STRING_EQUAL(order_log, "a - c e ");
	/* a slot asked for twice without being handed over is the same slot */
	void *s1 = wc_xorder_slot(o);
	CU_ASSERT_PTR_EQUAL(wc_xorder_slot(o), s1);
	wc_xorder_free(o); /* frees the slot lent out too */

	/* over the cap, the smallest held id goes out; a late smaller id follows on arrival */
	order_log[0] = '\0';
	o = wc_xorder_new(2, 2, log_sink, NULL);
	put(o, 5, 'f');
	put(o, 3, 'd');
	CU_ASSERT_STRING_EQUAL(order_log, "");
	put(o, 4, 'e');
	CU_ASSERT_STRING_EQUAL(order_log, "d e f ");
	put(o, 0, 'a');
	CU_ASSERT_STRING_EQUAL(order_log, "d e f a ");
	put(o, 7, 'h');
	wc_xorder_free(o); /* frees what is still held */
	CU_ASSERT_STRING_EQUAL(order_log, "d e f a ");

	/* slots written out are recycled: a thousand items in order need one slot */
	order_log[0] = '\0';
	o = wc_xorder_new(4, 2, log_sink, NULL);
	void *first = wc_xorder_slot(o);
	for (uint32_t id = 0; id < 1000; id++) {
		CU_ASSERT_PTR_EQUAL(wc_xorder_slot(o), first);
		put(o, id, 'x');
	}
	wc_xorder_free(o);
}

/* ---- words ---------------------------------------------------------------- */

static void test_words(void)
{
	char b[9];
	CU_ASSERT_STRING_EQUAL(wc_x_tcp_flags(WC_TH_FIN | WC_TH_PSH | WC_TH_ACK, b), "FPA");
	CU_ASSERT_STRING_EQUAL(wc_x_tcp_flags(0, b), ".");
	CU_ASSERT_STRING_EQUAL(wc_x_icmp_code(6, 1, 4), "port unreachable");
	CU_ASSERT_STRING_EQUAL(wc_x_icmp_type(6, 1), "destination unreachable");
	CU_ASSERT_STRING_EQUAL(wc_x_icmp_code(4, 3, 200), "");
	CU_ASSERT_STRING_EQUAL(wc_tcp_state_name(WC_TS_FIN_WAIT_2), "FIN_WAIT_2");
	CU_ASSERT_STRING_EQUAL(wc_rst_context_name(WC_RST_AFTER_FIN), "after_fin");
	static const struct {
		int64_t ns;
		const char *text;
	} secs[] = {
		{-1500000, "-0.001500"}, {61000999999, "61.000999"}, {0, "0.000000"}, {999, "0.000000"},
		{-500, "-0.000000"}, {1258568548135731000, "1258568548.135731"},
		{INT64_MIN, "-9223372036.854775"}, {INT64_MAX, "9223372036.854775"},
	};
	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		struct wc_outbuf *m = open_out();
		wc_x_seconds(m, secs[i].ns);
		close_out(m);
		CU_ASSERT_STRING_EQUAL(out_buf, secs[i].text);
	}
	char r[WC_X_RST_STRLEN];
	CU_ASSERT_STRING_EQUAL(wc_x_rst_text(WC_RST_REFUSED, 65535, r), "refused: nothing listening on port 65535");
	CU_ASSERT_STRING_EQUAL(wc_x_rst_text(WC_RST_NONE, 80, r), "reset");
}

/* wc_x_addr writes what wc_addr_str does, by hand for IPv4 and through the cache for
 * IPv6, also when addresses that share a slot take turns. */
static void test_addresses(void)
{
	static struct wc_xaddr_cache cache;
	struct wc_xctx cached = ctx;
	cached.addrs = &cache;
	const struct wc_xctx *contexts[2] = {&ctx, &cached};
	struct wc_addr a[200];
	size_t n = 0;
	a[n++] = v4(0, 0, 0, 0);
	a[n++] = v4(255, 255, 255, 255);
	a[n++] = v4(10, 0, 100, 9);
	a[n++] = (struct wc_addr){.family = 0};
	a[n++] = (struct wc_addr){.family = 6};                                   /* :: */
	a[n++] = (struct wc_addr){.family = 6, .bytes = {[10] = 0xff, [11] = 0xff, 1, 2, 3, 4}};
	while (n < sizeof a / sizeof a[0]) {
		struct wc_addr x = {.family = 6, .bytes = {0x20, 0x01, 0x0d, 0xb8}};
		x.bytes[4] = (uint8_t)(n % 3);
		x.bytes[15] = (uint8_t)n;
		x.bytes[14] = (uint8_t)(n * 7);
		a[n++] = x;
	}
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < n; i++) {
			size_t k = round == 1 ? n - 1 - i : i; /* other orders meet other slot owners */
			char want[WC_ADDR_STRLEN], got[WC_ADDR_STRLEN];
			wc_addr_str(&a[k], want);
			for (int c = 0; c < 2; c++) {
				size_t len = wc_x_addr(contexts[c], &a[k], got);
				CU_ASSERT_EQUAL_FATAL(len, strlen(want));
				CU_ASSERT_EQUAL(memcmp(got, want, len), 0);
			}
		}
	char got[WC_ADDR_STRLEN];
	got[wc_x_addr(&cached, &a[5], got)] = '\0';
	CU_ASSERT_STRING_EQUAL(got, "::ffff:1.2.3.4");
	got[wc_x_addr(&ctx, &a[1], got)] = '\0';
	CU_ASSERT_STRING_EQUAL(got, "255.255.255.255");
}

static const struct wc_test text_tests[] = {
	{"refused connection", test_text_refused},
	{"orderly close, TIME_WAIT side named", test_text_time_wait},
	{"no SYN seen; colour", test_text_no_syn_and_colour},
	{"UDP flow", test_text_udp},
	{"ICMP error matched and unmatched", test_text_icmp},
	{"anomaly lines", test_text_anomaly},
	{"packet lines", test_text_packet},
	{"whole text document", test_text_document},
	{NULL, NULL},
};
static const struct wc_test json_tests[] = {
	{"TCP connection objects", test_json_tcp},
	{"UDP, ICMP and anomaly objects", test_json_udp_icmp_anomaly},
	{"whole JSON document", test_json_document},
	{NULL, NULL},
};
static const struct wc_test misc_tests[] = {
	{"reorder buffer", test_order},
	{"spool: memory, then a temporary file", test_spool},
	{"words", test_words},
	{"addresses, cached and not", test_addresses},
	{NULL, NULL},
};
static const struct wc_suite text_suite = {"explain text", text_tests};
static const struct wc_suite json_suite = {"explain json", json_tests};
static const struct wc_suite misc_suite = {"explain helpers", misc_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&text_suite, &json_suite, &misc_suite, NULL};
	int rc = wc_unit_main(argc, argv, suites);
	wc_outbuf_free(&out_mem);
	return rc;
}
