/* errbuf.c — formatting into caller-supplied error buffers (see errbuf.h). */
#include "errbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int wc_err(char *errbuf, const char *fmt, ...)
{
	if (!errbuf)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, WC_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	return -1;
}

int wc_err_errno(char *errbuf, int errnum, const char *fmt, ...)
{
	if (!errbuf)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(errbuf, WC_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
	if (n >= 0 && n < WC_ERRBUF_SIZE)
		snprintf(errbuf + n, WC_ERRBUF_SIZE - (size_t)n, ": %s", strerror(errnum));
	return -1;
}
