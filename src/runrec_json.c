/* runrec_json.c — the run record saved as run.json beside the kept captures and traces,
 * and read back for `wirecheck check --run` (format in doc/run-record.md). */
#include "runrec.h"

#include <errno.h>
#include <resolv.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

#define FORMAT_VERSION 1
/* Two capped outputs per role, in base64 at worst, and the counts: far below this. */
#define MAX_RECORD_BYTES (64u << 20)

/* ---- the format, as field tables ------------------------------------------------------ */

/* base64 through libresolv's b64_pton (RFC 4648, padding checked, stray bits refused). */
static long decode_base64(const char *text, unsigned char *out, size_t len)
{
	return b64_pton(text, out, len);
}

static int base64_text(json_object *v, const char *file, const char *path, char *errbuf)
{
	size_t len = (size_t)json_object_get_string_len(v);
	unsigned char *tmp = malloc(len / 4 * 3 + 3);
	if (!tmp)
		return wc_err(errbuf, "%s: out of memory", file);
	long n = decode_base64(json_object_get_string(v), tmp, len / 4 * 3 + 3);
	free(tmp);
	if (n >= 0 && len % 4 == 0)
		return 0;
	return wc_schema_err(errbuf, file, path, "not base64 (RFC 4648, padded with '=')");
}

/* An output holds its bytes one way: as text or as base64. */
static int one_form(json_object *v, const char *file, const char *path, char *errbuf)
{
	bool text = json_object_object_get_ex(v, "text", NULL);
	bool b64 = json_object_object_get_ex(v, "base64", NULL);
	if (text && b64)
		return wc_schema_err(errbuf, file, path, "holds both \"text\" and \"base64\": give one");
	if (!text && !b64)
		return wc_schema_err(errbuf, file, path, "missing required key \"text\" (or \"base64\")");
	return 0;
}

/* JSON null parses as NULL: no trace file. */
static int trace_name(json_object *v, const char *file, const char *path, char *errbuf)
{
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return wc_schema_err(errbuf, file, path, "expected a file name or null, got %s", wc_schema_kind(v));
	if (json_object_get_string_len(v) == 0)
		return wc_schema_err(errbuf, file, path, "must not be empty");
	return 0;
}

static const struct wc_field output_fields[] = {
	{.key = "text", .type = WC_F_STRING, .doc = "the bytes kept, when they are UTF-8 without NUL"},
	{.key = "base64", .type = WC_F_STRING, .check = base64_text, .doc = "else the bytes kept, in base64"},
	{.key = "dropped", .type = WC_F_INT, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "bytes cut after those kept"},
	{.key = NULL},
};

static const struct wc_field role_fields[] = {
	{.key = "role", .type = WC_F_STRING, .required = true, .min = 1, .max = 15, .doc = "the program's role"},
	{.key = "argv0", .type = WC_F_STRING, .required = true, .min = 0, .max = 255, .doc = "the command run"},
	{.key = "started", .type = WC_F_BOOL, .required = true, .doc = "it was started (exec succeeded)"},
	{.key = "note", .type = WC_F_STRING, .required = true, .min = 0, .max = 255,
	 .doc = "what the runner had to say about its start; \"\" for nothing"},
	{.key = "exited", .type = WC_F_BOOL, .required = true, .doc = "ended by exit()"},
	{.key = "exit_status", .type = WC_F_INT, .required = true, .min = -1, .max = 255,
	 .doc = "its exit status; -1 unless exited"},
	{.key = "term_signal", .type = WC_F_INT, .required = true, .min = 0, .max = 64,
	 .doc = "the signal that ended it; 0 for none"},
	{.key = "timed_out", .type = WC_F_BOOL, .required = true, .doc = "killed at its time limit"},
	{.key = "stopped", .type = WC_F_BOOL, .required = true, .doc = "stopped at the end of the scenario"},
	{.key = "wall_secs", .type = WC_F_NUMBER, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "seconds from start to end"},
	{.key = "stdout", .type = WC_F_OBJECT, .required = true, .fields = output_fields, .check = one_form,
	 .doc = "what it wrote on standard output"},
	{.key = "stderr", .type = WC_F_OBJECT, .required = true, .fields = output_fields, .check = one_form,
	 .doc = "what it wrote on standard error"},
	{.key = "procs_left", .type = WC_F_INT, .required = true, .min = -1, .max = INT_MAX,
	 .doc = "processes of its tree left at the end; -1 unknown"},
	{.key = "zombies", .type = WC_F_INT, .required = true, .min = -1, .max = INT_MAX,
	 .doc = "of those, zombies; -1 unknown"},
	{.key = "pid_ns", .type = WC_F_BOOL, .required = true, .doc = "ran in a PID namespace of its own"},
	{.key = "traced", .type = WC_F_BOOL, .required = true, .doc = "ran with the trace library preloaded"},
	{.key = "trace", .type = WC_F_ANY, .required = true, .check = trace_name, .type_doc = "string or null",
	 .doc = "its socket-call trace file"},
	{.key = NULL},
};

