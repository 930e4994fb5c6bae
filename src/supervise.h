/* supervise.h — run one program of a scenario under containment and record how it ended.
 *
 * A program runs in its own process group and, where the kernel allows it, in its own
 * PID namespace: the supervisor starts a small init ("shim") as that namespace's first
 * process, and the shim starts the program. When the shim dies the kernel kills every
 * process of the namespace, so a fork bomb or an orphaned child cannot outlive the run.
 * Where PID namespaces are refused the shim is a child subreaper instead (orphans of the
 * program become its children, not init's) and the result says containment fell back.
 * The shim also dies with the thread that started it (PR_SET_PDEATHSIG): a runner killed
 * without stopping its programs leaves no PID namespace behind. Start and stop programs
 * from a thread that outlives them.
 *
 * Standard output and error are read through pipes into buffers capped at
 * spec->output_cap bytes: a flood is cut and counted, never blocks the program, never
 * grows memory. Standard input is the spec's text followed by end of file.
 *
 * The end of a run — the program exits, its time limit passes, or wc_proc_stop() —
 * first counts what is left of the program's process tree (processes still there, and
 * the zombies among them, read from /proc before anything is killed), then sends
 * SIGTERM to all of it, waits the grace period, sends SIGKILL and reaps everything.
 *
 * Non-blocking use: a runner driving several programs polls the descriptors of
 * wc_proc_pollfds() with the timeout of wc_proc_timeout_ms() and calls wc_proc_poll()
 * for each program after every wake-up. wc_proc_wait_until() does that loop for one.
 * Nothing here assumes anything about the network: it works in any network namespace.
 *
 * Not thread-safe per object; different objects may be driven from different threads.
 * Shims are reaped by pid, never with waitpid(-1); the caller must not reap with
 * waitpid(-1) nor set SIGCHLD to SIG_IGN, or a shim's end goes unseen.
 */
#ifndef WC_SUPERVISE_H
#define WC_SUPERVISE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "errbuf.h"

#define WC_PROC_OUTPUT_CAP 65536 /* default cap of each captured stream */
#define WC_PROC_GRACE_MS 500     /* default wait between SIGTERM and SIGKILL */
#define WC_PROC_MAX_POLLFDS 3    /* descriptors wc_proc_pollfds() may fill */

struct wc_proc_signal_at {
	long at_ms; /* after the program started */
	int signo;  /* sent to the program's process group */
};

/* Limits applied to the program before exec; 0 leaves the runner's own limit. */
struct wc_proc_rlimits {
	long cpu_s;   /* RLIMIT_CPU: SIGXCPU at this many seconds, SIGKILL one second later */
	long as_mb;   /* RLIMIT_AS, MiB */
	long nproc;   /* RLIMIT_NPROC (per user; root is exempt by the kernel's rules) */
	long nofile;  /* RLIMIT_NOFILE */
};

struct wc_proc_spec {
	const char *const *argv;      /* argv[0] is searched in PATH when it has no '/' */
	const char *cwd;              /* NULL: the caller's */
	const char *const *env;       /* NULL-terminated "NAME=VALUE" set on top of environ; may be NULL */
	const char *stdin_text;       /* NULL: empty, the program reads end of file at once */
	long delay_ms;                /* wait this long after wc_proc_start() before starting it */
	long time_limit_ms;           /* 0: none */
	const struct wc_proc_signal_at *signals; /* in any order */
	size_t n_signals;
	struct wc_proc_rlimits rlimits;
	size_t output_cap;            /* 0: WC_PROC_OUTPUT_CAP */
	long grace_ms;                /* 0: WC_PROC_GRACE_MS, used when the run ends by itself */
	bool no_pid_namespace;        /* force the process-group fallback */
};

struct wc_proc_output {
	char *data;      /* NUL-terminated; len bytes kept (at most the cap) */
	size_t len;
	size_t dropped;  /* bytes read past the cap and thrown away */
};

struct wc_proc_result {
	bool started;          /* false while the start delay runs, or if exec failed */
	bool finished;         /* everything killed and reaped; the fields below are final */
	bool pid_namespace;    /* contained by a PID namespace, else by process group + subreaper */
	char containment[160]; /* why the fallback was taken; empty with a PID namespace */
	pid_t pid;             /* the program, as seen from the supervisor's namespace */

	bool status_known;     /* false only if the program vanished without a wait status */
	bool exited;           /* exit_status valid; else term_signal */
	int exit_status;
	int term_signal;
	bool timed_out;        /* its time limit ended it */
	bool stopped;          /* wc_proc_stop() ended it */
	bool killed;           /* something was still alive after the grace period: SIGKILL */
	long wall_ms;          /* from start to the program's end */

	int procs_left;        /* processes of its tree found at the end (zombies included) */
	int zombies;           /* of which zombies */
	size_t signals_sent;   /* scheduled signals delivered */

	struct wc_proc_output out, err;
};

struct wc_proc;

/* Validates the spec, copies it and finds the program; starts it at once unless
 * spec->delay_ms. Returns NULL with errbuf set when it cannot be started (no such file,
 * cwd missing, limits refused...); after a delay such a failure comes from wc_proc_poll(). */
struct wc_proc *wc_proc_start(const struct wc_proc_spec *spec, char *errbuf);

/* One non-blocking step: start when the delay is over, read output, send due signals,
 * notice the exit or the time limit, advance the SIGTERM/SIGKILL sequence.
 * Returns 1 once finished, 0 while running, -1 with errbuf on a system failure (the
 * program is then stopped by force and the result is final). */
int wc_proc_poll(struct wc_proc *p, char *errbuf);

/* Descriptors worth waiting on (POLLIN); returns how many were written to fds. */
int wc_proc_pollfds(const struct wc_proc *p, struct pollfd *fds, int max);

/* Milliseconds until the next timed event (start, signal, limit, grace), -1 if none. */
int wc_proc_timeout_ms(const struct wc_proc *p);

/* Polls until finished or until deadline_ms on CLOCK_MONOTONIC (wc_proc_now_ms()).
 * Returns 1 finished, 0 deadline reached, -1 error. */
int wc_proc_wait_until(struct wc_proc *p, long long deadline_ms, char *errbuf);

/* Sends signo to the program's process group now; -1 with errbuf when it is not running. */
int wc_proc_signal(struct wc_proc *p, int signo, char *errbuf);

/* Ends the run now (counts, SIGTERM, grace_ms, SIGKILL, reap) and waits for it.
 * A program not yet started is never started. Returns 0, or -1 with errbuf. */
int wc_proc_stop(struct wc_proc *p, long grace_ms, char *errbuf);

const struct wc_proc_result *wc_proc_result(const struct wc_proc *p);

/* Stops the program by force if it still runs, then frees everything. NULL is allowed. */
void wc_proc_free(struct wc_proc *p);

/* CLOCK_MONOTONIC in milliseconds, the clock of every time above. */
long long wc_proc_now_ms(void);

#endif
