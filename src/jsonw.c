/* jsonw.c — streaming JSON writer (jsonw.h): commas and nesting, escaping, UTF-8 repair. */
#include "config.h"

#include <string.h>

#include "jsonw.h"

static void fail(struct wc_jsonw *w, enum wc_jsonw_error e)
{
	if (w->err == WC_JSONW_OK)
		w->err = e;
}

/* Only the writer's own buffer is handed over here: a caller's is the caller's. */
static void flush(struct wc_jsonw *w)
{
	if (w->b == &w->own)
		wc_outbuf_flush(&w->own);
}

static void put(struct wc_jsonw *w, const char *s, size_t n)
{
	wc_outbuf_put(w->b, s, n);
}

static void put_char(struct wc_jsonw *w, char c)
{
	wc_outbuf_putc(w->b, c);
}

static uint64_t level_bit(unsigned depth)
{
	return (uint64_t)1 << (depth - 1);
}

static bool in_array(const struct wc_jsonw *w)
{
	return w->depth && (w->is_array & level_bit(w->depth));
}

/* Before a value: writes the comma an array needs, or uses up the key an object must
 * have had. False, with the writer marked misused, where no value may stand. */
static bool value_slot(struct wc_jsonw *w)
{
	if (w->done) {
		fail(w, WC_JSONW_EMISUSE);
		return false;
	}
	if (w->depth == 0)
		return true;
	uint64_t b = level_bit(w->depth);
	if (w->is_array & b) {
		if (w->has_member & b)
			put_char(w, ',');
		w->has_member |= b;
		return true;
	}
	if (!w->key_pending) {
		fail(w, WC_JSONW_EMISUSE);
		return false;
	}
	w->key_pending = false;
	return true;
}

/* A value written at the top level is the whole document: hand it over. */
static void value_done(struct wc_jsonw *w)
{
	if (w->depth == 0) {
		w->done = true;
		flush(w);
	}
}

static void scalar(struct wc_jsonw *w, const char *text, size_t len)
{
	if (!value_slot(w))
		return;
	put(w, text, len);
	value_done(w);
}

/* Length of the well-formed UTF-8 sequence at s (s[0] >= 0x80), or 0 with *bad set to
 * the length of its maximal ill-formed part: Unicode's recommended practice replaces
 * that part with one U+FFFD and goes on at the next byte, so a truncated sequence
 * does not swallow the character after it. Overlong forms, surrogates and code points
 * past U+10FFFF are ill-formed (RFC 3629). */
