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

/* A connection is a few hundred short pieces: fprintf's parsing of each format cost
 * more than the rest of rendering, so the hot paths put strings and numbers directly. */
static void put_u64(FILE *out, uint64_t v)
{
	char buf[21], *p = buf + sizeof buf - 1;
	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fputs(p, out);
}

/* "192.0.2.1:80", "[2001:db8::1]:80" */
static char *endpoint(const struct wc_addr *a, uint16_t port, char *buf)
{
	size_t n = 0;
	if (a->family == 6)
		buf[n++] = '[';
	wc_addr_str(a, buf + n);
	n += strlen(buf + n);
	if (a->family == 6)
		buf[n++] = ']';
	buf[n++] = ':';
	char digits[5];
	size_t nd = 0;
	do {
		digits[nd++] = (char)('0' + port % 10);
		port /= 10;
	} while (port);
	while (nd)
		buf[n++] = digits[--nd];
	buf[n] = '\0';
	return buf;
}

static void rel_time(FILE *out, const struct wc_xctx *x, int64_t ts_ns)
{
	wc_x_seconds(out, ts_ns - x->t0_ns);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "  frames 1–9 (9 frames), from 0.000000 s to 0.012000 s, duration 0.012000 s" */
static void span(FILE *out, const struct wc_xctx *x, uint64_t first, uint64_t last, uint64_t count,
                 const char *one, const char *many, int64_t first_ns, int64_t last_ns)
{
	if (first == last) {
		fputs("  frame ", out);
		put_u64(out, first);
		fputs(", at ", out);
		rel_time(out, x, first_ns);
		fputs(" s\n", out);
		return;
	}
	fputs("  frames ", out);
	put_u64(out, first);
	fputs("–", out);
	put_u64(out, last);
	fputs(" (", out);
	put_u64(out, count);
	fputc(' ', out);
	fputs(plural(count, one, many), out);
	fputs("), from ", out);
	rel_time(out, x, first_ns);
	fputs(" s to ", out);
	rel_time(out, x, last_ns);
	fputs(" s, duration ", out);
	wc_x_seconds(out, last_ns - first_ns);
	fputs(" s\n", out);
}

/* ---- packets -------------------------------------------------------------- */

static void packet_tcp(FILE *out, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_tcp *t = &p->u.tcp;
	char flags[9];
	bool tracked = n && n->kind == WC_FLOW_TCP;
	fprintf(out, " TCP [%s] seq %" PRIu32, wc_x_tcp_flags(t->flags, flags), tracked ? n->rel_seq : t->seq);
	if (t->flags & WC_TH_ACK)
		fprintf(out, " ack %" PRIu32, tracked ? n->rel_ack : t->ack);
	fprintf(out, " win %u len %" PRIu32, t->window, t->payload_len);
	if (t->has_mss)
		fprintf(out, " mss %u", t->mss);
	if (t->has_wscale)
		fprintf(out, " wscale %u", t->wscale);
	if (t->sack_perm)
		fputs(" sackOK", out);
	if (tracked) {
		fprintf(out, " (conn #%" PRIu32 ")", n->flow_id);
		const char *sep = " ";
		for (size_t i = 0; i < wc_x_note_name_count; i++)
			if (n->tcp_notes & wc_x_note_names[i].bit) {
				fprintf(out, "%s%s", sep, wc_x_note_names[i].words);
				sep = ", ";
			}
	}
}

static void packet_icmp(FILE *out, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_icmp *ic = &p->u.icmp;
	const char *type = wc_x_icmp_type(ic->version, ic->type);
	const char *code = wc_x_icmp_code(ic->version, ic->type, ic->code);
	fprintf(out, " ICMP%s %s%s%s (type %u code %u)", ic->version == 6 ? "v6" : "",
	        *type ? type : "message", *code ? ", " : "", code, ic->type, ic->code);
	if (ic->is_error && ic->quote.present && ic->quote.has_ports) {
		char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];
		fprintf(out, " quoting %s %s → %s", ic->quote.ip.proto == 6 ? "TCP" : ic->quote.ip.proto == 17 ? "UDP" : "IP",
		        endpoint(&ic->quote.ip.src, ic->quote.sport, a), endpoint(&ic->quote.ip.dst, ic->quote.dport, b));
	}
	if (n && n->icmp_matched) {
		fprintf(out, " answers %s #%" PRIu32, n->icmp_flow_kind == WC_FLOW_TCP ? "conn" : "UDP flow", n->icmp_flow_id);
		if (n->icmp_quoted_frame)
			fprintf(out, " frame %" PRIu64, n->icmp_quoted_frame);
	}
}

