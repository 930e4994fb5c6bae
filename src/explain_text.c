/* explain_text.c — the plain-language form of `wirecheck explain`, for people. */
#include "config.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "explain_format.h"

#define ENDPOINT_STRLEN (WC_ADDR_STRLEN + 8)

static const char *paint(const struct wc_xctx *x, const char *code)
{
	return x->color ? code : "";
}
#define BOLD(x) paint(x, "\033[1m")
#define RED(x) paint(x, "\033[31m")
#define GREEN(x) paint(x, "\033[32m")
#define YELLOW(x) paint(x, "\033[33m")
#define OFF(x) paint(x, "\033[0m")

static const char *const side_name[2] = {"client", "server"};

/* A connection is a few hundred short pieces: they are appended to the output buffer
 * directly (LIT for literals, whose length the compiler knows); printf is kept for the
 * lines most connections do not have. */
#define LIT(out, lit) WC_OUTBUF_LIT(out, lit)

/* "192.0.2.1:80", "[2001:db8::1]:80"; returns its length (no NUL). */
static size_t endpoint(const struct wc_xctx *x, const struct wc_addr *a, uint16_t port, char *buf)
{
	size_t n = 0;
	if (a->family == 6)
		buf[n++] = '[';
	n += wc_x_addr(x, a, buf + n);
	if (a->family == 6)
		buf[n++] = ']';
	buf[n++] = ':';
	return n + wc_u64_digits(port, buf + n);
}

/* endpoint() as a C string, for the printf paths. */
static char *endpoint_str(const struct wc_xctx *x, const struct wc_addr *a, uint16_t port, char *buf)
{
	buf[endpoint(x, a, port, buf)] = '\0';
	return buf;
}

static void rel_time(struct wc_outbuf *out, const struct wc_xctx *x, int64_t ts_ns)
{
	wc_x_seconds(out, ts_ns - x->t0_ns);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "  frames 1–9 (9 frames), from 0.000000 s to 0.012000 s, duration 0.012000 s" */
static void span(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t first, uint64_t last, uint64_t count,
                 const char *one, const char *many, int64_t first_ns, int64_t last_ns)
{
	if (first == last) {
		LIT(out, "  frame ");
		wc_outbuf_u64(out, first);
		LIT(out, ", at ");
		rel_time(out, x, first_ns);
		LIT(out, " s\n");
		return;
	}
	LIT(out, "  frames ");
	wc_outbuf_u64(out, first);
	LIT(out, "–");
	wc_outbuf_u64(out, last);
	LIT(out, " (");
	wc_outbuf_u64(out, count);
	wc_outbuf_putc(out, ' ');
	wc_outbuf_puts(out, plural(count, one, many));
	LIT(out, "), from ");
	rel_time(out, x, first_ns);
	LIT(out, " s to ");
	rel_time(out, x, last_ns);
	LIT(out, " s, duration ");
	wc_x_seconds(out, last_ns - first_ns);
	LIT(out, " s\n");
}

/* ---- packets -------------------------------------------------------------- */

static void packet_tcp(struct wc_outbuf *out, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_tcp *t = &p->u.tcp;
	char flags[9];
	bool tracked = n && n->kind == WC_FLOW_TCP;
	LIT(out, " TCP [");
	wc_outbuf_puts(out, wc_x_tcp_flags(t->flags, flags));
	LIT(out, "] seq ");
	wc_outbuf_u64(out, tracked ? n->rel_seq : t->seq);
	if (t->flags & WC_TH_ACK) {
		LIT(out, " ack ");
		wc_outbuf_u64(out, tracked ? n->rel_ack : t->ack);
	}
	LIT(out, " win ");
	wc_outbuf_u64(out, t->window);
	LIT(out, " len ");
	wc_outbuf_u64(out, t->payload_len);
	if (t->has_mss) {
		LIT(out, " mss ");
		wc_outbuf_u64(out, t->mss);
	}
	if (t->has_wscale) {
		LIT(out, " wscale ");
		wc_outbuf_u64(out, t->wscale);
	}
	if (t->sack_perm)
		LIT(out, " sackOK");
	if (tracked) {
		LIT(out, " (conn #");
		wc_outbuf_u64(out, n->flow_id);
		wc_outbuf_putc(out, ')');
		const char *sep = " ";
		for (size_t i = 0; i < wc_x_note_name_count; i++)
			if (n->tcp_notes & wc_x_note_names[i].bit) {
				wc_outbuf_puts(out, sep);
				wc_outbuf_puts(out, wc_x_note_names[i].words);
				sep = ", ";
			}
	}
}

static void packet_icmp(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_packet *p,
                        const struct wc_pkt_note *n)
{
	const struct wc_icmp *ic = &p->u.icmp;
	const char *type = wc_x_icmp_type(ic->version, ic->type);
	const char *code = wc_x_icmp_code(ic->version, ic->type, ic->code);
	wc_outbuf_printf(out, " ICMP%s %s%s%s (type %u code %u)", ic->version == 6 ? "v6" : "",
	        *type ? type : "message", *code ? ", " : "", code, ic->type, ic->code);
	if (ic->is_error && ic->quote.present && ic->quote.has_ports) {
		char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];
		wc_outbuf_printf(out, " quoting %s %s → %s", ic->quote.ip.proto == 6 ? "TCP" : ic->quote.ip.proto == 17 ? "UDP" : "IP",
		        endpoint_str(x, &ic->quote.ip.src, ic->quote.sport, a),
		        endpoint_str(x, &ic->quote.ip.dst, ic->quote.dport, b));
	}
	if (n && n->icmp_matched) {
		wc_outbuf_printf(out, " answers %s #%" PRIu32, n->icmp_flow_kind == WC_FLOW_TCP ? "conn" : "UDP flow", n->icmp_flow_id);
		if (n->icmp_quoted_frame)
			wc_outbuf_printf(out, " frame %" PRIu64, n->icmp_quoted_frame);
	}
}

