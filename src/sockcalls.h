/* sockcalls.h — the socket-call trace of a live run: its file format, and the reader.
 *
 * src/trace/libwctrace.so, preloaded into a program (LD_PRELOAD) with WC_TRACE_FILE
 * naming a file, appends one line per socket call to that file (O_APPEND, one write()
 * per line, so the lines of forked children and threads never interleave). A line is
 * tab-separated; seven fixed fields, then key=value fields in any order:
 *
 *   TS  PID  TID  CALL  FD  RET  ERRNO  [KEY=VALUE]...
 *
 *   TS     CLOCK_MONOTONIC in nanoseconds
 *   CALL   the function called: socket bind listen accept accept4 connect
 *          send sendto sendmsg write writev recv recvfrom recvmsg read readv
 *          shutdown close setsockopt — plus two records of the library itself:
 *          hello (written when the library loads into a program) and fork (the first
 *          record of a forked child)
 *   FD     the socket the call was made on (socket: the new one; hello/fork: -1)
 *   RET    the return value as the program saw it (accept: the new fd)
 *   ERRNO  errno when RET < 0, else 0
 *
 * Keys (values hold no blank, tab or newline):
 *   kind=tcp|udp|unix|other|?   the socket's kind (? for a failed socket())
 *   domain= type= proto=        socket() arguments (type in hex, flags included)
 *   addr=                       bind's address;  local= the bound address after it
 *   peer=                       connect/sendto/sendmsg target, accept/recvfrom source
 *                               addresses read "127.0.0.1:7", "[::1]:7", "unix:/p",
 *                               "unix:@abstract"
 *   backlog=  how=              listen, shutdown
 *   req=                        bytes the program offered or asked for
 *   flags=                      send/recv flags passed (hex; MSG_PEEK 0x2, MSG_TRUNC 0x20)
 *   dgram=                      UDP receive: the real length of the datagram read
 *                               (the library always learns it), so RET < dgram means
 *                               the program lost dgram - RET bytes of it
 *   mflags=                     recvmsg: msg_flags returned (hex)
 *   level= opt=                 setsockopt, by name (SOL_SOCKET, SO_REUSEADDR, ...)
 *                               or by number when the library has no name for it
 *   val=                        setsockopt value: an int, "on:secs" for SO_LINGER,
 *                               "sec.usec" for timeouts;  len= when it is none of these
 *   v= ppid= real= exe=         hello/fork: format version (1), parent pid,
 *                               CLOCK_REALTIME in ns at that moment, argv[0]
 *
 * A program the library could not enter (statically linked, or setuid) leaves no hello
 * record: such a trace says "untraced", not "made no socket calls" — wc_trace_traced().
 */
#ifndef WC_SOCKCALLS_H
#define WC_SOCKCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of the reader: longer lines or more records are an error, not a truncation. */
#define WC_TRACE_LINE_MAX 1024
#define WC_TRACE_RECORDS_MAX 1000000

enum wc_sc_call {
	WC_SC_HELLO,
	WC_SC_FORK,
	WC_SC_SOCKET,
	WC_SC_BIND,
	WC_SC_LISTEN,
	WC_SC_ACCEPT,  /* accept, accept4 */
	WC_SC_CONNECT,
	WC_SC_SEND,    /* send, sendto, sendmsg, write, writev */
	WC_SC_RECV,    /* recv, recvfrom, recvmsg, read, readv */
	WC_SC_SHUTDOWN,
	WC_SC_CLOSE,
	WC_SC_SETSOCKOPT,
};

enum wc_sc_kind { WC_SK_UNKNOWN, WC_SK_TCP, WC_SK_UDP, WC_SK_UNIX, WC_SK_OTHER };

#define WC_SC_ADDR_MAX 128
#define WC_SC_EXE_MAX 256
#define WC_SC_NAME_MAX 24

/* One line of the trace. Numbers a line did not carry are -1; strings are "". */
struct wc_sockcall {
	size_t line;                    /* 1-based line in the file */
	uint64_t ts_ns;                 /* CLOCK_MONOTONIC */
	int pid, tid;
	enum wc_sc_call call;
	char fn[WC_SC_NAME_MAX];        /* the exact function: "recvfrom", "accept4", ... */
	int fd;
	int64_t ret;
	int err;                        /* errno, 0 on success */
	enum wc_sc_kind kind;
	int64_t req, dgram;
	int64_t flags, mflags;
	int64_t domain, type, proto, backlog, how, ppid, real_ns;
	char addr[WC_SC_ADDR_MAX], local[WC_SC_ADDR_MAX], peer[WC_SC_ADDR_MAX];
	char level[WC_SC_NAME_MAX], opt[WC_SC_NAME_MAX];
	char val[WC_SC_NAME_MAX];       /* setsockopt value as written ("1", "1:5") */
	int64_t optlen;                 /* setsockopt len= when the value was not shown */
	char exe[WC_SC_EXE_MAX];       /* argv[0], cut to 255 bytes by the library */
};

struct wc_trace {
	struct wc_sockcall *calls;
	size_t count;
};

/* Read a whole trace file. A missing file is an empty trace (the library creates the
 * file only when it writes the first record, so a static program leaves none). A
 * malformed line fails the whole load with "PATH line N: what is wrong" in errbuf.
 * Returns 0 or -1; on success wc_trace_free() releases the records. */
int wc_trace_load(const char *path, struct wc_trace *out, char *errbuf);
void wc_trace_free(struct wc_trace *t);

/* Parse one line (without its newline) into *call; 0 or -1 with the reason in errbuf
 * (no path or line number: wc_trace_load adds them). */
int wc_sockcall_parse(const char *line, struct wc_sockcall *call, char *errbuf);

/* Did the library run in pid (a hello or fork record)? pid -1: in any process. */
bool wc_trace_traced(const struct wc_trace *t, int pid);

/* The CLOCK_REALTIME moment of record i, the clock of a capture's timestamps: its
 * monotonic time moved by the offset its process's hello or fork record noted (real=).
 * -1 when the process left no such record. */
int64_t wc_trace_realtime(const struct wc_trace *t, size_t i);

/* The predicates the checks use, one record at a time. */
bool wc_sc_short_datagram_read(const struct wc_sockcall *c); /* UDP receive, ret < dgram */
bool wc_sc_failed_with(const struct wc_sockcall *c, enum wc_sc_call call, int err);

/* Index of the first record at or after `from` for which match() holds, or t->count. */
size_t wc_trace_next(const struct wc_trace *t, size_t from,
                     bool (*match)(const struct wc_sockcall *c));

/* Index of the first record at or after `from` that is `call` and failed with `err`
 * (ECONNREFUSED from connect, EADDRINUSE from bind), or t->count. */
size_t wc_trace_next_failed(const struct wc_trace *t, size_t from, enum wc_sc_call call,
                            int err);

/* For the bind at index `bind_at`: was setsockopt(opt name, e.g. "SO_REUSEADDR") set to a
 * non-zero value on the same socket (same pid and fd, after the socket was made) before
 * it? */
bool wc_trace_opt_before(const struct wc_trace *t, size_t bind_at, const char *opt);

#endif