static void packet_checksums(FILE *out, const struct wc_xctx *x, const struct wc_packet *p)
{
	if (p->net == WC_NET_IPV4 && p->ip.hdr_csum != WC_CSUM_OK && p->ip.hdr_csum != WC_CSUM_NONE)
		fprintf(out, " %sip checksum %s%s", p->ip.hdr_csum == WC_CSUM_BAD ? RED(x) : "",
		        wc_csum_name(p->ip.hdr_csum), OFF(x));
	enum wc_csum c = WC_CSUM_NONE;
	if (p->l4 == WC_L4_TCP)
		c = p->u.tcp.csum;
	else if (p->l4 == WC_L4_UDP)
		c = p->u.udp.csum;
	else if (p->l4 == WC_L4_ICMP || p->l4 == WC_L4_ICMPV6)
		c = p->u.icmp.csum;
	if (c != WC_CSUM_OK && c != WC_CSUM_NONE)
		fprintf(out, " %schecksum %s%s", c == WC_CSUM_BAD ? RED(x) : "", wc_csum_name(c), OFF(x));
}

static void text_packet(FILE *out, const struct wc_xctx *x, const struct wc_packet *p,
                        const struct wc_pkt_note *n, bool first)
{
	if (first)
		fprintf(out, "\n%sPackets%s\n", BOLD(x), OFF(x));
	fprintf(out, "%6" PRIu64 " ", p->frame->number);
	rel_time(out, x, p->frame->ts_ns);
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN], ip[WC_ADDR_STRLEN], ip2[WC_ADDR_STRLEN];
	if (p->net == WC_NET_IPV4 || p->net == WC_NET_IPV6) {
		if (p->l4 == WC_L4_TCP || p->l4 == WC_L4_UDP) {
			uint16_t sp = p->l4 == WC_L4_TCP ? p->u.tcp.sport : p->u.udp.sport;
			uint16_t dp = p->l4 == WC_L4_TCP ? p->u.tcp.dport : p->u.udp.dport;
			fprintf(out, " %s → %s", endpoint(&p->ip.src, sp, a), endpoint(&p->ip.dst, dp, b));
		} else {
			fprintf(out, " %s → %s", wc_addr_str(&p->ip.src, ip), wc_addr_str(&p->ip.dst, ip2));
		}
	}
	switch (p->l4) {
	case WC_L4_TCP: packet_tcp(out, p, n); break;
	case WC_L4_UDP:
		fprintf(out, " UDP len %" PRIu32, p->u.udp.payload_len);
		if (n && n->kind == WC_FLOW_UDP)
			fprintf(out, " (flow #%" PRIu32 ")", n->flow_id);
		break;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6: packet_icmp(out, p, n); break;
	case WC_L4_OTHER: fprintf(out, " IP protocol %u", p->ip.proto); break;
	case WC_L4_NONE:
		if (p->ip.is_fragment)
			fprintf(out, " IPv%u fragment, offset %" PRIu32 "%s", p->ip.version, p->ip.frag_offset,
			        p->ip.more_fragments ? ", more follow" : ", last");
		else if (p->net == WC_NET_OTHER)
			fprintf(out, " ethertype 0x%04x", p->ethertype);
		else if (p->net == WC_NET_NONE)
			fputs(" (no network layer decoded)", out);
		break;
	}
	if (p->ip.reassembled)
		fprintf(out, " (reassembled from %u fragments, the first in frame %" PRIu64 ")",
		        p->ip.frag_count, p->ip.frag_first_frame);
	packet_checksums(out, x, p);
	unsigned listed = p->anomaly_count < WC_PKT_MAX_ANOMALIES ? p->anomaly_count : WC_PKT_MAX_ANOMALIES;
	for (unsigned i = 0; i < listed; i++)
		fprintf(out, " %s[%s]%s", YELLOW(x), wc_anomaly_name(p->anomalies[i]), OFF(x));
	fputc('\n', out);
}

