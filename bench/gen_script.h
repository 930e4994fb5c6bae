/* gen_script.h — one synthetic conversation (TCP connection, UDP flow) as a script of packets.
 *
 * A session is scripted in full when it starts: every packet in the order a capture
 * point between the two hosts sees it, with sequence and acknowledgement numbers
 * already consistent. The scheduler in gencap.c then interleaves the scripts of
 * hundreds of sessions, and gen_frame.c turns each step into bytes at the moment it is
 * written (timestamps and TCP timestamp options depend on that moment).
 */
#ifndef WC_GEN_SCRIPT_H
#define WC_GEN_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "gen_rng.h"

enum gen_kind { GEN_TCP = 0, GEN_UDP, GEN_ICMP_UNREACH };
enum gen_csum_mode { GEN_CSUM_OK = 0, GEN_CSUM_ZERO, GEN_CSUM_BAD };

/* What the summary counts a step as, beyond its flags. */
enum gen_note { GEN_NOTE_NONE = 0, GEN_NOTE_RETRANS, GEN_NOTE_OOO, GEN_NOTE_DUPACK };

/* The ways a session ends (or never starts). */
enum gen_ending {
	GEN_END_FIN_CLIENT = 0, /* client closes first */
	GEN_END_FIN_SERVER,     /* server closes first */
	GEN_END_RST,            /* one side aborts with RST-ACK */
	GEN_END_REFUSED,        /* SYN answered by RST-ACK */
	GEN_END_UDP,            /* UDP request/response flow */
	GEN_END_UDP_CLOSED,     /* UDP to a closed port: ICMP port unreachable */
	GEN_END__COUNT
};

#define GEN_TCP_FIN 0x01
#define GEN_TCP_SYN 0x02
#define GEN_TCP_RST 0x04
#define GEN_TCP_PSH 0x08
#define GEN_TCP_ACK 0x10

#define GEN_DIR_CLIENT 0 /* client → server */
#define GEN_DIR_SERVER 1 /* server → client */

/* Largest IP datagram an ICMP error quotes: IPv4 keeps the error within 576 bytes
 * (RFC 1812), IPv6 within the 1280-byte minimum MTU (RFC 4443). */
#define GEN_QUOTE_MAX 1232

struct gen_step {
	uint32_t seq;     /* TCP sequence number; UDP: payload offset in the pattern */
	uint32_t ack;     /* TCP acknowledgement number */
	uint16_t len;     /* payload bytes */
	uint8_t dir;      /* GEN_DIR_* */
	uint8_t kind;     /* enum gen_kind */
	uint8_t flags;    /* GEN_TCP_* */
	uint8_t csum;     /* enum gen_csum_mode of the transport checksum */
	uint8_t note;     /* enum gen_note */
};

struct gen_endpoint {
	uint8_t addr[16]; /* IPv4 uses the first 4 */
	uint16_t port;
};

struct gen_session {
	uint64_t id;
	uint8_t family;                /* 4 or 6 */
	enum gen_ending ending;
	struct gen_endpoint ep[2];     /* indexed by GEN_DIR_*: the sender of that direction */
	uint32_t isn[2];               /* initial sequence number of each direction */
	uint32_t flow_label;           /* IPv6 */
	uint16_t seg_payload;          /* MSS less the timestamp option */
	uint16_t ip_id[2];             /* next IPv4 identification of each host */
	uint32_t ts_offset[2];         /* TCP timestamp clock of each host, in ms */
	uint32_t last_tsval[2];        /* last TSval each host sent, echoed by the other */
	struct gen_step *steps;
	size_t nsteps, cap, next;
	uint8_t quote[GEN_QUOTE_MAX];  /* last UDP datagram sent to a closed port */
	uint16_t quote_len;
};

/* Script a new session numbered id (ids must be distinct: they choose the client
 * address and port). The step array of a previous session is reused. Returns 0, or -1
 * when memory runs out. */
int gen_session_start(struct gen_session *s, uint64_t id, struct gen_rng *rng);

void gen_session_free(struct gen_session *s);

#endif
