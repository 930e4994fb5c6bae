/* test_jsonw.c — the streaming JSON writer and its output buffer: exact bytes, escaping, UTF-8 repair, misuse, round trip. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "unit.h"

/* ---- capture what a writer writes ------------------------------------------ */

static char *out_buf;
static size_t out_len;
static FILE *out_file;
static struct wc_jsonw w;

static void start(void)
{
	free(out_buf);
	out_buf = NULL;
	out_len = 0;
	out_file = open_memstream(&out_buf, &out_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out_file);
	wc_jsonw_init(&w, out_file);
}

/* The bytes written, unfinished values included; ask the writer about errors before
 * this closes its FILE. */
static const char *stop(void)
{
	wc_jsonw_finish(&w);
	fclose(out_file);
	out_file = NULL;
	return out_buf;
}

#define ASSERT_OUT(expected)                                                         \
	do {                                                                             \
		const char *got_ = stop();                                                   \
		if (strcmp(got_, (expected)) != 0)                                           \
			fprintf(stderr, "\nexpected [%s]\n     got [%s]\n", (expected), got_);   \
		CU_ASSERT_STRING_EQUAL(got_, (expected));                                    \
	} while (0)

static void string_is(const char *s, size_t len, const char *expected)
{
	start();
	wc_jsonw_string_len(&w, s, len);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT(expected);
}

/* ---- one value of each kind ------------------------------------------------ */

