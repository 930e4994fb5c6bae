/* outbuf.h — an output buffer that rendering appends to, with fast number formatting.
 *
 * explain renders a few hundred short pieces per connection; one stdio call per piece
 * cost more than everything else it does with them. Pieces are appended here instead,
 * and go to a FILE in large blocks or stay in memory for the caller to take.
 *
 * Two kinds: a memory buffer (out == NULL) grows as needed and keeps everything until
 * the caller resets it; a file buffer (out set) has a fixed capacity and hands what it
 * holds to out when the next piece does not fit, and in wc_outbuf_flush(). A failure
 * (memory, or the FILE's error) is remembered in `failed`; the pieces that could not be
 * kept are dropped, never half written over others.
 */
#ifndef WC_OUTBUF_H
#define WC_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Room every piece written through wc_outbuf_room() may ask for, at most: the longest
 * number, escape or address text; a file buffer holds at least this much. */
#define WC_OUTBUF_PIECE 128
/* Capacity of a file buffer whose storage wc_outbuf_init() allocates. */
#define WC_OUTBUF_FILE_BLOCK 65536

struct wc_outbuf {
	char *p;
	size_t len, cap;
	FILE *out;            /* NULL: memory buffer */
	bool own;             /* p was allocated here */
	bool failed;
};

/* A memory buffer when out is NULL, else a file buffer of WC_OUTBUF_FILE_BLOCK bytes. */
void wc_outbuf_init(struct wc_outbuf *b, FILE *out);
/* A file buffer in the caller's storage (size >= WC_OUTBUF_PIECE), nothing allocated. */
void wc_outbuf_init_fixed(struct wc_outbuf *b, FILE *out, char *storage, size_t size);
void wc_outbuf_free(struct wc_outbuf *b);

/* Slow paths of the inline functions below. */
bool wc_outbuf_make_room(struct wc_outbuf *b, size_t n);
void wc_outbuf_put_slow(struct wc_outbuf *b, const char *s, size_t n);

/* Where the next n (<= WC_OUTBUF_PIECE) bytes go, or NULL after a failure; the caller
 * writes them and adds what it wrote to len. */
static inline char *wc_outbuf_room(struct wc_outbuf *b, size_t n)
{
	if (b->cap - b->len < n && !wc_outbuf_make_room(b, n))
		return NULL;
	return b->p + b->len;
}

static inline void wc_outbuf_put(struct wc_outbuf *b, const char *s, size_t n)
{
	if (n == 0) /* an empty memory buffer has no storage to copy nothing into */
		return;
	if (b->cap - b->len >= n) {
		memcpy(b->p + b->len, s, n);
		b->len += n;
	} else {
		wc_outbuf_put_slow(b, s, n);
	}
}

static inline void wc_outbuf_putc(struct wc_outbuf *b, char c)
{
	if (b->len < b->cap || wc_outbuf_make_room(b, 1))
		b->p[b->len++] = c;
}

static inline void wc_outbuf_puts(struct wc_outbuf *b, const char *s)
{
	wc_outbuf_put(b, s, strlen(s));
}

/* A string literal, its length known at compile time ("" x "" refuses anything else). */
#define WC_OUTBUF_LIT(b, lit) wc_outbuf_put((b), "" lit "", sizeof(lit) - 1)

/* "00".."99" */
extern const char wc_digit_pairs[201];
size_t wc_u64_digits_long(uint64_t v, char *dst);

/* Decimal digits of v at dst (room for 20); returns how many. Most numbers explain
 * writes are counts and flags below 100: those take no division. */
static inline size_t wc_u64_digits(uint64_t v, char *dst)
{
	if (v < 10) {
		dst[0] = (char)('0' + v);
		return 1;
	}
	if (v < 100) {
		memcpy(dst, wc_digit_pairs + 2 * v, 2);
		return 2;
	}
	return wc_u64_digits_long(v, dst);
}

static inline void wc_outbuf_u64(struct wc_outbuf *b, uint64_t v)
{
	char *dst = wc_outbuf_room(b, 20);
	if (dst)
		b->len += wc_u64_digits(v, dst);
}

/* units / 10^decimals with exactly `decimals` (1 to 18) digits after the point, after a
 * minus sign when negative: (true, 250, 6) is "-0.000250". */
void wc_outbuf_decimal(struct wc_outbuf *b, bool negative, uint64_t units, unsigned decimals);
/* printf into the buffer, for the pieces that are neither hot nor simple. */
void wc_outbuf_printf(struct wc_outbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands everything gathered to out (a file buffer) and empties the buffer. Returns -1
 * when anything failed so far. */
int wc_outbuf_flush(struct wc_outbuf *b);

#endif
