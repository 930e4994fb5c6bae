/* test_checks_proc.c — the process-level checks (proc.exit, proc.output, proc.zombies,
 * sock.calls) on hand-built run records, with socket-call traces written here in the
 * documented format and read back with the real reader: verdict and exact reason. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "runrec.h"
#include "unit.h"

/* Run check `name` with arguments json (validated against its table first) on run (NULL:
 * offline). No captures: these checks read the run record only. */
static struct wc_result judge(const char *name, const char *json, const struct wc_run_record *run)
{
	struct wc_result r;
	memset(&r, 0, sizeof r);
	const struct wc_check_def *def = wc_check_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(def);
	json_object *args = json_tokener_parse(json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(args);
	char err[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_schema_validate(args, def->args, "test.json", "expect[0]", err), 0);
	struct wc_check_ctx ctx = {NULL, 0, run, NULL};
	snprintf(r.check, sizeof r.check, "%s", name);
	def->run(&ctx, args, &r);
	json_object_put(args);
	return r;
}

/* The verdict and the exact reason; these checks never cite frames or a filter. */
static void expect(const struct wc_result *r, enum wc_verdict v, const char *reason)
{
	CU_ASSERT_EQUAL(r->verdict, v);
	CU_ASSERT_STRING_EQUAL(r->reason, reason);
	CU_ASSERT_EQUAL(r->frame_count, 0);
	CU_ASSERT_STRING_EQUAL(r->filter, "");
}

static struct wc_run_role *add(struct wc_run_record *rec, const char *role, const char *argv0)
{
	char err[WC_ERRBUF_SIZE] = "";
	struct wc_run_role *p = wc_run_add_role(rec, role, argv0, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

/* Write text as a trace file and load it into p's trace. */
static void trace(struct wc_run_role *p, const char *text)
{
	char name[64], err[WC_ERRBUF_SIZE] = "";
	snprintf(name, sizeof name, "checks_proc_%s.trace", p->role);
	const char *path = wc_scratch(name);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(wc_trace_load(path, &p->trace, err), 0);
	p->traced = true;
	remove(path);
}

static void offline_all(void)
{
	struct wc_result r = judge("proc.exit", "{\"role\": \"server\"}", NULL);
	expect(&r, WC_INCONCLUSIVE, "needs a live run: only `wirecheck run`, which runs the programs, learns "
	       "the exit status of the server");
	r = judge("proc.output", "{\"role\": \"client\", \"empty\": true}", NULL);
	expect(&r, WC_INCONCLUSIVE, "needs a live run: only `wirecheck run`, which runs the programs, learns "
	       "the output of the client");
	r = judge("proc.zombies", "{\"role\": \"server\"}", NULL);
	expect(&r, WC_INCONCLUSIVE, "needs a live run: only `wirecheck run`, which runs the programs, learns "
	       "the zombie count of the server");
	r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": 0}", NULL);
	expect(&r, WC_INCONCLUSIVE, "needs a live run: only `wirecheck run`, which runs the programs, learns "
	       "the socket calls of the server");
	struct wc_run_record rec = {0};
	add(&rec, "client", "./c");
	r = judge("proc.exit", "{\"role\": \"server\"}", &rec);
	expect(&r, WC_INCONCLUSIVE, "the run has no program with the role \"server\"");
	wc_run_record_free(&rec);
}

static void exit_status(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *c = add(&rec, "client", "./client");
	c->exited = true;
	c->exit_status = 0;
	struct wc_result r = judge("proc.exit", "{\"role\": \"client\"}", &rec);
	expect(&r, WC_PASS, "the client exited with status 0, as expected");
	r = judge("proc.exit", "{\"role\": \"client\", \"status\": 2}", &rec);
	expect(&r, WC_FAIL, "the client exited with status 0, expected exit status 2");
	r = judge("proc.exit", "{\"role\": \"client\", \"signal\": \"SIGTERM\"}", &rec);
	expect(&r, WC_FAIL, "the client exited with status 0, expected it to be ended by SIGTERM");
	c->exited = false;
	c->exit_status = -1;
	c->term_signal = SIGSEGV;
	r = judge("proc.exit", "{\"role\": \"client\"}", &rec);
	expect(&r, WC_FAIL, "the client was ended by SIGSEGV, expected exit status 0");
	c->term_signal = SIGTERM;
	c->stopped = true;
	r = judge("proc.exit", "{\"role\": \"client\", \"signal\": \"SIGTERM\"}", &rec);
	expect(&r, WC_PASS, "the client was ended by SIGTERM (wirecheck stopped it at the end of the run), as expected");
	c->term_signal = 40;
	r = judge("proc.exit", "{\"role\": \"client\", \"signal\": \"SIGTERM\"}", &rec);
	expect(&r, WC_FAIL, "the client was ended by signal 40 (wirecheck stopped it at the end of the run), "
	       "expected it to be ended by SIGTERM");
	c->term_signal = SIGKILL;
	c->timed_out = true;
	c->wall_secs = 5.02;
	r = judge("proc.exit", "{\"role\": \"client\", \"signal\": \"SIGKILL\"}", &rec);
	expect(&r, WC_FAIL, "the client was still running when its time limit ran out after 5.0 s: wirecheck killed it");
	c->timed_out = false;
	c->term_signal = 0;
	r = judge("proc.exit", "{\"role\": \"client\"}", &rec);
	expect(&r, WC_INCONCLUSIVE, "the run did not learn how the client ended");
	wc_run_record_free(&rec);
	CU_ASSERT_EQUAL(rec.role_count, 0);
}

static void output(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *s = add(&rec, "server", "./server");
	char err[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL(wc_run_output_set(&s->out, "listening\nreceived 3 datagrams\n", 31, 0, err), 0);
	struct wc_result r = judge("proc.output", "{\"role\": \"server\", \"contains\": \"3 datagrams\"}", &rec);
	expect(&r, WC_PASS, "the server's stdout contains \"3 datagrams\"");
	r = judge("proc.output", "{\"role\": \"server\", \"matches\": \"^received [0-9]+ datagrams$\"}", &rec);
	expect(&r, WC_PASS, "the server's stdout matches \"^received [0-9]+ datagrams$\"");
	r = judge("proc.output", "{\"role\": \"server\", \"contains\": \"4 datagrams\"}", &rec);
	expect(&r, WC_FAIL, "the server's stdout (31 bytes) does not contain \"4 datagrams\": it begins \"listening\" …");
	r = judge("proc.output", "{\"role\": \"server\", \"matches\": \"^[0-9]+$\"}", &rec);
	expect(&r, WC_FAIL, "the server's stdout (31 bytes) does not match \"^[0-9]+$\": it begins \"listening\" …");
	r = judge("proc.output", "{\"role\": \"server\", \"stream\": \"stderr\", \"empty\": true}", &rec);
	expect(&r, WC_PASS, "the server wrote nothing on stderr, as expected");
	r = judge("proc.output", "{\"role\": \"server\", \"empty\": true}", &rec);
	expect(&r, WC_FAIL, "the server wrote 31 bytes on stdout, expected nothing");
	r = judge("proc.output", "{\"role\": \"server\", \"stream\": \"stderr\", \"empty\": false}", &rec);
	expect(&r, WC_FAIL, "the server wrote nothing on stderr");
	/* the reason quotes a one-line output whole, an empty one as empty, bytes as '?' */
	CU_ASSERT_EQUAL(wc_run_output_set(&s->err, "recv: Connection reset by peer\n", 31, 0, err), 0);
	r = judge("proc.output", "{\"role\": \"server\", \"stream\": \"stderr\", \"matches\": \"^end of stream$\"}", &rec);
	expect(&r, WC_FAIL, "the server's stderr (31 bytes) does not match \"^end of stream$\": "
	       "it is \"recv: Connection reset by peer\"");
	CU_ASSERT_EQUAL(wc_run_output_set(&s->err, "a\tb\x01", 4, 0, err), 0);
	r = judge("proc.output", "{\"role\": \"server\", \"stream\": \"stderr\", \"contains\": \"z\"}", &rec);
	expect(&r, WC_FAIL, "the server's stderr (4 bytes) does not contain \"z\": it is \"a?b?\"");
	CU_ASSERT_EQUAL(wc_run_output_set(&s->err, NULL, 0, 0, err), 0);
	r = judge("proc.output", "{\"role\": \"server\", \"stream\": \"stderr\", \"contains\": \"z\"}", &rec);
	expect(&r, WC_FAIL, "the server's stderr (0 bytes) does not contain \"z\": it is empty");
	/* A NUL the program wrote does not hide what follows it from the expression. */
	CU_ASSERT_EQUAL(wc_run_output_set(&s->err, "x\0bye\n", 6, 0, err), 0);
	r = judge("proc.output", "{\"role\": \"server\", \"stream\": \"stderr\", \"matches\": \"^bye\"}", &rec);
	expect(&r, WC_PASS, "the server's stderr matches \"^bye\"");
	/* Cut output: a text missing from the kept part may be in what was cut. */
	CU_ASSERT_EQUAL(wc_run_output_set(&s->out, "AAAA", 4, 120, err), 0);
	r = judge("proc.output", "{\"role\": \"server\", \"contains\": \"done\"}", &rec);
	expect(&r, WC_INCONCLUSIVE, "the server's stdout (4 bytes) does not contain \"done\": it is \"AAAA\" "
	       "(stdout was cut after 4 bytes: 120 more were not kept)");
	r = judge("proc.output", "{\"role\": \"server\", \"contains\": \"AA\"}", &rec);
	expect(&r, WC_PASS, "the server's stdout contains \"AA\" (stdout was cut after 4 bytes: 120 more were not kept)");
	r = judge("proc.output", "{\"role\": \"server\", \"empty\": true}", &rec);
	expect(&r, WC_FAIL, "the server wrote 124 bytes on stdout, expected nothing");
	wc_run_record_free(&rec);
}

static void output_regex_validated(void)
{
	const struct wc_check_def *def = wc_check_find("proc.output");
	CU_ASSERT_PTR_NOT_NULL_FATAL(def);
	json_object *args = json_tokener_parse("{\"role\": \"server\", \"matches\": \"(unclosed\"}");
	char err[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL(wc_schema_validate(args, def->args, "lab.json", "expect[1]", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "lab.json: expect[1].matches: not a valid regular expression: "));
	json_object_put(args);
}

static void zombies(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *s = add(&rec, "server", "./forkserver");
	struct wc_result r = judge("proc.zombies", "{\"role\": \"server\"}", &rec);
	expect(&r, WC_INCONCLUSIVE, "the processes of the server were not counted at the end of the run");
	s->zombies = 0;
	r = judge("proc.zombies", "{\"role\": \"server\"}", &rec);
	expect(&r, WC_PASS, "no zombie of the server was left at the end, as expected");
	s->zombies = 3;
	r = judge("proc.zombies", "{\"role\": \"server\"}", &rec);
	expect(&r, WC_FAIL, "3 zombies of the server were left at the end (children it never waited for), "
	       "expected exactly 0");
	r = judge("proc.zombies", "{\"role\": \"server\", \"count\": {\"min\": 1}}", &rec);
	expect(&r, WC_PASS, "3 zombies of the server were left at the end, as expected");
	wc_run_record_free(&rec);
}

#define HELLO "10\t7\t7\thello\t-1\t0\t0\tv=1\tppid=1\treal=5\texe=./srv\n"
#define UDP_SOCK "11\t7\t7\tsocket\t3\t3\t0\tkind=udp\tdomain=2\ttype=0x2\tproto=0\n"
#define UDP_BIND "12\t7\t7\tbind\t3\t0\t0\tkind=udp\taddr=0.0.0.0:7007\tlocal=0.0.0.0:7007\n"
#define READ(ts, ret, dgram) ts "\t7\t7\trecvfrom\t3\t" ret "\t0\tkind=udp\treq=" ret "\tdgram=" dgram \
	"\tpeer=127.0.0.1:4000\n"

#define TCP_READ(ts, ret) ts "\t7\t8\tread\t4\t" ret "\t0\tkind=tcp\treq=50\n"

static void sock_tcp_reads(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *s = add(&rec, "server", "./srv");
	trace(s, HELLO TCP_READ("13", "50") TCP_READ("14", "50") TCP_READ("15", "50") TCP_READ("16", "0"));
	struct wc_result r = judge("sock.calls", "{\"role\": \"server\", \"tcp_reads\": 50}", &rec);
	expect(&r, WC_PASS, "each of the server's 3 TCP reads returned 50 bytes (lines 2 to 4 of its trace)");
	r = judge("sock.calls", "{\"role\": \"server\", \"tcp_reads\": {\"max\": 40}}", &rec);
	expect(&r, WC_FAIL, "the server's TCP read at line 2 of its trace returned 50 bytes, expected at most 40");
	wc_run_record_free(&rec);

	s = add(&rec, "server", "./srv");
	trace(s, HELLO TCP_READ("13", "50") TCP_READ("14", "20"));
	r = judge("sock.calls", "{\"role\": \"server\", \"tcp_reads\": {\"max\": 50}}", &rec);
	expect(&r, WC_PASS, "the server's 2 TCP reads returned 20 to 50 bytes (lines 2 to 3 of its trace)");
	wc_run_record_free(&rec);

	s = add(&rec, "server", "./srv");
	trace(s, HELLO UDP_SOCK UDP_BIND READ("13", "50", "100"));
	r = judge("sock.calls", "{\"role\": \"server\", \"tcp_reads\": {\"max\": 50}}", &rec);
	expect(&r, WC_FAIL, "the server read nothing from a TCP socket");
	wc_run_record_free(&rec);
}

static void sock_short_reads(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *s = add(&rec, "server", "./srv");
	trace(s, HELLO UDP_SOCK UDP_BIND READ("13", "50", "100") READ("14", "50", "100") READ("15", "20", "20"));
	struct wc_result r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": 0}", &rec);
	expect(&r, WC_FAIL, "the server read 50 bytes of each 100-byte datagram: 50 bytes discarded "
	       "(2 short reads of 3, the first at line 4 of its trace); expected exactly 0");
	r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": {\"min\": 1}}", &rec);
	expect(&r, WC_PASS, "the server read 50 bytes of each 100-byte datagram: 50 bytes discarded "
	       "(2 short reads of 3, the first at line 4 of its trace)");
	wc_run_record_free(&rec);

	s = add(&rec, "server", "./srv");
	trace(s, HELLO UDP_SOCK UDP_BIND READ("13", "50", "100") READ("14", "10", "30"));
	r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": 0}", &rec);
	expect(&r, WC_FAIL, "the server read fewer bytes than the datagram held: 70 bytes discarded in all "
	       "(2 short reads of 2, the first at line 4 of its trace); expected exactly 0");
	wc_run_record_free(&rec);

