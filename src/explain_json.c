/* explain_json.c — the machine-readable form of `wirecheck explain` (doc/explain-json.md). */
#include "config.h"

#include <stdio.h>

#include "explain_format.h"
#include "jsonw.h"

/* Every item is streamed through jsonw straight to its output: building a tree per
 * connection first cost more than all of the analysis. The document's own frame (the
 * top-level object, its section arrays and the newlines between items) is written by
 * hand because begin(), packet() and end() are separate calls that keep no state.
 * Output errors need no check here: the FILE keeps them and explain.c tests it. */

static const char *const side_key[2] = {"client", "server"};

static void k_uint(struct wc_jsonw *w, const char *key, uint64_t v)
{
	wc_jsonw_key(w, key);
	wc_jsonw_uint(w, v);
}

static void k_str(struct wc_jsonw *w, const char *key, const char *s)
{
	wc_jsonw_key(w, key);
	wc_jsonw_string(w, s);
}

static void k_bool(struct wc_jsonw *w, const char *key, bool v)
{
	wc_jsonw_key(w, key);
	wc_jsonw_bool(w, v);
}

static void k_null(struct wc_jsonw *w, const char *key)
{
	wc_jsonw_key(w, key);
	wc_jsonw_null(w);
}

/* An int, or null when it does not exist. */
static void k_uint_if(struct wc_jsonw *w, const char *key, bool exists, uint64_t v)
{
	wc_jsonw_key(w, key);
	if (exists)
		wc_jsonw_uint(w, v);
	else
		wc_jsonw_null(w);
}

/* A frame number, or null for 0 ("none"). */
static void k_frame(struct wc_jsonw *w, const char *key, uint64_t frame)
{
	k_uint_if(w, key, frame != 0, frame);
}

/* Seconds as a number written with exactly microsecond precision. */
static void k_sec(struct wc_jsonw *w, const char *key, int64_t ns)
{
	char buf[WC_X_SECONDS_STRLEN];
	wc_jsonw_key(w, key);
	wc_jsonw_number(w, wc_x_seconds_str(ns, buf));
}

static void k_addr(struct wc_jsonw *w, const char *key, const struct wc_addr *a)
{
	char buf[WC_ADDR_STRLEN];
	k_str(w, key, a->family ? wc_addr_str(a, buf) : NULL);
}

static void k_endpoint(struct wc_jsonw *w, const char *key, const struct wc_addr *a, uint16_t port)
{
	wc_jsonw_key(w, key);
	wc_jsonw_begin_object(w);
	k_addr(w, "addr", a);
	k_uint(w, "port", port);
	wc_jsonw_end_object(w);
}

/* ---- packets -------------------------------------------------------------- */

static void k_notes(struct wc_jsonw *w, const char *key, uint16_t notes)
{
	wc_jsonw_key(w, key);
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < wc_x_note_name_count; i++)
		if (notes & wc_x_note_names[i].bit)
			wc_jsonw_string(w, wc_x_note_names[i].name);
	wc_jsonw_end_array(w);
}

static void packet_tcp(struct wc_jsonw *w, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_tcp *t = &p->u.tcp;
	bool tracked = n && n->kind == WC_FLOW_TCP;
	char flags[9];
	wc_jsonw_key(w, "tcp");
	wc_jsonw_begin_object(w);
	k_uint(w, "sport", t->sport);
	k_uint(w, "dport", t->dport);
	k_str(w, "flags", wc_x_tcp_flags(t->flags, flags));
	k_uint(w, "seq", t->seq);
	k_uint(w, "ack", t->ack);
	k_uint_if(w, "rel_seq", tracked, tracked ? n->rel_seq : 0);
	k_uint_if(w, "rel_ack", tracked && (t->flags & WC_TH_ACK), tracked ? n->rel_ack : 0);
	k_uint(w, "len", t->payload_len);
	k_uint(w, "window", t->window);
	k_uint_if(w, "mss", t->has_mss, t->mss);
	k_uint_if(w, "window_scale", t->has_wscale, t->wscale);
	k_bool(w, "sack_permitted", t->sack_perm);
	k_uint_if(w, "connection", tracked, tracked ? n->flow_id : 0);
	k_notes(w, "notes", tracked ? n->tcp_notes : 0);
	k_str(w, "checksum", wc_csum_name(t->csum));
	wc_jsonw_end_object(w);
}

