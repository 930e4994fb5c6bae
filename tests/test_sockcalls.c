/* test_sockcalls.c — the preload library on real programs, and the trace reader. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errbuf.h"
#include "sockcalls.h"
#include "unit.h"

static char out[4096];

static const char *build_path(const char *rel)
{
	static char path[4096];
	const char *dir = getenv("WC_BUILDDIR");
	snprintf(path, sizeof path, "%s/%s", dir ? dir : BUILDDIR, rel);
	return path;
}

/* Run argv (argv[0] relative to the build tree) with its stdout in `out`, under the
 * library when trace is non-NULL. Returns the exit status, or -1. */
static int run(const char *prog, const char *arg1, const char *arg2, const char *trace)
{
	char exe[4096], lib[4096];
	snprintf(exe, sizeof exe, "%s", build_path(prog));
	snprintf(lib, sizeof lib, "%s", build_path("src/trace/libwctrace.so"));
	if (trace)
		unlink(trace);
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		unsetenv("LD_PRELOAD");
		if (trace) {
			setenv("LD_PRELOAD", lib, 1);
			setenv("WC_TRACE_FILE", trace, 1);
		}
		char *const argv[] = {exe, (char *)arg1, (char *)arg2, NULL};
		execv(exe, argv);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], out + got, sizeof out - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(p[0]);
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The number the tracee printed after "key ". */
static int printed(const char *key)
{
	size_t len = strlen(key);
	for (const char *line = out; *line; line = strchr(line, '\n') + 1) {
		if (strncmp(line, key, len) == 0 && line[len] == ' ')
			return atoi(line + len + 1);
		if (!strchr(line, '\n'))
			break;
	}
	return -1;
}

/* Run a tracee mode under the library and load its trace. */
static int traced_run_of(const char *prog, const char *mode, const char *arg2,
                         struct wc_trace *t)
{
	char name[64], errbuf[WC_ERRBUF_SIZE];
	snprintf(name, sizeof name, "trace_%s.tsv", mode);
	char trace[4096];
	snprintf(trace, sizeof trace, "%s", wc_scratch(name));
	int status = run(prog, mode, arg2, trace);
	if (wc_trace_load(trace, t, errbuf) != 0) {
		fprintf(stderr, "%s\n", errbuf);
		return -1;
	}
	return status;
}

static size_t count_call(const struct wc_trace *t, enum wc_sc_call call, int fd)
{
	size_t n = 0;
	for (size_t i = 0; i < t->count; i++)
		n += t->calls[i].call == call && t->calls[i].fd == fd;
	return n;
}

static int traced_run(const char *mode, const char *arg2, struct wc_trace *t)
{
	return traced_run_of("tests/trace_tracee", mode, arg2, t);
}

/* The i-th record (0-based) of `call` on `fd`, or NULL. */
static const struct wc_sockcall *nth(const struct wc_trace *t, enum wc_sc_call call, int fd,
                                     size_t i)
{
	for (size_t k = 0; k < t->count; k++)
		if (t->calls[k].call == call && t->calls[k].fd == fd && i-- == 0)
			return &t->calls[k];
	return NULL;
}

