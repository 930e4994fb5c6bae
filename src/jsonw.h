/* jsonw.h — a streaming JSON writer: values go straight to an output buffer, no tree is built.
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
 * Bytes go to an output buffer (outbuf.h). wc_jsonw_init() gives the writer its own,
 * which hands them to a FILE in blocks (one stdio call per token cost more than the
 * rest of rendering an `explain` item): when the value is complete, when the block
 * fills, and in wc_jsonw_finish(); a caller that also writes to the FILE itself does so
 * before the value or after it is complete. wc_jsonw_init_buf() appends to the caller's
 * buffer instead, which the caller flushes or takes from.
 *
 * A member is written either as wc_jsonw_key() and then its value, or in one call: the
 * wc_jsonw_kv_*() calls take a name made by WC_JSONW_NAME(identifier) and cost about
 * what the value alone does.
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

#include "outbuf.h"

#define WC_JSONW_MAX_DEPTH 64
#define WC_JSONW_BLOCK 4096

enum wc_jsonw_error {
	WC_JSONW_OK = 0,
	WC_JSONW_EWRITE,      /* the FILE reported an error (ferror), or the buffer failed */
	WC_JSONW_EMISUSE,     /* a call that would have made the JSON invalid was refused */
};

struct wc_jsonw {
	struct wc_outbuf *b;  /* where bytes go: &own, or the caller's */
	struct wc_outbuf own; /* with wc_jsonw_init(): a file buffer in block[] */
	unsigned depth;       /* containers open */
	uint64_t is_array;    /* bit d: the container at depth d+1 is an array */
	uint64_t has_member;  /* bit d: that container already holds a member */
	bool key_pending;     /* a key was written: its value comes next */
	bool done;            /* the top-level value is complete */
	enum wc_jsonw_error err; /* the first problem */
	char block[WC_JSONW_BLOCK];
};

void wc_jsonw_init(struct wc_jsonw *w, FILE *out);
/* Appends to b, which must outlive the writer; wc_jsonw_finish() does not flush it. */
void wc_jsonw_init_buf(struct wc_jsonw *w, struct wc_outbuf *b);

/* (inline, below) */
static inline void wc_jsonw_begin_object(struct wc_jsonw *w);
static inline void wc_jsonw_end_object(struct wc_jsonw *w);
static inline void wc_jsonw_begin_array(struct wc_jsonw *w);
static inline void wc_jsonw_end_array(struct wc_jsonw *w);
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
/* units / 10^decimals with exactly `decimals` (1 to 18) digits after the point, after a
 * minus sign when negative: (true, 250, 6) is -0.000250. */
void wc_jsonw_decimal(struct wc_jsonw *w, bool negative, uint64_t units, unsigned decimals);

/* A member's name known when the program is compiled: WC_JSONW_NAME(segments) is the
 * text `"segments":`, ready to copy. It is made from a C identifier, whose characters
 * never need an escape, so the writer copies it without looking at it; build one only
 * with the macro. */
struct wc_jsonw_name {
	const char *text;     /* quoted, with its colon */
	size_t len;
};
#define WC_JSONW_NAME(id) ((struct wc_jsonw_name){"\"" #id "\":", sizeof("\"" #id "\":") - 1})

void wc_jsonw_key_name(struct wc_jsonw *w, struct wc_jsonw_name key);

/* A member in one call: its name, then the value as the calls above take it. When no
 * key may stand here (not in an object, or a key already waits for its value) they
 * write nothing and mark the writer misused. */
void wc_jsonw_kv_int(struct wc_jsonw *w, struct wc_jsonw_name key, int64_t v);
void wc_jsonw_kv_string_len(struct wc_jsonw *w, struct wc_jsonw_name key, const char *s, size_t len);
void wc_jsonw_kv_decimal(struct wc_jsonw *w, struct wc_jsonw_name key, bool negative, uint64_t units,
                         unsigned decimals);
/* Members an `explain` connection has a hundred of are inline, below: there a name's
 * length is a constant and copying it takes a few instructions. */
static inline void wc_jsonw_kv_uint(struct wc_jsonw *w, struct wc_jsonw_name key, uint64_t v);
static inline void wc_jsonw_kv_bool(struct wc_jsonw *w, struct wc_jsonw_name key, bool v);
static inline void wc_jsonw_kv_null(struct wc_jsonw *w, struct wc_jsonw_name key);
static inline void wc_jsonw_kv_string(struct wc_jsonw *w, struct wc_jsonw_name key, const char *s);

/* The first problem met so far (a write error is also taken from the buffer's FILE's
 * ferror and from the buffer's own failure). */
enum wc_jsonw_error wc_jsonw_error(const struct wc_jsonw *w);
/* Hands what its own buffer still gathers to the FILE, even of an unfinished value.
 * Returns 0 when exactly one complete value was written and no error occurred, else -1. */
int wc_jsonw_finish(struct wc_jsonw *w);

/* ---- inline members ----------------------------------------------------------- */

/* What the inline calls do not take themselves (misuse, a full or failed buffer, the
 * end of the document), and the string writer they share. */
