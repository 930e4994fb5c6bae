/* test_runrec_json.c — the run record saved as run.json and read back: every field equal
 * after the round trip (output with NULs and broken UTF-8, traces re-read, capture counts),
 * paths relative to the record's directory (the directory can be moved), every malformed
 * key named by its JSON path; and the base64 underneath. */
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runrec.h"
#include "unit.h"

static char errbuf[WC_ERRBUF_SIZE];

/* A scratch directory of the build tree, made afresh (files in it removed). */
static const char *fresh_dir(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s", wc_scratch(name));
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	CU_ASSERT_EQUAL(system(cmd), 0);
	CU_ASSERT_EQUAL(mkdir(out, 0755), 0);
	return out;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	CU_ASSERT_EQUAL(fclose(f), 0);
}

/* The text of a whole file, in a static buffer. */
static const char *file_text(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A hello, a UDP socket, and a recvfrom that read 50 of a 100-byte datagram. */
static const char trace_text[] =
	"1000\t42\t42\thello\t-1\t0\t0\tv=1\tppid=1\treal=5\texe=udp-server\n"
	"2000\t42\t42\tsocket\t3\t3\t0\tkind=udp\tdomain=2\ttype=0x2\tproto=0\n"
	"3000\t42\t42\trecvfrom\t3\t50\t0\tkind=udp\treq=50\tdgram=100\tflags=0x0\tpeer=127.0.0.1:5000\n";

/* What the server wrote on stderr: a NUL, a byte that is no UTF-8, and text. */
static const char server_err[] = "warn\0\xff\xfe end\n";
#define SERVER_ERR_LEN (sizeof server_err - 1)
/* UTF-8 with control characters JSON escapes, but no NUL: stays text. */
static const char client_err[] = "tab\there \x01 caf\xc3\xa9 \xf0\x9f\x93\xa6\n";

/* A record with two roles and two capture points; dir holds server.trace and the client's
 * capture, the server's capture lies outside it. */
static void build(struct wc_run_record *rec, const char *dir)
{
	char path[PATH_MAX];
	*rec = (struct wc_run_record){0};
	snprintf(rec->port, sizeof rec->port, "7007");
	snprintf(rec->server, sizeof rec->server, "10.0.0.2");
	snprintf(rec->client, sizeof rec->client, "10.0.0.1");
	struct wc_run_role *r = wc_run_add_role(rec, "server", "udp-server", errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r->started = true;
	r->exited = true;
	r->exit_status = 0;
	r->wall_secs = 1.25;
	CU_ASSERT_EQUAL(wc_run_output_set(&r->out, "got 3 datagrams\n", 16, 0, errbuf), 0);
	CU_ASSERT_EQUAL(wc_run_output_set(&r->err, server_err, SERVER_ERR_LEN, 120, errbuf), 0);
	r->procs_left = 0;
	r->zombies = 0;
	r->pid_ns = true;
	r->traced = true;
	snprintf(path, sizeof path, "%s/server.trace", dir);
	write_file(path, trace_text);
	r->trace_path = strdup(path);
	CU_ASSERT_EQUAL_FATAL(wc_trace_load(path, &r->trace, errbuf), 0);

	r = wc_run_add_role(rec, "client", "udp-client", errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	snprintf(r->note, sizeof r->note, "started 0.5 s late: the server was slow to bind");
	r->started = true;
	r->term_signal = 9;
	r->timed_out = true;
	r->wall_secs = 5.000001;
	CU_ASSERT_EQUAL(wc_run_output_set(&r->err, client_err, strlen(client_err), 0, errbuf), 0);
	r->procs_left = 2;
	r->zombies = 1;

	snprintf(path, sizeof path, "%s/client.pcap", dir);
	struct wc_run_capture *c = wc_run_add_capture(rec, "client", path, errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->cap = (struct wc_livecap_result){.received = 4000, .dropped = 12, .written = 3988, .conclusive = false};
	snprintf(c->cap.reason, sizeof c->cap.reason, "the kernel dropped 12 of 4000 captured packets (capture buffer full)");
	c = wc_run_add_capture(rec, "server", wc_fixture("checks/udp-echo-lo.pcap"), errbuf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	c->cap = (struct wc_livecap_result){.received = 6, .dropped = 0, .written = 6, .conclusive = true};
}

static void same_output(const struct wc_run_output *a, const struct wc_run_output *b)
{
	CU_ASSERT_EQUAL(a->len, b->len);
	CU_ASSERT_EQUAL(a->dropped, b->dropped);
	CU_ASSERT_EQUAL(a->bytes == NULL, b->bytes == NULL);
	if (a->bytes && b->bytes && a->len == b->len)
		CU_ASSERT_EQUAL(memcmp(a->bytes, b->bytes, a->len), 0);
}

/* Every field of b equals a's; trace paths compared as given. */
static void same_record(const struct wc_run_record *a, const struct wc_run_record *b)
{
	CU_ASSERT_STRING_EQUAL(a->port, b->port);
	CU_ASSERT_STRING_EQUAL(a->server, b->server);
	CU_ASSERT_STRING_EQUAL(a->client, b->client);
	CU_ASSERT_EQUAL_FATAL(a->role_count, b->role_count);
	for (size_t i = 0; i < a->role_count; i++) {
		const struct wc_run_role *x = &a->roles[i], *y = &b->roles[i];
		CU_ASSERT_STRING_EQUAL(x->role, y->role);
		CU_ASSERT_STRING_EQUAL(x->argv0, y->argv0);
		CU_ASSERT_EQUAL(x->started, y->started);
		CU_ASSERT_STRING_EQUAL(x->note, y->note);
		CU_ASSERT_EQUAL(x->exited, y->exited);
		CU_ASSERT_EQUAL(x->exit_status, y->exit_status);
		CU_ASSERT_EQUAL(x->term_signal, y->term_signal);
		CU_ASSERT_EQUAL(x->timed_out, y->timed_out);
		CU_ASSERT_EQUAL(x->stopped, y->stopped);
		CU_ASSERT_EQUAL(x->wall_secs, y->wall_secs);
		same_output(&x->out, &y->out);
		same_output(&x->err, &y->err);
		CU_ASSERT_EQUAL(x->procs_left, y->procs_left);
		CU_ASSERT_EQUAL(x->zombies, y->zombies);
		CU_ASSERT_EQUAL(x->pid_ns, y->pid_ns);
		CU_ASSERT_EQUAL(x->traced, y->traced);
		CU_ASSERT_EQUAL(x->trace_path == NULL, y->trace_path == NULL);
		if (x->trace_path && y->trace_path)
			CU_ASSERT_STRING_EQUAL(x->trace_path, y->trace_path);
		CU_ASSERT_EQUAL_FATAL(x->trace.count, y->trace.count);
		for (size_t k = 0; k < x->trace.count; k++)
			CU_ASSERT_EQUAL(memcmp(&x->trace.calls[k], &y->trace.calls[k], sizeof x->trace.calls[k]), 0);
	}
	CU_ASSERT_EQUAL_FATAL(a->cap_count, b->cap_count);
	for (size_t i = 0; i < a->cap_count; i++) {
		const struct wc_run_capture *x = &a->caps[i], *y = &b->caps[i];
		CU_ASSERT_STRING_EQUAL(x->tag, y->tag);
		CU_ASSERT_STRING_EQUAL(x->path, y->path);
		CU_ASSERT_EQUAL(x->cap.received, y->cap.received);
		CU_ASSERT_EQUAL(x->cap.dropped, y->cap.dropped);
		CU_ASSERT_EQUAL(x->cap.written, y->cap.written);
		CU_ASSERT_EQUAL(x->cap.conclusive, y->cap.conclusive);
		CU_ASSERT_STRING_EQUAL(x->cap.reason, y->cap.reason);
	}
}

static void test_round_trip(void)
{
	char dir[PATH_MAX], json[PATH_MAX + 16], real[PATH_MAX];
	fresh_dir("rr-trip", dir, sizeof dir);
	snprintf(json, sizeof json, "%s/run.json", dir);
	struct wc_run_record a, b;
	build(&a, dir);
	CU_ASSERT_EQUAL_FATAL(wc_run_record_save(&a, json, errbuf), 0);

	/* what the file says: paths inside the directory relative, others absolute; output
	 * that is not plain text in base64 */
	const char *text = file_text(json);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"format\": 1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"trace\": \"server.trace\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"trace\": null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"path\": \"client.pcap\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"text\": \"got 3 datagrams\\n\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"base64\": \"d2FybgD//iBlbmQK\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"text\": \"tab\\there \\u0001 caf\xc3\xa9 \xf0\x9f\x93\xa6\\n\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"dropped\": 120"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"wall_secs\": 1.25"));
	char want[PATH_MAX + 32];
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(wc_fixture("checks/udp-echo-lo.pcap"), real));
	snprintf(want, sizeof want, "\"path\": \"%s\"", real);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, want));

	CU_ASSERT_EQUAL_FATAL(wc_run_record_load(json, &b, errbuf), 0);
	/* the server's capture comes back as its real path */
	free(a.caps[1].path);
	a.caps[1].path = strdup(real);
	same_record(&a, &b);
	CU_ASSERT_EQUAL(b.roles[0].trace.count, 3);
	CU_ASSERT_EQUAL(b.roles[0].trace.calls[2].dgram, 100);
	CU_ASSERT_EQUAL(b.roles[0].err.bytes[SERVER_ERR_LEN], '\0');
	/* nothing written stays nothing */
	CU_ASSERT_PTR_NULL(b.roles[1].out.bytes);
	CU_ASSERT_PTR_NULL(b.roles[1].trace.calls);
	wc_run_record_free(&a);
	wc_run_record_free(&b);

	/* an empty record */
	CU_ASSERT_EQUAL_FATAL(wc_run_record_save(&a, json, errbuf), 0);
	CU_ASSERT_EQUAL_FATAL(wc_run_record_load(json, &b, errbuf), 0);
	CU_ASSERT_EQUAL(b.role_count, 0);
	CU_ASSERT_EQUAL(b.cap_count, 0);
	wc_run_record_free(&b);
}