/* ---- TCP connections ------------------------------------------------------ */

static void tcp_options(FILE *out, const struct wc_tcp_side *s)
{
	if (!s->syn_seen) {
		fputs("no SYN seen", out);
		return;
	}
	if (s->has_mss) {
		fputs("MSS ", out);
		put_u64(out, s->mss);
	} else {
		fputs("no MSS", out);
	}
	if (s->wscale >= 0) {
		fputs(", window scale ", out);
		put_u64(out, (uint64_t)s->wscale);
	} else
		fputs(", no window scaling", out);
	fputs(s->sack_perm ? ", SACK permitted" : ", no SACK", out);
	fputs(s->timestamps ? ", timestamps" : ", no timestamps", out);
}

static void tcp_handshake(FILE *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	fprintf(out, "  handshake: %s%s%s", c->handshake_complete ? GREEN(x) : YELLOW(x),
	        c->handshake_complete ? "complete" : "not complete", OFF(x));
	const char *sep = " — ";
	static const char *const step[3] = {"SYN frame ", "SYN-ACK frame ", "ACK frame "};
	const uint64_t frame[3] = {c->syn_frame, c->synack_frame, c->hs_ack_frame};
	for (int i = 0; i < 3; i++) {
		if (!frame[i])
			continue;
		fputs(sep, out);
		fputs(step[i], out);
		put_u64(out, frame[i]);
		sep = ", ";
	}
	if (!c->syn_frame && !c->synack_frame)
		fputs(" — the capture starts after the connection was opened", out);
	fputc('\n', out);
	if (c->syn_count > 1)
		fprintf(out, "    the SYN was sent %" PRIu32 " times (%" PRIu32 " %s)\n", c->syn_count,
		        c->syn_count - 1, plural(c->syn_count - 1, "retransmission", "retransmissions"));
	if (c->synack_count > 1)
		fprintf(out, "    the SYN-ACK was sent %" PRIu32 " times\n", c->synack_count);
	if (c->side[0].syn_seen || c->side[1].syn_seen) {
		for (int i = 0; i < 2; i++) {
			fputs(i ? "    server offered: " : "    client offered: ", out);
			tcp_options(out, &c->side[i]);
			fputc('\n', out);
		}
	}
	if (c->rtt_syn_synack_ns >= 0 || c->rtt_synack_ack_ns >= 0) {
		fputs("    round trip:", out);
		if (c->rtt_syn_synack_ns >= 0) {
			fputs(" SYN → SYN-ACK ", out);
			wc_x_seconds(out, c->rtt_syn_synack_ns);
			fputs(" s", out);
		}
		if (c->rtt_synack_ack_ns >= 0) {
			fputs(c->rtt_syn_synack_ns >= 0 ? ", SYN-ACK → ACK " : " SYN-ACK → ACK ", out);
			wc_x_seconds(out, c->rtt_synack_ack_ns);
			fputs(" s", out);
		}
		fputc('\n', out);
	}
}

static void tcp_bytes(FILE *out, const struct wc_tcp_conn *c)
{
	for (int i = 0; i < 2; i++) {
		const struct wc_tcp_side *s = &c->side[i];
		uint64_t again = s->payload_bytes > s->stream_bytes ? s->payload_bytes - s->stream_bytes : 0;
		fputs(i ? "  server → client: " : "  client → server: ", out);
		put_u64(out, s->stream_bytes);
		fputs(plural(s->stream_bytes, " byte of stream in ", " bytes of stream in "), out);
		put_u64(out, s->segments);
		fputs(plural(s->segments, " segment", " segments"), out);
		if (again && (s->retransmissions || s->spurious_retransmissions))
			fprintf(out, ", %" PRIu64 " more sent again (retransmitted)", again);
		else if (again)
			fprintf(out, ", %" PRIu64 " payload %s outside the stream", again, plural(again, "byte", "bytes"));
		if (s->gaps_total)
			fprintf(out, ", %" PRIu32 " %s in the stream the capture never showed", s->gaps_total,
			        plural(s->gaps_total, "gap", "gaps"));
		fputc('\n', out);
	}
}

