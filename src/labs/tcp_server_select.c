/* tcp_server_select.c — tcp-server --mode select: one process, one thread, select() over
 * the listening socket and every client, so a read happens only when it cannot block. */
#include "labs/tcp_server.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/select.h>

/* Clients served at once; beyond, new ones wait in the listen queue until one leaves. */
#define MAX_CLIENTS 64

struct slot {
	int fd; /* -1: free */
	char peer[LAB_ADDR_MAX];
};

void tcp_serve_select(const struct tcp_server_opts *o, int lfd)
{
	struct slot slots[MAX_CLIENTS];
	for (int i = 0; i < MAX_CLIENTS; i++)
		slots[i].fd = -1;
	char *buf = malloc(o->read_size);
	if (!buf)
		lab_die("malloc");
	long accepted = 0, active = 0;

	for (;;) {
		bool accepting = (o->clients == 0 || accepted < o->clients) && active < MAX_CLIENTS;
		if (!accepting && active == 0)
			break; /* --clients served */

		/* select() overwrites its set: it is built again before every call. */
		fd_set readable;
		FD_ZERO(&readable);
		int maxfd = -1;
		if (accepting) {
			FD_SET(lfd, &readable);
			maxfd = lfd;
		}
		for (int i = 0; i < MAX_CLIENTS; i++)
			if (slots[i].fd >= 0) {
				FD_SET(slots[i].fd, &readable);
				if (slots[i].fd > maxfd)
					maxfd = slots[i].fd;
			}
		if (select(maxfd + 1, &readable, NULL, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;
			lab_die("select");
		}

		/* A readable listening socket has a completed connection: accept() will not block. */
		if (accepting && FD_ISSET(lfd, &readable)) {
			int i = 0;
			while (slots[i].fd >= 0)
				i++;
			int fd = lab_accept(lfd, slots[i].peer);
			if (fd >= FD_SETSIZE) {
				/* FD_SET beyond FD_SETSIZE writes out of bounds: select()'s hard limit. */
				errno = EMFILE;
				lab_die("select");
			}
			accepted++;
			if (tcp_client_begin(o, fd)) {
				slots[i].fd = fd;
				active++;
			} else
				tcp_client_end(o, fd, slots[i].peer);
		}
		/* A readable client has data or its end of stream: one recv() each. */
		for (int i = 0; i < MAX_CLIENTS; i++) {
			if (slots[i].fd < 0 || !FD_ISSET(slots[i].fd, &readable))
				continue;
			if (!tcp_client_step(o, slots[i].fd, slots[i].peer, buf)) {
				tcp_client_end(o, slots[i].fd, slots[i].peer);
				slots[i].fd = -1;
				active--;
			}
		}
	}
	free(buf);
}
