/* base64.h — RFC 4648 base64 (standard alphabet, with padding), for bytes that JSON text
 * cannot carry as a string (the run record's program output with NULs or broken UTF-8).
 */
#ifndef WC_BASE64_H
#define WC_BASE64_H

#include <stddef.h>

/* Characters the encoding of n bytes takes, without the terminating NUL. */
size_t wc_base64_len(size_t n);

/* Encode n bytes into out, which holds wc_base64_len(n) + 1 bytes; NUL-terminated. */
void wc_base64_encode(const void *bytes, size_t n, char *out);

/* Decode text (len characters) into out, which holds at least len / 4 * 3 bytes. Returns
 * the byte count, or -1 when the text is not canonical base64 (length not a multiple of 4,
 * a character outside the alphabet, padding anywhere but at the end, or stray bits in the
 * last character); *bad then gets the 0-based offset of the first offending character. */
long wc_base64_decode(const char *text, size_t len, unsigned char *out, size_t *bad);

#endif