	s = add(&rec, "server", "./srv");
	trace(s, HELLO UDP_SOCK UDP_BIND READ("13", "100", "100"));
	r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": 0}", &rec);
	expect(&r, WC_PASS, "the server read each of its 1 UDP datagrams whole");
	r = judge("sock.calls", "{\"role\": \"server\"}", &rec);
	expect(&r, WC_PASS, "the server made 3 socket calls");
	r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": 1}", &rec);
	expect(&r, WC_FAIL, "the server read each of its 1 UDP datagrams whole, expected short reads exactly 1");
	wc_run_record_free(&rec);
}

#define C_HELLO "10\t9\t9\thello\t-1\t0\t0\tv=1\tppid=1\treal=5\texe=./cli\n"
#define TCP_SOCK "11\t9\t9\tsocket\t3\t3\t0\tkind=tcp\tdomain=2\ttype=0x1\tproto=0\n"
#define REFUSED(ts) ts "\t9\t9\tconnect\t3\t-1\t111\tkind=tcp\tpeer=127.0.0.1:7007\n"

static void sock_failed(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *c = add(&rec, "client", "./cli");
	trace(c, C_HELLO TCP_SOCK REFUSED("12") REFUSED("13"));
	struct wc_result r = judge("sock.calls", "{\"role\": \"client\", \"failed\": {\"call\": \"connect\", "
	                           "\"errno\": \"ECONNREFUSED\"}}", &rec);
	expect(&r, WC_PASS, "connect of the client failed with ECONNREFUSED 2 times (the first at line 3 of its trace)");
	r = judge("sock.calls", "{\"role\": \"client\", \"failed\": {\"call\": \"connect\", \"errno\": "
	          "\"ECONNREFUSED\", \"count\": 0}}", &rec);
	expect(&r, WC_FAIL, "connect of the client failed with ECONNREFUSED 2 times (the first at line 3 of its trace), "
	       "expected exactly 0");
	r = judge("sock.calls", "{\"role\": \"client\", \"failed\": {\"call\": \"bind\", \"errno\": \"EADDRINUSE\"}}", &rec);
	expect(&r, WC_FAIL, "bind of the client failed with EADDRINUSE 0 times, expected at least 1");
	wc_run_record_free(&rec);
}