static void packet_checksums(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_packet *p)
{
	if (p->net == WC_NET_IPV4 && p->ip.hdr_csum != WC_CSUM_OK && p->ip.hdr_csum != WC_CSUM_NONE)
		wc_outbuf_printf(out, " %sip checksum %s%s", p->ip.hdr_csum == WC_CSUM_BAD ? RED(x) : "",
		        wc_csum_name(p->ip.hdr_csum), OFF(x));
	enum wc_csum c = WC_CSUM_NONE;
	if (p->l4 == WC_L4_TCP)
		c = p->u.tcp.csum;
	else if (p->l4 == WC_L4_UDP)
		c = p->u.udp.csum;
	else if (p->l4 == WC_L4_ICMP || p->l4 == WC_L4_ICMPV6)
		c = p->u.icmp.csum;
	if (c != WC_CSUM_OK && c != WC_CSUM_NONE)
		wc_outbuf_printf(out, " %schecksum %s%s", c == WC_CSUM_BAD ? RED(x) : "", wc_csum_name(c), OFF(x));
}

static void text_packet(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_packet *p,
                        const struct wc_pkt_note *n, bool first)
{
	if (first)
		wc_outbuf_printf(out, "\n%sPackets%s\n", BOLD(x), OFF(x));
	char num[20];
	size_t nd = wc_u64_digits(p->frame->number, num);
	for (size_t pad = nd; pad < 6; pad++) /* "%6" */
		wc_outbuf_putc(out, ' ');
	wc_outbuf_put(out, num, nd);
	wc_outbuf_putc(out, ' ');
	rel_time(out, x, p->frame->ts_ns);
	char a[ENDPOINT_STRLEN];
	if (p->net == WC_NET_IPV4 || p->net == WC_NET_IPV6) {
		bool ports = p->l4 == WC_L4_TCP || p->l4 == WC_L4_UDP;
		uint16_t sp = p->l4 == WC_L4_TCP ? p->u.tcp.sport : p->u.udp.sport;
		uint16_t dp = p->l4 == WC_L4_TCP ? p->u.tcp.dport : p->u.udp.dport;
		wc_outbuf_putc(out, ' ');
		wc_outbuf_put(out, a, ports ? endpoint(x, &p->ip.src, sp, a) : wc_x_addr(x, &p->ip.src, a));
		LIT(out, " → ");
		wc_outbuf_put(out, a, ports ? endpoint(x, &p->ip.dst, dp, a) : wc_x_addr(x, &p->ip.dst, a));
	}
	switch (p->l4) {
	case WC_L4_TCP: packet_tcp(out, p, n); break;
	case WC_L4_UDP:
		LIT(out, " UDP len ");
		wc_outbuf_u64(out, p->u.udp.payload_len);
		if (n && n->kind == WC_FLOW_UDP) {
			LIT(out, " (flow #");
			wc_outbuf_u64(out, n->flow_id);
			wc_outbuf_putc(out, ')');
		}
		break;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6: packet_icmp(out, x, p, n); break;
	case WC_L4_OTHER: wc_outbuf_printf(out, " IP protocol %u", p->ip.proto); break;
	case WC_L4_NONE:
		if (p->ip.is_fragment)
			wc_outbuf_printf(out, " IPv%u fragment, offset %" PRIu32 "%s", p->ip.version, p->ip.frag_offset,
			        p->ip.more_fragments ? ", more follow" : ", last");
		else if (p->net == WC_NET_OTHER)
			wc_outbuf_printf(out, " ethertype 0x%04x", p->ethertype);
		else if (p->net == WC_NET_NONE)
			LIT(out, " (no network layer decoded)");
		break;
	}
	if (p->ip.reassembled)
		wc_outbuf_printf(out, " (reassembled from %u fragments, the first in frame %" PRIu64 ")",
		        p->ip.frag_count, p->ip.frag_first_frame);
	packet_checksums(out, x, p);
	unsigned listed = p->anomaly_count < WC_PKT_MAX_ANOMALIES ? p->anomaly_count : WC_PKT_MAX_ANOMALIES;
	for (unsigned i = 0; i < listed; i++)
		wc_outbuf_printf(out, " %s[%s]%s", YELLOW(x), wc_anomaly_name(p->anomalies[i]), OFF(x));
	wc_outbuf_putc(out, '\n');
}

