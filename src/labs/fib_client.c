/* fib_client.c — fib-client: asks the Fibonacci line service for N numbers and prints the
 * lines as they arrive. */
#include "labs/labs_common.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char usage[] =
	"Usage: fib-client [OPTION]... HOST PORT N\n"
	"Asks the Fibonacci line service (fib-server) at HOST (an IPv4 or IPv6 address) and\n"
	"PORT for the first N Fibonacci numbers: sends \"N\\n\", prints every line of the\n"
	"answer as it arrives, until the server closes.\n"
	"\n"
	"Options:\n"
	"  --help  show this text and exit\n"
	"\n"
	"Lines on stdout:\n"
	"  connected to ADDR:PORT from ADDR:PORT\n"
	"  each line of the answer, as received (0, 1, 1, 2, ...)\n"
	"  got N lines\n"
	"Exit status: 0 done; 1 a call failed (\"connect: Connection refused\" on stderr);\n"
	"64 a bad command line.\n";

static const struct option options[] = {
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Prints the complete lines in buf[0..*used), keeps a partial last line for the next
 * read (TCP keeps no line boundaries); returns how many lines were printed. */
static long print_lines(char *buf, size_t *used)
{
	long lines = 0;
	char *start = buf, *nl;
	while ((nl = memchr(start, '\n', *used - (size_t)(start - buf))) != NULL) {
		*nl = '\0';
		lab_log("%s", start);
		lines++;
		start = nl + 1;
	}
	*used -= (size_t)(start - buf);
	memmove(buf, start, *used);
	return lines;
}

int main(int argc, char **argv)
{
	lab_start("fib-client");
	int c;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'h')
			lab_help(usage);
		lab_bad_option(argv);
	}
	if (argc - optind != 3)
		lab_usage_error("expected HOST PORT N, got %d argument(s)", argc - optind);
	unsigned port = (unsigned)lab_number("PORT", argv[optind + 1], 1, 65535);
	long n = lab_number("N", argv[optind + 2], 0, 93);

	struct lab_addr server;
	lab_address("HOST", argv[optind], port, &server);
	int fd = socket(server.ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		lab_die("socket");
	if (connect(fd, (struct sockaddr *)&server.ss, server.len) < 0)
		lab_die("connect");
	char peer[LAB_ADDR_MAX], local[LAB_ADDR_MAX];
	lab_log("connected to %s from %s", lab_peer_str(fd, peer), lab_local_str(fd, local));

	char request[16];
	int len = snprintf(request, sizeof request, "%ld\n", n);
	if (lab_send_all(fd, request, (size_t)len) < 0)
		lab_die("send");

	char buf[256];
	size_t used = 0;
	long lines = 0;
	for (;;) {
		if (used == sizeof buf - 1) {
			/* A line longer than any number: print what there is as a line of its own. */
			buf[used++] = '\n';
			lines += print_lines(buf, &used);
		}
		ssize_t got = recv(fd, buf + used, sizeof buf - 1 - used, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			lab_die("recv");
		if (got == 0)
			break;
		used += (size_t)got;
		lines += print_lines(buf, &used);
	}
	if (used > 0) {
		/* The server closed after a line without its newline. */
		buf[used++] = '\n';
		lines += print_lines(buf, &used);
	}
	close(fd);
	lab_log("got %ld lines", lines);
	return 0;
}
