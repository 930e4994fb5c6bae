/* explain_json.c — the machine-readable form of `wirecheck explain` (doc/explain-json.md). */
#include "config.h"

#include "explain_format.h"
#include "jsonw.h"

/* Every item is streamed through jsonw into the caller's output buffer: building a tree
 * per connection first cost more than all of the analysis, and so did a stdio call per
 * token. Names are made when the program is compiled (K), and most members are written
 * in one call. The document's own frame (the top-level object, its section arrays and
 * the newlines between items) is written by hand because begin(), packet() and end()
 * are separate calls that keep no state. Output errors need no check here: the buffer
 * keeps them and explain.c tests it. */

#define K WC_JSONW_NAME

static const char *const side_key[2] = {"client", "server"};

/* An int, or null when it does not exist. */
static void k_uint_if(struct wc_jsonw *w, struct wc_jsonw_name key, bool exists, uint64_t v)
{
	if (exists)
		wc_jsonw_kv_uint(w, key, v);
	else
		wc_jsonw_kv_null(w, key);
}

/* A frame number, or null for 0 ("none"). */
static void k_frame(struct wc_jsonw *w, struct wc_jsonw_name key, uint64_t frame)
{
	k_uint_if(w, key, frame != 0, frame);
}

/* Seconds as a number written with exactly microsecond precision (wc_x_seconds). */
static void k_sec(struct wc_jsonw *w, struct wc_jsonw_name key, int64_t ns)
{
	uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	wc_jsonw_kv_decimal(w, key, ns < 0, mag / 1000u, 6);
}

/* An address needs no escape; null when there is none. */
static void k_addr(struct wc_jsonw *w, const struct wc_xctx *x, struct wc_jsonw_name key,
                   const struct wc_addr *a)
{
	char buf[WC_ADDR_STRLEN];
	if (a->family)
		wc_jsonw_kv_string_len(w, key, buf, wc_x_addr(x, a, buf));
	else
		wc_jsonw_kv_null(w, key);
}

static void k_endpoint(struct wc_jsonw *w, const struct wc_xctx *x, struct wc_jsonw_name key,
                       const struct wc_addr *a, uint16_t port)
{
	wc_jsonw_key_name(w, key);
	wc_jsonw_begin_object(w);
	k_addr(w, x, K(addr), a);
	wc_jsonw_kv_uint(w, K(port), port);
	wc_jsonw_end_object(w);
}

/* ---- packets -------------------------------------------------------------- */

static void k_notes(struct wc_jsonw *w, struct wc_jsonw_name key, uint16_t notes)
{
	wc_jsonw_key_name(w, key);
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
	wc_jsonw_key_name(w, K(tcp));
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(sport), t->sport);
	wc_jsonw_kv_uint(w, K(dport), t->dport);
	wc_jsonw_kv_string(w, K(flags), wc_x_tcp_flags(t->flags, flags));
	wc_jsonw_kv_uint(w, K(seq), t->seq);
	wc_jsonw_kv_uint(w, K(ack), t->ack);
	k_uint_if(w, K(rel_seq), tracked, tracked ? n->rel_seq : 0);
	k_uint_if(w, K(rel_ack), tracked && (t->flags & WC_TH_ACK), tracked ? n->rel_ack : 0);
	wc_jsonw_kv_uint(w, K(len), t->payload_len);
	wc_jsonw_kv_uint(w, K(window), t->window);
	k_uint_if(w, K(mss), t->has_mss, t->mss);
	k_uint_if(w, K(window_scale), t->has_wscale, t->wscale);
	wc_jsonw_kv_bool(w, K(sack_permitted), t->sack_perm);
	k_uint_if(w, K(connection), tracked, tracked ? n->flow_id : 0);
	k_notes(w, K(notes), tracked ? n->tcp_notes : 0);
	wc_jsonw_kv_string(w, K(checksum), wc_csum_name(t->csum));
	wc_jsonw_end_object(w);
}

static void packet_udp(struct wc_jsonw *w, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_udp *u = &p->u.udp;
	bool tracked = n && n->kind == WC_FLOW_UDP;
	wc_jsonw_key_name(w, K(udp));
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(sport), u->sport);
	wc_jsonw_kv_uint(w, K(dport), u->dport);
	wc_jsonw_kv_uint(w, K(len), u->payload_len);
	k_uint_if(w, K(flow), tracked, tracked ? n->flow_id : 0);
	wc_jsonw_kv_string(w, K(checksum), wc_csum_name(u->csum));
	wc_jsonw_end_object(w);
}

