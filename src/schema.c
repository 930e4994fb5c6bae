/* schema.c — validation of JSON objects against field tables, and their Markdown reference. */
#include "schema.h"

#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LEN 256

static bool has_range(const struct wc_field *f)
{
	return !(f->min > f->max) && !(f->min == 0 && f->max == 0);
}

/* The shortest text that reads back as the same number: 1, 0.5, 65535. */
static const char *num_text(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", v);
	return buf;
}

static void child_key(char *out, const char *path, const char *key)
{
	snprintf(out, PATH_LEN, "%s%s%s", path, *path ? "." : "", key);
}

static void child_index(char *out, const char *path, size_t i)
{
	snprintf(out, PATH_LEN, "%s[%zu]", path, i);
}

static const struct wc_field *find_field(const struct wc_field *fields, const char *key)
{
	for (const struct wc_field *f = fields; f && f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

static unsigned suggest_limit(const char *word)
{
	size_t third = strlen(word) / 3;
	return third > 2 ? (unsigned)third : 2;
}

/* The key of fields or extra nearest to word, within the "did you mean" limit. */
static const char *nearest_key(const char *word, const struct wc_field *fields,
                               const struct wc_field *extra)
{
	const char *best = NULL;
	unsigned best_d = suggest_limit(word) + 1;
	const struct wc_field *tables[2] = {fields, extra};
	for (int t = 0; t < 2; t++)
		for (const struct wc_field *f = tables[t]; f && f->key; f++) {
			unsigned d = wc_edit_distance(word, f->key);
			if (d < best_d) {
				best_d = d;
				best = f->key;
			}
		}
	return best;
}

static int type_error(const char *expected, json_object *v, const char *file, const char *path,
                      char *errbuf)
{
	return wc_schema_err(errbuf, file, path, "expected %s, got %s", expected, wc_schema_kind(v));
}

/* A number against the field's range: "must be at least 0, got -1". */
static int check_range(const struct wc_field *f, double v, const char *file, const char *path,
                       char *errbuf)
{
	char a[32], b[32];
	if (!has_range(f))
		return 0;
	if (v < f->min)
		return wc_schema_err(errbuf, file, path, "must be at least %s, got %s",
		                     num_text(f->min, a, sizeof a), num_text(v, b, sizeof b));
	if (v > f->max)
		return wc_schema_err(errbuf, file, path, "must be at most %s, got %s",
		                     num_text(f->max, a, sizeof a), num_text(v, b, sizeof b));
	return 0;
}

/* A length against the field's range: a string's bytes ("must be at most 15 bytes long")
 * or an array's items ("must hold at most 3 items"). */
static int check_size(const struct wc_field *f, size_t n, bool bytes, const char *file,
                      const char *path, char *errbuf)
{
	char a[32];
	if (!has_range(f))
		return 0;
	if (n == 0 && f->min >= 1)
		return wc_schema_err(errbuf, file, path, "must not be empty");
	bool low = (double)n < f->min;
	if (!low && (double)n <= f->max)
		return 0;
	num_text(low ? f->min : f->max, a, sizeof a);
	if (bytes)
		return wc_schema_err(errbuf, file, path, "must be at %s %s bytes long, got %zu",
		                     low ? "least" : "most", a, n);
	return wc_schema_err(errbuf, file, path, "must hold at %s %s items, got %zu",
	                     low ? "least" : "most", a, n);
}

static int check_enum(const struct wc_field *f, const char *s, const char *file, const char *path,
                      char *errbuf)
{
	if (!f->enum_values)
		return 0;
	char list[WC_ERRBUF_SIZE] = "";
	size_t used = 0;
	for (const char *const *e = f->enum_values; *e; e++) {
		if (strcmp(*e, s) == 0)
			return 0;
		int n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *e);
		if (n > 0 && (size_t)n < sizeof list - used)
			used += (size_t)n;
	}
	return wc_schema_err(errbuf, file, path, "must be one of %s; got \"%s\"", list, s);
}

/* A whole number as a count must have no fraction: json-c parses "2.0" as a double. */
static int check_whole(const struct wc_field *f, json_object *v, const char *expected,
                       const char *file, const char *path, char *errbuf)
{
	char b[32];
	if (json_object_is_type(v, json_type_double)) {
		/* "got 2.0", not "got 2": the reader must see why 2.0 is not whole. */
		num_text(json_object_get_double(v), b, sizeof b);
		return wc_schema_err(errbuf, file, path, "expected %s, got %s%s", expected, b,
		                     strpbrk(b, ".en") ? "" : ".0");
	}
	if (!json_object_is_type(v, json_type_int))
		return type_error(expected, v, file, path, errbuf);
	return check_range(f, (double)json_object_get_int64(v), file, path, errbuf);
}

static const struct wc_field count_keys[] = {
	{.key = "exact", .type = WC_F_INT},
	{.key = "min", .type = WC_F_INT},
	{.key = "max", .type = WC_F_INT},
	{.key = NULL},
};

/* N, or {"exact": N} / {"min": N, "max": M}: never negative, within the field's range. */
static int check_count(const struct wc_field *f, json_object *v, const char *file,
                       const char *path, char *errbuf)
{
	static const char expected[] = "a whole number or an object {\"exact\"|\"min\"|\"max\": N}";
	struct wc_field bound = *f;
	if (!has_range(f)) {
		bound.min = 0;
		bound.max = WC_NO_LIMIT;
	}
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		return check_whole(&bound, v, "a whole number", file, path, errbuf);
	if (!json_object_is_type(v, json_type_object))
		return type_error(expected, v, file, path, errbuf);
	char sub[PATH_LEN];
	json_object_object_foreach(v, key, val) {
		if (!find_field(count_keys, key)) {
			const char *near = nearest_key(key, count_keys, NULL);
			if (near)
				return wc_schema_err(errbuf, file, path, "unknown key \"%s\"; did you mean \"%s\"?",
				                     key, near);
			return wc_schema_err(errbuf, file, path,
			                     "unknown key \"%s\"; a count takes \"exact\", \"min\" or \"max\"", key);
		}
		child_key(sub, path, key);
		if (check_whole(&bound, val, "a whole number", file, sub, errbuf))
			return -1;
	}
	struct wc_count c;
	wc_count_get(v, &c);
	if (!c.has_exact && !c.has_min && !c.has_max)
		return wc_schema_err(errbuf, file, path, "an empty count: give \"exact\", \"min\" or \"max\"");
	if (c.has_exact && (c.has_min || c.has_max))
		return wc_schema_err(errbuf, file, path, "\"exact\" cannot be combined with \"min\" or \"max\"");
	if (c.has_min && c.has_max && c.min > c.max)
		return wc_schema_err(errbuf, file, path, "min %lld is greater than max %lld",
		                     (long long)c.min, (long long)c.max);
	return 0;
}

/* "{port}": a lower-case name in braces, the whole string. */
static bool is_placeholder(json_object *v)
{
	if (!json_object_is_type(v, json_type_string))
		return false;
	const char *s = json_object_get_string(v);
	size_t n = strlen(s);
	if (n < 3 || s[0] != '{' || s[n - 1] != '}')
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

static int validate_object(json_object *obj, const struct wc_field *fields,
                           const struct wc_field *(*variant)(json_object *), const char *file,
                           const char *path, char *errbuf);

static int validate_value(const struct wc_field *f, json_object *v, const char *file,
                          const char *path, char *errbuf)
{
	char sub[PATH_LEN];
	switch (f->type) {
	case WC_F_STRING:
		if (!json_object_is_type(v, json_type_string))
			return type_error("a string", v, file, path, errbuf);
		if (check_enum(f, json_object_get_string(v), file, path, errbuf) ||
		    check_size(f, (size_t)json_object_get_string_len(v), true, file, path, errbuf))
			return -1;
		break;
	case WC_F_INT:
		if (f->placeholder && is_placeholder(v))
			break;
		if (check_whole(f, v, f->placeholder ? "a whole number or a placeholder such as \"{port}\"" : "a whole number",
		                file, path, errbuf))
			return -1;
		break;
	case WC_F_NUMBER:
		if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
			return type_error("a number", v, file, path, errbuf);
		if (check_range(f, json_object_get_double(v), file, path, errbuf))
			return -1;
		break;
	case WC_F_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return type_error("true or false", v, file, path, errbuf);
		break;
	case WC_F_COUNT:
		if (check_count(f, v, file, path, errbuf))
			return -1;
		break;
	case WC_F_STRINGS:
	case WC_F_OBJECTS: {
		bool strings = f->type == WC_F_STRINGS;
		if (!json_object_is_type(v, json_type_array))
			return type_error(strings ? "an array of strings" : "an array of objects", v, file,
			                  path, errbuf);
		size_t n = json_object_array_length(v);
		if (check_size(f, n, false, file, path, errbuf))
			return -1;
		for (size_t i = 0; i < n; i++) {
			json_object *item = json_object_array_get_idx(v, i);
			child_index(sub, path, i);
			if (strings && !json_object_is_type(item, json_type_string))
				return type_error("a string", item, file, sub, errbuf);
			if (!strings && validate_object(item, f->fields, f->variant, file, sub, errbuf))
				return -1;
		}
		break;
	}
	case WC_F_OBJECT:
		if (validate_object(v, f->fields, f->variant, file, path, errbuf))
			return -1;
		break;
	case WC_F_ANY:
		break;
	}
	return f->check ? f->check(v, file, path, errbuf) : 0;
}

/* A required key is missing; when an unknown key of obj is a near miss of it, saying so
 * helps more than "missing" does ("argv" typed as "arg"). */
static int missing_required(json_object *obj, const struct wc_field *fields,
                            const struct wc_field *extra, const char *file, const char *path,
                            char *errbuf)
{
	const struct wc_field *tables[2] = {fields, extra};
	for (int t = 0; t < 2; t++)
		for (const struct wc_field *f = tables[t]; f && f->key; f++) {
			if (!f->required || json_object_object_get_ex(obj, f->key, NULL))
				continue;
			json_object_object_foreach(obj, key, val) {
				(void)val;
				if (!find_field(fields, key) && !find_field(extra, key) &&
				    wc_edit_distance(key, f->key) <= suggest_limit(key))
					return wc_schema_err(errbuf, file, path,
					                     "unknown key \"%s\"; did you mean \"%s\"?", key, f->key);
			}
			return wc_schema_err(errbuf, file, path, "missing required key \"%s\"", f->key);
		}
	return 0;
}

/* The common keys first, in document order, and their required ones (the variant's choice
 * rests on them); then the variant's keys and the unknown ones, in document order; then
 * the variant's required keys. */
static int validate_object(json_object *obj, const struct wc_field *fields,
                           const struct wc_field *(*variant)(json_object *), const char *file,
                           const char *path, char *errbuf)
{
	char sub[PATH_LEN];
	if (!json_object_is_type(obj, json_type_object))
		return type_error("an object", obj, file, path, errbuf);
	json_object_object_foreach(obj, key, val) {
		const struct wc_field *f = find_field(fields, key);
		child_key(sub, path, key);
		if (f && validate_value(f, val, file, sub, errbuf))
			return -1;
	}
	if (missing_required(obj, fields, NULL, file, path, errbuf))
		return -1;
	const struct wc_field *extra = variant ? variant(obj) : NULL;
	json_object_object_foreach(obj, key2, val2) {
		if (find_field(fields, key2))
			continue;
		const struct wc_field *f = find_field(extra, key2);
		child_key(sub, path, key2);
		if (f) {
			if (validate_value(f, val2, file, sub, errbuf))
				return -1;
			continue;
		}
		const char *near = nearest_key(key2, fields, extra);
		if (near)
			return wc_schema_err(errbuf, file, path, "unknown key \"%s\"; did you mean \"%s\"?",
			                     key2, near);
		return wc_schema_err(errbuf, file, path, "unknown key \"%s\"", key2);
	}
	return missing_required(obj, fields, extra, file, path, errbuf);
}

/* ---- Markdown ---------------------------------------------------------------- */

/* Table cells hold one line; a '|' would end the cell. */
static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else
			fputc(*s == '\n' ? ' ' : *s, out);
	}
}

