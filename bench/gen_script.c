/* gen_script.c — scripts a session's packets: handshake, data with its ACKs and faults, ending. */
#include "gen_script.h"

#include <stdlib.h>
#include <string.h>

/* Client hosts and the ephemeral ports each of them uses: a session id maps to one
 * (host, port) pair, so no two sessions of a capture share a 4-tuple before
 * CLIENT_HOSTS * EPHEMERAL_PORTS sessions (about seven million). */
#define CLIENT_HOSTS 250u
#define EPHEMERAL_FIRST 32768u
#define EPHEMERAL_PORTS 28232u
#define SERVERS 8u

#define TCP_SERVER_PORT 15000u
#define UDP_SERVER_PORT 17000u
#define UDP_CLOSED_PORT 17999u

/* Sequence state while scripting a TCP connection: nxt[d] is the next sequence
 * number host d sends, which the other host acknowledges once it has it all. */
struct tcp_state {
	uint32_t nxt[2];
};

static int push(struct gen_session *s, const struct gen_step *st)
{
	if (s->nsteps == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct gen_step *n = realloc(s->steps, cap * sizeof *n);
		if (!n)
			return -1;
		s->steps = n;
		s->cap = cap;
	}
	s->steps[s->nsteps++] = *st;
	return 0;
}

static int push_tcp(struct gen_session *s, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                    uint32_t len, enum gen_note note)
{
	struct gen_step st = {
		.seq = seq, .ack = ack, .len = (uint16_t)len, .dir = (uint8_t)dir,
		.kind = GEN_TCP, .flags = flags, .csum = GEN_CSUM_OK, .note = (uint8_t)note,
	};
	return push(s, &st);
}

/* The receiver's pure ACK of everything the sender has sent so far. */
static int ack_all(struct gen_session *s, struct tcp_state *t, int sender)
{
	int rcv = !sender;
	return push_tcp(s, rcv, GEN_TCP_ACK, t->nxt[rcv], t->nxt[sender], 0, GEN_NOTE_NONE);
}

/* Two segments where the first is delayed in the network: the receiver sees the second,
 * repeats its last ACK, then gets the first (out of order) and ACKs both. */
static int reorder_pair(struct gen_session *s, struct tcp_state *t, int dir, uint32_t l1,
                        uint32_t l2, uint8_t psh2)
{
	int rcv = !dir;
	uint32_t a = t->nxt[dir], b = a + l1;
	if (push_tcp(s, dir, GEN_TCP_ACK | psh2, b, t->nxt[rcv], l2, GEN_NOTE_NONE) < 0 ||
	    push_tcp(s, rcv, GEN_TCP_ACK, t->nxt[rcv], a, 0, GEN_NOTE_DUPACK) < 0 ||
	    push_tcp(s, dir, GEN_TCP_ACK, a, t->nxt[rcv], l1, GEN_NOTE_OOO) < 0)
		return -1;
	t->nxt[dir] = b + l2;
	return ack_all(s, t, dir);
}

/* Two segments where the first is lost after the capture point: the receiver's
 * duplicate ACK triggers a fast retransmission of it. */
static int lose_first(struct gen_session *s, struct tcp_state *t, int dir, uint32_t l1,
                      uint32_t l2, uint8_t psh2)
{
	int rcv = !dir;
	uint32_t a = t->nxt[dir], b = a + l1;
	if (push_tcp(s, dir, GEN_TCP_ACK, a, t->nxt[rcv], l1, GEN_NOTE_NONE) < 0 ||
	    push_tcp(s, dir, GEN_TCP_ACK | psh2, b, t->nxt[rcv], l2, GEN_NOTE_NONE) < 0 ||
	    push_tcp(s, rcv, GEN_TCP_ACK, t->nxt[rcv], a, 0, GEN_NOTE_DUPACK) < 0 ||
	    push_tcp(s, dir, GEN_TCP_ACK, a, t->nxt[rcv], l1, GEN_NOTE_RETRANS) < 0)
		return -1;
	t->nxt[dir] = b + l2;
	return ack_all(s, t, dir);
}

/* One application message of n bytes from dir, cut into segments, with a delayed ACK
 * every second segment and at the end; about 1 % of segment pairs are reordered and
 * 1 % lose their first segment. */
