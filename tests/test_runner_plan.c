/* test_runner_plan.c — what the runner will start, decided without running anything:
 * --program parsing, placeholders in argv and env, hosts, scaled timing, limits, the
 * runner's own variables, who waits for whom; and readiness read from a socket table. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runner_internal.h"
#include "unit.h"

static char errbuf[WC_ERRBUF_SIZE];

static struct wc_scenario *load_text(const char *text)
{
	const char *path = wc_scratch("runner-plan.json");
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	struct wc_scenario *s = wc_scenario_load(path, errbuf);
	if (!s)
		printf("\n  %s\n", errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

static void placeholders(struct wc_placeholders *ph)
{
	wc_placeholders_init(ph);
	CU_ASSERT_EQUAL_FATAL(wc_placeholders_set(ph, "port", "7007", errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(wc_placeholders_set(ph, "server", "10.0.0.2", errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(wc_placeholders_set(ph, "client", "10.0.0.1", errbuf), 0);
}

static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);
	const char *found = NULL;
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			found = env[i] + n + 1;
	return found;
}

static const char two_programs[] =
	"{\"name\": \"p\", \"summary\": \"s\", \"question\": \"q\", \"time_scale\": 0.5,"
	" \"topology\": {\"kind\": \"veth\"},"
	" \"programs\": ["
	"  {\"role\": \"server\", \"argv\": [\"tcp-server\", \"--port\", \"{port}\"], \"ready\": \"tcp:{port}\","
	"   \"env\": {\"GREETING\": \"hello {client}\"}, \"rlimits\": {\"cpu\": 5, \"nproc\": 20},"
	"   \"signals\": [{\"at\": 3, \"signal\": \"SIGKILL\"}]},"
	"  {\"role\": \"client\", \"argv\": [\"tcp-client\", \"{server}\", \"{port}\"], \"after\": \"server\","
	"   \"delay\": 2, \"time_limit\": 4, \"stdin\": \"abc\", \"env\": [\"A=1\", \"B={port}\"]},"
	"  {\"role\": \"restart\", \"argv\": [\"tcp-server\"], \"host\": \"server\", \"after_end\": \"server\"}"
	" ],"
	" \"expect\": [{\"check\": \"tcp.handshake\"}]}";

static void test_plan(void)
{
	struct wc_scenario *s = load_text(two_programs);
	struct wc_runner_env env = {.trace_lib = "/lib/wc/libwctrace.so", .labs_dir = "/opt/labs"};
	struct wc_run_opts o = {.env = &env};
	struct wc_placeholders ph;
	placeholders(&ph);
	struct wc_plan plan;
	CU_ASSERT_EQUAL_FATAL(wc_plan_build(s, &o, &ph, "/tmp/scratch", &plan, errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(plan.count, 3);
	CU_ASSERT_EQUAL(plan.progs[2].after_end, 0);
	CU_ASSERT_EQUAL(plan.progs[2].after, -1);
	CU_ASSERT_EQUAL(plan.progs[1].after_end, -1);
	const struct wc_plan_prog *srv = &plan.progs[0], *cli = &plan.progs[1];

	CU_ASSERT_STRING_EQUAL(srv->role, "server");
	CU_ASSERT_EQUAL(srv->host, WC_HOST_SERVER);
	CU_ASSERT_STRING_EQUAL(srv->argv[0], "tcp-server");
	CU_ASSERT_STRING_EQUAL(srv->argv[2], "7007");
	CU_ASSERT_PTR_NULL(srv->argv[3]);
	CU_ASSERT_EQUAL(srv->ready, WC_READY_TCP);
	CU_ASSERT_EQUAL(srv->ready_port, 7007);
	CU_ASSERT_TRUE(srv->awaited);
	CU_ASSERT_EQUAL(srv->after, -1);
	CU_ASSERT_STRING_EQUAL(env_get(srv->env, "GREETING"), "hello 10.0.0.1");
	CU_ASSERT_EQUAL(srv->rlimits.cpu_s, 5);
	CU_ASSERT_EQUAL(srv->rlimits.nproc, 20);
	CU_ASSERT_EQUAL(srv->rlimits.as_mb, 0);
	CU_ASSERT_EQUAL_FATAL(srv->n_signals, 1);
	CU_ASSERT_EQUAL(srv->signals[0].at_ms, 1500); /* 3 s scaled by 0.5 */
	CU_ASSERT_EQUAL(srv->signals[0].signo, SIGKILL);
	CU_ASSERT_EQUAL(srv->time_limit_ms, 10000);     /* the default, never scaled */
	CU_ASSERT_STRING_EQUAL(srv->cwd, "/tmp/scratch");

	CU_ASSERT_EQUAL(cli->host, WC_HOST_CLIENT);
	CU_ASSERT_STRING_EQUAL(cli->argv[1], "10.0.0.2");
	CU_ASSERT_EQUAL(cli->after, 0);
	CU_ASSERT_FALSE(cli->awaited);
	CU_ASSERT_EQUAL(cli->delay_ms, 1000);
	CU_ASSERT_EQUAL(cli->time_limit_ms, 4000);
	CU_ASSERT_STRING_EQUAL(cli->stdin_text, "abc");
	CU_ASSERT_STRING_EQUAL(env_get(cli->env, "B"), "7007");
	/* the runner's own: reference programs first in PATH, the trace library, its file */
	CU_ASSERT_EQUAL(strncmp(env_get(cli->env, "PATH"), "/opt/labs:", 10), 0);
	CU_ASSERT_STRING_EQUAL(env_get(cli->env, "LD_PRELOAD"), "/lib/wc/libwctrace.so");
	CU_ASSERT_STRING_EQUAL(env_get(cli->env, "WC_TRACE_FILE"), "/tmp/scratch/client.trace");
	CU_ASSERT_STRING_EQUAL(cli->trace_path, "/tmp/scratch/client.trace");
	wc_plan_free(&plan);
	wc_scenario_free(s);
}

