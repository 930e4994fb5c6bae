/* supervise_spawn.c — start the shim (PID namespace init or subreaper) and the program under it. */
#include "supervise_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Fixed descriptor numbers inside the shim and the program. */
enum { FD_REPORT = 3, FD_STATUS = 4, FD_FIRST_FREE = 5 };

/* What the children tell the supervisor through the report pipe, before exec. */
enum report_kind { REPORT_PID = 1, REPORT_FORK, REPORT_CHDIR, REPORT_RLIMIT, REPORT_EXEC };

struct report {
	int32_t kind;
	int32_t value; /* the pid, or the errno of the failed step */
};

/* glibc's fork() runs atfork handlers that take locks other runner threads may hold;
 * the raw system call copies the process and nothing else. */
static pid_t raw_clone(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
}

static void send_report(int kind, int value)
{
	struct report r = {kind, value};
	ssize_t n;
	do
		n = write(FD_REPORT, &r, sizeof r);
	while (n < 0 && errno == EINTR);
}

static _Noreturn void fail(int kind)
{
	send_report(kind, errno);
	_exit(127);
}

/* getpid() inside a PID namespace is the namespace's number; /proc is the supervisor's
 * mount, so its "self" link names the pid the supervisor can signal. */
static pid_t host_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
	if (n <= 0)
		return getpid();
	pid_t pid = 0;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return getpid();
		pid = pid * 10 + (buf[i] - '0');
	}
	return pid;
}

static void close_from(int first)
{
	if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0)
		return;
	for (int fd = first; fd < 65536; fd++)
		close(fd);
}

/* Moves the five descriptors to 0..4 without one dup2 overwriting another's source:
 * first above every small number, then down. Everything else is closed. */
static int arrange_fds(const struct wc_spawn_plan *plan, int report_w, int status_w)
{
	int src[5] = {plan->stdin_fd, plan->stdout_fd, plan->stderr_fd, report_w, status_w};
	int high[5];
	for (int i = 0; i < 5; i++) {
		high[i] = fcntl(src[i], F_DUPFD, 16);
		if (high[i] < 0)
			return -1;
	}
	for (int i = 0; i < 5; i++)
		if (dup2(high[i], i) < 0)
			return -1;
	close_from(FD_FIRST_FREE);
	return 0;
}

static int set_limit(int resource, long value, long extra)
{
	struct rlimit cur;
	if (value <= 0)
		return 0;
	if (getrlimit(resource, &cur) != 0)
		return -1;
	struct rlimit want = {(rlim_t)value, (rlim_t)(value + extra)};
	if (cur.rlim_max != RLIM_INFINITY && want.rlim_max > cur.rlim_max)
		want.rlim_max = cur.rlim_max;
	if (want.rlim_cur > want.rlim_max)
		want.rlim_cur = want.rlim_max;
	return setrlimit(resource, &want);
}

static _Noreturn void run_program(const struct wc_spawn_plan *plan)
{
	setpgid(0, 0);
	send_report(REPORT_PID, (int32_t)host_pid());
	close(FD_STATUS);

	/* Ignored signals and the blocked mask survive exec; the program starts clean. */
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	const struct wc_proc_rlimits *l = &plan->rlimits;
	/* CPU: SIGXCPU at the limit, SIGKILL a second later for a program that ignores it. */
	if (set_limit(RLIMIT_CPU, l->cpu_s, 1) != 0 || set_limit(RLIMIT_AS, l->as_mb * 1048576L, 0) != 0 ||
	    set_limit(RLIMIT_NPROC, l->nproc, 0) != 0 || set_limit(RLIMIT_NOFILE, l->nofile, 0) != 0)
		fail(REPORT_RLIMIT);
	if (plan->cwd && chdir(plan->cwd) != 0)
		fail(REPORT_CHDIR);
	fcntl(FD_REPORT, F_SETFD, FD_CLOEXEC);
	execve(plan->path, plan->argv, plan->envp);
	fail(REPORT_EXEC);
}