static void packet_udp(struct wc_jsonw *w, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_udp *u = &p->u.udp;
	bool tracked = n && n->kind == WC_FLOW_UDP;
	wc_jsonw_key(w, "udp");
	wc_jsonw_begin_object(w);
	k_uint(w, "sport", u->sport);
	k_uint(w, "dport", u->dport);
	k_uint(w, "len", u->payload_len);
	k_uint_if(w, "flow", tracked, tracked ? n->flow_id : 0);
	k_str(w, "checksum", wc_csum_name(u->csum));
	wc_jsonw_end_object(w);
}

static void k_flow_ref(struct wc_jsonw *w, const char *key, enum wc_flow_kind kind, uint32_t id,
                       uint64_t quoted_frame)
{
	if (kind == WC_FLOW_NONE) {
		k_null(w, key);
		return;
	}
	wc_jsonw_key(w, key);
	wc_jsonw_begin_object(w);
	k_str(w, "kind", kind == WC_FLOW_TCP ? "tcp" : "udp");
	k_uint(w, "id", id);
	k_frame(w, "quoted_frame", quoted_frame);
	wc_jsonw_end_object(w);
}

static void k_quote(struct wc_jsonw *w, const char *key, const struct wc_icmp_quote *q)
{
	if (!q->present) {
		k_null(w, key);
		return;
	}
	wc_jsonw_key(w, key);
	wc_jsonw_begin_object(w);
	k_addr(w, "src", &q->ip.src);
	k_addr(w, "dst", &q->ip.dst);
	k_uint(w, "protocol", q->ip.proto);
	k_uint_if(w, "sport", q->has_ports, q->sport);
	k_uint_if(w, "dport", q->has_ports, q->dport);
	wc_jsonw_end_object(w);
}

static void packet_icmp(struct wc_jsonw *w, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_icmp *ic = &p->u.icmp;
	wc_jsonw_key(w, "icmp");
	wc_jsonw_begin_object(w);
	k_uint(w, "type", ic->type);
	k_uint(w, "code", ic->code);
	k_str(w, "type_name", wc_x_icmp_type(ic->version, ic->type));
	k_str(w, "code_name", wc_x_icmp_code(ic->version, ic->type, ic->code));
	k_bool(w, "is_error", ic->is_error);
	if (ic->is_error)
		k_quote(w, "quote", &ic->quote);
	else
		k_null(w, "quote");
	if (n && n->icmp_matched)
		k_flow_ref(w, "answers", n->icmp_flow_kind, n->icmp_flow_id, n->icmp_quoted_frame);
	else
		k_null(w, "answers");
	k_str(w, "checksum", wc_csum_name(ic->csum));
	wc_jsonw_end_object(w);
}

static const char *l4_name(enum wc_l4 l4)
{
	switch (l4) {
	case WC_L4_TCP: return "tcp";
	case WC_L4_UDP: return "udp";
	case WC_L4_ICMP: return "icmp";
	case WC_L4_ICMPV6: return "icmpv6";
	case WC_L4_OTHER: return "other";
	case WC_L4_NONE: break;
	}
	return NULL;
}

