/* scenario.c — loading a scenario file: JSON syntax, the field tables, then the rules that join keys. */
#include "scenario.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCENARIO_BYTES (1u << 20)

/* ---- reading and parsing ---------------------------------------------------------- */

static char *read_text(const char *path, size_t *len, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		wc_err_errno(errbuf, errno, "cannot open %s", path);
		return NULL;
	}
	char *text = malloc(MAX_SCENARIO_BYTES + 1);
	if (!text) {
		fclose(f);
		wc_err(errbuf, "%s: out of memory", path);
		return NULL;
	}
	size_t n = fread(text, 1, MAX_SCENARIO_BYTES + 1, f);
	int failed = ferror(f) ? errno : 0;
	fclose(f);
	if (failed) {
		free(text);
		wc_err_errno(errbuf, failed, "cannot read %s", path);
		return NULL;
	}
	if (n > MAX_SCENARIO_BYTES) {
		free(text);
		wc_err(errbuf, "%s: larger than 1 MiB: not a scenario", path);
		return NULL;
	}
	text[n] = '\0';
	*len = n;
	return text;
}

/* Line and column (in characters: UTF-8 continuation bytes do not count), from 1. */
static void line_column(const char *text, size_t offset, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static json_object *parse(const char *file, const char *text, size_t len, char *errbuf)
{
	const char *nul = memchr(text, '\0', len);
	unsigned line, col;
	if (nul) {
		line_column(text, (size_t)(nul - text), &line, &col);
		wc_err(errbuf, "%s: line %u, column %u: JSON syntax error: a NUL byte", file, line, col);
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		wc_err(errbuf, "%s: out of memory", file);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* text[len] is a NUL: passing it ends a top-level number or literal, which json-c
	 * would otherwise wait to see continue. */
	json_object *root = json_tokener_parse_ex(tok, text, (int)len + 1);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (!root) {
		/* Stopped at the final NUL, or waiting for more: the text ended inside a value. */
		size_t at = json_tokener_get_parse_end(tok);
		bool at_end = jerr == json_tokener_continue || at >= len;
		line_column(text, at_end ? len : at, &line, &col);
		wc_err(errbuf, "%s: line %u, column %u: JSON syntax error: %s", file, line, col,
		       at_end ? "unexpected end of file" : json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	return root;
}

/* ---- rules joining keys ------------------------------------------------------------- */

static bool same_family(const char *a, const char *b)
{
	unsigned char buf[16];
	return (inet_pton(AF_INET, a, buf) == 1) == (inet_pton(AF_INET, b, buf) == 1);
}

static int topology_rules(json_object *topo, bool veth, const char *file, char *errbuf)
{
	if (!veth && json_object_object_get_ex(topo, "offload", NULL))
		return wc_schema_err(errbuf, file, "topology.offload",
		                     "only a veth topology has offload settings");
	json_object *addr = NULL;
	json_object_object_get_ex(topo, "addresses", &addr);
	const char *client = wc_schema_str(addr, "client", veth ? "10.0.0.1" : "127.0.0.1");
	const char *server = wc_schema_str(addr, "server", veth ? "10.0.0.2" : "127.0.0.1");
	if (!same_family(client, server))
		return wc_schema_err(errbuf, file, "topology.addresses",
		                     "the client (%s) and the server (%s) must both be IPv4 or both IPv6",
		                     client, server);
	if (veth && strcmp(client, server) == 0)
		return wc_schema_err(errbuf, file, "topology.addresses",
		                     "the two hosts of a veth topology need different addresses, both are %s",
		                     client);
	return 0;
}

static json_object *program_by_role(json_object *programs, const char *role, size_t *index)
{
	for (size_t i = 0, n = json_object_array_length(programs); i < n; i++) {
		json_object *p = json_object_array_get_idx(programs, i);
		if (strcmp(wc_schema_str(p, "role", ""), role) == 0) {
			*index = i;
			return p;
		}
	}
	return NULL;
}

/* The keys by which a program waits for another: its readiness, or its end. */
static const char *const wait_keys[] = {"after", "after_end"};

/* programs[i].KEY names another program. */
static int wait_target(json_object *programs, size_t i, const char *key, const char *file, char *errbuf)
{
	json_object *p = json_object_array_get_idx(programs, i);
	const char *target = wc_schema_str(p, key, NULL);
	char path[64];
	snprintf(path, sizeof path, "programs[%zu].%s", i, key);
	if (!target)
		return 0;
	if (strcmp(target, wc_schema_str(p, "role", "")) == 0)
		return wc_schema_err(errbuf, file, path, "a program cannot wait for itself");
	size_t j;
	if (program_by_role(programs, target, &j))
		return 0;
	size_t n = json_object_array_length(programs);
	const char **roles = calloc(n + 1, sizeof *roles);
	const char *near = NULL;
	if (roles) {
		for (size_t k = 0; k < n; k++)
			roles[k] = wc_schema_str(json_object_array_get_idx(programs, k), "role", "");
		near = wc_schema_nearest(target, roles);
	}
	if (near)
		wc_schema_err(errbuf, file, path, "no program has the role \"%s\"; did you mean \"%s\"?", target, near);
	else
		wc_schema_err(errbuf, file, path, "no program has the role \"%s\"", target);
	free(roles);
	return -1;
}

/* Whether waiting from program `at` leads back to `home`; the way there is appended to
 * chain (" -> b -> a"). seen[] keeps a program visited once. */
static bool leads_back(json_object *programs, size_t at, size_t home, bool *seen, char *chain, size_t len)
{
	json_object *p = json_object_array_get_idx(programs, at);
	for (size_t k = 0; k < sizeof wait_keys / sizeof wait_keys[0]; k++) {
		const char *target = wc_schema_str(p, wait_keys[k], NULL);
		size_t j, used = strlen(chain);
		if (!target || !program_by_role(programs, target, &j))
			continue;
		snprintf(chain + used, len - used, " -> %s", target);
		if (j == home)
			return true;
		if (!seen[j]) {
			seen[j] = true;
			if (leads_back(programs, j, home, seen, chain, len))
				return true;
		}
		chain[used] = '\0';
	}
	return false;
}

/* A program waits (`after`, `after_end`) only for programs that exist, and waiting never
 * comes back to where it started. */
static int wait_rules(json_object *programs, size_t i, const char *file, char *errbuf)
{
	for (size_t k = 0; k < sizeof wait_keys / sizeof wait_keys[0]; k++)
		if (wait_target(programs, i, wait_keys[k], file, errbuf))
			return -1;
	json_object *p = json_object_array_get_idx(programs, i);
	size_t n = json_object_array_length(programs);
	bool *seen = calloc(n, sizeof *seen);
	char chain[256], path[64];
	if (!seen)
		return wc_schema_err(errbuf, file, "programs", "out of memory");
	snprintf(chain, sizeof chain, "%s", wc_schema_str(p, "role", ""));
	bool circle = leads_back(programs, i, i, seen, chain, sizeof chain);
	free(seen);
	if (!circle)
		return 0;
	snprintf(path, sizeof path, "programs[%zu].%s", i, json_object_object_get_ex(p, "after", NULL) ? "after" : "after_end");
	return wc_schema_err(errbuf, file, path, "the programs wait for each other in a circle: %s", chain);
}

static int program_rules(json_object *programs, bool veth, const char *file, char *errbuf)
{
	char path[64];
	for (size_t i = 0, n = json_object_array_length(programs); i < n; i++) {
		json_object *p = json_object_array_get_idx(programs, i);
		const char *role = wc_schema_str(p, "role", "");
		size_t first;
		program_by_role(programs, role, &first);
		if (first != i) {
			snprintf(path, sizeof path, "programs[%zu].role", i);
			return wc_schema_err(errbuf, file, path, "\"%s\" is already the role of programs[%zu]",
			                     role, first);
		}
		if (!veth && json_object_object_get_ex(p, "host", NULL)) {
			snprintf(path, sizeof path, "programs[%zu].host", i);
			return wc_schema_err(errbuf, file, path, "only a veth topology has hosts");
		}
	}
	for (size_t i = 0, n = json_object_array_length(programs); i < n; i++)
		if (wait_rules(programs, i, file, errbuf))
			return -1;
	return 0;
}

/* A variant replaces a program the scenario has; names are unique. */
static int variant_rules(json_object *variants, json_object *programs, const char *file, char *errbuf)
{
	char path[64];
	for (size_t i = 0, n = json_object_array_length(variants); i < n; i++) {
		json_object *v = json_object_array_get_idx(variants, i);
		const char *name = wc_schema_str(v, "name", ""), *role = wc_schema_str(v, "role", "");
		for (size_t j = 0; j < i; j++)
			if (strcmp(wc_schema_str(json_object_array_get_idx(variants, j), "name", ""), name) == 0) {
				snprintf(path, sizeof path, "variants[%zu].name", i);
				return wc_schema_err(errbuf, file, path, "\"%s\" is already the name of variants[%zu]", name, j);
			}
		size_t at;
		if (!programs || !program_by_role(programs, role, &at)) {
			snprintf(path, sizeof path, "variants[%zu].role", i);
			return wc_schema_err(errbuf, file, path, "no program has the role \"%s\"", role);
		}
	}
	return 0;
}

static int fault_rules(json_object *faults, bool veth, const char *file, char *errbuf)
{
	char path[64];
	size_t n = json_object_array_length(faults);
	if (n > 0 && !veth)
		return wc_schema_err(errbuf, file, "faults",
		                     "faults act on the link between two hosts: they need a veth topology");
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(faults, i);
		double at = wc_schema_num(f, "at", 0);
		if (json_object_object_get_ex(f, "until", NULL) && wc_schema_num(f, "until", 0) <= at) {
			char a[32], u[32];
			snprintf(a, sizeof a, "%.15g", at);
			snprintf(u, sizeof u, "%.15g", wc_schema_num(f, "until", 0));
			snprintf(path, sizeof path, "faults[%zu].until", i);
			return wc_schema_err(errbuf, file, path, "must be later than at (%s), got %s", a, u);
		}
		if (strcmp(wc_schema_str(f, "kind", ""), "netem") != 0)
			continue;
		bool delay = json_object_object_get_ex(f, "delay_ms", NULL);
		bool loss = json_object_object_get_ex(f, "loss_pct", NULL);
		bool reorder = json_object_object_get_ex(f, "reorder_pct", NULL);
		if (!delay && !loss && !reorder) {
			snprintf(path, sizeof path, "faults[%zu]", i);
			return wc_schema_err(errbuf, file, path,
			                     "a netem fault needs delay_ms, loss_pct or reorder_pct");
		}
		if (reorder && wc_schema_int(f, "delay_ms", 0) == 0) {
			snprintf(path, sizeof path, "faults[%zu].reorder_pct", i);
			return wc_schema_err(errbuf, file, path,
			                     "netem reorders only delayed packets: give delay_ms too");
		}
	}
	return 0;
}

static json_object *member(json_object *obj, const char *key)
{
	json_object *v = NULL;
	json_object_object_get_ex(obj, key, &v);
	return v;
}

/* ---- expectations the programs imply ------------------------------------------------ */

/* A program key that stands for an expectation: the check it becomes, the argument that
 * takes its value, and proc.output's stream. */
static const struct {
	const char *key;
	const char *check;
	const char *arg;
	const char *stream;
} implied_keys[] = {
	{"expect_exit", "proc.exit", "status", NULL},
	{"expect_stdout", "proc.output", "matches", "stdout"},
	{"expect_stderr", "proc.output", "matches", "stderr"},
};
#define IMPLIED_KINDS (sizeof implied_keys / sizeof implied_keys[0])

static size_t implied_count(json_object *programs)
{
	size_t n = 0;
	for (size_t i = 0, np = programs ? json_object_array_length(programs) : 0; i < np; i++)
		for (size_t k = 0; k < IMPLIED_KINDS; k++)
			n += json_object_object_get_ex(json_object_array_get_idx(programs, i), implied_keys[k].key, NULL);
	return n;
}

static const struct wc_field *arg_field(const struct wc_check_def *def, const char *key)
{
	for (const struct wc_field *f = def ? def->args : NULL; f && f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

/* The value must also follow the rule of the check argument it becomes (proc.output's
 * "matches" is never empty): checked under the program's own key, so the message names
 * what the author wrote. */
static int implied_value_rule(const struct wc_field *arg, const char *key, json_object *v, const char *file,
                              const char *path, char *errbuf)
{
	struct wc_field rule[2] = {*arg, {.key = NULL}};
	rule[0].key = key;
	json_object *obj = json_object_new_object();
	if (!obj || json_object_object_add(obj, key, json_object_get(v)) != 0) {
		json_object_put(obj);
		return wc_err(errbuf, "%s: out of memory", file);
	}
	int rc = wc_schema_validate(obj, rule, file, path, errbuf);
	json_object_put(obj);
	return rc;
}

static int add_string(json_object *obj, const char *key, const char *value)
{
	json_object *s = json_object_new_string(value);
	if (!s || json_object_object_add(obj, key, s) != 0) {
		json_object_put(s);
		return -1;
	}
	return 0;
}

/* {"check": "proc.output", "role": R, "stream": "stdout", "matches": V}, kept in
 * s->implied so the scenario owns it. */
static json_object *implied_args(struct wc_scenario *s, size_t kind, const char *role, json_object *v)
{
	json_object *a = json_object_new_object();
	if (!a || json_object_array_add(s->implied, a) != 0) {
		json_object_put(a);
		return NULL;
	}
	if (add_string(a, "check", implied_keys[kind].check) || add_string(a, "role", role) ||
	    (implied_keys[kind].stream && add_string(a, "stream", implied_keys[kind].stream)) ||
	    json_object_object_add(a, implied_keys[kind].arg, json_object_get(v)) != 0)
		return NULL;
	return a;
}

/* "server exits with status 0", "client's stdout matches /connected/". */
static void implied_label(struct wc_expect *e, size_t kind, const char *role, json_object *v)
{
	if (implied_keys[kind].stream)
		snprintf(e->label, sizeof e->label, "%s's %s matches /%s/", role, implied_keys[kind].stream,
		         json_object_get_string(v));
	else
		snprintf(e->label, sizeof e->label, "%s exits with status %d", role, json_object_get_int(v));
}

/* After the explicit expectations: one per expect_* key, program by program. */
static int add_implied(struct wc_scenario *s, json_object *programs, char *errbuf)
{
	char prog[32], path[sizeof s->expect->path];
	for (size_t i = 0, np = programs ? json_object_array_length(programs) : 0; i < np; i++) {
		json_object *p = json_object_array_get_idx(programs, i);
		const char *role = wc_schema_str(p, "role", "");
		snprintf(prog, sizeof prog, "programs[%zu]", i);
		for (size_t k = 0; k < IMPLIED_KINDS; k++) {
			json_object *v = NULL;
			if (!json_object_object_get_ex(p, implied_keys[k].key, &v))
				continue;
			snprintf(path, sizeof path, "programs[%zu].%s", i, implied_keys[k].key);
			const struct wc_check_def *def = wc_check_find(implied_keys[k].check);
			const struct wc_field *arg = arg_field(def, implied_keys[k].arg);
			if (!arg)
				return wc_schema_err(errbuf, s->file, path, "needs the check %s, which is not registered",
				                     implied_keys[k].check);
			if (implied_value_rule(arg, implied_keys[k].key, v, s->file, prog, errbuf))
				return -1;
			struct wc_expect *e = &s->expect[s->expect_count];
			if (!(e->args = implied_args(s, k, role, v)))
				return wc_err(errbuf, "%s: out of memory", s->file);
			e->def = def;
			memcpy(e->path, path, sizeof e->path);
			implied_label(e, k, role, v);
			e->points = 1;
			s->expect_count++;
		}
	}
	return 0;
}

/* ---- building the result ------------------------------------------------------------ */

static int fill(struct wc_scenario *s, char *errbuf)
{
	json_object *expect = member(s->root, "expect");
	size_t n = json_object_array_length(expect);
	s->name = wc_schema_str(s->root, "name", "");
	s->summary = wc_schema_str(s->root, "summary", "");
	s->question = wc_schema_str(s->root, "question", "");
	s->topology = member(s->root, "topology");
	s->programs = member(s->root, "programs");
	s->faults = member(s->root, "faults");
	s->variants = member(s->root, "variants");
	s->shows = wc_schema_str(s->root, "shows", NULL);
	s->expect = calloc(n + implied_count(s->programs), sizeof *s->expect);
	s->implied = json_object_new_array();
	if (!s->expect || !s->implied)
		return wc_err(errbuf, "%s: out of memory", s->file);
	for (size_t i = 0; i < n; i++) {
		struct wc_expect *e = &s->expect[i];
		e->args = json_object_array_get_idx(expect, i);
		e->def = wc_check_find(wc_schema_str(e->args, "check", ""));
		snprintf(e->path, sizeof e->path, "expect[%zu]", i);
		snprintf(e->label, sizeof e->label, "%s", wc_schema_str(e->args, "name", e->def->summary));
		e->points = wc_schema_num(e->args, "points", 1);
		snprintf(e->vantage, sizeof e->vantage, "%s", wc_schema_str(e->args, "vantage", ""));
	}
	s->expect_count = n;
	return add_implied(s, s->programs, errbuf);
}

/* ---- public entry points ------------------------------------------------------------ */

/* What a variant must fail is one of the scenario's expectations (implied ones too). */
static int variant_fails_rules(const struct wc_scenario *s, char *errbuf)
{
	char path[96];
	for (size_t i = 0, n = s->variants ? json_object_array_length(s->variants) : 0; i < n; i++) {
		json_object *fails = member(json_object_array_get_idx(s->variants, i), "fails");
		for (size_t k = 0, m = json_object_array_length(fails); k < m; k++) {
			json_object *f = json_object_array_get_idx(fails, k);
			const char *check = wc_schema_str(f, "check", ""), *at = wc_schema_str(f, "expect", NULL);
			bool found = false;
			for (size_t e = 0; e < s->expect_count && !found; e++)
				found = strcmp(s->expect[e].def->name, check) == 0 && (!at || strcmp(s->expect[e].path, at) == 0);
			if (!found) {
				snprintf(path, sizeof path, "variants[%zu].fails[%zu].%s", i, k, at ? "expect" : "check");
				if (at)
					return wc_schema_err(errbuf, s->file, path, "no expectation at %s uses %s", at, check);
				return wc_schema_err(errbuf, s->file, path, "no expectation of this scenario uses %s", check);
			}
		}
	}
	return 0;
}

struct wc_scenario *wc_scenario_load(const char *path, char *errbuf)
{
	size_t len;
	char *text = read_text(path, &len, errbuf);
	if (!text)
		return NULL;
	json_object *root = parse(path, text, len, errbuf);
	free(text);
	if (!root)
		return NULL;
	struct wc_scenario *s = calloc(1, sizeof *s);
	if (!s || !(s->file = strdup(path))) {
		free(s);
		json_object_put(root);
		wc_err(errbuf, "%s: out of memory", path);
		return NULL;
	}
	s->root = root;
	if (wc_schema_validate(root, wc_scenario_fields, path, "", errbuf) != 0)
		goto fail;
	json_object *topo = member(root, "topology");
	bool veth = strcmp(wc_schema_str(topo, "kind", "loopback"), "veth") == 0;
	json_object *programs = member(root, "programs"), *faults = member(root, "faults");
	json_object *variants = member(root, "variants");
	if ((topo && topology_rules(topo, veth, path, errbuf)) ||
	    (programs && program_rules(programs, veth, path, errbuf)) ||
	    (variants && variant_rules(variants, programs, path, errbuf)) ||
	    (faults && fault_rules(faults, veth, path, errbuf)) || fill(s, errbuf) || variant_fails_rules(s, errbuf))
		goto fail;
	return s;
fail:
	wc_scenario_free(s);
	return NULL;
}

json_object *wc_scenario_variant(const struct wc_scenario *s, const char *name)
{
	for (size_t i = 0, n = s->variants ? json_object_array_length(s->variants) : 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(s->variants, i);
		if (strcmp(wc_schema_str(v, "name", ""), name) == 0)
			return v;
	}
	return NULL;
}

void wc_scenario_free(struct wc_scenario *s)
{
	if (!s)
		return;
	json_object_put(s->root);
	json_object_put(s->implied);
	free(s->expect);
	free(s->file);
	free(s);
}
