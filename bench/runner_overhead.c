/* runner_overhead.c — issue 4's overhead figure: setup + capture + teardown of a trivial
 * run, programs excluded, median of 10, for the loopback topology (one capture) and veth
 * (a capture on each host). Measured for the bare parts (namespaces, topology, capture
 * threads started and stopped, all on one path) and for a whole `wirecheck run` of a
 * scenario whose one program is `true`: wc_run_scenario's own setup and teardown times
 * (the program phase and the fixed drain left out), then the same with the background
 * release of its sockets and namespaces awaited (wc_runner_settle) before the next run.
 * Target: at most 50 ms median. Needs root or user namespaces; says why when it can't. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "livecap.h"
#include "netns.h"
#include "runner.h"
#include "supervise.h"
#include "topology.h"

#define RUNS 10

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One trivial run: up, captures started and stopped, down. Milliseconds, or -1. */
static double one_run(const struct wc_topo_config *cfg, size_t captures, const char *dir, char *errbuf)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct wc_topo t;
	if (wc_topo_up(&t, cfg, errbuf) != 0)
		return -1;
	char paths[2][4096];
	struct wc_livecap_opts o[2];
	for (size_t i = 0; i < captures; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/overhead-%zu.pcap", dir, i);
		o[i] = (struct wc_livecap_opts){.device = wc_topo_capture_device(&t),
		                                .netns_fd = wc_topo_host_netns(&t, i == 0 ? WC_HOST_CLIENT : WC_HOST_SERVER),
		                                .path = paths[i]};
	}
	struct wc_livecap *c[2];
	struct wc_livecap_result r[2];
	int rc = wc_livecap_start_all(o, captures, c, errbuf);
	if (rc == 0)
		rc = wc_livecap_stop_all(c, captures, r, errbuf);
	wc_topo_down(&t);
	double ms = ms_since(&t0);
	for (size_t i = 0; i < captures; i++)
		remove(paths[i]);
	return rc == 0 ? ms : -1;
}

static int measure(const char *name, const char *json, size_t captures, const char *dir)
{
	char errbuf[WC_ERRBUF_SIZE] = "";
	struct wc_topo_config cfg;
	json_object *o = json_tokener_parse(json);
	int rc = wc_topo_config_from_json(&cfg, o, errbuf);
	json_object_put(o);
	double ms[RUNS];
	for (int i = 0; rc == 0 && i < RUNS; i++)
		if ((ms[i] = one_run(&cfg, captures, dir, errbuf)) < 0)
			rc = -1;
	if (rc != 0) {
		printf("%-9s not measured: %s\n", name, errbuf);
		return -1;
	}
	qsort(ms, RUNS, sizeof ms[0], by_value);
	printf("%-9s %zu capture%s  median %6.1f ms  min %6.1f  max %6.1f  (target <= 50 ms median)\n", name, captures,
	       captures > 1 ? "s" : " ", (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2, ms[0], ms[RUNS - 1]);
	return 0;
}

/* The same through the runner: a scenario with one program, `true`, judged by one check. */
static int measure_run(const char *name, const char *topology, const char *dir, const struct wc_runner_env *env)
{
	char text[512], path[4200], errbuf[WC_ERRBUF_SIZE] = "";
	snprintf(text, sizeof text,
	         "{\"name\": \"overhead\", \"summary\": \"s\", \"question\": \"q\", \"topology\": %s,"
	         " \"programs\": [{\"role\": \"client\", \"argv\": [\"true\"]}],"
	         " \"expect\": [{\"check\": \"proc.exit\", \"role\": \"client\"}]}", topology);
	snprintf(path, sizeof path, "%s/overhead.json", dir);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("%-9s not measured: cannot write %s\n", name, path);
		return -1;
	}
	struct wc_scenario *s = wc_scenario_load(path, errbuf);
	double ms[RUNS], settled[RUNS];
	int rc = s ? 0 : -1;
	for (int i = 0; rc == 0 && i < RUNS; i++) {
		struct wc_run_opts o = {.env = env, .tmp_dir = dir};
		struct wc_run_result res;
		if ((rc = wc_run_scenario(s, &o, &res, errbuf)) != 0)
			break;
		ms[i] = res.setup_ms + res.teardown_ms;
		long long t0 = wc_proc_now_ms();
		wc_runner_settle();
		settled[i] = ms[i] + (double)(wc_proc_now_ms() - t0);
		if (res.outcome.verdict != WC_PASS) {
			snprintf(errbuf, sizeof errbuf, "the trivial run did not pass: %.400s", res.outcome.why);
			rc = -1;
		}
		wc_run_result_free(&res);
	}
	if (s)
		wc_scenario_free(s);
	remove(path);
	if (rc != 0) {
		printf("%-9s not measured: %s\n", name, errbuf);
		return -1;
	}
	qsort(ms, RUNS, sizeof ms[0], by_value);
	qsort(settled, RUNS, sizeof settled[0], by_value);
	printf("%-9s run       median %6.1f ms  min %6.1f  max %6.1f  on the run's own path (target <= 50 ms median)\n",
	       name, (ms[RUNS / 2 - 1] + ms[RUNS / 2]) / 2, ms[0], ms[RUNS - 1]);
	printf("%-9s settled   median %6.1f ms  min %6.1f  max %6.1f  with the background release awaited\n", name,
	       (settled[RUNS / 2 - 1] + settled[RUNS / 2]) / 2, settled[0], settled[RUNS - 1]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	bool userns = false;
	char errbuf[WC_ERRBUF_SIZE] = "";
	if (wc_netns_init(&userns, errbuf) != 0) { /* single-threaded still, as it must be */
		printf("\nrunner overhead not measured: %s\n", errbuf);
		return 1;
	}
	printf("\nrunner overhead: setup + capture + teardown of a trivial run, programs excluded, %d runs\n", RUNS);
	int a = measure("loopback", "{\"kind\": \"loopback\"}", 1, dir);
	int b = measure("veth", "{\"kind\": \"veth\"}", 2, dir);
	struct wc_runner_env env = {.userns = userns};
	wc_runner_env_find(&env);
	printf("the same inside `wirecheck run` (wc_run_scenario's setup + teardown; one program, true):\n");
	int c = measure_run("loopback", "{\"kind\": \"loopback\"}", dir, &env);
	int d = measure_run("veth", "{\"kind\": \"veth\"}", dir, &env);
	return a == 0 && b == 0 && c == 0 && d == 0 ? 0 : 1;
}