/* The directory moved as a whole still reads, and a relative record path gives paths
 * relative to the same place. */
static void test_moved_and_relative(void)
{
	char dir[PATH_MAX], moved[PATH_MAX], json[PATH_MAX + 16], want[PATH_MAX + 32];
	fresh_dir("rr-move", dir, sizeof dir);
	fresh_dir("rr-moved", moved, sizeof moved);
	CU_ASSERT_EQUAL_FATAL(rmdir(moved), 0);
	struct wc_run_record a, b;
	build(&a, dir);
	snprintf(json, sizeof json, "%s/run.json", dir);
	CU_ASSERT_EQUAL_FATAL(wc_run_record_save(&a, json, errbuf), 0);
	wc_run_record_free(&a);
	CU_ASSERT_EQUAL_FATAL(rename(dir, moved), 0);

	snprintf(json, sizeof json, "%s/run.json", moved);
	CU_ASSERT_EQUAL_FATAL(wc_run_record_load(json, &b, errbuf), 0);
	snprintf(want, sizeof want, "%s/server.trace", moved);
	CU_ASSERT_STRING_EQUAL(b.roles[0].trace_path, want);
	CU_ASSERT_EQUAL(b.roles[0].trace.count, 3);
	snprintf(want, sizeof want, "%s/client.pcap", moved);
	CU_ASSERT_STRING_EQUAL(b.caps[0].path, want);
	wc_run_record_free(&b);

	/* from the directory above, and from inside it */
	char cwd[PATH_MAX];
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof cwd));
	CU_ASSERT_EQUAL_FATAL(chdir(moved), 0);
	CU_ASSERT_EQUAL(chdir(".."), 0);
	CU_ASSERT_EQUAL(wc_run_record_load("rr-moved/run.json", &b, errbuf), 0);
	CU_ASSERT_STRING_EQUAL(b.roles[0].trace_path, "rr-moved/server.trace");
	CU_ASSERT_EQUAL(b.roles[0].trace.count, 3);
	CU_ASSERT_STRING_EQUAL(b.caps[0].path, "rr-moved/client.pcap");
	wc_run_record_free(&b);
	CU_ASSERT_EQUAL(chdir("rr-moved"), 0);
	CU_ASSERT_EQUAL(wc_run_record_load("run.json", &b, errbuf), 0);
	CU_ASSERT_STRING_EQUAL(b.roles[0].trace_path, "server.trace");
	CU_ASSERT_STRING_EQUAL(b.caps[0].path, "client.pcap");
	wc_run_record_free(&b);

	/* saved from inside with relative paths: still relative to the record */
	struct wc_run_record c = {0};
	CU_ASSERT_PTR_NOT_NULL_FATAL(wc_run_add_capture(&c, "", "./lo.pcap", errbuf));
	CU_ASSERT_EQUAL(wc_run_record_save(&c, "../rr-moved/again.json", errbuf), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(file_text("again.json"), "\"path\": \"lo.pcap\""));
	wc_run_record_free(&c);
	CU_ASSERT_EQUAL(chdir(cwd), 0);

	errbuf[0] = '\0';
	CU_ASSERT_EQUAL(wc_run_record_save(&c, "/nonexistent/dir/run.json", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "cannot write the run record /nonexistent/dir/run.json: No such file or directory");
}