static const struct wc_field capture_fields[] = {
	{.key = "tag", .type = WC_F_STRING, .required = true, .min = 0, .max = 15,
	 .doc = "\"client\", \"server\", or \"\" for a lone capture"},
	{.key = "path", .type = WC_F_STRING, .required = true, .min = 1, .max = WC_NO_LIMIT, .doc = "its file"},
	{.key = "received", .type = WC_F_INT, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "packets that passed the filter"},
	{.key = "dropped", .type = WC_F_INT, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "packets the kernel dropped"},
	{.key = "written", .type = WC_F_INT, .required = true, .min = 0, .max = WC_NO_LIMIT,
	 .doc = "frames written to the file"},
	{.key = "conclusive", .type = WC_F_BOOL, .required = true, .doc = "the file can be trusted"},
	{.key = "reason", .type = WC_F_STRING, .required = true, .min = 0, .max = WC_ERRBUF_SIZE - 1,
	 .doc = "why not; \"\" when it can"},
	{.key = NULL},
};

static const struct wc_field placeholder_fields[] = {
	{.key = "port", .type = WC_F_STRING, .required = true, .min = 0, .max = 7, .doc = "what {port} was"},
	{.key = "server", .type = WC_F_STRING, .required = true, .min = 0, .max = 63, .doc = "what {server} was"},
	{.key = "client", .type = WC_F_STRING, .required = true, .min = 0, .max = 63, .doc = "what {client} was"},
	{.key = NULL},
};

static const struct wc_field record_fields[] = {
	{.key = "format", .type = WC_F_INT, .required = true, .min = FORMAT_VERSION, .max = FORMAT_VERSION,
	 .doc = "the format's version"},
	{.key = "placeholders", .type = WC_F_OBJECT, .required = true, .fields = placeholder_fields,
	 .doc = "the values the run gave the placeholders"},
	{.key = "roles", .type = WC_F_OBJECTS, .required = true, .fields = role_fields, .doc = "the programs"},
	{.key = "captures", .type = WC_F_OBJECTS, .required = true, .fields = capture_fields,
	 .doc = "the capture points"},
	{.key = NULL},
};

/* ---- paths: relative to the record's directory when inside it ------------------------- */

/* "a/b" for "a/b/run.json", "/" for "/run.json", "" for "run.json". */
static void dir_of(const char *path, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		out[0] = '\0';
	else if (slash == path)
		snprintf(out, len, "%s", "/");
	else
		snprintf(out, len, "%.*s", (int)(slash - path), path);
}

/* What run.json says for path p: from the record's directory (real path jdir, NULL when
 * unknown) when p lies inside it, else p made absolute, else p as given. */
