/* tcp_server.c — tcp-server: the labs' TCP server; options, the listening socket (with the
 * classic mistakes on request) and the choice of server shape. */
#include "labs/tcp_server.h"

#include <getopt.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage[] =
	"Usage: tcp-server [OPTION]...\n"
	"A TCP server for socket-programming labs: it accepts clients, reads each client's\n"
	"stream until its end, answers every read, then closes the connection.\n"
	"\n"
	"Options (S: seconds, decimals allowed, such as 0.25):\n"
	"  --mode MODE       iterative (default), fork, fork-wait, fork-sigchld, select, thread\n"
	"  --port N          port to listen on (default 7007; 0: any free port)\n"
	"  --bind ADDR       local IPv4 or IPv6 address to listen on (default 0.0.0.0)\n"
	"  --no-htons        the classic mistake: store the port without htons()\n"
	"  --no-reuseaddr    do not set SO_REUSEADDR before bind()\n"
	"  --backlog N       the listen() backlog (default 5)\n"
	"  --delay-bind S    wait S between socket() and bind()\n"
	"  --delay-listen S  wait S between bind() and listen()\n"
	"  --delay-accept S  wait S between listen() and the first accept()\n"
	"  --no-accept       listen but never accept; wait until killed\n"
	"  --read-size N     bytes asked for in each recv() (default 1024)\n"
	"  --reply R         what to answer each read with: echo (default), none, fixed:TEXT\n"
	"  --no-read         never read a client: close it after --hold (with data unread,\n"
	"                    the kernel answers close() with RST)\n"
	"  --hold S          wait S after a client's end of stream before closing\n"
	"  --linger0         SO_LINGER on with 0 s on each client socket: close() sends RST\n"
	"  --ttl N           IP_TTL (IPv6: hop limit) N on the listening and client sockets\n"
	"  --clients N       exit 0 once N clients are served (default: serve forever)\n"
	"  --client-delay S  wait S after accepting a client before reading from it\n"
	"  --help            show this text and exit\n"
	"\n"
	"Modes: iterative serves one client after the other; fork starts a child per client\n"
	"and never waits for it (zombies remain); fork-wait reaps children with\n"
	"waitpid(WNOHANG) only when the next client arrives; fork-sigchld reaps them in a\n"
	"SIGCHLD handler; select serves every client from one loop; thread starts a detached\n"
	"thread per client. With --clients, plain fork exits once the Nth child is started.\n"
	"\n"
	"Lines on stdout:\n"
	"  bound to ADDR:PORT\n"
	"  listening on ADDR:PORT\n"
	"  listening on ADDR:PORT (port not converted with htons: really PORT)\n"
	"  not accepting connections                 (--no-accept)\n"
	"  accepted ADDR:PORT\n"
	"  child PID serves ADDR:PORT                (fork modes)\n"
	"  read N bytes from ADDR:PORT\n"
	"  sent N bytes to ADDR:PORT\n"
	"  end of stream from ADDR:PORT\n"
	"  closed ADDR:PORT\n"
	"  reaped child PID                          (fork-wait, fork-sigchld)\n"
	"  served N clients                          (--clients)\n"
	"Errors: \"CALL: reason\" on stderr and exit 1; a failed recv() or send() ends only\n"
	"that client. A bad command line exits 64.\n";

/* How the listening socket is made; the mistakes the labs show are options here. */
struct listen_opts {
	unsigned port;
	const char *bind;
	bool no_htons;
	bool no_reuseaddr;
	int backlog;
	double delay_bind, delay_listen, delay_accept;
	bool no_accept;
};

enum {
	OPT_MODE = 256, OPT_PORT, OPT_BIND, OPT_NO_HTONS, OPT_NO_REUSEADDR, OPT_BACKLOG,
	OPT_DELAY_BIND, OPT_DELAY_LISTEN, OPT_DELAY_ACCEPT, OPT_NO_ACCEPT, OPT_READ_SIZE,
	OPT_REPLY, OPT_NO_READ, OPT_HOLD, OPT_LINGER0, OPT_TTL, OPT_CLIENTS, OPT_CLIENT_DELAY,
	OPT_HELP,
};

