/* udp_client.c — udp-client: the labs' UDP client; sends datagrams of the labs' pattern
 * (AAA…, BBB…), connected or not, and optionally waits for a reply to each. */
#include "labs/labs_common.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"Usage: udp-client [OPTION]... HOST PORT\n"
	"A UDP client for socket-programming labs: it sends datagrams to HOST (an IPv4 or\n"
	"IPv6 address) at PORT and, if asked, waits for a reply to each.\n"
	"Datagram i (from 0) is SIZE bytes of the letter 'A' + i % 26: AAA..., BBB..., ...\n"
	"\n"
	"Options (S: seconds, decimals allowed, such as 0.25):\n"
	"  --connect         connect() the socket, then send() and recv(): an ICMP port\n"
	"                    unreachable makes the next call fail with ECONNREFUSED\n"
	"  --count N         datagrams to send (default 1)\n"
	"  --size N          bytes per datagram (default 100)\n"
	"  --interval S      wait S between datagrams (default 0)\n"
	"  --payload TEXT    send exactly TEXT as each datagram instead of the pattern\n"
	"  --wait-reply S    after each datagram, wait up to S for a reply (default 0: do not\n"
	"                    read replies)\n"
	"  --bind ADDR       bind() to local address ADDR first\n"
	"  --src-port N      bind() to local port N first\n"
	"  --help            show this text and exit\n"
	"\n"
	"Lines on stdout:\n"
	"  connected to ADDR:PORT from ADDR:PORT     (--connect)\n"
	"  sent N bytes to ADDR:PORT from ADDR:PORT\n"
	"  received N bytes from ADDR:PORT\n"
	"  no reply within S s\n"
	"  got R replies to N datagrams              (--wait-reply)\n"
	"  closed\n"
	"Exit status: 0 done; 1 a call failed (\"send: Connection refused\", \"recv: Connection\n"
	"refused\" on stderr); 2 some reply did not come within --wait-reply; 64 a bad\n"
	"command line.\n";

/* The largest UDP payload over IPv4: a reply never needs more room. */
#define REPLY_MAX 65507

struct udp_client_opts {
	const char *host;
	unsigned port;
	bool connect;
	unsigned long count;
	struct lab_payload payload;
	double interval, wait_reply;
	const char *bind;
	unsigned src_port;
};

enum {
	OPT_CONNECT = 256, OPT_COUNT, OPT_SIZE, OPT_INTERVAL, OPT_PAYLOAD, OPT_WAIT_REPLY,
	OPT_BIND, OPT_SRC_PORT, OPT_HELP,
};

static const struct option options[] = {
	{"connect", no_argument, NULL, OPT_CONNECT},
	{"count", required_argument, NULL, OPT_COUNT},
	{"size", required_argument, NULL, OPT_SIZE},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"payload", required_argument, NULL, OPT_PAYLOAD},
	{"wait-reply", required_argument, NULL, OPT_WAIT_REPLY},
	{"bind", required_argument, NULL, OPT_BIND},
	{"src-port", required_argument, NULL, OPT_SRC_PORT},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void parse_options(int argc, char **argv, struct udp_client_opts *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_CONNECT: o->connect = true; break;
		case OPT_COUNT: o->count = (unsigned long)lab_number("--count", optarg, 0, 1000000); break;
		case OPT_SIZE: o->payload.size = (size_t)lab_number("--size", optarg, 1, REPLY_MAX); break;
		case OPT_INTERVAL: o->interval = lab_seconds("--interval", optarg); break;
		case OPT_PAYLOAD:
			if (optarg[0] == '\0' || strlen(optarg) > REPLY_MAX)
				lab_usage_error("--payload: the text must hold 1 to %d bytes", REPLY_MAX);
			o->payload.text = optarg;
			break;
		case OPT_WAIT_REPLY: o->wait_reply = lab_seconds("--wait-reply", optarg); break;
		case OPT_BIND: o->bind = optarg; break;
		case OPT_SRC_PORT: o->src_port = (unsigned)lab_number("--src-port", optarg, 1, 65535); break;
		case OPT_HELP: lab_help(usage);
		default: lab_bad_option(argv);
		}
	}
	if (argc - optind != 2)
		lab_usage_error("expected HOST PORT, got %d argument(s)", argc - optind);
	o->host = argv[optind];
	o->port = (unsigned)lab_number("PORT", argv[optind + 1], 1, 65535);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Waits up to o->wait_reply seconds for one datagram; false when none came. */
