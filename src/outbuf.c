/* outbuf.c — output buffer (outbuf.h): growing, handing blocks to a FILE, numbers. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>

#include "outbuf.h"

/* After a failure nothing more is kept: with no capacity left every piece takes the
 * slow path, which refuses it, so no piece lands after one that was lost. */
static void fail(struct wc_outbuf *b)
{
	b->failed = true;
	b->cap = b->len;
}

/* Hands the gathered bytes to out; false once out has refused any. */
static bool write_out(struct wc_outbuf *b)
{
	if (!b->failed && b->len && fwrite(b->p, 1, b->len, b->out) != b->len)
		fail(b);
	b->len = 0;
	if (b->failed)
		b->cap = 0;
	return !b->failed;
}

static bool grow(struct wc_outbuf *b, size_t n)
{
	if (b->failed)
		return false;
	size_t want = b->cap ? b->cap : 4096;
	while (want - b->len < n) {
		if (want > SIZE_MAX / 2) {
			fail(b);
			return false;
		}
		want *= 2;
	}
	char *p = realloc(b->p, want);
	if (!p) {
		fail(b);
		return false;
	}
	b->p = p;
	b->cap = want;
	return true;
}

void wc_outbuf_init(struct wc_outbuf *b, FILE *out)
{
	memset(b, 0, sizeof *b);
	b->out = out;
	b->own = true;
	if (out) {
		b->p = malloc(WC_OUTBUF_FILE_BLOCK);
		if (b->p)
			b->cap = WC_OUTBUF_FILE_BLOCK;
		else
			fail(b);
	}
}

void wc_outbuf_init_fixed(struct wc_outbuf *b, FILE *out, char *storage, size_t size)
{
	memset(b, 0, sizeof *b);
	b->out = out;
	b->p = storage;
	b->cap = size;
}

void wc_outbuf_free(struct wc_outbuf *b)
{
	if (b->own)
		free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

bool wc_outbuf_make_room(struct wc_outbuf *b, size_t n)
{
	if (!b->out)
		return grow(b, n);
	/* a failed file buffer keeps dropping: a later piece must not land after a hole */
	return write_out(b) && b->cap >= n;
}

void wc_outbuf_put_slow(struct wc_outbuf *b, const char *s, size_t n)
{
	if (!wc_outbuf_make_room(b, n < b->cap || !b->out ? n : 0))
		return;
	if (b->cap - b->len < n) { /* larger than a whole file block: straight through */
		if (fwrite(s, 1, n, b->out) != n)
			fail(b);
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Two digits per division halves the divisions of a long number. */
const char wc_digit_pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static unsigned digit_count(uint64_t v)
{
	unsigned n = 1;
	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	if (v >= 1000)
		return n + 3;
	if (v >= 100)
		return n + 2;
	return v >= 10 ? n + 1 : n;
}

/* The count digits of v, right-aligned to end at dst + count, zeros in front. Values
 * that fit 32 bits (frame numbers, counts) divide in 32 bits: cheaper. */
static void put_digits(uint64_t v, char *dst, unsigned count)
{
	char *p = dst + count;
	while (v > UINT32_MAX) {
		unsigned pair = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = wc_digit_pairs[pair + 1];
		*--p = wc_digit_pairs[pair];
	}
	uint32_t u = (uint32_t)v;
	while (u >= 100) {
		unsigned pair = u % 100 * 2;
		u /= 100;
		*--p = wc_digit_pairs[pair + 1];
		*--p = wc_digit_pairs[pair];
	}
	if (u >= 10) {
		*--p = wc_digit_pairs[u * 2 + 1];
		*--p = wc_digit_pairs[u * 2];
	} else {
		*--p = (char)('0' + u);
	}
	while (p > dst)
		*--p = '0';
}

/* Counting the digits of a 32-bit value by comparisons costs less than dividing. */
static unsigned digit_count32(uint32_t u)
{
	if (u < 100000)
		return u < 100 ? (u < 10 ? 1 : 2) : u < 1000 ? 3 : u < 10000 ? 4 : 5;
	if (u < 10000000)
		return u < 1000000 ? 6 : 7;
	return u < 100000000 ? 8 : u < 1000000000 ? 9 : 10;
}

size_t wc_u64_digits_long(uint64_t v, char *dst)
{
	unsigned n = v <= UINT32_MAX ? digit_count32((uint32_t)v) : digit_count(v);
	put_digits(v, dst, n);
	return n;
}

void wc_outbuf_decimal(struct wc_outbuf *b, bool negative, uint64_t units, unsigned decimals)
{
	static const uint64_t scale[19] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
		10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
		1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
	};
	char *dst = wc_outbuf_room(b, 42);
	if (!dst)
		return;
	if (decimals < 1)
		decimals = 1;
	if (decimals > 18)
		decimals = 18;
	size_t n = 0;
	if (negative)
		dst[n++] = '-';
	n += wc_u64_digits(units / scale[decimals], dst + n);
	dst[n++] = '.';
	put_digits(units % scale[decimals], dst + n, decimals);
	b->len += n + decimals;
}

void wc_outbuf_printf(struct wc_outbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fail(b);
		return;
	}
	if ((size_t)n < sizeof small) {
		wc_outbuf_put(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		fail(b);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	wc_outbuf_put(b, big, (size_t)n);
	free(big);
}

int wc_outbuf_flush(struct wc_outbuf *b)
{
	if (b->out)
		write_out(b);
	return b->failed ? -1 : 0;
}
