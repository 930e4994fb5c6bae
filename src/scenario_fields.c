/* scenario_fields.c — the field tables of the scenario format, and the rules a table alone cannot say. */
#include "scenario.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"

/* ---- value rules ---------------------------------------------------------------- */

/* Names appear in file names, report ids and `--program ROLE=…`: keep them plain. */
static int plain_name(json_object *v, const char *file, const char *path, char *errbuf)
{
	const char *s = json_object_get_string(v);
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return wc_schema_err(errbuf, file, path,
			                     "must use only a-z, 0-9 and '-', got \"%s\"", s);
	return 0;
}

static int one_line(json_object *v, const char *file, const char *path, char *errbuf)
{
	if (strpbrk(json_object_get_string(v), "\r\n"))
		return wc_schema_err(errbuf, file, path, "must be one line");
	return 0;
}

static int ip_address(json_object *v, const char *file, const char *path, char *errbuf)
{
	const char *s = json_object_get_string(v);
	unsigned char buf[16];
	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return 0;
	return wc_schema_err(errbuf, file, path, "must be an IPv4 or IPv6 address, got \"%s\"", s);
}

static bool env_name(const char *s, size_t len)
{
	if (len == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* {"NAME": "value"} or ["NAME=value"]: both are common in lab scripts. */
static int environment(json_object *v, const char *file, const char *path, char *errbuf)
{
	char sub[256];
	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, val) {
			snprintf(sub, sizeof sub, "%s.%s", path, key);
			if (!env_name(key, strlen(key)))
				return wc_schema_err(errbuf, file, sub,
				                     "not a variable name: use letters, digits and '_'");
			if (!json_object_is_type(val, json_type_string))
				return wc_schema_err(errbuf, file, sub, "expected a string, got %s",
				                     wc_schema_kind(val));
		}
		return 0;
	}
	if (!json_object_is_type(v, json_type_array))
		return wc_schema_err(errbuf, file, path,
		                     "expected an object or an array of \"NAME=VALUE\" strings, got %s",
		                     wc_schema_kind(v));
	for (size_t i = 0, n = json_object_array_length(v); i < n; i++) {
		json_object *item = json_object_array_get_idx(v, i);
		snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		if (!json_object_is_type(item, json_type_string))
			return wc_schema_err(errbuf, file, sub, "expected a string, got %s",
			                     wc_schema_kind(item));
		const char *s = json_object_get_string(item), *eq = strchr(s, '=');
		if (!eq || !env_name(s, (size_t)(eq - s)))
			return wc_schema_err(errbuf, file, sub, "must look like NAME=VALUE, got \"%s\"", s);
	}
	return 0;
}

/* "tcp:PORT", "udp:PORT" or "none"; PORT a number or the {port} placeholder. */
static int readiness(json_object *v, const char *file, const char *path, char *errbuf)
{
	const char *s = json_object_get_string(v);
	if (strcmp(s, "none") == 0)
		return 0;
	if (strncmp(s, "tcp:", 4) != 0 && strncmp(s, "udp:", 4) != 0)
		return wc_schema_err(errbuf, file, path,
		                     "must be \"tcp:PORT\", \"udp:PORT\" or \"none\", got \"%s\"", s);
	const char *port = s + 4;
	if (strcmp(port, "{port}") == 0)
		return 0;
	char *end;
	long n = strtol(port, &end, 10);
	if (!isdigit((unsigned char)*port) || *end || n < 1 || n > 65535)
		return wc_schema_err(errbuf, file, path,
		                     "the port must be a number from 1 to 65535 or {port}, got \"%s\"", port);
	return 0;
}

static int known_check(json_object *v, const char *file, const char *path, char *errbuf)
{
	const char *name = json_object_get_string(v);
	if (wc_check_find(name))
		return 0;
	size_t n = wc_check_count();
	const char **names = calloc(n + 1, sizeof *names);
	if (!names)
		return wc_schema_err(errbuf, file, path, "unknown check \"%s\"", name);
	for (size_t i = 0; i < n; i++)
		names[i] = wc_check_at(i)->name;
	const char *near = wc_schema_nearest(name, names);
	if (near)
		wc_schema_err(errbuf, file, path, "unknown check \"%s\"; did you mean \"%s\"?", name, near);
	else
		wc_schema_err(errbuf, file, path,
		              "unknown check \"%s\"; doc/scenario.md lists the checks", name);
	free(names);
	return -1;
}