/* ---- TCP connections ------------------------------------------------------ */

static void tcp_options(struct wc_outbuf *out, const struct wc_tcp_side *s)
{
	if (!s->syn_seen) {
		LIT(out, "no SYN seen");
		return;
	}
	if (s->has_mss) {
		LIT(out, "MSS ");
		wc_outbuf_u64(out, s->mss);
	} else {
		LIT(out, "no MSS");
	}
	if (s->wscale >= 0) {
		LIT(out, ", window scale ");
		wc_outbuf_u64(out, (uint64_t)s->wscale);
	} else
		LIT(out, ", no window scaling");
	wc_outbuf_puts(out, s->sack_perm ? ", SACK permitted" : ", no SACK");
	wc_outbuf_puts(out, s->timestamps ? ", timestamps" : ", no timestamps");
}

static void tcp_handshake(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	LIT(out, "  handshake: ");
	wc_outbuf_puts(out, c->handshake_complete ? GREEN(x) : YELLOW(x));
	wc_outbuf_puts(out, c->handshake_complete ? "complete" : "not complete");
	wc_outbuf_puts(out, OFF(x));
	const char *sep = " — ";
	static const char *const step[3] = {"SYN frame ", "SYN-ACK frame ", "ACK frame "};
	const uint64_t frame[3] = {c->syn_frame, c->synack_frame, c->hs_ack_frame};
	for (int i = 0; i < 3; i++) {
		if (!frame[i])
			continue;
		wc_outbuf_puts(out, sep);
		wc_outbuf_puts(out, step[i]);
		wc_outbuf_u64(out, frame[i]);
		sep = ", ";
	}
	if (!c->syn_frame && !c->synack_frame)
		LIT(out, " — the capture starts after the connection was opened");
	wc_outbuf_putc(out, '\n');
	if (c->syn_count > 1)
		wc_outbuf_printf(out, "    the SYN was sent %" PRIu32 " times (%" PRIu32 " %s)\n", c->syn_count,
		        c->syn_count - 1, plural(c->syn_count - 1, "retransmission", "retransmissions"));
	if (c->synack_count > 1)
		wc_outbuf_printf(out, "    the SYN-ACK was sent %" PRIu32 " times\n", c->synack_count);
	if (c->side[0].syn_seen || c->side[1].syn_seen) {
		for (int i = 0; i < 2; i++) {
			wc_outbuf_puts(out, i ? "    server offered: " : "    client offered: ");
			tcp_options(out, &c->side[i]);
			wc_outbuf_putc(out, '\n');
		}
	}
	if (c->rtt_syn_synack_ns >= 0 || c->rtt_synack_ack_ns >= 0) {
		LIT(out, "    round trip:");
		if (c->rtt_syn_synack_ns >= 0) {
			LIT(out, " SYN → SYN-ACK ");
			wc_x_seconds(out, c->rtt_syn_synack_ns);
			LIT(out, " s");
		}
		if (c->rtt_synack_ack_ns >= 0) {
			wc_outbuf_puts(out, c->rtt_syn_synack_ns >= 0 ? ", SYN-ACK → ACK " : " SYN-ACK → ACK ");
			wc_x_seconds(out, c->rtt_synack_ack_ns);
			LIT(out, " s");
		}
		wc_outbuf_putc(out, '\n');
	}
}

static void tcp_bytes(struct wc_outbuf *out, const struct wc_tcp_conn *c)
{
	for (int i = 0; i < 2; i++) {
		const struct wc_tcp_side *s = &c->side[i];
		uint64_t again = s->payload_bytes > s->stream_bytes ? s->payload_bytes - s->stream_bytes : 0;
		wc_outbuf_puts(out, i ? "  server → client: " : "  client → server: ");
		wc_outbuf_u64(out, s->stream_bytes);
		wc_outbuf_puts(out, plural(s->stream_bytes, " byte of stream in ", " bytes of stream in "));
		wc_outbuf_u64(out, s->segments);
		wc_outbuf_puts(out, plural(s->segments, " segment", " segments"));
		if (again) {
			LIT(out, ", ");
			wc_outbuf_u64(out, again);
			if (s->retransmissions || s->spurious_retransmissions)
				LIT(out, " more sent again (retransmitted)");
			else
				wc_outbuf_puts(out, plural(again, " payload byte outside the stream",
				                           " payload bytes outside the stream"));
		}
		if (s->gaps_total) {
			LIT(out, ", ");
			wc_outbuf_u64(out, s->gaps_total);
			wc_outbuf_puts(out, plural(s->gaps_total, " gap in the stream the capture never showed",
			                           " gaps in the stream the capture never showed"));
		}
		wc_outbuf_putc(out, '\n');
	}
}

