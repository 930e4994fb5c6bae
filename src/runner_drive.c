/* runner_drive.c — the program phase of a live run: start each program in its host's
 * namespace when its turn comes, apply the faults on time, end the run, stop what is
 * left, and record how every program ended.
 *
 * Everything happens on one thread made for the run: it enters a host's namespace before
 * starting a program there (a child is born in its parent thread's namespace) and before
 * reading that namespace's socket tables. The programs' shims die with the thread that
 * started them (supervise.h), so this thread outlives them all, and when it ends its
 * hold on the namespaces ends too. */
#include "runner_internal.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLL_MAX_MS 50      /* how often a cancel or a fault's time is looked at, at worst */
#define READY_POLL_MS 5     /* how often a socket table is read while someone waits on it */

enum slot_state { SLOT_WAITING, SLOT_RUNNING, SLOT_DONE };

struct slot {
	struct wc_proc *proc;
	enum slot_state state;
	bool ready;             /* its dependants may start */
	char note[256];
};

struct driver {
	struct wc_drive *d;
	struct slot *slots;
	size_t n;
	long long t0_ms;
	int status;
	char errbuf[WC_ERRBUF_SIZE];
};

/* A note on a program, cut to its buffer. */
__attribute__((format(printf, 3, 4))) static void note(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

static int enter_host(const struct driver *dr, enum wc_topo_host h, char *errbuf)
{
	if (setns(wc_topo_host_netns(dr->d->topo, h), CLONE_NEWNET) != 0)
		return wc_err_errno(errbuf, errno, "cannot enter the %s host's network namespace",
		                    h == WC_HOST_SERVER ? "server" : "client");
	return 0;
}

static void start_one(struct driver *dr, size_t i)
{
	const struct wc_plan_prog *p = &dr->d->plan->progs[i];
	struct slot *s = &dr->slots[i];
	char why[WC_ERRBUF_SIZE];
	s->state = SLOT_DONE;
	if (enter_host(dr, p->host, why) != 0) {
		note(s->note, sizeof s->note, "not started: %s", why);
		return;
	}
	struct wc_proc_spec spec = {
		.argv = (const char *const *)p->argv,
		.cwd = p->cwd,
		.env = (const char *const *)p->env,
		.stdin_text = p->stdin_text,
		.delay_ms = p->delay_ms,
		.time_limit_ms = p->time_limit_ms,
		.signals = p->signals,
		.n_signals = p->n_signals,
		.rlimits = p->rlimits,
	};
	s->proc = wc_proc_start(&spec, why);
	if (!s->proc) {
		note(s->note, sizeof s->note, "not started: %s", why);
		return;
	}
	s->state = SLOT_RUNNING;
}

/* Starts every waiting program whose awaited role is ready and whose awaited end came. */
static void start_due(struct driver *dr)
{
	for (size_t i = 0; i < dr->n; i++) {
		const struct wc_plan_prog *p = &dr->d->plan->progs[i];
		if (dr->slots[i].state == SLOT_WAITING && (p->after < 0 || dr->slots[p->after].ready) &&
		    (p->after_end < 0 || dr->slots[p->after_end].state == SLOT_DONE))
			start_one(dr, i);
	}
}

/* A role that ends without ever being ready releases its dependants anyway: a server
 * that never listens must still meet its clients, whose RSTs are the evidence. */
static void update_ready(struct driver *dr)
{
	for (size_t i = 0; i < dr->n; i++) {
		const struct wc_plan_prog *p = &dr->d->plan->progs[i];
		struct slot *s = &dr->slots[i];
		if (s->ready || !p->awaited || s->state == SLOT_WAITING)
			continue;
		if (!s->proc) { /* could not be started: its note says why, and the run is unfit */
			s->ready = true;
			continue;
		}
		const struct wc_proc_result *r = wc_proc_result(s->proc);
		if (p->ready == WC_READY_NONE) {
			s->ready = s->state == SLOT_DONE || r->started;
			continue;
		}
		char why[WC_ERRBUF_SIZE];
		if (r->started && enter_host(dr, p->host, why) == 0 && wc_ready_port(p->ready, p->ready_port) == 1)
			s->ready = true;
		else if (s->state == SLOT_DONE) {
			s->ready = true;
			snprintf(s->note, sizeof s->note,
			         "ended without %s a %s socket on port %d; the programs waiting for it were started anyway",
			         p->ready == WC_READY_TCP ? "listening on" : "binding", p->ready == WC_READY_TCP ? "TCP" : "UDP",
			         p->ready_port);
		}
	}
}

static void poll_all(struct driver *dr)
{
	for (size_t i = 0; i < dr->n; i++) {
		struct slot *s = &dr->slots[i];
		if (s->state != SLOT_RUNNING)
			continue;
		char why[WC_ERRBUF_SIZE];
		int rc = wc_proc_poll(s->proc, why);
		if (rc < 0)
			note(s->note, sizeof s->note, "stopped by force: %s", why);
		if (rc != 0)
			s->state = SLOT_DONE;
	}
}

static bool faults_due(struct driver *dr)
{
	struct wc_drive *d = dr->d;
	if (!d->faults || d->fault_failed)
		return true;
	int64_t now_ns = (wc_proc_now_ms() - dr->t0_ms) * 1000000LL;
	if (wc_faults_tick(d->faults, now_ns, d->fault_why) == 0)
		return true;
	d->fault_failed = true;
	return false;
}

/* Over when every program nobody waits for has ended; when all are waited for, when all
 * have ended. */
static bool run_over(const struct driver *dr)
{
	bool any_free = false, free_running = false, any_running = false;
	for (size_t i = 0; i < dr->n; i++) {
		bool running = dr->slots[i].state != SLOT_DONE;
		any_running |= running;
		if (!dr->d->plan->progs[i].awaited) {
			any_free = true;
			free_running |= running;
		}
	}
	return any_free ? !free_running : !any_running;
}

static int wait_ms(const struct driver *dr, long long until_ms)
{
	long long now = wc_proc_now_ms();
	long long t = until_ms > now ? until_ms - now : 0;
	if (t > POLL_MAX_MS)
		t = POLL_MAX_MS;
	for (size_t i = 0; i < dr->n; i++) {
		const struct slot *s = &dr->slots[i];
		const struct wc_plan_prog *p = &dr->d->plan->progs[i];
		if (s->state == SLOT_RUNNING) {
			int pt = wc_proc_timeout_ms(s->proc);
			if (pt >= 0 && pt < t)
				t = pt;
			if (p->awaited && !s->ready && t > READY_POLL_MS)
				t = READY_POLL_MS;
		}
	}
	if (dr->d->faults && !dr->d->fault_failed) {
		int64_t next = wc_faults_next_ns(dr->d->faults);
		if (next >= 0) {
			long long at = dr->t0_ms + next / 1000000LL - now;
			if (at < t)
				t = at < 0 ? 0 : at;
		}
	}
	return (int)t;
}

static void sleep_on_programs(const struct driver *dr, int timeout_ms)
{
	struct pollfd fds[64];
	int n = 0;
	for (size_t i = 0; i < dr->n; i++)
		if (dr->slots[i].state == SLOT_RUNNING && n + WC_PROC_MAX_POLLFDS <= (int)(sizeof fds / sizeof *fds))
			n += wc_proc_pollfds(dr->slots[i].proc, fds + n, WC_PROC_MAX_POLLFDS);
	/* a failed or interrupted poll only shortens the wait: every state is polled anyway */
	(void)poll(fds, (nfds_t)n, timeout_ms);
}

static bool cancelled(const struct driver *dr)
{
	return dr->d->cancel && atomic_load(dr->d->cancel);
}

/* One turn of the loop: faults, programs, readiness, starts. false: the run must stop. */
static bool turn(struct driver *dr)
{
	if (cancelled(dr)) {
		dr->d->cancelled = true;
		return false;
	}
	if (!faults_due(dr))
		return false;
	poll_all(dr);
	update_ready(dr);
	start_due(dr);
	return true;
}

/* SIGTERM first, and the grace period a program needs to close its sockets cleanly
 * before SIGKILL. */
static void stop_all(struct driver *dr)
{
	for (size_t i = 0; i < dr->n; i++) {
		struct slot *s = &dr->slots[i];
		char why[WC_ERRBUF_SIZE];
		if (s->state == SLOT_WAITING)
			note(s->note, sizeof s->note, "never started: the run ended first");
		if (s->state == SLOT_RUNNING && wc_proc_stop(s->proc, WC_PROC_GRACE_MS, why) != 0)
			note(s->note, sizeof s->note, "stopping it failed: %s", why);
		s->state = SLOT_DONE;
	}
}

static void record_one(struct driver *dr, size_t i)
{
	const struct wc_plan_prog *p = &dr->d->plan->progs[i];
	struct slot *s = &dr->slots[i];
	char why[WC_ERRBUF_SIZE];
	struct wc_run_role *role = wc_run_add_role(dr->d->rec, p->role, p->argv[0], why);
	if (!role) {
		dr->status = wc_err(dr->errbuf, "%s", why);
		return;
	}
	note(role->note, sizeof role->note, "%s", s->note);
	const struct wc_proc_result *r = s->proc ? wc_proc_result(s->proc) : NULL;
	if (!r || !r->started)
		return;
	role->started = true;
	role->exited = r->status_known && r->exited;
	role->exit_status = role->exited ? r->exit_status : -1;
	role->term_signal = r->status_known && !r->exited ? r->term_signal : 0;
	role->timed_out = r->timed_out;
	role->stopped = r->stopped;
	role->wall_secs = (double)r->wall_ms / 1000.0;
	role->procs_left = r->procs_left;
	role->zombies = r->zombies;
	role->pid_ns = r->pid_namespace;
	if (wc_run_output_set(&role->out, r->out.data, r->out.len, r->out.dropped, why) != 0 ||
	    wc_run_output_set(&role->err, r->err.data, r->err.len, r->err.dropped, why) != 0) {
		dr->status = wc_err(dr->errbuf, "%s", why);
		return;
	}
	if (!p->trace_path)
		return;
	if (!(role->trace_path = strdup(p->trace_path)) || wc_trace_load(p->trace_path, &role->trace, why) != 0) {
		note(role->note, sizeof role->note, "its socket-call trace is unreadable: %s",
		         role->trace_path ? why : "out of memory");
		return;
	}
	role->traced = wc_trace_traced(&role->trace, -1);
}

static void *drive_thread(void *arg)
{
	struct driver *dr = arg;
	dr->t0_ms = wc_proc_now_ms();
	while (turn(dr) && !run_over(dr))
		sleep_on_programs(dr, wait_ms(dr, LLONG_MAX));
	long long last_end = wc_proc_now_ms();
	dr->d->run_secs = (double)(last_end - dr->t0_ms) / 1000.0;
	/* the servers' turn to finish on their own: late replies, FINs, exits after N clients */
	long long settle_until = last_end + WC_RUN_SETTLE_MS;
	bool any_running = true;
	while (!dr->d->cancelled && !dr->d->fault_failed && any_running && wc_proc_now_ms() < settle_until) {
		sleep_on_programs(dr, wait_ms(dr, settle_until));
		if (!turn(dr))
			break;
		any_running = false;
		for (size_t i = 0; i < dr->n; i++)
			any_running |= dr->slots[i].state == SLOT_RUNNING;
	}
	stop_all(dr);
	for (size_t i = 0; i < dr->n; i++)
		record_one(dr, i);
	for (size_t i = 0; i < dr->n; i++)
		wc_proc_free(dr->slots[i].proc);
	return NULL;
}

int wc_drive_run(struct wc_drive *d, char *errbuf)
{
	struct driver dr = {.d = d, .n = d->plan->count};
	if (dr.n && !(dr.slots = calloc(dr.n, sizeof *dr.slots)))
		return wc_err(errbuf, "out of memory");
	pthread_t t;
	int rc = pthread_create(&t, NULL, drive_thread, &dr);
	if (rc != 0) {
		free(dr.slots);
		return wc_err_errno(errbuf, rc, "cannot start the thread that runs the programs");
	}
	pthread_join(t, NULL);
	free(dr.slots);
	if (dr.status != 0)
		return wc_err(errbuf, "%s", dr.errbuf);
	return 0;
}