static void tcp_teardown(FILE *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	if (c->rst_side >= 0) {
		fprintf(out, "  %sreset%s: the %s sent a RST in frame %" PRIu64 " — %s", RED(x), OFF(x),
		        side_name[c->rst_side], c->rst_frame, RED(x));
		char why[WC_X_RST_STRLEN];
		fprintf(out, "%s%s\n", wc_x_rst_text(c->rst_context, c->side[1].port, why), OFF(x));
	}
	int first = c->first_closer;
	if (first < 0 || !c->side[first].fin_frame) {
		if (c->rst_side < 0)
			fputs("  teardown: no FIN or RST seen: the connection was still open when the capture ended\n", out);
		else if (c->side[0].fin_frame || c->side[1].fin_frame)
			for (int i = 0; i < 2; i++)
				if (c->side[i].fin_frame)
					fprintf(out, "  the %s also sent a FIN in frame %" PRIu64 "\n", side_name[i],
					        c->side[i].fin_frame);
		return;
	}
	const struct wc_tcp_side *a = &c->side[first], *b = &c->side[1 - first];
	fprintf(out, "  teardown: the %s closed first (FIN in frame %" PRIu64, side_name[first], a->fin_frame);
	if (a->fin_acked_frame)
		fprintf(out, ", acknowledged in frame %" PRIu64, a->fin_acked_frame);
	fputs(")", out);
	if (c->half_close)
		fprintf(out, "; half-close: the %s kept sending data after it", side_name[1 - first]);
	if (b->fin_frame) {
		fprintf(out, "; the %s's FIN in frame %" PRIu64, side_name[1 - first], b->fin_frame);
		if (b->fin_acked_frame)
			fprintf(out, ", acknowledged in frame %" PRIu64, b->fin_acked_frame);
	} else {
		fprintf(out, "; the %s never sent a FIN", side_name[1 - first]);
	}
	fputs("\n", out);
	if (c->time_wait_side == 2)
		fputs("  both sides end in TIME_WAIT (simultaneous close)\n", out);
	else if (c->time_wait_side >= 0)
		fprintf(out, "  the %s ends in TIME_WAIT (it closed first and acknowledged the other FIN)\n",
		        side_name[c->time_wait_side]);
	else
		fputs("  nobody is seen reaching TIME_WAIT\n", out);
}

