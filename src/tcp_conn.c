/* tcp_conn.c — one TCP segment analysed: roles, handshake, classification, endpoint states, RST context. */
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

static enum wc_tcp_state state_of(const struct wc_tcp_side *s)
{
	return s->steps[s->step_count - 1].state;
}

/* Record a state change; when the list is full the last slot follows the current
 * state, so the final state is always right. */
static void step(struct wc_tcp_side *s, enum wc_tcp_state st, uint64_t frame)
{
	if (state_of(s) == st)
		return;
	unsigned i = s->step_count < WC_MAX_STEPS ? s->step_count++ : WC_MAX_STEPS - 1u;
	s->steps[i].state = st;
	s->steps[i].frame = frame;
}

static void learn_options(struct wc_tcp_side *s, const struct wc_tcp *h)
{
	s->has_mss = h->has_mss;
	s->mss = h->mss;
	s->wscale = h->has_wscale ? (int8_t)(h->wscale > 14 ? 14 : h->wscale) : -1;
	s->sack_perm = h->sack_perm;
	s->timestamps = h->has_ts;
}

int wc_tcp_side_of(const struct wc_tcp_track *t, const struct wc_addr *a, uint16_t port)
{
	const struct wc_tcp_side *c = &t->c.side[0];
	return c->port == port && wc_addr_eq(&c->addr, a) ? 0 : 1;
}

/* Handshake bookkeeping for a SYN or SYN-ACK from side s. */
static void handshake_syn(struct wc_tcp_track *t, int s, const struct wc_tcp *h, uint64_t frame, int64_t ts)
{
	struct wc_tcp_conn *c = &t->c;
	struct wc_tcp_side *S = &c->side[s];
	bool synack = h->flags & WC_TH_ACK;
	if (!S->syn_seen) {
		S->syn_seen = true;
		S->isn = h->seq;
		learn_options(S, h);
		t->d[s].base = h->seq;
		t->d[s].base_set = true;
	}
	if (h->seq != S->isn)
		return;
	if (!synack && s == 0) {
		c->syn_count++;
		if (!c->syn_frame)
			c->syn_frame = frame;
		t->syn_ts = ts;
	} else if (synack && s == 1) {
		c->synack_count++;
		if (!c->synack_frame)
			c->synack_frame = frame;
		t->synack_ts = ts;
		if (!t->synack_valid && c->side[0].syn_seen && h->ack == c->side[0].isn + 1) {
			t->synack_valid = true;
			c->rtt_syn_synack_ns = ts - t->syn_ts;
		}
	}
}

static int64_t ooo_threshold(const struct wc_tcp_conn *c)
{
	if (c->rtt_syn_synack_ns > 0 && c->rtt_synack_ack_ns >= 0)
		return c->rtt_syn_synack_ns + c->rtt_synack_ack_ns;
	return WC_OOO_THRESHOLD_NS;
}