static void check_udp_short_reads(const char *prog)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run_of(prog, "udp", NULL, &t), 0);
	int rx = printed("rx"), tx = printed("tx");
	char peer[64];
	snprintf(peer, sizeof peer, "127.0.0.1:%d", printed("port"));
	CU_ASSERT_EQUAL(t.calls[0].call, WC_SC_HELLO);
	CU_ASSERT_PTR_NOT_NULL(strstr(t.calls[0].exe, prog));
	CU_ASSERT_TRUE(wc_trace_traced(&t, -1));

	CU_ASSERT_EQUAL(count_call(&t, WC_SC_SEND, tx), 5);
	CU_ASSERT_STRING_EQUAL(nth(&t, WC_SC_SEND, tx, 4)->fn, "sendmsg");
	CU_ASSERT_STRING_EQUAL(nth(&t, WC_SC_SEND, tx, 4)->peer, peer);
	CU_ASSERT_EQUAL(nth(&t, WC_SC_SEND, tx, 4)->req, 100);
	const struct wc_sockcall *s = nth(&t, WC_SC_SEND, tx, 0);
	CU_ASSERT_STRING_EQUAL(s->fn, "sendto");
	CU_ASSERT_EQUAL(s->kind, WC_SK_UDP);
	CU_ASSERT_EQUAL(s->req, 100);
	CU_ASSERT_EQUAL(s->ret, 100);
	CU_ASSERT_STRING_EQUAL(s->peer, peer);

	CU_ASSERT_EQUAL_FATAL(count_call(&t, WC_SC_RECV, rx), 5);
	const struct wc_sockcall *r = nth(&t, WC_SC_RECV, rx, 0);
	CU_ASSERT_STRING_EQUAL(r->fn, "recv");
	CU_ASSERT_EQUAL(r->req, 50);
	CU_ASSERT_EQUAL(r->ret, 50);
	CU_ASSERT_EQUAL(r->dgram, 100);
	CU_ASSERT_EQUAL(r->flags, 0);
	CU_ASSERT_TRUE(wc_sc_short_datagram_read(r));
	r = nth(&t, WC_SC_RECV, rx, 1); /* MSG_TRUNC: the program itself learns 100 */
	CU_ASSERT_EQUAL(r->flags, 0x20);
	CU_ASSERT_EQUAL(r->ret, 100);
	CU_ASSERT_EQUAL(r->dgram, 100);
	CU_ASSERT_FALSE(wc_sc_short_datagram_read(r));
	r = nth(&t, WC_SC_RECV, rx, 2);
	CU_ASSERT_STRING_EQUAL(r->fn, "read");
	CU_ASSERT_EQUAL(r->ret, 50);
	CU_ASSERT_EQUAL(r->dgram, 100);
	r = nth(&t, WC_SC_RECV, rx, 3);
	CU_ASSERT_STRING_EQUAL(r->fn, "recvmsg");
	CU_ASSERT_EQUAL(r->ret, 50);
	CU_ASSERT_EQUAL(r->dgram, 100);
	CU_ASSERT_EQUAL(r->mflags & 0x20, 0x20);
	r = nth(&t, WC_SC_RECV, rx, 4);
	CU_ASSERT_STRING_EQUAL(r->fn, "readv");
	CU_ASSERT_EQUAL(r->req, 50);
	CU_ASSERT_EQUAL(r->ret, 50);
	CU_ASSERT_EQUAL(r->dgram, 100);

	size_t shorts = 0;
	for (size_t i = wc_trace_next(&t, 0, wc_sc_short_datagram_read); i < t.count;
	     i = wc_trace_next(&t, i + 1, wc_sc_short_datagram_read))
		shorts++;
	CU_ASSERT_EQUAL(shorts, 4);
	CU_ASSERT_EQUAL(count_call(&t, WC_SC_CLOSE, rx), 1);
	wc_trace_free(&t);
}

static void test_udp_short_reads(void)
{
	check_udp_short_reads("tests/trace_tracee");
}

/* Fortified builds read through __recv_chk and __read_chk: traced the same. */
static void test_udp_short_reads_fortified(void)
{
	check_udp_short_reads("tests/trace_fortified");
}

static void test_connect_refused(void)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run("refused", NULL, &t), 0);
	char peer[64];
	snprintf(peer, sizeof peer, "127.0.0.1:%d", printed("port"));
	size_t i = wc_trace_next_failed(&t, 0, WC_SC_CONNECT, ECONNREFUSED);
	CU_ASSERT_FATAL(i < t.count);
	const struct wc_sockcall *c = &t.calls[i];
	CU_ASSERT_EQUAL(c->fd, printed("fd"));
	CU_ASSERT_EQUAL(c->ret, -1);
	CU_ASSERT_EQUAL(c->err, ECONNREFUSED);
	CU_ASSERT_EQUAL(c->kind, WC_SK_TCP);
	CU_ASSERT_STRING_EQUAL(c->peer, peer);
	CU_ASSERT_STRING_EQUAL(c->local, "");
	CU_ASSERT_EQUAL(wc_trace_next_failed(&t, i + 1, WC_SC_CONNECT, ECONNREFUSED), t.count);
	wc_trace_free(&t);
}

