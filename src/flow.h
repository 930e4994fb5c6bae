/* flow.h — connections and flows rebuilt from decoded packets.
 *
 * TCP connections are keyed by 4-tuple and split on a new SYN that reuses a closed (or
 * closing) tuple, as Wireshark's tcp.stream does. The client is the side that sent the
 * first SYN; with no SYN seen, the sender of the first packet (roles_from_syn = false).
 * (When the first packet is a SYN-ACK, its receiver is the client and roles_from_syn is
 * true.)
 * Sequence numbers are compared modulo 2^32 and shown relative to the ISN.
 * Each direction is reassembled into a byte stream (holes recorded as gaps), every
 * segment is classified (retransmission, out-of-order, keep-alive, zero window, duplicate
 * ACK, segmentation offload), and the TCP state each endpoint passes through is
 * reconstructed from what was seen, so a report can say who closed first and who ends in
 * TIME_WAIT. UDP flows keep their datagrams in order; ICMP errors are linked to the flow
 * of the packet they quote.
 *
 * Memory stays bounded on long captures: a connection that is closed (both FINs acked,
 * or RST) is finished once `linger_ns` of capture time has passed without a packet on it,
 * and any flow idle for `idle_timeout_ns` is finished too. UDP has no close, so a UDP
 * flow is over when it goes quiet: by default after 60 s (Linux conntrack's UDP
 * timeout; 300 s kept every flow of a busy capture for five minutes), and after
 * `linger_ns` once an ICMP port unreachable answered it (until the refused side sends a
 * datagram after all). A datagram on the tuple after that starts a new flow. A finished flow is handed to
 * the on_*_done callback and then freed: the callback must copy what it keeps. Payload
 * bytes are kept only up to payload_cap per direction; datagram and segment lists only up
 * to their caps. At wc_flows_finish() every flow still open is handed over, in id order.
 *
 * Ids are 0-based in order of each flow's first packet, separately for TCP and UDP
 * (TCP ids match Wireshark's tcp.stream on captures Wireshark splits the same way).
 *
 * Segment classes follow Wireshark's tcp.analysis rules (checked frame by frame against
 * tshark on tests/fixtures/real): a spurious retransmission (data the peer had already
 * acknowledged) carries WC_TN_RETRANSMISSION too and counts in `retransmissions`, as
 * tshark counts it; out of order means bytes never seen before arriving below the
 * highest sequence sent within 3 ms of the segment that went beyond them (later, they
 * are a retransmission). States: the client enters ESTABLISHED at the SYN-ACK that
 * acknowledges its SYN, the server at the client's ACK of its SYN-ACK.
 */
#ifndef WC_FLOW_H
#define WC_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "packet.h"

/* ---- TCP ------------------------------------------------------------------ */

enum wc_tcp_state {
	WC_TS_CLOSED = 0, WC_TS_LISTEN, WC_TS_SYN_SENT, WC_TS_SYN_RCVD, WC_TS_ESTABLISHED,
	WC_TS_FIN_WAIT_1, WC_TS_FIN_WAIT_2, WC_TS_CLOSE_WAIT, WC_TS_CLOSING, WC_TS_LAST_ACK,
	WC_TS_TIME_WAIT, WC_TS__COUNT
};
const char *wc_tcp_state_name(enum wc_tcp_state s); /* "SYN_SENT", … */

/* A state an endpoint entered and the frame that made it so. */
struct wc_state_step {
	enum wc_tcp_state state;
	uint64_t frame;
};
#define WC_MAX_STEPS 12

/* A hole in a reassembled stream: bytes [rel_seq, rel_seq+len) never seen, noticed
 * when frame `frame` carried data beyond them. */
struct wc_gap {
	uint32_t rel_seq, len;
	uint64_t frame;
};
#define WC_MAX_GAPS 16

/* Per-segment classification bits (wc_pkt_note.tcp_flags and wc_segment.flags). */
#define WC_TN_RETRANSMISSION   0x0001 /* data (or SYN/FIN) already seen */
#define WC_TN_OUT_OF_ORDER     0x0002 /* fills a hole soon after data beyond it */
#define WC_TN_KEEPALIVE        0x0004 /* seq = next-1, 0 or 1 byte */
#define WC_TN_KEEPALIVE_ACK    0x0008
#define WC_TN_ZERO_WINDOW      0x0010 /* advertises window 0 */
#define WC_TN_ZERO_WINDOW_PROBE 0x0020
#define WC_TN_DUP_ACK          0x0040 /* same ack, same window, no data, not SYN/FIN/RST */
#define WC_TN_WINDOW_UPDATE    0x0080
#define WC_TN_OFFLOAD          0x0100 /* larger than the peer's MSS: segmentation offload */
#define WC_TN_PREV_LOST        0x0200 /* data starts beyond the next expected byte */
#define WC_TN_PORT_REUSE       0x0400 /* SYN that started a new connection on an old tuple */
#define WC_TN_ACKED_UNSEEN     0x0800 /* acknowledges data the capture never showed */
#define WC_TN_SPURIOUS_RETX    0x1000 /* retransmission of data already acknowledged */

