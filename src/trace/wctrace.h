/* wctrace.h — what the parts of the preload library share (internal, never installed).
 *
 * Everything here is hidden from the programs the library is loaded into: only the
 * interposed libc functions in wctrace.c are exported.
 */
#ifndef WC_TRACE_WCTRACE_H
#define WC_TRACE_WCTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#pragma GCC visibility push(hidden)

/* ---- the real functions (real.c) ---- */

enum fn {
	F_SOCKET, F_BIND, F_LISTEN, F_ACCEPT, F_ACCEPT4, F_CONNECT, F_SEND, F_SENDTO,
	F_SENDMSG, F_WRITE, F_WRITEV, F_RECV, F_RECVFROM, F_RECVMSG, F_READ, F_READV,
	F_SHUTDOWN, F_CLOSE, F_SETSOCKOPT, F_DUP2, F_DUP3, F_CLOSE_RANGE, F_CLOSEFROM,
	F_READ_CHK, F_RECV_CHK, F_RECVFROM_CHK, F_COUNT
};

/* The libc function behind f; dlsym the first time. */
void *real(enum fn f);
/* Look every one up now (the constructor), so dlsym, which may allocate, never runs later
 * in a signal handler or a forked child. */
void real_resolve_all(void);

#define REAL(f, type) ((type)real(f))

typedef int (*socket_fn)(int, int, int);
typedef int (*addr_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*int_fn)(int, int);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*accept_fn)(int, struct sockaddr *, socklen_t *);
typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
typedef ssize_t (*msg_fn)(int, const struct msghdr *, int);
typedef ssize_t (*rmsg_fn)(int, struct msghdr *, int);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*iov_fn)(int, const struct iovec *, int);
typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef ssize_t (*recvfrom_fn)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
typedef ssize_t (*read_fn)(int, void *, size_t);
typedef int (*close_fn)(int);
typedef int (*sockopt_fn)(int, int, int, const void *, socklen_t);
typedef int (*dup3_fn)(int, int, int);
typedef int (*close_range_fn)(unsigned, unsigned, int);
typedef void (*closefrom_fn)(int);
typedef ssize_t (*read_chk_fn)(int, void *, size_t, size_t);
typedef ssize_t (*recv_chk_fn)(int, void *, size_t, size_t, int);
typedef ssize_t (*recvfrom_chk_fn)(int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *);

/* ---- the trace file and its records (record.c) ---- */

/* The file named by WC_TRACE_FILE, opened at the first record. */
void trace_set_path(const char *path);
/* Is fd the trace file's own descriptor? */
bool trace_is_fd(int fd);
/* The program closed or replaced fds first..last: if the trace file was among them, the
 * next record opens it again. */
void trace_forget_range(unsigned first, unsigned last);

struct rec {
	char buf[1024];
	size_t n;
};

void put(struct rec *r, const char *s);
/* Values never hold a blank, a tab or a newline: others become '?'. */
void put_clean(struct rec *r, const char *s, size_t len);
void put_u64(struct rec *r, uint64_t v);
void put_i64(struct rec *r, int64_t v);
void put_hex(struct rec *r, unsigned v);
void key(struct rec *r, const char *k);
void key_i64(struct rec *r, const char *k, int64_t v);
void key_hex(struct rec *r, const char *k, unsigned v);
void put_addr(struct rec *r, const struct sockaddr *sa, socklen_t len);
void key_addr(struct rec *r, const char *k, const struct sockaddr *sa, socklen_t len);
/* The socket's local (peer false) or peer address, when the kernel knows it. */
void key_sockname(struct rec *r, const char *k, int fd, bool peer);
/* The seven fixed fields; then keys; rec_end appends the line to the trace file. */
void rec_begin(struct rec *r, const char *call, int fd, int64_t ret, int err);
void rec_end(struct rec *r);

#pragma GCC visibility pop

#endif
