/* checks_proc.h — helpers shared by the process-level checks (proc.exit, proc.output,
 * proc.zombies, sock.calls), which read the run record of a live run. */
#ifndef WC_CHECKS_PROC_H
#define WC_CHECKS_PROC_H

#include "check.h"
#include "runrec.h"

extern const struct wc_check_def wc_check_proc_exit;
extern const struct wc_check_def wc_check_proc_output;
extern const struct wc_check_def wc_check_proc_zombies;
extern const struct wc_check_def wc_check_sock_calls;

/* The role named by the check's "role" argument. NULL, with the verdict INCONCLUSIVE and
 * the reason set, offline ("needs a live run: …", naming `what` the check reads) or when
 * the run has no such program. */
const struct wc_run_role *wc_proc_role(const struct wc_check_ctx *ctx, json_object *args, const char *what,
                                       struct wc_result *r);

/* The frame of the captures that a socket call answers: the last frame for which
 * match(frame, arg) holds, captured no later than the call returned (trace record i of
 * the role, on the captures' clock, with a millisecond's grace for timestamping). NULL
 * when none does or the trace cannot be put on the captures' clock; *view is the capture
 * it is in. */
const struct wc_frame_rec *wc_proc_frame_before(const struct wc_check_ctx *ctx, const struct wc_trace *t, size_t i,
                                                bool (*match)(const struct wc_frame_rec *f, const void *arg),
                                                const void *arg, const struct wc_view **view);

/* "10.0.0.2:7007" or "[::1]:7" (a trace's peer=) into an address and a port. */
bool wc_proc_peer(const char *text, struct wc_addr *a, uint16_t *port);

/* "SIGTERM" for 15; NULL for a signal without a name here. */
const char *wc_proc_signame(int sig);
/* The number of a name from wc_proc_signals, or 0. */
int wc_proc_signum(const char *name);
/* The signal names an expectation may use, NULL-terminated. */
extern const char *const wc_proc_signals[];

#endif