static void test_scalars(void)
{
	static const struct {
		int64_t v;
		const char *text;
	} ints[] = {
		{0, "0"}, {1, "1"}, {-1, "-1"}, {1234567890, "1234567890"},
		{INT64_MAX, "9223372036854775807"}, {INT64_MIN, "-9223372036854775808"},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		start();
		wc_jsonw_int(&w, ints[i].v);
		CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
		ASSERT_OUT(ints[i].text);
	}
	static const struct {
		uint64_t v;
		const char *text;
	} uints[] = {
		{0, "0"}, {9, "9"}, {10, "10"}, {UINT32_MAX, "4294967295"},
		{(uint64_t)INT64_MAX + 1, "9223372036854775808"}, {UINT64_MAX, "18446744073709551615"},
	};
	for (size_t i = 0; i < sizeof uints / sizeof uints[0]; i++) {
		start();
		wc_jsonw_uint(&w, uints[i].v);
		CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
		ASSERT_OUT(uints[i].text);
	}
	start();
	wc_jsonw_bool(&w, true);
	ASSERT_OUT("true");
	start();
	wc_jsonw_bool(&w, false);
	ASSERT_OUT("false");
	start();
	wc_jsonw_null(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT("null");
	start();
	wc_jsonw_string(&w, NULL);
	ASSERT_OUT("null");
	start();
	wc_jsonw_string(&w, "plain text / slash");
	ASSERT_OUT("\"plain text / slash\"");
	start();
	wc_jsonw_string(&w, "");
	ASSERT_OUT("\"\"");
	start();
	wc_jsonw_begin_object(&w);
	wc_jsonw_end_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT("{}");
	start();
	wc_jsonw_begin_array(&w);
	wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT("[]");
}

static void test_numbers(void)
{
	static const char *const good[] = {
		"0.000250", "1.250000", "-0.500000", "0", "-0", "17", "1e9", "2.5E-3", "-1.0e+10",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		start();
		wc_jsonw_number(&w, good[i]);
		CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
		ASSERT_OUT(good[i]);
	}
	/* not JSON numbers: null keeps the document valid, the writer says it was misused */
	static const char *const bad[] = {
		"", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x10", "nan", "inf", "1.5 ", "1,5",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		start();
		wc_jsonw_number(&w, bad[i]);
		CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
		CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
		ASSERT_OUT("null");
	}
	start();
	wc_jsonw_number(&w, NULL);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	ASSERT_OUT("null");
}

/* ---- escaping ------------------------------------------------------------- */

static void test_control_characters(void)
{
	static const char *const expected[0x20] = {
		"\"\\u0000\"", "\"\\u0001\"", "\"\\u0002\"", "\"\\u0003\"", "\"\\u0004\"", "\"\\u0005\"",
		"\"\\u0006\"", "\"\\u0007\"", "\"\\b\"", "\"\\t\"", "\"\\n\"", "\"\\u000b\"",
		"\"\\f\"", "\"\\r\"", "\"\\u000e\"", "\"\\u000f\"", "\"\\u0010\"", "\"\\u0011\"",
		"\"\\u0012\"", "\"\\u0013\"", "\"\\u0014\"", "\"\\u0015\"", "\"\\u0016\"", "\"\\u0017\"",
		"\"\\u0018\"", "\"\\u0019\"", "\"\\u001a\"", "\"\\u001b\"", "\"\\u001c\"", "\"\\u001d\"",
		"\"\\u001e\"", "\"\\u001f\"",
	};
	for (unsigned c = 0; c < 0x20; c++) {
		char s[1] = {(char)c};
		string_is(s, 1, expected[c]);
	}
	string_is("\"", 1, "\"\\\"\"");
	string_is("\\", 1, "\"\\\\\"");
	string_is("\x7f", 1, "\"\x7f\"");          /* DEL is allowed as it is */
	string_is("a\"b\\c\nd", 7, "\"a\\\"b\\\\c\\nd\"");
	string_is("tab\there", 8, "\"tab\\there\"");
	string_is("x\0y", 3, "\"x\\u0000y\"");
	/* keys are escaped the same way */
	start();
	wc_jsonw_begin_object(&w);
	wc_jsonw_key(&w, "q\"\x01");
	wc_jsonw_int(&w, 1);
	wc_jsonw_end_object(&w);
	ASSERT_OUT("{\"q\\\"\\u0001\":1}");
}

static void test_utf8_passthrough(void)
{
	string_is("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");                     /* U+00E9 */
	string_is("\xc2\x80", 2, "\"\xc2\x80\"");                           /* U+0080, first 2-byte */
	string_is("\xdf\xbf", 2, "\"\xdf\xbf\"");                           /* U+07FF */
	string_is("\xe0\xa0\x80", 3, "\"\xe0\xa0\x80\"");                   /* U+0800, first 3-byte */
	string_is("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");                   /* U+20AC euro */
	string_is("\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"");                   /* U+D7FF, below surrogates */
	string_is("\xee\x80\x80", 3, "\"\xee\x80\x80\"");                   /* U+E000, above them */
	string_is("\xef\xbf\xbd", 3, "\"\xef\xbf\xbd\"");                   /* U+FFFD itself */
	string_is("\xf0\x90\x80\x80", 4, "\"\xf0\x90\x80\x80\"");           /* U+10000, first 4-byte */
	string_is("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");           /* U+1F600 */
	string_is("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");           /* U+10FFFF, the last */
	string_is("\xe6\x97\xa5\xe6\x9c\xac\n", 7, "\"\xe6\x97\xa5\xe6\x9c\xac\\n\"");
}

static void test_invalid_utf8(void)
{
#define R "\\ufffd"
	string_is("\x80", 1, "\"" R "\"");                   /* lone continuation byte */
	string_is("a\xbf" "b", 3, "\"a" R "b\"");
	string_is("\xc0\xaf", 2, "\"" R R "\"");             /* overlong '/' */
	string_is("\xc1\xbf", 2, "\"" R R "\"");             /* overlong */
	string_is("\xe0\x80\xaf", 3, "\"" R R R "\"");       /* overlong 3-byte */
	string_is("\xed\xa0\x80", 3, "\"" R R R "\"");       /* UTF-16 surrogate U+D800 */
	string_is("\xf0\x80\x80\x80", 4, "\"" R R R R "\""); /* overlong 4-byte */
	string_is("\xf4\x90\x80\x80", 4, "\"" R R R R "\""); /* U+110000, past the last */
	string_is("\xf5\x80", 2, "\"" R R "\"");
	string_is("\xfe\xff", 2, "\"" R R "\"");
	/* a truncated sequence is one replacement, and the byte after it survives */
	string_is("\xe2\x82" "A", 3, "\"" R "A\"");
	string_is("\xf0\x9f\x98" "!", 4, "\"" R "!\"");
	string_is("\xe2\x82", 2, "\"" R "\"");               /* cut by the end of the string */
	string_is("\xc3", 1, "\"" R "\"");
	string_is("\xc3\xc3\xa9", 3, "\"" R "\xc3\xa9\"");   /* a lead byte where a continuation belongs */
	string_is("\xe2\x82\n", 3, "\"" R "\\n\"");
	/* a NUL inside a sequence ends it: NUL is escaped, not swallowed */
	string_is("\xc3\0", 2, "\"" R "\\u0000\"");
#undef R
}

/* ---- nesting and commas --------------------------------------------------- */

static void test_nesting(void)
{
	start();
	wc_jsonw_begin_object(&w);
	wc_jsonw_key(&w, "a");
	wc_jsonw_begin_array(&w);
	wc_jsonw_int(&w, 1);
	wc_jsonw_begin_object(&w);
	wc_jsonw_key(&w, "b");
	wc_jsonw_null(&w);
	wc_jsonw_key(&w, "c");
	wc_jsonw_bool(&w, false);
	wc_jsonw_end_object(&w);
	wc_jsonw_begin_array(&w);
	wc_jsonw_end_array(&w);
	wc_jsonw_string(&w, "s");
	wc_jsonw_end_array(&w);
	wc_jsonw_key(&w, "d");
	wc_jsonw_begin_object(&w);
	wc_jsonw_end_object(&w);
	wc_jsonw_key(&w, "e");
	wc_jsonw_number(&w, "0.000001");
	wc_jsonw_key(&w, "f");
	wc_jsonw_uint(&w, 7);
	wc_jsonw_end_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_OK);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT("{\"a\":[1,{\"b\":null,\"c\":false},[],\"s\"],\"d\":{},\"e\":0.000001,\"f\":7}");

	/* a container opened where a full one was closed starts without a comma */
	start();
	wc_jsonw_begin_array(&w);
	for (int i = 0; i < 2; i++) {
		wc_jsonw_begin_array(&w);
		wc_jsonw_int(&w, i);
		wc_jsonw_int(&w, -i);
		wc_jsonw_end_array(&w);
	}
	for (int i = 0; i < 2; i++) {
		wc_jsonw_begin_object(&w);
		wc_jsonw_key(&w, i ? "b" : "a");
		wc_jsonw_begin_object(&w);
		wc_jsonw_key(&w, "x");
		wc_jsonw_int(&w, i);
		wc_jsonw_end_object(&w);
		wc_jsonw_key(&w, "y");
		wc_jsonw_begin_array(&w);
		wc_jsonw_end_array(&w);
		wc_jsonw_end_object(&w);
	}
	wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT("[[0,0],[1,-1],{\"a\":{\"x\":0},\"y\":[]},{\"b\":{\"x\":1},\"y\":[]}]");

	/* as deep as allowed, then one level more is refused */
	start();
	for (int i = 0; i < WC_JSONW_MAX_DEPTH; i++)
		wc_jsonw_begin_array(&w);
	CU_ASSERT_EQUAL(w.depth, WC_JSONW_MAX_DEPTH);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_OK);
	wc_jsonw_begin_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	for (int i = 0; i < WC_JSONW_MAX_DEPTH; i++)
		wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
	const char *deep = stop();
	CU_ASSERT_EQUAL(strlen(deep), 2 * WC_JSONW_MAX_DEPTH);
	CU_ASSERT_EQUAL(strspn(deep, "["), WC_JSONW_MAX_DEPTH);
	CU_ASSERT_EQUAL(strspn(deep + WC_JSONW_MAX_DEPTH, "]"), WC_JSONW_MAX_DEPTH);

	/* too deep where a key owes a value: null keeps the object valid */
	start();
	wc_jsonw_begin_object(&w);
	for (int i = 1; i < WC_JSONW_MAX_DEPTH; i++) {
		wc_jsonw_key(&w, "k");
		wc_jsonw_begin_object(&w);
	}
	wc_jsonw_key(&w, "k");
	wc_jsonw_begin_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	for (int i = 0; i < WC_JSONW_MAX_DEPTH; i++)
		wc_jsonw_end_object(&w);
	const char *o = stop();
	CU_ASSERT_EQUAL(strlen(o), (size_t)WC_JSONW_MAX_DEPTH * 6 + 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "{\"k\":null}"));
}

