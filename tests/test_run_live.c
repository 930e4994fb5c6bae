/* test_run_live.c — whole scenarios run live by the runner (runner.h), with the reference
 * programs and the hostile ones, judged from their saved captures and run records.
 *
 * Each test runs a scenario of tests/fixtures/run/ and asserts each expectation's verdict
 * and the words that carry its evidence; then that nothing is left: none of the run's
 * namespaces alive, no child process, no interface of a topology in the test's own
 * namespace, no scratch directory. Exits 77, naming the missing feature, where network
 * namespaces cannot be made.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "netns.h"
#include "netns_leftovers.h"
#include "runner.h"
#include "unit.h"

static struct wc_runner_env env;
static char host_ifs_before[4096];
static const char *const topology_names[] = {"lo", "eth0", "br0", "to-client", "to-server", NULL};
static char tmp_dir[4096];

/* ---- helpers ------------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT;
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

/* The test process has no child left: every shim and program was reaped. */
static bool no_children(void)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	return n == 0;
}

static void assert_nothing_left(const struct wc_run_result *res)
{
	wc_runner_settle();
	for (size_t i = 0; i < 3; i++)
		if (res->netns[i])
			CU_ASSERT_FALSE(netns_inode_alive(res->netns[i]));
	CU_ASSERT_TRUE(no_children());
	char now[4096];
	CU_ASSERT_EQUAL_FATAL(host_interfaces(now, sizeof now), 0);
	CU_ASSERT_FALSE(gained_interface(host_ifs_before, now, topology_names));
	CU_ASSERT_TRUE(dir_empty(tmp_dir));
}