/* ---- malformed records ------------------------------------------------------------------ */

static char bad_dir[PATH_MAX];
static const char REMOVE[] = "(remove)";

/* The good record's JSON with `key` of one object set to `value` (JSON text; REMOVE
 * deletes it). The object: the top level (list NULL), list[idx], or its member sub. Returns
 * the load's message with "FILE: " taken off. */
static const char *problem(const char *list, int idx, const char *sub, const char *key, const char *value)
{
	static char msg[WC_ERRBUF_SIZE];
	char good[PATH_MAX + 16], bad[PATH_MAX + 16];
	snprintf(good, sizeof good, "%s/run.json", bad_dir);
	snprintf(bad, sizeof bad, "%s/bad.json", bad_dir);
	json_object *root = json_object_from_file(good);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	json_object *obj = root, *v;
	if (list) {
		CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(root, list, &v));
		obj = json_object_array_get_idx(v, (size_t)idx);
	}
	if (sub)
		CU_ASSERT_TRUE_FATAL(json_object_object_get_ex(obj, sub, &obj));
	if (value == REMOVE) {
		json_object_object_del(obj, key);
	} else {
		v = json_tokener_parse(value);
		CU_ASSERT_TRUE_FATAL(v || strcmp(value, "null") == 0);
		json_object_object_add(obj, key, v);
	}
	CU_ASSERT_EQUAL_FATAL(json_object_to_file(bad, root), 0);
	json_object_put(root);
	struct wc_run_record rec;
	errbuf[0] = '\0';
	if (wc_run_record_load(bad, &rec, errbuf) == 0) {
		wc_run_record_free(&rec);
		return "(valid)";
	}
	/* nothing is left behind on failure */
	CU_ASSERT_PTR_NULL(rec.roles);
	CU_ASSERT_EQUAL(rec.role_count, 0);
	CU_ASSERT_PTR_NULL(rec.caps);
	size_t n = strlen(bad);
	if (strncmp(errbuf, bad, n) == 0 && strncmp(errbuf + n, ": ", 2) == 0)
		snprintf(msg, sizeof msg, "%s", errbuf + n + 2);
	else
		snprintf(msg, sizeof msg, "(no file name) %s", errbuf);
	return msg;
}