static void md_range(FILE *out, const struct wc_field *f, const char *unit)
{
	char a[32], b[32];
	if (!has_range(f))
		return;
	bool lo = f->min > -WC_NO_LIMIT, hi = f->max < WC_NO_LIMIT;
	if (lo && hi && f->min == f->max)
		fprintf(out, ", exactly %s%s", num_text(f->min, a, sizeof a), unit);
	else if (lo && hi)
		fprintf(out, ", %s to %s%s", num_text(f->min, a, sizeof a), num_text(f->max, b, sizeof b),
		        unit);
	else if (lo && f->min == 1 && *unit)
		fputs(", not empty", out);
	else if (lo)
		fprintf(out, ", at least %s%s", num_text(f->min, a, sizeof a), unit);
	else if (hi)
		fprintf(out, ", at most %s%s", num_text(f->max, b, sizeof b), unit);
}

/* GitHub's anchor for a heading: lower case, punctuation dropped, spaces as '-'. */
static void md_anchor(FILE *out, const char *title)
{
	for (; *title; title++) {
		if ((*title >= 'a' && *title <= 'z') || (*title >= '0' && *title <= '9') ||
		    *title == '-' || *title == '_')
			fputc(*title, out);
		else if (*title >= 'A' && *title <= 'Z')
			fputc(*title - 'A' + 'a', out);
		else if (*title == ' ')
			fputc('-', out);
	}
}

