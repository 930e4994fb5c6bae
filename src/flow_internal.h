/* flow_internal.h — what the parts of the flow tracker share: keys, table nodes, TCP and UDP tracking state.
 *
 * flow_table.c owns the hash table, the LRU lists and expiry; tcp_conn.c analyses each
 * TCP segment; tcp_stream.c reassembles one direction; tcp_summary.c turns a finished
 * connection into its Zeek-style summary; udp_flow.c keeps datagrams; icmp_link.c finds
 * what an ICMP error quotes. Nothing outside src/flow*.c, tcp_*.c, udp_flow.c and
 * icmp_link.c includes this header.
 */
#ifndef WC_FLOW_INTERNAL_H
#define WC_FLOW_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* Sequence-space comparisons modulo 2^32 (RFC 1982 style). */
#define WC_SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define WC_SEQ_LE(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define WC_SEQ_GT(a, b) WC_SEQ_LT(b, a)
#define WC_SEQ_GE(a, b) WC_SEQ_LE(b, a)

/* A segment filling a hole is "out of order" when it arrives within the connection's
 * first round trip (SYN to the handshake's last ACK) of the segment that carried later
 * data, and a retransmission when later: the sender could not have resent it sooner.
 * Wireshark's rule; without a handshake to measure, 3 ms (Wireshark's default). */
#define WC_OOO_THRESHOLD_NS 3000000

/* A 5-tuple whose endpoints are stored in a fixed order (lower address, then lower
 * port, first) so both directions find the same entry. An IPv4 key uses the first 4
 * bytes of each address; hashing and comparing look at nothing else. */
struct wc_flow_key {
	uint8_t family, proto;
	uint16_t port[2];
	uint8_t addr[2][16];
};

/* Fill *k; returns true when (src, sport) became endpoint 1 of the key. */
bool wc_flow_key_make(struct wc_flow_key *k, uint8_t proto, const struct wc_addr *src, uint16_t sport,
                      const struct wc_addr *dst, uint16_t dport);
uint64_t wc_flow_key_hash(const struct wc_flow_key *k);

struct wc_lru;

/* The table's view of a flow: first member of every tracked flow. */
struct wc_flow_node {
	struct wc_flow_node *prev, *next; /* LRU list, least recently active first */
	struct wc_lru *lru;
	struct wc_flow_key key;
	uint64_t hash;
	int64_t last_ts;
	enum wc_flow_kind kind;
};

/* ---- one direction of a TCP stream (tcp_stream.c) -------------------------- */

/* Out-of-order ranges kept per direction before the earliest hole is given up as a gap. */
#define WC_STREAM_MAX_RANGES 32

struct wc_stream_range {
	uint64_t start, end; /* stream offsets */
	uint64_t frame;      /* frame that first carried data at start */
};

struct wc_stream {
	bool started;
	bool frozen;         /* closed: holes declared, only the summary is kept */
	uint32_t origin;     /* sequence number of stream offset 0 (relative seq 1) */
	uint64_t contig;     /* [0, contig) seen or given up as a gap */
	uint64_t high;       /* end of the furthest data seen */
	struct wc_stream_range *ranges; /* data beyond contig, sorted, disjoint; NULL until needed */
	uint8_t nranges;
	uint8_t *buf;        /* first payload_cap bytes of the stream, holes zero */
	size_t buf_size;
};

/* Account data [seq, seq+len) of which the first caplen bytes are at data; returns how
 * many of its bytes were never seen before. Gaps given up on go to side. */
uint32_t wc_stream_add(struct wc_stream *st, struct wc_tcp_side *side, size_t cap, uint32_t origin,
                       uint32_t seq, uint32_t len, const uint8_t *data, uint32_t caplen, uint64_t frame);
/* Declare every remaining hole a gap and free the range list. */
void wc_stream_close(struct wc_stream *st, struct wc_tcp_side *side);
void wc_stream_free(struct wc_stream *st);

/* ---- TCP connection (tcp_conn.c, tcp_summary.c) ---------------------------- */

