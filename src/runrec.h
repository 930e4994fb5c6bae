/* runrec.h — the record of a live run: what each program did and what each capture point
 * saw, filled by the runner and read by the process-level checks (ctx->run).
 *
 * Plain data: the runner adds a role or a capture point with the helpers below and fills
 * its fields; wc_run_record_free() releases everything the record owns. Numbers the
 * runner could not learn stay at the values the helpers preset (-1, false, empty).
 */
#ifndef WC_RUNREC_H
#define WC_RUNREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "livecap.h"
#include "sockcalls.h"

/* What a program wrote on one stream: the first `len` bytes kept (NUL-terminated for
 * convenience, but the bytes may hold NULs of their own), and how many more were cut. */
struct wc_run_output {
	char *bytes;                /* NULL when nothing was written */
	size_t len;
	uint64_t dropped;
};

/* One program role ("client", "server"). */
struct wc_run_role {
	char role[16];
	char argv0[256];
	bool started;               /* the program was started (exec succeeded) */
	char note[256];             /* what the runner has to say about its start, "" */
	bool exited;                /* ended by exit(): exit_status holds its status */
	int exit_status;            /* -1 unless exited */
	int term_signal;            /* the signal that ended it, 0 when it exited or never ended */
	bool timed_out;             /* hit its time limit and was killed by the runner */
	bool stopped;               /* stopped by the runner at the end of the scenario */
	double wall_secs;           /* from start to end */
	struct wc_run_output out, err;
	int procs_left;             /* processes of its tree still there at the end; -1 unknown */
	int zombies;                /* of those, zombies (exited, never waited for); -1 unknown */
	bool pid_ns;                /* ran in a PID namespace of its own */
	bool traced;                /* ran with the socket-call trace library preloaded */
	char *trace_path;           /* the trace file it was read from (NULL: none); owned */
	struct wc_trace trace;      /* its socket calls (empty when not traced) */
};

/* One capture point: its tag ("" lone, "client", "server"), its file and the counts
 * that say whether the file can be trusted (livecap.h). */
struct wc_run_capture {
	char tag[16];
	char *path;
	struct wc_livecap_result cap;
};

struct wc_run_record {
	char port[8], server[64], client[64]; /* what {port}, {server}, {client} were; "" unknown */
	struct wc_run_role *roles;
	size_t role_count;
	struct wc_run_capture *caps;
	size_t cap_count;
};

/* Append a role, its numbers preset to "unknown" (-1, false, empty). Returns it (valid
 * until the next add), or NULL with errbuf filled. */
struct wc_run_role *wc_run_add_role(struct wc_run_record *rec, const char *role, const char *argv0,
                                    char *errbuf);

/* Append a capture point writing path. Returns it (valid until the next add), or NULL. */
struct wc_run_capture *wc_run_add_capture(struct wc_run_record *rec, const char *tag, const char *path,
                                          char *errbuf);

/* Keep a copy of len bytes of output, with `dropped` more cut. 0, or -1 with errbuf. */
int wc_run_output_set(struct wc_run_output *o, const void *bytes, size_t len, uint64_t dropped,
                      char *errbuf);

/* The role named role, or NULL. */
const struct wc_run_role *wc_run_find_role(const struct wc_run_record *rec, const char *role);

/* ---- saved with the captures (doc/run-record.md) ---------------------------------- */

/* Write the record as JSON to path (run.json beside the kept captures). Capture and
 * trace paths are written relative to the file's directory when they lie inside it, so
 * the directory can be moved as a whole. Returns 0, or -1 with errbuf. */
int wc_run_record_save(const struct wc_run_record *rec, const char *path, char *errbuf);

/* Read a record written by wc_run_record_save, re-reading each role's trace file
 * (relative paths taken from the JSON file's directory). A missing or malformed key is an
 * error naming the file and JSON path. Returns 0, or -1 with errbuf and rec left empty. */
int wc_run_record_load(const char *path, struct wc_run_record *rec, char *errbuf);

/* Release everything the record owns and leave it empty. */
void wc_run_record_free(struct wc_run_record *rec);

#endif
