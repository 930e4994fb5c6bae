/* check.h — checks: one module per kind, each judging analysed captures against its
 * JSON arguments and returning a verdict with evidence.
 *
 * A check never sees namespaces, programs or files: it reads one or more views (an
 * analysed capture per vantage point, everything kept) and, in a live run, the run record.
 * Its arguments were validated against its own field table (schema.h) before it runs,
 * so it reads them with the wc_schema_* getters and cannot meet a wrong type.
 *
 * Every result cites evidence: the frame numbers it rests on, in the view they belong
 * to, and a Wireshark display filter that selects them. A reason is one plain-language
 * sentence a student understands ("the server answered the SYN in frame 1 with RST,ACK in
 * frame 2: nothing was listening on port 7007 of 10.0.0.2").
 *
 * When the capture cannot support a verdict (the handshake's SYN was never captured, the
 * kernel dropped packets), the verdict is INCONCLUSIVE with the reason, never a guess.
 */
#ifndef WC_CHECK_H
#define WC_CHECK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze.h"
#include "errbuf.h"
#include "flow.h"
#include "schema.h"

/* ---- what checks read ----------------------------------------------------- */

/* One frame, as much as checks need of it without the bytes. */
struct wc_frame_rec {
	uint64_t number;
	int64_t ts_ns;
	uint32_t caplen, len;
	enum wc_net net;
	enum wc_l4 l4;
	struct wc_addr src, dst;
	uint16_t sport, dport;      /* TCP/UDP */
	uint8_t ttl, tos;
	bool df, is_fragment, truncated, malformed;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint32_t l4_payload_len;    /* TCP/UDP payload length declared */
	enum wc_csum ip_csum, l4_csum;
	uint16_t l4_csum_value;
	uint8_t icmp_type, icmp_code;
	struct wc_pkt_note note;    /* what the flow tracker said of it */
	uint64_t digest;            /* XXH3 of the captured frame bytes (duplicate detection) */
};

/* One analysed capture: a vantage point. Arrays are in id / frame order and owned by
 * the view; TCP connections keep their segments and up to WC_VIEW_PAYLOAD_CAP bytes of
 * each direction's stream, UDP flows every datagram record. */
#define WC_VIEW_PAYLOAD_CAP (16u << 20)
struct wc_view {
	char role[16];              /* "" for a lone capture; "client", "server", … */
	char *path;
	struct wc_analysis a;       /* counts, capture facts, container anomaly */
	struct wc_frame_rec *frames;
	size_t frame_count;
	struct wc_tcp_conn *tcp;
	size_t tcp_count;
	struct wc_udp_flow *udp;
	size_t udp_count;
	struct wc_icmp_event *icmp;
	size_t icmp_count;
};

/* Analyse a capture file into a view. Returns 0, or -1 with errbuf ("cannot open …"). */
int wc_view_load(const char *path, const char *role, struct wc_view *out, char *errbuf);
void wc_view_free(struct wc_view *v);
/* The frame record numbered `number`, or NULL (binary search: frames are in order). */
const struct wc_frame_rec *wc_view_frame(const struct wc_view *v, uint64_t number);
/* Seconds from the view's first frame to ts_ns (Wireshark's frame.time_relative). */
double wc_view_secs(const struct wc_view *v, int64_t ts_ns);
/* The view tagged role; with role NULL or "", the first view. NULL when absent. */
const struct wc_view *wc_view_find(const struct wc_view *views, size_t n, const char *role);

/* ---- results -------------------------------------------------------------- */

enum wc_verdict { WC_PASS = 0, WC_FAIL, WC_INCONCLUSIVE };
const char *wc_verdict_name(enum wc_verdict v); /* "pass", "fail", "inconclusive" */

#define WC_MAX_EVIDENCE 32

struct wc_result {
	char check[32];             /* "tcp.handshake" */
	char label[160];            /* the expectation's "name", or the check's summary */
	char path[32];              /* where it stands in the scenario: "expect[2]" */
	enum wc_verdict verdict;
	double points, points_max;  /* points earned: points_max on pass, 0 otherwise */
	char reason[640];           /* one or two plain sentences */
	char vantage[16];           /* the view the frames are in ("" lone capture) */
	uint64_t frames[WC_MAX_EVIDENCE]; /* evidence, ascending */
	size_t frame_count;
	bool frames_more;           /* more frames were relevant than listed */
	char filter[512];           /* Wireshark display filter selecting the evidence */
};

/* Helpers for check modules. */
void wc_result_reason(struct wc_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wc_result_frame(struct wc_result *r, uint64_t frame);    /* ascending, unique; 0 ignored */
/* Build r->filter from the evidence frames ("frame.number in {1 2 3}"), or use a given
 * filter expression when the frames alone would not say what matters. */
void wc_result_filter_frames(struct wc_result *r);

/* ---- the run record (live runs; NULL offline) ----------------------------- */

struct wc_run_record; /* defined by the runner; process-level checks read it */

/* ---- check modules -------------------------------------------------------- */

struct wc_check_ctx {
	const struct wc_view *views;
	size_t view_count;
	const struct wc_run_record *run;   /* NULL for `wirecheck check` */
	json_object *placeholders;         /* {"port": "7007", "server": "10.0.0.2", …} */
};

struct wc_check_def {
	const char *name;                  /* "tcp.handshake" */
	const char *summary;               /* one line for doc/ and default labels */
	const struct wc_field *args;       /* its arguments, terminated by key NULL; the
	                                      common keys (check, points, name, vantage) are
	                                      the scenario's and not listed here */
	const char *example;               /* a JSON expectation using it, for doc/ */
	/* Fill verdict, reason, evidence (r->check, label, path, points_max are preset). */
	void (*run)(const struct wc_check_ctx *ctx, json_object *args, struct wc_result *r);
};

/* The checks of each group, NULL-terminated (checks_tcp.c, checks_net.c, checks_proc.c). */
extern const struct wc_check_def *const wc_checks_tcp[];
extern const struct wc_check_def *const wc_checks_net[];
extern const struct wc_check_def *const wc_checks_proc[];

/* Every check, in documentation order: i from 0 to wc_check_count()-1. */
size_t wc_check_count(void);
const struct wc_check_def *wc_check_at(size_t i);
const struct wc_check_def *wc_check_find(const char *name);

#endif