static void tcp_states(FILE *out, const struct wc_tcp_conn *c)
{
	for (int i = 0; i < 2; i++) {
		const struct wc_tcp_side *s = &c->side[i];
		fputs(i ? "  server states: " : "  client states: ", out);
		for (unsigned k = 0; k < s->step_count && k < WC_MAX_STEPS; k++) {
			if (k)
				fputs(" → ", out);
			fputs(wc_tcp_state_name(s->steps[k].state), out);
			if (s->steps[k].frame) {
				fputs(" (", out);
				put_u64(out, s->steps[k].frame);
				fputc(')', out);
			}
		}
		fputc('\n', out);
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

static void tcp_segments(FILE *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	uint32_t v[2][SEGMENT_COUNTS];
	side_counts(&c->side[0], v[0]);
	side_counts(&c->side[1], v[1]);
	bool any = false;
	for (size_t k = 0; k < SEGMENT_COUNTS; k++) {
		uint32_t v0 = v[0][k], v1 = v[1][k];
		if (!v0 && !v1)
			continue;
		fprintf(out, "%s%s%" PRIu32 " %s%s (client %" PRIu32 ", server %" PRIu32 ")", any ? ", " : "  segments: ",
		        YELLOW(x), v0 + v1, plural(v0 + v1, count_words[k][0], count_words[k][1]), OFF(x), v0, v1);
		any = true;
	}
	if (any)
		fputc('\n', out);
	else
		fputs("  segments: nothing unusual (no retransmissions, losses, duplicate ACKs or zero windows)\n", out);
	uint32_t partial = c->side[0].checksum_partial + c->side[1].checksum_partial;
	if (partial)
		fprintf(out, "  checksums: %" PRIu32 " partial — transmit offload on the capturing host: the "
		             "network card fills the checksum in after the capture saw the packet; not an error\n",
		        partial);
}

static void tcp_zeek(FILE *out, const struct wc_tcp_conn *c)
{
	fputs("  Zeek: conn_state ", out);
	fputs(c->conn_state, out);
	fputs(" (", out);
	fputs(wc_x_conn_state_meaning(c->conn_state), out);
	fputs("), history ", out);
	fputs(c->history[0] ? c->history : "-", out);
	/* the legend names only the letters that occur, once each */
	bool seen[128] = {false};
	const char *sep = " — upper case client, lower case server: ";
	for (const char *h = c->history; *h; h++) {
		unsigned char up = (unsigned char)(*h >= 'a' && *h <= 'z' ? *h - 'a' + 'A' : *h);
		const char *meaning = up < 128 ? wc_x_history_letter((char)up) : NULL;
		if (!meaning || seen[up])
			continue;
		seen[up] = true;
		fputs(sep, out);
		fputc(up, out);
		fputc(' ', out);
		fputs(meaning, out);
		sep = ", ";
	}
	fputc('\n', out);
}

static void text_tcp_conn(FILE *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];
	fputs(BOLD(x), out);
	fputs("connection #", out);
	put_u64(out, c->id);
	fputs(OFF(x), out);
	fputs(" client ", out);
	fputs(endpoint(&c->side[0].addr, c->side[0].port, a), out);
	fputs(" → server ", out);
	fputs(endpoint(&c->side[1].addr, c->side[1].port, b), out);
	if (!c->roles_from_syn)
		fputs(" (roles guessed: no SYN seen; the first sender is called the client)", out);
	fputc('\n', out);
	span(out, x, c->first_frame, c->last_frame, c->frames, "frame", "frames", c->first_ts_ns, c->last_ts_ns);
	tcp_handshake(out, x, c);
	tcp_bytes(out, c);
	tcp_teardown(out, x, c);
	tcp_states(out, c);
	tcp_segments(out, x, c);
	if (c->icmp_errors)
		fprintf(out, "  %" PRIu32 " ICMP %s quote this connection (the first in frame %" PRIu64 ")\n",
		        c->icmp_errors, plural(c->icmp_errors, "error", "errors"), c->first_icmp_frame);
	tcp_zeek(out, c);
}

/* ---- UDP flows ------------------------------------------------------------ */

#define UDP_SIZES_LISTED 16

static void text_udp_flow(FILE *out, const struct wc_xctx *x, const struct wc_udp_flow *f)
{
	char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];
	endpoint(&f->addr[0], f->port[0], a);
	endpoint(&f->addr[1], f->port[1], b);
	fprintf(out, "%sUDP flow #%" PRIu32 "%s %s ⇄ %s\n", BOLD(x), f->id, OFF(x), a, b);
	fprintf(out, "  %s → %s: %" PRIu64 " %s, %" PRIu64 " bytes\n", a, b, f->datagrams[0],
	        plural(f->datagrams[0], "datagram", "datagrams"), f->bytes[0]);
	fprintf(out, "  %s → %s: %" PRIu64 " %s, %" PRIu64 " bytes\n", b, a, f->datagrams[1],
	        plural(f->datagrams[1], "datagram", "datagrams"), f->bytes[1]);
	fprintf(out, "  payload sizes %" PRIu32 " to %" PRIu32 " bytes", f->min_len, f->max_len);
	if (!f->list_capped && f->list_count > 0 && f->list_count <= UDP_SIZES_LISTED) {
		fputs(", in order:", out);
		for (size_t i = 0; i < f->list_count; i++)
			fprintf(out, " %s%" PRIu32, f->list[i].dir ? "←" : "→", f->list[i].len);
	}
	fputc('\n', out);
	span(out, x, f->first_frame, f->last_frame, f->datagrams[0] + f->datagrams[1], "datagram", "datagrams",
	     f->first_ts_ns, f->last_ts_ns);
	if (f->checksum_bad)
		fprintf(out, "  %s%" PRIu32 " bad %s%s\n", RED(x), f->checksum_bad,
		        plural(f->checksum_bad, "checksum", "checksums"), OFF(x));
	if (f->checksum_zero)
		fprintf(out, "  %" PRIu32 " %s with checksum 0: the sender disabled the checksum (allowed over IPv4)\n",
		        f->checksum_zero, plural(f->checksum_zero, "datagram", "datagrams"));
	if (f->checksum_partial)
		fprintf(out, "  %" PRIu32 " partial %s — transmit offload on the capturing host, not an error\n",
		        f->checksum_partial, plural(f->checksum_partial, "checksum", "checksums"));
	if (f->icmp_errors)
		fprintf(out, "  %s%" PRIu32 " ICMP %s answer this flow%s (the first in frame %" PRIu64 ")\n", YELLOW(x),
		        f->icmp_errors, plural(f->icmp_errors, "error", "errors"), OFF(x), f->first_icmp_frame);
}