/* Runs tests/fixtures/run/NAME.json with opts (NULL: the defaults); res must be freed. */
static struct wc_scenario *run_fixture(const char *name, struct wc_run_opts *opts, struct wc_run_result *res)
{
	char rel[128], errbuf[WC_ERRBUF_SIZE] = "";
	snprintf(rel, sizeof rel, "run/%s.json", name);
	struct wc_scenario *s = wc_scenario_load(wc_fixture(rel), errbuf);
	if (!s)
		printf("\n  %s\n", errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct wc_run_opts defaults = {0};
	if (!opts)
		opts = &defaults;
	opts->env = &env;
	opts->tmp_dir = tmp_dir;
	int rc = wc_run_scenario(s, opts, res, errbuf);
	if (rc != 0)
		printf("\n  run: %s\n", errbuf);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return s;
}

/* Expectation i has verdict v and its reason holds `words` (NULL: anything). */
static void expect_result(const struct wc_run_result *res, size_t i, enum wc_verdict v, const char *words)
{
	CU_ASSERT_FATAL(i < res->outcome.count);
	const struct wc_result *r = &res->outcome.results[i];
	bool ok = r->verdict == v && (!words || strstr(r->reason, words));
	if (!ok)
		printf("\n  %s %s: verdict %d, reason: %s\n", r->path, r->check, (int)r->verdict, r->reason);
	CU_ASSERT_TRUE(ok);
}

static const struct wc_run_role *role(const struct wc_run_result *res, const char *name)
{
	const struct wc_run_role *r = wc_run_find_role(&res->rec, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	return r;
}

static void finish(struct wc_scenario *s, struct wc_run_result *res)
{
	assert_nothing_left(res);
	wc_run_result_free(res);
	wc_scenario_free(s);
}

/* Runs a fixture that must pass every expectation; res must be finished. */
static struct wc_scenario *run_passing(const char *name, struct wc_run_result *res)
{
	struct wc_scenario *s = run_fixture(name, NULL, res);
	CU_ASSERT_EQUAL(res->outcome.verdict, WC_PASS);
	for (size_t i = 0; i < res->outcome.count; i++)
		expect_result(res, i, WC_PASS, NULL);
	return s;
}

/* ---- the reference programs ------------------------------------------------------------ */

static void test_tcp_echo(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_fixture("tcp-echo", NULL, &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_PASS);
	expect_result(&res, 0, WC_PASS, "the kernel dropped none of");
	expect_result(&res, 1, WC_PASS, "1 handshake on port 7007, opened by the client");
	expect_result(&res, 2, WC_PASS, NULL);
	expect_result(&res, 3, WC_PASS, "300");
	expect_result(&res, 4, WC_PASS, "the client ends in TIME_WAIT");
	expect_result(&res, 5, WC_PASS, NULL);
	expect_result(&res, 6, WC_PASS, "the server exited with status 0");
	expect_result(&res, 7, WC_PASS, "the client exited with status 0");
	const struct wc_run_role *c = role(&res, "client");
	CU_ASSERT_TRUE(c->started && c->traced && c->pid_ns);
	CU_ASSERT_EQUAL(res.rec.cap_count, 1);
	CU_ASSERT_TRUE(res.rec.caps[0].cap.conclusive);
	CU_ASSERT_EQUAL(res.rec.caps[0].cap.dropped, 0);
	CU_ASSERT_EQUAL(res.rec.caps[0].cap.received, res.rec.caps[0].cap.written);
	finish(s, &res);
}

static void test_tcp_refused(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_passing("tcp-refused", &res);
	expect_result(&res, 3, WC_PASS, "ECONNREFUSED");
	CU_ASSERT_EQUAL(res.view_count, 2);
	CU_ASSERT_STRING_EQUAL(res.views[0].role, "client");
	CU_ASSERT_STRING_EQUAL(res.views[1].role, "server");
	finish(s, &res);
}

static void test_udp_closed_port(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_passing("udp-closed", &res);
	expect_result(&res, 2, WC_PASS, "port unreachable");
	finish(s, &res);
}

static void test_udp_cut(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_passing("udp-cut", &res);
	expect_result(&res, 3, WC_PASS, "never arrived");
	finish(s, &res);
}

static void test_tcp_cut(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_passing("tcp-cut", &res);
	expect_result(&res, 2, WC_PASS, "never arrived");
	expect_result(&res, 3, WC_PASS, "1000 bytes");
	finish(s, &res);
}

/* ---- what a grader changes ----------------------------------------------------------- */

/* Runs the TCP echo fixture with --program `override`; res must be finished. */
static struct wc_scenario *run_echo_with(const char *override, struct wc_run_result *res)
{
	struct wc_run_override o;
	char errbuf[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL_FATAL(wc_run_override_parse(override, &o, errbuf), 0);
	struct wc_run_opts opts = {.overrides = &o, .override_count = 1};
	struct wc_scenario *s = run_fixture("tcp-echo", &opts, res);
	wc_run_override_free(&o);
	return s;
}

/* --program puts another command in a role; its argv gets the placeholders too. */
static void test_program_override(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_echo_with("client=tcp-client '{server}' {port} --count 1", &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_FAIL);
	expect_result(&res, 3, WC_FAIL, "100");
	expect_result(&res, 2, WC_PASS, NULL);
	finish(s, &res);
}

/* A server that never listens still meets its client: the RST is the evidence, and the
 * record says the client was started without the server being ready. */
static void test_never_ready(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_echo_with("server=true", &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_FAIL);
	expect_result(&res, 1, WC_FAIL, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(role(&res, "server")->note, "ended without listening on a TCP socket on port 7007"));
	CU_ASSERT_EQUAL(role(&res, "client")->exit_status, 1);
	finish(s, &res);
}

/* A program that cannot be started at all: inconclusive, never a fail for the others. */
static void test_unstartable_program(void)
{
	struct wc_run_result res;
	struct wc_scenario *s = run_echo_with("client=/nonexistent/student-client", &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.outcome.why, "the client could not be started"));
	CU_ASSERT_PTR_NOT_NULL(strstr(res.outcome.why, "/nonexistent/student-client"));
	finish(s, &res);

	/* a server that cannot start: its client still runs, the run stays inconclusive */
	s = run_echo_with("server=/nonexistent/student-server", &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.outcome.why, "the server could not be started"));
	CU_ASSERT_TRUE(role(&res, "client")->started);
	finish(s, &res);
}

/* ---- containment ------------------------------------------------------------------------ */

static void test_hostile_programs(void)
{
	struct wc_run_result res;
	double t0 = now_s();
	struct wc_scenario *s = run_fixture("containment", NULL, &res);
	double took = now_s() - t0;
	/* 1 s limits, 0.5 s grace, a few seconds at most for the rest */
	CU_ASSERT_TRUE(took < 5.0);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_FAIL);
	for (size_t i = 0; i < 4; i++)
		expect_result(&res, i, WC_FAIL, "still running when its time limit ran out");
	expect_result(&res, 4, WC_FAIL, "expected nothing");
	const struct wc_run_role *stubborn = role(&res, "stubborn"), *forker = role(&res, "forker"),
	                         *flood = role(&res, "flood");
	CU_ASSERT_TRUE(stubborn->timed_out);
	CU_ASSERT_EQUAL(stubborn->term_signal, SIGKILL);
	CU_ASSERT_TRUE(forker->procs_left >= 51);
	CU_ASSERT_TRUE(flood->out.dropped > 0);
	CU_ASSERT_TRUE(flood->out.len <= 65536);
	finish(s, &res);
}

