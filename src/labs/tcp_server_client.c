/* tcp_server_client.c — tcp-server's conversation with one client: read until the end of
 * its stream, answering every read, then close. */
#include "labs/tcp_server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

bool tcp_client_begin(const struct tcp_server_opts *o, int fd)
{
	if (o->linger0)
		lab_set_linger0(fd);
	if (o->ttl >= 0) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
			lab_die("getsockname");
		lab_set_ttl(fd, ss.ss_family, o->ttl);
	}
	/* The work a real server would do before answering; in an iterative or select()
	 * server every other client waits meanwhile. */
	if (o->client_delay > 0)
		lab_sleep(o->client_delay);
	return !o->no_read;
}

bool tcp_client_step(const struct tcp_server_opts *o, int fd, const char *peer, char *buf)
{
	ssize_t n = recv(fd, buf, o->read_size, 0);
	if (n < 0 && errno == EINTR)
		return true;
	if (n < 0) {
		/* A reset from the client, typically: this client is over, the server is not. */
		lab_warn("recv");
		return false;
	}
	if (n == 0) {
		lab_log("end of stream from %s", peer);
		return false;
	}
	lab_log("read %zd bytes from %s", n, peer);

	const char *reply = buf;
	size_t len = (size_t)n;
	if (o->reply.kind == LAB_REPLY_NONE)
		return true;
	if (o->reply.kind == LAB_REPLY_FIXED) {
		reply = o->reply.text;
		len = strlen(reply);
	}
	if (lab_send_all(fd, reply, len) < 0) {
		lab_warn("send");
		return false;
	}
	lab_log("sent %zu bytes to %s", len, peer);
	return true;
}

void tcp_client_end(const struct tcp_server_opts *o, int fd, const char *peer)
{
	if (o->hold > 0)
		lab_sleep(o->hold);
	/* Data still unread in the receive buffer makes the kernel answer this close()
	 * with RST instead of FIN (RFC 2525, 2.17): --no-read shows it. */
	if (close(fd) < 0)
		lab_die("close");
	lab_log("closed %s", peer);
}

void tcp_client_serve(const struct tcp_server_opts *o, int fd, const char *peer)
{
	char *buf = malloc(o->read_size);
	if (!buf)
		lab_die("malloc");
	if (tcp_client_begin(o, fd))
		while (tcp_client_step(o, fd, peer, buf))
			;
	tcp_client_end(o, fd, peer);
	free(buf);
}
