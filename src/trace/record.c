/* record.c — the trace file, and records built on the stack and appended in one write(). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "trace/wctrace.h"

#define TRACE_UNOPENED (-2)
#define TRACE_OFF (-1)
/* Kept high so a program's own fds, and loops that close "all low fds", rarely meet it. */
#define TRACE_FD_FLOOR 900

static char trace_path[4096];
static int trace_fd = TRACE_UNOPENED;

static int trace_open(void)
{
	int fd = __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE);
	if (fd != TRACE_UNOPENED)
		return fd;
	if (!trace_path[0])
		return TRACE_OFF;
	fd = open(trace_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return TRACE_OFF;
	int high = fcntl(fd, F_DUPFD_CLOEXEC, TRACE_FD_FLOOR);
	if (high >= 0) {
		REAL(F_CLOSE, close_fn)(fd);
		fd = high;
	}
	int expected = TRACE_UNOPENED;
	if (!__atomic_compare_exchange_n(&trace_fd, &expected, fd, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		REAL(F_CLOSE, close_fn)(fd); /* another thread opened it first */
		return expected;
	}
	return fd;
}

void trace_set_path(const char *path)
{
	size_t len = strlen(path);
	if (len < sizeof trace_path)
		memcpy(trace_path, path, len + 1);
}

bool trace_is_fd(int fd)
{
	return fd >= 0 && fd == __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE);
}

void trace_forget_range(unsigned first, unsigned last)
{
	int fd = __atomic_load_n(&trace_fd, __ATOMIC_ACQUIRE);
	if (fd >= 0 && (unsigned)fd >= first && (unsigned)fd <= last)
		__atomic_compare_exchange_n(&trace_fd, &fd, TRACE_UNOPENED, false, __ATOMIC_ACQ_REL,
		                            __ATOMIC_ACQUIRE);
}

/* ---- records ------------------------------------------------------------------ */

void put(struct rec *r, const char *s)
{
	while (*s && r->n < sizeof r->buf - 2)
		r->buf[r->n++] = *s++;
}

/* Values never hold a tab, a space or a newline, so a line splits without quoting. */
void put_clean(struct rec *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i] && r->n < sizeof r->buf - 2; i++) {
		unsigned char c = (unsigned char)s[i];
		r->buf[r->n++] = (c > ' ' && c < 0x7f) ? (char)c : '?';
	}
}

void put_u64(struct rec *r, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	tmp[--i] = '\0';
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(r, tmp + i);
}

void put_i64(struct rec *r, int64_t v)
{
	if (v < 0) {
		put(r, "-");
		put_u64(r, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(r, (uint64_t)v);
	}
}

void put_hex(struct rec *r, unsigned v)
{
	char tmp[16];
	size_t i = sizeof tmp;
	tmp[--i] = '\0';
	do {
		tmp[--i] = "0123456789abcdef"[v & 0xf];
		v >>= 4;
	} while (v);
	put(r, "0x");
	put(r, tmp + i);
}

void key(struct rec *r, const char *k)
{
	put(r, "\t");
	put(r, k);
	put(r, "=");
}

void key_i64(struct rec *r, const char *k, int64_t v)
{
	key(r, k);
	put_i64(r, v);
}

void key_hex(struct rec *r, const char *k, unsigned v)
{
	key(r, k);
	put_hex(r, v);
}

void put_addr(struct rec *r, const struct sockaddr *sa, socklen_t len)
{
	char text[INET6_ADDRSTRLEN];
	if (len >= sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
		put(r, text);
		put(r, ":");
		put_u64(r, ntohs(in->sin_port));
	} else if (len >= sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
		put(r, "[");
		put(r, text);
		put(r, "]:");
		put_u64(r, ntohs(in6->sin6_port));
	} else if (len >= sizeof(sa_family_t) && sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		size_t path = len - offsetof(struct sockaddr_un, sun_path);
		put(r, "unix:");
		if (path > 0 && un->sun_path[0] == '\0') {
			put(r, "@"); /* abstract namespace */
			put_clean(r, un->sun_path + 1, path - 1);
		} else {
			put_clean(r, un->sun_path, path);
		}
	} else {
		put(r, "family");
		put_u64(r, len >= sizeof(sa_family_t) ? sa->sa_family : 0);
	}
}

void key_addr(struct rec *r, const char *k, const struct sockaddr *sa, socklen_t len)
{
	if (!sa)
		return;
	key(r, k);
	put_addr(r, sa, len);
}

void key_sockname(struct rec *r, const char *k, int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
	              : getsockname(fd, (struct sockaddr *)&ss, &len);
	if (rc == 0)
		key_addr(r, k, (struct sockaddr *)&ss, len);
}

void rec_begin(struct rec *r, const char *call, int fd, int64_t ret, int err)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	r->n = 0;
	put_u64(r, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	put(r, "\t");
	put_i64(r, getpid());
	put(r, "\t");
	put_i64(r, (int64_t)syscall(SYS_gettid));
	put(r, "\t");
	put(r, call);
	put(r, "\t");
	put_i64(r, fd);
	put(r, "\t");
	put_i64(r, ret);
	put(r, "\t");
	put_i64(r, ret < 0 ? err : 0);
}

void rec_end(struct rec *r)
{
	r->buf[r->n++] = '\n';
	int fd = trace_open();
	if (fd >= 0)
		(void)REAL(F_WRITE, write_fn)(fd, r->buf, r->n);
}

