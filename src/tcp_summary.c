/* tcp_summary.c — a finished TCP connection summed up: Zeek conn_state and history, names, release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

/* Zeek's per-endpoint states, rebuilt from what each side sent. */
enum zeek_ep { Z_INACTIVE, Z_SYN_SENT, Z_SYN_ACK_SENT, Z_PARTIAL, Z_ESTABLISHED, Z_CLOSED, Z_RESET };

static const char history_letters[] = "SHADFRCTWIQ";

static enum zeek_ep zeek_state(const struct wc_tcp_track *t, int i)
{
	const struct wc_tcp_side *s = &t->c.side[i];
	if (s->rst_frame)
		return Z_RESET;
	if (s->fin_frame)
		return Z_CLOSED;
	if (s->segments == 0)
		return Z_INACTIVE;
	if (!s->syn_seen)
		return Z_PARTIAL;
	if (t->c.side[0].syn_seen && t->c.side[1].syn_seen && t->established_seen)
		return Z_ESTABLISHED;
	return i == 0 ? Z_SYN_SENT : Z_SYN_ACK_SENT;
}

/* Zeek's test for RSTOS0: /^?S[^HAFGIQ]*R/ on the history. */
static bool syn_then_rst(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

/* The decision table of Zeek's conn_state() (base/protocols/conn/main.zeek). */
static const char *conn_state(const struct wc_tcp_track *t)
{
	enum zeek_ep os = zeek_state(t, 0), rs = zeek_state(t, 1);
	bool o_inactive = os == Z_INACTIVE || os == Z_PARTIAL;
	bool r_inactive = rs == Z_INACTIVE || rs == Z_PARTIAL;
	bool no_bytes = t->c.side[0].stream_bytes == 0 && t->c.side[1].stream_bytes == 0;
	if (rs == Z_RESET) {
		if (os == Z_SYN_SENT || os == Z_SYN_ACK_SENT || (os == Z_RESET && no_bytes))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == Z_RESET) {
		if (r_inactive)
			return syn_then_rst(t->c.history) ? "RSTOS0" : "OTH";
		return "RSTO";
	}
	if (os == Z_CLOSED && rs == Z_CLOSED)
		return "SF";
	if (os == Z_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == Z_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == Z_SYN_SENT && rs == Z_INACTIVE)
		return "S0";
	if (os == Z_ESTABLISHED && rs == Z_ESTABLISHED)
		return "S1";
	return "OTH";
}

void wc_tcp_history(struct wc_tcp_track *t, int s, char letter)
{
	const char *p = memchr(history_letters, letter, sizeof history_letters - 1);
	uint16_t bit = (uint16_t)(1u << (p - history_letters));
	if (t->d[s].hist & bit)
		return;
	t->d[s].hist |= bit;
	size_t len = strlen(t->c.history);
	if (len + 1 < sizeof t->c.history)
		t->c.history[len] = (char)(s == 0 ? letter : letter - 'A' + 'a');
}

void wc_tcp_release(struct wc_tcp_track *t)
{
	for (int i = 0; i < 2; i++)
		wc_stream_close(&t->d[i].stream, &t->c.side[i]);
}

void wc_tcp_summarize(struct wc_tcp_track *t, size_t payload_cap)
{
	struct wc_tcp_conn *c = &t->c;
	wc_tcp_release(t);
	bool tw[2];
	for (int i = 0; i < 2; i++) {
		struct wc_tcp_side *s = &c->side[i];
		const struct wc_stream *st = &t->d[i].stream;
		s->payload = st->buf;
		s->payload_kept = st->buf ? (st->high < st->buf_size ? (size_t)st->high : st->buf_size) : 0;
		s->payload_capped = st->high > payload_cap;
		tw[i] = s->steps[s->step_count - 1].state == WC_TS_TIME_WAIT;
	}
	c->time_wait_side = (int8_t)(tw[0] && tw[1] ? 2 : tw[0] ? 0 : tw[1] ? 1 : -1);
	snprintf(c->conn_state, sizeof c->conn_state, "%s", conn_state(t));
}

void wc_tcp_free(struct wc_tcp_track *t)
{
	for (int i = 0; i < 2; i++)
		wc_stream_free(&t->d[i].stream);
	free(t->c.segs);
	free(t);
}