void wc_jsonw_kv_text_slow(struct wc_jsonw *w, struct wc_jsonw_name key, const char *text, size_t len);
void wc_jsonw_kv_uint_slow(struct wc_jsonw *w, struct wc_jsonw_name key, uint64_t v);
void wc_jsonw_kv_string_slow(struct wc_jsonw *w, struct wc_jsonw_name key, const char *s);
void wc_jsonw_begin_slow(struct wc_jsonw *w, bool array);
void wc_jsonw_end_slow(struct wc_jsonw *w, bool array);
void wc_jsonw_put_string_(struct wc_jsonw *w, const char *s, size_t len);

/* Opens a container inside another, where a value may stand. */
static inline bool wc_jsonw_open_(struct wc_jsonw *w, bool array)
{
	if (w->depth == 0 || w->depth >= WC_JSONW_MAX_DEPTH)
		return false;
	uint64_t bit = (uint64_t)1 << (w->depth - 1);
	char *dst = wc_outbuf_room(w->b, 2);
	if (!dst)
		return false;
	size_t n = 0;
	if (w->is_array & bit) {
		if (w->has_member & bit)
			dst[n++] = ',';
		w->has_member |= bit;
	} else if (w->key_pending) {
		w->key_pending = false;
	} else {
		return false;
	}
	dst[n++] = array ? '[' : '{';
	w->b->len += n;
	w->depth++;
	bit <<= 1;
	w->has_member &= ~bit;
	if (array)
		w->is_array |= bit;
	else
		w->is_array &= ~bit;
	return true;
}

/* Closes a container inside another: the outermost one completes the document. */
static inline bool wc_jsonw_close_(struct wc_jsonw *w, bool array)
{
	if (w->depth < 2 || w->key_pending)
		return false;
	bool is_array = (w->is_array >> (w->depth - 1)) & 1;
	char *dst;
	if (is_array != array || !(dst = wc_outbuf_room(w->b, 1)))
		return false;
	dst[0] = array ? ']' : '}';
	w->b->len++;
	w->depth--;
	return true;
}

static inline void wc_jsonw_begin_object(struct wc_jsonw *w)
{
	if (!wc_jsonw_open_(w, false))
		wc_jsonw_begin_slow(w, false);
}

static inline void wc_jsonw_end_object(struct wc_jsonw *w)
{
	if (!wc_jsonw_close_(w, false))
		wc_jsonw_end_slow(w, false);
}

static inline void wc_jsonw_begin_array(struct wc_jsonw *w)
{
	if (!wc_jsonw_open_(w, true))
		wc_jsonw_begin_slow(w, true);
}

static inline void wc_jsonw_end_array(struct wc_jsonw *w)
{
	if (!wc_jsonw_close_(w, true))
		wc_jsonw_end_slow(w, true);
}

/* Writes `,"name":` where a member may stand and room for value_room more bytes is
 * there, and returns where the value goes; NULL, with nothing written, otherwise. */
static inline char *wc_jsonw_member_(struct wc_jsonw *w, struct wc_jsonw_name key, size_t value_room)
{
	if (w->depth == 0 || w->key_pending || key.len + 1 + value_room > WC_OUTBUF_PIECE)
		return NULL;
	uint64_t bit = (uint64_t)1 << (w->depth - 1);
	char *dst;
	if ((w->is_array & bit) || !(dst = wc_outbuf_room(w->b, key.len + 1 + value_room)))
		return NULL;
	size_t n = (w->has_member & bit) != 0;
	dst[0] = ',';
	w->has_member |= bit;
	memcpy(dst + n, key.text, key.len);
	w->b->len += n + key.len;
	return dst + n + key.len;
}

static inline void wc_jsonw_kv_uint(struct wc_jsonw *w, struct wc_jsonw_name key, uint64_t v)
{
	char *dst = wc_jsonw_member_(w, key, 20);
	if (dst)
		w->b->len += wc_u64_digits(v, dst);
	else
		wc_jsonw_kv_uint_slow(w, key, v);
}

static inline void wc_jsonw_kv_bool(struct wc_jsonw *w, struct wc_jsonw_name key, bool v)
{
	char *dst = wc_jsonw_member_(w, key, 5);
	if (!dst) {
		wc_jsonw_kv_text_slow(w, key, v ? "true" : "false", v ? 4 : 5);
	} else if (v) {
		memcpy(dst, "true", 4);
		w->b->len += 4;
	} else {
		memcpy(dst, "false", 5);
		w->b->len += 5;
	}
}

static inline void wc_jsonw_kv_string(struct wc_jsonw *w, struct wc_jsonw_name key, const char *s)
{
	char *dst = wc_jsonw_member_(w, key, 4);
	if (!dst) {
		wc_jsonw_kv_string_slow(w, key, s);
	} else if (s) {
		wc_jsonw_put_string_(w, s, strlen(s));
	} else {
		memcpy(dst, "null", 4);
		w->b->len += 4;
	}
}

static inline void wc_jsonw_kv_null(struct wc_jsonw *w, struct wc_jsonw_name key)
{
	char *dst = wc_jsonw_member_(w, key, 4);
	if (dst) {
		memcpy(dst, "null", 4);
		w->b->len += 4;
	} else {
		wc_jsonw_kv_text_slow(w, key, "null", 4);
	}
}

#endif