#define REUSE "12\t7\t7\tsetsockopt\t3\t0\t0\tkind=tcp\tlevel=SOL_SOCKET\topt=SO_REUSEADDR\tval=1\n"
#define TCP_BIND(ts, ret, err) ts "\t7\t7\tbind\t3\t" ret "\t" err "\tkind=tcp\taddr=0.0.0.0:7007\n"

static void sock_reuseaddr(void)
{
	struct wc_run_record rec = {0};
	struct wc_run_role *s = add(&rec, "server", "./srv");
	trace(s, HELLO TCP_SOCK REUSE TCP_BIND("13", "0", "0"));
	struct wc_result r = judge("sock.calls", "{\"role\": \"server\", \"reuseaddr\": true}", &rec);
	expect(&r, WC_PASS, "the server set SO_REUSEADDR before its bind");
	r = judge("sock.calls", "{\"role\": \"server\", \"reuseaddr\": false}", &rec);
	expect(&r, WC_FAIL, "the server set SO_REUSEADDR before bind (line 4 of its trace), expected it not to");
	wc_run_record_free(&rec);

	s = add(&rec, "server", "./srv");
	trace(s, HELLO TCP_SOCK TCP_BIND("13", "-1", "98"));
	r = judge("sock.calls", "{\"role\": \"server\", \"reuseaddr\": true, \"failed\": {\"call\": \"bind\", "
	          "\"errno\": \"EADDRINUSE\"}}", &rec);
	expect(&r, WC_FAIL, "the server called bind (line 3 of its trace) without setting SO_REUSEADDR on that socket first");
	r = judge("sock.calls", "{\"role\": \"server\", \"reuseaddr\": false, \"failed\": {\"call\": \"bind\", "
	          "\"errno\": \"EADDRINUSE\"}}", &rec);
	expect(&r, WC_PASS, "bind of the server failed with EADDRINUSE 1 time (the first at line 3 of its trace); "
	       "the server did not set SO_REUSEADDR before its bind");
	wc_run_record_free(&rec);

	s = add(&rec, "server", "./srv");
	trace(s, HELLO TCP_SOCK);
	r = judge("sock.calls", "{\"role\": \"server\", \"reuseaddr\": true}", &rec);
	expect(&r, WC_FAIL, "the server never called bind");
	wc_run_record_free(&rec);
}