static int send_message(struct gen_session *s, struct tcp_state *t, struct gen_rng *rng, int dir,
                        uint32_t n)
{
	uint32_t mss = s->seg_payload, sent = 0, pending = 0;
	while (sent < n) {
		uint32_t l1 = n - sent < mss ? n - sent : mss;
		uint32_t rest = n - sent - l1;
		uint32_t l2 = rest < mss ? rest : mss;
		int fault = l2 ? (int)gen_range(rng, 0, 99) : 99;
		if (fault < 2) {
			/* A duplicate ACK only repeats an ACK already sent: bring the receiver's
			 * ACK up to date first. */
			if (pending && ack_all(s, t, dir) < 0)
				return -1;
			pending = 0;
			uint8_t psh = sent + l1 + l2 == n ? GEN_TCP_PSH : 0;
			int rc = fault == 0 ? reorder_pair(s, t, dir, l1, l2, psh)
			                    : lose_first(s, t, dir, l1, l2, psh);
			if (rc < 0)
				return -1;
			sent += l1 + l2;
			continue;
		}
		uint8_t psh = sent + l1 == n ? GEN_TCP_PSH : 0;
		if (push_tcp(s, dir, GEN_TCP_ACK | psh, t->nxt[dir], t->nxt[!dir], l1, GEN_NOTE_NONE) < 0)
			return -1;
		t->nxt[dir] += l1;
		sent += l1;
		if (++pending == 2 || sent == n) {
			if (ack_all(s, t, dir) < 0)
				return -1;
			pending = 0;
		}
	}
	return 0;
}

/* FIN from closer, then the other side's ACK and FIN (sometimes in one segment, as
 * when the application closes at once), then the closer's last ACK. */
static int fin_teardown(struct gen_session *s, struct tcp_state *t, struct gen_rng *rng, int closer)
{
	int other = !closer;
	const uint8_t fa = GEN_TCP_FIN | GEN_TCP_ACK;
	if (push_tcp(s, closer, fa, t->nxt[closer], t->nxt[other], 0, GEN_NOTE_NONE) < 0)
		return -1;
	t->nxt[closer]++;
	if (!gen_chance(rng, 300) &&
	    push_tcp(s, other, GEN_TCP_ACK, t->nxt[other], t->nxt[closer], 0, GEN_NOTE_NONE) < 0)
		return -1;
	if (push_tcp(s, other, fa, t->nxt[other], t->nxt[closer], 0, GEN_NOTE_NONE) < 0)
		return -1;
	t->nxt[other]++;
	return push_tcp(s, closer, GEN_TCP_ACK, t->nxt[closer], t->nxt[other], 0, GEN_NOTE_NONE);
}

/* Response sizes: mostly one or two segments, some a dozen, a few bulk transfers
 * (frames average about 450 bytes, so 5 M packets stay near 2 GB on disk). */
static uint32_t response_size(struct gen_rng *rng)
{
	uint32_t r = gen_range(rng, 0, 99);
	if (r < 80)
		return gen_range(rng, 100, 2000);
	if (r < 97)
		return gen_range(rng, 2001, 20000);
	return gen_range(rng, 20001, 100000);
}

static int script_tcp(struct gen_session *s, struct gen_rng *rng)
{
	struct tcp_state t = {{s->isn[0], s->isn[1]}};
	const uint8_t sa = GEN_TCP_SYN | GEN_TCP_ACK;
	if (push_tcp(s, GEN_DIR_CLIENT, GEN_TCP_SYN, t.nxt[0], 0, 0, GEN_NOTE_NONE) < 0)
		return -1;
	t.nxt[0]++;
	if (s->ending == GEN_END_REFUSED)
		return push_tcp(s, GEN_DIR_SERVER, GEN_TCP_RST | GEN_TCP_ACK, 0, t.nxt[0], 0, GEN_NOTE_NONE);
	if (push_tcp(s, GEN_DIR_SERVER, sa, t.nxt[1], t.nxt[0], 0, GEN_NOTE_NONE) < 0)
		return -1;
	t.nxt[1]++;
	if (push_tcp(s, GEN_DIR_CLIENT, GEN_TCP_ACK, t.nxt[0], t.nxt[1], 0, GEN_NOTE_NONE) < 0)
		return -1;
	uint32_t exchanges = gen_range(rng, 1, 6);
	for (uint32_t i = 0; i < exchanges; i++) {
		if (send_message(s, &t, rng, GEN_DIR_CLIENT, gen_range(rng, 40, 800)) < 0 ||
		    send_message(s, &t, rng, GEN_DIR_SERVER, response_size(rng)) < 0)
			return -1;
	}
	switch (s->ending) {
	case GEN_END_FIN_CLIENT:
		return fin_teardown(s, &t, rng, GEN_DIR_CLIENT);
	case GEN_END_FIN_SERVER:
		return fin_teardown(s, &t, rng, GEN_DIR_SERVER);
	default: {
		int side = (int)gen_range(rng, 0, 1);
		return push_tcp(s, side, GEN_TCP_RST | GEN_TCP_ACK, t.nxt[side], t.nxt[!side], 0,
		                GEN_NOTE_NONE);
	}
	}
}

static int push_udp(struct gen_session *s, struct gen_rng *rng, int dir, uint32_t len,
                    enum gen_csum_mode csum)
{
	struct gen_step st = {
		.seq = (uint32_t)gen_next(rng), .len = (uint16_t)len, .dir = (uint8_t)dir,
		.kind = GEN_UDP, .csum = (uint8_t)csum,
	};
	return push(s, &st);
}

/* Request/response datagrams. One IPv4 flow in ten has a client that sends with the
 * checksum disabled; one datagram in fifty carries a corrupt checksum. */