static void test_bind_in_use(void)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run("inuse", NULL, &t), 0);
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%d", printed("port"));
	size_t i = wc_trace_next_failed(&t, 0, WC_SC_BIND, EADDRINUSE);
	CU_ASSERT_FATAL(i < t.count);
	CU_ASSERT_EQUAL(t.calls[i].fd, printed("fd"));
	CU_ASSERT_EQUAL(t.calls[i].err, EADDRINUSE);
	CU_ASSERT_STRING_EQUAL(t.calls[i].addr, addr);
	CU_ASSERT_FALSE(wc_trace_opt_before(&t, i, "SO_REUSEADDR"));
	/* the first bind asked for port 0 and got the port the second one wanted */
	size_t b = 0;
	while (b < t.count && t.calls[b].call != WC_SC_BIND)
		b++;
	CU_ASSERT_FATAL(b < i);
	CU_ASSERT_EQUAL(t.calls[b].ret, 0);
	CU_ASSERT_STRING_EQUAL(t.calls[b].addr, "127.0.0.1:0");
	CU_ASSERT_STRING_EQUAL(t.calls[b].local, addr);
	wc_trace_free(&t);
}

static const struct wc_sockcall *opt_rec(const struct wc_trace *t, const char *opt)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->calls[i].call == WC_SC_SETSOCKOPT && strcmp(t->calls[i].opt, opt) == 0)
			return &t->calls[i];
	return NULL;
}

static void test_sockopts_and_tcp(void)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run("sockopts", NULL, &t), 0);
	int fd = printed("fd"), conn = printed("conn");
	char local[64];
	snprintf(local, sizeof local, "127.0.0.1:%d", printed("port"));
	static const char *const want[][3] = {
		{"SO_REUSEADDR", "SOL_SOCKET", "1"}, {"SO_LINGER", "SOL_SOCKET", "1:5"},
		{"IP_TTL", "IPPROTO_IP", "7"},       {"TCP_NODELAY", "IPPROTO_TCP", "1"},
		{"SO_RCVBUF", "SOL_SOCKET", "65536"},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		const struct wc_sockcall *o = opt_rec(&t, want[k][0]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		CU_ASSERT_EQUAL(o->fd, fd);
		CU_ASSERT_EQUAL(o->ret, 0);
		CU_ASSERT_STRING_EQUAL(o->level, want[k][1]);
		CU_ASSERT_STRING_EQUAL(o->val, want[k][2]);
	}
	size_t b = 0;
	while (b < t.count && !(t.calls[b].call == WC_SC_BIND && t.calls[b].fd == fd))
		b++;
	CU_ASSERT_FATAL(b < t.count);
	CU_ASSERT_STRING_EQUAL(t.calls[b].local, local);
	CU_ASSERT_TRUE(wc_trace_opt_before(&t, b, "SO_REUSEADDR"));
	CU_ASSERT_FALSE(wc_trace_opt_before(&t, b, "SO_BROADCAST"));

	CU_ASSERT_EQUAL(nth(&t, WC_SC_LISTEN, fd, 0)->backlog, 4);
	const struct wc_sockcall *a = nth(&t, WC_SC_ACCEPT, fd, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a->ret, conn);
	CU_ASSERT_STRING_EQUAL(a->local, local);
	CU_ASSERT_EQUAL(strncmp(a->peer, "127.0.0.1:", 10), 0);

	/* the client's send, write and shutdown; the server's reads add up to 10 then 0 */
	const struct wc_sockcall *snd = NULL, *wr = NULL, *sh = NULL;
	for (size_t i = 0; i < t.count; i++) {
		const struct wc_sockcall *c = &t.calls[i];
		if (c->call == WC_SC_SEND && strcmp(c->fn, "send") == 0)
			snd = c;
		if (c->call == WC_SC_SEND && strcmp(c->fn, "write") == 0)
			wr = c;
		if (c->call == WC_SC_SHUTDOWN)
			sh = c;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(snd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(wr);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	CU_ASSERT_EQUAL(snd->ret, 5);
	CU_ASSERT_EQUAL(wr->ret, 5);
	CU_ASSERT_EQUAL(wr->kind, WC_SK_TCP);
	CU_ASSERT_EQUAL(sh->how, 1);
	int64_t total = 0, last = -1;
	for (size_t i = 0; i < t.count; i++)
		if (t.calls[i].call == WC_SC_RECV && t.calls[i].fd == conn) {
			CU_ASSERT_EQUAL(t.calls[i].dgram, -1);
			total += t.calls[i].ret;
			last = t.calls[i].ret;
		}
	CU_ASSERT_EQUAL(total, 10);
	CU_ASSERT_EQUAL(last, 0);
	wc_trace_free(&t);
}

static void test_forked_child(void)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run("fork", NULL, &t), 0);
	int parent = printed("parent"), child = printed("child");
	CU_ASSERT_FATAL(child > 0 && parent > 0 && child != parent);
	CU_ASSERT_TRUE(wc_trace_traced(&t, parent));
	CU_ASSERT_TRUE(wc_trace_traced(&t, child));
	size_t child_socket = 0, child_close = 0, child_fork = 0;
	for (size_t i = 0; i < t.count; i++) {
		const struct wc_sockcall *c = &t.calls[i];
		if (c->pid != child)
			continue;
		CU_ASSERT_EQUAL(c->tid, child);
		if (c->call == WC_SC_FORK) {
			child_fork++;
			CU_ASSERT_EQUAL(c->ppid, parent);
		}
		if (c->call == WC_SC_SOCKET && c->kind == WC_SK_TCP)
			child_socket++;
		child_close += c->call == WC_SC_CLOSE;
	}
	CU_ASSERT_EQUAL(child_fork, 1);
	CU_ASSERT_EQUAL(child_socket, 1);
	CU_ASSERT_EQUAL(child_close, 1);
	/* timestamps of one file appended in order by two processes still rise */
	for (size_t i = 1; i < t.count; i++)
		CU_ASSERT_TRUE(t.calls[i].ts_ns >= t.calls[i - 1].ts_ns);
	wc_trace_free(&t);
}

