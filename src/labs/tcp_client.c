/* tcp_client.c — tcp-client: the labs' TCP client; connects, writes messages of the labs'
 * pattern (AAA…, BBB…), reads the replies (blocking, non-blocking or with a timeout), and
 * closes, with shutdown(SHUT_WR), SO_LINGER 0 or IP_TTL on request. */
#include "labs/labs_common.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char usage[] =
	"Usage: tcp-client [OPTION]... HOST PORT\n"
	"A TCP client for socket-programming labs: it connects to HOST (an IPv4 or IPv6\n"
	"address) at PORT, writes its messages, reads the replies, and closes.\n"
	"Message i (from 0) is SIZE bytes of the letter 'A' + i % 26: AAA..., BBB..., ...\n"
	"\n"
	"Options (S: seconds, decimals allowed, such as 0.25):\n"
	"  --count N         messages to write (default 1)\n"
	"  --size N          bytes per message (default 100)\n"
	"  --interval S      wait S between writes (default 0)\n"
	"  --payload TEXT    write exactly TEXT as each message instead of the pattern\n"
	"  --read-size N     bytes asked for in each recv() (default 1024)\n"
	"  --no-read         do not read the replies\n"
	"  --shutdown        after writing, shutdown(SHUT_WR) (a FIN) and read until the end\n"
	"                    of the stream\n"
	"  --expect-bytes N  reply bytes to wait for (default: COUNT * SIZE, what an echo\n"
	"                    server sends back); reading also stops at the end of the stream\n"
	"  --nonblock        non-blocking socket: connect() returns EINPROGRESS and poll()\n"
	"                    waits for it; a recv() with nothing to read fails with EAGAIN\n"
	"  --timeout S       SO_RCVTIMEO: a recv() that waits longer than S fails\n"
	"                    (with --nonblock: the longest wait for the connection)\n"
	"  --hold S          wait S before closing\n"
	"  --linger0         SO_LINGER on with 0 s: close() sends RST instead of FIN\n"
	"  --ttl N           IP_TTL (IPv6: hop limit) N on the socket, set before connect()\n"
	"  --bind ADDR       bind() to local address ADDR (any port) before connect()\n"
	"  --help            show this text and exit\n"
	"\n"
	"Lines on stdout:\n"
	"  connected to ADDR:PORT from ADDR:PORT\n"
	"  sent N bytes\n"
	"  shut down writing                         (--shutdown)\n"
	"  read N bytes\n"
	"  end of stream\n"
	"  read N bytes in all, the same as sent\n"
	"  read N bytes in all, not what was sent\n"
	"  closed\n"
	"Exit status: 0 done; 1 a call failed (\"connect: Connection refused\" on stderr);\n"
	"2 a recv() that --nonblock or --timeout made fail (\"recv: Resource temporarily\n"
	"unavailable\", \"recv: timed out after S s\" on stderr); 64 a bad command line.\n";

struct client_opts {
	const char *host;
	unsigned port;
	unsigned long count;
	struct lab_payload payload;
	double interval;
	size_t read_size;
	bool no_read, shutdown;
	long long expect; /* -1: COUNT * message length */
	bool nonblock;
	double timeout, hold;
	bool linger0;
	int ttl; /* -1: leave the default */
	const char *bind;
};

enum {
	OPT_COUNT = 256, OPT_SIZE, OPT_INTERVAL, OPT_PAYLOAD, OPT_READ_SIZE, OPT_NO_READ,
	OPT_SHUTDOWN, OPT_EXPECT, OPT_NONBLOCK, OPT_TIMEOUT, OPT_HOLD, OPT_LINGER0, OPT_TTL,
	OPT_BIND, OPT_HELP,
};