static atomic_int cancel_flag;

static void *cancel_soon(void *arg)
{
	(void)arg;
	usleep(500 * 1000);
	atomic_store(&cancel_flag, 1);
	return NULL;
}

/* A cancelled run (SIGINT) stops at once, inconclusive, nothing left. */
static void test_cancel(void)
{
	atomic_store(&cancel_flag, 0);
	pthread_t t;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, cancel_soon, NULL), 0);
	struct wc_run_opts opts = {.cancel = &cancel_flag};
	struct wc_run_result res;
	double t0 = now_s();
	struct wc_scenario *s = run_fixture("containment", &opts, &res);
	pthread_join(t, NULL);
	CU_ASSERT_TRUE(now_s() - t0 < 0.5 + 2.0);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.outcome.why, "interrupted"));
	finish(s, &res);
}

/* ---- the saved files ----------------------------------------------------------------------- */

/* The kept captures and run.json, judged again offline, give the same verdicts. */
static void test_kept_files_same_verdict(void)
{
	const char *keep = wc_scratch("run-live-keep");
	struct wc_run_opts opts = {.keep_dir = keep};
	struct wc_run_result res;
	struct wc_scenario *s = run_fixture("udp-cut", &opts, &res);
	char dir[4200], path[4300], errbuf[WC_ERRBUF_SIZE] = "";
	snprintf(dir, sizeof dir, "%s/run-udp-cut", keep);
	snprintf(path, sizeof path, "%s/run.json", dir);
	CU_ASSERT_STRING_EQUAL(res.kept, dir);
	struct wc_run_record rec = {0};
	CU_ASSERT_EQUAL_FATAL(wc_run_record_load(path, &rec, errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(rec.cap_count, 2);
	struct wc_view views[2];
	for (size_t i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(wc_view_load(rec.caps[i].path, rec.caps[i].tag, &views[i], errbuf), 0);
	struct wc_placeholders ph = res.outcome.placeholders;
	struct wc_outcome again;
	CU_ASSERT_EQUAL_FATAL(wc_verdict_run(s, views, 2, &ph, &rec, &again, errbuf), 0);
	CU_ASSERT_EQUAL(again.verdict, res.outcome.verdict);
	CU_ASSERT_EQUAL_FATAL(again.count, res.outcome.count);
	for (size_t i = 0; i < again.count; i++) {
		CU_ASSERT_EQUAL(again.results[i].verdict, res.outcome.results[i].verdict);
		CU_ASSERT_STRING_EQUAL(again.results[i].reason, res.outcome.results[i].reason);
	}
	wc_outcome_free(&again);
	for (size_t i = 0; i < 2; i++)
		wc_view_free(&views[i]);
	wc_run_record_free(&rec);
	finish(s, &res);
}

/* Where namespaces are refused, every scenario is inconclusive with the reason, and no
 * program is started. */
static void test_refused_machine(void)
{
	struct wc_run_opts opts = {.refused = "cannot unshare a user namespace: Operation not permitted"};
	struct wc_run_result res;
	struct wc_scenario *s = run_fixture("tcp-echo", &opts, &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_STRING_EQUAL(res.outcome.why, "the live run could not be made: cannot unshare a user namespace: "
	                                       "Operation not permitted");
	expect_result(&res, 0, WC_INCONCLUSIVE, "cannot unshare a user namespace");
	CU_ASSERT_EQUAL(res.rec.role_count, 0);
	CU_ASSERT_EQUAL(res.rec.cap_count, 0);
	finish(s, &res);
}

/* netem on a kernel without it: inconclusive with the reason, nothing run. */
static void test_netem_inconclusive(void)
{
	char why[WC_ERRBUF_SIZE];
	if (wc_netem_available(why)) {
		printf("\n  (this kernel has netem; the refusal path is not reachable here)\n");
		return;
	}
	struct wc_run_result res;
	struct wc_scenario *s = run_fixture("netem", NULL, &res);
	CU_ASSERT_EQUAL(res.outcome.verdict, WC_INCONCLUSIVE);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.outcome.why, "netem"));
	CU_ASSERT_EQUAL(res.rec.role_count, 0);
	finish(s, &res);
}

static const struct wc_test live_tests[] = {
	{"TCP echo on lo: handshake, echo, teardown, exits, trace", test_tcp_echo},
	{"connect to a closed port on veth: RST,ACK and ECONNREFUSED", test_tcp_refused},
	{"UDP to a closed port on veth: ICMP port unreachable", test_udp_closed_port},
	{"UDP across a link cut: the datagrams of the cut are lost", test_udp_cut},
	{"TCP across a link cut: retransmitted, delivered whole", test_tcp_cut},
	{"--program replaces a role's command", test_program_override},
	{"a server that never listens releases its client", test_never_ready},
	{"a program that cannot start makes the run inconclusive", test_unstartable_program},
	{"hostile programs end within their limits, nothing left", test_hostile_programs},
	{"a cancelled run ends at once, inconclusive", test_cancel},
	{"kept captures and run.json give the same verdict offline", test_kept_files_same_verdict},
	{"netem without the kernel's netem: inconclusive", test_netem_inconclusive},
	{"a machine that refuses namespaces: inconclusive, nothing run", test_refused_machine},
	{NULL, NULL},
};
static const struct wc_suite live_suite = {"run live", live_tests};

int main(int argc, char **argv)
{
	char errbuf[WC_ERRBUF_SIZE] = "";
	if (wc_netns_init(&env.userns, errbuf) != 0) {
		printf("SKIP: %s\n", errbuf);
		return 77;
	}
	/* the reference programs, the trace library and the hostile programs of this build */
	char path[8192];
	snprintf(path, sizeof path, "%s/tests/fixtures/hostile:%s", BUILDDIR, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	setenv("WIRECHECK_TRACE_LIB", BUILDDIR "/src/trace/libwctrace.so", 1);
	setenv("WIRECHECK_LABS_DIR", BUILDDIR "/src/labs", 1);
	wc_runner_env_find(&env);
	snprintf(tmp_dir, sizeof tmp_dir, "%s", wc_scratch("run-live-tmp"));
	if (mkdir(tmp_dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "cannot make %s: %s\n", tmp_dir, strerror(errno));
		return 99;
	}
	if (host_interfaces(host_ifs_before, sizeof host_ifs_before) != 0) {
		fprintf(stderr, "cannot list this host's interfaces\n");
		return 99;
	}
	const struct wc_suite *const suites[] = {&live_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
