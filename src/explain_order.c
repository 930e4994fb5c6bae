/* explain_order.c — bounded reorder buffer (explain_order.h), a binary min-heap by id. */
#include "explain_order.h"

#include <stdbool.h>
#include <stdlib.h>

struct item {
	uint32_t id;
	char *text;
	size_t len;
};

struct wc_xorder {
	size_t cap, count, alloc;
	struct item *heap;
	uint32_t next;         /* the id that may be written next */
	wc_xorder_sink sink;
	void *arg;
};

static void swap(struct item *a, struct item *b)
{
	struct item t = *a;
	*a = *b;
	*b = t;
}

static void sift_up(struct item *h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2].id > h[i].id) {
		swap(&h[(i - 1) / 2], &h[i]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct item *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && h[l].id < h[m].id)
			m = l;
		if (r < n && h[r].id < h[m].id)
			m = r;
		if (m == i)
			return;
		swap(&h[i], &h[m]);
		i = m;
	}
}

static void write_item(struct wc_xorder *o, struct item it)
{
	o->sink(it.text, it.len, o->arg);
	free(it.text);
}

static struct item pop(struct wc_xorder *o)
{
	struct item top = o->heap[0];
	o->heap[0] = o->heap[--o->count];
	sift_down(o->heap, o->count, 0);
	return top;
}

/* Write the smallest held item and everything consecutive after it. */
static void drain(struct wc_xorder *o, bool force_one)
{
	while (o->count > 0 && (o->heap[0].id == o->next || force_one)) {
		struct item it = pop(o);
		o->next = it.id + 1;
		write_item(o, it);
		force_one = false;
	}
}

struct wc_xorder *wc_xorder_new(size_t cap, wc_xorder_sink sink, void *arg)
{
	struct wc_xorder *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->cap = cap ? cap : 1;
	o->sink = sink;
	o->arg = arg;
	return o;
}

int wc_xorder_put(struct wc_xorder *o, uint32_t id, char *text, size_t len)
{
	struct item it = {id, text, len};
	if (id < o->next) { /* its place was given up when the buffer overflowed */
		write_item(o, it);
		return 0;
	}
	if (o->count == o->alloc) {
		size_t n = o->alloc ? o->alloc * 2 : 64;
		struct item *h = realloc(o->heap, n * sizeof *h);
		if (!h) {
			write_item(o, it);
			return -1;
		}
		o->heap = h;
		o->alloc = n;
	}
	o->heap[o->count] = it;
	sift_up(o->heap, o->count++);
	drain(o, false);
	while (o->count > o->cap)
		drain(o, true);
	return 0;
}

void wc_xorder_flush(struct wc_xorder *o)
{
	while (o->count > 0)
		drain(o, true);
}

void wc_xorder_free(struct wc_xorder *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->count; i++)
		free(o->heap[i].text);
	free(o->heap);
	free(o);
}
