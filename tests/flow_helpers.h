/* flow_helpers.h — hand-built decoded packets fed to a flow table, and the flows it hands back. */
#ifndef WC_TEST_FLOW_HELPERS_H
#define WC_TEST_FLOW_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define FX_MAX_KEEP 16

/* A flow table under test with copies of what its callbacks handed over (the first
 * FX_MAX_KEEP of each kind, payload and segment lists included). */
struct fx {
	struct wc_flows *ft;
	struct wc_flow_opts opts;
	uint64_t frame;           /* number of the last frame fed */
	int64_t ts;               /* capture time of the next frame */
	int64_t step_ns;          /* added to ts after each frame */
	struct wc_pkt_note note;  /* note of the last frame */
	size_t tcp_done, udp_done, icmp_seen;
	struct wc_tcp_conn tcp[FX_MAX_KEEP];
	struct wc_udp_flow udp[FX_MAX_KEEP];
	struct wc_icmp_event icmp[FX_MAX_KEEP];
};

/* Default options (segments kept, payload_cap 64) unless the caller changes fx.opts
 * between fx_init and fx_start. */
void fx_init(struct fx *x);
void fx_start(struct fx *x);
void fx_finish(struct fx *x); /* wc_flows_finish */
void fx_free(struct fx *x);   /* frees the table and the copies */
/* The TCP connection with this id among those handed over, or NULL. */
const struct wc_tcp_conn *fx_tcp(const struct fx *x, uint32_t id);

/* One TCP connection's two endpoints: [0] is the side that sends first in the test. */
struct tc {
	struct fx *x;
	struct wc_addr addr[2];
	uint16_t port[2];
	/* options of the next segment sent (reset after it) */
	uint16_t win;             /* default 65535 */
	uint16_t mss;             /* 0: no MSS option */
	int wscale;               /* -1: none */
	enum wc_csum csum;        /* default ok */
};

void tc_init(struct tc *c, struct fx *x, const char *a0, uint16_t p0, const char *a1, uint16_t p1);
/* Feed a segment from endpoint `from`; returns the note the table filled. */
const struct wc_pkt_note *tc_send(struct tc *c, int from, uint8_t flags, uint32_t seq, uint32_t ack,
                                  const char *payload, uint32_t len);

void fx_addr(struct wc_addr *a, const char *text);
const struct wc_pkt_note *fx_udp(struct fx *x, const char *src, uint16_t sport, const char *dst,
                                 uint16_t dport, const char *payload, uint32_t len, uint16_t csum_value);
/* ICMP destination unreachable (code) from `from` to `to` quoting a TCP segment src→dst. */
const struct wc_pkt_note *fx_icmp_tcp(struct fx *x, const char *from, const char *to, uint8_t code, const char *src,
                                      uint16_t sport, const char *dst, uint16_t dport, uint32_t seq);
/* ICMP port unreachable from `from` to `to` quoting a UDP datagram src→dst. */
const struct wc_pkt_note *fx_icmp_unreach(struct fx *x, const char *from, const char *to, const char *src,
                                          uint16_t sport, const char *dst, uint16_t dport, uint16_t udp_len,
                                          uint16_t udp_csum);

#endif
