/* tracee.c — small socket programs run under libwctrace.so by test_sockcalls, one per mode.
 *
 * Each mode prints on stdout what the test needs to know to check the trace (ports, fds,
 * pids), one "key value" per line, and exits 0 when every call behaved as expected.
 * Everything runs on 127.0.0.1 with ports the kernel picks, so tests never collide.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(cond)                                                                  \
	do {                                                                             \
		if (!(cond)) {                                                               \
			fprintf(stderr, "tracee: %s failed at line %d: %s\n", #cond, __LINE__, \
			        strerror(errno));                                                \
			return 1;                                                                \
		}                                                                            \
	} while (0)

/* A socket bound to 127.0.0.1 on a port the kernel chooses; *sin gets that address. */
static int bound(int type, struct sockaddr_in *sin)
{
	int fd = socket(AF_INET, type, 0);
	if (fd < 0)
		return -1;
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof *sin;
	if (bind(fd, (struct sockaddr *)sin, sizeof *sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)sin, &len) != 0)
		return -1;
	return fd;
}

/* Five 100-byte datagrams, each read into 50 bytes: by recv, recv with MSG_TRUNC, read,
 * recvmsg and readv — the lab's receiver that silently loses half of every datagram. */
static int mode_udp(void)
{
	struct sockaddr_in srv;
	int rx = bound(SOCK_DGRAM, &srv);
	CHECK(rx >= 0);
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(tx >= 0);
	char out[100], in[50];
	memset(out, 'x', sizeof out);
	for (int i = 0; i < 4; i++)
		CHECK(sendto(tx, out, sizeof out, 0, (struct sockaddr *)&srv, sizeof srv) == 100);
	struct iovec whole = {.iov_base = out, .iov_len = sizeof out};
	struct msghdr to = {.msg_name = &srv, .msg_namelen = sizeof srv, .msg_iov = &whole,
	                    .msg_iovlen = 1};
	CHECK(sendmsg(tx, &to, 0) == 100);
	/* a size the compiler cannot see: fortified builds then go through __recv_chk */
	volatile size_t half = sizeof in;
	CHECK(recv(rx, in, half, 0) == 50);
	CHECK(recv(rx, in, half, MSG_TRUNC) == 100);
	CHECK(read(rx, in, half) == 50);
	struct iovec iov = {.iov_base = in, .iov_len = sizeof in};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK(recvmsg(rx, &msg, 0) == 50);
	CHECK(msg.msg_flags & MSG_TRUNC);
	struct iovec two[2] = {{.iov_base = in, .iov_len = 20}, {.iov_base = in + 20, .iov_len = 30}};
	CHECK(readv(rx, two, 2) == 50);
	printf("port %d\nrx %d\ntx %d\n", ntohs(srv.sin_port), rx, tx);
	close(tx);
	close(rx);
	return 0;
}

/* connect() to a port bound but not listening: the kernel answers RST, ECONNREFUSED. */
static int mode_refused(void)
{
	struct sockaddr_in closed;
	int holder = bound(SOCK_STREAM, &closed);
	CHECK(holder >= 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	CHECK(connect(fd, (struct sockaddr *)&closed, sizeof closed) == -1);
	CHECK(errno == ECONNREFUSED);
	printf("port %d\nfd %d\n", ntohs(closed.sin_port), fd);
	close(fd);
	close(holder);
	return 0;
}

/* A second bind to a listening port: EADDRINUSE. */
static int mode_inuse(void)
{
	struct sockaddr_in srv;
	int first = bound(SOCK_STREAM, &srv);
	CHECK(first >= 0);
	CHECK(listen(first, 4) == 0);
	int second = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(second >= 0);
	CHECK(bind(second, (struct sockaddr *)&srv, sizeof srv) == -1);
	CHECK(errno == EADDRINUSE);
	printf("port %d\nfd %d\n", ntohs(srv.sin_port), second);
	close(second);
	close(first);
	return 0;
}

/* Options with their values, set before bind; then a short TCP exchange through
 * accept, send/write and recv, and a shutdown. */
static int mode_sockopts(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	int one = 1, ttl = 7, rcvbuf = 65536;
	struct linger lg = {.l_onoff = 1, .l_linger = 5};
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
	CHECK(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0);
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) == 0);
	struct sockaddr_in srv = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof srv;
	CHECK(bind(fd, (struct sockaddr *)&srv, sizeof srv) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&srv, &len) == 0);
	CHECK(listen(fd, 4) == 0);
	int cli = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(cli >= 0);
	CHECK(connect(cli, (struct sockaddr *)&srv, sizeof srv) == 0);
	int conn = accept(fd, NULL, NULL);
	CHECK(conn >= 0);
	CHECK(send(cli, "hello", 5, 0) == 5);
	CHECK(write(cli, "world", 5) == 5);
	CHECK(shutdown(cli, SHUT_WR) == 0);
	char buf[64];
	size_t got = 0;
	ssize_t n;
	while ((n = recv(conn, buf + got, sizeof buf - got, 0)) > 0)
		got += (size_t)n;
	CHECK(n == 0 && got == 10);
	printf("port %d\nfd %d\nconn %d\n", ntohs(srv.sin_port), fd, conn);
	close(conn);
	close(cli);
	close(fd);
	return 0;
}