/* Wireshark's tcp.analysis rules, evaluated before the sender's state moves on. */
static uint16_t classify(const struct wc_tcp_track *t, int s, const struct wc_tcp *h, uint32_t win,
                         uint32_t fresh, int64_t ts)
{
	const struct wc_tcp_dir *ds = &t->d[s], *dr = &t->d[1 - s];
	const struct wc_tcp_side *R = &t->c.side[1 - s];
	uint8_t f = h->flags;
	bool sfr = f & (WC_TH_SYN | WC_TH_FIN | WC_TH_RST);
	uint32_t seglen = h->payload_len + !!(f & WC_TH_SYN) + !!(f & WC_TH_FIN);
	uint16_t n = 0;

	if (win == 0 && !sfr)
		n |= WC_TN_ZERO_WINDOW;
	if (seglen == 1 && ds->next_set && h->seq == ds->next_seq && dr->win_set && dr->last_win == 0 &&
	    !(f & WC_TH_RST))
		n |= WC_TN_ZERO_WINDOW_PROBE;
	if (ds->next_set && WC_SEQ_GT(h->seq, ds->next_seq) && !(f & WC_TH_RST))
		n |= WC_TN_PREV_LOST;
	if (seglen <= 1 && !sfr && ds->next_set && h->seq == ds->next_seq - 1)
		n |= WC_TN_KEEPALIVE;
	bool same = seglen == 0 && !sfr && ds->ack_set && ds->win_set && h->seq == ds->next_seq &&
	            h->ack == ds->last_ack;
	if (same && win != 0 && win != ds->last_win)
		n |= WC_TN_WINDOW_UPDATE;
	if (same && win == ds->last_win && dr->last_keepalive)
		n |= WC_TN_KEEPALIVE_ACK;
	else if (same && win != 0 && win == ds->last_win)
		n |= WC_TN_DUP_ACK;
	if ((f & WC_TH_ACK) && dr->next_set && WC_SEQ_GT(h->ack, dr->next_seq))
		n |= WC_TN_ACKED_UNSEEN;
	if (R->has_mss && h->payload_len > R->mss)
		n |= WC_TN_OFFLOAD;
	if (seglen > 0 && !(f & WC_TH_RST) && ds->next_set && WC_SEQ_LT(h->seq, ds->next_seq) &&
	    !(n & WC_TN_KEEPALIVE)) {
		/* Bytes never seen before, soon after later data: the network reordered them.
		 * Seen before (or late): sent again; data already acknowledged: needlessly,
		 * which Wireshark counts as a retransmission too (a resent SYN or FIN is
		 * never spurious there). */
		if (fresh > 0 && ts - ds->last_adv_ts < ooo_threshold(&t->c))
			n |= WC_TN_OUT_OF_ORDER;
		else if (h->payload_len && dr->max_ack_set && WC_SEQ_LE(h->seq + seglen, dr->max_ack) && fresh == 0)
			n |= WC_TN_RETRANSMISSION | WC_TN_SPURIOUS_RETX;
		else
			n |= WC_TN_RETRANSMISSION;
	}
	return n;
}

static void count_notes(struct wc_tcp_side *S, uint16_t n, struct wc_flow_totals *tot)
{
	if (n & WC_TN_RETRANSMISSION) {
		S->retransmissions++;
		tot->tcp_retransmissions++;
	}
	S->spurious_retransmissions += !!(n & WC_TN_SPURIOUS_RETX);
	S->out_of_order += !!(n & WC_TN_OUT_OF_ORDER);
	S->keepalives += !!(n & WC_TN_KEEPALIVE);
	S->zero_windows += !!(n & WC_TN_ZERO_WINDOW);
	S->dup_acks += !!(n & WC_TN_DUP_ACK);
	S->window_updates += !!(n & WC_TN_WINDOW_UPDATE);
	S->offload_segments += !!(n & WC_TN_OFFLOAD);
	S->lost_segments += !!(n & WC_TN_PREV_LOST);
}

/* How the first RST came about, as the wire shows it.
 * After FIN: one side had already closed — the RST's sender answering what still
 * arrives after its own FIN (a killed server's kernel when the client writes again), or
 * aborting after the peer's FIN.
 * Unread data: the RST's sender received data and never sent any — the kernel answers
 * a close() with bytes left unread by a RST instead of a FIN, whether or not it had
 * already acknowledged them (Linux does, 200 ms before). After an exchange, an abort
 * looks the same on the wire whether bytes were left unread or SO_LINGER 0 was set: that
 * is reported as in data, and a live run's socket-call trace tells the two apart. */
static enum wc_rst_context rst_context(const struct wc_tcp_track *t, int s, const struct wc_tcp *h)
{
	const struct wc_tcp_conn *c = &t->c;
	const struct wc_tcp_side *S = &c->side[s], *R = &c->side[1 - s];
	const struct wc_tcp_dir *ds = &t->d[s], *dr = &t->d[1 - s];
	if (R->syn_seen && !S->syn_seen && (h->flags & WC_TH_ACK) && h->ack == R->isn + 1)
		return WC_RST_REFUSED;
	if (!S->syn_seen && !R->syn_seen)
		return WC_RST_NO_CONNECTION;
	if (!c->handshake_complete)
		return WC_RST_IN_HANDSHAKE;
	if (ds->fin_sent || dr->fin_sent)
		return WC_RST_AFTER_FIN;
	if (dr->data_set && !ds->data_set)
		return WC_RST_UNREAD_DATA;
	return WC_RST_IN_DATA;
}

