/* schema.h — declarative validation of JSON objects (scenario files, check arguments).
 *
 * Every object a user writes is described by a table of fields: key, type, whether it is
 * required, its default, its allowed range or values, and one line of documentation.
 * Validation walks the table and the object together and reports the first problem with
 * the file and the JSON path of the offending value, e.g.
 *   scenarios/tcp-echo.json: expect[3].count: expected a whole number or an object
 *   {"exact"|"min"|"max": N}, got a string
 *   scenarios/tcp-echo.json: expect[0]: unknown key "cont"; did you mean "count"?
 * The same tables generate the reference tables in doc/, so the documentation cannot
 * drift from what the parser accepts.
 */
#ifndef WC_SCHEMA_H
#define WC_SCHEMA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"

enum wc_ftype {
	WC_F_STRING,      /* any string (enum_values restricts it) */
	WC_F_INT,         /* whole number in [min, max] */
	WC_F_NUMBER,      /* number in [min, max] */
	WC_F_BOOL,
	WC_F_COUNT,       /* N, or {"exact": N} / {"min": N, "max": M}: see wc_count; never
	                     negative when the field gives no range */
	WC_F_STRINGS,     /* array of strings (argv, env) */
	WC_F_OBJECT,      /* nested object described by `fields` */
	WC_F_OBJECTS,     /* array of objects, each described by `fields` */
	WC_F_ANY,         /* anything; the field's `check` validates it (a value of several
	                     shapes); an expectation's arguments are a `variant` instead */
};

/* A range side left open: {.min = 0, .max = WC_NO_LIMIT} means "at least 0". */
#define WC_NO_LIMIT 1e300

struct wc_field {
	const char *key;
	enum wc_ftype type;
	bool required;
	const char *default_text;           /* shown in doc/, NULL = no default */
	double min, max;                    /* INT / NUMBER / COUNT range; min > max, or both
	                                       0 (left out of an initializer): none. Also
	                                       STRING: its length in bytes; STRINGS / OBJECTS:
	                                       the number of items (min 1: not empty) */
	const char *const *enum_values;     /* STRING: NULL-terminated allowed values */
	const struct wc_field *fields;      /* OBJECT / OBJECTS: terminated by key NULL */
	const char *doc;                    /* one line: what it means */
	const char *example;                /* JSON text of an example value, for doc/ */
	/* Optional additions, for what a table alone cannot say: */
	/* A rule the value must also follow (a name's characters, "tcp:PORT", a regular
	 * expression that compiles), run after the type and range passed. Returns 0, or -1
	 * with errbuf filled through wc_schema_err(errbuf, file, path, …). */
	int (*check)(json_object *v, const char *file, const char *path, char *errbuf);
	/* OBJECT / OBJECTS whose allowed keys depend on one of their values (an expectation's
	 * "check", a fault's "kind"): the table of the keys allowed beside `fields`, or NULL
	 * for none. Called once `fields` validated, so the key it reads is present and valid. */
	const struct wc_field *(*variant)(json_object *obj);
	const char *type_doc;               /* doc/'s type column when the type says too little
	                                       (ANY: "object of strings, or array of …") */
	bool placeholder;                   /* INT: may also be a placeholder standing for one,
	                                       "{port}", filled before a check reads it */
};

/* A count expectation: exactly N, or at least / at most. */
struct wc_count {
	bool has_exact, has_min, has_max;
	int64_t exact, min, max;
};
bool wc_count_ok(const struct wc_count *c, int64_t n);
/* "exactly 3", "at least 1", "between 2 and 5", "at most 0"; buf >= 48 bytes. */
const char *wc_count_str(const struct wc_count *c, char *buf, size_t len);
/* Read a validated COUNT value. */
void wc_count_get(json_object *v, struct wc_count *out);

/* Validate obj against fields. file names the source in messages; path is the JSON
 * path of obj ("" for the root; "expect[3]"). Returns 0, or -1 with errbuf filled as
 * "FILE: PATH.KEY: problem". Unknown keys are errors that suggest the nearest known key
 * (edit distance) when one is close. */
int wc_schema_validate(json_object *obj, const struct wc_field *fields, const char *file,
                       const char *path, char *errbuf);

/* Typed getters with the table's defaults: the value of key, or the default when absent.
 * Only for objects that passed wc_schema_validate against a table holding that key. */
const char *wc_schema_str(json_object *obj, const char *key, const char *dflt);
int64_t wc_schema_int(json_object *obj, const char *key, int64_t dflt);
double wc_schema_num(json_object *obj, const char *key, double dflt);
bool wc_schema_bool(json_object *obj, const char *key, bool dflt);

/* An error at a JSON path, for `check` functions: "FILE: PATH: problem" ("FILE: problem"
 * when path is "", the top level). Returns -1. */
int wc_schema_err(char *errbuf, const char *file, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* What a JSON value is, for messages: "a string", "a number", "an array", "an object",
 * "true", "false", "null". */
const char *wc_schema_kind(json_object *v);

/* A `check` for strings holding a POSIX extended regular expression: it must compile once
 * its placeholders ("{port}", "{server}", "{client}") are filled, so they are replaced by a
 * plain character before compiling. */
int wc_schema_regex(json_object *v, const char *file, const char *path, char *errbuf);
/* The known word nearest to word (edit distance at most max(2, strlen(word) / 3)), or
 * NULL: for "did you mean". words is NULL-terminated. */
const char *wc_schema_nearest(const char *word, const char *const *words);

/* Write the fields as a Markdown table (key, type, required/default, meaning, example),
 * nested objects as their own tables after it, titled with their path. The table is
 * headed "### title" (none when title is NULL), the nested ones "#### `path`". */
void wc_schema_markdown(FILE *out, const char *title, const struct wc_field *fields);

/* Edit distance between two short strings (used for "did you mean"). */
unsigned wc_edit_distance(const char *a, const char *b);

#endif
