/* netns.c — network namespaces held by fds, entered from helper threads (see netns.h). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open namespace fds, stored as fd + 1 so that a zeroed slot is free. A fixed table of
 * atomics, not a list, so that the signal-handler cleanup needs no lock. */
#define WC_NETNS_MAX 256
static atomic_int registry[WC_NETNS_MAX];

static bool remember(int fd)
{
	for (size_t i = 0; i < WC_NETNS_MAX; i++) {
		int free_slot = 0;
		if (atomic_compare_exchange_strong(&registry[i], &free_slot, fd + 1))
			return true;
	}
	return false;
}

static void forget(int fd)
{
	for (size_t i = 0; i < WC_NETNS_MAX; i++) {
		int held = fd + 1;
		if (atomic_compare_exchange_strong(&registry[i], &held, 0))
			return;
	}
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)len ? 0 : -1;
}

/* The work of one helper thread: enter (or, with fd -1, create) a namespace and run a
 * function there. The thread ends afterwards, so no thread of the process stays moved. */
struct job {
	int fd;
	int (*fn)(void *arg, char *errbuf);
	void *arg;
	char *errbuf;
	int result;
};

static void *job_thread(void *p)
{
	struct job *j = p;
	if (j->fd < 0) {
		if (unshare(CLONE_NEWNET) != 0) {
			j->result = wc_err_errno(j->errbuf, errno, "unshare(CLONE_NEWNET)");
			return NULL;
		}
	} else if (setns(j->fd, CLONE_NEWNET) != 0) {
		j->result = wc_err_errno(j->errbuf, errno, "setns into network namespace");
		return NULL;
	}
	j->result = j->fn(j->arg, j->errbuf);
	return NULL;
}

static int run_job(struct job *j)
{
	pthread_t th;
	int rc = pthread_create(&th, NULL, job_thread, j);
	if (rc != 0)
		return wc_err_errno(j->errbuf, rc, "cannot start a namespace helper thread");
	pthread_join(th, NULL);
	return j->result;
}

static int open_own_netns(void *arg, char *errbuf)
{
	(void)arg;
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wc_err_errno(errbuf, errno, "open /proc/thread-self/ns/net");
	return fd;
}

struct socket_args {
	int domain, type, protocol;
};

static int open_socket(void *arg, char *errbuf)
{
	const struct socket_args *a = arg;
	int s = socket(a->domain, a->type | SOCK_CLOEXEC, a->protocol);
	if (s < 0)
		return wc_err_errno(errbuf, errno, "socket in namespace");
	return s;
}

int wc_netns_init(bool *userns, char *errbuf)
{
	*userns = false;
	if (geteuid() == 0)
		return 0;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER) != 0)
		return wc_err_errno(errbuf, errno,
		                    "not root and no unprivileged user namespace: unshare(CLONE_NEWUSER)");
	char map[64];
	if (write_text("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
		return wc_err_errno(errbuf, errno, "user namespace: write /proc/self/setgroups");
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
	if (write_text("/proc/self/uid_map", map) != 0)
		return wc_err_errno(errbuf, errno, "user namespace: write /proc/self/uid_map");
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
	if (write_text("/proc/self/gid_map", map) != 0)
		return wc_err_errno(errbuf, errno, "user namespace: write /proc/self/gid_map");
	*userns = true;
	return 0;
}

int wc_netns_create(char *errbuf)
{
	struct job j = {.fd = -1, .fn = open_own_netns, .errbuf = errbuf};
	int fd = run_job(&j);
	if (fd < 0)
		return -1;
	if (!remember(fd)) {
		close(fd);
		return wc_err(errbuf, "more than %d network namespaces open at once", WC_NETNS_MAX);
	}
	return fd;
}

int wc_netns_run(int fd, int (*fn)(void *arg, char *errbuf), void *arg, char *errbuf)
{
	if (fd < 0)
		return wc_err(errbuf, "no network namespace to enter");
	struct job j = {.fd = fd, .fn = fn, .arg = arg, .errbuf = errbuf};
	return run_job(&j);
}

int wc_netns_socket(int fd, int domain, int type, int protocol, char *errbuf)
{
	struct socket_args a = {domain, type, protocol};
	return wc_netns_run(fd, open_socket, &a, errbuf);
}

ino_t wc_netns_inode(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

void wc_netns_destroy(int fd)
{
	if (fd < 0)
		return;
	forget(fd);
	close(fd);
}

void wc_netns_cleanup(void)
{
	for (size_t i = 0; i < WC_NETNS_MAX; i++) {
		int held = atomic_exchange(&registry[i], 0);
		if (held > 0)
			close(held - 1);
	}
}