static void stored_path(const char *jdir, const char *p, char *out, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(p, '/');
	const char *base = slash ? slash + 1 : p;
	dir_of(p, dir, sizeof dir);
	if (!jdir || !*base || !realpath(dir[0] ? dir : ".", real)) {
		snprintf(out, len, "%s", p);
		return;
	}
	size_t n = strlen(jdir);
	if (strcmp(real, jdir) == 0)
		snprintf(out, len, "%s", base);
	else if (strncmp(real, jdir, n) == 0 && (real[n] == '/' || jdir[n - 1] == '/'))
		snprintf(out, len, "%s/%s", real + n + (real[n] == '/'), base);
	else
		snprintf(out, len, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", base);
}

/* A stored path as the reader opens it: relative ones from the record's directory. */
static char *resolved_path(const char *json_path, const char *p)
{
	char dir[PATH_MAX], out[2 * PATH_MAX];
	dir_of(json_path, dir, sizeof dir);
	if (p[0] == '/' || !dir[0])
		snprintf(out, sizeof out, "%s", p);
	else
		snprintf(out, sizeof out, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", p);
	return strdup(out);
}

/* ---- writing -------------------------------------------------------------------------- */

/* Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) without NUL:
 * bytes a JSON string carries as they are. */
static bool plain_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			unsigned char d = (unsigned char)s[i + k];
			if ((d & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (d & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* Add v under key; false (v released) when v is NULL or the add fails. */
static bool put(json_object *obj, const char *key, json_object *v)
{
	if (v && json_object_object_add(obj, key, v) == 0)
		return true;
	json_object_put(v);
	return false;
}

static json_object *output_json(const struct wc_run_output *o)
{
	json_object *obj = json_object_new_object();
	const char *bytes = o->bytes ? o->bytes : "";
	size_t len = o->bytes ? o->len : 0;
	bool ok = obj != NULL;
	if (ok && plain_text(bytes, len)) {
		ok = put(obj, "text", json_object_new_string_len(bytes, (int)len));
	} else if (ok) {
		size_t room = (len + 2) / 3 * 4 + 1;
		char *b64 = malloc(room);
		ok = b64 && b64_ntop((const unsigned char *)bytes, len, b64, room) >= 0 &&
		     put(obj, "base64", json_object_new_string(b64));
		free(b64);
	}
	ok = ok && put(obj, "dropped", json_object_new_uint64(o->dropped));
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *role_json(const struct wc_run_role *r, const char *jdir)
{
	json_object *obj = json_object_new_object();
	if (!obj)
		return NULL;
	char trace[2 * PATH_MAX];
	if (r->trace_path)
		stored_path(jdir, r->trace_path, trace, sizeof trace);
	bool ok = put(obj, "role", json_object_new_string(r->role)) &&
	          put(obj, "argv0", json_object_new_string(r->argv0)) &&
	          put(obj, "started", json_object_new_boolean(r->started)) &&
	          put(obj, "note", json_object_new_string(r->note)) &&
	          put(obj, "exited", json_object_new_boolean(r->exited)) &&
	          put(obj, "exit_status", json_object_new_int(r->exit_status)) &&
	          put(obj, "term_signal", json_object_new_int(r->term_signal)) &&
	          put(obj, "timed_out", json_object_new_boolean(r->timed_out)) &&
	          put(obj, "stopped", json_object_new_boolean(r->stopped)) &&
	          put(obj, "wall_secs", json_object_new_double(r->wall_secs)) &&
	          put(obj, "stdout", output_json(&r->out)) && put(obj, "stderr", output_json(&r->err)) &&
	          put(obj, "procs_left", json_object_new_int(r->procs_left)) &&
	          put(obj, "zombies", json_object_new_int(r->zombies)) &&
	          put(obj, "pid_ns", json_object_new_boolean(r->pid_ns)) &&
	          put(obj, "traced", json_object_new_boolean(r->traced));
	/* null is a NULL object in json-c: added as it is */
	ok = ok && (r->trace_path ? put(obj, "trace", json_object_new_string(trace))
	                          : json_object_object_add(obj, "trace", NULL) == 0);
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *capture_json(const struct wc_run_capture *c, const char *jdir)
{
	json_object *obj = json_object_new_object();
	if (!obj)
		return NULL;
	char path[2 * PATH_MAX];
	stored_path(jdir, c->path, path, sizeof path);
	bool ok = put(obj, "tag", json_object_new_string(c->tag)) && put(obj, "path", json_object_new_string(path)) &&
	          put(obj, "received", json_object_new_uint64(c->cap.received)) &&
	          put(obj, "dropped", json_object_new_uint64(c->cap.dropped)) &&
	          put(obj, "written", json_object_new_uint64(c->cap.written)) &&
	          put(obj, "conclusive", json_object_new_boolean(c->cap.conclusive)) &&
	          put(obj, "reason", json_object_new_string(c->cap.reason));
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static json_object *member(json_object *obj, const char *key)
{
	json_object *v = NULL;
	json_object_object_get_ex(obj, key, &v);
	return v;
}

static json_object *record_json(const struct wc_run_record *rec, const char *jdir)
{
	json_object *obj = json_object_new_object();
	json_object *ph = json_object_new_object();
	bool ok = obj && ph && put(ph, "port", json_object_new_string(rec->port)) &&
	          put(ph, "server", json_object_new_string(rec->server)) &&
	          put(ph, "client", json_object_new_string(rec->client));
	if (!ok)
		json_object_put(ph);
	ok = ok && put(obj, "format", json_object_new_int(FORMAT_VERSION)) && put(obj, "placeholders", ph) &&
	     put(obj, "roles", json_object_new_array()) && put(obj, "captures", json_object_new_array());
	json_object *roles = ok ? member(obj, "roles") : NULL, *caps = ok ? member(obj, "captures") : NULL;
	for (size_t i = 0; ok && i < rec->role_count; i++) {
		json_object *r = role_json(&rec->roles[i], jdir);
		ok = r && json_object_array_add(roles, r) == 0;
		if (!ok)
			json_object_put(r);
	}
	for (size_t i = 0; ok && i < rec->cap_count; i++) {
		json_object *c = capture_json(&rec->caps[i], jdir);
		ok = c && json_object_array_add(caps, c) == 0;
		if (!ok)
			json_object_put(c);
	}
	if (!ok) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/* ---- reading -------------------------------------------------------------------------- */

static json_object *read_json(const char *path, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		wc_err_errno(errbuf, errno, "cannot open %s", path);
		return NULL;
	}
	char *text = malloc(MAX_RECORD_BYTES + 1);
	size_t n = text ? fread(text, 1, MAX_RECORD_BYTES + 1, f) : 0;
	int failed = ferror(f) ? errno : 0;
	fclose(f);
	json_object *root = NULL;
	if (!text)
		wc_err(errbuf, "%s: out of memory", path);
	else if (failed)
		wc_err_errno(errbuf, failed, "cannot read %s", path);
	else if (n > MAX_RECORD_BYTES)
		wc_err(errbuf, "%s: larger than %u MiB: not a run record", path, MAX_RECORD_BYTES >> 20);
	else if (memchr(text, '\0', n))
		wc_err(errbuf, "%s: a NUL byte: not a run record", path);
	else {
		struct json_tokener *tok = json_tokener_new();
		if (tok) {
			json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
			text[n] = '\0';
			/* the final NUL ends a top-level number json-c would wait to see continue */
			root = json_tokener_parse_ex(tok, text, (int)n + 1);
			if (!root) {
				size_t at = json_tokener_get_parse_end(tok), line = 1;
				for (size_t i = 0; i < at && i < n; i++)
					line += text[i] == '\n';
				wc_err(errbuf, "%s: line %zu: JSON syntax error: %s", path, line,
				       at >= n ? "unexpected end of file" : json_tokener_error_desc(json_tokener_get_error(tok)));
			}
			json_tokener_free(tok);
		} else {
			wc_err(errbuf, "%s: out of memory", path);
		}
	}
	free(text);
	return root;
}

static uint64_t u64(json_object *obj, const char *key)
{
	return json_object_get_uint64(member(obj, key));
}

static int load_output(json_object *obj, struct wc_run_output *o, const char *file, const char *path,
                       char *errbuf)
{
	json_object *text = member(obj, "text"), *b64 = member(obj, "base64");
	json_object *v = text ? text : b64;
	size_t len = (size_t)json_object_get_string_len(v);
	unsigned char *bytes = malloc(len + 1); /* base64 decodes to less */
	if (!bytes)
		return wc_err(errbuf, "%s: %s: out of memory", file, path);
	long n = (long)len;
	if (text)
		memcpy(bytes, json_object_get_string(v), len);
	else
		n = decode_base64(json_object_get_string(v), bytes, len + 1);
	uint64_t dropped = u64(obj, "dropped");
	int rc = 0;
	if (n > 0)
		rc = wc_run_output_set(o, bytes, (size_t)n, dropped, errbuf);
	else
		o->dropped = dropped;
	free(bytes);
	return rc;
}

static int load_role(json_object *obj, size_t i, const char *file, struct wc_run_record *rec, char *errbuf)
{
	char path[48];
	const char *name = wc_schema_str(obj, "role", "");
	for (size_t j = 0; j < rec->role_count; j++)
		if (strcmp(rec->roles[j].role, name) == 0) {
			snprintf(path, sizeof path, "roles[%zu].role", i);
			return wc_schema_err(errbuf, file, path, "\"%s\" is already the role of roles[%zu]", name, j);
		}
	struct wc_run_role *r = wc_run_add_role(rec, name, wc_schema_str(obj, "argv0", ""), errbuf);
	if (!r)
		return -1;
	r->started = wc_schema_bool(obj, "started", false);
	snprintf(r->note, sizeof r->note, "%s", wc_schema_str(obj, "note", ""));
	r->exited = wc_schema_bool(obj, "exited", false);
	r->exit_status = (int)wc_schema_int(obj, "exit_status", -1);
	r->term_signal = (int)wc_schema_int(obj, "term_signal", 0);
	r->timed_out = wc_schema_bool(obj, "timed_out", false);
	r->stopped = wc_schema_bool(obj, "stopped", false);
	r->wall_secs = wc_schema_num(obj, "wall_secs", 0);
	r->procs_left = (int)wc_schema_int(obj, "procs_left", -1);
	r->zombies = (int)wc_schema_int(obj, "zombies", -1);
	r->pid_ns = wc_schema_bool(obj, "pid_ns", false);
	r->traced = wc_schema_bool(obj, "traced", false);
	snprintf(path, sizeof path, "roles[%zu].stdout", i);
	if (load_output(member(obj, "stdout"), &r->out, file, path, errbuf))
		return -1;
	snprintf(path, sizeof path, "roles[%zu].stderr", i);
	if (load_output(member(obj, "stderr"), &r->err, file, path, errbuf))
		return -1;
	const char *trace = wc_schema_str(obj, "trace", NULL);
	if (!trace)
		return 0;
	if (!(r->trace_path = resolved_path(file, trace)))
		return wc_err(errbuf, "%s: out of memory", file);
	char why[WC_ERRBUF_SIZE];
	snprintf(path, sizeof path, "roles[%zu].trace", i);
	if (wc_trace_load(r->trace_path, &r->trace, why) != 0)
		return wc_schema_err(errbuf, file, path, "%s", why);
	return 0;
}

static int load_capture(json_object *obj, size_t i, const char *file, struct wc_run_record *rec, char *errbuf)
{
	const char *tag = wc_schema_str(obj, "tag", "");
	for (size_t j = 0; j < rec->cap_count; j++)
		if (strcmp(rec->caps[j].tag, tag) == 0) {
			char path[48];
			snprintf(path, sizeof path, "captures[%zu].tag", i);
			return wc_schema_err(errbuf, file, path, "\"%s\" is already the tag of captures[%zu]", tag, j);
		}
	char *p = resolved_path(file, wc_schema_str(obj, "path", ""));
	struct wc_run_capture *c = p ? wc_run_add_capture(rec, tag, p, errbuf) : NULL;
	free(p);
	if (!c)
		return p ? -1 : wc_err(errbuf, "%s: out of memory", file);
	c->cap.received = u64(obj, "received");
	c->cap.dropped = u64(obj, "dropped");
	c->cap.written = u64(obj, "written");
	c->cap.conclusive = wc_schema_bool(obj, "conclusive", false);
	snprintf(c->cap.reason, sizeof c->cap.reason, "%s", wc_schema_str(obj, "reason", ""));
	return 0;
}

/* ---- public entry points -------------------------------------------------------------- */

int wc_run_record_save(const struct wc_run_record *rec, const char *path, char *errbuf)
{
	char dir[PATH_MAX], jdir[PATH_MAX];
	dir_of(path, dir, sizeof dir);
	bool known = realpath(dir[0] ? dir : ".", jdir) != NULL;
	json_object *root = record_json(rec, known ? jdir : NULL);
	if (!root)
		return wc_err(errbuf, "%s: out of memory", path);
	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
	FILE *f = text ? fopen(path, "w") : NULL;
	int err = text ? errno : ENOMEM;
	bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	if (f) {
		err = ok ? 0 : errno;
		if (fclose(f) != 0 && ok) {
			ok = false;
			err = errno;
		}
	}
	json_object_put(root);
	if (!ok)
		return wc_err_errno(errbuf, err, "cannot write the run record %s", path);
	return 0;
}

int wc_run_record_load(const char *path, struct wc_run_record *rec, char *errbuf)
{
	*rec = (struct wc_run_record){0};
	json_object *root = read_json(path, errbuf);
	if (!root)
		return -1;
	int rc = wc_schema_validate(root, record_fields, path, "", errbuf);
	json_object *roles = member(root, "roles"), *caps = member(root, "captures"), *ph = member(root, "placeholders");
	if (rc == 0) {
		snprintf(rec->port, sizeof rec->port, "%s", wc_schema_str(ph, "port", ""));
		snprintf(rec->server, sizeof rec->server, "%s", wc_schema_str(ph, "server", ""));
		snprintf(rec->client, sizeof rec->client, "%s", wc_schema_str(ph, "client", ""));
	}
	for (size_t i = 0, n = rc ? 0 : json_object_array_length(roles); rc == 0 && i < n; i++)
		rc = load_role(json_object_array_get_idx(roles, i), i, path, rec, errbuf);
	for (size_t i = 0, n = rc ? 0 : json_object_array_length(caps); rc == 0 && i < n; i++)
		rc = load_capture(json_object_array_get_idx(caps, i), i, path, rec, errbuf);
	json_object_put(root);
	if (rc)
		wc_run_record_free(rec);
	return rc;
}
