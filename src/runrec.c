/* runrec.c — building and releasing the record of a live run. */
#include "runrec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void output_free(struct wc_run_output *o)
{
	free(o->bytes);
	*o = (struct wc_run_output){0};
}

struct wc_run_role *wc_run_add_role(struct wc_run_record *rec, const char *role, const char *argv0,
                                    char *errbuf)
{
	struct wc_run_role *v = realloc(rec->roles, (rec->role_count + 1) * sizeof *v);
	if (!v) {
		wc_err_errno(errbuf, ENOMEM, "run record: role %s", role);
		return NULL;
	}
	rec->roles = v;
	struct wc_run_role *r = &v[rec->role_count++];
	*r = (struct wc_run_role){.exit_status = -1, .procs_left = -1, .zombies = -1};
	snprintf(r->role, sizeof r->role, "%s", role);
	snprintf(r->argv0, sizeof r->argv0, "%s", argv0);
	return r;
}

struct wc_run_capture *wc_run_add_capture(struct wc_run_record *rec, const char *tag, const char *path,
                                          char *errbuf)
{
	char *copy = strdup(path);
	struct wc_run_capture *v = copy ? realloc(rec->caps, (rec->cap_count + 1) * sizeof *v) : NULL;
	if (!v) {
		free(copy);
		wc_err_errno(errbuf, ENOMEM, "run record: capture %s", path);
		return NULL;
	}
	rec->caps = v;
	struct wc_run_capture *c = &v[rec->cap_count++];
	*c = (struct wc_run_capture){.path = copy};
	snprintf(c->tag, sizeof c->tag, "%s", tag);
	return c;
}

int wc_run_output_set(struct wc_run_output *o, const void *bytes, size_t len, uint64_t dropped,
                      char *errbuf)
{
	char *copy = malloc(len + 1);
	if (!copy)
		return wc_err_errno(errbuf, ENOMEM, "run record: %zu bytes of output", len);
	if (len)
		memcpy(copy, bytes, len);
	copy[len] = '\0';
	output_free(o);
	*o = (struct wc_run_output){.bytes = copy, .len = len, .dropped = dropped};
	return 0;
}

const struct wc_run_role *wc_run_find_role(const struct wc_run_record *rec, const char *role)
{
	for (size_t i = 0; i < rec->role_count; i++)
		if (strcmp(rec->roles[i].role, role) == 0)
			return &rec->roles[i];
	return NULL;
}

void wc_run_record_free(struct wc_run_record *rec)
{
	for (size_t i = 0; i < rec->role_count; i++) {
		output_free(&rec->roles[i].out);
		output_free(&rec->roles[i].err);
		wc_trace_free(&rec->roles[i].trace);
		free(rec->roles[i].trace_path);
	}
	for (size_t i = 0; i < rec->cap_count; i++)
		free(rec->caps[i].path);
	free(rec->roles);
	free(rec->caps);
	*rec = (struct wc_run_record){0};
}
