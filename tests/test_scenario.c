/* test_scenario.c — loading scenario files: every value read back, every documented message. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "unit.h"

/* ---- a registry of two stand-in checks, so the format is tested apart from the real ones */

static const char *const sides[] = {"client", "server", NULL};

static const struct wc_field window_fields[] = {
	{.key = "from", .type = WC_F_NUMBER, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "start, seconds", .example = "1"},
	{.key = "to", .type = WC_F_NUMBER, .min = 0, .max = WC_NO_LIMIT, .doc = "end, seconds"},
	{.key = NULL},
};

static const struct wc_field tcp_fake_args[] = {
	{.key = "count", .type = WC_F_COUNT, .default_text = "1", .doc = "connections", .example = "1"},
	{.key = "initiator", .type = WC_F_STRING, .enum_values = sides, .doc = "who opens"},
	{.key = "window", .type = WC_F_OBJECT, .fields = window_fields, .doc = "when"},
	{.key = NULL},
};

static const struct wc_field net_fake_args[] = {
	{.key = "ttl", .type = WC_F_INT, .required = true, .min = 1, .max = 255, .doc = "IP TTL",
	 .example = "64"},
	{.key = "payloads", .type = WC_F_STRINGS, .doc = "datagram payloads"},
	{.key = NULL},
};

static const struct wc_check_def tcp_fake = {
	.name = "tcp.fake", .summary = "a stand-in TCP check", .args = tcp_fake_args,
	.example = "{\"check\": \"tcp.fake\", \"count\": 1}",
};
static const struct wc_check_def net_fake = {
	.name = "net.fake", .summary = "a stand-in network check", .args = net_fake_args,
	.example = "{\"check\": \"net.fake\", \"ttl\": 64}",
};

const struct wc_check_def *const wc_checks_tcp[] = {&tcp_fake, NULL};
const struct wc_check_def *const wc_checks_net[] = {&net_fake, NULL};

/* ---- helpers ------------------------------------------------------------------------ */

static char errbuf[WC_ERRBUF_SIZE];

static struct wc_scenario *load_fixture(const char *name, char *path_out, size_t len)
{
	char rel[128];
	snprintf(rel, sizeof rel, "scenarios/%s", name);
	snprintf(path_out, len, "%s", wc_fixture(rel));
	errbuf[0] = '\0';
	return wc_scenario_load(path_out, errbuf);
}

/* The message for `text` saved as a scenario file, with the file name taken off. */
static const char *problem_in(const char *text)
{
	static char msg[WC_ERRBUF_SIZE];
	const char *path = wc_scratch("scenario.json");
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	errbuf[0] = '\0';
	struct wc_scenario *s = wc_scenario_load(path, errbuf);
	if (s) {
		wc_scenario_free(s);
		return "(valid)";
	}
	size_t n = strlen(path);
	if (strncmp(errbuf, path, n) == 0 && strncmp(errbuf + n, ": ", 2) == 0)
		snprintf(msg, sizeof msg, "%s", errbuf + n + 2);
	else
		snprintf(msg, sizeof msg, "(no file name) %s", errbuf);
	return msg;
}

/* A valid scenario with `extra` top-level keys, whose expectations are `expect`. */
static const char *problem(const char *extra, const char *expect)
{
	char text[4096];
	snprintf(text, sizeof text,
	         "{\"name\": \"t\", \"summary\": \"s\", \"question\": \"q\",%s%s \"expect\": %s}",
	         extra, *extra ? "," : "", expect);
	return problem_in(text);
}

#define ONE_EXPECT "[{\"check\": \"net.fake\", \"ttl\": 1}]"
#define ASSERT_TOP(extra, msg) CU_ASSERT_STRING_EQUAL(problem(extra, ONE_EXPECT), msg)
#define ASSERT_EXPECT(expect, msg) CU_ASSERT_STRING_EQUAL(problem("", expect), msg)
/* A veth topology with one server program whose keys are `keys`. */
#define ASSERT_PROGRAM(keys, msg)                                                            \
	ASSERT_TOP("\"topology\": {\"kind\": \"veth\"}, \"programs\": [{\"role\": \"server\", "  \
	           "\"argv\": [\"srv\"]" keys "}]", msg)
#define ASSERT_FAULT(fault, msg) \
	ASSERT_TOP("\"topology\": {\"kind\": \"veth\"}, \"faults\": [" fault "]", msg)

/* ---- valid files ------------------------------------------------------------------ */