/* One segment, kept only when wc_flow_opts.keep_segments (checks need them; explain
 * on a long capture does not). */
struct wc_segment {
	uint64_t frame;
	int64_t ts_ns;
	uint8_t dir;          /* 0 client→server, 1 server→client */
	uint8_t flags;        /* TCP header flags */
	uint16_t note;        /* WC_TN_* */
	uint32_t rel_seq, rel_ack;
	uint32_t len;         /* payload length */
	uint32_t window;      /* scaled when both sides agreed on window scaling */
};

/* One side of a connection. */
struct wc_tcp_side {
	struct wc_addr addr;
	uint16_t port;
	/* from its SYN / SYN-ACK */
	bool syn_seen;
	uint32_t isn;
	bool has_mss;    uint16_t mss;
	int8_t wscale;   /* -1 when not offered */
	bool sack_perm, timestamps;
	/* what it sent */
	uint64_t segments, payload_bytes; /* payload_bytes counts retransmitted bytes again */
	uint64_t stream_bytes;            /* distinct bytes of its stream seen (no repeats) */
	uint32_t retransmissions, out_of_order, keepalives, zero_windows, dup_acks,
	         window_updates, offload_segments, lost_segments, spurious_retransmissions;
	uint32_t checksum_bad, checksum_partial;
	uint64_t fin_frame;               /* first FIN it sent; 0 none */
	uint64_t fin_acked_frame;         /* frame in which the peer acked that FIN; 0 none */
	uint64_t rst_frame;               /* first RST it sent; 0 none */
	/* states it passed through, in order (the first is its state before the first
	 * packet: CLOSED for the client, LISTEN for the server) */
	uint8_t step_count;
	struct wc_state_step steps[WC_MAX_STEPS];
	/* its stream as the capture shows it */
	uint8_t gap_count;                /* first WC_MAX_GAPS gaps */
	struct wc_gap gaps[WC_MAX_GAPS];
	uint32_t gaps_total;              /* holes still unfilled when the connection
	                                     closed (or given up after 32 out-of-order
	                                     pieces waited beyond the first hole) */
	uint8_t *payload;                 /* first payload_cap bytes of the reassembled
	                                     stream (NULL when payload_cap is 0); holes
	                                     are zero bytes, so offsets stay the stream's */
	size_t payload_kept;
	bool payload_capped;              /* the stream was longer than what is kept */
};

/* How a RST came about, as far as the capture tells. */
enum wc_rst_context {
	WC_RST_NONE = 0,
	WC_RST_REFUSED,          /* answered a SYN: nothing listening */
	WC_RST_IN_HANDSHAKE,     /* after SYN-ACK, before the handshake completed */
	WC_RST_IN_DATA,          /* during an established connection, after the sender's own
	                            data: an abort (SO_LINGER 0), or a close with bytes left
	                            unread after an exchange (the wire cannot tell these apart) */
	WC_RST_UNREAD_DATA,      /* the sender received data and never sent any: close() with
	                            the request unread (even if its kernel had acked it) */
	WC_RST_AFTER_FIN,        /* after a FIN: the sender had closed and answers what still
	                            arrives (a killed server), or aborts after the peer's FIN */
	WC_RST_NO_CONNECTION     /* no SYN seen: the tuple was unknown to the capture */
};
const char *wc_rst_context_name(enum wc_rst_context c); /* "refused", "in_data", … */

struct wc_tcp_conn {
	uint32_t id;
	struct wc_tcp_side side[2];      /* [0] client, [1] server */
	bool roles_from_syn;
	uint64_t first_frame, last_frame, frames;
	int64_t first_ts_ns, last_ts_ns;

	/* handshake */
	uint64_t syn_frame, synack_frame, hs_ack_frame; /* 0 when not seen */
	bool handshake_complete;   /* SYN x; SYN-ACK ack x+1; ACK seq x+1 ack y+1 */
	uint32_t syn_count, synack_count; /* > 1: retransmitted */
	int64_t rtt_syn_synack_ns; /* -1 unknown */
	int64_t rtt_synack_ack_ns; /* -1 unknown */

	/* teardown */
	int8_t first_closer;       /* side index of the first FIN or RST; -1 none */
	bool half_close;           /* the other side sent data after the first FIN */
	int8_t time_wait_side;     /* side left in TIME_WAIT; -1 none; 2 both (simultaneous close) */
	bool fin_both;
	int8_t rst_side;           /* side that sent the first RST; -1 none */
	uint64_t rst_frame;
	enum wc_rst_context rst_context;