static const struct option options[] = {
	{"mode", required_argument, NULL, OPT_MODE},
	{"port", required_argument, NULL, OPT_PORT},
	{"bind", required_argument, NULL, OPT_BIND},
	{"no-htons", no_argument, NULL, OPT_NO_HTONS},
	{"no-reuseaddr", no_argument, NULL, OPT_NO_REUSEADDR},
	{"backlog", required_argument, NULL, OPT_BACKLOG},
	{"delay-bind", required_argument, NULL, OPT_DELAY_BIND},
	{"delay-listen", required_argument, NULL, OPT_DELAY_LISTEN},
	{"delay-accept", required_argument, NULL, OPT_DELAY_ACCEPT},
	{"no-accept", no_argument, NULL, OPT_NO_ACCEPT},
	{"read-size", required_argument, NULL, OPT_READ_SIZE},
	{"reply", required_argument, NULL, OPT_REPLY},
	{"no-read", no_argument, NULL, OPT_NO_READ},
	{"hold", required_argument, NULL, OPT_HOLD},
	{"linger0", no_argument, NULL, OPT_LINGER0},
	{"ttl", required_argument, NULL, OPT_TTL},
	{"clients", required_argument, NULL, OPT_CLIENTS},
	{"client-delay", required_argument, NULL, OPT_CLIENT_DELAY},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static const char *const mode_names[] = {
	[MODE_ITERATIVE] = "iterative", [MODE_FORK] = "fork", [MODE_FORK_WAIT] = "fork-wait",
	[MODE_FORK_SIGCHLD] = "fork-sigchld", [MODE_SELECT] = "select", [MODE_THREAD] = "thread",
};

static enum tcp_mode parse_mode(const char *text)
{
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++)
		if (strcmp(text, mode_names[i]) == 0)
			return (enum tcp_mode)i;
	lab_usage_error("--mode: '%s' is none of iterative, fork, fork-wait, fork-sigchld, select, thread", text);
}

static void parse_options(int argc, char **argv, struct tcp_server_opts *o, struct listen_opts *l)
{
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_MODE: o->mode = parse_mode(optarg); break;
		case OPT_PORT: l->port = (unsigned)lab_number("--port", optarg, 0, 65535); break;
		case OPT_BIND: l->bind = optarg; break;
		case OPT_NO_HTONS: l->no_htons = true; break;
		case OPT_NO_REUSEADDR: l->no_reuseaddr = true; break;
		case OPT_BACKLOG: l->backlog = (int)lab_number("--backlog", optarg, 0, 65535); break;
		case OPT_DELAY_BIND: l->delay_bind = lab_seconds("--delay-bind", optarg); break;
		case OPT_DELAY_LISTEN: l->delay_listen = lab_seconds("--delay-listen", optarg); break;
		case OPT_DELAY_ACCEPT: l->delay_accept = lab_seconds("--delay-accept", optarg); break;
		case OPT_NO_ACCEPT: l->no_accept = true; break;
		case OPT_READ_SIZE:
			o->read_size = (size_t)lab_number("--read-size", optarg, 1, LAB_SIZE_MAX);
			break;
		case OPT_REPLY: lab_reply_parse("--reply", optarg, &o->reply); break;
		case OPT_NO_READ: o->no_read = true; break;
		case OPT_HOLD: o->hold = lab_seconds("--hold", optarg); break;
		case OPT_LINGER0: o->linger0 = true; break;
		case OPT_TTL: o->ttl = (int)lab_number("--ttl", optarg, 1, 255); break;
		case OPT_CLIENTS: o->clients = lab_number("--clients", optarg, 1, 1000000); break;
		case OPT_CLIENT_DELAY: o->client_delay = lab_seconds("--client-delay", optarg); break;
		case OPT_HELP: lab_help(usage);
		default: lab_bad_option(argv);
		}
	}
	if (optind < argc)
		lab_usage_error("unexpected argument '%s'", argv[optind]);
}