static void test_full(void)
{
	char path[4096];
	struct wc_scenario *s = load_fixture("full.json", path, sizeof path);
	CU_ASSERT_STRING_EQUAL(errbuf, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->file, path);
	CU_ASSERT_STRING_EQUAL(s->name, "udp-cut");
	CU_ASSERT_STRING_EQUAL(s->summary,
	                       "UDP datagrams sent while the link is cut are lost; the rest arrive in order");
	CU_ASSERT_STRING_EQUAL(s->question, "What does UDP do with datagrams sent while the cable is cut?");
	CU_ASSERT_DOUBLE_EQUAL(wc_schema_num(s->root, "time_scale", 1), 0.1, 1e-12);

	CU_ASSERT_STRING_EQUAL(wc_schema_str(s->topology, "kind", "loopback"), "veth");
	CU_ASSERT_FALSE(wc_schema_bool(s->topology, "offload", true));
	CU_ASSERT_EQUAL(wc_schema_int(s->topology, "mtu", 0), 1500);
	json_object *addr;
	CU_ASSERT_TRUE(json_object_object_get_ex(s->topology, "addresses", &addr));
	CU_ASSERT_STRING_EQUAL(wc_schema_str(addr, "server", ""), "10.9.0.2");

	CU_ASSERT_EQUAL(json_object_array_length(s->programs), 2);
	json_object *server = json_object_array_get_idx(s->programs, 0);
	json_object *client = json_object_array_get_idx(s->programs, 1);
	CU_ASSERT_STRING_EQUAL(wc_schema_str(server, "ready", "none"), "udp:{port}");
	CU_ASSERT_STRING_EQUAL(wc_schema_str(server, "expect_stdout", ""), "^got [0-9]+ datagrams");
	CU_ASSERT_DOUBLE_EQUAL(wc_schema_num(server, "time_limit", 10), 30, 1e-12);
	CU_ASSERT_EQUAL(wc_schema_int(server, "expect_exit", -1), 0);
	json_object *rl, *argv, *sig;
	CU_ASSERT_TRUE(json_object_object_get_ex(server, "rlimits", &rl));
	CU_ASSERT_EQUAL(wc_schema_int(rl, "nofile", 0), 64);
	CU_ASSERT_TRUE(json_object_object_get_ex(server, "signals", &sig));
	CU_ASSERT_STRING_EQUAL(wc_schema_str(json_object_array_get_idx(sig, 0), "signal", ""), "SIGTERM");
	CU_ASSERT_TRUE(json_object_object_get_ex(client, "argv", &argv));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_array_get_idx(argv, 3)), "{server}");
	CU_ASSERT_STRING_EQUAL(wc_schema_str(client, "after", ""), "server");
	CU_ASSERT_STRING_EQUAL(wc_schema_str(client, "stdin", ""), "hello\n");
	CU_ASSERT_DOUBLE_EQUAL(wc_schema_num(client, "delay", 0), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(wc_schema_num(client, "time_limit", 10), 25, 1e-12);

	CU_ASSERT_EQUAL(json_object_array_length(s->faults), 5);
	json_object *drop = json_object_array_get_idx(s->faults, 1);
	CU_ASSERT_STRING_EQUAL(wc_schema_str(drop, "match", ""), "udp and dst port {port}");
	CU_ASSERT_EQUAL(wc_schema_int(drop, "index", 0), 2);
	json_object *netem = json_object_array_get_idx(s->faults, 2);
	CU_ASSERT_DOUBLE_EQUAL(wc_schema_num(netem, "reorder_pct", 0), 25, 1e-12);

	CU_ASSERT_EQUAL_FATAL(s->expect_count, 5);
	const struct wc_expect *e = &s->expect[0];
	CU_ASSERT_PTR_EQUAL(e->def, &tcp_fake);
	CU_ASSERT_STRING_EQUAL(e->path, "expect[0]");
	CU_ASSERT_STRING_EQUAL(e->label, "the client opens");
	CU_ASSERT_DOUBLE_EQUAL(e->points, 2.5, 1e-12);
	CU_ASSERT_STRING_EQUAL(e->vantage, "server");
	struct wc_count c;
	json_object *count;
	CU_ASSERT_TRUE(json_object_object_get_ex(e->args, "count", &count));
	wc_count_get(count, &c);
	CU_ASSERT_TRUE(c.has_min && c.has_max && !c.has_exact);
	CU_ASSERT_EQUAL(c.min, 1);
	CU_ASSERT_EQUAL(c.max, 2);
	CU_ASSERT_STRING_EQUAL(wc_schema_str(e->args, "initiator", ""), "client");
	e = &s->expect[1];
	CU_ASSERT_PTR_EQUAL(e->def, &net_fake);
	CU_ASSERT_STRING_EQUAL(e->path, "expect[1]");
	CU_ASSERT_STRING_EQUAL(e->label, "a stand-in network check");
	CU_ASSERT_DOUBLE_EQUAL(e->points, 1, 1e-12);
	CU_ASSERT_STRING_EQUAL(e->vantage, "");
	CU_ASSERT_EQUAL(wc_schema_int(e->args, "ttl", 0), 64);
	wc_scenario_free(s);
}

