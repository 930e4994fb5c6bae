/* netns_udp.c — send one UDP datagram between sockets opened inside namespaces. */
#include "netns_udp.h"

#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

static int sockaddr_of(const char *text, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof *in4;
		return AF_INET;
	}
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof *in6;
		return AF_INET6;
	}
	return -1;
}

/* A UDP socket made inside ns_fd (-1: here) and bound to addr:port. */
static int bound_udp(int ns_fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int family = sockaddr_of(addr, port, &ss, &len);
	if (family < 0)
		return -1;
	char errbuf[WC_ERRBUF_SIZE];
	int s = ns_fd >= 0 ? wc_netns_socket(ns_fd, family, SOCK_DGRAM, 0, errbuf) : socket(family, SOCK_DGRAM, 0);
	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&ss, len) != 0) {
		close(s);
		return -1;
	}
	return s;
}

ssize_t udp_across(int from_ns, const char *from_addr, int to_ns, const char *to_addr, int port,
                   const void *msg, size_t len, int timeout_ms, char *seen, size_t seen_len)
{
	int rx = bound_udp(to_ns, to_addr, port);
	int tx = bound_udp(from_ns, from_addr, 0);
	ssize_t got = -1;
	if (rx < 0 || tx < 0)
		goto out;
	struct sockaddr_storage dst;
	socklen_t dlen;
	sockaddr_of(to_addr, port, &dst, &dlen);
	if (sendto(tx, msg, len, 0, (struct sockaddr *)&dst, dlen) != (ssize_t)len)
		goto out;
	struct pollfd p = {.fd = rx, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) != 1)
		goto out;
	char buf[2048];
	struct sockaddr_storage src;
	socklen_t slen = sizeof src;
	got = recvfrom(rx, buf, sizeof buf, 0, (struct sockaddr *)&src, &slen);
	if (got != (ssize_t)len || memcmp(buf, msg, len) != 0)
		got = -2;
	const void *a = src.ss_family == AF_INET ? (const void *)&((struct sockaddr_in *)&src)->sin_addr
	                                         : (const void *)&((struct sockaddr_in6 *)&src)->sin6_addr;
	inet_ntop(src.ss_family, a, seen, (socklen_t)seen_len);
out:
	if (rx >= 0)
		close(rx);
	if (tx >= 0)
		close(tx);
	return got;
}
