/* faults.c — cut, restore and drop faults as nftables rules in the link namespace. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "errbuf.h"
#include "faults.h"
#include "faults_internal.h"
#include "faults_sched.h"

#define TABLE "bridge wirecheck"
/* numgen's modulus: large enough that its counter never wraps during a run. */
#define NUMGEN_MOD 2147483647u
#define CMD_SIZE 2048

struct slot {
	enum wc_fault_kind_id kind;
	bool active;
};

struct wc_faults {
	int netns_fd;
	struct nft_ctx *nft;
	bool table;
	struct slot *slots;
	size_t nslots, cap;
	struct wc_fault_sched sched;
};

struct ns_job {
	int netns_fd;
	int (*fn)(void *);
	void *arg;
	char *errbuf;
	int rc;
};

static void *ns_job_thread(void *p)
{
	struct ns_job *job = p;
	if (setns(job->netns_fd, CLONE_NEWNET) != 0)
		job->rc = wc_err_errno(job->errbuf, errno, "enter the link namespace");
	else
		job->rc = job->fn(job->arg);
	return NULL;
}

/* Runs fn on a short-lived thread inside the link namespace: coming back by setns would
 * be refused where the runner lives in a user namespace of its own (its first namespace
 * belongs to the initial user namespace), and a thread that ends needs no way back. */
static int in_link_ns(int netns_fd, int (*fn)(void *), void *arg, char *errbuf)
{
	struct ns_job job = {netns_fd, fn, arg, errbuf, -1};
	pthread_t th;
	int e = pthread_create(&th, NULL, ns_job_thread, &job);
	if (e != 0)
		return wc_err_errno(errbuf, e, "pthread_create");
	pthread_join(th, NULL);
	return job.rc;
}

struct nft_call {
	struct wc_faults *f;
	const char *cmd;
	char *errbuf;
};

/* The context is made inside the namespace too, in case libnftables opens its netlink
 * socket at creation rather than per command. */
static int nft_call_here(void *arg)
{
	struct nft_call *c = arg;
	if (!c->f->nft) {
		c->f->nft = nft_ctx_new(NFT_CTX_DEFAULT);
		if (!c->f->nft)
			return wc_err(c->errbuf, "libnftables: cannot create a context");
		/* buffered, so the library never prints */
		if (nft_ctx_buffer_output(c->f->nft) != 0 || nft_ctx_buffer_error(c->f->nft) != 0)
			return wc_err(c->errbuf, "libnftables: cannot buffer its output");
	}
	if (nft_run_cmd_from_buffer(c->f->nft, c->cmd) == 0)
		return 0;
	const char *msg = nft_ctx_get_error_buffer(c->f->nft);
	size_t len = msg ? strcspn(msg, "\n") : 0;
	return wc_err(c->errbuf, "nftables refused \"%.*s\": %.*s", (int)strcspn(c->cmd, "\n"), c->cmd,
	              (int)len, msg ? msg : "");
}

static int nft_run(struct wc_faults *f, const char *cmd, char *errbuf)
{
	struct nft_call c = {f, cmd, errbuf};
	return in_link_ns(f->netns_fd, nft_call_here, &c, errbuf);
}

static int new_slot(struct wc_faults *f, enum wc_fault_kind_id kind, char *errbuf)
{
	if (f->nslots == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct slot *s = realloc(f->slots, cap * sizeof *s);
		if (!s)
			return wc_err(errbuf, "out of memory");
		f->slots = s;
		f->cap = cap;
	}
	f->slots[f->nslots] = (struct slot){kind, false};
	return (int)f->nslots++;
}