static void on_rst(struct wc_tcp_track *t, int s, const struct wc_tcp *h, uint64_t frame,
                   struct wc_flow_totals *tot)
{
	struct wc_tcp_conn *c = &t->c;
	struct wc_tcp_side *S = &c->side[s], *R = &c->side[1 - s];
	if (!S->rst_frame)
		S->rst_frame = frame;
	if (c->rst_side < 0) {
		c->rst_side = (int8_t)s;
		c->rst_frame = frame;
		c->rst_context = rst_context(t, s, h);
		tot->with_rst++;
	}
	if (c->first_closer < 0)
		c->first_closer = (int8_t)s;
	step(S, WC_TS_CLOSED, frame);
	enum wc_tcp_state rs = state_of(R);
	if (rs != WC_TS_LISTEN && rs != WC_TS_TIME_WAIT)
		step(R, WC_TS_CLOSED, frame);
	t->closing = t->closed = true;
}

/* The sender acknowledges the peer's FIN. */
static void on_fin_acked(struct wc_tcp_track *t, int s, uint64_t frame)
{
	struct wc_tcp_side *S = &t->c.side[s], *R = &t->c.side[1 - s];
	R->fin_acked_frame = frame;
	switch (state_of(R)) {
	case WC_TS_FIN_WAIT_1: step(R, WC_TS_FIN_WAIT_2, frame); break;
	case WC_TS_CLOSING: step(R, WC_TS_TIME_WAIT, frame); break;
	case WC_TS_LAST_ACK: step(R, WC_TS_CLOSED, frame); break;
	default: break;
	}
	/* The active closer enters TIME_WAIT as it acknowledges the other FIN. */
	if (state_of(S) == WC_TS_FIN_WAIT_2)
		step(S, WC_TS_TIME_WAIT, frame);
	if (t->c.side[0].fin_acked_frame && t->c.side[1].fin_acked_frame)
		t->closed = true;
}

static void on_fin(struct wc_tcp_track *t, int s, const struct wc_tcp *h, uint64_t frame,
                   struct wc_flow_totals *tot)
{
	struct wc_tcp_conn *c = &t->c;
	struct wc_tcp_side *S = &c->side[s], *R = &c->side[1 - s];
	struct wc_tcp_dir *ds = &t->d[s], *dr = &t->d[1 - s];
	ds->fin_sent = true;
	ds->fin_seq = h->seq + h->payload_len;
	S->fin_frame = frame;
	t->closing = true;
	if (c->first_closer < 0)
		c->first_closer = (int8_t)s;
	bool crossed = dr->fin_sent && !R->fin_acked_frame; /* the FINs crossed on the wire */
	if (state_of(S) == WC_TS_CLOSE_WAIT && crossed) {
		/* It was not in CLOSE_WAIT after all: its FIN left before the peer's arrived. */
		if (S->steps[S->step_count - 1].frame == R->fin_frame && S->step_count > 1)
			S->step_count--;
		step(S, WC_TS_FIN_WAIT_1, frame);
		step(S, WC_TS_CLOSING, frame);
	} else if (state_of(S) == WC_TS_CLOSE_WAIT) {
		step(S, WC_TS_LAST_ACK, frame);
	} else if (state_of(S) != WC_TS_CLOSED && state_of(S) != WC_TS_TIME_WAIT) {
		step(S, WC_TS_FIN_WAIT_1, frame);
	}
	switch (state_of(R)) {
	case WC_TS_FIN_WAIT_1: step(R, WC_TS_CLOSING, frame); break;
	case WC_TS_ESTABLISHED: case WC_TS_SYN_RCVD: case WC_TS_SYN_SENT:
		step(R, WC_TS_CLOSE_WAIT, frame);
		break;
	default: break;
	}
	if (dr->fin_sent) {
		c->fin_both = true;
		tot->fin_both_dirs++;
	}
}

