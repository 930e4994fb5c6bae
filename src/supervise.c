/* supervise.c — a supervised program's life: delay, output, timed signals, limit, stop, reap. */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "supervise_internal.h"

#define READ_CHUNK 65536
#define ENDING_TICK_MS 10     /* how often the tree is re-read while it is told to end */
#define KILL_ROUNDS_MS 2000   /* SIGKILL rounds for a tree that keeps forking (no PID namespace) */
#define STATUS_WAIT_MS 500    /* for the shim to pass on the status of a killed program */
#define DRAIN_IDLE_MS 100     /* output still arriving after everything is dead */
#define DRAIN_MAX_MS 1000     /* and a bound, should a writer outside the tree hold a pipe */

enum phase { PENDING, RUNNING, ENDING, DONE };

struct stream {
	int fd; /* -1 once at end of file */
	size_t cap;
	struct wc_proc_output *out;
};

struct wc_proc {
	enum phase phase;
	struct wc_prep prep;
	size_t next_signal;
	struct wc_proc_rlimits rlimits;
	long time_limit_ms, grace_ms;
	bool try_pidns;

	long long created_ms, start_ms, end_ms, grace_end_ms;
	pid_t shim;
	int status_fd;
	bool program_ended;
	struct stream out, err;
	struct wc_tree tree;
	struct wc_proc_result res;
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- starting ------------------------------------------------------------- */

static int copy_spec(struct wc_proc *p, const struct wc_proc_spec *spec, char *errbuf)
{
	if (wc_prep_spec(&p->prep, spec, errbuf) != 0)
		return -1;
	p->rlimits = spec->rlimits;
	p->time_limit_ms = spec->time_limit_ms;
	p->grace_ms = spec->grace_ms > 0 ? spec->grace_ms : WC_PROC_GRACE_MS;
	p->try_pidns = !spec->no_pid_namespace;
	size_t cap = spec->output_cap ? spec->output_cap : WC_PROC_OUTPUT_CAP;
	p->res.out.data = calloc(1, cap + 1);
	p->res.err.data = calloc(1, cap + 1);
	if (!p->res.out.data || !p->res.err.data)
		return wc_err(errbuf, "out of memory");
	p->out = (struct stream){-1, cap, &p->res.out};
	p->err = (struct stream){-1, cap, &p->res.err};
	return 0;
}

/* The whole text goes into the pipe before the program starts, so the supervisor never
 * writes to a reader that may be gone (no SIGPIPE) and never blocks. */
static int stdin_pipe(const char *text, int *read_end, char *errbuf)
{
	int fds[2];
	size_t len = text ? strlen(text) : 0;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return wc_err_errno(errbuf, errno, "pipe");
	if (len > 65536 && (len > INT_MAX || fcntl(fds[1], F_SETPIPE_SZ, (int)len) < 0)) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return wc_err_errno(errbuf, e, "stdin text of %zu bytes does not fit a pipe", len);
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fds[1], text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fds[0]);
			close(fds[1]);
			return wc_err_errno(errbuf, e, "writing stdin text");
		}
		off += (size_t)n;
	}
	close(fds[1]);
	*read_end = fds[0];
	return 0;
}

