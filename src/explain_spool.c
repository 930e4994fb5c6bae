/* explain_spool.c — a section's rendered items: in memory up to a bound, then in a temporary file. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "explain_format.h"

/* The memory part is the head of the section and the file its tail: once the file
 * exists everything goes there, so copying the two one after the other keeps the order. */

static bool mem_append(struct wc_xspool *sp, const char *text, size_t len)
{
	if (sp->len + len > sp->alloc) {
		size_t n = sp->alloc ? sp->alloc : 4096;
		while (n < sp->len + len)
			n *= 2;
		if (n > sp->mem_max)
			n = sp->mem_max;
		char *m = realloc(sp->mem, n);
		if (!m)
			return false;
		sp->mem = m;
		sp->alloc = n;
	}
	memcpy(sp->mem + sp->len, text, len);
	sp->len += len;
	return true;
}

void wc_xspool_init(struct wc_xspool *sp, size_t mem_max)
{
	memset(sp, 0, sizeof *sp);
	sp->mem_max = mem_max;
}

void wc_xspool_write(struct wc_xspool *sp, const char *text, size_t len)
{
	if (sp->failed || len == 0)
		return;
	if (!sp->spill && sp->len + len <= sp->mem_max && mem_append(sp, text, len))
		return;
	if (!sp->spill)
		sp->spill = tmpfile();
	if (!sp->spill || fwrite(text, 1, len, sp->spill) != len)
		sp->failed = true;
}

int wc_xspool_copy(struct wc_outbuf *out, struct wc_xspool *sp)
{
	if (sp->len)
		wc_outbuf_put(out, sp->mem, sp->len);
	if (sp->failed)
		return -1;
	if (!sp->spill)
		return 0;
	if (fflush(sp->spill) != 0 || fseek(sp->spill, 0, SEEK_SET) != 0)
		return -1;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, sp->spill)) > 0)
		wc_outbuf_put(out, buf, n);
	return ferror(sp->spill) ? -1 : 0;
}

void wc_xspool_free(struct wc_xspool *sp)
{
	free(sp->mem);
	if (sp->spill)
		fclose(sp->spill);
	sp->mem = NULL;
	sp->spill = NULL;
	sp->len = sp->alloc = 0;
}