/* Endpoint states from what side s sent (RST and FIN handled apart). */
static void open_states(struct wc_tcp_track *t, int s, const struct wc_tcp *h, uint64_t frame)
{
	struct wc_tcp_conn *c = &t->c;
	struct wc_tcp_side *S = &c->side[s], *R = &c->side[1 - s];
	uint8_t f = h->flags;
	enum wc_tcp_state ss = state_of(S), rs = state_of(R);
	if ((f & WC_TH_SYN) && !(f & WC_TH_ACK)) {
		if (ss == WC_TS_CLOSED || ss == WC_TS_LISTEN)
			step(S, WC_TS_SYN_SENT, frame);
		return;
	}
	if (f & WC_TH_SYN) {
		if (ss == WC_TS_LISTEN || ss == WC_TS_SYN_SENT || ss == WC_TS_CLOSED)
			step(S, WC_TS_SYN_RCVD, frame);
		/* The client is established when the SYN-ACK acknowledging its SYN arrives (or
		 * when a SYN-ACK arrives and its SYN was never captured). */
		if ((rs == WC_TS_SYN_SENT && h->ack == R->isn + 1) || (rs == WC_TS_CLOSED && !R->syn_seen))
			step(R, WC_TS_ESTABLISHED, frame);
		return;
	}
	if (!(f & WC_TH_ACK))
		return;
	if (rs == WC_TS_SYN_RCVD && WC_SEQ_GE(h->ack, R->isn + 1))
		step(R, WC_TS_ESTABLISHED, frame);
	if (ss == WC_TS_SYN_RCVD && R->syn_seen && WC_SEQ_GE(h->ack, R->isn + 1))
		step(S, WC_TS_ESTABLISHED, frame);
	/* Picked up mid-stream: both ends were already talking. */
	if (c->syn_count == 0 && c->synack_count == 0 && !S->syn_seen && !R->syn_seen) {
		if (state_of(S) == WC_TS_CLOSED || state_of(S) == WC_TS_LISTEN)
			step(S, WC_TS_ESTABLISHED, frame);
		if (state_of(R) == WC_TS_CLOSED || state_of(R) == WC_TS_LISTEN)
			step(R, WC_TS_ESTABLISHED, frame);
	}
}

static void history(struct wc_tcp_track *t, int s, const struct wc_packet *pkt, uint16_t n)
{
	const struct wc_tcp *h = &pkt->u.tcp;
	if (h->csum == WC_CSUM_BAD) {
		/* Zeek drops a packet with a bad checksum and only notes it. */
		wc_tcp_history(t, s, 'C');
		return;
	}
	uint8_t f = h->flags;
	int bits = !!(f & WC_TH_SYN) + !!(f & WC_TH_FIN) + !!(f & WC_TH_RST);
	if (bits > 1)
		wc_tcp_history(t, s, (f & WC_TH_FIN) && (f & WC_TH_RST) ? 'I' : 'Q');
	else if (f & WC_TH_SYN)
		wc_tcp_history(t, s, (f & WC_TH_ACK) ? 'H' : 'S');
	else if (f & WC_TH_FIN)
		wc_tcp_history(t, s, 'F');
	else if (f & WC_TH_RST)
		wc_tcp_history(t, s, 'R');
	else if (h->payload_len)
		wc_tcp_history(t, s, 'D');
	else if (f & WC_TH_ACK)
		wc_tcp_history(t, s, 'A');
	if (h->payload_len && (n & WC_TN_RETRANSMISSION))
		wc_tcp_history(t, s, 'T');
	if (n & WC_TN_ZERO_WINDOW)
		wc_tcp_history(t, s, 'W');
}

