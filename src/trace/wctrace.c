/* wctrace.c — LD_PRELOAD library appending each socket call of a program to a trace file.
 *
 * The format is the one src/sockcalls.h documents. The library must never change what
 * the program sees: every helper here keeps errno as it found it, nothing allocates
 * (records are built on the stack and go out in one write(), so a record from a signal
 * handler or a forked child can neither deadlock nor interleave with another), and the
 * fd → kind table is a lock-free byte array. Only sockets are traced; the kind of an fd
 * is learnt from socket()/accept() or, for fds made elsewhere, fstat + getsockopt, and
 * forgotten at close()/dup2(). This file holds the interposed calls; record.c writes
 * the lines, real.c finds the libc functions behind them.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "trace/wctrace.h"

/* Prototypes of glibc's fortified entry points (no public header declares them):
 * programs built with _FORTIFY_SOURCE call these instead of read/recv/recvfrom. */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
                       struct sockaddr *addr, socklen_t *addrlen);

/* ---- the fd → kind table ------------------------------------------------------- */

enum kind { K_UNKNOWN, K_NOT_SOCKET, K_TCP, K_UDP, K_UNIX, K_OTHER };
static const char *const kind_names[] = {"?", "-", "tcp", "udp", "unix", "other"};

#define KIND_TABLE 65536
static unsigned char kinds[KIND_TABLE];

static enum kind probe_kind(int fd)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return K_NOT_SOCKET;
	int domain = 0, type = 0;
	socklen_t len = sizeof domain;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
		return K_OTHER;
	len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		return K_OTHER;
	if (domain == AF_UNIX)
		return K_UNIX;
	if (domain != AF_INET && domain != AF_INET6)
		return K_OTHER;
	if (type == SOCK_STREAM)
		return K_TCP;
	/* ping sockets are SOCK_DGRAM too, but not UDP: MSG_TRUNC means nothing to them */
	int proto = 0;
	len = sizeof proto;
	if (type != SOCK_DGRAM || getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0)
		return K_OTHER;
	return proto == IPPROTO_UDP ? K_UDP : K_OTHER;
}

static void kind_set(int fd, enum kind k)
{
	if (fd >= 0 && fd < KIND_TABLE)
		__atomic_store_n(&kinds[fd], (unsigned char)k, __ATOMIC_RELAXED);
}

/* The trace file's own fd is never a socket to trace. */
static enum kind kind_of(int fd)
{
	if (fd < 0 || trace_is_fd(fd))
		return K_NOT_SOCKET;
	int saved = errno;
	enum kind k = K_UNKNOWN;
	if (fd < KIND_TABLE)
		k = __atomic_load_n(&kinds[fd], __ATOMIC_RELAXED);
	if (k == K_UNKNOWN) {
		k = probe_kind(fd);
		kind_set(fd, k);
	}
	errno = saved;
	return k;
}

static bool traced(enum kind k)
{
	return k != K_NOT_SOCKET;
}

/* ---- records per call family --------------------------------------------------- */

static void emit_io(const char *call, int fd, enum kind k, int64_t ret, int err, size_t req,
                    int flags, int64_t dgram, const struct sockaddr *peer, socklen_t peerlen)
{
	struct rec r;
	rec_begin(&r, call, fd, ret, err);
	key(&r, "kind");
	put(&r, kind_names[k]);
	key_i64(&r, "req", (int64_t)req);
	key_hex(&r, "flags", (unsigned)flags);
	if (dgram >= 0)
		key_i64(&r, "dgram", dgram);
	if (peer && peerlen > 0)
		key_addr(&r, "peer", peer, peerlen);
	rec_end(&r);
}

static size_t iov_total(const struct iovec *iov, size_t count)
{
	size_t total = 0;
	for (size_t i = 0; i < count; i++)
		total += iov[i].iov_len;
	return total;
}

/* Reads of the error queue return queued errors, not datagrams: left alone. */
static bool learn_length(enum kind k, int flags)
{
	return k == K_UDP && !(flags & MSG_ERRQUEUE);
}

/* On a UDP socket the real datagram length is asked for with MSG_TRUNC (the kernel then
 * returns it while copying no more than the buffer holds) and the result is clamped back
 * to what the program would have seen; a program that asked for MSG_TRUNC itself gets the
 * result unchanged. dgram is left -1 where nothing was received. */
static ssize_t udp_result(ssize_t ret, size_t room, int flags, int64_t *dgram)
{
	if (ret < 0)
		return ret;
	*dgram = ret;
	if (!(flags & MSG_TRUNC) && (size_t)ret > room)
		return (ssize_t)room;
	return ret;
}

