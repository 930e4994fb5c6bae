/* test_supervise.c — the program supervisor: exits, output, stdin, limits, hostile programs.
 *
 * Every program started here carries WC_SUPERVISE_MARK=<this test's pid> in its
 * environment. After each case the test asserts that nothing of it is left: no child of
 * the test (not even a zombie), no descendant in /proc, no process with the marker.
 * The hostile programs live in tests/fixtures/hostile/ and are built by `make check`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervise.h"
#include "supervise_internal.h"
#include "unit.h"

static char marker[64];
static const char *marker_env[] = {marker, NULL};
static const char *marker_and_var[] = {marker, "WC_T_VAR=hello", NULL};

static const char *hostile(const char *name)
{
	static char paths[8][4096];
	static int next;
	const char *dir = getenv("WC_BUILDDIR");
	char *p = paths[next++ % 8];
	snprintf(p, sizeof paths[0], "%s/tests/fixtures/hostile/%s", dir ? dir : BUILDDIR, name);
	return p;
}

/* ---- nothing left behind ------------------------------------------------ */

static int marked_processes(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	struct dirent *e;
	int found = 0;
	size_t mlen = strlen(marker);
	while ((e = readdir(d))) {
		char path[300], buf[65536];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/environ", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf);
		close(fd);
		for (ssize_t i = 0; i + (ssize_t)mlen <= n; i += (ssize_t)strlen(buf + i) + 1)
			if (memcmp(buf + i, marker, mlen) == 0 && (i + (ssize_t)mlen == n || buf[i + mlen] == '\0'))
				found++;
	}
	closedir(d);
	return found;
}