/* ---- ICMP errors and anomalies -------------------------------------------- */

static void text_icmp(FILE *out, const struct wc_xctx *x, const struct wc_icmp_event *e)
{
	char from[WC_ADDR_STRLEN], to[WC_ADDR_STRLEN];
	const char *type = wc_x_icmp_type(e->version, e->type);
	const char *code = wc_x_icmp_code(e->version, e->type, e->code);
	fprintf(out, "frame %" PRIu64 ": %sICMP%s %s%s%s%s (type %u code %u) from %s to %s", e->frame, YELLOW(x),
	        e->version == 6 ? "v6" : "", *type ? type : "error", *code ? ", " : "", code, OFF(x), e->type, e->code,
	        wc_addr_str(&e->from, from), wc_addr_str(&e->to, to));
	if (e->quote.present && e->quote.has_ports) {
		char a[ENDPOINT_STRLEN], b[ENDPOINT_STRLEN];
		fprintf(out, "\n  it quotes %s %s → %s", e->quote.ip.proto == 6 ? "TCP" : e->quote.ip.proto == 17 ? "UDP" : "IP",
		        endpoint(&e->quote.ip.src, e->quote.sport, a), endpoint(&e->quote.ip.dst, e->quote.dport, b));
	}
	if (e->flow_kind == WC_FLOW_UDP)
		fputs(e->quoted_frame ? "\n  it answers the UDP datagram in frame " : "\n  it answers UDP flow #", out);
	else if (e->flow_kind == WC_FLOW_TCP)
		fputs(e->quoted_frame ? "\n  it answers the TCP segment in frame " : "\n  it answers connection #", out);
	if (e->flow_kind != WC_FLOW_NONE && e->quoted_frame)
		fprintf(out, "%" PRIu64 " (%s #%" PRIu32 ")\n", e->quoted_frame,
		        e->flow_kind == WC_FLOW_UDP ? "flow" : "connection", e->flow_id);
	else if (e->flow_kind != WC_FLOW_NONE)
		fprintf(out, "%" PRIu32 "\n", e->flow_id);
	else
		fputs("\n  it answers nothing in the capture: the packet it quotes was not captured\n", out);
}

static void text_anomaly(FILE *out, const struct wc_xctx *x, uint64_t frame, enum wc_anomaly a, const char *detail)
{
	if (frame)
		fprintf(out, "frame %" PRIu64 ": ", frame);
	fprintf(out, "%s%s%s (%s) — %s", YELLOW(x), wc_anomaly_name(a), OFF(x), wc_anomaly_kind_name(wc_anomaly_kind(a)),
	        wc_anomaly_description(a));
	if (detail && *detail)
		fprintf(out, ": %s", detail);
	fputc('\n', out);
}

/* ---- header, sections, summary -------------------------------------------- */

static void text_begin(FILE *out, const struct wc_xctx *x, const char *path)
{
	fprintf(out, "%swirecheck explain%s %s\n", BOLD(x), OFF(x), path);
}

