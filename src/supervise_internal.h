/* supervise_internal.h — the pieces of the supervisor shared between its files. */
#ifndef WC_SUPERVISE_INTERNAL_H
#define WC_SUPERVISE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "supervise.h"

/* ---- supervise_spec.c: the spec copied, environment merged, program found ---- */

struct wc_prep {
	char *path;        /* argv[0], searched in the program's PATH */
	char *cwd, *stdin_text;
	char **argv, **envp;
	struct wc_proc_signal_at *signals; /* sorted by time */
	size_t n_signals;
};

/* On failure out may be partly filled: wc_prep_free() it all the same. */
int wc_prep_spec(struct wc_prep *out, const struct wc_proc_spec *spec, char *errbuf);
void wc_prep_free(struct wc_prep *prep);

/* ---- supervise_spawn.c: the shim and the program, started by raw clone ---- */

/* Everything the children need, prepared before the clone: after it they may only make
 * system calls (the runner has other threads, whose locks the children inherit). */
struct wc_spawn_plan {
	const char *path;        /* resolved executable */
	char *const *argv;
	char *const *envp;
	const char *cwd;         /* may be NULL */
	struct wc_proc_rlimits rlimits;
	int stdin_fd, stdout_fd, stderr_fd; /* the children's ends */
	bool pid_namespace;      /* try CLONE_NEWPID */
};

struct wc_spawned {
	pid_t shim;
	pid_t program;           /* in the supervisor's PID namespace */
	int status_fd;           /* read end: the program's wait status, an int, when it ends */
	bool pid_namespace;      /* CLONE_NEWPID worked */
	int pidns_errno;         /* why it did not, when it was tried */
};

/* Starts shim and program; on failure nothing is left running and errbuf says why. */
int wc_spawn(const struct wc_spawn_plan *plan, struct wc_spawned *out, char *errbuf);

/* ---- supervise_tree.c: a process tree read from /proc ---- */

struct wc_tree_proc {
	pid_t pid, ppid;
	char state; /* as in /proc/PID/stat: 'Z' for a zombie */
};

struct wc_tree {
	struct wc_tree_proc *procs; /* the descendants of the root, the root excluded */
	size_t n, cap;
};

/* Refills t with every process whose parent chain leads to root. */
int wc_tree_scan(struct wc_tree *t, pid_t root, char *errbuf);
size_t wc_tree_zombies(const struct wc_tree *t);
/* Sends signo to every process of t that is not a zombie; returns how many. */
size_t wc_tree_kill(const struct wc_tree *t, int signo);
void wc_tree_free(struct wc_tree *t);

#endif
