/* explain_order.c — bounded reorder buffer (explain_order.h): a binary min-heap by id over recycled slots. */
#include "explain_order.h"

#include <stdbool.h>
#include <stdlib.h>

struct held {
	uint32_t id;
	void *item;            /* NULL: holds its place only */
};

/* A free slot stores the link to the next free one in its own first bytes. */
union free_slot {
	union free_slot *next;
	max_align_t align;
};

struct wc_xorder {
	size_t cap, count, alloc;
	struct held *heap;
	uint32_t next;         /* the id that may be written next */
	size_t slot_size;
	union free_slot *free; /* recycled slots */
	void *lent;            /* the slot wc_xorder_slot() gave out, not yet handed over */
	wc_xorder_sink sink;
	void *arg;
};

static void swap(struct held *a, struct held *b)
{
	struct held t = *a;
	*a = *b;
	*b = t;
}

static void sift_up(struct held *h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2].id > h[i].id) {
		swap(&h[(i - 1) / 2], &h[i]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct held *h, size_t n, size_t i)
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

static void recycle(struct wc_xorder *o, void *item)
{
	if (!item)
		return;
	union free_slot *f = item;
	f->next = o->free;
	o->free = f;
}

static void write_item(struct wc_xorder *o, void *item)
{
	o->sink(item, o->arg);
	recycle(o, item);
}

static struct held pop(struct wc_xorder *o)
{
	struct held top = o->heap[0];
	o->heap[0] = o->heap[--o->count];
	sift_down(o->heap, o->count, 0);
	return top;
}

/* Write the smallest held item and everything consecutive after it. */
static void drain(struct wc_xorder *o, bool force_one)
{
	while (o->count > 0 && (o->heap[0].id == o->next || force_one)) {
		struct held h = pop(o);
		o->next = h.id + 1;
		write_item(o, h.item);
		force_one = false;
	}
}

struct wc_xorder *wc_xorder_new(size_t cap, size_t item_size, wc_xorder_sink sink, void *arg)
{
	struct wc_xorder *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->cap = cap ? cap : 1;
	o->slot_size = item_size > sizeof(union free_slot) ? item_size : sizeof(union free_slot);
	o->sink = sink;
	o->arg = arg;
	return o;
}

void *wc_xorder_slot(struct wc_xorder *o)
{
	if (!o->lent && o->free) {
		o->lent = o->free;
		o->free = o->free->next;
	}
	if (!o->lent)
		o->lent = malloc(o->slot_size);
	return o->lent;
}

int wc_xorder_put(struct wc_xorder *o, uint32_t id, void *slot)
{
	if (slot && slot == o->lent)
		o->lent = NULL;
	if (id < o->next) { /* its place was given up when the buffer overflowed */
		write_item(o, slot);
		return 0;
	}
	if (o->count == o->alloc) {
		size_t n = o->alloc ? o->alloc * 2 : 64;
		struct held *h = realloc(o->heap, n * sizeof *h);
		if (!h) {
			write_item(o, slot);
			return -1;
		}
		o->heap = h;
		o->alloc = n;
	}
	o->heap[o->count] = (struct held){id, slot};
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
		free(o->heap[i].item);
	while (o->free) {
		union free_slot *f = o->free;
		o->free = f->next;
		free(f);
	}
	free(o->lent);
	free(o->heap);
	free(o);
}