static int script_udp(struct gen_session *s, struct gen_rng *rng)
{
	bool client_zero = s->family == 4 && gen_chance(rng, 100);
	uint32_t exchanges = gen_range(rng, 1, 10);
	for (uint32_t i = 0; i < exchanges; i++) {
		enum gen_csum_mode req = client_zero ? GEN_CSUM_ZERO : GEN_CSUM_OK;
		if (req == GEN_CSUM_OK && gen_chance(rng, 20))
			req = GEN_CSUM_BAD;
		enum gen_csum_mode resp = gen_chance(rng, 20) ? GEN_CSUM_BAD : GEN_CSUM_OK;
		if (push_udp(s, rng, GEN_DIR_CLIENT, gen_range(rng, 20, 300), req) < 0 ||
		    push_udp(s, rng, GEN_DIR_SERVER, gen_range(rng, 20, 1200), resp) < 0)
			return -1;
	}
	return 0;
}

/* A client that retries a request to a port where nothing listens; each try is
 * answered by an ICMP port unreachable quoting it. */
static int script_udp_closed(struct gen_session *s, struct gen_rng *rng)
{
	uint32_t tries = gen_range(rng, 1, 3);
	for (uint32_t i = 0; i < tries; i++) {
		struct gen_step icmp = {.dir = GEN_DIR_SERVER, .kind = GEN_ICMP_UNREACH};
		if (push_udp(s, rng, GEN_DIR_CLIENT, gen_range(rng, 20, 200), GEN_CSUM_OK) < 0 ||
		    push(s, &icmp) < 0)
			return -1;
	}
	return 0;
}

static enum gen_ending pick_ending(struct gen_rng *rng)
{
	static const uint8_t percent[GEN_END__COUNT] = {40, 25, 10, 5, 15, 5};
	uint32_t r = gen_range(rng, 0, 99);
	int e = 0;
	while (r >= percent[e]) {
		r -= percent[e];
		e++;
	}
	return (enum gen_ending)e;
}

static void set_addr(uint8_t *a, uint8_t family, uint8_t net, uint32_t host)
{
	memset(a, 0, 16);
	if (family == 4) {
		/* 10.1.0.x clients, 192.0.2.x TCP servers, 198.51.100.x UDP servers */
		static const uint8_t nets[3][3] = {{10, 1, 0}, {192, 0, 2}, {198, 51, 100}};
		memcpy(a, nets[net], 3);
		a[3] = (uint8_t)host;
	} else {
		/* 2001:db8:N::x */
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
		a[5] = (uint8_t)(net + 1);
		a[15] = (uint8_t)host;
	}
}

static void pick_endpoints(struct gen_session *s, struct gen_rng *rng)
{
	bool udp = s->ending == GEN_END_UDP || s->ending == GEN_END_UDP_CLOSED;
	uint32_t server = gen_range(rng, 0, SERVERS - 1);
	set_addr(s->ep[GEN_DIR_CLIENT].addr, s->family, 0, 1 + (uint32_t)(s->id % CLIENT_HOSTS));
	s->ep[GEN_DIR_CLIENT].port =
		(uint16_t)(EPHEMERAL_FIRST + (s->id / CLIENT_HOSTS) % EPHEMERAL_PORTS);
	set_addr(s->ep[GEN_DIR_SERVER].addr, s->family, udp ? 2 : 1, 10 + server);
	if (s->ending == GEN_END_UDP_CLOSED)
		s->ep[GEN_DIR_SERVER].port = UDP_CLOSED_PORT;
	else
		s->ep[GEN_DIR_SERVER].port = (uint16_t)((udp ? UDP_SERVER_PORT : TCP_SERVER_PORT) + server);
}

void gen_session_free(struct gen_session *s)
{
	free(s->steps);
	s->steps = NULL;
	s->nsteps = s->cap = s->next = 0;
}

int gen_session_start(struct gen_session *s, uint64_t id, struct gen_rng *rng)
{
	s->id = id;
	s->nsteps = s->next = 0;
	s->quote_len = 0;
	s->family = gen_chance(rng, 150) ? 6 : 4;
	s->ending = pick_ending(rng);
	pick_endpoints(s, rng);
	/* MSS 1460 (IPv4) or 1440 (IPv6) less the 12 bytes of the timestamp option */
	s->seg_payload = s->family == 4 ? 1448 : 1428;
	s->flow_label = gen_range(rng, 1, 0xfffff);
	for (int d = 0; d < 2; d++) {
		s->isn[d] = (uint32_t)gen_next(rng);
		s->ip_id[d] = (uint16_t)gen_next(rng);
		s->ts_offset[d] = (uint32_t)gen_next(rng);
		s->last_tsval[d] = 0;
	}
	switch (s->ending) {
	case GEN_END_UDP:
		return script_udp(s, rng);
	case GEN_END_UDP_CLOSED:
		return script_udp_closed(s, rng);
	default:
		return script_tcp(s, rng);
	}
}
