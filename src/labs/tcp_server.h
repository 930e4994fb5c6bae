/* tcp_server.h — the parts of tcp-server: its options, the conversation with one client
 * (tcp_server_client.c), and the server shapes that run those conversations
 * (tcp_server_modes.c, tcp_server_select.c). */
#ifndef LABS_TCP_SERVER_H
#define LABS_TCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "labs/labs_common.h"

enum tcp_mode {
	MODE_ITERATIVE,    /* one client at a time */
	MODE_FORK,         /* a child per client, never waited for: zombies */
	MODE_FORK_WAIT,    /* a child per client, reaped when the next client arrives */
	MODE_FORK_SIGCHLD, /* a child per client, reaped by a SIGCHLD handler */
	MODE_SELECT,       /* one process, select() over every socket */
	MODE_THREAD,       /* a detached thread per client */
};

struct tcp_server_opts {
	enum tcp_mode mode;
	size_t read_size;
	struct lab_reply reply;
	bool no_read;
	double hold;
	bool linger0;
	int ttl;             /* -1: leave the default */
	long clients;        /* 0: serve forever */
	double client_delay;
};

/* One client, start to end: tcp_client_begin, tcp_client_step until it returns false,
 * tcp_client_end. The select() server calls the three as the socket becomes readable. */
/* Sets the accepted socket's options and waits --client-delay; false under --no-read. */
bool tcp_client_begin(const struct tcp_server_opts *o, int fd);
/* One read and its reply; false at the end of the client's stream or on an error. */
bool tcp_client_step(const struct tcp_server_opts *o, int fd, const char *peer, char *buf);
/* Waits --hold, closes and logs "closed A:P". */
void tcp_client_end(const struct tcp_server_opts *o, int fd, const char *peer);
/* The three in a row, with a buffer of its own. */
void tcp_client_serve(const struct tcp_server_opts *o, int fd, const char *peer);

/* The accept loops; each returns once --clients clients are served. */
void tcp_serve_iterative(const struct tcp_server_opts *o, int lfd);
void tcp_serve_fork(const struct tcp_server_opts *o, int lfd);
void tcp_serve_thread(const struct tcp_server_opts *o, int lfd);
void tcp_serve_select(const struct tcp_server_opts *o, int lfd);

#endif