/* Each call that does not fit writes nothing and leaves the output a valid prefix. */
static void test_misuse(void)
{
	start(); /* a value in an object without its key */
	wc_jsonw_begin_object(&w);
	wc_jsonw_int(&w, 1);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	wc_jsonw_key(&w, "a");
	wc_jsonw_int(&w, 2);
	wc_jsonw_end_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
	ASSERT_OUT("{\"a\":2}");

	start(); /* a key in an array */
	wc_jsonw_begin_array(&w);
	wc_jsonw_key(&w, "a");
	wc_jsonw_int(&w, 1);
	wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	ASSERT_OUT("[1]");

	start(); /* a key at the top level, and two keys in a row */
	wc_jsonw_key(&w, "top");
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	wc_jsonw_begin_object(&w);
	wc_jsonw_key(&w, "a");
	wc_jsonw_key(&w, "b");
	wc_jsonw_key(&w, NULL);
	wc_jsonw_bool(&w, true);
	wc_jsonw_end_object(&w);
	ASSERT_OUT("{\"a\":true}");

	start(); /* closing the wrong container, or closing with a key pending */
	wc_jsonw_begin_object(&w);
	wc_jsonw_end_array(&w);
	wc_jsonw_key(&w, "a");
	wc_jsonw_end_object(&w);
	wc_jsonw_begin_array(&w);
	wc_jsonw_end_object(&w);
	wc_jsonw_end_array(&w);
	wc_jsonw_end_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	ASSERT_OUT("{\"a\":[]}");

	start(); /* closing what was never opened */
	wc_jsonw_end_object(&w);
	wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	ASSERT_OUT("");

	start(); /* a second top-level value */
	wc_jsonw_int(&w, 1);
	wc_jsonw_int(&w, 2);
	wc_jsonw_begin_object(&w);
	wc_jsonw_string(&w, "x");
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
	ASSERT_OUT("1");

	start(); /* an unfinished value is not a document, though nothing was misused */
	wc_jsonw_begin_object(&w);
	wc_jsonw_key(&w, "a");
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_OK);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
	ASSERT_OUT("{\"a\":");
	start(); /* nothing written at all */
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
	ASSERT_OUT("");
}