static void absolute_time(FILE *out, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];
	if (ns >= 0 && gmtime_r(&secs, &tm) && strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm))
		fprintf(out, "%s.%06" PRId64 " UTC", buf, ns % 1000000000 / 1000);
	else
		wc_x_seconds(out, ns);
}

static void container_break(FILE *out, const struct wc_xctx *x, const struct wc_analysis *an)
{
	uint64_t at = an->stats.frames + 1;
	fprintf(out, "  %s", RED(x));
	if (an->container_anomaly == WC_ANOM_PCAPNG_TRUNCATED_BLOCK)
		fprintf(out, "the file ends in the middle of frame %" PRIu64, at);
	else
		fprintf(out, "reading stopped at frame %" PRIu64, at);
	fprintf(out, ": %s%s (%s)", wc_anomaly_description(an->container_anomaly), OFF(x),
	        wc_anomaly_name(an->container_anomaly));
	if (an->container_detail[0])
		fprintf(out, ": %s", an->container_detail);
	if (an->stats.frames)
		fputs("; the frames before it are explained above\n", out);
	else
		fputs("; no frame could be read\n", out);
}

static void text_capture(FILE *out, const struct wc_xctx *x, const struct wc_xcapture *cap)
{
	const struct wc_analysis *an = cap->an;
	const struct wc_stats *s = &an->stats;
	fprintf(out, "\n%sCapture%s\n  file %s\n  format %s, ", BOLD(x), OFF(x), cap->path, an->format);
	fputs(an->linktype_count == 1 ? "link type " : "link types ", out);
	for (int i = 0; i < an->linktype_count && i < 8; i++)
		fprintf(out, "%s%s (%d)", i ? ", " : "", cap->linktype_names[i] ? cap->linktype_names[i] : "?",
		        an->linktypes[i]);
	if (an->linktype_count == 0)
		fputs("none", out);
	fprintf(out, ", snapshot length %" PRIu32 "\n", an->snaplen);
	fprintf(out, "  %" PRIu64 " %s, %" PRIu64 " bytes captured of %" PRIu64 " on the wire", s->frames,
	        plural(s->frames, "frame", "frames"), s->bytes_captured, s->bytes_wire);
	if (s->frames) {
		fputs("\n  from ", out);
		absolute_time(out, s->first_ts_ns);
		fputs(" for ", out);
		wc_x_seconds(out, s->last_ts_ns - s->first_ts_ns);
		fputs(" s", out);
	}
	fputc('\n', out);
	if (s->truncated_frames)
		fprintf(out, "  %" PRIu64 " %s cut short by the snapshot length\n", s->truncated_frames,
		        plural(s->truncated_frames, "frame was", "frames were"));
	if (s->malformed_frames)
		fprintf(out, "  %s%" PRIu64 " malformed %s%s (a length or offset field lies)\n", RED(x), s->malformed_frames,
		        plural(s->malformed_frames, "frame", "frames"), OFF(x));
	if (an->container_broken)
		container_break(out, x, an);
}

static void text_tcp_begin(FILE *out, const struct wc_xctx *x)
{
	/* no count in the title: the connections are written before they are all known */
	fprintf(out, "\n%sTCP connections%s\n", BOLD(x), OFF(x));
}

static void text_tcp_end(FILE *out, const struct wc_xctx *x, uint64_t items)
{
	(void)x;
	if (!items)
		fputs("none\n", out);
}

static int section(FILE *out, const struct wc_xctx *x, const char *title, struct wc_xspool *sp)
{
	fprintf(out, "\n%s%s (%" PRIu64 ")%s\n", BOLD(x), title, sp->items, OFF(x));
	return wc_xspool_copy(out, sp);
}

