/* check_proc_output.c — proc.output: what a program wrote on stdout or stderr: a string
 * it contains, a regular expression it matches, or nothing at all. */
#include "checks_proc.h"

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define RE_FLAGS (REG_EXTENDED | REG_NOSUB | REG_NEWLINE)

static const char *const streams[] = {"stdout", "stderr", NULL};

static const struct wc_field args[] = {
	{.key = "role", .type = WC_F_STRING, .required = true,
	 .doc = "the program role, as named in programs", .example = "\"server\""},
	{.key = "stream", .type = WC_F_STRING, .default_text = "stdout", .enum_values = streams,
	 .doc = "which output", .example = "\"stderr\""},
	{.key = "contains", .type = WC_F_STRING, .min = 1, .max = 1024,
	 .doc = "text the output contains", .example = "\"received 3 datagrams\""},
	{.key = "matches", .type = WC_F_STRING, .min = 1, .max = 1024, .check = wc_schema_regex,
	 .doc = "a POSIX extended regular expression some line of the output matches",
	 .example = "\"^received [0-9]+ datagrams$\""},
	{.key = "empty", .type = WC_F_BOOL,
	 .doc = "the program wrote nothing (true) or something (false) on the stream", .example = "true"},
	{.key = NULL},
};

static bool contains(const struct wc_run_output *o, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; o->bytes && i + n <= o->len; i++)
		if (memcmp(o->bytes + i, s, n) == 0)
			return true;
	return false;
}

/* regcomp stops at a NUL the program wrote: each NUL-separated piece is tried. */
static bool matches(const struct wc_run_output *o, const char *pattern)
{
	regex_t re;
	if (regcomp(&re, pattern, RE_FLAGS) != 0)
		return false;
	bool hit = false;
	for (size_t i = 0; o->bytes && !hit && i <= o->len; i += strlen(o->bytes + i) + 1)
		hit = regexec(&re, o->bytes + i, 0, NULL, 0) == 0;
	regfree(&re);
	return hit;
}

/* " (stdout was cut after 65536 bytes: 120 more were not kept)", or "". */
static void cut_note(const struct wc_run_output *o, const char *stream, char *buf, size_t len)
{
	buf[0] = '\0';
	if (o->dropped)
		snprintf(buf, len, " (%s was cut after %zu bytes: %llu more were not kept)", stream, o->len,
		         (unsigned long long)o->dropped);
}

/* What the output says, for a failure's reason: its first line, cut at 80 characters, with
 * bytes that are not printable shown as '?': "it begins \"recv: Connection reset\"". */
static void first_line(const struct wc_run_output *o, char *buf, size_t len)
{
	if (!o->bytes || o->len == 0) {
		snprintf(buf, len, "it is empty");
		return;
	}
	char line[84];
	size_t n = 0, i = 0;
	for (; i < o->len && o->bytes[i] != '\n' && n < 80; i++) {
		unsigned char c = (unsigned char)o->bytes[i];
		line[n++] = c >= 0x20 && c != 0x7f ? (char)c : '?';
	}
	line[n] = '\0';
	bool more = i < o->len && !(o->bytes[i] == '\n' && i + 1 == o->len);
	snprintf(buf, len, "%s \"%s\"%s", more ? "it begins" : "it is", line, more ? " …" : "");
}

static void run(const struct wc_check_ctx *ctx, json_object *a, struct wc_result *r)
{
	const struct wc_run_role *p = wc_proc_role(ctx, a, "the output", r);
	if (!p)
		return;
	const char *stream = wc_schema_str(a, "stream", "stdout");
	const struct wc_run_output *o = strcmp(stream, "stderr") == 0 ? &p->err : &p->out;
	uint64_t total = o->len + o->dropped;
	char cut[128];
	cut_note(o, stream, cut, sizeof cut);
	const char *text = wc_schema_str(a, "contains", NULL);
	const char *re = wc_schema_str(a, "matches", NULL);
	json_object *e = NULL;
	if (json_object_object_get_ex(a, "empty", &e) && json_object_get_boolean(e) != (total == 0)) {
		r->verdict = WC_FAIL;
		if (total)
			wc_result_reason(r, "the %s wrote %llu bytes on %s, expected nothing", p->role,
			                 (unsigned long long)total, stream);
		else
			wc_result_reason(r, "the %s wrote nothing on %s", p->role, stream);
		return;
	}
	if ((text && !contains(o, text)) || (re && !matches(o, re))) {
		const char *what = text && !contains(o, text) ? "contain" : "match";
		const char *arg = what[0] == 'c' ? text : re;
		/* What was cut may hold it: the kept part alone cannot say no. */
		r->verdict = o->dropped ? WC_INCONCLUSIVE : WC_FAIL;
		char said[128];
		first_line(o, said, sizeof said);
		wc_result_reason(r, "the %s's %s (%zu bytes) does not %s \"%s\": %s%s", p->role, stream, o->len, what, arg,
		                 said, cut);
		return;
	}
	r->verdict = WC_PASS;
	if (text || re)
		wc_result_reason(r, "the %s's %s %s \"%s\"%s", p->role, stream, text ? "contains" : "matches",
		                 text ? text : re, cut);
	else if (total)
		wc_result_reason(r, "the %s wrote %llu bytes on %s", p->role, (unsigned long long)total, stream);
	else
		wc_result_reason(r, "the %s wrote nothing on %s, as expected", p->role, stream);
}

const struct wc_check_def wc_check_proc_output = {
	.name = "proc.output",
	.summary = "what a program wrote on stdout or stderr: contains a text, matches a regular expression, or is empty",
	.args = args,
	.example = "{\"check\": \"proc.output\", \"role\": \"client\", \"contains\": \"ABCDE\"}",
	.run = run,
};
