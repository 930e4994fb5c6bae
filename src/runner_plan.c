/* runner_plan.c — from a scenario's `programs` to what the supervisor starts: argv with
 * placeholders filled and --program substituted, environment, host, timing, limits. */
#include "runner_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks_proc.h"

/* ---- --program ROLE=COMMAND -------------------------------------------------------- */

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int push(char ***v, size_t *n, char *s)
{
	char **grown = s ? realloc(*v, (*n + 2) * sizeof *grown) : NULL;
	if (!grown) {
		free(s);
		return -1;
	}
	grown[(*n)++] = s;
	grown[*n] = NULL;
	*v = grown;
	return 0;
}

/* The next word of cmd at *p: blanks separate, '…' and "…" quote (no escapes inside
 * single quotes; a backslash quotes the next character elsewhere). NULL at the end;
 * *bad set for an unterminated quote. */
static char *next_word(const char **p, bool *bad)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	char *w = malloc(strlen(s) + 1), *o = w;
	if (!w)
		return NULL;
	char quote = 0;
	for (; *s && (quote || (*s != ' ' && *s != '\t')); s++) {
		if (quote && *s == quote)
			quote = 0;
		else if (!quote && (*s == '\'' || *s == '"'))
			quote = *s;
		else if (*s == '\\' && quote != '\'' && s[1])
			*o++ = *++s;
		else
			*o++ = *s;
	}
	*o = '\0';
	*bad = quote != 0;
	*p = s;
	return w;
}

int wc_run_override_parse(const char *arg, struct wc_run_override *o, char *errbuf)
{
	*o = (struct wc_run_override){0};
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof o->role)
		return wc_err(errbuf, "--program wants ROLE=COMMAND (server=./my-server), not '%s'", arg);
	memcpy(o->role, arg, (size_t)(eq - arg));
	o->role[eq - arg] = '\0';
	size_t n = 0;
	bool bad = false;
	const char *p = eq + 1;
	char *w;
	while ((w = next_word(&p, &bad)) != NULL) {
		if (bad) {
			free(w);
			wc_run_override_free(o);
			return wc_err(errbuf, "--program %s: unterminated quote in '%s'", o->role, eq + 1);
		}
		if (n == 0 && strchr(w, '/') && w[0] != '/') {
			char cwd[PATH_MAX], *abs = NULL;
			if (getcwd(cwd, sizeof cwd) && asprintf(&abs, "%s/%s", cwd, w) < 0)
				abs = NULL;
			free(w);
			w = abs;
		}
		if (push(&o->argv, &n, w) != 0) {
			wc_run_override_free(o);
			return wc_err(errbuf, "--program %s: out of memory", o->role);
		}
	}
	if (n == 0)
		return wc_err(errbuf, "--program %s: the command is empty", o->role);
	return 0;
}

void wc_run_override_free(struct wc_run_override *o)
{
	free_strv(o->argv);
	free(o->ready);
	o->argv = NULL;
	o->ready = NULL;
}

/* ---- one program --------------------------------------------------------------------- */

/* text with the placeholders filled; NULL with errbuf when one has no value. */
static char *filled(const struct wc_placeholders *ph, const char *text, const char *what, char *errbuf)
{
	size_t len = strlen(text) + 256;
	char *buf = malloc(len);
	if (!buf) {
		wc_err(errbuf, "%s: out of memory", what);
		return NULL;
	}
	const char *missing = wc_placeholders_text(ph, text, buf, len);
	if (missing) {
		free(buf);
		wc_err(errbuf, "%s: the placeholder {%s} has no value in a live run", what, missing);
		return NULL;
	}
	return buf;
}

static int plan_argv(struct wc_plan_prog *p, json_object *prog, const struct wc_run_opts *o,
                     const struct wc_placeholders *ph, const char *what, char *errbuf)
{
	const char *const *src = NULL;
	const char *json_args[256];
	for (size_t i = 0; i < o->override_count; i++)
		if (strcmp(o->overrides[i].role, p->role) == 0)
			src = (const char *const *)o->overrides[i].argv;
	if (!src) {
		json_object *argv = json_object_object_get(prog, "argv");
		size_t n = json_object_array_length(argv);
		if (n >= sizeof json_args / sizeof *json_args)
			return wc_err(errbuf, "%s.argv: more than 255 arguments", what);
		for (size_t i = 0; i < n; i++)
			json_args[i] = json_object_get_string(json_object_array_get_idx(argv, i));
		json_args[n] = NULL;
		src = json_args;
	}
	size_t n = 0;
	for (size_t i = 0; src[i]; i++) {
		char *a = filled(ph, src[i], what, errbuf);
		if (!a || push(&p->argv, &n, a) != 0)
			return a ? wc_err(errbuf, "%s: out of memory", what) : -1;
	}
	return 0;
}

