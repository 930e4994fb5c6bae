/* tcp_server_modes.c — tcp-server's accept loops: iterative, a process per client (three
 * ways of reaping, one of them none at all) and a thread per client. */
#include "labs/tcp_server.h"
#include "labs/labs_threads.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- a process per client ---- */

/* "reaped child PID" written with write() alone: a signal handler may call nothing that
 * could be interrupted halfway (printf, malloc), see signal-safety(7). */
static void log_reaped_from_handler(pid_t pid)
{
	static const char head[] = "reaped child ";
	char line[sizeof head + 24];
	char digits[24];
	size_t n = 0, len = sizeof head - 1;
	unsigned long v = (unsigned long)pid;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	for (size_t i = 0; i < len; i++)
		line[i] = head[i];
	while (n > 0)
		line[len++] = digits[--n];
	line[len++] = '\n';
	ssize_t w = write(STDOUT_FILENO, line, len);
	(void)w;
}

/* fork-sigchld: the kernel sends SIGCHLD when a child exits. One signal may stand for
 * several children (signals of a kind do not queue), hence the loop; WNOHANG stops it
 * when none is left to reap. waitpid() changes errno, which the interrupted code may
 * be about to read. */
static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		log_reaped_from_handler(pid);
	errno = saved;
}

static void install_sigchld_handler(void)
{
	struct sigaction sa = {.sa_handler = on_sigchld};
	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: accept() and recv() continue after the handler instead of failing
	 * with EINTR. */
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		lab_die("sigaction");
}

/* fork-wait: reap whatever children have exited by now, without blocking. Called only
 * when accept() returns, so a finished child stays a zombie until the next client. */
static void reap_finished(void)
{
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		lab_log("reaped child %ld", (long)pid);
}

/* --clients reached: wait for the children still serving, so that the server exits only
 * once every client is served. SIGCHLD is blocked so the handler cannot take a child
 * from under this loop. */
static void reap_all(void)
{
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (;;) {
		pid_t pid = waitpid(-1, NULL, 0);
		if (pid > 0)
			lab_log("reaped child %ld", (long)pid);
		else if (errno != EINTR)
			break; /* ECHILD: none left */
	}
}

void tcp_serve_fork(const struct tcp_server_opts *o, int lfd)
{
	if (o->mode == MODE_FORK_SIGCHLD)
		install_sigchld_handler();
	for (long n = 0; o->clients == 0 || n < o->clients; n++) {
		char peer[LAB_ADDR_MAX];
		int fd = lab_accept(lfd, peer);
		if (o->mode == MODE_FORK_WAIT)
			reap_finished();
		pid_t pid = fork();
		if (pid < 0)
			lab_die("fork");
		if (pid == 0) {
			/* The child serves this one client; the listening socket is the parent's. */
			close(lfd);
			tcp_client_serve(o, fd, peer);
			exit(0);
		}
		lab_log("child %ld serves %s", (long)pid, peer);
		/* The parent's copy of the connection: kept open, it would stop the child's
		 * close() from ending the connection. */
		close(fd);
	}
	/* Plain fork never waits, not even here: its children are left to whoever
	 * inherits them. */
	if (o->mode != MODE_FORK)
		reap_all();
}

/* ---- one client after the other ---- */

void tcp_serve_iterative(const struct tcp_server_opts *o, int lfd)
{
	for (long n = 0; o->clients == 0 || n < o->clients; n++) {
		char peer[LAB_ADDR_MAX];
		int fd = lab_accept(lfd, peer);
		tcp_client_serve(o, fd, peer);
	}
}

/* ---- a thread per client ---- */

struct client_thread {
	const struct tcp_server_opts *o;
	int fd;
	char peer[LAB_ADDR_MAX];
};

static void *client_thread(void *arg)
{
	struct client_thread *c = arg;
	tcp_client_serve(c->o, c->fd, c->peer);
	free(c);
	lab_thread_done();
	return NULL;
}

void tcp_serve_thread(const struct tcp_server_opts *o, int lfd)
{
	for (long n = 0; o->clients == 0 || n < o->clients; n++) {
		struct client_thread *c = malloc(sizeof *c);
		if (!c)
			lab_die("malloc");
		c->o = o;
		c->fd = lab_accept(lfd, c->peer);
		lab_thread_start(client_thread, c);
	}
	lab_threads_wait(o->clients);
}