/* The child makes its own socket; its records carry its pid. */
static int mode_fork(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		int mine = socket(AF_INET, SOCK_STREAM, 0);
		_exit(mine >= 0 && close(mine) == 0 ? 0 : 1);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	printf("parent %d\nchild %d\n", (int)getpid(), (int)child);
	close(fd);
	return 0;
}

/* Only file and pipe I/O: nothing but the hello record may appear. */
static int mode_files(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "data", 4) == 4);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	char buf[8];
	CHECK(read(fd, buf, sizeof buf) == 4);
	struct iovec iov = {.iov_base = buf, .iov_len = 4};
	CHECK(writev(fd, &iov, 1) == 4);
	CHECK(close(fd) == 0);
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	CHECK(read(p[0], buf, 1) == 1);
	close(p[0]);
	close(p[1]);
	return 0;
}

/* Failing calls, and errno read after each: the output must not depend on the library.
 * A successful call in between must leave errno alone too. */
static int mode_errno(void)
{
	struct sockaddr_in closed;
	int holder = bound(SOCK_STREAM, &closed);
	CHECK(holder >= 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	int rc = connect(fd, (struct sockaddr *)&closed, sizeof closed);
	printf("connect %d %d\n", rc, errno);
	char buf[4];
	errno = 0;
	rc = (int)recv(fd, buf, sizeof buf, MSG_DONTWAIT);
	printf("recv %d %d\n", rc, errno);
	rc = close(-1);
	printf("close %d %d\n", rc, errno);
	errno = 12345;
	int udp = socket(AF_INET, SOCK_DGRAM, 0);
	printf("socket-ok errno %d\n", errno);
	errno = 4321;
	rc = (int)sendto(udp, "x", 1, 0, (struct sockaddr *)&closed, sizeof closed);
	printf("sendto %d errno %d\n", rc, errno);
	errno = 777;
	rc = (int)recv(udp, buf, sizeof buf, MSG_DONTWAIT);
	printf("recv-empty %d %d\n", rc, errno);
	close(udp);
	close(fd);
	close(holder);
	return 0;
}

#define THREADS 4
#define PER_THREAD 200

static struct sockaddr_in sink;

static void *sender(void *arg)
{
	int fd = *(int *)arg;
	for (int i = 0; i < PER_THREAD; i++)
		if (sendto(fd, "ping", 4, 0, (struct sockaddr *)&sink, sizeof sink) != 4)
			return (void *)1;
	return NULL;
}

/* Threads sending at once: each record must still come out whole, with its own tid. */
static int mode_threads(void)
{
	int rx = bound(SOCK_DGRAM, &sink);
	CHECK(rx >= 0);
	int fds[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		CHECK(fds[i] >= 0);
	}
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, sender, &fds[i]) == 0);
	for (int i = 0; i < THREADS; i++) {
		void *res;
		CHECK(pthread_join(th[i], &res) == 0 && res == NULL);
	}
	printf("sends %d\n", THREADS * PER_THREAD);
	for (int i = 0; i < THREADS; i++)
		close(fds[i]);
	close(rx);
	return 0;
}

/* A daemon-style closefrom(3) also closes the library's trace fd: later calls must still
 * be recorded. */
static int mode_closefrom(void)
{
	struct sockaddr_in sinkaddr;
	int rx = bound(SOCK_DGRAM, &sinkaddr);
	CHECK(rx >= 0);
	closefrom(3);
	rx = bound(SOCK_DGRAM, &sinkaddr);
	CHECK(rx >= 0);
	CHECK(sendto(rx, "after", 5, 0, (struct sockaddr *)&sinkaddr, sizeof sinkaddr) == 5);
	printf("fd %d\n", rx);
	close(rx);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "udp") == 0)
		return mode_udp();
	if (strcmp(mode, "refused") == 0)
		return mode_refused();
	if (strcmp(mode, "inuse") == 0)
		return mode_inuse();
	if (strcmp(mode, "sockopts") == 0)
		return mode_sockopts();
	if (strcmp(mode, "fork") == 0)
		return mode_fork();
	if (strcmp(mode, "files") == 0 && argc > 2)
		return mode_files(argv[2]);
	if (strcmp(mode, "errno") == 0)
		return mode_errno();
	if (strcmp(mode, "threads") == 0)
		return mode_threads();
	if (strcmp(mode, "closefrom") == 0)
		return mode_closefrom();
	fprintf(stderr, "usage: tracee udp|refused|inuse|sockopts|fork|files PATH|errno|threads|closefrom\n");
	return 2;
}