/* Gathered bytes reach the FILE when the value is complete, in order, however long. */
static void test_blocks(void)
{
	start();
	wc_jsonw_begin_array(&w);
	wc_jsonw_int(&w, 1);
	fflush(out_file);
	CU_ASSERT_EQUAL(out_len, 0);   /* still gathered */
	wc_jsonw_end_array(&w);
	fflush(out_file);
	CU_ASSERT_EQUAL(out_len, 3);   /* complete: handed over without finish */
	CU_ASSERT_EQUAL(memcmp(out_buf, "[1]", 3), 0);
	ASSERT_OUT("[1]");

	/* strings longer than a block, and many short values across block boundaries */
	static char big[3 * WC_JSONW_BLOCK + 7];
	static char expected[2 * sizeof big + 64];
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof big - 1] = '\0';
	start();
	wc_jsonw_begin_array(&w);
	wc_jsonw_string(&w, big);
	for (int i = 0; i < 1000; i++)
		wc_jsonw_uint(&w, 1000000 + (uint64_t)i);
	wc_jsonw_string(&w, big);
	wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_OK);
	const char *got = stop();
	size_t n = (size_t)snprintf(expected, sizeof expected, "[\"%s\"", big);
	CU_ASSERT_EQUAL(strncmp(got, expected, n), 0);
	got += n;
	for (int i = 0; i < 1000; i++) {
		char num[16];
		int k = snprintf(num, sizeof num, ",%d", 1000000 + i);
		CU_ASSERT_EQUAL(strncmp(got, num, (size_t)k), 0);
		got += k;
	}
	snprintf(expected, sizeof expected, ",\"%s\"]", big);
	CU_ASSERT_STRING_EQUAL(got, expected);
	CU_ASSERT_EQUAL(out_len, 1 + 2 * (sizeof big + 1) + 1000 * 8 + 1 + 1); /* [ "big" ,n... , "big" ] */
}

static void test_write_error(void)
{
	FILE *ro = fopen("/dev/null", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ro);
	struct wc_jsonw rw;
	wc_jsonw_init(&rw, ro);
	wc_jsonw_begin_object(&rw);
	wc_jsonw_key(&rw, "a");
	wc_jsonw_int(&rw, 1);
	wc_jsonw_end_object(&rw);
	CU_ASSERT_EQUAL(wc_jsonw_error(&rw), WC_JSONW_EWRITE);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&rw), -1);
	/* remembered even when the caller clears the stream's flag */
	clearerr(ro);
	CU_ASSERT_EQUAL(wc_jsonw_error(&rw), WC_JSONW_EWRITE);
	fclose(ro);

	/* a flag already on the stream is reported too */
	FILE *m = fopen("/dev/null", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(fputc('x', m), EOF);
	wc_jsonw_init(&rw, m);
	CU_ASSERT_EQUAL(wc_jsonw_error(&rw), WC_JSONW_EWRITE);
	fclose(m);
}