/* The shim reaps everything handed to it and passes on the program's wait status. As a
 * PID namespace's init it receives no signal it has no handler for, except SIGKILL from
 * the supervisor, whose arrival ends the whole namespace. */
static _Noreturn void run_shim(const struct wc_spawn_plan *plan, int report_w, int status_w,
                               bool in_pidns)
{
	/* Without its descriptors the shim cannot report: the supervisor reads end of file
	 * and no pid, and says the shim ended before the program. */
	if (arrange_fds(plan, report_w, status_w) != 0)
		_exit(127);
	setpgid(0, 0);
	/* Should the runner die without stopping its programs (SIGKILL, a crash), the shim
	 * dies with it and, as init, takes the whole PID namespace along. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!in_pidns)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t prog = raw_clone(SIGCHLD);
	if (prog < 0)
		fail(REPORT_FORK);
	if (prog == 0)
		run_program(plan);
	for (int fd = 0; fd <= FD_REPORT; fd++)
		close(fd);
	for (;;) {
		int status;
		pid_t w = waitpid(-1, &status, __WALL);
		if (w == prog) {
			ssize_t n;
			do
				n = write(FD_STATUS, &status, sizeof status);
			while (n < 0 && errno == EINTR);
		} else if (w < 0 && errno == ECHILD) {
			pause();
		}
	}
}

static const char *step_name(int kind)
{
	switch (kind) {
	case REPORT_FORK: return "fork";
	case REPORT_CHDIR: return "chdir to its working directory";
	case REPORT_RLIMIT: return "set its resource limits";
	default: return "exec";
	}
}

/* Reads the children's reports until the report pipe closes (exec succeeded) or a
 * failure arrives. */
static int read_reports(int fd, const struct wc_spawn_plan *plan, struct wc_spawned *out,
                        char *errbuf)
{
	struct report r;
	for (;;) {
		ssize_t n = read(fd, &r, sizeof r);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return wc_err_errno(errbuf, errno, "reading the start report of %s", plan->path);
		if (n == 0)
			break;
		if (n != (ssize_t)sizeof r)
			return wc_err(errbuf, "short start report from %s", plan->path);
		if (r.kind == REPORT_PID) {
			out->program = (pid_t)r.value;
			continue;
		}
		return wc_err_errno(errbuf, r.value, "cannot start %s: %s failed", plan->path,
		                    step_name(r.kind));
	}
	if (out->program <= 0)
		return wc_err(errbuf, "cannot start %s: the shim ended before the program", plan->path);
	return 0;
}

int wc_spawn(const struct wc_spawn_plan *plan, struct wc_spawned *out, char *errbuf)
{
	int report[2], status[2];
	memset(out, 0, sizeof *out);
	out->status_fd = -1;
	if (pipe2(report, O_CLOEXEC) != 0)
		return wc_err_errno(errbuf, errno, "pipe");
	if (pipe2(status, O_CLOEXEC) != 0) {
		int e = errno;
		close(report[0]);
		close(report[1]);
		return wc_err_errno(errbuf, e, "pipe");
	}
	pid_t shim = -1;
	if (plan->pid_namespace) {
		shim = raw_clone(CLONE_NEWPID | SIGCHLD);
		if (shim < 0)
			out->pidns_errno = errno;
		else
			out->pid_namespace = true;
	}
	if (shim < 0)
		shim = raw_clone(SIGCHLD);
	if (shim == 0)
		run_shim(plan, report[1], status[1], out->pid_namespace);
	int fork_errno = errno;
	close(report[1]);
	close(status[1]);
	if (shim < 0) {
		close(report[0]);
		close(status[0]);
		return wc_err_errno(errbuf, fork_errno, "cannot start %s: clone", plan->path);
	}
	out->shim = shim;
	int rc = read_reports(report[0], plan, out, errbuf);
	close(report[0]);
	if (rc != 0) {
		kill(shim, SIGKILL);
		while (waitpid(shim, NULL, __WALL) < 0 && errno == EINTR)
			;
		close(status[0]);
		return -1;
	}
	out->status_fd = status[0];
	return 0;
}