	/* Zeek-style summary: conn_state (S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0,
	 * RSTRH, SH, SHR, OTH) and history (ShADadFfRr…, upper case for the client) */
	char conn_state[8];
	char history[24];

	uint32_t icmp_errors;      /* ICMP errors quoting this connection */
	uint64_t first_icmp_frame;

	/* segments, when keep_segments */
	struct wc_segment *segs;
	size_t seg_count;
	bool segs_capped;
};

/* ---- UDP ------------------------------------------------------------------ */

struct wc_datagram {
	uint64_t frame;
	int64_t ts_ns;
	uint8_t dir;          /* 0 from the flow's first sender, 1 back */
	uint32_t len;         /* payload length (UDP length - 8) */
	uint64_t digest;      /* XXH3 64-bit (seed 0) of the captured payload */
	enum wc_csum csum;
	uint16_t csum_value;
	bool payload_complete; /* the whole payload was captured (digest covers it) */
};

struct wc_udp_flow {
	uint32_t id;
	struct wc_addr addr[2];   /* [0] first sender */
	uint16_t port[2];
	uint64_t first_frame, last_frame;
	int64_t first_ts_ns, last_ts_ns;
	uint64_t datagrams[2], bytes[2];
	uint32_t min_len, max_len;
	uint32_t checksum_bad, checksum_zero, checksum_partial;
	struct wc_datagram *list; /* in frame order, first max_datagrams */
	size_t list_count;
	bool list_capped;
	uint32_t icmp_errors;
	uint64_t first_icmp_frame;
};

/* ---- ICMP errors ---------------------------------------------------------- */

enum wc_flow_kind { WC_FLOW_NONE = 0, WC_FLOW_TCP, WC_FLOW_UDP };

struct wc_icmp_event {
	uint64_t frame;
	int64_t ts_ns;
	uint8_t version, type, code;
	struct wc_addr from, to;           /* who sent the error, to whom */
	struct wc_icmp_quote quote;
	enum wc_flow_kind flow_kind;       /* flow the quoted packet belongs to */
	uint32_t flow_id;
	uint64_t quoted_frame;             /* the frame of the quoted packet, when a UDP
	                                      datagram or TCP segment matched; 0 otherwise */
};

/* ---- per-packet notes (explain --packets, checks) ------------------------- */

struct wc_pkt_note {
	enum wc_flow_kind kind;   /* WC_FLOW_NONE for non-TCP/UDP packets and ICMP */
	uint32_t flow_id;
	uint8_t dir;
	/* TCP */
	uint32_t rel_seq, rel_ack;
	uint16_t tcp_notes;       /* WC_TN_* */
	enum wc_tcp_state state_after[2]; /* each side's state after this segment */
	/* UDP */
	uint64_t datagram_index;  /* 0-based within the flow */
	/* ICMP error: the flow it answers */
	bool icmp_matched;
	enum wc_flow_kind icmp_flow_kind;
	uint32_t icmp_flow_id;
	uint64_t icmp_quoted_frame;
};

/* ---- the table ------------------------------------------------------------ */

struct wc_flow_totals {
	uint64_t tcp_connections, handshakes_complete, fin_both_dirs, with_rst;
	uint64_t udp_flows;
	uint64_t icmp_errors, icmp_errors_matched;
	uint64_t tcp_retransmissions;
	size_t peak_open_flows;
};

struct wc_flow_opts {
	size_t payload_cap;        /* stream bytes kept per TCP direction (0: none) */
	bool keep_segments;        /* keep a wc_segment per TCP segment */
	size_t max_segments;       /* cap per connection when keep_segments (0: 100000) */
	size_t max_datagrams;      /* datagram records kept per UDP flow (0: 10000) */
	int64_t linger_ns;         /* closed connection kept for late packets (0: 10 s) */
	int64_t idle_timeout_ns;   /* idle flow finished (0: 60 s for UDP, 3600 s TCP) */
	void (*on_tcp_done)(const struct wc_tcp_conn *c, void *arg);
	void (*on_udp_done)(const struct wc_udp_flow *f, void *arg);
	void (*on_icmp)(const struct wc_icmp_event *e, void *arg);
	void *arg;
};

struct wc_flows;

struct wc_flows *wc_flows_new(const struct wc_flow_opts *opts, char *errbuf);

/* Account one decoded packet (in frame order). note, when not NULL, receives what the
 * flow tracker learnt about it. Packets without a TCP/UDP/ICMP layer are ignored. */
void wc_flows_add(struct wc_flows *ft, const struct wc_packet *pkt, struct wc_pkt_note *note);

/* End of capture: hand every open flow to its callback, in id order (TCP, then UDP). */
void wc_flows_finish(struct wc_flows *ft);

const struct wc_flow_totals *wc_flows_totals(const struct wc_flows *ft);

void wc_flows_free(struct wc_flows *ft);

#endif