/* ---- members in one call ------------------------------------------------------ */

#define N WC_JSONW_NAME

/* Every kv call writes what key + value would, commas included. */
static void test_kv(void)
{
	start();
	wc_jsonw_begin_object(&w);
	wc_jsonw_kv_uint(&w, N(u), 0);
	wc_jsonw_kv_uint(&w, N(big), UINT64_MAX);
	wc_jsonw_kv_int(&w, N(i), INT64_MIN);
	wc_jsonw_kv_bool(&w, N(t), true);
	wc_jsonw_kv_bool(&w, N(f), false);
	wc_jsonw_kv_null(&w, N(n));
	wc_jsonw_kv_string(&w, N(s), "a\"b\n");
	wc_jsonw_kv_string(&w, N(none), NULL);
	wc_jsonw_kv_string_len(&w, N(nul), "x\0y", 3);
	wc_jsonw_kv_decimal(&w, N(d), true, 250, 6);
	wc_jsonw_key_name(&w, N(o));
	wc_jsonw_begin_object(&w);
	wc_jsonw_kv_uint(&w, N(only), 7);
	wc_jsonw_end_object(&w);
	wc_jsonw_end_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	ASSERT_OUT("{\"u\":0,\"big\":18446744073709551615,\"i\":-9223372036854775808,\"t\":true,\"f\":false,"
	           "\"n\":null,\"s\":\"a\\\"b\\n\",\"none\":null,\"nul\":\"x\\u0000y\",\"d\":-0.000250,"
	           "\"o\":{\"only\":7}}");

	/* names are the identifier's own characters */
	struct wc_jsonw_name name = N(rtt_syn_synack);
	CU_ASSERT_EQUAL(name.len, strlen("\"rtt_syn_synack\":"));
	CU_ASSERT_EQUAL(memcmp(name.text, "\"rtt_syn_synack\":", name.len), 0);
}

/* A kv call where no key may stand writes nothing, not even its value. */
static void test_kv_misuse(void)
{
	start(); /* at the top level */
	wc_jsonw_kv_uint(&w, N(a), 1);
	wc_jsonw_kv_null(&w, N(a));
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	wc_jsonw_begin_array(&w); /* in an array */
	wc_jsonw_kv_uint(&w, N(a), 1);
	wc_jsonw_kv_bool(&w, N(b), true);
	wc_jsonw_kv_string(&w, N(c), "x");
	wc_jsonw_kv_decimal(&w, N(d), false, 1, 1);
	wc_jsonw_int(&w, 3);
	wc_jsonw_end_array(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), -1);
	ASSERT_OUT("[3]");

	start(); /* with a key waiting for its value */
	wc_jsonw_begin_object(&w);
	wc_jsonw_key_name(&w, N(k));
	wc_jsonw_kv_uint(&w, N(a), 1);
	wc_jsonw_kv_int(&w, N(a), -1);
	wc_jsonw_key_name(&w, N(b));
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	wc_jsonw_uint(&w, 2);
	wc_jsonw_end_object(&w);
	ASSERT_OUT("{\"k\":2}");

	start(); /* after the document is complete */
	wc_jsonw_begin_object(&w);
	wc_jsonw_end_object(&w);
	wc_jsonw_kv_uint(&w, N(a), 1);
	CU_ASSERT_EQUAL(wc_jsonw_error(&w), WC_JSONW_EMISUSE);
	ASSERT_OUT("{}");
}