static void md_type(FILE *out, const struct wc_field *f, const char *path)
{
	if (f->type_doc) {
		md_cell(out, f->type_doc);
		return;
	}
	switch (f->type) {
	case WC_F_STRING:
		if (f->enum_values) {
			fputs("one of", out);
			for (const char *const *e = f->enum_values; *e; e++)
				fprintf(out, "%s `%s`", e == f->enum_values ? "" : ",", *e);
			return;
		}
		fputs("string", out);
		md_range(out, f, " bytes");
		return;
	case WC_F_INT:
		fputs("whole number", out);
		md_range(out, f, "");
		if (f->placeholder)
			fputs(", or `\"{port}\"`", out);
		return;
	case WC_F_NUMBER:
		fputs("number", out);
		md_range(out, f, "");
		return;
	case WC_F_BOOL:
		fputs("`true` or `false`", out);
		return;
	case WC_F_COUNT:
		fputs("[count](#counts)", out);
		md_range(out, f, "");
		return;
	case WC_F_STRINGS:
		fputs("array of strings", out);
		md_range(out, f, " items");
		return;
	case WC_F_OBJECT:
	case WC_F_OBJECTS:
		fprintf(out, "%s: [`%s%s`](#", f->type == WC_F_OBJECT ? "object" : "array of objects",
		        path, f->type == WC_F_OBJECT ? "" : "[]");
		md_anchor(out, path);
		fputs(")", out);
		md_range(out, f, " items");
		return;
	case WC_F_ANY:
		fputs("any", out);
		return;
	}
}

