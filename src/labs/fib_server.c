/* fib_server.c — fib-server: the labs' Fibonacci line service; a client sends "N\n" and
 * gets the first N Fibonacci numbers, one per line, slowly enough that an iterative server
 * visibly makes the next client wait while a forked or threaded one overlaps them. */
#include "labs/labs_common.h"
#include "labs/labs_threads.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"Usage: fib-server [OPTION]...\n"
	"The Fibonacci line service of the socket-programming labs: a client sends one line\n"
	"\"N\\n\" (N from 0 to 93); the server answers with the first N Fibonacci numbers, one\n"
	"per line (0, 1, 1, 2, 3, ...), pausing between lines, then closes.\n"
	"\n"
	"Options (S: seconds, decimals allowed, such as 0.25):\n"
	"  --mode MODE     iterative (default): one client after the other; fork: a child\n"
	"                  per client, reaped by a SIGCHLD handler; thread: a detached thread\n"
	"                  per client\n"
	"  --port N        port to listen on (default 7007; 0: any free port)\n"
	"  --bind ADDR     local IPv4 or IPv6 address to listen on (default 0.0.0.0)\n"
	"  --line-delay S  pause S between two lines of an answer (default 0.2)\n"
	"  --clients N     exit 0 once N clients are served (default: serve forever)\n"
	"  --help          show this text and exit\n"
	"\n"
	"Lines on stdout:\n"
	"  listening on ADDR:PORT\n"
	"  accepted ADDR:PORT\n"
	"  client ADDR:PORT asked for N\n"
	"  bad request from ADDR:PORT\n"
	"  done with ADDR:PORT\n"
	"  served N clients                          (--clients)\n"
	"Errors: \"CALL: reason\" on stderr and exit 1; a failed recv() or send() ends only\n"
	"that client. A bad command line exits 64.\n";

/* F(93) is the last Fibonacci number an unsigned 64-bit integer holds. */
#define FIB_MAX 93
#define REQUEST_MAX 32

enum fib_mode { FIB_ITERATIVE, FIB_FORK, FIB_THREAD };

struct fib_opts {
	enum fib_mode mode;
	unsigned port;
	const char *bind;
	double line_delay;
	long clients; /* 0: forever */
};

enum { OPT_MODE = 256, OPT_PORT, OPT_BIND, OPT_LINE_DELAY, OPT_CLIENTS, OPT_HELP };

static const struct option options[] = {
	{"mode", required_argument, NULL, OPT_MODE},
	{"port", required_argument, NULL, OPT_PORT},
	{"bind", required_argument, NULL, OPT_BIND},
	{"line-delay", required_argument, NULL, OPT_LINE_DELAY},
	{"clients", required_argument, NULL, OPT_CLIENTS},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void parse_options(int argc, char **argv, struct fib_opts *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_MODE:
			if (strcmp(optarg, "iterative") == 0)
				o->mode = FIB_ITERATIVE;
			else if (strcmp(optarg, "fork") == 0)
				o->mode = FIB_FORK;
			else if (strcmp(optarg, "thread") == 0)
				o->mode = FIB_THREAD;
			else
				lab_usage_error("--mode: '%s' is none of iterative, fork, thread", optarg);
			break;
		case OPT_PORT: o->port = (unsigned)lab_number("--port", optarg, 0, 65535); break;
		case OPT_BIND: o->bind = optarg; break;
		case OPT_LINE_DELAY: o->line_delay = lab_seconds("--line-delay", optarg); break;
		case OPT_CLIENTS: o->clients = lab_number("--clients", optarg, 1, 1000000); break;
		case OPT_HELP: lab_help(usage);
		default: lab_bad_option(argv);
		}
	}
	if (optind < argc)
		lab_usage_error("unexpected argument '%s'", argv[optind]);
}

/* Reads the request line; -1 when it is missing, not a number, or out of range. A line
 * may arrive in several pieces: TCP keeps no message boundaries. */