static const struct option options[] = {
	{"count", required_argument, NULL, OPT_COUNT},
	{"size", required_argument, NULL, OPT_SIZE},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"payload", required_argument, NULL, OPT_PAYLOAD},
	{"read-size", required_argument, NULL, OPT_READ_SIZE},
	{"no-read", no_argument, NULL, OPT_NO_READ},
	{"shutdown", no_argument, NULL, OPT_SHUTDOWN},
	{"expect-bytes", required_argument, NULL, OPT_EXPECT},
	{"nonblock", no_argument, NULL, OPT_NONBLOCK},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"hold", required_argument, NULL, OPT_HOLD},
	{"linger0", no_argument, NULL, OPT_LINGER0},
	{"ttl", required_argument, NULL, OPT_TTL},
	{"bind", required_argument, NULL, OPT_BIND},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void parse_options(int argc, char **argv, struct client_opts *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_COUNT: o->count = (unsigned long)lab_number("--count", optarg, 0, 1000000); break;
		case OPT_SIZE: o->payload.size = (size_t)lab_number("--size", optarg, 1, LAB_SIZE_MAX); break;
		case OPT_INTERVAL: o->interval = lab_seconds("--interval", optarg); break;
		case OPT_PAYLOAD:
			if (optarg[0] == '\0' || strlen(optarg) > LAB_SIZE_MAX)
				lab_usage_error("--payload: the text must hold 1 to %ld bytes", LAB_SIZE_MAX);
			o->payload.text = optarg;
			break;
		case OPT_READ_SIZE:
			o->read_size = (size_t)lab_number("--read-size", optarg, 1, LAB_SIZE_MAX);
			break;
		case OPT_NO_READ: o->no_read = true; break;
		case OPT_SHUTDOWN: o->shutdown = true; break;
		case OPT_EXPECT: o->expect = lab_number("--expect-bytes", optarg, 0, 1L << 40); break;
		case OPT_NONBLOCK: o->nonblock = true; break;
		case OPT_TIMEOUT: o->timeout = lab_seconds("--timeout", optarg); break;
		case OPT_HOLD: o->hold = lab_seconds("--hold", optarg); break;
		case OPT_LINGER0: o->linger0 = true; break;
		case OPT_TTL: o->ttl = (int)lab_number("--ttl", optarg, 1, 255); break;
		case OPT_BIND: o->bind = optarg; break;
		case OPT_HELP: lab_help(usage);
		default: lab_bad_option(argv);
		}
	}
	if (argc - optind != 2)
		lab_usage_error("expected HOST PORT, got %d argument(s)", argc - optind);
	o->host = argv[optind];
	o->port = (unsigned)lab_number("PORT", argv[optind + 1], 1, 65535);
}

/* Non-blocking connect(): the handshake goes on in the kernel; the socket turns writable
 * when it ends, and SO_ERROR tells how. */
