/* runner_internal.h — the parts of a live run, shared by the runner's files:
 * the plan (runner_plan.c), readiness (runner_ready.c) and the driver (runner_drive.c). */
#ifndef WC_RUNNER_INTERNAL_H
#define WC_RUNNER_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "faults.h"
#include "livecap.h"
#include "runner.h"
#include "supervise.h"
#include "topology.h"

#define WC_RUN_TIME_LIMIT_MS 10000 /* a program's time limit when the scenario gives none */

enum wc_ready_kind { WC_READY_NONE = 0, WC_READY_TCP, WC_READY_UDP };

/* One program, everything decided: the supervisor's spec is built from it. */
struct wc_plan_prog {
	char role[16];
	enum wc_topo_host host;
	char **argv;                /* placeholders filled, override applied; owned */
	char **env;                 /* the scenario's variables, then PATH, LD_PRELOAD, WC_TRACE_FILE */
	const char *cwd;            /* borrowed from the scenario, or the plan's scratch */
	const char *stdin_text;     /* borrowed; NULL: none */
	int after;                  /* index of the program whose readiness it waits for, -1: none */
	int after_end;              /* index of the program whose end it waits for, -1: none */
	bool awaited;               /* some program waits for it */
	enum wc_ready_kind ready;
	int ready_port;
	long delay_ms;              /* scaled */
	struct wc_proc_signal_at *signals; /* scaled; owned */
	size_t n_signals;
	long time_limit_ms;
	struct wc_proc_rlimits rlimits;
	char *trace_path;           /* scratch/ROLE.trace, NULL when untraced; owned */
};

struct wc_plan {
	struct wc_plan_prog *progs;
	size_t count;
};

/* The scenario's programs, in scenario order, with ph filled (port, server, client).
 * Returns 0, or -1 with errbuf (an override for a role the scenario lacks, a placeholder
 * with no value). */
int wc_plan_build(const struct wc_scenario *s, const struct wc_run_opts *o, const struct wc_placeholders *ph,
                  const char *scratch, struct wc_plan *plan, char *errbuf);
void wc_plan_free(struct wc_plan *plan);

/* Is a TCP socket listening on, or a UDP socket bound to, port in the network namespace
 * of the calling thread (/proc/thread-self/net)? 1 yes, 0 not yet, -1 unreadable. */
int wc_ready_port(enum wc_ready_kind kind, int port);

/* Files of a run (runner_files.c). */
/* A fresh directory parent/wirecheck-NAME-XXXXXX, into out; 0 or -1 with errbuf. */
int wc_scratch_make(const char *parent, const char *name, char *out, size_t len, char *errbuf);
/* Removes dir and everything in it (programs may leave files and folders there), never
 * following symbolic links out of it. */
void wc_tree_remove(const char *dir);
/* mkdir -p; 0 or -1 with errbuf. */
int wc_mkdirs(const char *dir, char *errbuf);
/* rename(), or copy and unlink across file systems; 0 or -1 with errbuf. */
int wc_file_move(const char *from, const char *to, char *errbuf);

/* What a finished run still holds (runner_reap.c). */
struct wc_leftovers {
	struct wc_livecap *caps[2];
	size_t ncap;
	struct wc_faults *faults;
	struct wc_topo topo;
	bool topo_up;
};

/* Release it on a thread of its own (wc_runner_settle waits for that); when no thread can
 * be made, at once. */
void wc_release_later(const struct wc_leftovers *what);

/* The program phase of a run: on a thread of its own, starts each program in its host's
 * namespace, drives them and the faults until the run ends (runner.h, steps 4-6), stops
 * what is left, and fills rec's roles. */
struct wc_drive {
	const struct wc_plan *plan;
	const struct wc_topo *topo;
	struct wc_faults *faults;   /* NULL without faults */
	const atomic_int *cancel;   /* may be NULL */
	struct wc_run_record *rec;
	/* out */
	bool cancelled;
	bool fault_failed;          /* a fault could not be applied: fault_why says why */
	char fault_why[WC_ERRBUF_SIZE];
	double run_secs;
};

/* Returns 0, or -1 with errbuf when the driver could not run at all (no thread, no
 * namespace); rec's roles are filled either way for the programs that started. */
int wc_drive_run(struct wc_drive *d, char *errbuf);

#endif