/* ---- variants --------------------------------------------------------------------- */

static const struct wc_field *fault_keys(json_object *fault)
{
	const char *kind = wc_schema_str(fault, "kind", "");
	for (const struct wc_fault_kind *k = wc_fault_kinds; k->name; k++)
		if (strcmp(k->name, kind) == 0)
			return k->fields;
	return NULL;
}

static const struct wc_field *check_keys(json_object *expect)
{
	const struct wc_check_def *def = wc_check_find(wc_schema_str(expect, "check", ""));
	return def ? def->args : NULL;
}

/* ---- tables ------------------------------------------------------------------------ */

#define SECONDS(lo) .type = WC_F_NUMBER, .min = (lo), .max = 86400

static const char *const topology_kinds[] = {"loopback", "veth", NULL};
static const char *const host_names[] = {"client", "server", NULL};
static const char *const signal_names[] = {
	"SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGPIPE", "SIGALRM",
	"SIGTERM", "SIGCONT", "SIGSTOP", NULL,
};
static const char *const fault_kind_names[] = {"cut", "restore", "drop", "netem", NULL};

static const struct wc_field address_fields[] = {
	{.key = "client", .type = WC_F_STRING, .check = ip_address,
	 .default_text = "10.0.0.1 on veth, 127.0.0.1 on loopback",
	 .doc = "the client host's address; fills {client}", .example = "\"10.0.0.1\""},
	{.key = "server", .type = WC_F_STRING, .check = ip_address,
	 .default_text = "10.0.0.2 on veth, 127.0.0.1 on loopback",
	 .doc = "the server host's address; fills {server}", .example = "\"10.0.0.2\""},
	{.key = NULL},
};

static const struct wc_field topology_fields[] = {
	{.key = "kind", .type = WC_F_STRING, .enum_values = topology_kinds, .default_text = "\"loopback\"",
	 .doc = "loopback: one host, captured on lo; veth: a client host and a server host joined "
	        "through a link namespace, each host captured",
	 .example = "\"veth\""},
	{.key = "offload", .type = WC_F_BOOL, .default_text = "false",
	 .doc = "veth only: keep transmit checksum and segmentation offload, so captured checksums "
	        "are partial and segments may exceed the MTU; false gives real checksums and "
	        "MTU-sized segments",
	 .example = "true"},
	{.key = "mtu", .type = WC_F_INT, .min = 68, .max = 65536,
	 .default_text = "65536 on loopback, 1500 on veth",
	 .doc = "the MTU of the captured interfaces", .example = "1500"},
	{.key = "addresses", .type = WC_F_OBJECT, .fields = address_fields,
	 .default_text = "see its keys", .doc = "the hosts' addresses, inside the namespaces only",
	 .example = "{\"client\": \"10.0.0.1\", \"server\": \"10.0.0.2\"}"},
	{.key = NULL},
};

static const struct wc_field signal_fields[] = {
	{.key = "at", SECONDS(0), .required = true,
	 .doc = "seconds after the program started, scaled by time_scale", .example = "2.5"},
	{.key = "signal", .type = WC_F_STRING, .required = true, .enum_values = signal_names,
	 .doc = "the signal sent to the program's process group", .example = "\"SIGTERM\""},
	{.key = NULL},
};

static const struct wc_field rlimit_fields[] = {
	{.key = "cpu", .type = WC_F_INT, .min = 1, .max = 86400, .default_text = "the runner's",
	 .doc = "CPU seconds (RLIMIT_CPU)", .example = "5"},
	{.key = "as_mb", .type = WC_F_INT, .min = 1, .max = 1048576, .default_text = "the runner's",
	 .doc = "address space in MiB (RLIMIT_AS)", .example = "256"},
	{.key = "nproc", .type = WC_F_INT, .min = 1, .max = 100000, .default_text = "the runner's",
	 .doc = "processes of its user in its namespaces (RLIMIT_NPROC)", .example = "20"},
	{.key = "nofile", .type = WC_F_INT, .min = 3, .max = 1048576, .default_text = "the runner's",
	 .doc = "open files (RLIMIT_NOFILE)", .example = "64"},
	{.key = NULL},
};