static const char *level_name(int level)
{
	switch (level) {
	case SOL_SOCKET: return "SOL_SOCKET";
	case IPPROTO_IP: return "IPPROTO_IP";
	case IPPROTO_IPV6: return "IPPROTO_IPV6";
	case IPPROTO_TCP: return "IPPROTO_TCP";
	case IPPROTO_UDP: return "IPPROTO_UDP";
	default: return NULL;
	}
}

static const char *opt_name(int level, int opt)
{
	if (level == SOL_SOCKET) {
		switch (opt) {
		case SO_REUSEADDR: return "SO_REUSEADDR";
		case SO_REUSEPORT: return "SO_REUSEPORT";
		case SO_LINGER: return "SO_LINGER";
		case SO_RCVBUF: return "SO_RCVBUF";
		case SO_SNDBUF: return "SO_SNDBUF";
		case SO_KEEPALIVE: return "SO_KEEPALIVE";
		case SO_BROADCAST: return "SO_BROADCAST";
		case SO_RCVTIMEO: return "SO_RCVTIMEO";
		case SO_SNDTIMEO: return "SO_SNDTIMEO";
		case SO_BINDTODEVICE: return "SO_BINDTODEVICE";
		default: return NULL;
		}
	}
	if (level == IPPROTO_IP) {
		switch (opt) {
		case IP_TTL: return "IP_TTL";
		case IP_TOS: return "IP_TOS";
		case IP_MTU_DISCOVER: return "IP_MTU_DISCOVER";
		case IP_RECVERR: return "IP_RECVERR";
		case IP_MULTICAST_TTL: return "IP_MULTICAST_TTL";
		default: return NULL;
		}
	}
	if (level == IPPROTO_IPV6) {
		switch (opt) {
		case IPV6_V6ONLY: return "IPV6_V6ONLY";
		case IPV6_UNICAST_HOPS: return "IPV6_UNICAST_HOPS";
		default: return NULL;
		}
	}
	if (level == IPPROTO_TCP) {
		switch (opt) {
		case TCP_NODELAY: return "TCP_NODELAY";
		case TCP_MAXSEG: return "TCP_MAXSEG";
		case TCP_CORK: return "TCP_CORK";
		case TCP_KEEPIDLE: return "TCP_KEEPIDLE";
		case TCP_KEEPINTVL: return "TCP_KEEPINTVL";
		case TCP_KEEPCNT: return "TCP_KEEPCNT";
		default: return NULL;
		}
	}
	return NULL;
}

/* Values by shape: an int, a linger pair "on:seconds", a timeval "sec.usec", otherwise
 * only the length, since the bytes may be anything. */
static void put_optval(struct rec *r, int level, int opt, const void *val, socklen_t len)
{
	if (!val) {
		key_i64(r, "len", len);
		return;
	}
	if (level == SOL_SOCKET && opt == SO_LINGER && len >= sizeof(struct linger)) {
		struct linger lg;
		memcpy(&lg, val, sizeof lg);
		key_i64(r, "val", lg.l_onoff);
		put(r, ":");
		put_i64(r, lg.l_linger);
	} else if (level == SOL_SOCKET && (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO) &&
	           len >= sizeof(struct timeval)) {
		struct timeval tv;
		memcpy(&tv, val, sizeof tv);
		key_i64(r, "val", tv.tv_sec);
		put(r, ".");
		char us[8] = "000000";
		for (int i = 5, u = (int)tv.tv_usec; i >= 0; i--, u /= 10)
			us[i] = (char)('0' + u % 10);
		put(r, us);
	} else if (len == sizeof(int)) {
		int v;
		memcpy(&v, val, sizeof v);
		key_i64(r, "val", v);
	} else if (len == 1) {
		key_i64(r, "val", *(const unsigned char *)val);
	} else {
		key_i64(r, "len", len);
	}
}

static void emit_accept(const char *call, int fd, int ret, int err, const struct sockaddr *sa,
                        const socklen_t *salen)
{
	enum kind k = kind_of(fd);
	if (!traced(k))
		return;
	if (ret >= 0)
		kind_set(ret, k);
	struct rec r;
	rec_begin(&r, call, fd, ret, err);
	key(&r, "kind");
	put(&r, kind_names[k]);
	if (ret >= 0) {
		if (sa && salen)
			key_addr(&r, "peer", sa, *salen);
		else
			key_sockname(&r, "peer", ret, true);
		key_sockname(&r, "local", ret, false);
	}
	rec_end(&r);
}