/* Assert one implied expectation: its check, path, label, and its arguments as JSON text. */
static void expect_implied(const struct wc_expect *e, const char *check, const char *path, const char *label,
                           const char *args)
{
	CU_ASSERT_PTR_EQUAL(e->def, wc_check_find(check));
	CU_ASSERT_PTR_NOT_NULL(e->def);
	CU_ASSERT_STRING_EQUAL(e->path, path);
	CU_ASSERT_STRING_EQUAL(e->label, label);
	CU_ASSERT_DOUBLE_EQUAL(e->points, 1, 1e-12);
	CU_ASSERT_STRING_EQUAL(e->vantage, "");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(e->args, JSON_C_TO_STRING_PLAIN), args);
	/* the arguments pass the check's own table, as an expectation's do */
	json_object *copy = NULL;
	CU_ASSERT_EQUAL_FATAL(json_object_deep_copy(e->args, &copy, NULL), 0);
	json_object_object_del(copy, "check");
	char err[WC_ERRBUF_SIZE] = "";
	CU_ASSERT_EQUAL(wc_schema_validate(copy, e->def->args, "t.json", e->path, err), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	json_object_put(copy);
}

static void test_implied(void)
{
	char path[4096];
	struct wc_scenario *s = load_fixture("full.json", path, sizeof path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(s->expect_count, 5);
	/* after the explicit ones, program by program, in the order exit, stdout, stderr */
	expect_implied(&s->expect[2], "proc.exit", "programs[0].expect_exit", "server exits with status 0",
	               "{\"check\":\"proc.exit\",\"role\":\"server\",\"status\":0}");
	expect_implied(&s->expect[3], "proc.output", "programs[0].expect_stdout",
	               "server's stdout matches /^got [0-9]+ datagrams/",
	               "{\"check\":\"proc.output\",\"role\":\"server\",\"stream\":\"stdout\","
	               "\"matches\":\"^got [0-9]+ datagrams\"}");
	expect_implied(&s->expect[4], "proc.output", "programs[1].expect_stderr", "client's stderr matches /sent 10/",
	               "{\"check\":\"proc.output\",\"role\":\"client\",\"stream\":\"stderr\","
	               "\"matches\":\"sent 10\"}");
	wc_scenario_free(s);

	/* a three-digit index still fits wc_expect.path (a 1 MiB file holds fewer than 10^5 programs) */
	const char *file = wc_scratch("implied.json");
	FILE *f = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{\"name\": \"t\", \"summary\": \"s\", \"question\": \"q\", \"programs\": [", f);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "%s{\"role\": \"p%d\", \"argv\": [\"x\"]%s}", i ? ", " : "", i,
		        i == 999 ? ", \"expect_stderr\": \"oops\", \"expect_exit\": 3" : "");
	fputs("], \"expect\": " ONE_EXPECT "}", f);
	fclose(f);
	s = wc_scenario_load(file, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(s->expect_count, 3);
	CU_ASSERT_STRING_EQUAL(s->expect[0].path, "expect[0]");
	expect_implied(&s->expect[1], "proc.exit", "programs[999].expect_exit", "p999 exits with status 3",
	               "{\"check\":\"proc.exit\",\"role\":\"p999\",\"status\":3}");
	expect_implied(&s->expect[2], "proc.output", "programs[999].expect_stderr", "p999's stderr matches /oops/",
	               "{\"check\":\"proc.output\",\"role\":\"p999\",\"stream\":\"stderr\","
	               "\"matches\":\"oops\"}");
	wc_scenario_free(s);

	/* expect stays required, even when the programs imply expectations */
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"t\", \"summary\": \"s\", \"question\": \"q\", "
	                                  "\"programs\": [{\"role\": \"c\", \"argv\": [\"x\"], \"expect_exit\": 0}]}"),
	                       "missing required key \"expect\"");
	/* a value the check's own argument would refuse is named by the program's key */
	ASSERT_PROGRAM(", \"expect_stdout\": \"\"", "programs[0].expect_stdout: must not be empty");
	ASSERT_PROGRAM(", \"expect_stderr\": \"\"", "programs[0].expect_stderr: must not be empty");
}

static void test_minimal(void)
{
	char path[4096];
	struct wc_scenario *s = load_fixture("minimal.json", path, sizeof path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->name, "tcp-echo");
	CU_ASSERT_PTR_NULL(s->topology);
	CU_ASSERT_PTR_NULL(s->programs);
	CU_ASSERT_PTR_NULL(s->faults);
	CU_ASSERT_EQUAL_FATAL(s->expect_count, 1);
	CU_ASSERT_STRING_EQUAL(s->expect[0].label, "a stand-in network check");
	CU_ASSERT_DOUBLE_EQUAL(s->expect[0].points, 1, 1e-12);
	/* The getters give the documented defaults for what is absent. */
	CU_ASSERT_STRING_EQUAL(wc_schema_str(s->topology, "kind", "loopback"), "loopback");
	CU_ASSERT_DOUBLE_EQUAL(wc_schema_num(s->root, "time_scale", 1), 1, 1e-12);
	wc_scenario_free(s);
	wc_scenario_free(NULL);
}