static int output_pipe(struct stream *s, int *write_end, char *errbuf)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
		return wc_err_errno(errbuf, errno, "pipe");
	/* Only the supervisor's end is non-blocking: a flooding program blocks on a full
	 * pipe instead of seeing EAGAIN, as it would on a terminal. */
	fcntl(fds[1], F_SETFL, 0);
	s->fd = fds[0];
	*write_end = fds[1];
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int launch(struct wc_proc *p, char *errbuf)
{
	int in = -1, out = -1, err = -1, rc = -1;
	if (stdin_pipe(p->prep.stdin_text, &in, errbuf) != 0 || output_pipe(&p->out, &out, errbuf) != 0 ||
	    output_pipe(&p->err, &err, errbuf) != 0)
		goto done;
	struct wc_spawn_plan plan = {
		.path = p->prep.path, .argv = p->prep.argv, .envp = p->prep.envp, .cwd = p->prep.cwd,
		.rlimits = p->rlimits, .stdin_fd = in, .stdout_fd = out, .stderr_fd = err,
		.pid_namespace = p->try_pidns,
	};
	struct wc_spawned sp;
	if (wc_spawn(&plan, &sp, errbuf) != 0)
		goto done;
	p->shim = sp.shim;
	p->status_fd = sp.status_fd;
	fcntl(p->status_fd, F_SETFL, O_NONBLOCK);
	p->res.pid = sp.program;
	p->res.pid_namespace = sp.pid_namespace;
	if (!p->try_pidns)
		snprintf(p->res.containment, sizeof p->res.containment,
		         "PID namespace not requested: contained by process group and subreaper");
	else if (!sp.pid_namespace)
		snprintf(p->res.containment, sizeof p->res.containment,
		         "PID namespace refused (%s): contained by process group and subreaper",
		         strerror(sp.pidns_errno));
	p->res.started = true;
	p->start_ms = wc_proc_now_ms();
	p->phase = RUNNING;
	rc = 0;
done:
	close_fd(&in);
	close_fd(&out);
	close_fd(&err);
	if (rc != 0) {
		close_fd(&p->out.fd);
		close_fd(&p->err.fd);
	}
	return rc;
}

/* ---- running -------------------------------------------------------------- */

/* Returns true while more may come. Past the cap, bytes are read and counted, not kept,
 * so the program is never blocked by a full pipe. */
static bool drain(struct stream *s)
{
	char buf[READ_CHUNK];
	while (s->fd >= 0) {
		ssize_t n = read(s->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0) {
			close_fd(&s->fd);
			break;
		}
		size_t keep = s->cap - s->out->len;
		if (keep > (size_t)n)
			keep = (size_t)n;
		memcpy(s->out->data + s->out->len, buf, keep);
		s->out->len += keep;
		s->out->data[s->out->len] = '\0';
		s->out->dropped += (size_t)n - keep;
	}
	return false;
}

static void record_status(struct wc_proc *p, int status)
{
	p->program_ended = true;
	p->end_ms = wc_proc_now_ms();
	p->res.status_known = true;
	p->res.exited = WIFEXITED(status);
	p->res.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	p->res.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void read_status(struct wc_proc *p)
{
	int status;
	if (p->program_ended || p->status_fd < 0)
		return;
	ssize_t n;
	do
		n = read(p->status_fd, &status, sizeof status);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof status)
		record_status(p, status);
}

static size_t live(const struct wc_tree *t)
{
	return t->n - wc_tree_zombies(t);
}

static void send_due_signals(struct wc_proc *p, long long now)
{
	while (p->next_signal < p->prep.n_signals && p->start_ms + p->prep.signals[p->next_signal].at_ms <= now) {
		if (kill(-p->res.pid, p->prep.signals[p->next_signal].signo) == 0)
			p->res.signals_sent++;
		p->next_signal++;
	}
}

/* Everything is dead or dying: reap the shim (whose death ends a PID namespace and waits
 * for it to empty), then collect the output still in the pipes. */
static void finish(struct wc_proc *p)
{
	if (!p->program_ended && p->status_fd >= 0) {
		struct pollfd pfd = {p->status_fd, POLLIN, 0};
		poll(&pfd, 1, STATUS_WAIT_MS);
		read_status(p);
	}
	if (!p->program_ended)
		p->end_ms = wc_proc_now_ms();
	kill(p->shim, SIGKILL);
	while (waitpid(p->shim, NULL, __WALL) < 0 && errno == EINTR)
		;
	close_fd(&p->status_fd);
	struct pollfd fds[2];
	long long drain_end = wc_proc_now_ms() + DRAIN_MAX_MS;
	while (wc_proc_now_ms() < drain_end) {
		int n = wc_proc_pollfds(p, fds, 2);
		if (n == 0 || poll(fds, (nfds_t)n, DRAIN_IDLE_MS) <= 0)
			break;
		drain(&p->out);
		drain(&p->err);
	}
	close_fd(&p->out.fd);
	close_fd(&p->err.fd);
	p->res.wall_ms = (long)(p->end_ms - p->start_ms);
	p->res.finished = true;
	p->phase = DONE;
}