static void summary_checksums(FILE *out, const struct wc_stats *s)
{
	fputs("  checksums:", out);
	const char *layer_sep = " ";
	for (int l = 0; l < WC_CK__COUNT; l++) {
		const char *sep = "";
		for (int o = WC_CSUM_OK; o < WC_CSUM__COUNT; o++) {
			if (!s->csum[l][o])
				continue;
			if (!*sep)
				fprintf(out, "%s%s", layer_sep, wc_csum_layer_name((enum wc_csum_layer)l));
			fprintf(out, "%s %" PRIu64 " %s", sep, s->csum[l][o], wc_csum_name((enum wc_csum)o));
			sep = ",";
			layer_sep = "; ";
		}
	}
	fputs(*layer_sep == ';' ? "\n" : " none verified\n", out);
	if (s->csum[WC_CK_TCP][WC_CSUM_PARTIAL] || s->csum[WC_CK_UDP][WC_CSUM_PARTIAL])
		fputs("    partial = transmit offload on the capturing host (the card computes the checksum "
		      "after the capture), not an error\n", out);
	if (s->csum[WC_CK_UDP][WC_CSUM_ZERO])
		fputs("    zero = UDP checksum disabled by the sender (allowed over IPv4)\n", out);
}

static void text_summary(FILE *out, const struct wc_xctx *x, const struct wc_analysis *an)
{
	const struct wc_stats *s = &an->stats;
	const struct wc_flow_totals *t = &an->flows;
	fprintf(out, "\n%sSummary%s\n", BOLD(x), OFF(x));
	fprintf(out, "  packets: %" PRIu64 " — IPv4 %" PRIu64 ", IPv6 %" PRIu64 ", not IP %" PRIu64 "; TCP %" PRIu64
	             ", UDP %" PRIu64 ", ICMP %" PRIu64 ", ICMPv6 %" PRIu64 ", other %" PRIu64 "\n",
	        s->frames, s->ipv4, s->ipv6, s->non_ip, s->tcp, s->udp, s->icmp4, s->icmp6, s->other_l4);
	if (s->fragments)
		fprintf(out, "  IP fragments: %" PRIu64 " frames, %" PRIu64 " datagrams reassembled\n", s->fragments,
		        s->reassembled);
	fprintf(out, "  TCP: %" PRIu64 " SYN, %" PRIu64 " SYN-ACK, %" PRIu64 " RST, %" PRIu64 " FIN; %" PRIu64
	             " %s, %" PRIu64 " complete %s, %" PRIu64 " closed with FIN both ways, %" PRIu64 " with RST\n",
	        s->tcp_syn_only, s->tcp_syn_ack, s->tcp_rst, s->tcp_fin, t->tcp_connections,
	        plural(t->tcp_connections, "connection", "connections"), t->handshakes_complete,
	        plural(t->handshakes_complete, "handshake", "handshakes"), t->fin_both_dirs, t->with_rst);
	fprintf(out, "  UDP: %" PRIu64 " %s in %" PRIu64 " %s\n", s->udp, plural(s->udp, "datagram", "datagrams"),
	        t->udp_flows, plural(t->udp_flows, "flow", "flows"));
	fprintf(out, "  ICMP: %" PRIu64 " %s (%" PRIu64 " matched to a flow); port unreachable: %" PRIu64
	             " ICMPv4, %" PRIu64 " ICMPv6\n",
	        t->icmp_errors, plural(t->icmp_errors, "error", "errors"), t->icmp_errors_matched,
	        s->icmp4_port_unreach, s->icmp6_port_unreach);
	summary_checksums(out, s);
	fputs("  anomalies:", out);
	bool any = false;
	for (int a = 0; a < WC_ANOM__COUNT; a++) {
		if (!s->anomalies[a])
			continue;
		fprintf(out, "%s %s%s%s %" PRIu64, any ? "," : "", YELLOW(x), wc_anomaly_name((enum wc_anomaly)a), OFF(x),
		        s->anomalies[a]);
		any = true;
	}
	fputs(any ? "\n" : " none\n", out);
}

static int text_end(FILE *out, const struct wc_xctx *x, const struct wc_xcapture *cap,
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
	fprintf(out, "\n%sAnomalies (%" PRIu64 ")%s\n", BOLD(x), total, OFF(x));
	if (wc_xspool_copy(out, &sp[WC_XS_ANOMALY]) != 0)
		rc = -1;
	if (total > cap->anomalies_listed)
		fprintf(out, "(%" PRIu64 " more not listed; all are counted in the summary)\n", total - cap->anomalies_listed);
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
