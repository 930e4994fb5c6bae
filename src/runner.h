/* runner.h — one scenario, live: namespaces, captures, programs and faults, then the
 * verdict of the saved captures (`wirecheck run`, doc/run.md).
 *
 * A run, in order:
 *   1. plan: every program's argv, environment and timing from the scenario, with the
 *      placeholders filled ({port}: the scenario's port; {server}, {client}: the hosts'
 *      addresses) and `--program ROLE=COMMAND` substituted;
 *   2. a scratch directory, the topology (topology.h) and, when there are faults, our
 *      nftables table in the link namespace (faults.h);
 *   3. the capture points start (livecap.h): lo on loopback, eth0 of both hosts on veth;
 *      time 0 of the run is when they are ready;
 *   4. the programs start (supervise.h), each in its host's namespace, at its delay, once
 *      the role it waits for (`after`) is ready: a socket listening on, or bound to, the
 *      `ready` port seen in that role's namespace — never a sleep — and the role named by
 *      `after_end` has ended. A role that is never
 *      ready (it ended, or its time limit passed) releases its dependants anyway, and
 *      the role record says so: a submission that never listens still shows its RSTs;
 *   5. faults are applied and ended at their scaled times;
 *   6. the run ends when every program nobody waits for has ended (a client, a lone
 *      program) — or, when every program is waited for, when all have ended. Programs
 *      still running then (servers) get a settling pause, are counted and stopped
 *      (SIGTERM, then SIGKILL), the captures drain and stop;
 *   7. the run record (runrec.h) is filled, the captures are read back from disk and
 *      judged with the record (verdict.h): the live verdict is the offline verdict of the
 *      saved files. With keep_dir, captures, traces and run.json are kept there.
 *   8. the programs are gone, the scratch directory removed; the capture sockets, the
 *      faults' table and the namespaces are released on a thread of their own
 *      (wc_runner_settle).
 *
 * What the machine refuses (namespaces, the nftables bridge family, netem) makes the
 * outcome inconclusive with the reason, never a pass or a fail; so does a capture point
 * that dropped packets (capture.health) and a cancelled run. Only problems of the
 * request itself (an unknown role in --program, an unusable keep_dir) are errors.
 *
 * Runs are independent: several may go on at once from different threads (-j), each in
 * namespaces of its own. wc_run_scenario starts and stops its programs from a thread of
 * its own, so the caller's thread never changes namespace.
 */
#ifndef WC_RUNNER_H
#define WC_RUNNER_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "check.h"
#include "errbuf.h"
#include "runrec.h"
#include "scenario.h"
#include "verdict.h"

#define WC_RUN_DEFAULT_PORT 7007
#define WC_RUN_SETTLE_MS 300   /* after the last awaited program: late FINs, replies */
#define WC_RUN_DRAIN_MS 20     /* after the last program: frames still in a softirq */

/* Where the helpers of a run are, found once per process (wc_runner_env_find). */
struct wc_runner_env {
	char trace_lib[PATH_MAX];  /* libwctrace.so; "" when absent: programs run untraced */
	char labs_dir[PATH_MAX];   /* the reference programs; "" when absent */
	bool userns;               /* the process moved into a user namespace (not root) */
};

/* Looks next to the running program first (a build tree: src/trace/libwctrace.so and
 * src/labs/), then in the installed locations; WIRECHECK_TRACE_LIB and
 * WIRECHECK_LABS_DIR override both. Never fails: what is not found stays "". */
void wc_runner_env_find(struct wc_runner_env *env);

/* --program ROLE=COMMAND: COMMAND is split at blanks ('…' and "…" quote), relative
 * paths with a '/' made absolute against the caller's directory, and replaces the
 * role's whole argv; placeholders are filled in it too. */
struct wc_run_override {
	char role[16];
	char **argv;               /* NULL-terminated, owned */
	char *ready;               /* a `ready` in place of the role's (a variant's); NULL: keep */
};

/* Parse one ROLE=COMMAND. Returns 0, or -1 with errbuf naming the problem. */
int wc_run_override_parse(const char *arg, struct wc_run_override *o, char *errbuf);
void wc_run_override_free(struct wc_run_override *o);

struct wc_run_opts {
	const struct wc_runner_env *env;
	const struct wc_run_override *overrides;
	size_t override_count;
	const char *keep_dir;      /* NULL: nothing kept; else DIR/<scenario name>/ */
	const char *tmp_dir;       /* parent of the scratch directory; NULL: $TMPDIR or /tmp */
	int port;                  /* 0: the scenario's port */
	const atomic_int *cancel;  /* non-zero: end the run now (inconclusive); may be NULL */
	const char *refused;       /* set: the machine cannot make runs (wc_netns_init said
	                              why); every outcome is inconclusive with this reason */
};

struct wc_run_result {
	struct wc_run_record rec;
	struct wc_view views[2];   /* the captures read back: lo, or client and server */
	size_t view_count;
	struct wc_outcome outcome; /* borrows the scenario's strings and views' paths */
	char kept[PATH_MAX];       /* the directory kept, "" when none */
	double setup_ms;           /* namespaces, topology, captures ready */
	double teardown_ms;        /* captures stopped, faults and namespaces released */
	double run_secs;           /* time 0 to the last program's end */
	ino_t netns[3];            /* the namespaces the run made (inode numbers), so tests
	                              can prove each one is gone; 0 where none */
};

/* Runs the scenario and judges it. Returns 0 with res filled (whatever the verdict;
 * free with wc_run_result_free), or -1 with errbuf for a problem of the request; either
 * way nothing is left once wc_runner_settle() returns. */
int wc_run_scenario(const struct wc_scenario *s, const struct wc_run_opts *opts, struct wc_run_result *res,
                    char *errbuf);
void wc_run_result_free(struct wc_run_result *res);

/* Wait until every finished run's capture sockets, nftables table and namespaces are
 * released: wc_run_scenario leaves that to a thread of its own (closing a packet socket
 * waits for the kernel), so that the next run need not wait for it. Call it before
 * proving nothing is left, and before the process ends. */
void wc_runner_settle(void);

#endif