static void test_decimal(void)
{
	static const struct {
		bool negative;
		uint64_t units;
		unsigned decimals;
		const char *text;
	} cases[] = {
		{false, 0, 6, "0.000000"},
		{true, 0, 6, "-0.000000"},
		{false, 1234567, 3, "1234.567"},
		{false, 5, 1, "0.5"},
		{false, 1000000, 6, "1.000000"},
		{false, UINT64_MAX, 18, "18.446744073709551615"},
		{true, UINT64_MAX, 1, "-1844674407370955161.5"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		start();
		wc_jsonw_decimal(&w, cases[i].negative, cases[i].units, cases[i].decimals);
		CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
		ASSERT_OUT(cases[i].text);
	}
}

/* wc_jsonw_init_buf: bytes go to the caller's buffer, after what it holds already, and
 * finish leaves them there. */
static void test_caller_buffer(void)
{
	struct wc_outbuf b;
	wc_outbuf_init(&b, NULL);
	WC_OUTBUF_LIT(&b, "x=");
	struct wc_jsonw bw;
	wc_jsonw_init_buf(&bw, &b);
	wc_jsonw_begin_array(&bw);
	for (int i = 0; i < 2000; i++) /* past any first allocation */
		wc_jsonw_uint(&bw, 1000);
	wc_jsonw_end_array(&bw);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&bw), 0);
	CU_ASSERT_EQUAL(b.len, 2 + 1 + 2000 * 5 - 1 + 1);
	CU_ASSERT_EQUAL(memcmp(b.p, "x=[1000,1000,", 13), 0);
	CU_ASSERT_EQUAL(memcmp(b.p + b.len - 6, ",1000]", 6), 0);
	wc_outbuf_free(&b);

	/* a buffer that fails is a write error */
	FILE *ro = fopen("/dev/null", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ro);
	wc_outbuf_init(&b, ro);
	wc_jsonw_init_buf(&bw, &b);
	wc_jsonw_string(&bw, "lost");
	CU_ASSERT_EQUAL(wc_jsonw_error(&bw), WC_JSONW_OK); /* still gathered */
	CU_ASSERT_EQUAL(wc_outbuf_flush(&b), -1);
	CU_ASSERT_EQUAL(wc_jsonw_error(&bw), WC_JSONW_EWRITE);
	clearerr(ro);
	CU_ASSERT_EQUAL(wc_jsonw_error(&bw), WC_JSONW_EWRITE); /* the buffer remembers */
	CU_ASSERT_EQUAL(wc_jsonw_finish(&bw), -1);
	wc_outbuf_free(&b);
	fclose(ro);
}

/* ---- the output buffer ----------------------------------------------------------- */

static void test_outbuf_numbers(void)
{
	static const uint64_t values[] = {
		0, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 999999, 1000000, 9999999,
		10000000, 12345678, 99999999, 100000000, 999999999, 1000000000, UINT32_MAX, (uint64_t)UINT32_MAX + 1, 9999999999999999999u, 10000000000000000000u, UINT64_MAX,
	};
	struct wc_outbuf b;
	wc_outbuf_init(&b, NULL);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		char expected[32], got[21];
		snprintf(expected, sizeof expected, "%llu", (unsigned long long)values[i]);
		size_t n = wc_u64_digits(values[i], got);
		got[n] = '\0';
		CU_ASSERT_STRING_EQUAL(got, expected);
		b.len = 0;
		wc_outbuf_u64(&b, values[i]);
		CU_ASSERT_EQUAL(b.len, strlen(expected));
		CU_ASSERT_EQUAL(memcmp(b.p, expected, b.len), 0);
	}
	b.len = 0;
	wc_outbuf_printf(&b, "%s|%05d", "abc", 42);
	CU_ASSERT_EQUAL(b.len, 9);
	CU_ASSERT_EQUAL(memcmp(b.p, "abc|00042", 9), 0);
	/* longer than printf's first attempt */
	static char long_text[1000];
	memset(long_text, 'q', sizeof long_text - 1);
	b.len = 0;
	wc_outbuf_printf(&b, "<%s>", long_text);
	CU_ASSERT_EQUAL(b.len, sizeof long_text + 1);
	CU_ASSERT_EQUAL(b.p[0], '<');
	CU_ASSERT_EQUAL(b.p[b.len - 1], '>');
	CU_ASSERT_FALSE(b.failed);
	wc_outbuf_free(&b);
}

/* A file buffer hands its bytes over in order: small pieces in blocks, a piece larger
 * than a block straight through, the rest on flush. */