/* What the analysis remembers about the segments one side sent. */
struct wc_tcp_dir {
	bool base_set, next_set, ack_set, max_ack_set, win_set, data_set;
	uint32_t base;       /* relative sequence numbers count from here */
	uint32_t next_seq;   /* highest seq + length (SYN and FIN count one) */
	uint32_t data_end;   /* highest seq + payload length */
	uint32_t last_ack;   /* ack field of its last segment */
	uint32_t max_ack;    /* highest ack it sent outside a RST */
	uint32_t last_win;   /* its last window, scaled */
	int64_t last_adv_ts; /* when next_seq last moved forward */
	bool last_keepalive;
	bool fin_sent;
	uint32_t fin_seq;
	uint64_t last_frame; /* its last segment, for ICMP errors when segments are not kept */
	uint32_t last_seq;
	uint16_t hist;       /* history letters already written */
	struct wc_stream stream;
};

struct wc_tcp_track {
	struct wc_flow_node node;
	struct wc_tcp_conn c;
	struct wc_tcp_dir d[2];  /* [0] client, [1] server */
	bool closing;            /* FIN or RST seen */
	bool closed;             /* RST, or both FINs acknowledged */
	bool synack_valid;       /* a SYN-ACK acknowledged the client's ISN + 1 */
	bool established_seen;   /* the client acknowledged after a SYN-ACK (Zeek's ESTABLISHED) */
	int64_t syn_ts, synack_ts;
	size_t seg_alloc;
};

/* Start a connection on its first packet: roles and initial states. */
void wc_tcp_init(struct wc_tcp_track *t, uint32_t id, const struct wc_packet *pkt);
/* Should this SYN (no ACK) start a new connection on t's tuple? */
bool wc_tcp_wants_split(const struct wc_tcp_track *t, const struct wc_packet *pkt);
/* Analyse one segment. reuse: it started t on a tuple that had a connection before. */
void wc_tcp_segment(struct wc_tcp_track *t, const struct wc_packet *pkt, const struct wc_flow_opts *o,
                    struct wc_flow_totals *tot, bool reuse, struct wc_pkt_note *note);
/* Side index (0 client, 1 server) of an endpoint. */
int wc_tcp_side_of(const struct wc_tcp_track *t, const struct wc_addr *a, uint16_t port);

/* Add a Zeek history letter for side s (once per side and letter). */
void wc_tcp_history(struct wc_tcp_track *t, int s, char letter);
/* Free what a closed connection no longer needs (declares remaining holes gaps). */
void wc_tcp_release(struct wc_tcp_track *t);
/* Fill the summary fields (conn_state, time_wait_side, payload) before hand-over. */
void wc_tcp_summarize(struct wc_tcp_track *t, size_t payload_cap);
void wc_tcp_free(struct wc_tcp_track *t);

/* ---- UDP flow (udp_flow.c) ------------------------------------------------- */

struct wc_udp_track {
	struct wc_flow_node node;
	struct wc_udp_flow f;
	size_t alloc;
	int8_t refused_dir;         /* direction an ICMP port unreachable answered; -1 none */
	bool last_set[2];
	struct wc_datagram last[2]; /* most recent datagram each way, kept past the list cap */
};

void wc_udp_init(struct wc_udp_track *u, uint32_t id, const struct wc_packet *pkt);
/* Record one datagram; returns its 0-based index in the flow. */
uint64_t wc_udp_datagram(struct wc_udp_track *u, const struct wc_packet *pkt, size_t max_datagrams);
void wc_udp_free(struct wc_udp_track *u);

/* ---- ICMP errors (icmp_link.c) --------------------------------------------- */

/* Fill ev's flow fields from the flow its quote belongs to and count the error there. */
void wc_icmp_link_tcp(struct wc_tcp_track *t, struct wc_icmp_event *ev);
void wc_icmp_link_udp(struct wc_udp_track *u, struct wc_icmp_event *ev);

#endif