static void tcp_teardown(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	if (c->rst_side >= 0) {
		char why[WC_X_RST_STRLEN];
		LIT(out, "  ");
		wc_outbuf_puts(out, RED(x));
		LIT(out, "reset");
		wc_outbuf_puts(out, OFF(x));
		LIT(out, ": the ");
		wc_outbuf_puts(out, side_name[c->rst_side]);
		LIT(out, " sent a RST in frame ");
		wc_outbuf_u64(out, c->rst_frame);
		LIT(out, " — ");
		wc_outbuf_puts(out, RED(x));
		wc_outbuf_puts(out, wc_x_rst_text(c->rst_context, c->side[1].port, why));
		wc_outbuf_puts(out, OFF(x));
		wc_outbuf_putc(out, '\n');
	}
	int first = c->first_closer;
	if (first < 0 || !c->side[first].fin_frame) {
		if (c->rst_side < 0)
			LIT(out, "  teardown: no FIN or RST seen: the connection was still open when the capture ended\n");
		else if (c->side[0].fin_frame || c->side[1].fin_frame)
			for (int i = 0; i < 2; i++)
				if (c->side[i].fin_frame)
					wc_outbuf_printf(out, "  the %s also sent a FIN in frame %" PRIu64 "\n", side_name[i],
					        c->side[i].fin_frame);
		return;
	}
	const struct wc_tcp_side *a = &c->side[first], *b = &c->side[1 - first];
	const char *other = side_name[1 - first];
	LIT(out, "  teardown: the ");
	wc_outbuf_puts(out, side_name[first]);
	LIT(out, " closed first (FIN in frame ");
	wc_outbuf_u64(out, a->fin_frame);
	if (a->fin_acked_frame) {
		LIT(out, ", acknowledged in frame ");
		wc_outbuf_u64(out, a->fin_acked_frame);
	}
	wc_outbuf_putc(out, ')');
	if (c->half_close) {
		LIT(out, "; half-close: the ");
		wc_outbuf_puts(out, other);
		LIT(out, " kept sending data after it");
	}
	LIT(out, "; the ");
	wc_outbuf_puts(out, other);
	if (b->fin_frame) {
		LIT(out, "'s FIN in frame ");
		wc_outbuf_u64(out, b->fin_frame);
		if (b->fin_acked_frame) {
			LIT(out, ", acknowledged in frame ");
			wc_outbuf_u64(out, b->fin_acked_frame);
		}
	} else {
		LIT(out, " never sent a FIN");
	}
	wc_outbuf_putc(out, '\n');
	if (c->time_wait_side == 2) {
		LIT(out, "  both sides end in TIME_WAIT (simultaneous close)\n");
	} else if (c->time_wait_side >= 0) {
		LIT(out, "  the ");
		wc_outbuf_puts(out, side_name[c->time_wait_side]);
		LIT(out, " ends in TIME_WAIT (it closed first and acknowledged the other FIN)\n");
	} else {
		LIT(out, "  nobody is seen reaching TIME_WAIT\n");
	}
}

static void tcp_states(struct wc_outbuf *out, const struct wc_tcp_conn *c)
{
	for (int i = 0; i < 2; i++) {
		const struct wc_tcp_side *s = &c->side[i];
		wc_outbuf_puts(out, i ? "  server states: " : "  client states: ");
		for (unsigned k = 0; k < s->step_count && k < WC_MAX_STEPS; k++) {
			if (k)
				LIT(out, " → ");
			wc_outbuf_puts(out, wc_tcp_state_name(s->steps[k].state));
			if (s->steps[k].frame) {
				LIT(out, " (");
				wc_outbuf_u64(out, s->steps[k].frame);
				wc_outbuf_putc(out, ')');
			}
		}
		wc_outbuf_putc(out, '\n');
	}
}

/* The per-side counts a connection summary lists when not zero, in this order. */
#define SEGMENT_COUNTS 10
static const char *const count_words[SEGMENT_COUNTS][2] = {
	{"retransmission", "retransmissions"},
	{"spurious retransmission", "spurious retransmissions"},
	{"out-of-order segment", "out-of-order segments"},
	{"lost segment (data after a hole)", "lost segments (data after a hole)"},
	{"keep-alive", "keep-alives"},
	{"zero-window advertisement", "zero-window advertisements"},
	{"duplicate ACK", "duplicate ACKs"},
	{"window update", "window updates"},
	{"segment larger than the MSS (segmentation offload)", "segments larger than the MSS (segmentation offload)"},
	{"bad checksum", "bad checksums"},
};

static void side_counts(const struct wc_tcp_side *s, uint32_t v[SEGMENT_COUNTS])
{
	v[0] = s->retransmissions;
	v[1] = s->spurious_retransmissions;
	v[2] = s->out_of_order;
	v[3] = s->lost_segments;
	v[4] = s->keepalives;
	v[5] = s->zero_windows;
	v[6] = s->dup_acks;
	v[7] = s->window_updates;
	v[8] = s->offload_segments;
	v[9] = s->checksum_bad;
}