/* ---- the interposed calls ------------------------------------------------------ */

int socket(int domain, int type, int protocol)
{
	int ret = REAL(F_SOCKET, socket_fn)(domain, type, protocol);
	int err = errno;
	if (ret >= 0)
		kind_set(ret, probe_kind(ret));
	struct rec r;
	rec_begin(&r, "socket", ret, ret, err);
	key(&r, "kind");
	put(&r, ret >= 0 ? kind_names[kind_of(ret)] : "?");
	key_i64(&r, "domain", domain);
	key_hex(&r, "type", (unsigned)type);
	key_i64(&r, "proto", protocol);
	rec_end(&r);
	errno = err;
	return ret;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	int ret = REAL(F_BIND, addr_fn)(fd, addr, len);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "bind", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		key_addr(&r, "addr", addr, len);
		if (ret == 0)
			key_sockname(&r, "local", fd, false);
		rec_end(&r);
	}
	errno = err;
	return ret;
}

int listen(int fd, int backlog)
{
	int ret = REAL(F_LISTEN, int_fn)(fd, backlog);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "listen", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		key_i64(&r, "backlog", backlog);
		rec_end(&r);
	}
	errno = err;
	return ret;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int ret = REAL(F_ACCEPT, accept_fn)(fd, addr, len);
	int err = errno;
	emit_accept("accept", fd, ret, err, addr, len);
	errno = err;
	return ret;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int ret = REAL(F_ACCEPT4, accept4_fn)(fd, addr, len, flags);
	int err = errno;
	emit_accept("accept4", fd, ret, err, addr, len);
	errno = err;
	return ret;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	int ret = REAL(F_CONNECT, addr_fn)(fd, addr, len);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "connect", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		key_addr(&r, "peer", addr, len);
		if (ret == 0 || err == EINPROGRESS)
			key_sockname(&r, "local", fd, false);
		rec_end(&r);
	}
	errno = err;
	return ret;
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	ssize_t ret = REAL(F_SEND, send_fn)(fd, buf, n, flags);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k))
		emit_io("send", fd, k, ret, err, n, flags, -1, NULL, 0);
	errno = err;
	return ret;
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
               socklen_t len)
{
	ssize_t ret = REAL(F_SENDTO, sendto_fn)(fd, buf, n, flags, addr, len);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k))
		emit_io("sendto", fd, k, ret, err, n, flags, -1, addr, addr ? len : 0);
	errno = err;
	return ret;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t ret = REAL(F_SENDMSG, msg_fn)(fd, msg, flags);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k))
		emit_io("sendmsg", fd, k, ret, err, iov_total(msg->msg_iov, msg->msg_iovlen), flags,
		        -1, msg->msg_name, msg->msg_name ? msg->msg_namelen : 0);
	errno = err;
	return ret;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	enum kind k = kind_of(fd);
	ssize_t ret = REAL(F_WRITE, write_fn)(fd, buf, n);
	int err = errno;
	if (traced(k))
		emit_io("write", fd, k, ret, err, n, 0, -1, NULL, 0);
	errno = err;
	return ret;
}

