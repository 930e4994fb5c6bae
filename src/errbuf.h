/* errbuf.h — how modules report setup and I/O errors: into the caller's buffer.
 *
 * libpcap's errbuf idea: a function that can fail takes `char *errbuf` of
 * WC_ERRBUF_SIZE bytes, returns a failure value and leaves one line of text (no
 * trailing newline) in the buffer. Modules never print and never exit; only main.c
 * does. errno is turned into text at the failing call, where it still means something.
 */
#ifndef WC_ERRBUF_H
#define WC_ERRBUF_H

#define WC_ERRBUF_SIZE 512

/* printf into errbuf (NULL is allowed and ignored). Always returns -1 so that
 * `return wc_err(errbuf, ...);` reads naturally. */
int wc_err(char *errbuf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Same, with ": strerror(errnum)" appended. */
int wc_err_errno(char *errbuf, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