static void tcp_segments(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	uint32_t v[2][SEGMENT_COUNTS];
	side_counts(&c->side[0], v[0]);
	side_counts(&c->side[1], v[1]);
	bool any = false;
	for (size_t k = 0; k < SEGMENT_COUNTS; k++) {
		uint32_t v0 = v[0][k], v1 = v[1][k];
		if (!v0 && !v1)
			continue;
		wc_outbuf_puts(out, any ? ", " : "  segments: ");
		wc_outbuf_puts(out, YELLOW(x));
		wc_outbuf_u64(out, (uint64_t)v0 + v1);
		wc_outbuf_putc(out, ' ');
		wc_outbuf_puts(out, plural(v0 + v1, count_words[k][0], count_words[k][1]));
		wc_outbuf_puts(out, OFF(x));
		LIT(out, " (client ");
		wc_outbuf_u64(out, v0);
		LIT(out, ", server ");
		wc_outbuf_u64(out, v1);
		wc_outbuf_putc(out, ')');
		any = true;
	}
	if (any)
		wc_outbuf_putc(out, '\n');
	else
		LIT(out, "  segments: nothing unusual (no retransmissions, losses, duplicate ACKs or zero windows)\n");
	uint32_t partial = c->side[0].checksum_partial + c->side[1].checksum_partial;
	if (partial)
		wc_outbuf_printf(out, "  checksums: %" PRIu32 " partial — transmit offload on the capturing host: the "
		             "kernel leaves the checksum to the network card, which fills it in after the capture "
		             "saw the packet (on lo nothing ever does); not an error\n",
		        partial);
}

static void tcp_zeek(struct wc_outbuf *out, const struct wc_tcp_conn *c)
{
	LIT(out, "  Zeek: conn_state ");
	wc_outbuf_puts(out, c->conn_state);
	LIT(out, " (");
	wc_outbuf_puts(out, wc_x_conn_state_meaning(c->conn_state));
	LIT(out, "), history ");
	wc_outbuf_puts(out, c->history[0] ? c->history : "-");
	/* the legend names only the letters that occur, once each */
	bool seen[128] = {false};
	const char *sep = " — upper case client, lower case server: ";
	for (const char *h = c->history; *h; h++) {
		unsigned char up = (unsigned char)(*h >= 'a' && *h <= 'z' ? *h - 'a' + 'A' : *h);
		const char *meaning = up < 128 ? wc_x_history_letter((char)up) : NULL;
		if (!meaning || seen[up])
			continue;
		seen[up] = true;
		wc_outbuf_puts(out, sep);
		wc_outbuf_putc(out, up);
		wc_outbuf_putc(out, ' ');
		wc_outbuf_puts(out, meaning);
		sep = ", ";
	}
	wc_outbuf_putc(out, '\n');
}

static void text_tcp_conn(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	char a[ENDPOINT_STRLEN];
	wc_outbuf_puts(out, BOLD(x));
	LIT(out, "connection #");
	wc_outbuf_u64(out, c->id);
	wc_outbuf_puts(out, OFF(x));
	LIT(out, " client ");
	wc_outbuf_put(out, a, endpoint(x, &c->side[0].addr, c->side[0].port, a));
	LIT(out, " → server ");
	wc_outbuf_put(out, a, endpoint(x, &c->side[1].addr, c->side[1].port, a));
	if (!c->roles_from_syn)
		LIT(out, " (roles guessed: no SYN seen; the first sender is called the client)");
	wc_outbuf_putc(out, '\n');
	span(out, x, c->first_frame, c->last_frame, c->frames, "frame", "frames", c->first_ts_ns, c->last_ts_ns);
	tcp_handshake(out, x, c);
	tcp_bytes(out, c);
	tcp_teardown(out, x, c);
	tcp_states(out, c);
	tcp_segments(out, x, c);
	if (c->icmp_errors) {
		LIT(out, "  ");
		wc_outbuf_u64(out, c->icmp_errors);
		wc_outbuf_puts(out, plural(c->icmp_errors, " ICMP error quote", " ICMP errors quote"));
		LIT(out, " this connection (the first in frame ");
		wc_outbuf_u64(out, c->first_icmp_frame);
		LIT(out, ")\n");
	}
	tcp_zeek(out, c);
}

/* ---- UDP flows ------------------------------------------------------------ */

#define UDP_SIZES_LISTED 16