/* ---- files that cannot be read as JSON ---------------------------------------------- */

static void expect_fixture_error(const char *name, const char *msg)
{
	char path[4096], want[WC_ERRBUF_SIZE + 4096];
	CU_ASSERT_PTR_NULL(load_fixture(name, path, sizeof path));
	snprintf(want, sizeof want, "%s: %s", path, msg);
	CU_ASSERT_STRING_EQUAL(errbuf, want);
}

static void test_syntax(void)
{
	expect_fixture_error("syntax-error.json",
	                     "line 4, column 3: JSON syntax error: object value separator ',' expected");
	expect_fixture_error("truncated.json", "line 4, column 1: JSON syntax error: unexpected end of file");
	expect_fixture_error("unknown-key.json", "expect[3]: unknown key \"cont\"; did you mean \"count\"?");
	CU_ASSERT_STRING_EQUAL(problem_in(""), "line 1, column 1: JSON syntax error: unexpected end of file");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"é\" x}"),
	                       "line 1, column 14: JSON syntax error: object value separator ',' expected");
	CU_ASSERT_STRING_EQUAL(problem_in("{}\n{}"), "line 2, column 1: JSON syntax error: unexpected character");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"a\": tru}"), "line 1, column 10: JSON syntax error: boolean expected");
	CU_ASSERT_STRING_EQUAL(problem_in("[1, 2]"), "expected an object, got an array");
	CU_ASSERT_STRING_EQUAL(problem_in("12\n"), "expected an object, got a number");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"a\": 1}\n\n  "), "missing required key \"name\"");

	errbuf[0] = '\0';
	CU_ASSERT_PTR_NULL(wc_scenario_load("/nonexistent/s.json", errbuf));
	CU_ASSERT_STRING_EQUAL(errbuf, "cannot open /nonexistent/s.json: No such file or directory");
	char dir[4096], want_dir[4200];
	snprintf(dir, sizeof dir, "%s", wc_fixture("scenarios"));
	snprintf(want_dir, sizeof want_dir, "cannot read %s: Is a directory", dir);
	CU_ASSERT_PTR_NULL(wc_scenario_load(dir, errbuf));
	CU_ASSERT_STRING_EQUAL(errbuf, want_dir);

	const char *path = wc_scratch("nul.json");
	FILE *f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite("{\n \0}", 1, 5, f);
	fclose(f);
	char want[WC_ERRBUF_SIZE];
	snprintf(want, sizeof want, "%s: line 2, column 2: JSON syntax error: a NUL byte", path);
	CU_ASSERT_PTR_NULL(wc_scenario_load(path, errbuf));
	CU_ASSERT_STRING_EQUAL(errbuf, want);
}

/* ---- the top level ------------------------------------------------------------------ */

static void test_top_level(void)
{
	CU_ASSERT_STRING_EQUAL(problem("", ONE_EXPECT), "(valid)");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": 5, \"summary\": \"s\", \"question\": \"q\", \"expect\": []}"),
	                       "name: expected a string, got a number");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"t\", \"summary\": \"s\", \"question\": \"q\"}"),
	                       "missing required key \"expect\"");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"t\", \"summary\": \"s\", \"expect\": []}"),
	                       "expect: must not be empty");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"t\", \"summary\": \"s\", \"expect\": " ONE_EXPECT "}"),
	                       "missing required key \"question\"");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"TCP echo\", \"summary\": \"s\", \"question\": \"q\", "
	                                  "\"expect\": " ONE_EXPECT "}"),
	                       "name: must use only a-z, 0-9 and '-', got \"TCP echo\"");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"t\", \"summary\": \"one\\ntwo\", \"question\": \"q\", "
	                                  "\"expect\": " ONE_EXPECT "}"),
	                       "summary: must be one line");
	CU_ASSERT_STRING_EQUAL(problem_in("{\"name\": \"t\", \"sumary\": \"s\", \"question\": \"q\", "
	                                  "\"expect\": " ONE_EXPECT "}"),
	                       "unknown key \"sumary\"; did you mean \"summary\"?");
	ASSERT_TOP("\"time_scale\": 0", "time_scale: must be at least 0.001, got 0");
	ASSERT_TOP("\"time_scale\": \"fast\"", "time_scale: expected a number, got a string");
	ASSERT_TOP("\"programs\": {}", "programs: expected an array of objects, got an object");
	ASSERT_TOP("\"extra\": 1", "unknown key \"extra\"");
}