/* Load text written as the record file; the message without the file name. */
static const char *problem_text(const char *text)
{
	static char msg[WC_ERRBUF_SIZE];
	char bad[PATH_MAX + 16];
	snprintf(bad, sizeof bad, "%s/bad.json", bad_dir);
	write_file(bad, text);
	struct wc_run_record rec;
	if (wc_run_record_load(bad, &rec, errbuf) == 0) {
		wc_run_record_free(&rec);
		return "(valid)";
	}
	size_t n = strlen(bad);
	snprintf(msg, sizeof msg, "%s", strncmp(errbuf, bad, n) == 0 ? errbuf + n + 2 : errbuf);
	return msg;
}

static void test_malformed(void)
{
	char json[PATH_MAX + 16];
	fresh_dir("rr-bad", bad_dir, sizeof bad_dir);
	snprintf(json, sizeof json, "%s/run.json", bad_dir);
	struct wc_run_record a;
	build(&a, bad_dir);
	CU_ASSERT_EQUAL_FATAL(wc_run_record_save(&a, json, errbuf), 0);
	wc_run_record_free(&a);

	CU_ASSERT_STRING_EQUAL(problem(NULL, 0, NULL, "format", "1"), "(valid)");
	CU_ASSERT_STRING_EQUAL(problem(NULL, 0, NULL, "format", "2"), "format: must be at most 1, got 2");
	CU_ASSERT_STRING_EQUAL(problem(NULL, 0, NULL, "format", REMOVE), "missing required key \"format\"");
	CU_ASSERT_STRING_EQUAL(problem(NULL, 0, NULL, "roles", "{}"), "roles: expected an array of objects, got an object");
	CU_ASSERT_STRING_EQUAL(problem(NULL, 0, NULL, "captures", "[3]"), "captures[0]: expected an object, got a number");
	CU_ASSERT_STRING_EQUAL(problem(NULL, 0, NULL, "colour", "1"), "unknown key \"colour\"");
	CU_ASSERT_STRING_EQUAL(problem("roles", 1, NULL, "exit_status", "\"0\""),
	                       "roles[1].exit_status: expected a whole number, got a string");
	CU_ASSERT_STRING_EQUAL(problem("roles", 1, NULL, "exit_status", "256"), "roles[1].exit_status: must be at most 255, got 256");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "exited", "1"), "roles[0].exited: expected true or false, got a number");
	CU_ASSERT_STRING_EQUAL(problem("roles", 1, NULL, "started", REMOVE), "roles[1]: missing required key \"started\"");
	CU_ASSERT_STRING_EQUAL(problem("roles", 1, NULL, "note", "null"), "roles[1].note: expected a string, got null");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "term_signal", "65"), "roles[0].term_signal: must be at most 64, got 65");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "wall_secs", "-1"), "roles[0].wall_secs: must be at least 0, got -1");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "zombies", REMOVE), "roles[0]: missing required key \"zombies\"");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "zombie", "0"), "roles[0]: unknown key \"zombie\"; did you mean \"zombies\"?");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "procs_left", "1.5"), "roles[0].procs_left: expected a whole number, got 1.5");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "role", "\"\""), "roles[0].role: must not be empty");
	CU_ASSERT_STRING_EQUAL(problem("roles", 1, NULL, "role", "\"server\""), "roles[1].role: \"server\" is already the role of roles[0]");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "stdout", "\"hi\""), "roles[0].stdout: expected an object, got a string");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, "stdout", "base64", "\"aGk=\""),
	                       "roles[0].stdout: holds both \"text\" and \"base64\": give one");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, "stdout", "text", REMOVE),
	                       "roles[0].stdout: missing required key \"text\" (or \"base64\")");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, "stdout", "dropped", REMOVE), "roles[0].stdout: missing required key \"dropped\"");
	static const char *const not_base64[] = {"\"AA=A\"", "\"AB==\"", "\"abc\"", "\"Zm9-\"", "\"Zm9vY===\""};
	for (size_t i = 0; i < sizeof not_base64 / sizeof not_base64[0]; i++)
		CU_ASSERT_STRING_EQUAL(problem("roles", 0, "stderr", "base64", not_base64[i]),
		                       "roles[0].stderr.base64: not base64 (RFC 4648, padded with '=')");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "trace", "5"), "roles[0].trace: expected a file name or null, got a number");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "trace", "\"\""), "roles[0].trace: must not be empty");
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "trace", REMOVE), "roles[0]: missing required key \"trace\"");
	/* a trace file that is not one: its own message, under the key that names it */
	char trace[PATH_MAX + 16], want[2 * PATH_MAX];
	snprintf(trace, sizeof trace, "%s/bad.trace", bad_dir);
	write_file(trace, "1000\t42\t42\tsocket\t3\n");
	snprintf(want, sizeof want, "roles[0].trace: %s line 1: 5 fields, at least 7 expected", trace);
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "trace", "\"bad.trace\""), want);
	/* a trace file that was never written: an untraced program left none */
	CU_ASSERT_STRING_EQUAL(problem("roles", 0, NULL, "trace", "\"none.trace\""), "(valid)");
	CU_ASSERT_STRING_EQUAL(problem("captures", 0, NULL, "dropped", "-1"), "captures[0].dropped: must be at least 0, got -1");
	CU_ASSERT_STRING_EQUAL(problem("captures", 0, NULL, "conclusive", "\"no\""),
	                       "captures[0].conclusive: expected true or false, got a string");
	CU_ASSERT_STRING_EQUAL(problem("captures", 1, NULL, "path", "\"\""), "captures[1].path: must not be empty");
	CU_ASSERT_STRING_EQUAL(problem("captures", 1, NULL, "tag", "\"client\""),
	                       "captures[1].tag: \"client\" is already the tag of captures[0]");
	CU_ASSERT_STRING_EQUAL(problem("captures", 1, NULL, "tag", "\"a-tag-that-is-too-long\""),
	                       "captures[1].tag: must be at most 15 bytes long, got 22");

	CU_ASSERT_STRING_EQUAL(problem_text("{\"format\": 1,\n"), "line 2: JSON syntax error: unexpected end of file");
	CU_ASSERT_STRING_EQUAL(problem_text("{\"format\": 1 x}"), "line 1: JSON syntax error: object value separator ',' expected");
	CU_ASSERT_STRING_EQUAL(problem_text("[]"), "expected an object, got an array");
	CU_ASSERT_STRING_EQUAL(problem_text("{\"format\": 1, \"placeholders\": {\"port\": \"\", \"server\": \"\", \"client\": \"\"}, \"roles\": [], \"captures\": []}"), "(valid)");
	CU_ASSERT_STRING_EQUAL(problem_text("{\"format\": 1, \"placeholders\": {\"port\": \"\", \"server\": \"\", \"client\": \"\"}, \"roles\": [], \"captures\": [], \"a\": \"\xff\"}"),
	                       "line 1: JSON syntax error: invalid utf-8 string");
	struct wc_run_record rec;
	CU_ASSERT_EQUAL(wc_run_record_load("/nonexistent/run.json", &rec, errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "cannot open /nonexistent/run.json: No such file or directory");
}

