/* supervise_tree.c — find a program's descendants and zombies by reading /proc. */
#include "supervise_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parent chains are walked at most this deep, so a pid reused mid-scan cannot loop. */
#define MAX_DEPTH 4096

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct wc_tree_proc *)a)->pid, y = ((const struct wc_tree_proc *)b)->pid;
	return (x > y) - (x < y);
}

/* "pid (comm) S ppid ...": comm may hold spaces and parentheses, so parse after the last ')'. */
static int read_stat(pid_t pid, struct wc_tree_proc *out)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	int ppid;
	char state;
	if (!rp || sscanf(rp + 1, " %c %d", &state, &ppid) != 2)
		return -1;
	out->pid = pid;
	out->ppid = (pid_t)ppid;
	out->state = state;
	return 0;
}

static int push(struct wc_tree *t, const struct wc_tree_proc *p)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct wc_tree_proc *v = realloc(t->procs, cap * sizeof *v);
		if (!v)
			return -1;
		t->procs = v;
		t->cap = cap;
	}
	t->procs[t->n++] = *p;
	return 0;
}

static bool descends_from(const struct wc_tree *all, const struct wc_tree_proc *p, pid_t root)
{
	for (int depth = 0; depth < MAX_DEPTH && p; depth++) {
		if (p->ppid == root)
			return true;
		if (p->ppid <= 1)
			return false;
		struct wc_tree_proc key = {.pid = p->ppid};
		p = bsearch(&key, all->procs, all->n, sizeof key, by_pid);
	}
	return false;
}

int wc_tree_scan(struct wc_tree *t, pid_t root, char *errbuf)
{
	struct wc_tree all = {0};
	t->n = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return wc_err_errno(errbuf, errno, "opendir /proc");
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct wc_tree_proc p;
		if (*end || pid <= 0 || read_stat((pid_t)pid, &p) != 0)
			continue; /* not a process, or gone since readdir */
		if (push(&all, &p) != 0) {
			rc = wc_err(errbuf, "out of memory reading /proc");
			break;
		}
	}
	closedir(d);
	if (rc == 0) {
		qsort(all.procs, all.n, sizeof *all.procs, by_pid);
		for (size_t i = 0; i < all.n && rc == 0; i++)
			if (all.procs[i].pid != root && descends_from(&all, &all.procs[i], root) &&
			    push(t, &all.procs[i]) != 0)
				rc = wc_err(errbuf, "out of memory reading /proc");
	}
	wc_tree_free(&all);
	return rc;
}

size_t wc_tree_zombies(const struct wc_tree *t)
{
	size_t z = 0;
	for (size_t i = 0; i < t->n; i++)
		z += t->procs[i].state == 'Z';
	return z;
}

size_t wc_tree_kill(const struct wc_tree *t, int signo)
{
	size_t sent = 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->procs[i].state != 'Z' && kill(t->procs[i].pid, signo) == 0)
			sent++;
	return sent;
}

void wc_tree_free(struct wc_tree *t)
{
	free(t->procs);
	t->procs = NULL;
	t->n = t->cap = 0;
}