static void text_udp_flow(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_udp_flow *f)
{
	char ends[2][ENDPOINT_STRLEN];
	size_t len[2];
	for (int i = 0; i < 2; i++)
		len[i] = endpoint(x, &f->addr[i], f->port[i], ends[i]);
	wc_outbuf_puts(out, BOLD(x));
	LIT(out, "UDP flow #");
	wc_outbuf_u64(out, f->id);
	wc_outbuf_puts(out, OFF(x));
	wc_outbuf_putc(out, ' ');
	wc_outbuf_put(out, ends[0], len[0]);
	LIT(out, " ⇄ ");
	wc_outbuf_put(out, ends[1], len[1]);
	wc_outbuf_putc(out, '\n');
	for (int i = 0; i < 2; i++) {
		LIT(out, "  ");
		wc_outbuf_put(out, ends[i], len[i]);
		LIT(out, " → ");
		wc_outbuf_put(out, ends[1 - i], len[1 - i]);
		LIT(out, ": ");
		wc_outbuf_u64(out, f->datagrams[i]);
		wc_outbuf_puts(out, plural(f->datagrams[i], " datagram, ", " datagrams, "));
		wc_outbuf_u64(out, f->bytes[i]);
		LIT(out, " bytes\n");
	}
	LIT(out, "  payload sizes ");
	wc_outbuf_u64(out, f->min_len);
	LIT(out, " to ");
	wc_outbuf_u64(out, f->max_len);
	LIT(out, " bytes");
	if (!f->list_capped && f->list_count > 0 && f->list_count <= UDP_SIZES_LISTED) {
		LIT(out, ", in order:");
		for (size_t i = 0; i < f->list_count; i++) {
			wc_outbuf_puts(out, f->list[i].dir ? " ←" : " →");
			wc_outbuf_u64(out, f->list[i].len);
		}
	}
	wc_outbuf_putc(out, '\n');
	span(out, x, f->first_frame, f->last_frame, f->datagrams[0] + f->datagrams[1], "datagram", "datagrams",
	     f->first_ts_ns, f->last_ts_ns);
	if (f->checksum_bad) {
		LIT(out, "  ");
		wc_outbuf_puts(out, RED(x));
		wc_outbuf_u64(out, f->checksum_bad);
		wc_outbuf_puts(out, plural(f->checksum_bad, " bad checksum", " bad checksums"));
		wc_outbuf_puts(out, OFF(x));
		wc_outbuf_putc(out, '\n');
	}
	if (f->checksum_zero) {
		LIT(out, "  ");
		wc_outbuf_u64(out, f->checksum_zero);
		wc_outbuf_puts(out, plural(f->checksum_zero, " datagram", " datagrams"));
		LIT(out, " with checksum 0: the sender disabled the checksum (allowed over IPv4)\n");
	}
	if (f->checksum_partial) {
		LIT(out, "  ");
		wc_outbuf_u64(out, f->checksum_partial);
		wc_outbuf_puts(out, plural(f->checksum_partial, " partial checksum", " partial checksums"));
		LIT(out, " — transmit offload on the capturing host, not an error\n");
	}
	if (f->icmp_errors) {
		LIT(out, "  ");
		wc_outbuf_puts(out, YELLOW(x));
		wc_outbuf_u64(out, f->icmp_errors);
		wc_outbuf_puts(out, plural(f->icmp_errors, " ICMP error answer this flow", " ICMP errors answer this flow"));
		wc_outbuf_puts(out, OFF(x));
		LIT(out, " (the first in frame ");
		wc_outbuf_u64(out, f->first_icmp_frame);
		LIT(out, ")\n");
	}
}

/* ---- ICMP errors and anomalies -------------------------------------------- */

static void text_icmp(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_icmp_event *e)
{
	char a[ENDPOINT_STRLEN];
	const char *type = wc_x_icmp_type(e->version, e->type);
	const char *code = wc_x_icmp_code(e->version, e->type, e->code);
	LIT(out, "frame ");
	wc_outbuf_u64(out, e->frame);
	LIT(out, ": ");
	wc_outbuf_puts(out, YELLOW(x));
	wc_outbuf_puts(out, e->version == 6 ? "ICMPv6 " : "ICMP ");
	wc_outbuf_puts(out, *type ? type : "error");
	if (*code) {
		LIT(out, ", ");
		wc_outbuf_puts(out, code);
	}
	wc_outbuf_puts(out, OFF(x));
	LIT(out, " (type ");
	wc_outbuf_u64(out, e->type);
	LIT(out, " code ");
	wc_outbuf_u64(out, e->code);
	LIT(out, ") from ");
	wc_outbuf_put(out, a, wc_x_addr(x, &e->from, a));
	LIT(out, " to ");
	wc_outbuf_put(out, a, wc_x_addr(x, &e->to, a));
	if (e->quote.present && e->quote.has_ports) {
		LIT(out, "\n  it quotes ");
		wc_outbuf_puts(out, e->quote.ip.proto == 6 ? "TCP " : e->quote.ip.proto == 17 ? "UDP " : "IP ");
		wc_outbuf_put(out, a, endpoint(x, &e->quote.ip.src, e->quote.sport, a));
		LIT(out, " → ");
		wc_outbuf_put(out, a, endpoint(x, &e->quote.ip.dst, e->quote.dport, a));
	}
	if (e->flow_kind == WC_FLOW_UDP)
		wc_outbuf_puts(out, e->quoted_frame ? "\n  it answers the UDP datagram in frame " : "\n  it answers UDP flow #");
	else if (e->flow_kind == WC_FLOW_TCP)
		wc_outbuf_puts(out, e->quoted_frame ? "\n  it answers the TCP segment in frame " : "\n  it answers connection #");
	if (e->flow_kind != WC_FLOW_NONE && e->quoted_frame) {
		wc_outbuf_u64(out, e->quoted_frame);
		wc_outbuf_puts(out, e->flow_kind == WC_FLOW_UDP ? " (flow #" : " (connection #");
		wc_outbuf_u64(out, e->flow_id);
		LIT(out, ")\n");
	} else if (e->flow_kind != WC_FLOW_NONE) {
		wc_outbuf_u64(out, e->flow_id);
		wc_outbuf_putc(out, '\n');
	} else
		LIT(out, "\n  it answers nothing in the capture: the packet it quotes was not captured\n");
}