static void assert_nothing_left(void)
{
	errno = 0;
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
	struct wc_tree t = {0};
	char err[WC_ERRBUF_SIZE];
	CU_ASSERT_EQUAL(wc_tree_scan(&t, getpid(), err), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	wc_tree_free(&t);
	CU_ASSERT_EQUAL(marked_processes(), 0);
}

/* ---- running one program -------------------------------------------------- */

static struct wc_proc_spec spec_for(const char *const *argv)
{
	return (struct wc_proc_spec){.argv = argv, .env = marker_env};
}

/* Runs to the end; asserts it ended within max_ms. The caller frees. */
static struct wc_proc *run(const struct wc_proc_spec *spec, long max_ms)
{
	char err[WC_ERRBUF_SIZE] = "";
	long long t0 = wc_proc_now_ms();
	struct wc_proc *p = wc_proc_start(spec, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	int rc = wc_proc_wait_until(p, t0 + max_ms, err);
	CU_ASSERT_EQUAL(rc, 1);
	if (rc != 1)
		wc_proc_stop(p, 0, err);
	CU_ASSERT_TRUE(wc_proc_result(p)->finished);
	CU_ASSERT_TRUE(wc_proc_now_ms() - t0 < max_ms);
	if (geteuid() == 0 && !spec->no_pid_namespace) {
		CU_ASSERT_TRUE(wc_proc_result(p)->pid_namespace);
		CU_ASSERT_STRING_EQUAL(wc_proc_result(p)->containment, "");
	}
	return p;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_normal_exit(void)
{
	const char *argv[] = {"sh", "-c", "echo out; echo err >&2; echo \"$WC_T_VAR\"; pwd; exit 7", NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.env = marker_and_var;
	s.cwd = "/";
	struct wc_proc *p = run(&s, 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_TRUE(r->started);
	CU_ASSERT_TRUE(r->status_known);
	CU_ASSERT_TRUE(r->exited);
	CU_ASSERT_EQUAL(r->exit_status, 7);
	CU_ASSERT_EQUAL(r->term_signal, 0);
	CU_ASSERT_FALSE(r->timed_out);
	CU_ASSERT_FALSE(r->stopped);
	CU_ASSERT_FALSE(r->killed);
	CU_ASSERT_STRING_EQUAL(r->out.data, "out\nhello\n/\n");
	CU_ASSERT_EQUAL(r->out.dropped, 0);
	CU_ASSERT_STRING_EQUAL(r->err.data, "err\n");
	CU_ASSERT_EQUAL(r->procs_left, 0);
	CU_ASSERT_EQUAL(r->zombies, 0);
	wc_proc_free(p);

	/* In its own PID namespace the program is the second process, after the shim. */
	const char *pid_argv[] = {"sh", "-c", "echo $$", NULL};
	s = spec_for(pid_argv);
	p = run(&s, 3000);
	if (wc_proc_result(p)->pid_namespace)
		CU_ASSERT_STRING_EQUAL(wc_proc_result(p)->out.data, "2\n");
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_stdin_text(void)
{
	const char *argv[] = {"cat", NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.stdin_text = "line one\nline two\n";
	struct wc_proc *p = run(&s, 3000);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p)->out.data, "line one\nline two\n");
	CU_ASSERT_TRUE(wc_proc_result(p)->exited);
	CU_ASSERT_EQUAL(wc_proc_result(p)->exit_status, 0);
	wc_proc_free(p);

	/* More than a default pipe holds: the pipe is grown so the text is written at once. */
	static char big[100001];
	for (size_t i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	s.stdin_text = big;
	s.output_cap = 200000;
	p = run(&s, 3000);
	CU_ASSERT_EQUAL(wc_proc_result(p)->out.len, 100000);
	CU_ASSERT_EQUAL(wc_proc_result(p)->out.dropped, 0);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p)->out.data, big);
	wc_proc_free(p);
	assert_nothing_left();
}

static void check_ignore_term(bool no_pidns)
{
	const char *argv[] = {hostile("ignore_term"), NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.time_limit_ms = 300;
	s.grace_ms = 500;
	s.no_pid_namespace = no_pidns;
	struct wc_proc *p = run(&s, 300 + 500 + 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_TRUE(r->timed_out);
	CU_ASSERT_TRUE(r->killed);
	CU_ASSERT_TRUE(r->status_known);
	CU_ASSERT_FALSE(r->exited);
	CU_ASSERT_EQUAL(r->term_signal, SIGKILL);
	CU_ASSERT_STRING_EQUAL(r->out.data, "ignoring SIGTERM\n");
	CU_ASSERT_EQUAL(r->procs_left, 1);
	CU_ASSERT_EQUAL(r->zombies, 0);
	CU_ASSERT_TRUE(r->wall_ms >= 800);
	CU_ASSERT_EQUAL(r->pid_namespace, !no_pidns && geteuid() == 0);
	if (no_pidns)
		CU_ASSERT_STRING_EQUAL(r->containment,
		                       "PID namespace not requested: contained by process group and subreaper");
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_ignore_term(void)
{
	check_ignore_term(false);
}

static void test_ignore_term_no_pidns(void)
{
	check_ignore_term(true);
}

/* Stopped once all 50 are forked (under load that can take a while), so the count is
 * exact; the grace period is long enough for 51 spinners on a busy machine to die of
 * SIGTERM, and the run ends as soon as they have. */
static void check_fork_spin(bool no_pidns)
{
	char err[WC_ERRBUF_SIZE];
	const char *argv[] = {hostile("fork_spin"), "50", NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.time_limit_ms = 10000;
	s.no_pid_namespace = no_pidns;
	long long t0 = wc_proc_now_ms();
	struct wc_proc *p = wc_proc_start(&s, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	const struct wc_proc_result *r = wc_proc_result(p);
	while (strcmp(r->out.data, "forked 50\n") != 0 && wc_proc_now_ms() - t0 < 10000)
		CU_ASSERT_EQUAL(wc_proc_wait_until(p, wc_proc_now_ms() + 20, err), 0);
	CU_ASSERT_EQUAL(wc_proc_stop(p, 2000, err), 0);
	CU_ASSERT_TRUE(wc_proc_now_ms() - t0 < 10000 + 2000 + 3000);
	CU_ASSERT_STRING_EQUAL(r->out.data, "forked 50\n");
	CU_ASSERT_TRUE(r->stopped);
	CU_ASSERT_FALSE(r->timed_out);
	CU_ASSERT_EQUAL(r->procs_left, 51);
	CU_ASSERT_EQUAL(r->zombies, 0);
	CU_ASSERT_FALSE(r->exited);
	CU_ASSERT_EQUAL(r->term_signal, SIGTERM);
	CU_ASSERT_FALSE(r->killed);
	CU_ASSERT_EQUAL(r->pid_namespace, !no_pidns && geteuid() == 0);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_fork_spin(void)
{
	check_fork_spin(false);
}

static void test_fork_spin_no_pidns(void)
{
	check_fork_spin(true);
}

static void test_flood(void)
{
	const char *argv[] = {hostile("flood"), NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.time_limit_ms = 500;
	struct wc_proc *p = run(&s, 500 + 500 + 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_EQUAL(r->out.len, WC_PROC_OUTPUT_CAP);
	CU_ASSERT_TRUE(r->out.dropped > 0);
	CU_ASSERT_EQUAL(strspn(r->out.data, "x"), WC_PROC_OUTPUT_CAP);
	CU_ASSERT_EQUAL(r->err.len, 0);
	CU_ASSERT_TRUE(r->timed_out);
	CU_ASSERT_EQUAL(r->term_signal, SIGTERM);
	CU_ASSERT_TRUE(r->wall_ms >= 500);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_never_exits(void)
{
	const char *argv[] = {hostile("never_exit"), NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.time_limit_ms = 400;
	struct wc_proc *p = run(&s, 400 + 500 + 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_TRUE(r->timed_out);
	CU_ASSERT_FALSE(r->stopped);
	CU_ASSERT_FALSE(r->killed);
	CU_ASSERT_FALSE(r->exited);
	CU_ASSERT_EQUAL(r->term_signal, SIGTERM);
	CU_ASSERT_EQUAL(r->procs_left, 1);
	CU_ASSERT_TRUE(r->wall_ms >= 400 && r->wall_ms < 400 + 500);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_rlimits(void)
{
	const char *argv[] = {
		"sh", "-c", "ulimit -n; ulimit -v; awk '/^Max processes/ {print $3, $4}' /proc/self/limits",
		NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.rlimits.nofile = 37;
	s.rlimits.as_mb = 64;
	s.rlimits.nproc = 20;
	struct wc_proc *p = run(&s, 3000);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p)->out.data, "37\n65536\n20 20\n");
	CU_ASSERT_EQUAL(wc_proc_result(p)->exit_status, 0);
	wc_proc_free(p);

	/* A spinner given one CPU second gets SIGXCPU, long before its time limit (which
	 * is generous: on a loaded machine a CPU second takes longer than a wall second). */
	const char *spin[] = {hostile("fork_spin"), "0", NULL};
	s = spec_for(spin);
	s.rlimits.cpu_s = 1;
	s.time_limit_ms = 30000;
	p = run(&s, 30000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_FALSE(r->timed_out);
	CU_ASSERT_FALSE(r->exited);
	CU_ASSERT_EQUAL(r->term_signal, SIGXCPU);
	CU_ASSERT_TRUE(r->wall_ms >= 900);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_zombies_counted(void)
{
	const char *argv[] = {hostile("zombie_parent"), NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.time_limit_ms = 500;
	struct wc_proc *p = run(&s, 500 + 500 + 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_STRING_EQUAL(r->out.data, "3 children left unreaped\n");
	CU_ASSERT_TRUE(r->timed_out);
	CU_ASSERT_EQUAL(r->procs_left, 4);
	CU_ASSERT_EQUAL(r->zombies, 3);
	CU_ASSERT_EQUAL(r->term_signal, SIGTERM);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_signals_at_times(void)
{
	const char *argv[] = {hostile("signal_report"), NULL};
	const struct wc_proc_signal_at sigs[] = {{400, SIGUSR2}, {200, SIGUSR1}};
	struct wc_proc_spec s = spec_for(argv);
	s.signals = sigs;
	s.n_signals = 2;
	s.time_limit_ms = 5000;
	struct wc_proc *p = run(&s, 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_STRING_EQUAL(r->out.data, "USR1\nUSR2\n");
	CU_ASSERT_TRUE(r->exited);
	CU_ASSERT_EQUAL(r->exit_status, 3);
	CU_ASSERT_EQUAL(r->signals_sent, 2);
	CU_ASSERT_FALSE(r->timed_out);
	CU_ASSERT_TRUE(r->wall_ms >= 400 && r->wall_ms < 1400);
	wc_proc_free(p);

	/* The same by hand, as the runner does for a fault's companion signal. */
	char err[WC_ERRBUF_SIZE];
	s.signals = NULL;
	s.n_signals = 0;
	p = wc_proc_start(&s, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(wc_proc_wait_until(p, wc_proc_now_ms() + 100, err), 0);
	CU_ASSERT_EQUAL(wc_proc_signal(p, SIGUSR2, err), 0);
	CU_ASSERT_EQUAL(wc_proc_wait_until(p, wc_proc_now_ms() + 3000, err), 1);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p)->out.data, "USR2\n");
	CU_ASSERT_EQUAL(wc_proc_result(p)->exit_status, 3);
	CU_ASSERT_EQUAL(wc_proc_signal(p, SIGUSR2, err), -1);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_delay_and_stop(void)
{
	char err[WC_ERRBUF_SIZE];
	const char *argv[] = {hostile("never_exit"), NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.delay_ms = 300;
	long long t0 = wc_proc_now_ms();
	struct wc_proc *p = wc_proc_start(&s, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FALSE(wc_proc_result(p)->started);
	CU_ASSERT_EQUAL(wc_proc_wait_until(p, t0 + 150, err), 0);
	CU_ASSERT_FALSE(wc_proc_result(p)->started);
	CU_ASSERT_EQUAL(marked_processes(), 0);
	CU_ASSERT_EQUAL(wc_proc_wait_until(p, t0 + 600, err), 0);
	CU_ASSERT_TRUE(wc_proc_result(p)->started);
	CU_ASSERT_TRUE(wc_proc_now_ms() - t0 >= 300);
	CU_ASSERT_EQUAL(marked_processes(), 1);
	CU_ASSERT_EQUAL(wc_proc_stop(p, 200, err), 0);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_TRUE(r->finished);
	CU_ASSERT_TRUE(r->stopped);
	CU_ASSERT_FALSE(r->timed_out);
	CU_ASSERT_EQUAL(r->term_signal, SIGTERM);
	CU_ASSERT_EQUAL(r->procs_left, 1);
	wc_proc_free(p);
	assert_nothing_left();

	/* Stopped while its delay runs, it never starts. */
	s.delay_ms = 5000;
	p = wc_proc_start(&s, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(wc_proc_stop(p, 200, err), 0);
	CU_ASSERT_TRUE(wc_proc_result(p)->finished);
	CU_ASSERT_FALSE(wc_proc_result(p)->started);
	CU_ASSERT_EQUAL(wc_proc_poll(p, err), 1);
	wc_proc_free(p);
	assert_nothing_left();
}

static void check_orphan(bool no_pidns)
{
	const char *argv[] = {"sh", "-c", "sleep 30 & echo started", NULL};
	struct wc_proc_spec s = spec_for(argv);
	s.no_pid_namespace = no_pidns;
	struct wc_proc *p = run(&s, 3000);
	const struct wc_proc_result *r = wc_proc_result(p);
	CU_ASSERT_STRING_EQUAL(r->out.data, "started\n");
	CU_ASSERT_TRUE(r->exited);
	CU_ASSERT_EQUAL(r->exit_status, 0);
	CU_ASSERT_EQUAL(r->procs_left, 1);
	CU_ASSERT_EQUAL(r->zombies, 0);
	CU_ASSERT_FALSE(r->killed);
	wc_proc_free(p);
	assert_nothing_left();
}

static void test_orphan_after_exit(void)
{
	check_orphan(false);
	check_orphan(true);
}

/* The runner's way: several programs, one poll() over all their descriptors. */
static void test_one_loop(void)
{
	char err[WC_ERRBUF_SIZE];
	const char *a[] = {"sh", "-c", "echo a", NULL};
	const char *b[] = {"sh", "-c", "read line; echo \"b:$line\"; exit 4", NULL};
	const char *c[] = {hostile("flood"), NULL};
	struct wc_proc_spec specs[3] = {spec_for(a), spec_for(b), spec_for(c)};
	specs[0].delay_ms = 200;
	specs[1].stdin_text = "hi\n";
	specs[2].time_limit_ms = 300;
	specs[2].output_cap = 10;
	struct wc_proc *p[3];
	for (int i = 0; i < 3; i++) {
		p[i] = wc_proc_start(&specs[i], err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p[i]);
	}
	long long t0 = wc_proc_now_ms();
	int done = 0, errors = 0;
	while (done < 3 && wc_proc_now_ms() - t0 < 4000) {
		struct pollfd fds[3 * WC_PROC_MAX_POLLFDS];
		int n = 0, timeout = -1;
		done = 0;
		for (int i = 0; i < 3; i++) {
			int rc = wc_proc_poll(p[i], err);
			errors += rc < 0;
			done += rc == 1;
			n += wc_proc_pollfds(p[i], fds + n, WC_PROC_MAX_POLLFDS);
			int t = wc_proc_timeout_ms(p[i]);
			if (rc == 0 && t >= 0 && (timeout < 0 || t < timeout))
				timeout = t;
		}
		if (done < 3)
			poll(fds, (nfds_t)n, timeout < 0 || timeout > 100 ? 100 : timeout);
	}
	CU_ASSERT_EQUAL(done, 3);
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p[0])->out.data, "a\n");
	CU_ASSERT_EQUAL(wc_proc_result(p[0])->exit_status, 0);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p[1])->out.data, "b:hi\n");
	CU_ASSERT_EQUAL(wc_proc_result(p[1])->exit_status, 4);
	CU_ASSERT_STRING_EQUAL(wc_proc_result(p[2])->out.data, "xxxxxxxxxx");
	CU_ASSERT_TRUE(wc_proc_result(p[2])->out.dropped > 0);
	CU_ASSERT_TRUE(wc_proc_result(p[2])->timed_out);
	for (int i = 0; i < 3; i++)
		wc_proc_free(p[i]);
	assert_nothing_left();
}

/* A runner that dies without stopping its program (SIGKILL, a crash) leaves nothing
 * behind either, where a PID namespace holds the program: the shim dies with the runner. */
static void test_runner_dies(void)
{
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid_t runner = fork();
	CU_ASSERT_FATAL(runner >= 0);
	if (runner == 0) {
		char err[WC_ERRBUF_SIZE];
		const char *argv[] = {hostile("never_exit"), NULL};
		struct wc_proc_spec s = spec_for(argv);
		struct wc_proc *p = wc_proc_start(&s, err);
		char contained = p && wc_proc_result(p)->pid_namespace ? 'y' : 'n';
		if (p && contained == 'n')
			wc_proc_stop(p, 0, err);
		_exit(write(fds[1], &contained, 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	char contained = '?';
	CU_ASSERT_EQUAL(read(fds[0], &contained, 1), 1);
	close(fds[0]);
	int status;
	CU_ASSERT_EQUAL(waitpid(runner, &status, 0), runner);
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (geteuid() == 0)
		CU_ASSERT_EQUAL(contained, 'y');
	long long t0 = wc_proc_now_ms();
	while (marked_processes() > 0 && wc_proc_now_ms() - t0 < 3000)
		usleep(10000);
	assert_nothing_left();
}

static void test_start_errors(void)
{
	char err[WC_ERRBUF_SIZE] = "";
	const char *missing[] = {"/nonexistent/wc-prog", NULL};
	struct wc_proc_spec s = spec_for(missing);
	CU_ASSERT_PTR_NULL(wc_proc_start(&s, err));
	CU_ASSERT_STRING_EQUAL(err, "cannot start /nonexistent/wc-prog: No such file or directory");

	const char *unknown[] = {"wc-no-such-program", NULL};
	s = spec_for(unknown);
	CU_ASSERT_PTR_NULL(wc_proc_start(&s, err));
	CU_ASSERT_STRING_EQUAL(err, "cannot start wc-no-such-program: not found in PATH");

	const char *truth[] = {"/bin/true", NULL};
	s = spec_for(truth);
	s.cwd = "/nonexistent-dir";
	CU_ASSERT_PTR_NULL(wc_proc_start(&s, err));
	CU_ASSERT_STRING_EQUAL(err, "cannot start /bin/true: chdir to its working directory failed: "
	                            "No such file or directory");

	const char *empty[] = {NULL};
	s = spec_for(empty);
	CU_ASSERT_PTR_NULL(wc_proc_start(&s, err));
	CU_ASSERT_STRING_EQUAL(err, "a program needs a non-empty argv");
	assert_nothing_left();
}

static const struct wc_test supervise_tests[] = {
	{"normal exit: status, stdout, stderr, env, cwd", test_normal_exit},
	{"stdin text delivered, also beyond a pipe's default size", test_stdin_text},
	{"ignores SIGTERM: SIGKILL after the grace period", test_ignore_term},
	{"ignores SIGTERM, no PID namespace", test_ignore_term_no_pidns},
	{"50 spinning children all gone", test_fork_spin},
	{"50 spinning children all gone, no PID namespace", test_fork_spin_no_pidns},
	{"stdout flood capped and counted, stopped at its limit", test_flood},
	{"never exits: time limit hit", test_never_exits},
	{"rlimits: RLIMIT_NOFILE seen, RLIMIT_CPU kills a spinner", test_rlimits},
	{"3 unreaped children counted as zombies", test_zombies_counted},
	{"signals at times, and on request", test_signals_at_times},
	{"start delay and stop on request", test_delay_and_stop},
	{"an orphan left by an exited program is found and killed", test_orphan_after_exit},
	{"several programs driven from one poll loop", test_one_loop},
	{"a runner that dies takes its programs along", test_runner_dies},
	{"start errors name the program and the failed step", test_start_errors},
	{NULL, NULL},
};
static const struct wc_suite supervise_suite = {"supervise", supervise_tests};

int main(int argc, char **argv)
{
	snprintf(marker, sizeof marker, "WC_SUPERVISE_MARK=%d", (int)getpid());
	const struct wc_suite *const suites[] = {&supervise_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