ssize_t writev(int fd, const struct iovec *iov, int count)
{
	enum kind k = kind_of(fd);
	ssize_t ret = REAL(F_WRITEV, iov_fn)(fd, iov, count);
	int err = errno;
	if (traced(k))
		emit_io("writev", fd, k, ret, err, count > 0 ? iov_total(iov, (size_t)count) : 0, 0,
		        -1, NULL, 0);
	errno = err;
	return ret;
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len)
{
	enum kind k = kind_of(fd);
	int64_t dgram = -1;
	ssize_t ret;
	if (learn_length(k, flags))
		ret = udp_result(REAL(F_RECVFROM, recvfrom_fn)(fd, buf, n, flags | MSG_TRUNC, addr, len),
		                 n, flags, &dgram);
	else
		ret = REAL(F_RECVFROM, recvfrom_fn)(fd, buf, n, flags, addr, len);
	int err = errno;
	if (traced(k))
		emit_io("recvfrom", fd, k, ret, err, n, flags, dgram, ret >= 0 ? addr : NULL,
		        ret >= 0 && addr && len ? *len : 0);
	errno = err;
	return ret;
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	enum kind k = kind_of(fd);
	int64_t dgram = -1;
	ssize_t ret;
	if (learn_length(k, flags))
		ret = udp_result(REAL(F_RECV, recv_fn)(fd, buf, n, flags | MSG_TRUNC), n, flags, &dgram);
	else
		ret = REAL(F_RECV, recv_fn)(fd, buf, n, flags);
	int err = errno;
	if (traced(k))
		emit_io("recv", fd, k, ret, err, n, flags, dgram, NULL, 0);
	errno = err;
	return ret;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	enum kind k = kind_of(fd);
	size_t room = iov_total(msg->msg_iov, msg->msg_iovlen);
	int64_t dgram = -1;
	ssize_t ret;
	if (learn_length(k, flags))
		ret = udp_result(REAL(F_RECVMSG, rmsg_fn)(fd, msg, flags | MSG_TRUNC), room, flags,
		                 &dgram);
	else
		ret = REAL(F_RECVMSG, rmsg_fn)(fd, msg, flags);
	int err = errno;
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "recvmsg", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		key_i64(&r, "req", (int64_t)room);
		key_hex(&r, "flags", (unsigned)flags);
		if (dgram >= 0)
			key_i64(&r, "dgram", dgram);
		if (ret >= 0) {
			key_hex(&r, "mflags", (unsigned)msg->msg_flags);
			if (msg->msg_name && msg->msg_namelen > 0)
				key_addr(&r, "peer", msg->msg_name, msg->msg_namelen);
		}
		rec_end(&r);
	}
	errno = err;
	return ret;
}

/* read() of 0 bytes on a socket consumes nothing, recv() of 0 bytes drops a datagram:
 * only a non-empty read becomes a recv. ENOTSOCK means the table was stale (an fd closed
 * behind our back and reused): then the plain call runs, as the program asked. */
ssize_t read(int fd, void *buf, size_t n)
{
	enum kind k = kind_of(fd);
	int64_t dgram = -1;
	ssize_t ret;
	int saved = errno;
	if (k == K_UDP && n > 0) {
		ret = REAL(F_RECV, recv_fn)(fd, buf, n, MSG_TRUNC);
		if (ret < 0 && errno == ENOTSOCK) {
			kind_set(fd, K_NOT_SOCKET);
			k = K_NOT_SOCKET;
			errno = saved;
			ret = REAL(F_READ, read_fn)(fd, buf, n);
		} else {
			ret = udp_result(ret, n, 0, &dgram);
		}
	} else {
		ret = REAL(F_READ, read_fn)(fd, buf, n);
	}
	int err = errno;
	if (traced(k))
		emit_io("read", fd, k, ret, err, n, 0, dgram, NULL, 0);
	errno = err;
	return ret;
}

ssize_t readv(int fd, const struct iovec *iov, int count)
{
	enum kind k = kind_of(fd);
	size_t room = count > 0 ? iov_total(iov, (size_t)count) : 0;
	int64_t dgram = -1;
	ssize_t ret;
	int saved = errno;
	if (k == K_UDP && room > 0) {
		struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)count};
		ret = REAL(F_RECVMSG, rmsg_fn)(fd, &msg, MSG_TRUNC);
		if (ret < 0 && errno == ENOTSOCK) {
			kind_set(fd, K_NOT_SOCKET);
			k = K_NOT_SOCKET;
			errno = saved;
			ret = REAL(F_READV, iov_fn)(fd, iov, count);
		} else {
			ret = udp_result(ret, room, 0, &dgram);
		}
	} else {
		ret = REAL(F_READV, iov_fn)(fd, iov, count);
	}
	int err = errno;
	if (traced(k))
		emit_io("readv", fd, k, ret, err, room, 0, dgram, NULL, 0);
	errno = err;
	return ret;
}

int shutdown(int fd, int how)
{
	int ret = REAL(F_SHUTDOWN, int_fn)(fd, how);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "shutdown", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		key_i64(&r, "how", how);
		rec_end(&r);
	}
	errno = err;
	return ret;
}

/* A program closing the trace fd (a daemon closing every fd) is obeyed; the next record
 * opens the file again. */
int close(int fd)
{
	if (trace_is_fd(fd)) {
		int ret = REAL(F_CLOSE, close_fn)(fd);
		trace_forget_range((unsigned)fd, (unsigned)fd);
		return ret;
	}
	enum kind k = kind_of(fd);
	kind_set(fd, K_UNKNOWN);
	int ret = REAL(F_CLOSE, close_fn)(fd);
	int err = errno;
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "close", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		rec_end(&r);
	}
	errno = err;
	return ret;
}