static const struct wc_field program_fields[] = {
	{.key = "role", .type = WC_F_STRING, .required = true, .min = 1, .max = 15,
	 .check = plain_name,
	 .doc = "the program's name in this scenario, unique; `after`, `--program ROLE=COMMAND` "
	        "and reports use it",
	 .example = "\"server\""},
	{.key = "argv", .type = WC_F_STRINGS, .required = true, .min = 1, .max = WC_NO_LIMIT,
	 .doc = "the command and its arguments, run without a shell; {port}, {server} and "
	        "{client} are filled in",
	 .example = "[\"tcp-server\", \"--port\", \"{port}\"]"},
	{.key = "host", .type = WC_F_STRING, .enum_values = host_names,
	 .default_text = "server for a role that begins with \"server\", otherwise client",
	 .doc = "veth only: the host it runs on", .example = "\"server\""},
	{.key = "cwd", .type = WC_F_STRING, .min = 1, .max = WC_NO_LIMIT,
	 .default_text = "the run's scratch directory", .doc = "its working directory",
	 .example = "\"/tmp\""},
	{.key = "env", .type = WC_F_ANY, .check = environment,
	 .type_doc = "object of strings, or array of \"NAME=VALUE\" strings", .default_text = "{}",
	 .doc = "environment variables set for it", .example = "{\"LANG\": \"C\"}"},
	{.key = "stdin", .type = WC_F_STRING, .default_text = "empty: it reads end of file",
	 .doc = "text given on its standard input", .example = "\"hello\\n\""},
	{.key = "after", .type = WC_F_STRING, .check = plain_name, .default_text = "start at once",
	 .doc = "the role that must be ready (see `ready`) before this one starts",
	 .example = "\"server\""},
	{.key = "after_end", .type = WC_F_STRING, .check = plain_name, .default_text = "start at once",
	 .doc = "the role that must have ended (exited, or been stopped at its time limit) before this one "
	        "starts, with `after` too when both are given: a restart, a second run",
	 .example = "\"server\""},
	{.key = "ready", .type = WC_F_STRING, .check = readiness, .default_text = "\"none\"",
	 .doc = "when it counts as ready for programs that start after it: tcp:PORT once a "
	        "socket listens on PORT in its namespace, udp:PORT once one is bound to it, none "
	        "as soon as it started; PORT may be {port}",
	 .example = "\"tcp:{port}\""},
	{.key = "delay", SECONDS(0), .default_text = "0",
	 .doc = "seconds to wait before starting it (once `after` is ready), scaled by time_scale",
	 .example = "0.5"},
	{.key = "signals", .type = WC_F_OBJECTS, .fields = signal_fields, .default_text = "[]",
	 .doc = "signals sent to it while it runs", .example = "[{\"at\": 3, \"signal\": \"SIGKILL\"}]"},
	{.key = "expect_exit", .type = WC_F_INT, .min = 0, .max = 255, .default_text = "not checked",
	 .doc = "the exit status it must end with; killed by a signal, it has none and fails this",
	 .example = "0"},
	{.key = "expect_stdout", .type = WC_F_STRING, .check = wc_schema_regex,
	 .default_text = "not checked",
	 .doc = "a POSIX extended regular expression found somewhere in its standard output",
	 .example = "\"^echo: 3 lines\""},
	{.key = "expect_stderr", .type = WC_F_STRING, .check = wc_schema_regex,
	 .default_text = "not checked",
	 .doc = "a POSIX extended regular expression found somewhere in its standard error",
	 .example = "\"Connection refused\""},
	{.key = "time_limit", .type = WC_F_NUMBER, .min = 0.001, .max = 86400, .default_text = "10",
	 .doc = "seconds it may run before it is stopped (SIGTERM, then SIGKILL); not scaled",
	 .example = "5"},
	{.key = "rlimits", .type = WC_F_OBJECT, .fields = rlimit_fields, .default_text = "{}",
	 .doc = "resource limits", .example = "{\"cpu\": 5, \"nproc\": 20}"},
	{.key = NULL},
};

static const struct wc_field fault_fields[] = {
	{.key = "at", SECONDS(0), .required = true,
	 .doc = "seconds from the start of the run, scaled by time_scale", .example = "7"},
	{.key = "kind", .type = WC_F_STRING, .required = true, .enum_values = fault_kind_names,
	 .doc = "what happens on the link: see [fault kinds](#fault-kinds)", .example = "\"cut\""},
	{.key = NULL},
};

static const struct wc_field cut_fields[] = {
	{.key = "until", SECONDS(0), .default_text = "a later restore, or the end of the run",
	 .doc = "seconds from the start of the run when the link comes back", .example = "12"},
	{.key = NULL},
};