static bool is_json_text(const char *s)
{
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return false;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* The terminating NUL goes in too: it is what ends a bare number or literal. */
	size_t len = strlen(s);
	json_object *j = json_tokener_parse_ex(tok, s, (int)len + 1);
	bool whole = j && json_tokener_get_parse_end(tok) == len;
	json_object_put(j);
	json_tokener_free(tok);
	return whole;
}

/* A default that is JSON text shows as code; one in words ("by role") as words. */
static void md_default(FILE *out, const struct wc_field *f)
{
	if (f->required) {
		fputs("required", out);
		return;
	}
	if (!f->default_text) {
		fputs("—", out);
		return;
	}
	if (is_json_text(f->default_text)) {
		fputs("`", out);
		md_cell(out, f->default_text);
		fputs("`", out);
	} else {
		md_cell(out, f->default_text);
	}
}

/* Headings name the JSON path; GitHub makes the anchor of "`programs[]`" "programs". */
static void md_table(FILE *out, const char *heading, const char *title, const char *prefix,
                     const struct wc_field *fields)
{
	if (title)
		fprintf(out, "%s %s\n\n", heading, title);
	if (!fields || !fields->key) {
		fputs("No keys.\n\n", out);
		return;
	}
	fputs("| key | type | default | meaning | example |\n|---|---|---|---|---|\n", out);
	char path[PATH_LEN];
	for (const struct wc_field *f = fields; f->key; f++) {
		child_key(path, prefix, f->key);
		fprintf(out, "| `%s` | ", f->key);
		md_type(out, f, path);
		fputs(" | ", out);
		md_default(out, f);
		fputs(" | ", out);
		md_cell(out, f->doc ? f->doc : "");
		fputs(" | ", out);
		if (f->example) {
			fputs("`", out);
			md_cell(out, f->example);
			fputs("`", out);
		}
		fputs(" |\n", out);
	}
	fputc('\n', out);
	for (const struct wc_field *f = fields; f->key; f++) {
		if ((f->type != WC_F_OBJECT && f->type != WC_F_OBJECTS) || !f->fields)
			continue;
		char sub[PATH_LEN], sub_title[PATH_LEN + 8];
		child_key(sub, prefix, f->key);
		snprintf(sub_title, sizeof sub_title, "`%s%s`", sub, f->type == WC_F_OBJECTS ? "[]" : "");
		if (f->type == WC_F_OBJECTS)
			strncat(sub, "[]", sizeof sub - strlen(sub) - 1);
		md_table(out, "####", sub_title, sub, f->fields);
	}
}