static void test_file_io_not_traced(void)
{
	struct wc_trace t;
	char data[4096];
	snprintf(data, sizeof data, "%s", wc_scratch("trace_files.dat"));
	CU_ASSERT_EQUAL_FATAL(traced_run("files", data, &t), 0);
	CU_ASSERT_EQUAL(t.count, 1);
	CU_ASSERT_EQUAL(t.calls[0].call, WC_SC_HELLO);
	wc_trace_free(&t);
	unlink(data);
}

static void test_threads_whole_lines(void)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run("threads", NULL, &t), 0); /* a torn line fails the load */
	CU_ASSERT_EQUAL_FATAL(printed("sends"), 800);
	size_t sends = 0;
	int tids[8], ntids = 0;
	for (size_t i = 0; i < t.count; i++) {
		const struct wc_sockcall *c = &t.calls[i];
		if (c->call != WC_SC_SEND)
			continue;
		sends++;
		CU_ASSERT_EQUAL(c->ret, 4);
		bool seen = false;
		for (int k = 0; k < ntids; k++)
			seen |= tids[k] == c->tid;
		if (!seen && ntids < 8)
			tids[ntids++] = c->tid;
		CU_ASSERT_NOT_EQUAL(c->tid, c->pid);
	}
	CU_ASSERT_EQUAL(sends, 800);
	CU_ASSERT_EQUAL(ntids, 4);
	wc_trace_free(&t);
}

static void test_closefrom_reopens(void)
{
	struct wc_trace t;
	CU_ASSERT_EQUAL_FATAL(traced_run("closefrom", NULL, &t), 0);
	int fd = printed("fd");
	CU_ASSERT_EQUAL(count_call(&t, WC_SC_BIND, fd), 2); /* before and after closefrom */
	const struct wc_sockcall *s = nth(&t, WC_SC_SEND, fd, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->ret, 5);
	CU_ASSERT_EQUAL(count_call(&t, WC_SC_CLOSE, fd), 1);
	wc_trace_free(&t);
}