static const struct wc_field drop_fields[] = {
	{.key = "until", SECONDS(0), .default_text = "the end of the run",
	 .doc = "seconds from the start of the run when dropping stops", .example = "12"},
	{.key = "match", .type = WC_F_STRING, .min = 1, .max = WC_NO_LIMIT,
	 .default_text = "every packet",
	 .doc = "which packets: terms joined by \"and\": ip, ip6, tcp, udp, icmp, icmp6, [src|dst] port N, "
	 "[src|dst] host ADDR (no direction: either); placeholders are filled in",
	 .example = "\"udp and dst port {port}\""},
	{.key = "index", .type = WC_F_INT, .min = 1, .max = WC_NO_LIMIT, .default_text = "every one",
	 .doc = "drop only the Nth packet (from 1) crossing the link after `at` (that matches)",
	 .example = "3"},
	{.key = NULL},
};

static const struct wc_field netem_fields[] = {
	{.key = "until", SECONDS(0), .default_text = "the end of the run",
	 .doc = "seconds from the start of the run when the link is normal again", .example = "12"},
	{.key = "delay_ms", .type = WC_F_INT, .min = 0, .max = 60000, .default_text = "0",
	 .doc = "delay added to every packet, in milliseconds", .example = "100"},
	{.key = "loss_pct", .type = WC_F_NUMBER, .min = 0, .max = 100, .default_text = "0",
	 .doc = "percentage of packets lost at random", .example = "10"},
	{.key = "reorder_pct", .type = WC_F_NUMBER, .min = 0, .max = 100, .default_text = "0",
	 .doc = "percentage of packets sent at once, ahead of delayed ones; needs delay_ms",
	 .example = "25"},
	{.key = NULL},
};

const struct wc_fault_kind wc_fault_kinds[] = {
	{"cut", "The link stops carrying frames while both hosts keep carrier, as a cable cut "
	        "between two switches", cut_fields},
	{"restore", "The link carries frames again", NULL},
	{"drop", "The link drops the packets that match, or only the Nth of them", drop_fields},
	{"netem", "Delay, loss or reordering on the link (tc netem; a kernel without netem makes "
	          "the run inconclusive)", netem_fields},
	{NULL, NULL, NULL},
};

static const struct wc_field fails_fields[] = {
	{.key = "check", .type = WC_F_STRING, .required = true, .check = known_check,
	 .doc = "a check of the scenario's expectations that this variant makes fail",
	 .example = "\"port.byteorder\""},
	{.key = "reason", .type = WC_F_STRING, .min = 1, .max = 400, .default_text = "any reason",
	 .doc = "words the failure's reason holds: the mistake, named", .example = "\"byte-swapped\""},
	{.key = "expect", .type = WC_F_STRING, .min = 1, .max = 31, .default_text = "any expectation using the check",
	 .doc = "which expectation, by its path, when several use the check", .example = "\"expect[7]\""},
	{.key = NULL},
};

static const struct wc_field variant_fields[] = {
	{.key = "name", .type = WC_F_STRING, .required = true, .min = 1, .max = 31, .check = plain_name,
	 .doc = "its name, unique in the scenario: `wirecheck run --variant NAME`", .example = "\"no-htons\""},
	{.key = "summary", .type = WC_F_STRING, .required = true, .min = 1, .max = 200, .check = one_line,
	 .doc = "the mistake, in one line", .example = "\"the server forgets htons() on its port\""},
	{.key = "role", .type = WC_F_STRING, .required = true, .check = plain_name,
	 .doc = "the program it replaces", .example = "\"server\""},
	{.key = "argv", .type = WC_F_STRINGS, .required = true, .min = 1, .max = WC_NO_LIMIT,
	 .doc = "the faulty command, placeholders filled as in programs", 
	 .example = "[\"tcp-server\", \"--port\", \"{port}\", \"--no-htons\"]"},
	{.key = "ready", .type = WC_F_STRING, .check = readiness, .default_text = "the program's",
	 .doc = "when the faulty program counts as ready, where it differs from the one it replaces",
	 .example = "\"tcp:24347\""},
	{.key = "fails", .type = WC_F_OBJECTS, .required = true, .min = 1, .max = WC_NO_LIMIT,
	 .fields = fails_fields, .doc = "the checks it must fail, and the words of their reasons",
	 .example = "[{\"check\": \"port.byteorder\", \"reason\": \"byte-swapped\"}]"},
	{.key = NULL},
};