static void text_anomaly(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t frame, enum wc_anomaly a, const char *detail)
{
	if (frame)
		wc_outbuf_printf(out, "frame %" PRIu64 ": ", frame);
	wc_outbuf_printf(out, "%s%s%s (%s) — %s", YELLOW(x), wc_anomaly_name(a), OFF(x), wc_anomaly_kind_name(wc_anomaly_kind(a)),
	        wc_anomaly_description(a));
	if (detail && *detail)
		wc_outbuf_printf(out, ": %s", detail);
	wc_outbuf_putc(out, '\n');
}

/* ---- header, sections, summary -------------------------------------------- */

static void text_begin(struct wc_outbuf *out, const struct wc_xctx *x, const char *path)
{
	wc_outbuf_printf(out, "%swirecheck explain%s %s\n", BOLD(x), OFF(x), path);
}

static void absolute_time(struct wc_outbuf *out, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];
	if (ns >= 0 && gmtime_r(&secs, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
		wc_outbuf_printf(out, "%s.%06" PRId64 " UTC", buf, ns % 1000000000 / 1000);
	else
		wc_x_seconds(out, ns);
}

static void container_break(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_analysis *an)
{
	uint64_t at = an->stats.frames + 1;
	wc_outbuf_printf(out, "  %s", RED(x));
	if (an->container_anomaly == WC_ANOM_PCAPNG_TRUNCATED_BLOCK)
		wc_outbuf_printf(out, "the file ends in the middle of frame %" PRIu64, at);
	else
		wc_outbuf_printf(out, "reading stopped at frame %" PRIu64, at);
	wc_outbuf_printf(out, ": %s%s (%s)", wc_anomaly_description(an->container_anomaly), OFF(x),
	        wc_anomaly_name(an->container_anomaly));
	if (an->container_detail[0])
		wc_outbuf_printf(out, ": %s", an->container_detail);
	if (an->stats.frames)
		LIT(out, "; the frames before it are explained above\n");
	else
		LIT(out, "; no frame could be read\n");
}

static void text_capture(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_xcapture *cap)
{
	const struct wc_analysis *an = cap->an;
	const struct wc_stats *s = &an->stats;
	wc_outbuf_printf(out, "\n%sCapture%s\n  file %s\n  format %s, ", BOLD(x), OFF(x), cap->path, an->format);
	wc_outbuf_puts(out, an->linktype_count == 1 ? "link type " : "link types ");
	for (int i = 0; i < an->linktype_count && i < 8; i++)
		wc_outbuf_printf(out, "%s%s (%d)", i ? ", " : "", cap->linktype_names[i] ? cap->linktype_names[i] : "?",
		        an->linktypes[i]);
	if (an->linktype_count == 0)
		LIT(out, "none");
	wc_outbuf_printf(out, ", snapshot length %" PRIu32 "\n", an->snaplen);
	wc_outbuf_printf(out, "  %" PRIu64 " %s, %" PRIu64 " bytes captured of %" PRIu64 " on the wire", s->frames,
	        plural(s->frames, "frame", "frames"), s->bytes_captured, s->bytes_wire);
	if (s->frames) {
		LIT(out, "\n  from ");
		absolute_time(out, s->first_ts_ns);
		LIT(out, " for ");
		wc_x_seconds(out, s->last_ts_ns - s->first_ts_ns);
		LIT(out, " s");
	}
	wc_outbuf_putc(out, '\n');
	if (s->truncated_frames)
		wc_outbuf_printf(out, "  %" PRIu64 " %s cut short by the snapshot length\n", s->truncated_frames,
		        plural(s->truncated_frames, "frame was", "frames were"));
	if (s->malformed_frames)
		wc_outbuf_printf(out, "  %s%" PRIu64 " malformed %s%s (a length or offset field lies)\n", RED(x), s->malformed_frames,
		        plural(s->malformed_frames, "frame", "frames"), OFF(x));
	if (an->container_broken)
		container_break(out, x, an);
}

static void text_tcp_begin(struct wc_outbuf *out, const struct wc_xctx *x)
{
	/* no count in the title: the connections are written before they are all known */
	wc_outbuf_printf(out, "\n%sTCP connections%s\n", BOLD(x), OFF(x));
}

static void text_tcp_end(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t items)
{
	(void)x;
	if (!items)
		LIT(out, "none\n");
}

static int section(struct wc_outbuf *out, const struct wc_xctx *x, const char *title, struct wc_xspool *sp)
{
	wc_outbuf_printf(out, "\n%s%s (%" PRIu64 ")%s\n", BOLD(x), title, sp->items, OFF(x));
	return wc_xspool_copy(out, sp);
}

static void summary_checksums(struct wc_outbuf *out, const struct wc_stats *s)
{
	LIT(out, "  checksums:");
	const char *layer_sep = " ";
	for (int l = 0; l < WC_CK__COUNT; l++) {
		const char *sep = "";
		for (int o = WC_CSUM_OK; o < WC_CSUM__COUNT; o++) {
			if (!s->csum[l][o])
				continue;
			if (!*sep)
				wc_outbuf_printf(out, "%s%s", layer_sep, wc_csum_layer_name((enum wc_csum_layer)l));
			wc_outbuf_printf(out, "%s %" PRIu64 " %s", sep, s->csum[l][o], wc_csum_name((enum wc_csum)o));
			sep = ",";
			layer_sep = "; ";
		}
	}
	wc_outbuf_puts(out, *layer_sep == ';' ? "\n" : " none verified\n");
	if (s->csum[WC_CK_TCP][WC_CSUM_PARTIAL] || s->csum[WC_CK_UDP][WC_CSUM_PARTIAL])
		wc_outbuf_puts(out, "    partial = transmit offload on the capturing host (the card computes the checksum "
		      "after the capture; on lo nothing does), not an error\n");
	if (s->csum[WC_CK_UDP][WC_CSUM_ZERO])
		LIT(out, "    zero = UDP checksum disabled by the sender (allowed over IPv4)\n");
}

static void text_summary(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_analysis *an)
{
	const struct wc_stats *s = &an->stats;
	const struct wc_flow_totals *t = &an->flows;
	wc_outbuf_printf(out, "\n%sSummary%s\n", BOLD(x), OFF(x));
	wc_outbuf_printf(out, "  packets: %" PRIu64 " — IPv4 %" PRIu64 ", IPv6 %" PRIu64 ", not IP %" PRIu64 "; TCP %" PRIu64
	             ", UDP %" PRIu64 ", ICMP %" PRIu64 ", ICMPv6 %" PRIu64 ", other %" PRIu64 "\n",
	        s->frames, s->ipv4, s->ipv6, s->non_ip, s->tcp, s->udp, s->icmp4, s->icmp6, s->other_l4);
	if (s->fragments)
		wc_outbuf_printf(out, "  IP fragments: %" PRIu64 " frames, %" PRIu64 " datagrams reassembled\n", s->fragments,
		        s->reassembled);
	wc_outbuf_printf(out, "  TCP: %" PRIu64 " SYN, %" PRIu64 " SYN-ACK, %" PRIu64 " RST, %" PRIu64 " FIN; %" PRIu64
	             " %s, %" PRIu64 " complete %s, %" PRIu64 " closed with FIN both ways, %" PRIu64 " with RST\n",
	        s->tcp_syn_only, s->tcp_syn_ack, s->tcp_rst, s->tcp_fin, t->tcp_connections,
	        plural(t->tcp_connections, "connection", "connections"), t->handshakes_complete,
	        plural(t->handshakes_complete, "handshake", "handshakes"), t->fin_both_dirs, t->with_rst);
	wc_outbuf_printf(out, "  UDP: %" PRIu64 " %s in %" PRIu64 " %s\n", s->udp, plural(s->udp, "datagram", "datagrams"),
	        t->udp_flows, plural(t->udp_flows, "flow", "flows"));
	wc_outbuf_printf(out, "  ICMP: %" PRIu64 " %s (%" PRIu64 " matched to a flow); port unreachable: %" PRIu64
	             " ICMPv4, %" PRIu64 " ICMPv6\n",
	        t->icmp_errors, plural(t->icmp_errors, "error", "errors"), t->icmp_errors_matched,
	        s->icmp4_port_unreach, s->icmp6_port_unreach);
	summary_checksums(out, s);
	LIT(out, "  anomalies:");
	bool any = false;
	for (int a = 0; a < WC_ANOM__COUNT; a++) {
		if (!s->anomalies[a])
			continue;
		wc_outbuf_printf(out, "%s %s%s%s %" PRIu64, any ? "," : "", YELLOW(x), wc_anomaly_name((enum wc_anomaly)a), OFF(x),
		        s->anomalies[a]);
		any = true;
	}
	wc_outbuf_puts(out, any ? "\n" : " none\n");
}

static int text_end(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_xcapture *cap,
                    struct wc_xspool sp[WC_XS__COUNT])
{
	int rc = 0;
	if (x->opts->flow < 0 && section(out, x, "UDP flows", &sp[WC_XS_UDP]) != 0)
		rc = -1;
	if (section(out, x, "ICMP errors", &sp[WC_XS_ICMP]) != 0)
		rc = -1;
	uint64_t total = 0;
	for (int a = 0; a < WC_ANOM__COUNT; a++)
		total += cap->an->stats.anomalies[a];
	wc_outbuf_printf(out, "\n%sAnomalies (%" PRIu64 ")%s\n", BOLD(x), total, OFF(x));
	if (wc_xspool_copy(out, &sp[WC_XS_ANOMALY]) != 0)
		rc = -1;
	if (total > cap->anomalies_listed)
		wc_outbuf_printf(out, "(%" PRIu64 " more not listed; all are counted in the summary)\n", total - cap->anomalies_listed);
	text_capture(out, x, cap);
	text_summary(out, x, cap->an);
	return rc;
}

const struct wc_xfmt wc_xfmt_text = {
	.item_lead = {"", "", "", ""},
	.item_sep = {"\n", "\n", "", ""},
	.begin = text_begin,
	.packet = text_packet,
	.tcp_begin = text_tcp_begin,
	.tcp_conn = text_tcp_conn,
	.tcp_end = text_tcp_end,
	.udp_flow = text_udp_flow,
	.icmp = text_icmp,
	.anomaly = text_anomaly,
	.end = text_end,
};