/* ---- public entry points ------------------------------------------------------ */

int wc_schema_err(char *errbuf, const char *file, const char *path, const char *fmt, ...)
{
	char msg[WC_ERRBUF_SIZE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (*path)
		return wc_err(errbuf, "%s: %s: %s", file, path, msg);
	return wc_err(errbuf, "%s: %s", file, msg);
}

const char *wc_schema_kind(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return json_object_get_boolean(v) ? "true" : "false";
	case json_type_int:
	case json_type_double:
		return "a number";
	case json_type_string:
		return "a string";
	case json_type_array:
		return "an array";
	case json_type_object:
		return "an object";
	}
	return "a value";
}

const char *wc_schema_nearest(const char *word, const char *const *words)
{
	const char *best = NULL;
	unsigned best_d = suggest_limit(word) + 1;
	for (; *words; words++) {
		unsigned d = wc_edit_distance(word, *words);
		if (d < best_d) {
			best_d = d;
			best = *words;
		}
	}
	return best;
}

int wc_schema_validate(json_object *obj, const struct wc_field *fields, const char *file,
                       const char *path, char *errbuf)
{
	return validate_object(obj, fields, NULL, file, path ? path : "", errbuf);
}

void wc_schema_markdown(FILE *out, const char *title, const struct wc_field *fields)
{
	md_table(out, "###", title, "", fields);
}

/* Levenshtein distance over bytes, two rows. Keys and check names are short; longer
 * strings are cut at 63 bytes, which only makes far-apart words look a little nearer. */
unsigned wc_edit_distance(const char *a, const char *b)
{
	enum { CAP = 63 };
	unsigned prev[CAP + 1], cur[CAP + 1];
	size_t la = strlen(a), lb = strlen(b);
	if (la > CAP)
		la = CAP;
	if (lb > CAP)
		lb = CAP;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof prev);
	}
	return prev[lb];
}

int wc_schema_regex(json_object *v, const char *file, const char *path, char *errbuf)
{
	const char *text = json_object_get_string(v);
	char *plain = strdup(text);
	if (!plain)
		return wc_schema_err(errbuf, file, path, "out of memory");
	/* "{name}" → "x": what a placeholder will hold is plain text, never regex syntax */
	char *o = plain;
	for (const char *c = text; *c;) {
		const char *end = *c == '{' ? strchr(c, '}') : NULL;
		bool name = end && end > c + 1;
		for (const char *k = c + 1; name && k < end; k++)
			name = *k >= 'a' && *k <= 'z';
		if (name) {
			*o++ = 'x';
			c = end + 1;
		} else {
			*o++ = *c++;
		}
	}
	*o = '\0';
	regex_t re;
	int rc = regcomp(&re, plain, REG_EXTENDED | REG_NOSUB);
	free(plain);
	if (rc == 0) {
		regfree(&re);
		return 0;
	}
	char why[128];
	regerror(rc, &re, why, sizeof why);
	return wc_schema_err(errbuf, file, path, "not a valid regular expression: %s", why);
}