static void test_outbuf_file(void)
{
	char *mem = NULL;
	size_t mem_len = 0;
	FILE *f = open_memstream(&mem, &mem_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	char storage[WC_OUTBUF_PIECE];
	struct wc_outbuf b;
	wc_outbuf_init_fixed(&b, f, storage, sizeof storage);
	static char big[3 * WC_OUTBUF_PIECE + 5];
	memset(big, 'B', sizeof big - 1);
	size_t expected = 0;
	for (int i = 0; i < 100; i++) {
		WC_OUTBUF_LIT(&b, "abc");
		wc_outbuf_putc(&b, '.');
		expected += 4;
	}
	wc_outbuf_puts(&b, big);
	expected += sizeof big - 1;
	wc_outbuf_u64(&b, 77);
	expected += 2;
	fflush(f);
	CU_ASSERT(mem_len < expected); /* some is still gathered */
	CU_ASSERT_EQUAL(wc_outbuf_flush(&b), 0);
	CU_ASSERT_EQUAL(b.len, 0);
	fflush(f);
	CU_ASSERT_EQUAL_FATAL(mem_len, expected);
	CU_ASSERT_EQUAL(memcmp(mem, "abc.abc.", 8), 0);
	CU_ASSERT_EQUAL(memcmp(mem + 400, big, sizeof big - 1), 0);
	CU_ASSERT_EQUAL(memcmp(mem + expected - 2, "77", 2), 0);
	fclose(f);
	free(mem);

	/* after a failed write nothing more is kept, and the failure stays */
	FILE *ro = fopen("/dev/null", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ro);
	wc_outbuf_init(&b, ro);
	WC_OUTBUF_LIT(&b, "x");
	CU_ASSERT_EQUAL(wc_outbuf_flush(&b), -1);
	CU_ASSERT_TRUE(b.failed);
	WC_OUTBUF_LIT(&b, "y");
	wc_outbuf_u64(&b, 5);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(wc_outbuf_flush(&b), -1);
	wc_outbuf_free(&b);
	fclose(ro);
}

/* ---- round trip through json-c ---------------------------------------------- */

static json_object *parse_strict(const char *text)
{
	struct json_tokener *tok = json_tokener_new_ex(WC_JSONW_MAX_DEPTH + 1);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		fprintf(stderr, "\nnot JSON (%s): [%s]\n", json_tokener_error_desc(json_tokener_get_error(tok)), text);
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;
	CU_ASSERT_TRUE(json_object_object_get_ex(o, key, &v));
	return v;
}

static const char all_controls[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                                   "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";

static void test_round_trip(void)
{
	start();
	wc_jsonw_begin_object(&w);
	wc_jsonw_key(&w, "min");
	wc_jsonw_int(&w, INT64_MIN);
	wc_jsonw_key(&w, "max");
	wc_jsonw_int(&w, INT64_MAX);
	wc_jsonw_key(&w, "umax");
	wc_jsonw_uint(&w, UINT64_MAX);
	wc_jsonw_key(&w, "t");
	wc_jsonw_bool(&w, true);
	wc_jsonw_key(&w, "n");
	wc_jsonw_null(&w);
	wc_jsonw_key(&w, "sec");
	wc_jsonw_number(&w, "0.000250");
	wc_jsonw_key(&w, "ctl");
	wc_jsonw_string(&w, all_controls);
	wc_jsonw_key(&w, "mix");
	wc_jsonw_string(&w, "\"q\" \\ / caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	wc_jsonw_key(&w, "bad");
	wc_jsonw_string(&w, "a\xff" "b\xe2\x82");
	wc_jsonw_key(&w, "k\xc3\xa9y\n");
	wc_jsonw_begin_array(&w);
	wc_jsonw_uint(&w, 0);
	wc_jsonw_begin_array(&w);
	wc_jsonw_end_array(&w);
	wc_jsonw_begin_object(&w);
	wc_jsonw_end_object(&w);
	wc_jsonw_end_array(&w);
	wc_jsonw_end_object(&w);
	CU_ASSERT_EQUAL(wc_jsonw_finish(&w), 0);
	json_object *o = parse_strict(stop());
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_get_int64(member(o, "min")), INT64_MIN);
	CU_ASSERT_EQUAL(json_object_get_int64(member(o, "max")), INT64_MAX);
	CU_ASSERT_EQUAL(json_object_get_uint64(member(o, "umax")), UINT64_MAX);
	CU_ASSERT_TRUE(json_object_get_boolean(member(o, "t")));
	CU_ASSERT_PTR_NULL(member(o, "n"));
	CU_ASSERT_TRUE(json_object_is_type(member(o, "sec"), json_type_double));
	CU_ASSERT_DOUBLE_EQUAL(json_object_get_double(member(o, "sec")), 0.00025, 1e-12);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(member(o, "ctl")), all_controls);
	CU_ASSERT_STRING_EQUAL(json_object_get_string(member(o, "mix")),
	                       "\"q\" \\ / caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CU_ASSERT_STRING_EQUAL(json_object_get_string(member(o, "bad")), "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	json_object *arr = member(o, "k\xc3\xa9y\n");
	CU_ASSERT_EQUAL(json_object_array_length(arr), 3);
	CU_ASSERT_EQUAL(json_object_object_length(o), 10);
	json_object_put(o);

	/* the NUL json-c cannot keep in a C string still parses to a length-1 string */
	start();
	wc_jsonw_string_len(&w, "\0", 1);
	o = parse_strict(stop());
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_get_string_len(o), 1);
	CU_ASSERT_EQUAL(json_object_get_string(o)[0], '\0');
	json_object_put(o);
}

/* splitmix64: the same pseudo-random strings on every run */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Strings made of well-formed pieces come back byte for byte; strings of random bytes
 * always give JSON that a validating parser accepts, with no raw control character. */
static void test_random_strings(void)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "\"", "\\", "/", "\x7f", "\x01", "\x1f", "\n", "\t",
		"\xc3\xa9", "\xdf\xbf", "\xe2\x82\xac", "\xed\x9f\xbf", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
	};
	uint64_t seed = 42;
	unsigned failures = 0;
	for (int round = 0; round < 2000; round++) {
		char s[128];
		size_t len = 0;
		size_t n = next_random(&seed) % 24;
		for (size_t i = 0; i < n; i++) {
			const char *p = pieces[next_random(&seed) % (sizeof pieces / sizeof pieces[0])];
			memcpy(s + len, p, strlen(p));
			len += strlen(p);
		}
		s[len] = '\0';
		start();
		wc_jsonw_string(&w, s);
		json_object *o = parse_strict(stop());
		if (!o || strcmp(json_object_get_string(o), s) != 0)
			failures++;
		json_object_put(o);

		for (size_t i = 0; i < 32; i++)
			s[i] = (char)(next_random(&seed) & 0xff);
		start();
		wc_jsonw_string_len(&w, s, 32);
		const char *text = stop();
		for (const char *c = text; *c; c++)
			if ((unsigned char)*c < 0x20)
				failures++;
		o = parse_strict(text);
		if (!o)
			failures++;
		json_object_put(o);
	}
	CU_ASSERT_EQUAL(failures, 0);
}

