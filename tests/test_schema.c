/* test_schema.c — field-table validation messages, edit distance, and the Markdown tables. */
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "unit.h"

static const char *const colours[] = {"red", "green", NULL};

static const struct wc_field inner_fields[] = {
	{.key = "depth", .type = WC_F_INT, .required = true, .min = 1, .max = 9},
	{.key = NULL},
};

static int no_x(json_object *v, const char *file, const char *path, char *errbuf)
{
	if (strchr(json_object_get_string(v), 'x'))
		return wc_schema_err(errbuf, file, path, "must not contain x");
	return 0;
}

static const struct wc_field extra_fields[] = {
	{.key = "colour", .type = WC_F_STRING, .enum_values = colours},
	{.key = "shade", .type = WC_F_INT, .required = true},
	{.key = NULL},
};

/* A variant keyed by "mode": mode "paint" allows the extra keys. */
static const struct wc_field *mode_variant(json_object *obj)
{
	json_object *m;
	json_object_object_get_ex(obj, "mode", &m);
	return strcmp(json_object_get_string(m), "paint") == 0 ? extra_fields : NULL;
}

static const struct wc_field item_fields[] = {
	{.key = "mode", .type = WC_F_STRING, .required = true},
	{.key = NULL},
};

static const struct wc_field fields[] = {
	{.key = "label", .type = WC_F_STRING, .min = 1, .max = 5, .check = no_x},
	{.key = "count", .type = WC_F_COUNT},
	{.key = "port", .type = WC_F_INT, .min = 1, .max = 65535},
	{.key = "free", .type = WC_F_INT},
	{.key = "ratio", .type = WC_F_NUMBER, .min = 0, .max = WC_NO_LIMIT},
	{.key = "flag", .type = WC_F_BOOL},
	{.key = "colour", .type = WC_F_STRING, .enum_values = colours},
	{.key = "argv", .type = WC_F_STRINGS, .min = 1, .max = WC_NO_LIMIT},
	{.key = "inner", .type = WC_F_OBJECT, .fields = inner_fields},
	{.key = "items", .type = WC_F_OBJECTS, .fields = item_fields, .variant = mode_variant},
	{.key = "blob", .type = WC_F_ANY},
	{.key = "dport", .type = WC_F_INT, .min = 1, .max = 65535, .placeholder = true},
	{.key = "re", .type = WC_F_STRING, .check = wc_schema_regex},
	{.key = NULL},
};

static char errbuf[WC_ERRBUF_SIZE];

/* Validates text against `fields` as file "f.json" at the top level; NULL when valid. */
static const char *problem(const char *text)
{
	json_object *obj = json_tokener_parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	errbuf[0] = '\0';
	int rc = wc_schema_validate(obj, fields, "f.json", "", errbuf);
	json_object_put(obj);
	return rc == 0 ? NULL : errbuf;
}

#define ASSERT_PROBLEM(text, msg) CU_ASSERT_STRING_EQUAL(problem(text) ? errbuf : "(valid)", msg)

static void test_valid(void)
{
	CU_ASSERT_PTR_NULL(problem("{}"));
	CU_ASSERT_PTR_NULL(problem(
		"{\"label\": \"ab\", \"count\": {\"min\": 1, \"max\": 3}, \"port\": 65535, \"free\": -7,"
		" \"ratio\": 0.5, \"flag\": false, \"colour\": \"green\", \"argv\": [\"a\", \"b\"],"
		" \"inner\": {\"depth\": 9}, \"items\": [{\"mode\": \"paint\", \"shade\": 2},"
		" {\"mode\": \"plain\"}], \"blob\": [1, {}]}"));
	CU_ASSERT_PTR_NULL(problem("{\"count\": 0, \"ratio\": 3}"));
}