static void json_packet(FILE *out, const struct wc_xctx *x, const struct wc_packet *p,
                        const struct wc_pkt_note *n, bool first)
{
	struct wc_jsonw jw, *w = &jw;
	fputs(first ? "\n" : ",\n", out);
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_uint(w, "frame", p->frame->number);
	k_sec(w, "time", p->frame->ts_ns - x->t0_ns);
	k_uint(w, "wire_len", p->frame->len);
	k_uint(w, "captured_len", p->frame->caplen);
	bool ip = p->net == WC_NET_IPV4 || p->net == WC_NET_IPV6;
	k_uint_if(w, "ip_version", ip, p->ip.version);
	if (ip) {
		k_addr(w, "src", &p->ip.src);
		k_addr(w, "dst", &p->ip.dst);
	} else {
		k_null(w, "src");
		k_null(w, "dst");
	}
	k_str(w, "ip_checksum", p->net == WC_NET_IPV4 ? wc_csum_name(p->ip.hdr_csum) : NULL);
	k_bool(w, "fragment", ip && p->ip.is_fragment);
	k_str(w, "protocol", l4_name(p->l4));
	switch (p->l4) {
	case WC_L4_TCP: packet_tcp(w, p, n); break;
	case WC_L4_UDP: packet_udp(w, p, n); break;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6: packet_icmp(w, p, n); break;
	case WC_L4_OTHER:
	case WC_L4_NONE: break;
	}
	wc_jsonw_key(w, "anomalies");
	wc_jsonw_begin_array(w);
	unsigned listed = p->anomaly_count < WC_PKT_MAX_ANOMALIES ? p->anomaly_count : WC_PKT_MAX_ANOMALIES;
	for (unsigned i = 0; i < listed; i++)
		wc_jsonw_string(w, wc_anomaly_name(p->anomalies[i]));
	wc_jsonw_end_array(w);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

/* ---- TCP connections ------------------------------------------------------ */

static void k_options(struct wc_jsonw *w, const struct wc_tcp_side *s)
{
	if (!s->syn_seen) {
		k_null(w, "options");
		return;
	}
	wc_jsonw_key(w, "options");
	wc_jsonw_begin_object(w);
	k_uint_if(w, "mss", s->has_mss, s->mss);
	k_uint_if(w, "window_scale", s->wscale >= 0, s->wscale >= 0 ? (uint64_t)s->wscale : 0);
	k_bool(w, "sack_permitted", s->sack_perm);
	k_bool(w, "timestamps", s->timestamps);
	wc_jsonw_end_object(w);
}

static void k_counts(struct wc_jsonw *w, const struct wc_tcp_side *s)
{
	wc_jsonw_key(w, "counts");
	wc_jsonw_begin_object(w);
	k_uint(w, "retransmissions", s->retransmissions);
	k_uint(w, "spurious_retransmissions", s->spurious_retransmissions);
	k_uint(w, "out_of_order", s->out_of_order);
	k_uint(w, "lost_segments", s->lost_segments);
	k_uint(w, "keepalives", s->keepalives);
	k_uint(w, "zero_windows", s->zero_windows);
	k_uint(w, "dup_acks", s->dup_acks);
	k_uint(w, "window_updates", s->window_updates);
	k_uint(w, "offload_segments", s->offload_segments);
	k_uint(w, "checksum_bad", s->checksum_bad);
	k_uint(w, "checksum_partial", s->checksum_partial);
	wc_jsonw_end_object(w);
}

static void k_side(struct wc_jsonw *w, const char *key, const struct wc_tcp_side *s)
{
	wc_jsonw_key(w, key);
	wc_jsonw_begin_object(w);
	k_addr(w, "addr", &s->addr);
	k_uint(w, "port", s->port);
	k_bool(w, "syn_seen", s->syn_seen);
	k_options(w, s);
	k_uint(w, "segments", s->segments);
	k_uint(w, "payload_bytes", s->payload_bytes);
	k_uint(w, "stream_bytes", s->stream_bytes);
	k_uint(w, "retransmitted_bytes", s->payload_bytes > s->stream_bytes ? s->payload_bytes - s->stream_bytes : 0);
	k_frame(w, "fin_frame", s->fin_frame);
	k_frame(w, "fin_acked_frame", s->fin_acked_frame);
	k_frame(w, "rst_frame", s->rst_frame);
	wc_jsonw_key(w, "states");
	wc_jsonw_begin_array(w);
	for (unsigned k = 0; k < s->step_count && k < WC_MAX_STEPS; k++) {
		wc_jsonw_begin_object(w);
		k_str(w, "state", wc_tcp_state_name(s->steps[k].state));
		k_frame(w, "frame", s->steps[k].frame);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	k_counts(w, s);
	wc_jsonw_key(w, "gaps");
	wc_jsonw_begin_array(w);
	for (unsigned k = 0; k < s->gap_count && k < WC_MAX_GAPS; k++) {
		wc_jsonw_begin_object(w);
		k_uint(w, "rel_seq", s->gaps[k].rel_seq);
		k_uint(w, "len", s->gaps[k].len);
		k_frame(w, "frame", s->gaps[k].frame);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	k_uint(w, "gaps_total", s->gaps_total);
	wc_jsonw_end_object(w);
}

static void k_side_name(struct wc_jsonw *w, const char *key, int side)
{
	k_str(w, key, side == 2 ? "both" : side == 0 || side == 1 ? side_key[side] : NULL);
}

static void k_rst(struct wc_jsonw *w, const struct wc_tcp_conn *c)
{
	if (c->rst_side < 0) {
		k_null(w, "rst");
		return;
	}
	wc_jsonw_key(w, "rst");
	wc_jsonw_begin_object(w);
	k_side_name(w, "by", c->rst_side);
	k_frame(w, "frame", c->rst_frame);
	k_str(w, "context", wc_rst_context_name(c->rst_context));
	char buf[WC_X_RST_STRLEN];
	k_str(w, "explanation", wc_x_rst_text(c->rst_context, c->side[1].port, buf));
	wc_jsonw_end_object(w);
}

static void k_teardown(struct wc_jsonw *w, const struct wc_tcp_conn *c)
{
	wc_jsonw_key(w, "teardown");
	wc_jsonw_begin_object(w);
	k_side_name(w, "first_closer", c->first_closer);
	k_bool(w, "half_close", c->half_close);
	k_bool(w, "fin_both", c->fin_both);
	k_side_name(w, "time_wait", c->time_wait_side);
	k_rst(w, c);
	wc_jsonw_end_object(w);
}

/* An RTT in seconds, or null when negative (not measured). */
static void k_rtt(struct wc_jsonw *w, const char *key, int64_t ns)
{
	if (ns >= 0)
		k_sec(w, key, ns);
	else
		k_null(w, key);
}

static void json_tcp_conn(FILE *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_uint(w, "id", c->id);
	k_side(w, "client", &c->side[0]);
	k_side(w, "server", &c->side[1]);
	k_bool(w, "roles_from_syn", c->roles_from_syn);
	k_uint(w, "first_frame", c->first_frame);
	k_uint(w, "last_frame", c->last_frame);
	k_uint(w, "frames", c->frames);
	k_sec(w, "first_time", c->first_ts_ns - x->t0_ns);
	k_sec(w, "last_time", c->last_ts_ns - x->t0_ns);
	k_sec(w, "duration", c->last_ts_ns - c->first_ts_ns);
	wc_jsonw_key(w, "handshake");
	wc_jsonw_begin_object(w);
	k_bool(w, "complete", c->handshake_complete);
	k_frame(w, "syn_frame", c->syn_frame);
	k_frame(w, "synack_frame", c->synack_frame);
	k_frame(w, "ack_frame", c->hs_ack_frame);
	k_uint(w, "syn_count", c->syn_count);
	k_uint(w, "synack_count", c->synack_count);
	k_rtt(w, "rtt_syn_synack", c->rtt_syn_synack_ns);
	k_rtt(w, "rtt_synack_ack", c->rtt_synack_ack_ns);
	wc_jsonw_end_object(w);
	k_teardown(w, c);
	k_uint(w, "icmp_errors", c->icmp_errors);
	k_frame(w, "first_icmp_frame", c->first_icmp_frame);
	k_str(w, "conn_state", c->conn_state);
	k_str(w, "history", c->history);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

/* ---- UDP flows, ICMP errors, anomalies ------------------------------------ */

static void k_datagrams(struct wc_jsonw *w, const struct wc_udp_flow *f)
{
	if (f->list_capped) {
		k_null(w, "datagrams");
		return;
	}
	wc_jsonw_key(w, "datagrams");
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < f->list_count; i++) {
		wc_jsonw_begin_object(w);
		k_uint(w, "frame", f->list[i].frame);
		k_str(w, "dir", f->list[i].dir ? "back" : "sent");
		k_uint(w, "len", f->list[i].len);
		k_str(w, "checksum", wc_csum_name(f->list[i].csum));
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
}

static void json_udp_flow(FILE *out, const struct wc_xctx *x, const struct wc_udp_flow *f)
{
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_uint(w, "id", f->id);
	k_endpoint(w, "first_sender", &f->addr[0], f->port[0]);
	k_endpoint(w, "peer", &f->addr[1], f->port[1]);
	k_uint(w, "datagrams_sent", f->datagrams[0]);
	k_uint(w, "datagrams_back", f->datagrams[1]);
	k_uint(w, "bytes_sent", f->bytes[0]);
	k_uint(w, "bytes_back", f->bytes[1]);
	k_uint(w, "min_len", f->min_len);
	k_uint(w, "max_len", f->max_len);
	k_uint(w, "first_frame", f->first_frame);
	k_uint(w, "last_frame", f->last_frame);
	k_sec(w, "first_time", f->first_ts_ns - x->t0_ns);
	k_sec(w, "last_time", f->last_ts_ns - x->t0_ns);
	k_datagrams(w, f);
	wc_jsonw_key(w, "checksums");
	wc_jsonw_begin_object(w);
	k_uint(w, "bad", f->checksum_bad);
	k_uint(w, "zero", f->checksum_zero);
	k_uint(w, "partial", f->checksum_partial);
	wc_jsonw_end_object(w);
	k_uint(w, "icmp_errors", f->icmp_errors);
	k_frame(w, "first_icmp_frame", f->first_icmp_frame);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_icmp(FILE *out, const struct wc_xctx *x, const struct wc_icmp_event *e)
{
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_uint(w, "frame", e->frame);
	k_sec(w, "time", e->ts_ns - x->t0_ns);
	k_uint(w, "version", e->version);
	k_uint(w, "type", e->type);
	k_uint(w, "code", e->code);
	k_str(w, "type_name", wc_x_icmp_type(e->version, e->type));
	k_str(w, "code_name", wc_x_icmp_code(e->version, e->type, e->code));
	k_addr(w, "from", &e->from);
	k_addr(w, "to", &e->to);
	k_quote(w, "quote", &e->quote);
	k_flow_ref(w, "answers", e->flow_kind, e->flow_id, e->quoted_frame);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_anomaly(FILE *out, const struct wc_xctx *x, uint64_t frame, enum wc_anomaly a, const char *detail)
{
	(void)x;
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_frame(w, "frame", frame);
	k_str(w, "name", wc_anomaly_name(a));
	k_str(w, "kind", wc_anomaly_kind_name(wc_anomaly_kind(a)));
	k_str(w, "description", wc_anomaly_description(a));
	k_str(w, "detail", detail && *detail ? detail : NULL);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

/* ---- document ------------------------------------------------------------- */

static void json_begin(FILE *out, const struct wc_xctx *x, const char *path)
{
	(void)path;
	struct wc_jsonw jw, *w = &jw;
	fputs("{\"wirecheck\":", out);
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_str(w, "version", PACKAGE_VERSION);
	k_str(w, "command", "explain");
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
	if (x->opts->packets)
		fputs(",\n\"packets\":[", out);
}

static void json_capture(FILE *out, const struct wc_xcapture *cap)
{
	const struct wc_analysis *an = cap->an;
	const struct wc_stats *s = &an->stats;
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	k_str(w, "file", cap->path);
	k_str(w, "format", an->format);
	wc_jsonw_key(w, "linktypes");
	wc_jsonw_begin_array(w);
	for (int i = 0; i < an->linktype_count && i < 8; i++) {
		wc_jsonw_begin_object(w);
		wc_jsonw_key(w, "value");
		wc_jsonw_int(w, an->linktypes[i]);
		k_str(w, "name", cap->linktype_names[i]);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	k_uint(w, "snaplen", an->snaplen);
	k_uint(w, "frames", s->frames);
	k_uint(w, "bytes_captured", s->bytes_captured);
	k_uint(w, "bytes_wire", s->bytes_wire);
	wc_jsonw_key(w, "first_ts_ns");
	if (s->frames)
		wc_jsonw_int(w, s->first_ts_ns);
	else
		wc_jsonw_null(w);
	wc_jsonw_key(w, "last_ts_ns");
	if (s->frames)
		wc_jsonw_int(w, s->last_ts_ns);
	else
		wc_jsonw_null(w);
	k_sec(w, "duration", s->frames ? s->last_ts_ns - s->first_ts_ns : 0);
	k_uint(w, "truncated_frames", s->truncated_frames);
	k_uint(w, "malformed_frames", s->malformed_frames);
	k_bool(w, "complete", !an->container_broken);
	if (an->container_broken) {
		wc_jsonw_key(w, "container_anomaly");
		wc_jsonw_begin_object(w);
		k_uint(w, "frame", s->frames + 1);
		k_str(w, "name", wc_anomaly_name(an->container_anomaly));
		k_str(w, "description", wc_anomaly_description(an->container_anomaly));
		k_str(w, "detail", an->container_detail);
		wc_jsonw_end_object(w);
	} else {
		k_null(w, "container_anomaly");
	}
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_summary(FILE *out, const struct wc_analysis *an, uint64_t listed)
{
	const struct wc_stats *s = &an->stats;
	const struct wc_flow_totals *t = &an->flows;
	static const char *const names[] = {
		"frames", "ipv4", "ipv6", "non_ip", "fragments", "reassembled", "tcp", "udp", "icmp",
		"icmpv6", "other_l4", "tcp_syn", "tcp_syn_ack", "tcp_rst", "tcp_fin",
		"icmp4_dest_unreach", "icmp4_port_unreach", "icmp6_dest_unreach", "icmp6_port_unreach",
		"tcp_connections", "handshakes_complete", "fin_both_dirs", "with_rst",
		"tcp_retransmissions", "udp_flows", "icmp_errors", "icmp_errors_matched",
	};
	const uint64_t values[] = {
		s->frames, s->ipv4, s->ipv6, s->non_ip, s->fragments, s->reassembled, s->tcp, s->udp, s->icmp4,
		s->icmp6, s->other_l4, s->tcp_syn_only, s->tcp_syn_ack, s->tcp_rst, s->tcp_fin,
		s->icmp4_dest_unreach, s->icmp4_port_unreach, s->icmp6_dest_unreach, s->icmp6_port_unreach,
		t->tcp_connections, t->handshakes_complete, t->fin_both_dirs, t->with_rst,
		t->tcp_retransmissions, t->udp_flows, t->icmp_errors, t->icmp_errors_matched,
	};
	_Static_assert(sizeof names / sizeof names[0] == sizeof values / sizeof values[0], "one value per name");
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init(w, out);
	wc_jsonw_begin_object(w);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		k_uint(w, names[i], values[i]);
	wc_jsonw_key(w, "checksums");
	wc_jsonw_begin_object(w);
	for (int l = 0; l < WC_CK__COUNT; l++) {
		wc_jsonw_key(w, wc_csum_layer_name((enum wc_csum_layer)l));
		wc_jsonw_begin_object(w);
		for (int c = WC_CSUM_OK; c < WC_CSUM__COUNT; c++)
			k_uint(w, wc_csum_name((enum wc_csum)c), s->csum[l][c]);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_object(w);
	wc_jsonw_key(w, "anomalies");
	wc_jsonw_begin_object(w);
	for (int a = 0; a < WC_ANOM__COUNT; a++)
		if (s->anomalies[a])
			k_uint(w, wc_anomaly_name((enum wc_anomaly)a), s->anomalies[a]);
	wc_jsonw_end_object(w);
	k_uint(w, "anomalies_listed", listed);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_tcp_begin(FILE *out, const struct wc_xctx *x)
{
	if (x->opts->packets)
		fputs("\n]", out);
	fputs(",\n\"tcp_connections\":[", out);
}

static void json_tcp_end(FILE *out, const struct wc_xctx *x, uint64_t items)
{
	(void)x;
	fputs(items ? "\n]" : "]", out);
}

static int section(FILE *out, const char *key, struct wc_xspool *sp)
{
	fprintf(out, ",\n\"%s\":[", key);
	int rc = wc_xspool_copy(out, sp);
	fputs(sp->items ? "\n]" : "]", out);
	return rc;
}

static int json_end(FILE *out, const struct wc_xctx *x, const struct wc_xcapture *cap,
                    struct wc_xspool sp[WC_XS__COUNT])
{
	(void)x;
	int rc = 0;
	static const char *const keys[WC_XS__COUNT] = {NULL, "udp_flows", "icmp_errors", "anomalies"};
	for (int i = WC_XS_UDP; i < WC_XS__COUNT; i++)
		if (section(out, keys[i], &sp[i]) != 0)
			rc = -1;
	fputs(",\n\"capture\":", out);
	json_capture(out, cap);
	fputs(",\n\"summary\":", out);
	json_summary(out, cap->an, cap->anomalies_listed);
	fputs("}\n", out);
	return rc;
}

const struct wc_xfmt wc_xfmt_json = {
	.item_lead = {"\n", "\n", "\n", "\n"},
	.item_sep = {",\n", ",\n", ",\n", ",\n"},
	.begin = json_begin,
	.packet = json_packet,
	.tcp_begin = json_tcp_begin,
	.tcp_conn = json_tcp_conn,
	.tcp_end = json_tcp_end,
	.udp_flow = json_udp_flow,
	.icmp = json_icmp,
	.anomaly = json_anomaly,
	.end = json_end,
};