static void test_topology(void)
{
	ASSERT_TOP("\"topology\": {\"kind\": \"vet\"}", "topology.kind: must be one of loopback, veth; got \"vet\"");
	ASSERT_TOP("\"topology\": {\"kind\": \"veth\", \"offload\": \"yes\"}",
	           "topology.offload: expected true or false, got a string");
	ASSERT_TOP("\"topology\": {\"offload\": true}", "topology.offload: only a veth topology has offload settings");
	ASSERT_TOP("\"topology\": {\"mtu\": 10}", "topology.mtu: must be at least 68, got 10");
	ASSERT_TOP("\"topology\": {\"kind\": \"veth\", \"addresses\": {\"client\": \"10.0.0\"}}",
	           "topology.addresses.client: must be an IPv4 or IPv6 address, got \"10.0.0\"");
	ASSERT_TOP("\"topology\": {\"kind\": \"veth\", \"addresses\": {\"client\": \"fd00::1\"}}",
	           "topology.addresses: the client (fd00::1) and the server (10.0.0.2) must both be IPv4 or both IPv6");
	ASSERT_TOP("\"topology\": {\"kind\": \"veth\", \"addresses\": {\"client\": \"10.0.0.2\"}}",
	           "topology.addresses: the two hosts of a veth topology need different addresses, both are 10.0.0.2");
	ASSERT_TOP("\"topology\": {\"addresses\": {\"server\": \"127.0.0.2\"}}", "(valid)");
	ASSERT_TOP("\"topology\": {\"kidn\": \"veth\"}", "topology: unknown key \"kidn\"; did you mean \"kind\"?");
}

static void test_programs(void)
{
	ASSERT_PROGRAM("", "(valid)");
	ASSERT_TOP("\"programs\": [{\"role\": \"server\"}]", "programs[0]: missing required key \"argv\"");
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"arg\": [\"x\"]}]",
	           "programs[0]: unknown key \"arg\"; did you mean \"argv\"?");
	ASSERT_TOP("\"programs\": [{\"role\": \"s\", \"argv\": [\"srv\", \"-p\", 7007]}]",
	           "programs[0].argv[2]: expected a string, got a number");
	ASSERT_TOP("\"programs\": [{\"role\": \"s\", \"argv\": []}]", "programs[0].argv: must not be empty");
	ASSERT_TOP("\"programs\": [{\"role\": \"a-very-long-role-name\", \"argv\": [\"x\"]}]",
	           "programs[0].role: must be at most 15 bytes long, got 21");
	ASSERT_TOP("\"programs\": [{\"role\": \"Server\", \"argv\": [\"x\"]}]",
	           "programs[0].role: must use only a-z, 0-9 and '-', got \"Server\"");
	ASSERT_TOP("\"programs\": [{\"role\": \"s\", \"argv\": [\"x\"], \"host\": \"server\"}]",
	           "programs[0].host: only a veth topology has hosts");
	ASSERT_PROGRAM(", \"host\": \"router\"", "programs[0].host: must be one of client, server; got \"router\"");
	ASSERT_PROGRAM(", \"env\": {\"A\": \"1\", \"N\": 2}", "programs[0].env.N: expected a string, got a number");
	ASSERT_PROGRAM(", \"env\": {\"A-B\": \"1\"}",
	               "programs[0].env.A-B: not a variable name: use letters, digits and '_'");
	ASSERT_PROGRAM(", \"env\": [\"A=1\", \"FOO\"]", "programs[0].env[1]: must look like NAME=VALUE, got \"FOO\"");
	ASSERT_PROGRAM(", \"env\": [\"=1\"]", "programs[0].env[0]: must look like NAME=VALUE, got \"=1\"");
	ASSERT_PROGRAM(", \"env\": [3]", "programs[0].env[0]: expected a string, got a number");
	ASSERT_PROGRAM(", \"env\": \"A=1\"",
	               "programs[0].env: expected an object or an array of \"NAME=VALUE\" strings, got a string");
	ASSERT_PROGRAM(", \"ready\": \"tcp:7007\"", "(valid)");
	ASSERT_PROGRAM(", \"ready\": \"tcp:70000\"",
	               "programs[0].ready: the port must be a number from 1 to 65535 or {port}, got \"70000\"");
	ASSERT_PROGRAM(", \"ready\": \"udp:\"",
	               "programs[0].ready: the port must be a number from 1 to 65535 or {port}, got \"\"");
	ASSERT_PROGRAM(", \"ready\": \"http:80\"",
	               "programs[0].ready: must be \"tcp:PORT\", \"udp:PORT\" or \"none\", got \"http:80\"");
	ASSERT_PROGRAM(", \"delay\": -1", "programs[0].delay: must be at least 0, got -1");
	ASSERT_PROGRAM(", \"time_limit\": 0", "programs[0].time_limit: must be at least 0.001, got 0");
	ASSERT_PROGRAM(", \"expect_exit\": 256", "programs[0].expect_exit: must be at most 255, got 256");
	ASSERT_PROGRAM(", \"expect_exit\": 1.0", "programs[0].expect_exit: expected a whole number, got 1.0");
	ASSERT_PROGRAM(", \"signals\": [{\"at\": 1, \"signal\": \"TERM\"}]",
	               "programs[0].signals[0].signal: must be one of SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGUSR1, "
	               "SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCONT, SIGSTOP; got \"TERM\"");
	ASSERT_PROGRAM(", \"signals\": [{\"signal\": \"SIGINT\"}]", "programs[0].signals[0]: missing required key \"at\"");
	ASSERT_PROGRAM(", \"rlimits\": {\"cpu\": 0}", "programs[0].rlimits.cpu: must be at least 1, got 0");
	ASSERT_PROGRAM(", \"rlimits\": {\"asmb\": 10}",
	               "programs[0].rlimits: unknown key \"asmb\"; did you mean \"as_mb\"?");

	regex_t re;
	char why[160], want[400];
	int rc = regcomp(&re, "([a", REG_EXTENDED | REG_NOSUB);
	CU_ASSERT_NOT_EQUAL_FATAL(rc, 0);
	regerror(rc, &re, why, sizeof why);
	regfree(&re);
	snprintf(want, sizeof want, "programs[0].expect_stdout: not a valid regular expression: %s", why);
	ASSERT_PROGRAM(", \"expect_stdout\": \"([a\"", want);
}