static void test_types(void)
{
	ASSERT_PROBLEM("{\"label\": 5}", "f.json: label: expected a string, got a number");
	ASSERT_PROBLEM("{\"port\": \"80\"}", "f.json: port: expected a whole number, got a string");
	ASSERT_PROBLEM("{\"port\": 2.5}", "f.json: port: expected a whole number, got 2.5");
	ASSERT_PROBLEM("{\"port\": 2.0}", "f.json: port: expected a whole number, got 2.0");
	ASSERT_PROBLEM("{\"ratio\": null}", "f.json: ratio: expected a number, got null");
	ASSERT_PROBLEM("{\"flag\": \"yes\"}", "f.json: flag: expected true or false, got a string");
	ASSERT_PROBLEM("{\"label\": true}", "f.json: label: expected a string, got true");
	ASSERT_PROBLEM("{\"argv\": \"ls\"}", "f.json: argv: expected an array of strings, got a string");
	ASSERT_PROBLEM("{\"argv\": [\"ls\", \"-l\", 3]}", "f.json: argv[2]: expected a string, got a number");
	ASSERT_PROBLEM("{\"inner\": []}", "f.json: inner: expected an object, got an array");
	ASSERT_PROBLEM("{\"items\": {}}", "f.json: items: expected an array of objects, got an object");
	ASSERT_PROBLEM("{\"items\": [{\"mode\": \"a\"}, 7]}", "f.json: items[1]: expected an object, got a number");
	ASSERT_PROBLEM("{\"count\": \"two\"}",
	               "f.json: count: expected a whole number or an object {\"exact\"|\"min\"|\"max\": N}, got a string");
}

/* A placeholder where a number goes, and regular expressions holding placeholders. */
static void test_placeholders(void)
{
	CU_ASSERT_PTR_NULL(problem("{\"dport\": \"{port}\"}"));
	CU_ASSERT_PTR_NULL(problem("{\"dport\": 7007}"));
	ASSERT_PROBLEM("{\"dport\": \"7007\"}",
	               "f.json: dport: expected a whole number or a placeholder such as \"{port}\", got a string");
	ASSERT_PROBLEM("{\"dport\": \"{Port}\"}",
	               "f.json: dport: expected a whole number or a placeholder such as \"{port}\", got a string");
	ASSERT_PROBLEM("{\"port\": \"{port}\"}", "f.json: port: expected a whole number, got a string");
	ASSERT_PROBLEM("{\"dport\": 0}", "f.json: dport: must be at least 1, got 0");
	CU_ASSERT_PTR_NULL(problem("{\"re\": \"^listening on {server}:{port}$\"}"));
	CU_ASSERT_PTR_NULL(problem("{\"re\": \"^A{100}B{2,3}$\"}"));
	ASSERT_PROBLEM("{\"re\": \"a{1,x}\"}", "f.json: re: not a valid regular expression: Invalid content of \\{\\}");
	ASSERT_PROBLEM("{\"re\": \"(\"}", "f.json: re: not a valid regular expression: Unmatched ( or \\(");
}

static void test_ranges(void)
{
	ASSERT_PROBLEM("{\"port\": 0}", "f.json: port: must be at least 1, got 0");
	ASSERT_PROBLEM("{\"port\": 70000}", "f.json: port: must be at most 65535, got 70000");
	ASSERT_PROBLEM("{\"ratio\": -0.25}", "f.json: ratio: must be at least 0, got -0.25");
	ASSERT_PROBLEM("{\"label\": \"\"}", "f.json: label: must not be empty");
	ASSERT_PROBLEM("{\"label\": \"abcdef\"}", "f.json: label: must be at most 5 bytes long, got 6");
	ASSERT_PROBLEM("{\"argv\": []}", "f.json: argv: must not be empty");
	ASSERT_PROBLEM("{\"colour\": \"blue\"}", "f.json: colour: must be one of red, green; got \"blue\"");
	ASSERT_PROBLEM("{\"inner\": {\"depth\": 10}}", "f.json: inner.depth: must be at most 9, got 10");
	/* A rule of the field's own runs after the type and range passed. */
	ASSERT_PROBLEM("{\"label\": \"axe\"}", "f.json: label: must not contain x");
}