static size_t utf8_sequence(const unsigned char *s, size_t left, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf; /* range of the second byte */
	size_t need;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*bad = 1;
		return 0;
	}
	for (size_t i = 1; i < need; i++) {
		if (i >= left || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}

static void put_escape(struct wc_jsonw *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
	size_t n = 2;
	switch (c) {
	case '"': esc[1] = '"'; break;
	case '\\': esc[1] = '\\'; break;
	case '\b': esc[1] = 'b'; break;
	case '\f': esc[1] = 'f'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	case '\t': esc[1] = 't'; break;
	default: n = 6; break;
	}
	put(w, esc, n);
}

/* 1 for the bytes a JSON string holds as they are: printable ASCII but the quote (0x22)
 * and backslash (0x5c). A table: this test runs once per byte of output. */
static const unsigned char plain_byte[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x70 */
	/* 0x80 and up: UTF-8, checked sequence by sequence */
};

/* Plain bytes, which most strings are made of only, are copied in the scan that checks
 * them, into room taken once; the first other byte ends the fast part. */
static void put_string(struct wc_jsonw *w, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	char *dst = len <= WC_OUTBUF_PIECE - 2 ? wc_outbuf_room(w->b, len + 2) : NULL;
	if (dst) {
		dst[0] = '"';
		while (i < len && plain_byte[s[i]]) {
			dst[i + 1] = (char)s[i];
			i++;
		}
		if (i == len) {
			dst[len + 1] = '"';
			w->b->len += len + 2;
			return;
		}
		w->b->len += i + 1;
	} else {
		put_char(w, '"');
	}
	while (i < len) {
		size_t k = i;
		while (k < len && plain_byte[s[k]])
			k++;
		put(w, str + i, k - i);
		i = k;
		if (i == len)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			put_escape(w, c);
			i++;
			continue;
		}
		size_t bad = 0, n = utf8_sequence(s + i, len - i, &bad);
		if (n) {
			put(w, str + i, n);
			i += n;
		} else {
			put(w, "\\ufffd", 6);
			i += bad;
		}
	}
	put_char(w, '"');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A JSON number (RFC 8259 section 6): -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (is_digit(*s))
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

static void begin(struct wc_jsonw *w, bool array)
{
	if (w->depth >= WC_JSONW_MAX_DEPTH) {
		/* too deep: a value may still be owed to a key, and null keeps the JSON valid */
		bool owed = !w->done && w->depth && !in_array(w) && w->key_pending;
		if (owed)
			scalar(w, "null", 4);
		fail(w, WC_JSONW_EMISUSE);
		return;
	}
	if (!value_slot(w))
		return;
	put_char(w, array ? '[' : '{');
	w->depth++;
	uint64_t b = level_bit(w->depth);
	w->has_member &= ~b;
	if (array)
		w->is_array |= b;
	else
		w->is_array &= ~b;
}

static void end(struct wc_jsonw *w, bool array)
{
	if (w->depth == 0 || in_array(w) != array || w->key_pending) {
		fail(w, WC_JSONW_EMISUSE);
		return;
	}
	put_char(w, array ? ']' : '}');
	w->depth--;
	value_done(w);
}

static void init_state(struct wc_jsonw *w)
{
	w->depth = 0;
	w->is_array = w->has_member = 0;
	w->key_pending = w->done = false;
	w->err = WC_JSONW_OK;
}

void wc_jsonw_init(struct wc_jsonw *w, FILE *out)
{
	wc_outbuf_init_fixed(&w->own, out, w->block, sizeof w->block);
	w->b = &w->own;
	init_state(w);
}

void wc_jsonw_init_buf(struct wc_jsonw *w, struct wc_outbuf *b)
{
	w->b = b;
	init_state(w);
}

void wc_jsonw_begin_slow(struct wc_jsonw *w, bool array)
{
	begin(w, array);
}

void wc_jsonw_end_slow(struct wc_jsonw *w, bool array)
{
	end(w, array);
}

/* Where a key may stand: in an object, with no key waiting. Writes the comma. */
static bool key_slot(struct wc_jsonw *w)
{
	if (w->depth == 0 || in_array(w) || w->key_pending) {
		fail(w, WC_JSONW_EMISUSE);
		return false;
	}
	uint64_t b = level_bit(w->depth);
	if (w->has_member & b)
		put_char(w, ',');
	w->has_member |= b;
	return true;
}

/* The name of a kv call: false, with nothing written, where no key may stand. A value
 * written next fills the slot with the usual checks, which cannot refuse it. */
static bool kv_key(struct wc_jsonw *w, struct wc_jsonw_name key)
{
	if (wc_jsonw_member_(w, key, 0))
		return true;
	if (!key_slot(w))
		return false;
	put(w, key.text, key.len);
	return true;
}

void wc_jsonw_key(struct wc_jsonw *w, const char *key)
{
	if (!key) {
		fail(w, WC_JSONW_EMISUSE);
		return;
	}
	if (!key_slot(w))
		return;
	put_string(w, key, strlen(key));
	put_char(w, ':');
	w->key_pending = true;
}

void wc_jsonw_key_name(struct wc_jsonw *w, struct wc_jsonw_name key)
{
	if (kv_key(w, key))
		w->key_pending = true;
}

void wc_jsonw_string_len(struct wc_jsonw *w, const char *s, size_t len)
{
	if (!value_slot(w))
		return;
	put_string(w, s, len);
	value_done(w);
}

void wc_jsonw_string(struct wc_jsonw *w, const char *s)
{
	if (s)
		wc_jsonw_string_len(w, s, strlen(s));
	else
		wc_jsonw_null(w);
}

/* Digits straight into the buffer: the value slot is checked, so nothing can refuse them. */
static void put_int(struct wc_jsonw *w, bool negative, uint64_t mag)
{
	char *dst = wc_outbuf_room(w->b, 21);
	if (!dst)
		return;
	size_t n = 0;
	if (negative)
		dst[n++] = '-';
	w->b->len += n + wc_u64_digits(mag, dst + n);
}

/* The magnitude in unsigned arithmetic: -INT64_MIN does not fit in int64_t. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void wc_jsonw_int(struct wc_jsonw *w, int64_t v)
{
	if (!value_slot(w))
		return;
	put_int(w, v < 0, magnitude(v));
	value_done(w);
}

void wc_jsonw_uint(struct wc_jsonw *w, uint64_t v)
{
	if (!value_slot(w))
		return;
	put_int(w, false, v);
	value_done(w);
}

void wc_jsonw_bool(struct wc_jsonw *w, bool v)
{
	if (v)
		scalar(w, "true", 4);
	else
		scalar(w, "false", 5);
}

void wc_jsonw_null(struct wc_jsonw *w)
{
	scalar(w, "null", 4);
}

void wc_jsonw_number(struct wc_jsonw *w, const char *text)
{
	if (text && is_number(text)) {
		scalar(w, text, strlen(text));
		return;
	}
	wc_jsonw_null(w);
	fail(w, WC_JSONW_EMISUSE);
}

void wc_jsonw_decimal(struct wc_jsonw *w, bool negative, uint64_t units, unsigned decimals)
{
	if (!value_slot(w))
		return;
	wc_outbuf_decimal(w->b, negative, units, decimals);
	value_done(w);
}

/* ---- members in one call ---------------------------------------------------- */

void wc_jsonw_kv_uint_slow(struct wc_jsonw *w, struct wc_jsonw_name key, uint64_t v)
{
	if (kv_key(w, key))
		put_int(w, false, v);
}

void wc_jsonw_kv_text_slow(struct wc_jsonw *w, struct wc_jsonw_name key, const char *text, size_t len)
{
	if (kv_key(w, key))
		put(w, text, len);
}

void wc_jsonw_kv_int(struct wc_jsonw *w, struct wc_jsonw_name key, int64_t v)
{
	if (kv_key(w, key))
		put_int(w, v < 0, magnitude(v));
}

void wc_jsonw_put_string_(struct wc_jsonw *w, const char *s, size_t len)
{
	put_string(w, s, len);
}

void wc_jsonw_kv_string_slow(struct wc_jsonw *w, struct wc_jsonw_name key, const char *s)
{
	if (!kv_key(w, key))
		return;
	if (s)
		put_string(w, s, strlen(s));
	else
		put(w, "null", 4);
}

void wc_jsonw_kv_string_len(struct wc_jsonw *w, struct wc_jsonw_name key, const char *s, size_t len)
{
	if (kv_key(w, key))
		put_string(w, s, len);
}

void wc_jsonw_kv_decimal(struct wc_jsonw *w, struct wc_jsonw_name key, bool negative, uint64_t units,
                         unsigned decimals)
{
	if (kv_key(w, key))
		wc_outbuf_decimal(w->b, negative, units, decimals);
}

enum wc_jsonw_error wc_jsonw_error(const struct wc_jsonw *w)
{
	if (w->err != WC_JSONW_OK)
		return w->err;
	if (w->b->failed || (w->b->out && ferror(w->b->out)))
		return WC_JSONW_EWRITE;
	return WC_JSONW_OK;
}

int wc_jsonw_finish(struct wc_jsonw *w)
{
	flush(w);
	return w->done && wc_jsonw_error(w) == WC_JSONW_OK ? 0 : -1;
}