static void sock_untraced(void)
{
	struct wc_run_record rec = {0};
	add(&rec, "server", "./static-srv");
	struct wc_result r = judge("sock.calls", "{\"role\": \"server\", \"short_reads\": 0}", &rec);
	const char *why = "untraced: the server (./static-srv) ran without the socket-call trace (a static or setuid "
	                  "program cannot be traced), so its socket calls are unknown";
	expect(&r, WC_INCONCLUSIVE, why);
	/* Preloaded, but the library never entered it: no hello record, no trace file. */
	rec.roles[0].traced = true;
	r = judge("sock.calls", "{\"role\": \"server\", \"reuseaddr\": true}", &rec);
	expect(&r, WC_INCONCLUSIVE, why);
	wc_run_record_free(&rec);
}

static void record_helpers(void)
{
	struct wc_run_record rec = {0};
	char err[WC_ERRBUF_SIZE] = "";
	struct wc_run_role *p = add(&rec, "server", "./srv");
	CU_ASSERT_EQUAL(p->exit_status, -1);
	CU_ASSERT_EQUAL(p->procs_left, -1);
	CU_ASSERT_EQUAL(p->zombies, -1);
	CU_ASSERT_FALSE(p->exited || p->traced || p->pid_ns || p->timed_out);
	CU_ASSERT_PTR_NULL(p->out.bytes);
	add(&rec, "client", "./cli");
	CU_ASSERT_PTR_EQUAL(wc_run_find_role(&rec, "client"), &rec.roles[1]);
	CU_ASSERT_PTR_NULL(wc_run_find_role(&rec, "relay"));
	struct wc_run_capture *cap = wc_run_add_capture(&rec, "server", "/tmp/s.pcap", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	CU_ASSERT_STRING_EQUAL(cap->tag, "server");
	CU_ASSERT_STRING_EQUAL(cap->path, "/tmp/s.pcap");
	CU_ASSERT_FALSE(cap->cap.conclusive);
	CU_ASSERT_EQUAL(rec.cap_count, 1);
	CU_ASSERT_EQUAL(wc_run_output_set(&rec.roles[0].out, "hi", 2, 7, err), 0);
	CU_ASSERT_STRING_EQUAL(rec.roles[0].out.bytes, "hi");
	CU_ASSERT_EQUAL(rec.roles[0].out.dropped, 7);
	wc_run_record_free(&rec);
	CU_ASSERT_PTR_NULL(rec.roles);
	CU_ASSERT_EQUAL(rec.cap_count, 0);
}

static const struct wc_test tests[] = {
	{"offline and unknown role: inconclusive", offline_all},
	{"proc.exit", exit_status},
	{"proc.output", output},
	{"proc.output: regex validated at load", output_regex_validated},
	{"proc.zombies", zombies},
	{"sock.calls: short datagram reads", sock_short_reads},
	{"sock.calls: what TCP reads returned", sock_tcp_reads},
	{"sock.calls: failed calls", sock_failed},
	{"sock.calls: SO_REUSEADDR before bind", sock_reuseaddr},
	{"sock.calls: untraced", sock_untraced},
	{"run record helpers", record_helpers},
	{NULL, NULL},
};
static const struct wc_suite s_proc = {"process-level checks", tests};
static const struct wc_suite *const suites[] = {&s_proc, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