static void test_counts(void)
{
	ASSERT_PROBLEM("{\"count\": -1}", "f.json: count: must be at least 0, got -1");
	ASSERT_PROBLEM("{\"count\": 1.5}", "f.json: count: expected a whole number, got 1.5");
	ASSERT_PROBLEM("{\"count\": {}}", "f.json: count: an empty count: give \"exact\", \"min\" or \"max\"");
	ASSERT_PROBLEM("{\"count\": {\"mn\": 1}}", "f.json: count: unknown key \"mn\"; did you mean \"min\"?");
	ASSERT_PROBLEM("{\"count\": {\"at_least\": 1}}",
	               "f.json: count: unknown key \"at_least\"; a count takes \"exact\", \"min\" or \"max\"");
	ASSERT_PROBLEM("{\"count\": {\"min\": \"1\"}}", "f.json: count.min: expected a whole number, got a string");
	ASSERT_PROBLEM("{\"count\": {\"max\": -2}}", "f.json: count.max: must be at least 0, got -2");
	ASSERT_PROBLEM("{\"count\": {\"exact\": 2, \"max\": 3}}",
	               "f.json: count: \"exact\" cannot be combined with \"min\" or \"max\"");
	ASSERT_PROBLEM("{\"count\": {\"min\": 5, \"max\": 2}}", "f.json: count: min 5 is greater than max 2");
}

static void test_keys(void)
{
	ASSERT_PROBLEM("{\"prot\": 80}", "f.json: unknown key \"prot\"; did you mean \"port\"?");
	ASSERT_PROBLEM("{\"zzzzzz\": 80}", "f.json: unknown key \"zzzzzz\"");
	ASSERT_PROBLEM("{\"inner\": {}}", "f.json: inner: missing required key \"depth\"");
	/* A near miss of a missing required key says so, rather than "missing". */
	ASSERT_PROBLEM("{\"inner\": {\"dpeth\": 1}}", "f.json: inner: unknown key \"dpeth\"; did you mean \"depth\"?");
	ASSERT_PROBLEM("{\"items\": [{\"mode\": \"paint\"}]}", "f.json: items[0]: missing required key \"shade\"");
	/* A variant's keys exist only in that variant. */
	ASSERT_PROBLEM("{\"items\": [{\"mode\": \"plain\", \"shade\": 1}]}", "f.json: items[0]: unknown key \"shade\"");
	ASSERT_PROBLEM("{\"items\": [{\"mode\": \"paint\", \"shade\": 1, \"colur\": \"red\"}]}",
	               "f.json: items[0]: unknown key \"colur\"; did you mean \"colour\"?");
	ASSERT_PROBLEM("{\"items\": [{\"mode\": \"paint\", \"shade\": 1, \"colour\": \"pink\"}]}",
	               "f.json: items[0].colour: must be one of red, green; got \"pink\"");
	ASSERT_PROBLEM("{\"items\": [{\"shade\": 1}]}", "f.json: items[0]: missing required key \"mode\"");
}