/* Without the trace library, programs run untraced: no LD_PRELOAD, no trace file. */
static void test_untraced(void)
{
	struct wc_scenario *s = load_text(two_programs);
	struct wc_runner_env env = {0};
	struct wc_run_opts o = {.env = &env};
	struct wc_placeholders ph;
	placeholders(&ph);
	struct wc_plan plan;
	CU_ASSERT_EQUAL_FATAL(wc_plan_build(s, &o, &ph, "/tmp/scratch", &plan, errbuf), 0);
	CU_ASSERT_PTR_NULL(env_get(plan.progs[1].env, "LD_PRELOAD"));
	CU_ASSERT_PTR_NULL(env_get(plan.progs[1].env, "PATH"));
	CU_ASSERT_PTR_NULL(plan.progs[1].trace_path);
	wc_plan_free(&plan);
	wc_scenario_free(s);
}

static void test_override(void)
{
	struct wc_run_override o;
	CU_ASSERT_EQUAL_FATAL(wc_run_override_parse("server=my-server --port {port} 'two words' \"x y\" a\\ b", &o,
	                                            errbuf), 0);
	CU_ASSERT_STRING_EQUAL(o.role, "server");
	const char *want[] = {"my-server", "--port", "{port}", "two words", "x y", "a b", NULL};
	for (size_t i = 0; want[i]; i++)
		CU_ASSERT_STRING_EQUAL(o.argv[i], want[i]);
	CU_ASSERT_PTR_NULL(o.argv[6]);

	struct wc_scenario *s = load_text(two_programs);
	struct wc_runner_env env = {0};
	struct wc_run_opts opts = {.env = &env, .overrides = &o, .override_count = 1};
	struct wc_placeholders ph;
	placeholders(&ph);
	struct wc_plan plan;
	CU_ASSERT_EQUAL_FATAL(wc_plan_build(s, &opts, &ph, "/tmp/scratch", &plan, errbuf), 0);
	CU_ASSERT_STRING_EQUAL(plan.progs[0].argv[0], "my-server");
	CU_ASSERT_STRING_EQUAL(plan.progs[0].argv[2], "7007");
	CU_ASSERT_EQUAL(plan.progs[0].ready, WC_READY_TCP); /* the role's own readiness is kept */
	CU_ASSERT_EQUAL(plan.progs[0].ready_port, 7007);
	wc_plan_free(&plan);
	/* a variant's readiness replaces the role's */
	o.ready = strdup("udp:{port}");
	CU_ASSERT_EQUAL_FATAL(wc_plan_build(s, &opts, &ph, "/tmp/scratch", &plan, errbuf), 0);
	CU_ASSERT_EQUAL(plan.progs[0].ready, WC_READY_UDP);
	CU_ASSERT_EQUAL(plan.progs[0].ready_port, 7007);
	CU_ASSERT_STRING_EQUAL(plan.progs[1].argv[0], "tcp-client");
	wc_plan_free(&plan);
	wc_run_override_free(&o);

	/* a relative path with a '/' is made absolute against the current directory */
	CU_ASSERT_EQUAL_FATAL(wc_run_override_parse("client=./a.out 1", &o, errbuf), 0);
	char cwd[4096], want_path[4200];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
	snprintf(want_path, sizeof want_path, "%s/./a.out", cwd);
	CU_ASSERT_STRING_EQUAL(o.argv[0], want_path);
	wc_run_override_free(&o);

	/* a role the scenario lacks */
	CU_ASSERT_EQUAL_FATAL(wc_run_override_parse("proxy=x", &o, errbuf), 0);
	opts.overrides = &o;
	CU_ASSERT_EQUAL(wc_plan_build(s, &opts, &ph, "/tmp/scratch", &plan, errbuf), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "--program proxy: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "has no program with that role"));
	wc_run_override_free(&o);
	wc_scenario_free(s);

	CU_ASSERT_EQUAL(wc_run_override_parse("server", &o, errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "--program wants ROLE=COMMAND (server=./my-server), not 'server'");
	CU_ASSERT_EQUAL(wc_run_override_parse("server=   ", &o, errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "--program server: the command is empty");
	CU_ASSERT_EQUAL(wc_run_override_parse("server=a 'b", &o, errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "--program server: unterminated quote in 'a 'b'");
}

/* A placeholder nobody can fill in a live run is an error before anything starts. */
static void test_unknown_placeholder(void)
{
	struct wc_scenario *s = load_text(two_programs);
	struct wc_runner_env env = {0};
	struct wc_run_opts o = {.env = &env};
	struct wc_placeholders ph;
	wc_placeholders_init(&ph);
	struct wc_plan plan;
	CU_ASSERT_EQUAL(wc_plan_build(s, &o, &ph, "/tmp/scratch", &plan, errbuf), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(errbuf, "programs[0]: the placeholder {port} has no value in a live run"));
	wc_scenario_free(s);
}

/* Readiness reads the calling thread's namespace: a socket this test binds shows. */
static void test_ready_port(void)
{
	int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT_FATAL(tcp >= 0 && udp >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	CU_ASSERT_EQUAL_FATAL(bind(tcp, (struct sockaddr *)&a, sizeof a), 0);
	CU_ASSERT_EQUAL_FATAL(getsockname(tcp, (struct sockaddr *)&a, &len), 0);
	int port = ntohs(a.sin_port);
	CU_ASSERT_EQUAL(wc_ready_port(WC_READY_TCP, port), 0); /* bound, not listening */
	CU_ASSERT_EQUAL_FATAL(listen(tcp, 1), 0);
	CU_ASSERT_EQUAL(wc_ready_port(WC_READY_TCP, port), 1);
	a.sin_port = 0;
	CU_ASSERT_EQUAL_FATAL(bind(udp, (struct sockaddr *)&a, sizeof a), 0);
	len = sizeof a;
	CU_ASSERT_EQUAL_FATAL(getsockname(udp, (struct sockaddr *)&a, &len), 0);
	CU_ASSERT_EQUAL(wc_ready_port(WC_READY_UDP, ntohs(a.sin_port)), 1);
	close(tcp);
	close(udp);
	CU_ASSERT_EQUAL(wc_ready_port(WC_READY_TCP, port), 0);
}

static const struct wc_test plan_tests[] = {
	{"argv, env, hosts, timing, limits, waits", test_plan},
	{"without the trace library: untraced", test_untraced},
	{"--program: parsing and substitution", test_override},
	{"a placeholder with no value is refused", test_unknown_placeholder},
	{"readiness from the socket tables", test_ready_port},
	{NULL, NULL},
};
static const struct wc_suite plan_suite = {"runner plan", plan_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&plan_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