static void connect_nonblocking(int fd, const struct lab_addr *a, double timeout)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		lab_die("fcntl");
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0)
		return; /* at once, as on loopback sometimes */
	if (errno != EINPROGRESS)
		lab_die("connect");
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	int n;
	while ((n = poll(&p, 1, timeout > 0 ? (int)(timeout * 1000) : -1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		lab_die("poll");
	if (n == 0) {
		fprintf(stderr, "connect: timed out after %g s\n", timeout);
		exit(LAB_EXIT_OBSERVED);
	}
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		lab_die("getsockopt SO_ERROR");
	if (err != 0) {
		errno = err;
		lab_die("connect");
	}
}

static int connect_to_server(const struct client_opts *o)
{
	struct lab_addr server;
	lab_address("HOST", o->host, o->port, &server);
	int fd = socket(server.ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		lab_die("socket");
	/* Options that shape the handshake itself are set before connect(). */
	if (o->ttl >= 0)
		lab_set_ttl(fd, server.ss.ss_family, o->ttl);
	if (o->linger0)
		lab_set_linger0(fd);
	if (o->timeout > 0 && !o->nonblock) {
		struct timeval tv = {.tv_sec = (time_t)o->timeout};
		tv.tv_usec = (suseconds_t)((o->timeout - (double)tv.tv_sec) * 1e6);
		if (tv.tv_sec == 0 && tv.tv_usec == 0)
			tv.tv_usec = 1; /* zero would mean "wait forever" */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
			lab_die("setsockopt SO_RCVTIMEO");
	}
	if (o->bind) {
		struct lab_addr local;
		lab_address("--bind", o->bind, 0, &local);
		if (bind(fd, (struct sockaddr *)&local.ss, local.len) < 0)
			lab_die("bind");
	}
	if (o->nonblock)
		connect_nonblocking(fd, &server, o->timeout);
	else if (connect(fd, (struct sockaddr *)&server.ss, server.len) < 0)
		lab_die("connect");

	char peer[LAB_ADDR_MAX], local[LAB_ADDR_MAX];
	lab_log("connected to %s from %s", lab_peer_str(fd, peer), lab_local_str(fd, local));
	return fd;
}

static void send_messages(const struct client_opts *o, int fd)
{
	char *msg = malloc(lab_payload_len(&o->payload));
	if (!msg)
		lab_die("malloc");
	for (unsigned long i = 0; i < o->count; i++) {
		if (i > 0 && o->interval > 0)
			lab_sleep(o->interval);
		size_t n = lab_payload_message(&o->payload, i, msg);
		if (lab_send_all(fd, msg, n) < 0)
			lab_die("send");
		lab_log("sent %zu bytes", n);
	}
	free(msg);
}

/* Reads until `want` bytes came (want < 0: until the end of the stream), comparing them
 * with what was sent. */
static void read_replies(const struct client_opts *o, int fd, long long want)
{
	char *buf = malloc(o->read_size);
	if (!buf)
		lab_die("malloc");
	unsigned long long got = 0, sent = (unsigned long long)o->count * lab_payload_len(&o->payload);
	bool same = true;
	while (want < 0 || got < (unsigned long long)want) {
		ssize_t n = recv(fd, buf, o->read_size, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Nothing there yet: a non-blocking socket says so at once, a socket with
			 * SO_RCVTIMEO after the timeout. Either is what the lab wants to see. */
			if (o->nonblock)
				lab_warn("recv");
			else
				fprintf(stderr, "recv: timed out after %g s\n", o->timeout);
			exit(LAB_EXIT_OBSERVED);
		}
		if (n < 0)
			lab_die("recv");
		if (n == 0) {
			lab_log("end of stream");
			break;
		}
		lab_log("read %zd bytes", n);
		for (ssize_t i = 0; i < n; i++)
			if (got + (unsigned long long)i >= sent ||
			    buf[i] != lab_payload_byte(&o->payload, got + (unsigned long long)i))
				same = false;
		got += (unsigned long long)n;
	}
	lab_log("read %llu bytes in all, %s", got, same && got == sent ? "the same as sent" : "not what was sent");
	free(buf);
}

int main(int argc, char **argv)
{
	lab_start("tcp-client");
	struct client_opts o = {.count = 1, .payload = {.size = 100}, .read_size = 1024,
	                        .expect = -1, .ttl = -1};
	parse_options(argc, argv, &o);

	int fd = connect_to_server(&o);
	send_messages(&o, fd);
	if (o.shutdown) {
		/* Half-close: a FIN tells the server the request is complete; reading goes on. */
		if (shutdown(fd, SHUT_WR) < 0)
			lab_die("shutdown");
		lab_log("shut down writing");
	}
	if (!o.no_read) {
		long long want = o.expect >= 0 ? o.expect
		                               : (long long)(o.count * lab_payload_len(&o.payload));
		read_replies(&o, fd, o.shutdown ? -1 : want);
	}
	if (o.hold > 0)
		lab_sleep(o.hold);
	if (close(fd) < 0)
		lab_die("close");
	lab_log("closed");
	return 0;
}
