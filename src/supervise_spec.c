/* supervise_spec.c — turn a program spec into what the children need, allocated before the clone. */
#include "supervise_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char **copy_strv(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **c = calloc(n + 1, sizeof *c);
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(c[i] = strdup(v[i]))) {
			free_strv(c);
			return NULL;
		}
	return c;
}

static bool same_name(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");
	return la == lb && memcmp(a, b, la) == 0;
}

/* environ with the spec's variables set on top: a name given twice keeps the last. */
static char **merge_env(const char *const *extra)
{
	char **env = copy_strv((const char *const *)environ);
	size_t n = 0, add = 0;
	while (env && env[n])
		n++;
	while (extra && extra[add])
		add++;
	char **all = env ? realloc(env, (n + add + 1) * sizeof *all) : NULL;
	if (!all) {
		free_strv(env);
		return NULL;
	}
	for (size_t i = 0; i < add; i++) {
		char *s = strdup(extra[i]);
		if (!s) {
			all[n] = NULL;
			free_strv(all);
			return NULL;
		}
		size_t j = 0;
		while (j < n && !same_name(all[j], s))
			j++;
		if (j < n)
			free(all[j]);
		else
			n++;
		all[j] = s;
	}
	all[n] = NULL;
	return all;
}

static const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

/* The children may not allocate after the clone, so PATH is searched here, with the
 * PATH the program will have. */
static char *resolve(const char *name, char *const *env, char *errbuf)
{
	if (strchr(name, '/')) {
		if (access(name, X_OK) != 0) {
			wc_err_errno(errbuf, errno, "cannot start %s", name);
			return NULL;
		}
		return strdup(name);
	}
	const char *path = env_get(env, "PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		char buf[PATH_MAX];
		struct stat st;
		if (len > 0 && snprintf(buf, sizeof buf, "%.*s/%s", (int)len, path, name) < (int)sizeof buf &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return strdup(buf);
		path += len + (path[len] == ':');
	}
	wc_err(errbuf, "cannot start %s: not found in PATH", name);
	return NULL;
}

static int by_time(const void *a, const void *b)
{
	long x = ((const struct wc_proc_signal_at *)a)->at_ms, y = ((const struct wc_proc_signal_at *)b)->at_ms;
	return (x > y) - (x < y);
}

int wc_prep_spec(struct wc_prep *out, const struct wc_proc_spec *spec, char *errbuf)
{
	memset(out, 0, sizeof *out);
	out->argv = copy_strv(spec->argv);
	out->envp = merge_env(spec->env);
	out->cwd = dup_or_null(spec->cwd);
	out->stdin_text = dup_or_null(spec->stdin_text);
	out->signals = calloc(spec->n_signals + 1, sizeof *out->signals);
	if (!out->argv || !out->envp || (spec->cwd && !out->cwd) ||
	    (spec->stdin_text && !out->stdin_text) || !out->signals)
		return wc_err(errbuf, "out of memory");
	if (spec->n_signals)
		memcpy(out->signals, spec->signals, spec->n_signals * sizeof *out->signals);
	qsort(out->signals, spec->n_signals, sizeof *out->signals, by_time);
	out->n_signals = spec->n_signals;
	out->path = resolve(out->argv[0], out->envp, errbuf);
	return out->path ? 0 : -1;
}

void wc_prep_free(struct wc_prep *prep)
{
	free(prep->path);
	free(prep->cwd);
	free(prep->stdin_text);
	free_strv(prep->argv);
	free_strv(prep->envp);
	free(prep->signals);
	memset(prep, 0, sizeof *prep);
}