static const struct wc_field expect_fields[] = {
	{.key = "check", .type = WC_F_STRING, .required = true, .check = known_check,
	 .doc = "the check that judges it: see [checks](#checks); its own arguments sit beside "
	        "these keys",
	 .example = "\"tcp.handshake\""},
	{.key = "points", .type = WC_F_NUMBER, .min = 0, .max = 1000, .default_text = "1",
	 .doc = "points earned when it passes", .example = "2"},
	{.key = "name", .type = WC_F_STRING, .min = 1, .max = 159,
	 .default_text = "the check's summary", .doc = "the label reports show for it",
	 .example = "\"the client opens the connection\""},
	{.key = "vantage", .type = WC_F_STRING, .min = 1, .max = 15, .check = plain_name,
	 .default_text = "the only capture, or the first",
	 .doc = "the tag of the capture it judges: client or server on veth, or a tag given to "
	        "`wirecheck check TAG=CAPTURE`",
	 .example = "\"server\""},
	{.key = NULL},
};

const struct wc_field wc_scenario_fields[] = {
	{.key = "name", .type = WC_F_STRING, .required = true, .min = 1, .max = 63,
	 .check = plain_name, .doc = "the scenario's name in reports and file names",
	 .example = "\"tcp-echo\""},
	{.key = "summary", .type = WC_F_STRING, .required = true, .min = 1, .max = 200,
	 .check = one_line, .doc = "one line: what the experiment shows",
	 .example = "\"a TCP echo: handshake, data echoed, FIN teardown\""},
	{.key = "question", .type = WC_F_STRING, .required = true, .min = 1, .max = WC_NO_LIMIT,
	 .doc = "the lab question it answers",
	 .example = "\"Which side ends in TIME_WAIT, and why?\""},
	{.key = "shows", .type = WC_F_STRING, .min = 1, .max = WC_NO_LIMIT, .default_text = "nothing",
	 .doc = "what a capture of the reference run shows, in a few sentences, for the catalogue",
	 .example = "\"The client's SYN is answered by RST,ACK at once.\""},
	{.key = "topology", .type = WC_F_OBJECT, .fields = topology_fields,
	 .default_text = "{\"kind\": \"loopback\"}", .doc = "the hosts of a live run and their link",
	 .example = "{\"kind\": \"veth\", \"offload\": false}"},
	{.key = "port", .type = WC_F_INT, .min = 1, .max = 65535, .default_text = "7007",
	 .doc = "the server port of a live run: fills {port} (`wirecheck run --set port=N` overrides it)",
	 .example = "7007"},
	{.key = "time_scale", .type = WC_F_NUMBER, .min = 0.001, .max = 1000, .default_text = "1",
	 .doc = "multiplies every scenario time (at, until, delay), so a 7-12 s cut can run as 0.7-1.2 s",
	 .example = "0.1"},
	{.key = "programs", .type = WC_F_OBJECTS, .fields = program_fields, .default_text = "[]",
	 .doc = "what a live run starts; `wirecheck check` only validates them",
	 .example = "[{\"role\": \"server\", \"argv\": [\"tcp-server\"], \"ready\": \"tcp:7007\"}]"},
	{.key = "faults", .type = WC_F_OBJECTS, .fields = fault_fields, .variant = fault_keys,
	 .default_text = "[]", .doc = "what happens to the link during a live run (veth only)",
	 .example = "[{\"at\": 7, \"kind\": \"cut\", \"until\": 12}]"},
	{.key = "variants", .type = WC_F_OBJECTS, .fields = variant_fields, .default_text = "[]",
	 .doc = "faulty versions of a program, each with the checks it must fail: the classic "
	        "mistakes the scenario catches (`wirecheck run --variant NAME`)",
	 .example = "[{\"name\": \"no-htons\", \"summary\": \"…\", \"role\": \"server\", \"argv\": […], "
	            "\"fails\": [{\"check\": \"port.byteorder\"}]}]"},
	{.key = "expect", .type = WC_F_OBJECTS, .required = true, .min = 1, .max = WC_NO_LIMIT,
	 .fields = expect_fields, .variant = check_keys,
	 .doc = "what must be seen on the wire, one check each",
	 .example = "[{\"check\": \"tcp.handshake\", \"count\": 1}]"},
	{.key = NULL},
};