/* ---- base64 ------------------------------------------------------------------------------ */

/* Output that is not plain text goes through base64 and comes back byte for byte: every
 * byte value, and each length modulo 3 (RFC 4648's padding cases). */
static void test_base64(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s", wc_scratch("runrec-base64"));
	mkdir(dir, 0755);
	snprintf(path, sizeof path, "%s/run.json", dir);
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)(255 - i);
	for (size_t len = 253; len <= 256; len++) {
		struct wc_run_record rec = {0}, back;
		struct wc_run_role *r = wc_run_add_role(&rec, "server", "srv", errbuf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL_FATAL(wc_run_output_set(&r->out, all, len, 0, errbuf), 0);
		CU_ASSERT_EQUAL_FATAL(wc_run_record_save(&rec, path, errbuf), 0);
		CU_ASSERT_EQUAL_FATAL(wc_run_record_load(path, &back, errbuf), 0);
		CU_ASSERT_EQUAL_FATAL(back.roles[0].out.len, len);
		CU_ASSERT_EQUAL(memcmp(back.roles[0].out.bytes, all, len), 0);
		wc_run_record_free(&rec);
		wc_run_record_free(&back);
	}
}

static const struct wc_test tests[] = {
	{"round trip, field by field", test_round_trip},
	{"moved directory, relative paths", test_moved_and_relative},
	{"malformed records named by JSON path", test_malformed},
	{"base64", test_base64},
	{NULL, NULL},
};
static const struct wc_suite suite = {"run record JSON", tests};
static const struct wc_suite *const suites[] = {&suite, NULL};

int main(int argc, char **argv)
{
	return wc_unit_main(argc, argv, suites);
}