static void test_root_and_path(void)
{
	json_object *arr = json_tokener_parse("[1]");
	CU_ASSERT_EQUAL(wc_schema_validate(arr, fields, "f.json", "", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "f.json: expected an object, got an array");
	json_object_put(arr);
	json_object *obj = json_tokener_parse("{\"port\": 0}");
	CU_ASSERT_EQUAL(wc_schema_validate(obj, fields, "f.json", "expect[3]", errbuf), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "f.json: expect[3].port: must be at least 1, got 0");
	json_object_put(obj);
}

static void test_helpers(void)
{
	CU_ASSERT_EQUAL(wc_edit_distance("", ""), 0);
	CU_ASSERT_EQUAL(wc_edit_distance("cont", "count"), 1);
	CU_ASSERT_EQUAL(wc_edit_distance("count", "cont"), 1);
	CU_ASSERT_EQUAL(wc_edit_distance("kitten", "sitting"), 3);
	CU_ASSERT_EQUAL(wc_edit_distance("", "abc"), 3);
	CU_ASSERT_EQUAL(wc_edit_distance("tcp.handshake", "tcp.hnadshake"), 2);
	static const char *const words[] = {"tcp.handshake", "tcp.teardown", "udp.datagrams", NULL};
	CU_ASSERT_STRING_EQUAL(wc_schema_nearest("tcp.handshak", words), "tcp.handshake");
	CU_ASSERT_STRING_EQUAL(wc_schema_nearest("tcp.teardwn", words), "tcp.teardown");
	CU_ASSERT_PTR_NULL(wc_schema_nearest("icmp", words));
	/* The limit is max(2, len/3): "ab" may be 2 away, a 12-letter word 4 away. */
	static const char *const short_words[] = {"cd", NULL};
	CU_ASSERT_STRING_EQUAL(wc_schema_nearest("ab", short_words), "cd");
	CU_ASSERT_PTR_NULL(wc_schema_nearest("abc", (const char *const[]){"xyz", NULL}));
	CU_ASSERT_STRING_EQUAL(wc_schema_nearest("abcdefghijkl", (const char *const[]){"abcdefghWXYZ", NULL}),
	                       "abcdefghWXYZ");
	CU_ASSERT_PTR_NULL(wc_schema_nearest("abcdefghijkl", (const char *const[]){"abcdefgVWXYZ", NULL}));

	CU_ASSERT_EQUAL(wc_schema_err(errbuf, "a.json", "", "x %d", 1), -1);
	CU_ASSERT_STRING_EQUAL(errbuf, "a.json: x 1");
	wc_schema_err(errbuf, "a.json", "p[0]", "y");
	CU_ASSERT_STRING_EQUAL(errbuf, "a.json: p[0]: y");
	json_object *f = json_object_new_boolean(0), *d = json_object_new_double(1.5);
	CU_ASSERT_STRING_EQUAL(wc_schema_kind(f), "false");
	CU_ASSERT_STRING_EQUAL(wc_schema_kind(d), "a number");
	json_object_put(f);
	json_object_put(d);
}

static const struct wc_field doc_inner[] = {
	{.key = "depth", .type = WC_F_INT, .required = true, .min = 1, .max = 9, .doc = "how deep",
	 .example = "3"},
	{.key = NULL},
};

static const struct wc_field doc_fields[] = {
	{.key = "mode", .type = WC_F_STRING, .enum_values = colours, .default_text = "\"red\"",
	 .doc = "a | b", .example = "\"green\""},
	{.key = "n", .type = WC_F_COUNT, .default_text = "at least one", .doc = "how many"},
	{.key = "ratio", .type = WC_F_NUMBER, .min = 0, .max = WC_NO_LIMIT, .doc = "a share"},
	{.key = "env", .type = WC_F_ANY, .type_doc = "object or array", .doc = "variables"},
	{.key = "argv", .type = WC_F_STRINGS, .min = 1, .max = WC_NO_LIMIT, .required = true,
	 .doc = "the command"},
	{.key = "parts", .type = WC_F_OBJECTS, .fields = doc_inner, .default_text = "[]",
	 .doc = "pieces"},
	{.key = NULL},
};

static void test_markdown(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	wc_schema_markdown(out, "Things", doc_fields);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text,
		"### Things\n\n"
		"| key | type | default | meaning | example |\n|---|---|---|---|---|\n"
		"| `mode` | one of `red`, `green` | `\"red\"` | a \\| b | `\"green\"` |\n"
		"| `n` | [count](#counts) | at least one | how many |  |\n"
		"| `ratio` | number, at least 0 | — | a share |  |\n"
		"| `env` | object or array | — | variables |  |\n"
		"| `argv` | array of strings, not empty | required | the command |  |\n"
		"| `parts` | array of objects: [`parts[]`](#parts) | `[]` | pieces |  |\n"
		"\n"
		"#### `parts[]`\n\n"
		"| key | type | default | meaning | example |\n|---|---|---|---|---|\n"
		"| `depth` | whole number, 1 to 9 | required | how deep | `3` |\n"
		"\n");
	free(text);
}

static const struct wc_test schema_tests[] = {
	{"valid objects pass", test_valid},
	{"wrong types name what was expected and found", test_types},
	{"placeholders in numbers and regular expressions", test_placeholders},
	{"ranges, lengths and enums", test_ranges},
	{"count expectations", test_counts},
	{"unknown and missing keys, variants", test_keys},
	{"top level and JSON paths", test_root_and_path},
	{"edit distance, nearest word, messages", test_helpers},
	{"Markdown tables", test_markdown},
	{NULL, NULL},
};

static const struct wc_suite schema_suite = {"schema", schema_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&schema_suite, NULL};
	return wc_unit_main(argc, argv, suites);
}
