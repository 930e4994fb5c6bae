/* explain_format.h — internal contract between explain.c and its two formatters.
 *
 * explain.c runs the analysis and calls a formatter's hooks. The document is written in
 * this order: begin(), the packets (with --packets, as they are read), the TCP section
 * (tcp_begin(), the connections, tcp_end()), then end(): the UDP flows, ICMP errors and
 * anomalies, the capture and the summary. Without --packets nothing comes before the
 * connections, so they go to the output as soon as their turn comes; with it they wait
 * in a spool like the other sections, whose items arrive while the file is still read.
 * A spool keeps its first bytes in memory and the rest in a temporary file, so memory
 * stays bounded and a small capture touches no disk. Every hook only renders, into an
 * output buffer (outbuf.h) that the caller hands on: none of them reads a file or keeps
 * state beyond the context's address cache, so the unit test drives them with hand-built
 * structs.
 */
#ifndef WC_EXPLAIN_FORMAT_H
#define WC_EXPLAIN_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze.h"
#include "explain.h"
#include "outbuf.h"

/* Text of the IPv6 addresses met last: a capture repeats a few addresses in thousands of
 * connections, and inet_ntop costs more than the rest of a connection's JSON. */
#define WC_XADDR_CACHE 64
struct wc_xaddr_slot {
	uint8_t bytes[16];
	uint8_t len;          /* 0: empty */
	char text[WC_ADDR_STRLEN];
};
struct wc_xaddr_cache {
	struct wc_xaddr_slot slot[WC_XADDR_CACHE];
};

struct wc_xctx {
	const struct wc_explain_opts *opts;
	bool color;           /* text only */
	int64_t t0_ns;        /* time of the first frame: times are shown relative to it */
	/* NULL: no cache. Hooks that render on different threads need contexts of their own. */
	struct wc_xaddr_cache *addrs;
};

/* What the capture part and the summary are made of: known only once the file is read. */
struct wc_xcapture {
	const char *path;
	const struct wc_analysis *an;
	const char *linktype_names[8]; /* names of an->linktypes[] */
	uint64_t anomalies_listed;     /* items in the anomaly spool */
};

enum wc_xsection { WC_XS_TCP = 0, WC_XS_UDP, WC_XS_ICMP, WC_XS_ANOMALY, WC_XS__COUNT };

/* Rendered items of one section, with their leads and separators (explain_spool.c). */
struct wc_xspool {
	char *mem;            /* the first bytes */
	size_t len, alloc;
	size_t mem_max;       /* mem holds at most this many; the rest goes to spill */
	FILE *spill;          /* temporary file, created when mem is full */
	bool failed;          /* a temporary file could not be created or written */
	uint64_t items;       /* kept by the caller */
};

void wc_xspool_init(struct wc_xspool *sp, size_t mem_max);
void wc_xspool_write(struct wc_xspool *sp, const char *text, size_t len);
/* Copy everything written into out. Returns -1 when a write to the temporary file
 * failed or it cannot be read back. */
int wc_xspool_copy(struct wc_outbuf *out, struct wc_xspool *sp);
void wc_xspool_free(struct wc_xspool *sp);

struct wc_xfmt {
	const char *item_lead[WC_XS__COUNT]; /* written before the first item of a section */
	const char *item_sep[WC_XS__COUNT];  /* written between two items of a section */
	void (*begin)(struct wc_outbuf *out, const struct wc_xctx *x, const char *path);
	/* first: this is the first packet written (JSON needs it for its commas) */
	void (*packet)(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_packet *p,
	               const struct wc_pkt_note *n, bool first);
	/* Ends the packets, if any, and opens the TCP section. */
	void (*tcp_begin)(struct wc_outbuf *out, const struct wc_xctx *x);
	void (*tcp_conn)(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_tcp_conn *c);
	void (*tcp_end)(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t items);
	void (*udp_flow)(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_udp_flow *f);
	void (*icmp)(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_icmp_event *e);
	void (*anomaly)(struct wc_outbuf *out, const struct wc_xctx *x, uint64_t frame, enum wc_anomaly a,
	                const char *detail);
	/* Writes everything after the TCP section (sp[WC_XS_TCP] is not used); returns -1
	 * when a spool cannot be read back. */
	int (*end)(struct wc_outbuf *out, const struct wc_xctx *x, const struct wc_xcapture *cap,
	           struct wc_xspool sp[WC_XS__COUNT]);
};

extern const struct wc_xfmt wc_xfmt_text;
extern const struct wc_xfmt wc_xfmt_json;

/* ---- shared wording (explain_words.c) ------------------------------------ */

/* Names of TCP states and RST contexts as explain prints them. flow.h has the same
 * names, but its functions live in the flows library, which the formatter tests do
 * not link. */
/* One sentence about a RST in its context; port is the server's port. Returns buf
 * (of WC_X_RST_STRLEN bytes) or a constant. */
#define WC_X_RST_STRLEN 64
const char *wc_x_rst_text(enum wc_rst_context c, uint16_t port, char *buf);
const char *wc_x_conn_state_meaning(const char *conn_state);
/* Zeek history letter meaning ('S' → "SYN"), case-insensitive; NULL when unknown. */
const char *wc_x_history_letter(char c);
/* ICMP type and code in words; "" when unknown. */
const char *wc_x_icmp_type(uint8_t version, uint8_t type);
const char *wc_x_icmp_code(uint8_t version, uint8_t type, uint8_t code);

/* WC_TN_* bits in words, in bit order. */
struct wc_x_note_name {
	uint16_t bit;
	const char *name;     /* stable JSON name: "dup_ack", … */
	const char *words;    /* for people: "duplicate ACK", … */
};
extern const struct wc_x_note_name wc_x_note_names[];
extern const size_t wc_x_note_name_count;

/* "SA", "FPA", … in tcpdump's order (S F R P A U E C); buf of at least 9 bytes. */
char *wc_x_tcp_flags(uint8_t flags, char *buf);
/* Seconds with microseconds ("1.250000") of a nanosecond duration: the sign of ns, then
 * its magnitude cut to whole microseconds (-500 ns is "-0.000000"). */
void wc_x_seconds(struct wc_outbuf *out, int64_t ns);
/* An address as wc_addr_str() writes it, at dst (WC_ADDR_STRLEN bytes, no NUL);
 * returns its length. IPv4 is formatted by hand, IPv6 through the cache when x has one. */
size_t wc_x_addr(const struct wc_xctx *x, const struct wc_addr *a, char *dst);

#endif
