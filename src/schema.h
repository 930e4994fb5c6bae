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
	WC_F_COUNT,       /* N, or {"exact": N} / {"min": N, "max": M}: see wc_count */
	WC_F_STRINGS,     /* array of strings (argv, env) */
	WC_F_OBJECT,      /* nested object described by `fields` */
	WC_F_OBJECTS,     /* array of objects, each described by `fields` */
	WC_F_ANY,         /* anything; the consumer validates it (check arguments, keyed by
	                     the sibling "check" field: see `dispatch`) */
};

struct wc_field {
	const char *key;
	enum wc_ftype type;
	bool required;
	const char *default_text;           /* shown in doc/, NULL = no default */
	double min, max;                    /* INT / NUMBER / COUNT range; min > max: none */
	const char *const *enum_values;     /* STRING: NULL-terminated allowed values */
	const struct wc_field *fields;      /* OBJECT / OBJECTS: terminated by key NULL */
	const char *doc;                    /* one line: what it means */
	const char *example;                /* JSON text of an example value, for doc/ */
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

/* Write the fields as a Markdown table (key, type, required/default, meaning, example),
 * nested objects as their own tables after it, titled with their path. */
void wc_schema_markdown(FILE *out, const char *title, const struct wc_field *fields);

/* Edit distance between two short strings (used for "did you mean"). */
unsigned wc_edit_distance(const char *a, const char *b);

#endif
