/* labs_common.c — the chores the lab programs share: messages, option values, addresses,
 * payload bytes, sleeping, whole sends and accept. */
#include "labs/labs_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "lab";

void lab_start(const char *name)
{
	prog = name;
	/* Scenarios read stdout while the program runs, often through a pipe, where stdio
	 * would otherwise hold lines back until its buffer fills. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* getopt_long stays quiet: lab_bad_option says what went wrong, in the programs' words. */
	opterr = 0;
}

void lab_die(const char *call)
{
	lab_warn(call);
	exit(LAB_EXIT_SYSCALL);
}

void lab_warn(const char *call)
{
	fprintf(stderr, "%s: %s\n", call, strerror(errno));
}

void lab_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for the options.\n", prog);
	exit(LAB_EXIT_USAGE);
}

void lab_bad_option(char **argv)
{
	lab_usage_error("'%s' is an unknown option or lacks its value", argv[optind - 1]);
}

void lab_help(const char *text)
{
	fputs(text, stdout);
	exit(0);
}

void lab_log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* One call per line: lines of threads and forked children never mix. */
	char line[1024];
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	printf("%s\n", line);
}

long lab_number(const char *opt, const char *text, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || *end != '\0' || errno == ERANGE || v < min || v > max)
		lab_usage_error("%s: '%s' is not a whole number from %ld to %ld", opt, text, min, max);
	return v;
}

double lab_seconds(const char *opt, const char *text)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v) || v < 0 || v > 86400)
		lab_usage_error("%s: '%s' is not a number of seconds (0 to 86400, such as 0.25)", opt, text);
	return v;
}

void lab_reply_parse(const char *opt, const char *text, struct lab_reply *r)
{
	if (strcmp(text, "echo") == 0)
		r->kind = LAB_REPLY_ECHO;
	else if (strcmp(text, "none") == 0)
		r->kind = LAB_REPLY_NONE;
	else if (strncmp(text, "fixed:", 6) == 0 && text[6] != '\0') {
		r->kind = LAB_REPLY_FIXED;
		r->text = text + 6;
	} else
		lab_usage_error("%s: '%s' is none of echo, none, fixed:TEXT", opt, text);
}

void lab_address(const char *what, const char *host, unsigned port, struct lab_addr *a)
{
	memset(a, 0, sizeof *a);
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;
	/* Numbers only, no name lookup: what goes on the wire is what was typed. */
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		a->len = sizeof *sin;
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		a->len = sizeof *sin6;
	} else
		lab_usage_error("%s: '%s' is not an IPv4 or IPv6 address", what, host);
}

unsigned lab_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

const char *lab_addr_str(const struct sockaddr *sa, char buf[LAB_ADDR_MAX])
{
	char host[INET6_ADDRSTRLEN];
	if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
		snprintf(buf, LAB_ADDR_MAX, "[%s]:%u", host, lab_addr_port(sa));
	} else if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
		snprintf(buf, LAB_ADDR_MAX, "%s:%u", host, lab_addr_port(sa));
	} else
		snprintf(buf, LAB_ADDR_MAX, "(family %d)", sa->sa_family);
	return buf;
}

const char *lab_local_str(int fd, char buf[LAB_ADDR_MAX])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		lab_die("getsockname");
	return lab_addr_str((struct sockaddr *)&ss, buf);
}

const char *lab_peer_str(int fd, char buf[LAB_ADDR_MAX])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		lab_die("getpeername");
	return lab_addr_str((struct sockaddr *)&ss, buf);
}

void lab_sleep(double s)
{
	time_t whole = (time_t)s;
	struct timespec left = {.tv_sec = whole, .tv_nsec = (long)((s - (double)whole) * 1e9)};
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

void lab_set_ttl(int fd, int family, int ttl)
{
	/* IPv6 calls the TTL the hop limit. */
	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) < 0)
			lab_die("setsockopt IPV6_UNICAST_HOPS");
	} else if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0)
		lab_die("setsockopt IP_TTL");
}

void lab_set_linger0(int fd)
{
	/* Lingering on, for zero seconds: close() drops unsent data and sends RST, not FIN. */
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0)
		lab_die("setsockopt SO_LINGER");
}

int lab_send_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		/* MSG_NOSIGNAL: a peer that is gone gives EPIPE here instead of killing the
		 * program with SIGPIPE. */
		ssize_t k = send(fd, buf, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* A non-blocking socket whose send buffer is full: wait for room. */
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		if (k < 0)
			return -1;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

size_t lab_payload_len(const struct lab_payload *p)
{
	return p->text ? strlen(p->text) : p->size;
}

size_t lab_payload_message(const struct lab_payload *p, unsigned long i, char *buf)
{
	size_t n = lab_payload_len(p);
	if (p->text)
		memcpy(buf, p->text, n);
	else
		memset(buf, 'A' + (int)(i % 26), n);
	return n;
}

char lab_payload_byte(const struct lab_payload *p, unsigned long long k)
{
	size_t n = lab_payload_len(p);
	if (p->text)
		return p->text[k % n];
	return (char)('A' + (int)((k / n) % 26));
}

int lab_accept(int lfd, char peer[LAB_ADDR_MAX])
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept(lfd, (struct sockaddr *)&ss, &len);
		if (fd >= 0) {
			lab_addr_str((struct sockaddr *)&ss, peer);
			lab_log("accepted %s", peer);
			return fd;
		}
		/* A signal handler ran (SIGCHLD without SA_RESTART), or the client gave up
		 * between its handshake and our accept: neither ends the server. */
		if (errno != EINTR && errno != ECONNABORTED)
			lab_die("accept");
	}
}