static void test_program_order(void)
{
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"a\"]}, {\"role\": \"server\", \"argv\": [\"b\"]}]",
	           "programs[1].role: \"server\" is already the role of programs[0]");
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"a\"]}, "
	           "{\"role\": \"client\", \"argv\": [\"b\"], \"after\": \"srver\"}]",
	           "programs[1].after: no program has the role \"srver\"; did you mean \"server\"?");
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"a\"]}, "
	           "{\"role\": \"client\", \"argv\": [\"b\"], \"after\": \"proxy\"}]",
	           "programs[1].after: no program has the role \"proxy\"");
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"a\"], \"after\": \"server\"}]",
	           "programs[0].after: a program cannot wait for itself");
	ASSERT_TOP("\"programs\": [{\"role\": \"a\", \"argv\": [\"a\"], \"after\": \"c\"}, "
	           "{\"role\": \"b\", \"argv\": [\"b\"], \"after\": \"a\"}, "
	           "{\"role\": \"c\", \"argv\": [\"c\"], \"after\": \"b\"}]",
	           "programs[0].after: the programs wait for each other in a circle: a -> c -> b -> a");
	ASSERT_TOP("\"programs\": [{\"role\": \"a\", \"argv\": [\"a\"], \"after\": \"b\"}, "
	           "{\"role\": \"b\", \"argv\": [\"b\"], \"after\": \"c\"}, "
	           "{\"role\": \"c\", \"argv\": [\"c\"], \"after\": \"b\"}]",
	           "programs[1].after: the programs wait for each other in a circle: b -> c -> b");
	ASSERT_TOP("\"programs\": [{\"role\": \"a\", \"argv\": [\"a\"], \"after\": \"b\"}, "
	           "{\"role\": \"b\", \"argv\": [\"b\"], \"after\": \"c\"}, {\"role\": \"c\", \"argv\": [\"c\"]}]",
	           "(valid)");
	/* waiting for a program's end: the same rules, and circles through either kind of wait */
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"a\"]}, "
	           "{\"role\": \"restart\", \"argv\": [\"a\"], \"after_end\": \"server\"}, "
	           "{\"role\": \"client\", \"argv\": [\"b\"], \"after\": \"restart\", \"after_end\": \"server\"}]",
	           "(valid)");
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"a\"], \"after_end\": \"sever\"}]",
	           "programs[0].after_end: no program has the role \"sever\"; did you mean \"server\"?");
	ASSERT_TOP("\"programs\": [{\"role\": \"a\", \"argv\": [\"a\"], \"after_end\": \"a\"}]",
	           "programs[0].after_end: a program cannot wait for itself");
	ASSERT_TOP("\"programs\": [{\"role\": \"a\", \"argv\": [\"a\"], \"after\": \"b\"}, "
	           "{\"role\": \"b\", \"argv\": [\"b\"], \"after_end\": \"a\"}]",
	           "programs[0].after: the programs wait for each other in a circle: a -> b -> a");
}