static const struct wc_test writer_tests[] = {
	{"one value of each kind", test_scalars},
	{"numbers from text", test_numbers},
	{"control characters, quote, backslash", test_control_characters},
	{"well-formed UTF-8 passes through", test_utf8_passthrough},
	{"ill-formed UTF-8 becomes U+FFFD", test_invalid_utf8},
	{"nesting and commas", test_nesting},
	{"misuse is refused", test_misuse},
	{"output in blocks", test_blocks},
	{"write errors are remembered", test_write_error},
	{"members in one call", test_kv},
	{"members in one call: misuse is refused", test_kv_misuse},
	{"numbers with a fixed number of decimals", test_decimal},
	{"writing into the caller's buffer", test_caller_buffer},
	{NULL, NULL},
};

static const struct wc_test outbuf_tests[] = {
	{"numbers and printf", test_outbuf_numbers},
	{"a file buffer keeps the order", test_outbuf_file},
	{NULL, NULL},
};

static const struct wc_test round_trip_tests[] = {
	{"values survive json-c", test_round_trip},
	{"random strings", test_random_strings},
	{NULL, NULL},
};

static const struct wc_suite writer_suite = {"jsonw", writer_tests};
static const struct wc_suite round_trip_suite = {"jsonw round trip", round_trip_tests};
static const struct wc_suite outbuf_suite = {"output buffer", outbuf_tests};

int main(int argc, char **argv)
{
	const struct wc_suite *const suites[] = {&writer_suite, &round_trip_suite, &outbuf_suite, NULL};
	int rc = wc_unit_main(argc, argv, suites);
	free(out_buf);
	return rc;
}