static int add_env(struct wc_plan_prog *p, size_t *n, const char *name, const char *value, const char *what,
                   char *errbuf)
{
	char *kv = NULL;
	if (asprintf(&kv, "%s=%s", name, value) < 0 || push(&p->env, n, kv) != 0)
		return wc_err(errbuf, "%s: out of memory", what);
	return 0;
}

/* The scenario's variables first; then what the runner needs, which a scenario cannot
 * override by accident: the reference programs first in PATH, the trace library. */
static int plan_env(struct wc_plan_prog *p, json_object *prog, const struct wc_run_opts *o,
                    const struct wc_placeholders *ph, const char *scratch, const char *what, char *errbuf)
{
	size_t n = 0;
	json_object *env = json_object_object_get(prog, "env");
	if (env && json_object_is_type(env, json_type_object)) {
		json_object_object_foreach(env, key, val) {
			char *v = filled(ph, json_object_get_string(val), what, errbuf);
			int rc = v ? add_env(p, &n, key, v, what, errbuf) : -1;
			free(v);
			if (rc != 0)
				return -1;
		}
	} else if (env) {
		for (size_t i = 0, len = json_object_array_length(env); i < len; i++) {
			char *kv = filled(ph, json_object_get_string(json_object_array_get_idx(env, i)), what, errbuf);
			if (!kv || push(&p->env, &n, kv) != 0)
				return kv ? wc_err(errbuf, "%s: out of memory", what) : -1;
		}
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	if (o->env->labs_dir[0]) {
		char *full = NULL;
		if (asprintf(&full, "%s:%s", o->env->labs_dir, path) < 0)
			return wc_err(errbuf, "%s: out of memory", what);
		int rc = add_env(p, &n, "PATH", full, what, errbuf);
		free(full);
		if (rc != 0)
			return -1;
	}
	if (o->env->trace_lib[0]) {
		if (asprintf(&p->trace_path, "%s/%s.trace", scratch, p->role) < 0) {
			p->trace_path = NULL;
			return wc_err(errbuf, "%s: out of memory", what);
		}
		if (add_env(p, &n, "LD_PRELOAD", o->env->trace_lib, what, errbuf) != 0 ||
		    add_env(p, &n, "WC_TRACE_FILE", p->trace_path, what, errbuf) != 0)
			return -1;
	}
	return 0;
}

static int plan_ready(struct wc_plan_prog *p, json_object *prog, const struct wc_run_opts *o,
                      const struct wc_placeholders *ph, const char *what, char *errbuf)
{
	const char *ready = wc_schema_str(prog, "ready", "none");
	for (size_t i = 0; i < o->override_count; i++)
		if (strcmp(o->overrides[i].role, p->role) == 0 && o->overrides[i].ready)
			ready = o->overrides[i].ready;
	if (strcmp(ready, "none") == 0)
		return 0;
	char *text = filled(ph, ready, what, errbuf);
	if (!text)
		return -1;
	p->ready = strncmp(text, "tcp:", 4) == 0 ? WC_READY_TCP : WC_READY_UDP;
	char *end;
	long port = strtol(text + 4, &end, 10);
	bool ok = !*end && port >= 1 && port <= 65535;
	free(text);
	if (!ok)
		return wc_err(errbuf, "%s.ready: the port must be from 1 to 65535", what);
	p->ready_port = (int)port;
	return 0;
}

static int plan_signals(struct wc_plan_prog *p, json_object *prog, double scale, const char *what,
                        char *errbuf)
{
	json_object *sigs = json_object_object_get(prog, "signals");
	size_t n = sigs ? json_object_array_length(sigs) : 0;
	if (n == 0)
		return 0;
	p->signals = calloc(n, sizeof *p->signals);
	if (!p->signals)
		return wc_err(errbuf, "%s: out of memory", what);
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(sigs, i);
		p->signals[i].at_ms = (long)(wc_schema_num(s, "at", 0) * scale * 1000.0 + 0.5);
		p->signals[i].signo = wc_proc_signum(wc_schema_str(s, "signal", ""));
	}
	p->n_signals = n;
	return 0;
}