static void test_faults(void)
{
	ASSERT_TOP("\"faults\": [{\"at\": 7, \"kind\": \"cut\"}]",
	           "faults: faults act on the link between two hosts: they need a veth topology");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"cut\", \"until\": 12}", "(valid)");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"cutt\"}",
	             "faults[0].kind: must be one of cut, restore, drop, netem; got \"cutt\"");
	ASSERT_FAULT("{\"kind\": \"cut\"}", "faults[0]: missing required key \"at\"");
	ASSERT_FAULT("{\"at\": -1, \"kind\": \"cut\"}", "faults[0].at: must be at least 0, got -1");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"cut\", \"until\": 5}", "faults[0].until: must be later than at (7), got 5");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"cut\", \"delay_ms\": 5}", "faults[0]: unknown key \"delay_ms\"");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"restore\", \"until\": 9}", "faults[0]: unknown key \"until\"");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"drop\", \"indx\": 2}",
	             "faults[0]: unknown key \"indx\"; did you mean \"index\"?");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"drop\", \"index\": 0}", "faults[0].index: must be at least 1, got 0");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"drop\", \"match\": \"\"}", "faults[0].match: must not be empty");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"netem\"}",
	             "faults[0]: a netem fault needs delay_ms, loss_pct or reorder_pct");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"netem\", \"loss_pct\": 150}",
	             "faults[0].loss_pct: must be at most 100, got 150");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"netem\", \"reorder_pct\": 5}",
	             "faults[0].reorder_pct: netem reorders only delayed packets: give delay_ms too");
	ASSERT_FAULT("{\"at\": 7, \"kind\": \"netem\", \"match\": \"udp\"}", "faults[0]: unknown key \"match\"");
}

/* A server program and the variants `variants`. */
#define ASSERT_VARIANT(variants, msg)                                                                 \
	ASSERT_TOP("\"programs\": [{\"role\": \"server\", \"argv\": [\"srv\"]}], \"variants\": [" variants "]", msg)
#define GOOD_VARIANT "\"name\": \"v\", \"summary\": \"s\", \"role\": \"server\", \"argv\": [\"srv\", \"-x\"]"

static void test_variants(void)
{
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\", \"reason\": \"ttl\"}]}", "(valid)");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": [{\"check\": \"tcp.fake\"}]}",
	               "variants[0].fails[0].check: no expectation of this scenario uses tcp.fake");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": []}", "variants[0].fails: must not be empty");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"ready\": \"tcp:24347\", \"fails\": [{\"check\": \"net.fake\"}]}", "(valid)");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"ready\": \"sctp:1\", \"fails\": [{\"check\": \"net.fake\"}]}",
	               "variants[0].ready: must be \"tcp:PORT\", \"udp:PORT\" or \"none\", got \"sctp:1\"");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\", \"expect\": \"expect[0]\"}]}", "(valid)");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\", \"expect\": \"expect[1]\"}]}",
	               "variants[0].fails[0].expect: no expectation at expect[1] uses net.fake");
	ASSERT_VARIANT("{" GOOD_VARIANT "}", "variants[0]: missing required key \"fails\"");
	ASSERT_VARIANT("{\"name\": \"v\", \"summary\": \"s\", \"role\": \"client\", \"argv\": [\"c\"], "
	               "\"fails\": [{\"check\": \"net.fake\"}]}",
	               "variants[0].role: no program has the role \"client\"");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\"}]}, "
	               "{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\"}]}",
	               "variants[1].name: \"v\" is already the name of variants[0]");
	ASSERT_VARIANT("{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\", \"reson\": \"x\"}]}",
	               "variants[0].fails[0]: unknown key \"reson\"; did you mean \"reason\"?");
	ASSERT_TOP("\"shows\": \"\"", "shows: must not be empty");
	/* the loaded scenario finds its variants by name */
	const char *text = "{\"name\": \"t\", \"summary\": \"s\", \"question\": \"q\", \"shows\": \"a RST\","
	                   " \"programs\": [{\"role\": \"server\", \"argv\": [\"srv\"]}],"
	                   " \"variants\": [{" GOOD_VARIANT ", \"fails\": [{\"check\": \"net.fake\"}]}],"
	                   " \"expect\": " ONE_EXPECT "}";
	CU_ASSERT_STRING_EQUAL(problem_in(text), "(valid)");
	struct wc_scenario *s = wc_scenario_load(wc_scratch("scenario.json"), errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->shows, "a RST");
	json_object *v = wc_scenario_variant(s, "v");
	CU_ASSERT_PTR_NOT_NULL(v);
	CU_ASSERT_STRING_EQUAL(wc_schema_str(v, "role", ""), "server");
	CU_ASSERT_PTR_NULL(wc_scenario_variant(s, "w"));
	wc_scenario_free(s);
}

