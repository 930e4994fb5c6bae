/* base64.c — RFC 4648 base64 encoding and strict decoding (base64.h). */
#include "base64.h"

#include <stdbool.h>
#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of c, or -1. */
static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t wc_base64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void wc_base64_encode(const void *bytes, size_t n, char *out)
{
	const unsigned char *b = bytes;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)b[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)b[i + 1] << 8;
		if (i + 2 < n)
			v |= b[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	out[o] = '\0';
}

long wc_base64_decode(const char *text, size_t len, unsigned char *out, size_t *bad)
{
	*bad = len;
	if (len % 4)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		/* "xx==" or "xxx=" only in the last group */
		size_t pad = last && text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0;
		uint32_t v = 0;
		for (size_t k = 0; k < 4; k++) {
			int s = k < 4 - pad ? sextet(text[i + k]) : 0;
			if (s < 0) {
				*bad = i + k;
				return -1;
			}
			v = v << 6 | (uint32_t)s;
		}
		/* bits the padding says are unused must be zero: one encoding per byte string */
		if ((pad == 2 && (v & 0xffff)) || (pad == 1 && (v & 0xff))) {
			*bad = i + 3 - pad;
			return -1;
		}
		out[o++] = (unsigned char)(v >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(v >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)v;
	}
	return (long)o;
}