static void test_errno_preserved(void)
{
	char plain[sizeof out];
	CU_ASSERT_EQUAL_FATAL(run("tests/trace_tracee", "errno", NULL, NULL), 0);
	memcpy(plain, out, sizeof out);
	CU_ASSERT_EQUAL_FATAL(run("tests/trace_tracee", "errno", NULL, wc_scratch("trace_errno.tsv")),
	                      0);
	CU_ASSERT_STRING_EQUAL(out, plain);
	char want[512];
	snprintf(want, sizeof want,
	         "connect -1 %d\nrecv -1 %d\nclose -1 %d\nsocket-ok errno 12345\n"
	         "sendto 1 errno 4321\nrecv-empty -1 %d\n",
	         ECONNREFUSED, ENOTCONN, EBADF, EAGAIN);
	CU_ASSERT_STRING_EQUAL(plain, want);
}

static void test_static_untraced(void)
{
	if (access(build_path("tests/trace_static"), X_OK) != 0) {
		char why[256] = "";
		FILE *f = fopen(build_path("tests/trace_static.why"), "r");
		if (f) {
			if (!fgets(why, sizeof why, f))
				why[0] = '\0';
			fclose(f);
		}
		fprintf(stderr, "SKIP static case: cannot link a static program: %s\n", why);
		return;
	}
	const char *trace = wc_scratch("trace_static.tsv");
	CU_ASSERT_EQUAL_FATAL(run("tests/trace_static", NULL, NULL, trace), 0);
	struct wc_trace t;
	char errbuf[WC_ERRBUF_SIZE];
	CU_ASSERT_EQUAL_FATAL(wc_trace_load(trace, &t, errbuf), 0);
	CU_ASSERT_EQUAL(t.count, 0);
	CU_ASSERT_FALSE(wc_trace_traced(&t, -1));
	wc_trace_free(&t);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void expect_error(const char *text, const char *why)
{
	char path[4096], errbuf[WC_ERRBUF_SIZE], want[4096 + WC_ERRBUF_SIZE];
	snprintf(path, sizeof path, "%s", wc_scratch("trace_bad.tsv"));
	write_file(path, text);
	struct wc_trace t;
	CU_ASSERT_EQUAL(wc_trace_load(path, &t, errbuf), -1);
	snprintf(want, sizeof want, "%s %s", path, why);
	CU_ASSERT_STRING_EQUAL(errbuf, want);
	CU_ASSERT_PTR_NULL(t.calls);
	CU_ASSERT_EQUAL(t.count, 0);
}

#define HELLO "10\t7\t7\thello\t-1\t0\t0\tv=1\tppid=1\treal=5\texe=/bin/x\n"
#define SOCK "11\t7\t7\tsocket\t3\t3\t0\tkind=udp\tdomain=2\ttype=0x2\tproto=0\n"

static void test_malformed_lines(void)
{
	expect_error(HELLO SOCK "12\t7\t7\tsocket\tx\t3\t0\n", "line 3: bad fd field \"x\"");
	expect_error(HELLO "12\t7\t7\tlisten\t3\t0\n", "line 2: 6 fields, at least 7 expected");
	expect_error(SOCK "12\t7\t7\tpoll\t3\t0\t0\n", "line 2: bad call field \"poll\"");
	expect_error(SOCK "12\t7\t7\trecv\t3\t5\t0\treq=8\tsize=3\n", "line 2: unknown key \"size\"");
	expect_error(SOCK "12\t7\t7\trecv\t3\t5\t0\treq=eight\n",
	             "line 2: bad number in req=\"eight\"");
	expect_error(SOCK "12\t7\t7\trecv\t3\t5\t0\tkind=sctp\n",
	             "line 2: unknown socket kind \"sctp\"");
	expect_error("10\t7\t7\thello\t-1\t0\t0\tv=2\n",
	             "line 1: trace format version 2, this reader knows 1");
	expect_error(SOCK "12\t7\t7\tclose\t3\t0\t0", "line 2: no newline at the end");

	char path[4096], errbuf[WC_ERRBUF_SIZE];
	struct wc_trace t;
	snprintf(path, sizeof path, "%s", wc_scratch("trace_good.tsv"));
	write_file(path, HELLO SOCK "12\t7\t8\tsetsockopt\t3\t0\t0\tkind=udp\tlevel=SOL_SOCKET"
	                            "\topt=SO_REUSEADDR\tval=1\n"
	                            "13\t7\t8\tbind\t3\t-1\t98\tkind=udp\taddr=127.0.0.1:53\n");
	CU_ASSERT_EQUAL_FATAL(wc_trace_load(path, &t, errbuf), 0);
	CU_ASSERT_EQUAL(t.count, 4);
	CU_ASSERT_EQUAL(t.calls[3].line, 4);
	CU_ASSERT_EQUAL(t.calls[3].ts_ns, 13);
	CU_ASSERT_EQUAL(t.calls[3].tid, 8);
	CU_ASSERT_EQUAL(t.calls[3].err, EADDRINUSE);
	CU_ASSERT_EQUAL(t.calls[1].type, 2);
	CU_ASSERT_EQUAL(t.calls[0].real_ns, 5);
	CU_ASSERT_STRING_EQUAL(t.calls[0].exe, "/bin/x");
	CU_ASSERT_EQUAL(wc_trace_next_failed(&t, 0, WC_SC_BIND, EADDRINUSE), 3);
	CU_ASSERT_TRUE(wc_trace_opt_before(&t, 3, "SO_REUSEADDR"));
	CU_ASSERT_TRUE(wc_trace_traced(&t, 7));
	CU_ASSERT_FALSE(wc_trace_traced(&t, 8));
	wc_trace_free(&t);

	/* no file: the library never wrote, so nothing was traced */
	unlink(path);
	CU_ASSERT_EQUAL(wc_trace_load(path, &t, errbuf), 0);
	CU_ASSERT_EQUAL(t.count, 0);
	CU_ASSERT_FALSE(wc_trace_traced(&t, -1));
}

/* A record's moment on the captures' clock: its process's hello or fork record says how
 * far CLOCK_REALTIME was ahead of CLOCK_MONOTONIC. */
static void test_realtime(void)
{
	char path[4096], errbuf[WC_ERRBUF_SIZE];
	struct wc_trace t;
	snprintf(path, sizeof path, "%s", wc_scratch("trace_realtime.tsv"));
	write_file(path, "1000\t7\t7\thello\t-1\t0\t0\tv=1\tppid=1\treal=5000000\texe=/bin/x\n"
	                 "1500\t7\t7\tsocket\t3\t3\t0\tkind=udp\tdomain=2\ttype=0x2\tproto=0\n"
	                 "1600\t9\t9\tfork\t-1\t0\t0\tppid=7\treal=9000000\n"
	                 "1700\t9\t9\tclose\t3\t0\t0\tkind=udp\n"
	                 "1800\t4\t4\tclose\t3\t0\t0\tkind=udp\n");
	CU_ASSERT_EQUAL_FATAL(wc_trace_load(path, &t, errbuf), 0);
	CU_ASSERT_EQUAL(wc_trace_realtime(&t, 0), 5000000);
	CU_ASSERT_EQUAL(wc_trace_realtime(&t, 1), 5000500);
	CU_ASSERT_EQUAL(wc_trace_realtime(&t, 3), 9000100); /* the child by its own fork record */
	CU_ASSERT_EQUAL(wc_trace_realtime(&t, 4), -1);      /* a process that never said hello */
	CU_ASSERT_EQUAL(wc_trace_realtime(&t, 5), -1);      /* past the end */
	wc_trace_free(&t);
}

static const struct wc_test live_tests[] = {
	{"UDP reads of 50 from 100-byte datagrams", test_udp_short_reads},
	{"the same, _FORTIFY_SOURCE build", test_udp_short_reads_fortified},
	{"connect refused", test_connect_refused},
	{"bind EADDRINUSE", test_bind_in_use},
	{"setsockopt values, TCP exchange", test_sockopts_and_tcp},
	{"forked child recorded with its pid", test_forked_child},
	{"file and pipe I/O not traced", test_file_io_not_traced},
	{"threads write whole lines", test_threads_whole_lines},
	{"closefrom(3) closes the trace fd: reopened", test_closefrom_reopens},
	{"errno preserved", test_errno_preserved},
	{"static program untraced", test_static_untraced},
	{NULL, NULL},
};

static const struct wc_test reader_tests[] = {
	{"malformed lines, exact errors", test_malformed_lines},
	{"a record's moment on the captures' clock", test_realtime},
	{NULL, NULL},
};

static const struct wc_suite live_suite = {"trace", live_tests};
static const struct wc_suite reader_suite = {"reader", reader_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&live_suite, &reader_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