/* SIGKILL until nothing of the tree is alive: without a PID namespace a forking tree
 * grows new members between two reads of /proc. */
static void kill_everything(struct wc_proc *p)
{
	p->res.killed = true;
	long long until = wc_proc_now_ms() + KILL_ROUNDS_MS;
	do {
		kill(-p->res.pid, SIGKILL);
		if (wc_tree_scan(&p->tree, p->shim, NULL) != 0 || live(&p->tree) == 0)
			break;
		wc_tree_kill(&p->tree, SIGKILL);
		sleep_ms(1);
	} while (wc_proc_now_ms() < until);
}

/* The end of a run: count what is left before touching it, then ask it to end. */
static int begin_end(struct wc_proc *p, long grace_ms, char *errbuf)
{
	int rc = wc_tree_scan(&p->tree, p->shim, errbuf);
	if (rc != 0) {
		kill_everything(p);
		finish(p);
		return -1;
	}
	p->res.procs_left = (int)p->tree.n;
	p->res.zombies = (int)wc_tree_zombies(&p->tree);
	if (p->program_ended && live(&p->tree) == 0) {
		finish(p);
		return 0;
	}
	kill(-p->res.pid, SIGTERM);
	wc_tree_kill(&p->tree, SIGTERM);
	/* A stopped process would hold SIGTERM pending through the whole grace period. */
	kill(-p->res.pid, SIGCONT);
	wc_tree_kill(&p->tree, SIGCONT);
	p->grace_end_ms = wc_proc_now_ms() + grace_ms;
	p->phase = ENDING;
	return 0;
}

static int step_ending(struct wc_proc *p, long long now, char *errbuf)
{
	if (wc_tree_scan(&p->tree, p->shim, errbuf) != 0) {
		kill_everything(p);
		finish(p);
		return -1;
	}
	if (live(&p->tree) == 0) {
		finish(p);
		return 0;
	}
	if (now >= p->grace_end_ms) {
		kill_everything(p);
		finish(p);
	}
	return 0;
}

/* ---- public entry points -------------------------------------------------- */

struct wc_proc *wc_proc_start(const struct wc_proc_spec *spec, char *errbuf)
{
	if (!spec || !spec->argv || !spec->argv[0] || !spec->argv[0][0]) {
		wc_err(errbuf, "a program needs a non-empty argv");
		return NULL;
	}
	if (spec->delay_ms < 0 || spec->time_limit_ms < 0 || spec->grace_ms < 0) {
		wc_err(errbuf, "negative delay, time limit or grace period");
		return NULL;
	}
	for (size_t i = 0; i < spec->n_signals; i++)
		if (spec->signals[i].at_ms < 0 || spec->signals[i].signo <= 0 || spec->signals[i].signo >= NSIG) {
			wc_err(errbuf, "signal %zu: bad time or signal number", i);
			return NULL;
		}
	struct wc_proc *p = calloc(1, sizeof *p);
	if (!p) {
		wc_err(errbuf, "out of memory");
		return NULL;
	}
	p->status_fd = -1;
	p->shim = -1;
	p->created_ms = wc_proc_now_ms();
	if (copy_spec(p, spec, errbuf) != 0 || (spec->delay_ms == 0 && launch(p, errbuf) != 0)) {
		p->phase = DONE;
		wc_proc_free(p);
		return NULL;
	}
	p->start_ms = spec->delay_ms == 0 ? p->start_ms : p->created_ms + spec->delay_ms;
	return p;
}