static void keep_segment(struct wc_tcp_track *t, const struct wc_flow_opts *o, const struct wc_segment *sg)
{
	struct wc_tcp_conn *c = &t->c;
	size_t max = o->max_segments ? o->max_segments : 100000;
	if (c->seg_count >= max) {
		c->segs_capped = true;
		return;
	}
	if (c->seg_count == t->seg_alloc) {
		size_t n = t->seg_alloc ? t->seg_alloc * 2 : 16;
		if (n > max)
			n = max;
		struct wc_segment *ns = realloc(c->segs, n * sizeof *ns);
		if (!ns) {
			c->segs_capped = true;
			return;
		}
		c->segs = ns;
		t->seg_alloc = n;
	}
	c->segs[c->seg_count++] = *sg;
}

void wc_tcp_init(struct wc_tcp_track *t, uint32_t id, const struct wc_packet *pkt)
{
	const struct wc_tcp *h = &pkt->u.tcp;
	struct wc_tcp_conn *c = &t->c;
	c->id = id;
	/* The SYN sender is the client; a SYN-ACK's receiver; otherwise the first sender. */
	bool flip = (h->flags & (WC_TH_SYN | WC_TH_ACK)) == (WC_TH_SYN | WC_TH_ACK);
	c->roles_from_syn = (h->flags & WC_TH_SYN) != 0;
	c->side[0].addr = flip ? pkt->ip.dst : pkt->ip.src;
	c->side[0].port = flip ? h->dport : h->sport;
	c->side[1].addr = flip ? pkt->ip.src : pkt->ip.dst;
	c->side[1].port = flip ? h->sport : h->dport;
	for (int i = 0; i < 2; i++) {
		c->side[i].wscale = -1;
		c->side[i].step_count = 1;
		c->side[i].steps[0].state = i == 0 ? WC_TS_CLOSED : WC_TS_LISTEN;
	}
	c->first_frame = pkt->frame->number;
	c->first_ts_ns = pkt->frame->ts_ns;
	c->rtt_syn_synack_ns = c->rtt_synack_ack_ns = -1;
	c->first_closer = c->time_wait_side = c->rst_side = -1;
}

bool wc_tcp_wants_split(const struct wc_tcp_track *t, const struct wc_packet *pkt)
{
	const struct wc_tcp *h = &pkt->u.tcp;
	int s = wc_tcp_side_of(t, &pkt->ip.src, h->sport);
	const struct wc_tcp_side *S = &t->c.side[s];
	if (t->closing)
		return true;
	if (S->syn_seen)
		return S->isn != h->seq;
	return S->segments > 0; /* a SYN after mid-stream traffic from the same end */
}

void wc_tcp_segment(struct wc_tcp_track *t, const struct wc_packet *pkt, const struct wc_flow_opts *o,
                    struct wc_flow_totals *tot, bool reuse, struct wc_pkt_note *note)
{
	const struct wc_tcp *h = &pkt->u.tcp;
	struct wc_tcp_conn *c = &t->c;
	uint64_t frame = pkt->frame->number;
	int64_t ts = pkt->frame->ts_ns;
	int s = wc_tcp_side_of(t, &pkt->ip.src, h->sport);
	struct wc_tcp_side *S = &c->side[s], *R = &c->side[1 - s];
	struct wc_tcp_dir *ds = &t->d[s], *dr = &t->d[1 - s];
	uint8_t f = h->flags;

	c->frames++;
	c->last_frame = frame;
	c->last_ts_ns = ts;
	S->segments++;
	S->payload_bytes += h->payload_len;
	S->checksum_bad += h->csum == WC_CSUM_BAD;
	S->checksum_partial += h->csum == WC_CSUM_PARTIAL;

	if (f & WC_TH_SYN)
		handshake_syn(t, s, h, frame, ts);
	if (!ds->base_set) {
		/* No SYN: the first byte seen is relative sequence 1, as after a SYN. */
		ds->base = h->seq - 1;
		ds->base_set = true;
	}
	if ((f & WC_TH_ACK) && !dr->base_set) {
		dr->base = h->ack - 1;
		dr->base_set = true;
	}
	uint32_t win = h->window;
	if (!(f & WC_TH_SYN) && S->wscale >= 0 && R->wscale >= 0)
		win = (uint32_t)h->window << S->wscale;