static void k_flow_ref(struct wc_jsonw *w, struct wc_jsonw_name key, enum wc_flow_kind kind, uint32_t id,
                       uint64_t quoted_frame)
{
	if (kind == WC_FLOW_NONE) {
		wc_jsonw_kv_null(w, key);
		return;
	}
	wc_jsonw_key_name(w, key);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_string(w, K(kind), kind == WC_FLOW_TCP ? "tcp" : "udp");
	wc_jsonw_kv_uint(w, K(id), id);
	k_frame(w, K(quoted_frame), quoted_frame);
	wc_jsonw_end_object(w);
}

static void k_quote(struct wc_jsonw *w, const struct wc_xctx *x, struct wc_jsonw_name key,
                    const struct wc_icmp_quote *q)
{
	if (!q->present) {
		wc_jsonw_kv_null(w, key);
		return;
	}
	wc_jsonw_key_name(w, key);
	wc_jsonw_begin_object(w);
	k_addr(w, x, K(src), &q->ip.src);
	k_addr(w, x, K(dst), &q->ip.dst);
	wc_jsonw_kv_uint(w, K(protocol), q->ip.proto);
	k_uint_if(w, K(sport), q->has_ports, q->sport);
	k_uint_if(w, K(dport), q->has_ports, q->dport);
	wc_jsonw_end_object(w);
}

static void packet_icmp(struct wc_jsonw *w, const struct wc_xctx *x, const struct wc_packet *p, const struct wc_pkt_note *n)
{
	const struct wc_icmp *ic = &p->u.icmp;
	wc_jsonw_key_name(w, K(icmp));
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(type), ic->type);
	wc_jsonw_kv_uint(w, K(code), ic->code);
	wc_jsonw_kv_string(w, K(type_name), wc_x_icmp_type(ic->version, ic->type));
	wc_jsonw_kv_string(w, K(code_name), wc_x_icmp_code(ic->version, ic->type, ic->code));
	wc_jsonw_kv_bool(w, K(is_error), ic->is_error);
	if (ic->is_error)
		k_quote(w, x, K(quote), &ic->quote);
	else
		wc_jsonw_kv_null(w, K(quote));
	if (n && n->icmp_matched)
		k_flow_ref(w, K(answers), n->icmp_flow_kind, n->icmp_flow_id, n->icmp_quoted_frame);
	else
		wc_jsonw_kv_null(w, K(answers));
	wc_jsonw_kv_string(w, K(checksum), wc_csum_name(ic->csum));
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

static void json_packet(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_packet *p,
                        const struct wc_pkt_note *n, bool first)
{
	struct wc_jsonw jw, *w = &jw;
	wc_outbuf_puts(out, first ? "\n" : ",\n");
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(frame), p->frame->number);
	k_sec(w, K(time), p->frame->ts_ns - x->t0_ns);
	wc_jsonw_kv_uint(w, K(wire_len), p->frame->len);
	wc_jsonw_kv_uint(w, K(captured_len), p->frame->caplen);
	bool ip = p->net == WC_NET_IPV4 || p->net == WC_NET_IPV6;
	k_uint_if(w, K(ip_version), ip, p->ip.version);
	if (ip) {
		k_addr(w, x, K(src), &p->ip.src);
		k_addr(w, x, K(dst), &p->ip.dst);
	} else {
		wc_jsonw_kv_null(w, K(src));
		wc_jsonw_kv_null(w, K(dst));
	}
	wc_jsonw_kv_string(w, K(ip_checksum), p->net == WC_NET_IPV4 ? wc_csum_name(p->ip.hdr_csum) : NULL);
	wc_jsonw_kv_bool(w, K(fragment), ip && p->ip.is_fragment);
	wc_jsonw_kv_string(w, K(protocol), l4_name(p->l4));
	switch (p->l4) {
	case WC_L4_TCP: packet_tcp(w, p, n); break;
	case WC_L4_UDP: packet_udp(w, p, n); break;
	case WC_L4_ICMP:
	case WC_L4_ICMPV6: packet_icmp(w, x, p, n); break;
	case WC_L4_OTHER:
	case WC_L4_NONE: break;
	}
	wc_jsonw_key_name(w, K(anomalies));
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
		wc_jsonw_kv_null(w, K(options));
		return;
	}
	wc_jsonw_key_name(w, K(options));
	wc_jsonw_begin_object(w);
	k_uint_if(w, K(mss), s->has_mss, s->mss);
	k_uint_if(w, K(window_scale), s->wscale >= 0, s->wscale >= 0 ? (uint64_t)s->wscale : 0);
	wc_jsonw_kv_bool(w, K(sack_permitted), s->sack_perm);
	wc_jsonw_kv_bool(w, K(timestamps), s->timestamps);
	wc_jsonw_end_object(w);
}