static long read_request(int fd)
{
	char line[REQUEST_MAX];
	size_t used = 0;
	while (used < sizeof line - 1 && !memchr(line, '\n', used)) {
		ssize_t n = recv(fd, line + used, sizeof line - 1 - used, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lab_warn("recv");
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	line[used] = '\0';
	char *end;
	errno = 0;
	long v = strtol(line, &end, 10);
	if (end == line || *end != '\n' || errno == ERANGE || v < 0 || v > FIB_MAX)
		return -1;
	return v;
}

static void serve_client(const struct fib_opts *o, int fd, const char *peer)
{
	long n = read_request(fd);
	if (n < 0)
		lab_log("bad request from %s", peer);
	else
		lab_log("client %s asked for %ld", peer, n);
	unsigned long long a = 0, b = 1;
	for (long i = 0; i < n; i++) {
		if (i > 0)
			lab_sleep(o->line_delay);
		char line[32];
		int len = snprintf(line, sizeof line, "%llu\n", a);
		if (lab_send_all(fd, line, (size_t)len) < 0) {
			lab_warn("send");
			break;
		}
		unsigned long long next = a + b;
		a = b;
		b = next;
	}
	close(fd);
	lab_log("done with %s", peer);
}

/* ---- fork: a child per client, reaped as soon as it exits ---- */

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno; /* waitpid() may change it under the interrupted code */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static void serve_forked(const struct fib_opts *o, int lfd)
{
	struct sigaction sa = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) < 0)
		lab_die("sigaction");
	for (long n = 0; o->clients == 0 || n < o->clients; n++) {
		char peer[LAB_ADDR_MAX];
		int fd = lab_accept(lfd, peer);
		pid_t pid = fork();
		if (pid < 0)
			lab_die("fork");
		if (pid == 0) {
			close(lfd);
			serve_client(o, fd, peer);
			exit(0);
		}
		close(fd);
	}
	/* --clients reached: wait for the children still answering. SIGCHLD is blocked so
	 * the handler cannot take them from under this loop. */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

/* ---- thread: a detached thread per client ---- */

struct fib_thread {
	const struct fib_opts *o;
	int fd;
	char peer[LAB_ADDR_MAX];
};

static void *client_thread(void *arg)
{
	struct fib_thread *t = arg;
	serve_client(t->o, t->fd, t->peer);
	free(t);
	lab_thread_done();
	return NULL;
}

static void serve_threaded(const struct fib_opts *o, int lfd)
{
	for (long n = 0; o->clients == 0 || n < o->clients; n++) {
		struct fib_thread *t = malloc(sizeof *t);
		if (!t)
			lab_die("malloc");
		t->o = o;
		t->fd = lab_accept(lfd, t->peer);
		lab_thread_start(client_thread, t);
	}
	lab_threads_wait(o->clients);
}

static void serve_iterative(const struct fib_opts *o, int lfd)
{
	for (long n = 0; o->clients == 0 || n < o->clients; n++) {
		char peer[LAB_ADDR_MAX];
		int fd = lab_accept(lfd, peer);
		serve_client(o, fd, peer);
	}
}

int main(int argc, char **argv)
{
	lab_start("fib-server");
	struct fib_opts o = {.mode = FIB_ITERATIVE, .port = LAB_DEFAULT_PORT, .bind = "0.0.0.0",
	                     .line_delay = 0.2};
	parse_options(argc, argv, &o);

	struct lab_addr a;
	lab_address("--bind", o.bind, o.port, &a);
	int lfd = socket(a.ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0)
		lab_die("socket");
	int on = 1;
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
		lab_die("setsockopt SO_REUSEADDR");
	if (bind(lfd, (struct sockaddr *)&a.ss, a.len) < 0)
		lab_die("bind");
	if (listen(lfd, 5) < 0)
		lab_die("listen");
	char local[LAB_ADDR_MAX];
	lab_log("listening on %s", lab_local_str(lfd, local));

	switch (o.mode) {
	case FIB_ITERATIVE: serve_iterative(&o, lfd); break;
	case FIB_FORK: serve_forked(&o, lfd); break;
	case FIB_THREAD: serve_threaded(&o, lfd); break;
	}
	close(lfd);
	lab_log("served %ld clients", o.clients);
	return 0;
}