	uint32_t fresh = 0;
	if (h->payload_len && !(f & WC_TH_RST))
		fresh = wc_stream_add(&ds->stream, S, o->payload_cap, ds->base + 1, h->seq, h->payload_len,
		                      h->payload, h->payload_caplen, frame);
	uint16_t n = classify(t, s, h, win, fresh, ts);
	if (reuse)
		n |= WC_TN_PORT_REUSE;
	count_notes(S, n, tot);

	if (c->first_closer >= 0 && c->first_closer != s && c->side[c->first_closer].fin_frame &&
	    !ds->fin_sent && fresh > 0)
		c->half_close = true;

	if (s == 0 && !c->handshake_complete && t->synack_valid && (f & WC_TH_ACK) &&
	    !(f & (WC_TH_SYN | WC_TH_RST)) && h->seq == S->isn + 1 && h->ack == R->isn + 1) {
		c->handshake_complete = true;
		c->hs_ack_frame = frame;
		c->rtt_synack_ack_ns = ts - t->synack_ts;
		tot->handshakes_complete++;
	}
	if (s == 0 && c->synack_frame && (f & WC_TH_ACK) && !(f & WC_TH_SYN))
		t->established_seen = true;

	if (f & WC_TH_RST) {
		on_rst(t, s, h, frame, tot);
	} else {
		open_states(t, s, h, frame);
		if ((f & WC_TH_ACK) && dr->fin_sent && !R->fin_acked_frame && WC_SEQ_GE(h->ack, dr->fin_seq + 1))
			on_fin_acked(t, s, frame);
		if ((f & WC_TH_FIN) && !ds->fin_sent)
			on_fin(t, s, h, frame, tot);
	}

	/* What the next segment is judged against. A keep-alive or zero-window probe does
	 * not move the sender on: its byte is sent again once the window opens. */
	uint32_t seglen = h->payload_len + !!(f & WC_TH_SYN) + !!(f & WC_TH_FIN);
	if (!(f & WC_TH_RST) && !(n & (WC_TN_KEEPALIVE | WC_TN_ZERO_WINDOW_PROBE))) {
		uint32_t end = h->seq + seglen;
		if (!ds->next_set || WC_SEQ_GT(end, ds->next_seq)) {
			ds->next_seq = end;
			ds->next_set = true;
			ds->last_adv_ts = ts;
		}
	}
	if (h->payload_len && !(f & WC_TH_RST)) {
		uint32_t end = h->seq + h->payload_len;
		if (!ds->data_set || WC_SEQ_GT(end, ds->data_end))
			ds->data_end = end;
		ds->data_set = true;
	}
	if (f & WC_TH_ACK) {
		ds->last_ack = h->ack;
		ds->ack_set = true;
		if (!(f & WC_TH_RST) && (!ds->max_ack_set || WC_SEQ_GT(h->ack, ds->max_ack))) {
			ds->max_ack = h->ack;
			ds->max_ack_set = true;
		}
	}
	ds->last_win = win;
	ds->win_set = true;
	ds->last_keepalive = (n & WC_TN_KEEPALIVE) != 0;
	ds->last_frame = frame;
	ds->last_seq = h->seq;

	history(t, s, pkt, n);

	uint32_t rel_seq = h->seq - ds->base;
	uint32_t rel_ack = (f & WC_TH_ACK) ? h->ack - dr->base : 0;
	if (o->keep_segments) {
		struct wc_segment sg = {frame, ts, (uint8_t)s, f, n, rel_seq, rel_ack, h->payload_len, win};
		keep_segment(t, o, &sg);
	}
	if (note) {
		note->kind = WC_FLOW_TCP;
		note->flow_id = c->id;
		note->dir = (uint8_t)s;
		note->rel_seq = rel_seq;
		note->rel_ack = rel_ack;
		note->tcp_notes = n;
		note->state_after[0] = state_of(&c->side[0]);
		note->state_after[1] = state_of(&c->side[1]);
	}
}