int wc_proc_poll(struct wc_proc *p, char *errbuf)
{
	long long now = wc_proc_now_ms();
	if (p->phase == PENDING) {
		if (now < p->start_ms)
			return 0;
		if (launch(p, errbuf) != 0) {
			p->res.finished = true;
			p->phase = DONE;
			return -1;
		}
		now = p->start_ms;
	}
	if (p->phase == DONE)
		return 1;
	drain(&p->out);
	drain(&p->err);
	read_status(p);
	int rc = 0;
	if (p->phase == RUNNING) {
		if (!p->program_ended)
			send_due_signals(p, now);
		if (p->program_ended) {
			rc = begin_end(p, p->grace_ms, errbuf);
		} else if (p->time_limit_ms > 0 && now >= p->start_ms + p->time_limit_ms) {
			p->res.timed_out = true;
			rc = begin_end(p, p->grace_ms, errbuf);
		}
	} else if (p->phase == ENDING) {
		rc = step_ending(p, now, errbuf);
	}
	if (rc != 0)
		return -1;
	return p->phase == DONE;
}

int wc_proc_pollfds(const struct wc_proc *p, struct pollfd *fds, int max)
{
	int fd[3] = {p->out.fd, p->err.fd, p->status_fd}, n = 0;
	for (int i = 0; i < 3 && n < max; i++)
		if (fd[i] >= 0 && !(i == 2 && p->program_ended))
			fds[n++] = (struct pollfd){.fd = fd[i], .events = POLLIN};
	return n;
}

int wc_proc_timeout_ms(const struct wc_proc *p)
{
	long long now = wc_proc_now_ms(), next = -1;
	switch (p->phase) {
	case PENDING:
		next = p->start_ms;
		break;
	case RUNNING:
		if (p->next_signal < p->prep.n_signals)
			next = p->start_ms + p->prep.signals[p->next_signal].at_ms;
		if (p->time_limit_ms > 0 && (next < 0 || p->start_ms + p->time_limit_ms < next))
			next = p->start_ms + p->time_limit_ms;
		break;
	case ENDING:
		next = now + ENDING_TICK_MS < p->grace_end_ms ? now + ENDING_TICK_MS : p->grace_end_ms;
		break;
	case DONE:
		return 0;
	}
	if (next < 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > INT_MAX ? INT_MAX : next - now);
}

int wc_proc_wait_until(struct wc_proc *p, long long deadline_ms, char *errbuf)
{
	for (;;) {
		int rc = wc_proc_poll(p, errbuf);
		if (rc != 0)
			return rc;
		long long now = wc_proc_now_ms();
		if (now >= deadline_ms)
			return 0;
		int timeout = wc_proc_timeout_ms(p);
		if (timeout < 0 || timeout > deadline_ms - now)
			timeout = (int)(deadline_ms - now > INT_MAX ? INT_MAX : deadline_ms - now);
		struct pollfd fds[WC_PROC_MAX_POLLFDS];
		int n = wc_proc_pollfds(p, fds, WC_PROC_MAX_POLLFDS);
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
			return wc_err_errno(errbuf, errno, "poll");
	}
}

int wc_proc_signal(struct wc_proc *p, int signo, char *errbuf)
{
	if (p->phase != RUNNING || p->program_ended)
		return wc_err(errbuf, "%s is not running", p->prep.argv[0]);
	if (kill(-p->res.pid, signo) != 0)
		return wc_err_errno(errbuf, errno, "kill %s", p->prep.argv[0]);
	return 0;
}

int wc_proc_stop(struct wc_proc *p, long grace_ms, char *errbuf)
{
	if (p->phase == PENDING) {
		p->res.finished = true;
		p->phase = DONE;
		return 0;
	}
	if (p->phase == RUNNING) {
		read_status(p);
		if (!p->program_ended)
			p->res.stopped = true;
		if (begin_end(p, grace_ms, errbuf) != 0)
			return -1;
	}
	return wc_proc_wait_until(p, LLONG_MAX, errbuf) < 0 ? -1 : 0;
}

const struct wc_proc_result *wc_proc_result(const struct wc_proc *p)
{
	return &p->res;
}

void wc_proc_free(struct wc_proc *p)
{
	if (!p)
		return;
	if (p->phase == RUNNING || p->phase == ENDING) {
		kill_everything(p);
		finish(p);
	}
	wc_prep_free(&p->prep);
	free(p->res.out.data);
	free(p->res.err.data);
	wc_tree_free(&p->tree);
	free(p);
}

long long wc_proc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