static void test_expectations(void)
{
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"count\": 2}]", "(valid)");
	ASSERT_EXPECT("[{\"check\": \"tcp.fak\"}]", "expect[0].check: unknown check \"tcp.fak\"; did you mean \"tcp.fake\"?");
	ASSERT_EXPECT("[{\"check\": \"udp.nothing\"}]",
	              "expect[0].check: unknown check \"udp.nothing\"; doc/scenario.md lists the checks");
	ASSERT_EXPECT("[{\"check\": 3}]", "expect[0].check: expected a string, got a number");
	ASSERT_EXPECT("[{\"count\": 1}]", "expect[0]: missing required key \"check\"");
	ASSERT_EXPECT("[{\"chek\": \"tcp.fake\"}]", "expect[0]: unknown key \"chek\"; did you mean \"check\"?");
	ASSERT_EXPECT("[{\"check\": \"net.fake\"}]", "expect[0]: missing required key \"ttl\"");
	ASSERT_EXPECT("[{\"check\": \"net.fake\", \"ttl\": 0}]", "expect[0].ttl: must be at least 1, got 0");
	ASSERT_EXPECT("[{\"check\": \"net.fake\", \"ttl\": 1}, {\"check\": \"net.fake\", \"ttl\": 1, \"count\": 1}]",
	              "expect[1]: unknown key \"count\"");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\"}, {\"check\": \"tcp.fake\"}, {\"check\": \"tcp.fake\"}, "
	              "{\"check\": \"tcp.fake\", \"count\": \"two\"}]",
	              "expect[3].count: expected a whole number or an object {\"exact\"|\"min\"|\"max\": N}, got a string");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"count\": -1}]", "expect[0].count: must be at least 0, got -1");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"count\": {\"min\": 3, \"max\": 1}}]",
	              "expect[0].count: min 3 is greater than max 1");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"initiator\": \"both\"}]",
	              "expect[0].initiator: must be one of client, server; got \"both\"");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"window\": {\"from\": \"1\"}}]",
	              "expect[0].window.from: expected a number, got a string");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"window\": {\"to\": 1}}]",
	              "expect[0].window: missing required key \"from\"");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"points\": -1}]", "expect[0].points: must be at least 0, got -1");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"pionts\": 1}]",
	              "expect[0]: unknown key \"pionts\"; did you mean \"points\"?");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"vantage\": \"the-server-side-capture\"}]",
	              "expect[0].vantage: must be at most 15 bytes long, got 23");
	ASSERT_EXPECT("[{\"check\": \"tcp.fake\", \"name\": \"\"}]", "expect[0].name: must not be empty");
	ASSERT_EXPECT("[3]", "expect[0]: expected an object, got a number");
}

/* With json-c, the last of two equal keys wins (json-c has no way to report it). */
static void test_duplicate_key_last_wins(void)
{
	const char *path = wc_scratch("dup.json");
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{\"name\": \"a\", \"summary\": \"s\", \"question\": \"q\", \"name\": \"b\", \"expect\": " ONE_EXPECT "}", f);
	fclose(f);
	struct wc_scenario *s = wc_scenario_load(path, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->name, "b");
	wc_scenario_free(s);
}

static void test_doc(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	wc_scenario_doc(out);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "## Keys\n\n### Top level\n\n| key | type | default | meaning | example |\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "| `expect` | array of objects: [`expect[]`](#expect), not empty | required |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "#### `programs[].rlimits`\n\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "## Fault kinds\n\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "### `restore`\n\nThe link carries frames again.\n\nNo other keys.\n\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
		"### `net.fake`\n\na stand-in network check\n\n"
		"| key | type | default | meaning | example |\n|---|---|---|---|---|\n"
		"| `ttl` | whole number, 1 to 255 | required | IP TTL | `64` |\n"
		"| `payloads` | array of strings | — | datagram payloads |  |\n\n"
		"Example:\n\n```json\n{\"check\": \"net.fake\", \"ttl\": 64}\n```\n\n"));
	/* The TCP group comes first, and a nested argument object gets its own table. */
	char *tcp = strstr(text, "### `tcp.fake`"), *net = strstr(text, "### `net.fake`");
	CU_ASSERT_TRUE(tcp && net && tcp < net);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "#### `window`\n\n"));
	free(text);
}

static const struct wc_test scenario_tests[] = {
	{"variants: a faulty program and the checks it fails", test_variants},
	{"a file with every key reads back", test_full},
	{"a minimal file takes the defaults", test_minimal},
	{"programs' expect_* keys become expectations", test_implied},
	{"syntax errors give line and column", test_syntax},
	{"top-level keys", test_top_level},
	{"topology", test_topology},
	{"programs", test_programs},
	{"program start order", test_program_order},
	{"faults, per kind", test_faults},
	{"expectations against their check's table", test_expectations},
	{"duplicate keys: the last wins", test_duplicate_key_last_wins},
	{"the reference part of the doc", test_doc},
	{NULL, NULL},
};

static const struct wc_suite scenario_suite = {"scenario", scenario_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&scenario_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