static bool await_reply(const struct udp_client_opts *o, int fd, char *buf)
{
	double end = now() + o->wait_reply;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		double left = end - now();
		int n = poll(&p, 1, left > 0 ? (int)(left * 1000 + 0.5) : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			lab_die("poll");
		if (n == 0) {
			lab_log("no reply within %g s", o->wait_reply);
			return false;
		}
		break;
	}
	/* Readable may also mean a pending error: on a connected socket, the ICMP port
	 * unreachable of an earlier datagram makes this recv() fail with ECONNREFUSED. */
	struct sockaddr_storage from;
	socklen_t len = sizeof from;
	ssize_t got;
	if (o->connect) {
		got = recv(fd, buf, REPLY_MAX, 0);
		if (got < 0)
			lab_die("recv");
		len = 0;
	} else {
		got = recvfrom(fd, buf, REPLY_MAX, 0, (struct sockaddr *)&from, &len);
		if (got < 0)
			lab_die("recvfrom");
	}
	char peer[LAB_ADDR_MAX];
	if (len == 0)
		lab_peer_str(fd, peer);
	else
		lab_addr_str((struct sockaddr *)&from, peer);
	lab_log("received %zd bytes from %s", got, peer);
	return true;
}

int main(int argc, char **argv)
{
	lab_start("udp-client");
	struct udp_client_opts o = {.count = 1, .payload = {.size = 100}};
	parse_options(argc, argv, &o);

	struct lab_addr server;
	lab_address("HOST", o.host, o.port, &server);
	int fd = socket(server.ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		lab_die("socket");
	if (o.bind || o.src_port) {
		struct lab_addr local;
		lab_address("--bind", o.bind ? o.bind : server.ss.ss_family == AF_INET6 ? "::" : "0.0.0.0",
		            o.src_port, &local);
		if (bind(fd, (struct sockaddr *)&local.ss, local.len) < 0)
			lab_die("bind");
	}
	char to[LAB_ADDR_MAX], local[LAB_ADDR_MAX];
	lab_addr_str((struct sockaddr *)&server.ss, to);
	/* connect() on UDP sends nothing: it fixes the peer, so send() needs no address,
	 * only the peer's datagrams are received, and ICMP errors are reported. */
	if (o.connect) {
		if (connect(fd, (struct sockaddr *)&server.ss, server.len) < 0)
			lab_die("connect");
		lab_log("connected to %s from %s", to, lab_local_str(fd, local));
	}

	char *msg = malloc(lab_payload_len(&o.payload));
	char *reply = malloc(REPLY_MAX);
	if (!msg || !reply)
		lab_die("malloc");
	unsigned long replies = 0;
	for (unsigned long i = 0; i < o.count; i++) {
		if (i > 0 && o.interval > 0)
			lab_sleep(o.interval);
		size_t n = lab_payload_message(&o.payload, i, msg);
		if (o.connect) {
			if (send(fd, msg, n, 0) < 0)
				lab_die("send");
		} else if (sendto(fd, msg, n, 0, (struct sockaddr *)&server.ss, server.len) < 0)
			lab_die("sendto");
		/* The first sendto() of an unbound socket chose its port: known only now. */
		lab_log("sent %zu bytes to %s from %s", n, to, lab_local_str(fd, local));
		if (o.wait_reply > 0 && await_reply(&o, fd, reply))
			replies++;
	}
	free(msg);
	free(reply);
	if (o.wait_reply > 0)
		lab_log("got %lu replies to %lu datagrams", replies, o.count);
	close(fd);
	lab_log("closed");
	return o.wait_reply > 0 && replies < o.count ? LAB_EXIT_OBSERVED : 0;
}