static int plan_one(struct wc_plan_prog *p, json_object *prog, size_t index, const struct wc_scenario *s,
                    const struct wc_run_opts *o, const struct wc_placeholders *ph, const char *scratch,
                    char *errbuf)
{
	char what[PATH_MAX + 32];
	snprintf(what, sizeof what, "%s: programs[%zu]", s->file, index);
	snprintf(p->role, sizeof p->role, "%s", wc_schema_str(prog, "role", ""));
	const char *host = wc_schema_str(prog, "host", strncmp(p->role, "server", 6) == 0 ? "server" : "client");
	p->host = strcmp(host, "server") == 0 ? WC_HOST_SERVER : WC_HOST_CLIENT;
	p->after = p->after_end = -1;
	p->cwd = wc_schema_str(prog, "cwd", scratch);
	p->stdin_text = wc_schema_str(prog, "stdin", NULL);
	double scale = wc_schema_num(s->root, "time_scale", 1.0);
	p->delay_ms = (long)(wc_schema_num(prog, "delay", 0) * scale * 1000.0 + 0.5);
	p->time_limit_ms = (long)(wc_schema_num(prog, "time_limit", WC_RUN_TIME_LIMIT_MS / 1000.0) * 1000.0 + 0.5);
	json_object *rl = json_object_object_get(prog, "rlimits");
	p->rlimits = (struct wc_proc_rlimits){
		.cpu_s = (long)wc_schema_int(rl, "cpu", 0),
		.as_mb = (long)wc_schema_int(rl, "as_mb", 0),
		.nproc = (long)wc_schema_int(rl, "nproc", 0),
		.nofile = (long)wc_schema_int(rl, "nofile", 0),
	};
	if (plan_argv(p, prog, o, ph, what, errbuf) != 0 || plan_env(p, prog, o, ph, scratch, what, errbuf) != 0 ||
	    plan_ready(p, prog, o, ph, what, errbuf) != 0 || plan_signals(p, prog, scale, what, errbuf) != 0)
		return -1;
	return 0;
}

/* ---- the whole plan ------------------------------------------------------------------- */

static int find_role(const struct wc_plan *plan, const char *role)
{
	for (size_t i = 0; i < plan->count; i++)
		if (strcmp(plan->progs[i].role, role) == 0)
			return (int)i;
	return -1;
}

int wc_plan_build(const struct wc_scenario *s, const struct wc_run_opts *o, const struct wc_placeholders *ph,
                  const char *scratch, struct wc_plan *plan, char *errbuf)
{
	*plan = (struct wc_plan){0};
	size_t n = s->programs ? json_object_array_length(s->programs) : 0;
	if (n && !(plan->progs = calloc(n, sizeof *plan->progs)))
		return wc_err(errbuf, "%s: out of memory", s->file);
	for (size_t i = 0; i < n; i++) {
		plan->count = i + 1;
		if (plan_one(&plan->progs[i], json_object_array_get_idx(s->programs, i), i, s, o, ph, scratch,
		             errbuf) != 0) {
			wc_plan_free(plan);
			return -1;
		}
	}
	for (size_t i = 0; i < o->override_count; i++)
		if (find_role(plan, o->overrides[i].role) < 0) {
			wc_err(errbuf, "--program %s: %s has no program with that role", o->overrides[i].role, s->file);
			wc_plan_free(plan);
			return -1;
		}
	for (size_t i = 0; i < n; i++) {
		json_object *prog = json_object_array_get_idx(s->programs, i);
		const char *after = wc_schema_str(prog, "after", NULL), *end = wc_schema_str(prog, "after_end", NULL);
		if (after && (plan->progs[i].after = find_role(plan, after)) >= 0)
			plan->progs[plan->progs[i].after].awaited = true;
		if (end)
			plan->progs[i].after_end = find_role(plan, end);
	}
	return 0;
}

void wc_plan_free(struct wc_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		struct wc_plan_prog *p = &plan->progs[i];
		free_strv(p->argv);
		free_strv(p->env);
		free(p->signals);
		free(p->trace_path);
	}
	free(plan->progs);
	*plan = (struct wc_plan){0};
}