int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	int ret = REAL(F_SETSOCKOPT, sockopt_fn)(fd, level, opt, val, len);
	int err = errno;
	enum kind k = kind_of(fd);
	if (traced(k)) {
		struct rec r;
		rec_begin(&r, "setsockopt", fd, ret, err);
		key(&r, "kind");
		put(&r, kind_names[k]);
		const char *lname = level_name(level), *oname = opt_name(level, opt);
		key(&r, "level");
		if (lname)
			put(&r, lname);
		else
			put_i64(&r, level);
		key(&r, "opt");
		if (oname)
			put(&r, oname);
		else
			put_i64(&r, opt);
		put_optval(&r, level, opt, val, len);
		rec_end(&r);
	}
	errno = err;
	return ret;
}

/* dup2/dup3 replace whatever newfd was: forget its kind (and stop using it if it was the
 * trace file). They are not recorded. */
static void forget_fd(int newfd)
{
	trace_forget_range((unsigned)newfd, (unsigned)newfd);
	kind_set(newfd, K_UNKNOWN);
}

int dup2(int oldfd, int newfd)
{
	int ret = REAL(F_DUP2, int_fn)(oldfd, newfd);
	if (ret >= 0 && oldfd != newfd)
		forget_fd(newfd);
	return ret;
}

int dup3(int oldfd, int newfd, int flags)
{
	int ret = REAL(F_DUP3, dup3_fn)(oldfd, newfd, flags);
	if (ret >= 0)
		forget_fd(newfd);
	return ret;
}

/* Closing a range of fds (daemons, spawn helpers) may take the trace fd along: it is
 * opened again at the next record. Sockets closed this way are not recorded. */
static void forget_range(unsigned first, unsigned last)
{
	trace_forget_range(first, last);
	for (unsigned i = first; i <= last && i < KIND_TABLE; i++)
		kind_set((int)i, K_UNKNOWN);
}

int close_range(unsigned first, unsigned last, int flags)
{
	int ret = REAL(F_CLOSE_RANGE, close_range_fn)(first, last, flags);
	if (ret == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		forget_range(first, last);
	return ret;
}

void closefrom(int lowfd)
{
	REAL(F_CLOSEFROM, closefrom_fn)(lowfd);
	if (lowfd >= 0)
		forget_range((unsigned)lowfd, ~0u);
}

/* The fortified variants check the buffer size first (their real versions abort on an
 * overflow), then take the traced path. */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (n > buflen)
		return REAL(F_READ_CHK, read_chk_fn)(fd, buf, n, buflen);
	return read(fd, buf, n);
}

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	if (n > buflen)
		return REAL(F_RECV_CHK, recv_chk_fn)(fd, buf, n, buflen, flags);
	return recv(fd, buf, n, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
                       struct sockaddr *addr, socklen_t *addrlen)
{
	if (n > buflen)
		return REAL(F_RECVFROM_CHK, recvfrom_chk_fn)(fd, buf, n, buflen, flags, addr, addrlen);
	return recvfrom(fd, buf, n, flags, addr, addrlen);
}

/* ---- load time: the hello record ----------------------------------------------- */

static void hello(const char *call, const char *exe)
{
	int saved = errno;
	struct timespec real_now;
	clock_gettime(CLOCK_REALTIME, &real_now);
	struct rec r;
	rec_begin(&r, call, -1, 0, 0);
	key_i64(&r, "v", 1);
	key_i64(&r, "ppid", getppid());
	key_i64(&r, "real", (int64_t)real_now.tv_sec * 1000000000 + real_now.tv_nsec);
	if (exe) {
		key(&r, "exe");
		size_t len = strlen(exe);
		put_clean(&r, exe, len < 255 ? len : 255); /* the reader keeps 255 bytes */
	}
	rec_end(&r);
	errno = saved;
}

/* A forked child shares the parent's trace fd; its first record says who it is. */
static void after_fork(void)
{
	hello("fork", NULL);
}

/* glibc passes argc/argv/envp to ELF constructors. The hello record is what tells a
 * traced program from an untraced (static) one, so it is written even by a program that
 * makes no socket call at all. */
__attribute__((constructor)) static void wctrace_init(int argc, char **argv, char **envp)
{
	(void)envp;
	int saved = errno;
	real_resolve_all();
	const char *path = getenv("WC_TRACE_FILE");
	if (path)
		trace_set_path(path);
	pthread_atfork(NULL, NULL, after_fork);
	hello("hello", argc > 0 && argv ? argv[0] : NULL);
	errno = saved;
}