/* socket, SO_REUSEADDR, bind, listen — with the waits and mistakes asked for. */
static int open_listener(const struct tcp_server_opts *o, const struct listen_opts *l)
{
	struct lab_addr a;
	lab_address("--bind", l->bind, l->port, &a);
	if (l->no_htons) {
		/* The mistake on purpose: the port in host byte order where the kernel expects
		 * network byte order. On a little-endian machine 7007 (0x1B5F) is read as
		 * 0x5F1B, so the server listens on port 24347. */
		if (a.ss.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&a.ss)->sin6_port = (uint16_t)l->port;
		else
			((struct sockaddr_in *)&a.ss)->sin_port = (uint16_t)l->port;
	}

	int fd = socket(a.ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		lab_die("socket");
	/* Without SO_REUSEADDR, bind() fails with EADDRINUSE while a connection of an
	 * earlier server on this port is still in TIME_WAIT. */
	int on = 1;
	if (!l->no_reuseaddr && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
		lab_die("setsockopt SO_REUSEADDR");
	/* Accepted sockets inherit the option; set here, it reaches the SYN-ACK too. */
	if (o->ttl >= 0)
		lab_set_ttl(fd, a.ss.ss_family, o->ttl);

	if (l->delay_bind > 0)
		lab_sleep(l->delay_bind);
	if (bind(fd, (struct sockaddr *)&a.ss, a.len) < 0)
		lab_die("bind");
	char local[LAB_ADDR_MAX];
	lab_local_str(fd, local);
	lab_log("bound to %s", local);

	/* Bound but not listening: a SYN to the port is answered with RST. */
	if (l->delay_listen > 0)
		lab_sleep(l->delay_listen);
	if (listen(fd, l->backlog) < 0)
		lab_die("listen");
	if (l->no_htons) {
		/* Log the port the program meant next to the one the kernel took. */
		struct lab_addr meant;
		lab_address("--bind", l->bind, l->port, &meant);
		char want[LAB_ADDR_MAX];
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			lab_die("getsockname");
		lab_log("listening on %s (port not converted with htons: really %u)",
		        lab_addr_str((struct sockaddr *)&meant.ss, want), lab_addr_port((struct sockaddr *)&ss));
	} else
		lab_log("listening on %s", local);
	return fd;
}

int main(int argc, char **argv)
{
	lab_start("tcp-server");
	struct tcp_server_opts o = {.mode = MODE_ITERATIVE, .read_size = 1024, .ttl = -1,
	                            .reply = {.kind = LAB_REPLY_ECHO}};
	struct listen_opts l = {.port = LAB_DEFAULT_PORT, .bind = "0.0.0.0", .backlog = 5};
	parse_options(argc, argv, &o, &l);

	int lfd = open_listener(&o, &l);
	if (l.no_accept) {
		/* The kernel still completes handshakes into the queue, up to the backlog;
		 * SYNs beyond it go unanswered. */
		lab_log("not accepting connections");
		for (;;)
			pause();
	}
	/* Listening but not accepting yet: handshakes complete, data waits in the kernel. */
	if (l.delay_accept > 0)
		lab_sleep(l.delay_accept);

	switch (o.mode) {
	case MODE_ITERATIVE: tcp_serve_iterative(&o, lfd); break;
	case MODE_FORK:
	case MODE_FORK_WAIT:
	case MODE_FORK_SIGCHLD: tcp_serve_fork(&o, lfd); break;
	case MODE_SELECT: tcp_serve_select(&o, lfd); break;
	case MODE_THREAD: tcp_serve_thread(&o, lfd); break;
	}
	close(lfd);
	lab_log("served %ld clients", o.clients);
	return 0;
}
