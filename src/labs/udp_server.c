/* udp_server.c — udp-server: the labs' UDP server; receives datagrams (reading as many
 * bytes of each as --read-size allows, the rest is lost) and answers each one. */
#include "labs/labs_common.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage[] =
	"Usage: udp-server [OPTION]...\n"
	"A UDP server for socket-programming labs: it receives datagrams and answers each\n"
	"one to its sender. A read takes one datagram: bytes beyond --read-size are lost.\n"
	"\n"
	"Options (S: seconds, decimals allowed, such as 0.25):\n"
	"  --port N       port to receive on (default 7007; 0: any free port)\n"
	"  --bind ADDR    local IPv4 or IPv6 address (default 0.0.0.0)\n"
	"  --read-size N  bytes asked for in each recvmsg() (default 2048)\n"
	"  --reply R      what to answer each datagram with: echo (the bytes read; default),\n"
	"                 none, fixed:TEXT\n"
	"  --count N      exit 0 after N datagrams (default: serve forever)\n"
	"  --hold S       after the --count datagrams, wait S before closing the socket\n"
	"                 (datagrams arriving meanwhile are never read)\n"
	"  --help         show this text and exit\n"
	"\n"
	"Lines on stdout:\n"
	"  listening on ADDR:PORT\n"
	"  read N bytes from ADDR:PORT\n"
	"  read N bytes from ADDR:PORT (datagram was M bytes, K discarded)\n"
	"  sent N bytes to ADDR:PORT\n"
	"  received N datagrams                      (--count)\n"
	"Errors: \"CALL: reason\" on stderr and exit 1; a failed sendto() is reported and the\n"
	"server goes on. A bad command line exits 64.\n";

struct udp_server_opts {
	unsigned port;
	const char *bind;
	size_t read_size;
	struct lab_reply reply;
	unsigned long count; /* 0: forever */
	double hold;
};

enum { OPT_PORT = 256, OPT_BIND, OPT_READ_SIZE, OPT_REPLY, OPT_COUNT, OPT_HOLD, OPT_HELP };

static const struct option options[] = {
	{"port", required_argument, NULL, OPT_PORT},
	{"bind", required_argument, NULL, OPT_BIND},
	{"read-size", required_argument, NULL, OPT_READ_SIZE},
	{"reply", required_argument, NULL, OPT_REPLY},
	{"count", required_argument, NULL, OPT_COUNT},
	{"hold", required_argument, NULL, OPT_HOLD},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void parse_options(int argc, char **argv, struct udp_server_opts *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_PORT: o->port = (unsigned)lab_number("--port", optarg, 0, 65535); break;
		case OPT_BIND: o->bind = optarg; break;
		case OPT_READ_SIZE:
			o->read_size = (size_t)lab_number("--read-size", optarg, 1, LAB_SIZE_MAX);
			break;
		case OPT_REPLY: lab_reply_parse("--reply", optarg, &o->reply); break;
		case OPT_COUNT: o->count = (unsigned long)lab_number("--count", optarg, 1, 1000000); break;
		case OPT_HOLD: o->hold = lab_seconds("--hold", optarg); break;
		case OPT_HELP: lab_help(usage);
		default: lab_bad_option(argv);
		}
	}
	if (optind < argc)
		lab_usage_error("unexpected argument '%s'", argv[optind]);
}

/* Waits for a datagram and returns its full length. The read itself cannot tell: it
 * copies what fits and sets MSG_TRUNC. On Linux, FIONREAD on a UDP socket gives the
 * length of the first queued datagram, and neither call is a read of the data. */
static size_t next_datagram_length(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			lab_die("poll");
	int len = 0;
	if (ioctl(fd, FIONREAD, &len) < 0)
		lab_die("ioctl FIONREAD");
	return (size_t)len;
}

static void answer(const struct udp_server_opts *o, int fd, const char *buf, size_t n,
                   const struct sockaddr *to, socklen_t tolen, const char *peer)
{
	if (o->reply.kind == LAB_REPLY_NONE)
		return;
	if (o->reply.kind == LAB_REPLY_FIXED) {
		buf = o->reply.text;
		n = strlen(buf);
	}
	/* One datagram back to the address this one came from. */
	if (sendto(fd, buf, n, 0, to, tolen) < 0) {
		lab_warn("sendto");
		return;
	}
	lab_log("sent %zu bytes to %s", n, peer);
}

int main(int argc, char **argv)
{
	lab_start("udp-server");
	struct udp_server_opts o = {.port = LAB_DEFAULT_PORT, .bind = "0.0.0.0", .read_size = 2048,
	                            .reply = {.kind = LAB_REPLY_ECHO}};
	parse_options(argc, argv, &o);

	struct lab_addr a;
	lab_address("--bind", o.bind, o.port, &a);
	int fd = socket(a.ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		lab_die("socket");
	if (bind(fd, (struct sockaddr *)&a.ss, a.len) < 0)
		lab_die("bind");
	char local[LAB_ADDR_MAX];
	lab_log("listening on %s", lab_local_str(fd, local));

	char *buf = malloc(o.read_size);
	if (!buf)
		lab_die("malloc");
	unsigned long n = 0;
	while (o.count == 0 || n < o.count) {
		size_t full = next_datagram_length(fd);
		struct sockaddr_storage from;
		struct iovec iov = {.iov_base = buf, .iov_len = o.read_size};
		struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
		ssize_t got = recvmsg(fd, &m, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			lab_die("recvmsg");
		char peer[LAB_ADDR_MAX];
		lab_addr_str((struct sockaddr *)&from, peer);
		if ((m.msg_flags & MSG_TRUNC) && full > (size_t)got)
			lab_log("read %zd bytes from %s (datagram was %zu bytes, %zu discarded)", got, peer, full,
			        full - (size_t)got);
		else
			lab_log("read %zd bytes from %s", got, peer);
		n++;
		answer(&o, fd, buf, (size_t)got, (struct sockaddr *)&from, m.msg_namelen, peer);
	}
	free(buf);
	lab_log("received %lu datagrams", n);
	if (o.hold > 0)
		lab_sleep(o.hold);
	close(fd);
	return 0;
}