/* Appends to cmd; -1 when it would not fit. */
static int add_line(char *cmd, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int add_line(char *cmd, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(cmd + *len, CMD_SIZE - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= CMD_SIZE - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

/* One batch, so a fault is either wholly in force or not at all. */
static int apply_rules(struct wc_faults *f, const struct wc_fault_spec *spec, int id, char *errbuf)
{
	char cmd[CMD_SIZE];
	size_t len = 0;
	int bad = add_line(cmd, &len, "add chain " TABLE " f%d\n", id);
	if (spec->kind == WC_FAULT_CUT) {
		bad |= add_line(cmd, &len, "add rule " TABLE " f%d drop\n", id);
	} else {
		struct wc_match_alts alts;
		if (wc_faults_match_compile(spec->match, &alts, errbuf) != 0)
			return -1;
		if (spec->index > NUMGEN_MOD)
			return wc_err(errbuf, "drop index %llu is too large (at most %u)",
			              (unsigned long long)spec->index, NUMGEN_MOD);
		/* every alternative leads to one counting rule, so a packet counts once */
		const char *verdict = "drop";
		char go[32];
		if (spec->index) {
			bad |= add_line(cmd, &len, "add chain " TABLE " f%d_nth\n", id);
			bad |= add_line(cmd, &len, "add rule " TABLE " f%d_nth numgen inc mod %u == %llu drop\n", id,
			                NUMGEN_MOD, (unsigned long long)(spec->index - 1));
			snprintf(go, sizeof go, "goto f%d_nth", id);
			verdict = go;
		}
		for (size_t i = 0; i < alts.n; i++)
			bad |= add_line(cmd, &len, "add rule " TABLE " f%d %s %s\n", id, alts.alt[i], verdict);
	}
	bad |= add_line(cmd, &len, "add rule " TABLE " forward jump f%d\n", id);
	if (bad)
		return wc_err(errbuf, "fault rules too long");
	return nft_run(f, cmd, errbuf);
}

/* Flushing the fault's chain leaves the jump to it a no-op, so no rule handle is needed. */
static int end_slot(struct wc_faults *f, int id, char *errbuf)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "flush chain " TABLE " f%d\n", id);
	if (nft_run(f, cmd, errbuf) != 0)
		return -1;
	f->slots[id].active = false;
	return 0;
}

static int restore_all(struct wc_faults *f, char *errbuf)
{
	for (size_t i = 0; i < f->nslots; i++)
		if (f->slots[i].active && f->slots[i].kind == WC_FAULT_CUT && end_slot(f, (int)i, errbuf) != 0)
			return -1;
	return 0;
}

struct wc_faults *wc_faults_new(int link_netns_fd, char *errbuf)
{
	struct wc_faults *f = calloc(1, sizeof *f);
	if (!f) {
		wc_err(errbuf, "out of memory");
		return NULL;
	}
	f->netns_fd = fcntl(link_netns_fd, F_DUPFD_CLOEXEC, 0);
	if (f->netns_fd < 0) {
		wc_err_errno(errbuf, errno, "link namespace descriptor %d", link_netns_fd);
		free(f);
		return NULL;
	}
	/* add-then-delete empties a table left by an earlier run in the same namespace */
	static const char setup[] = "add table " TABLE "\n"
	                            "delete table " TABLE "\n"
	                            "add table " TABLE "\n"
	                            "add chain " TABLE " forward { type filter hook forward priority 0; "
	                            "policy accept; }\n";
	if (nft_run(f, setup, errbuf) != 0) {
		wc_faults_free(f);
		return NULL;
	}
	f->table = true;
	return f;
}

int wc_faults_apply(struct wc_faults *f, const struct wc_fault_spec *spec, char *errbuf)
{
	switch (spec->kind) {
	case WC_FAULT_RESTORE:
		return restore_all(f, errbuf) == 0 ? 0 : -1;
	case WC_FAULT_NETEM: {
		char why[WC_ERRBUF_SIZE];
		if (!wc_netem_available(why)) {
			wc_err(errbuf, "unavailable: %s", why);
			return WC_FAULT_UNAVAILABLE;
		}
		wc_err(errbuf, "unavailable: netem faults are not applied by this version of wirecheck");
		return WC_FAULT_UNAVAILABLE;
	}
	case WC_FAULT_CUT:
	case WC_FAULT_DROP:
		break;
	default:
		return wc_err(errbuf, "unknown fault kind %d", (int)spec->kind);
	}
	if (!f->table)
		return wc_err(errbuf, "faults already cleared");
	int id = new_slot(f, spec->kind, errbuf);
	if (id < 0 || apply_rules(f, spec, id, errbuf) != 0)
		return -1;
	f->slots[id].active = true;
	return id;
}

int wc_faults_end(struct wc_faults *f, int id, char *errbuf)
{
	if (id < 0 || (size_t)id >= f->nslots)
		return wc_err(errbuf, "no fault %d", id);
	if (!f->slots[id].active)
		return 0;
	return end_slot(f, id, errbuf);
}

int wc_faults_schedule(struct wc_faults *f, json_object *faults, double time_scale, char *errbuf)
{
	return wc_fault_sched_load(&f->sched, faults, time_scale, errbuf);
}

int wc_faults_tick(struct wc_faults *f, int64_t now_ns, char *errbuf)
{
	return wc_fault_sched_run(&f->sched, f, now_ns, errbuf);
}

int64_t wc_faults_next_ns(const struct wc_faults *f)
{
	return wc_fault_sched_next(&f->sched);
}

int wc_faults_clear(struct wc_faults *f, char *errbuf)
{
	if (!f->table)
		return 0;
	if (nft_run(f, "delete table " TABLE "\n", errbuf) != 0)
		return -1;
	f->table = false;
	for (size_t i = 0; i < f->nslots; i++)
		f->slots[i].active = false;
	return 0;
}

void wc_faults_free(struct wc_faults *f)
{
	if (!f)
		return;
	char errbuf[WC_ERRBUF_SIZE];
	wc_faults_clear(f, errbuf);
	if (f->nft)
		nft_ctx_free(f->nft);
	wc_fault_sched_free(&f->sched);
	free(f->slots);
	close(f->netns_fd);
	free(f);
}
