/* jsonw.h — a streaming JSON writer: values go straight to a FILE*, no tree is built.
 *
 * One writer writes one JSON value (RFC 8259), usually an object, compactly (no
 * whitespace). It tracks the containers it has open and writes every comma and colon
 * itself, so no sequence of calls writes invalid JSON, only at worst an unfinished
 * value that wc_jsonw_finish() reports: a call that does not fit where the writer
 * stands (a value in an object without its key, a key in an array, closing the wrong
 * container, a second top-level value, nesting deeper than WC_JSONW_MAX_DEPTH, a number
 * that is not JSON) writes nothing, or null where a value is owed, and marks the writer
 * misused. Strings are escaped: quote, backslash and the
 * control characters, and bytes that are not valid UTF-8 become \ufffd, so any C string
 * can be written.
 *
 * Bytes are gathered in the writer and handed to the FILE in blocks (one stdio call per
 * token cost more than the rest of rendering an `explain` item): when the value is
 * complete, when the block fills, and in wc_jsonw_finish(). A caller that also writes to
 * the FILE itself does so before the value or after it is complete.
 *
 * Output errors are remembered: wc_jsonw_error() reports the first problem, and
 * wc_jsonw_finish() says whether one complete value was written without any.
 */
#ifndef WC_JSONW_H
#define WC_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define WC_JSONW_MAX_DEPTH 64
#define WC_JSONW_BLOCK 4096

enum wc_jsonw_error {
	WC_JSONW_OK = 0,
	WC_JSONW_EWRITE,      /* the FILE reported an error (ferror) */
	WC_JSONW_EMISUSE,     /* a call that would have made the JSON invalid was refused */
};

struct wc_jsonw {
	FILE *out;
	unsigned depth;       /* containers open */
	uint64_t is_array;    /* bit d: the container at depth d+1 is an array */
	uint64_t has_member;  /* bit d: that container already holds a member */
	bool key_pending;     /* a key was written: its value comes next */
	bool done;            /* the top-level value is complete */
	enum wc_jsonw_error err; /* the first problem */
	size_t used;          /* bytes waiting in block[] */
	char block[WC_JSONW_BLOCK];
};

void wc_jsonw_init(struct wc_jsonw *w, FILE *out);

void wc_jsonw_begin_object(struct wc_jsonw *w);
void wc_jsonw_end_object(struct wc_jsonw *w);
void wc_jsonw_begin_array(struct wc_jsonw *w);
void wc_jsonw_end_array(struct wc_jsonw *w);
/* A member's name inside an object; the next call writes its value. */
void wc_jsonw_key(struct wc_jsonw *w, const char *key);

/* A string; NULL writes null. */
void wc_jsonw_string(struct wc_jsonw *w, const char *s);
/* len bytes that may hold NUL (written \u0000). */
void wc_jsonw_string_len(struct wc_jsonw *w, const char *s, size_t len);
void wc_jsonw_int(struct wc_jsonw *w, int64_t v);
void wc_jsonw_uint(struct wc_jsonw *w, uint64_t v);
void wc_jsonw_bool(struct wc_jsonw *w, bool v);
void wc_jsonw_null(struct wc_jsonw *w);
/* A number already formatted ("0.000250"), written as it is so its precision stays.
 * Text that is not a JSON number writes null and marks the writer misused. */
void wc_jsonw_number(struct wc_jsonw *w, const char *text);

/* The first problem met so far (a write error is also taken from ferror(out)). */
enum wc_jsonw_error wc_jsonw_error(const struct wc_jsonw *w);
/* Hands over what is still gathered, even of an unfinished value. Returns 0 when
 * exactly one complete value was written and no error occurred, else -1. */
int wc_jsonw_finish(struct wc_jsonw *w);

#endif