static void k_counts(struct wc_jsonw *w, const struct wc_tcp_side *s)
{
	wc_jsonw_key_name(w, K(counts));
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(retransmissions), s->retransmissions);
	wc_jsonw_kv_uint(w, K(spurious_retransmissions), s->spurious_retransmissions);
	wc_jsonw_kv_uint(w, K(out_of_order), s->out_of_order);
	wc_jsonw_kv_uint(w, K(lost_segments), s->lost_segments);
	wc_jsonw_kv_uint(w, K(keepalives), s->keepalives);
	wc_jsonw_kv_uint(w, K(zero_windows), s->zero_windows);
	wc_jsonw_kv_uint(w, K(dup_acks), s->dup_acks);
	wc_jsonw_kv_uint(w, K(window_updates), s->window_updates);
	wc_jsonw_kv_uint(w, K(offload_segments), s->offload_segments);
	wc_jsonw_kv_uint(w, K(checksum_bad), s->checksum_bad);
	wc_jsonw_kv_uint(w, K(checksum_partial), s->checksum_partial);
	wc_jsonw_end_object(w);
}

static void k_side(struct wc_jsonw *w, const struct wc_xctx *x, struct wc_jsonw_name key,
                   const struct wc_tcp_side *s)
{
	wc_jsonw_key_name(w, key);
	wc_jsonw_begin_object(w);
	k_addr(w, x, K(addr), &s->addr);
	wc_jsonw_kv_uint(w, K(port), s->port);
	wc_jsonw_kv_bool(w, K(syn_seen), s->syn_seen);
	k_options(w, s);
	wc_jsonw_kv_uint(w, K(segments), s->segments);
	wc_jsonw_kv_uint(w, K(payload_bytes), s->payload_bytes);
	wc_jsonw_kv_uint(w, K(stream_bytes), s->stream_bytes);
	wc_jsonw_kv_uint(w, K(retransmitted_bytes), s->payload_bytes > s->stream_bytes ? s->payload_bytes - s->stream_bytes : 0);
	k_frame(w, K(fin_frame), s->fin_frame);
	k_frame(w, K(fin_acked_frame), s->fin_acked_frame);
	k_frame(w, K(rst_frame), s->rst_frame);
	wc_jsonw_key_name(w, K(states));
	wc_jsonw_begin_array(w);
	for (unsigned k = 0; k < s->step_count && k < WC_MAX_STEPS; k++) {
		wc_jsonw_begin_object(w);
		wc_jsonw_kv_string(w, K(state), wc_tcp_state_name(s->steps[k].state));
		k_frame(w, K(frame), s->steps[k].frame);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	k_counts(w, s);
	wc_jsonw_key_name(w, K(gaps));
	wc_jsonw_begin_array(w);
	for (unsigned k = 0; k < s->gap_count && k < WC_MAX_GAPS; k++) {
		wc_jsonw_begin_object(w);
		wc_jsonw_kv_uint(w, K(rel_seq), s->gaps[k].rel_seq);
		wc_jsonw_kv_uint(w, K(len), s->gaps[k].len);
		k_frame(w, K(frame), s->gaps[k].frame);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	wc_jsonw_kv_uint(w, K(gaps_total), s->gaps_total);
	wc_jsonw_end_object(w);
}

static void k_side_name(struct wc_jsonw *w, struct wc_jsonw_name key, int side)
{
	wc_jsonw_kv_string(w, key, side == 2 ? "both" : side == 0 || side == 1 ? side_key[side] : NULL);
}

static void k_rst(struct wc_jsonw *w, const struct wc_tcp_conn *c)
{
	if (c->rst_side < 0) {
		wc_jsonw_kv_null(w, K(rst));
		return;
	}
	wc_jsonw_key_name(w, K(rst));
	wc_jsonw_begin_object(w);
	k_side_name(w, K(by), c->rst_side);
	k_frame(w, K(frame), c->rst_frame);
	wc_jsonw_kv_string(w, K(context), wc_rst_context_name(c->rst_context));
	char buf[WC_X_RST_STRLEN];
	wc_jsonw_kv_string(w, K(explanation), wc_x_rst_text(c->rst_context, c->side[1].port, buf));
	wc_jsonw_end_object(w);
}

static void k_teardown(struct wc_jsonw *w, const struct wc_tcp_conn *c)
{
	wc_jsonw_key_name(w, K(teardown));
	wc_jsonw_begin_object(w);
	k_side_name(w, K(first_closer), c->first_closer);
	wc_jsonw_kv_bool(w, K(half_close), c->half_close);
	wc_jsonw_kv_bool(w, K(fin_both), c->fin_both);
	k_side_name(w, K(time_wait), c->time_wait_side);
	k_rst(w, c);
	wc_jsonw_end_object(w);
}

/* An RTT in seconds, or null when negative (not measured). */
static void k_rtt(struct wc_jsonw *w, struct wc_jsonw_name key, int64_t ns)
{
	if (ns >= 0)
		k_sec(w, key, ns);
	else
		wc_jsonw_kv_null(w, key);
}

static void json_tcp_conn(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_tcp_conn *c)
{
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(id), c->id);
	k_side(w, x, K(client), &c->side[0]);
	k_side(w, x, K(server), &c->side[1]);
	wc_jsonw_kv_bool(w, K(roles_from_syn), c->roles_from_syn);
	wc_jsonw_kv_uint(w, K(first_frame), c->first_frame);
	wc_jsonw_kv_uint(w, K(last_frame), c->last_frame);
	wc_jsonw_kv_uint(w, K(frames), c->frames);
	k_sec(w, K(first_time), c->first_ts_ns - x->t0_ns);
	k_sec(w, K(last_time), c->last_ts_ns - x->t0_ns);
	k_sec(w, K(duration), c->last_ts_ns - c->first_ts_ns);
	wc_jsonw_key_name(w, K(handshake));
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_bool(w, K(complete), c->handshake_complete);
	k_frame(w, K(syn_frame), c->syn_frame);
	k_frame(w, K(synack_frame), c->synack_frame);
	k_frame(w, K(ack_frame), c->hs_ack_frame);
	wc_jsonw_kv_uint(w, K(syn_count), c->syn_count);
	wc_jsonw_kv_uint(w, K(synack_count), c->synack_count);
	k_rtt(w, K(rtt_syn_synack), c->rtt_syn_synack_ns);
	k_rtt(w, K(rtt_synack_ack), c->rtt_synack_ack_ns);
	wc_jsonw_end_object(w);
	k_teardown(w, c);
	wc_jsonw_kv_uint(w, K(icmp_errors), c->icmp_errors);
	k_frame(w, K(first_icmp_frame), c->first_icmp_frame);
	wc_jsonw_kv_string(w, K(conn_state), c->conn_state);
	wc_jsonw_kv_string(w, K(history), c->history);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

/* ---- UDP flows, ICMP errors, anomalies ------------------------------------ */

static void k_datagrams(struct wc_jsonw *w, const struct wc_udp_flow *f)
{
	if (f->list_capped) {
		wc_jsonw_kv_null(w, K(datagrams));
		return;
	}
	wc_jsonw_key_name(w, K(datagrams));
	wc_jsonw_begin_array(w);
	for (size_t i = 0; i < f->list_count; i++) {
		wc_jsonw_begin_object(w);
		wc_jsonw_kv_uint(w, K(frame), f->list[i].frame);
		wc_jsonw_kv_string(w, K(dir), f->list[i].dir ? "back" : "sent");
		wc_jsonw_kv_uint(w, K(len), f->list[i].len);
		wc_jsonw_kv_string(w, K(checksum), wc_csum_name(f->list[i].csum));
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
}

static void json_udp_flow(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_udp_flow *f)
{
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(id), f->id);
	k_endpoint(w, x, K(first_sender), &f->addr[0], f->port[0]);
	k_endpoint(w, x, K(peer), &f->addr[1], f->port[1]);
	wc_jsonw_kv_uint(w, K(datagrams_sent), f->datagrams[0]);
	wc_jsonw_kv_uint(w, K(datagrams_back), f->datagrams[1]);
	wc_jsonw_kv_uint(w, K(bytes_sent), f->bytes[0]);
	wc_jsonw_kv_uint(w, K(bytes_back), f->bytes[1]);
	wc_jsonw_kv_uint(w, K(min_len), f->min_len);
	wc_jsonw_kv_uint(w, K(max_len), f->max_len);
	wc_jsonw_kv_uint(w, K(first_frame), f->first_frame);
	wc_jsonw_kv_uint(w, K(last_frame), f->last_frame);
	k_sec(w, K(first_time), f->first_ts_ns - x->t0_ns);
	k_sec(w, K(last_time), f->last_ts_ns - x->t0_ns);
	k_datagrams(w, f);
	wc_jsonw_key_name(w, K(checksums));
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(bad), f->checksum_bad);
	wc_jsonw_kv_uint(w, K(zero), f->checksum_zero);
	wc_jsonw_kv_uint(w, K(partial), f->checksum_partial);
	wc_jsonw_end_object(w);
	wc_jsonw_kv_uint(w, K(icmp_errors), f->icmp_errors);
	k_frame(w, K(first_icmp_frame), f->first_icmp_frame);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_icmp(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_icmp_event *e)
{
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_uint(w, K(frame), e->frame);
	k_sec(w, K(time), e->ts_ns - x->t0_ns);
	wc_jsonw_kv_uint(w, K(version), e->version);
	wc_jsonw_kv_uint(w, K(type), e->type);
	wc_jsonw_kv_uint(w, K(code), e->code);
	wc_jsonw_kv_string(w, K(type_name), wc_x_icmp_type(e->version, e->type));
	wc_jsonw_kv_string(w, K(code_name), wc_x_icmp_code(e->version, e->type, e->code));
	k_addr(w, x, K(from), &e->from);
	k_addr(w, x, K(to), &e->to);
	k_quote(w, x, K(quote), &e->quote);
	k_flow_ref(w, K(answers), e->flow_kind, e->flow_id, e->quoted_frame);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_anomaly(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t frame, enum wc_anomaly a, const char *detail)
{
	(void)x;
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	k_frame(w, K(frame), frame);
	wc_jsonw_kv_string(w, K(name), wc_anomaly_name(a));
	wc_jsonw_kv_string(w, K(kind), wc_anomaly_kind_name(wc_anomaly_kind(a)));
	wc_jsonw_kv_string(w, K(description), wc_anomaly_description(a));
	wc_jsonw_kv_string(w, K(detail), detail && *detail ? detail : NULL);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

/* ---- document ------------------------------------------------------------- */

static void json_begin(struct wc_outbuf *out, const struct wc_xctx *x, const char *path)
{
	(void)path;
	struct wc_jsonw jw, *w = &jw;
	WC_OUTBUF_LIT(out, "{\"wirecheck\":");
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_string(w, K(version), PACKAGE_VERSION);
	wc_jsonw_kv_string(w, K(command), "explain");
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
	if (x->opts->packets)
		WC_OUTBUF_LIT(out, ",\n\"packets\":[");
}

static void json_capture(struct wc_outbuf *out, const struct wc_xcapture *cap)
{
	const struct wc_analysis *an = cap->an;
	const struct wc_stats *s = &an->stats;
	struct wc_jsonw jw, *w = &jw;
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	wc_jsonw_kv_string(w, K(file), cap->path);
	wc_jsonw_kv_string(w, K(format), an->format);
	wc_jsonw_key_name(w, K(linktypes));
	wc_jsonw_begin_array(w);
	for (int i = 0; i < an->linktype_count && i < 8; i++) {
		wc_jsonw_begin_object(w);
		wc_jsonw_key_name(w, K(value));
		wc_jsonw_int(w, an->linktypes[i]);
		wc_jsonw_kv_string(w, K(name), cap->linktype_names[i]);
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_array(w);
	wc_jsonw_kv_uint(w, K(snaplen), an->snaplen);
	wc_jsonw_kv_uint(w, K(frames), s->frames);
	wc_jsonw_kv_uint(w, K(bytes_captured), s->bytes_captured);
	wc_jsonw_kv_uint(w, K(bytes_wire), s->bytes_wire);
	wc_jsonw_key_name(w, K(first_ts_ns));
	if (s->frames)
		wc_jsonw_int(w, s->first_ts_ns);
	else
		wc_jsonw_null(w);
	wc_jsonw_key_name(w, K(last_ts_ns));
	if (s->frames)
		wc_jsonw_int(w, s->last_ts_ns);
	else
		wc_jsonw_null(w);
	k_sec(w, K(duration), s->frames ? s->last_ts_ns - s->first_ts_ns : 0);
	wc_jsonw_kv_uint(w, K(truncated_frames), s->truncated_frames);
	wc_jsonw_kv_uint(w, K(malformed_frames), s->malformed_frames);
	wc_jsonw_kv_bool(w, K(complete), !an->container_broken);
	if (an->container_broken) {
		wc_jsonw_key_name(w, K(container_anomaly));
		wc_jsonw_begin_object(w);
		wc_jsonw_kv_uint(w, K(frame), s->frames + 1);
		wc_jsonw_kv_string(w, K(name), wc_anomaly_name(an->container_anomaly));
		wc_jsonw_kv_string(w, K(description), wc_anomaly_description(an->container_anomaly));
		wc_jsonw_kv_string(w, K(detail), an->container_detail);
		wc_jsonw_end_object(w);
	} else {
		wc_jsonw_kv_null(w, K(container_anomaly));
	}
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_summary(struct wc_outbuf *out, const struct wc_analysis *an, uint64_t listed)
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
	wc_jsonw_init_buf(w, out);
	wc_jsonw_begin_object(w);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		wc_jsonw_key(w, names[i]);
		wc_jsonw_uint(w, values[i]);
	}
	wc_jsonw_key_name(w, K(checksums));
	wc_jsonw_begin_object(w);
	for (int l = 0; l < WC_CK__COUNT; l++) {
		wc_jsonw_key(w, wc_csum_layer_name((enum wc_csum_layer)l));
		wc_jsonw_begin_object(w);
		for (int c = WC_CSUM_OK; c < WC_CSUM__COUNT; c++) {
			wc_jsonw_key(w, wc_csum_name((enum wc_csum)c));
			wc_jsonw_uint(w, s->csum[l][c]);
		}
		wc_jsonw_end_object(w);
	}
	wc_jsonw_end_object(w);
	wc_jsonw_key_name(w, K(anomalies));
	wc_jsonw_begin_object(w);
	for (int a = 0; a < WC_ANOM__COUNT; a++) {
		if (!s->anomalies[a])
			continue;
		wc_jsonw_key(w, wc_anomaly_name((enum wc_anomaly)a));
		wc_jsonw_uint(w, s->anomalies[a]);
	}
	wc_jsonw_end_object(w);
	wc_jsonw_kv_uint(w, K(anomalies_listed), listed);
	wc_jsonw_end_object(w);
	wc_jsonw_finish(w);
}

static void json_tcp_begin(struct wc_outbuf *out, const struct wc_xctx *x)
{
	if (x->opts->packets)
		WC_OUTBUF_LIT(out, "\n]");
	WC_OUTBUF_LIT(out, ",\n\"tcp_connections\":[");
}

static void json_tcp_end(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t items)
{
	(void)x;
	wc_outbuf_puts(out, items ? "\n]" : "]");
}

static int section(struct wc_outbuf *out, const char *key, struct wc_xspool *sp)
{
	WC_OUTBUF_LIT(out, ",\n\"");
	wc_outbuf_puts(out, key);
	WC_OUTBUF_LIT(out, "\":[");
	int rc = wc_xspool_copy(out, sp);
	wc_outbuf_puts(out, sp->items ? "\n]" : "]");
	return rc;
}

static int json_end(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_xcapture *cap,
                    struct wc_xspool sp[WC_XS__COUNT])
{
	(void)x;
	int rc = 0;
	static const char *const keys[WC_XS__COUNT] = {NULL, "udp_flows", "icmp_errors", "anomalies"};
	for (int i = WC_XS_UDP; i < WC_XS__COUNT; i++)
		if (section(out, keys[i], &sp[i]) != 0)
			rc = -1;
	WC_OUTBUF_LIT(out, ",\n\"capture\":");
	json_capture(out, cap);
	WC_OUTBUF_LIT(out, ",\n\"summary\":");
	json_summary(out, cap->an, cap->anomalies_listed);
	WC_OUTBUF_LIT(out, "}\n");
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
