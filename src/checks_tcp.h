/* checks_tcp.h — what the TCP checks share: choosing the connections an expectation is
 * about (vantage, server port with placeholders), telling client from server, finding
 * frames, and the argument fields every TCP check accepts.
 *
 * The server of a connection is the side holding the expectation's port; without a port,
 * the side at the {server} placeholder's address (or not at {client}'s); otherwise the
 * side that received the first SYN.
 */
#ifndef WC_CHECKS_TCP_H
#define WC_CHECKS_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

struct wc_tcp_sel {
	const struct wc_view *v;
	bool has_port;
	uint16_t port;
	bool has_server, has_client;      /* addresses from the placeholders */
	struct wc_addr server, client;
	char where[24];                   /* " on port 7007", or "" */
};

/* The "port" argument every TCP check takes (its field table entry): a number, or a
 * string holding a number or a placeholder. */
int wc_tcp_check_port(json_object *v, const char *file, const char *path, char *errbuf);
#define WC_TCP_PORT_FIELD \
	{.key = "port", .type = WC_F_ANY, .check = wc_tcp_check_port, .type_doc = "number or string", \
	 .doc = "server port of the connections judged: a number or \"{port}\"; absent: every TCP connection", \
	 .example = "\"{port}\""}

/* "client_to_server" / "server_to_client" (and "both" where allowed). */
extern const char *const wc_tcp_dir_values[];
extern const char *const wc_tcp_dir_values_both[];
extern const char *const wc_tcp_role_values[];

/* Resolve the view (args "vantage") and the port. False when the expectation cannot be
 * judged, with r set INCONCLUSIVE and its reason (unknown vantage, a placeholder without
 * a value, a port that is not a number). Also sets r->vantage. */
bool wc_tcp_sel_init(const struct wc_check_ctx *ctx, json_object *args, struct wc_tcp_sel *sel,
                     struct wc_result *r);
bool wc_tcp_sel_match(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c);
/* Side index (0 or 1) of the server of c. */
int wc_tcp_server_side(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c);
/* The selected connections' indexes into sel->v->tcp, in id order; caller frees. */
size_t wc_tcp_sel_list(const struct wc_tcp_sel *sel, size_t **out);
/* The same without refused attempts (a SYN answered by RST,ACK): they carry no stream and
 * no close, and are tcp.refused's to judge. */
size_t wc_tcp_sel_list_attempted(const struct wc_tcp_sel *sel, size_t **out);
/* A SYN answered by RST,ACK. */
bool wc_tcp_refused(const struct wc_tcp_conn *c);
/* FAIL: "no TCP connection on port 7007 was captured" (naming the refused attempts, when
 * those were all there was). */
void wc_tcp_none_captured(const struct wc_tcp_sel *sel, struct wc_result *r);

/* "client" or "server" for side s of c. */
const char *wc_tcp_role_of(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, int s);
/* Side index sending in direction dir ("client_to_server" → the client). */
int wc_tcp_dir_side(const struct wc_tcp_sel *sel, const struct wc_tcp_conn *c, const char *dir);
/* "client → server" for a direction name. */
const char *wc_tcp_dir_words(const char *dir);

/* The frames (and times, when ts is not NULL) of the SYNs c's opener sent, retransmissions
 * included; at most max. */
size_t wc_tcp_syns(const struct wc_tcp_conn *c, uint64_t *frames, int64_t *ts, size_t max);

/* Add frame to r's evidence; 0 (a frame the capture lacks) is left out. */
void wc_tcp_evidence(struct wc_result *r, uint64_t frame);

/* Append ", " separated frame numbers ("1, 3, 5", at most max then "…") to buf. */
void wc_tcp_frame_list(char *buf, size_t len, const uint64_t *frames, size_t n, size_t max);

/* Segments side s of c sent (in sender view sv) between from and to seconds (to < 0:
 * no end) that the receiver's capture rv never shows, matched by connection (endpoints
 * and ISN) and by relative sequence, length and SYN/FIN; each is added to r's evidence.
 * Of several copies of one segment, the earliest are counted lost. */
size_t wc_tcp_lost_segments(const struct wc_view *sv, const struct wc_view *rv, const struct wc_tcp_conn *c,
                            int s, double from, double to, struct wc_result *r);

/* The checks, in documentation order (checks_tcp.c lists them). */
extern const struct wc_check_def wc_check_tcp_handshake, wc_check_tcp_teardown, wc_check_tcp_refused,
	wc_check_tcp_reset, wc_check_tcp_stream, wc_check_tcp_segments, wc_check_tcp_retransmissions,
	wc_check_tcp_concurrency, wc_check_tcp_syn_unanswered;

/* Set r's verdict (and its points) and a reason in one go. */
void wc_tcp_verdict(struct wc_result *r, enum wc_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
