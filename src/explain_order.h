/* explain_order.h — a bounded reorder buffer: items handed over in finish order come
 * out in id order.
 *
 * The flow tracker hands a connection over when it finishes, but explain lists
 * connections in order of their first packet (their id). Items wait here until every
 * smaller id has come out. A long-lived connection would make everything after it
 * wait, so at most `cap` items are held: past that the smallest held id is written at
 * once and any smaller id that arrives later is written when it arrives (out of
 * order). Ids must be unique.
 *
 * An item is a fixed-size copy (a connection, not its rendered text) kept in a slot the
 * buffer recycles: once the buffer has grown to its working size, holding an item
 * costs one copy and no allocation, and it is rendered once, when its turn comes.
 */
#ifndef WC_EXPLAIN_ORDER_H
#define WC_EXPLAIN_ORDER_H

#include <stddef.h>
#include <stdint.h>

/* Receives each item in turn; item is NULL for one that only holds its place. The
 * slot is recycled when the sink returns. */
typedef void (*wc_xorder_sink)(void *item, void *arg);

struct wc_xorder;

struct wc_xorder *wc_xorder_new(size_t cap, size_t item_size, wc_xorder_sink sink, void *arg);

/* The slot to copy the next item into (item_size bytes; the same one until it is
 * handed over). NULL when out of memory. */
void *wc_xorder_slot(struct wc_xorder *o);

/* Hand over item id: the slot from wc_xorder_slot(), filled, or NULL to hold only its
 * place. Returns -1 when out of memory (the item is then written at once). */
int wc_xorder_put(struct wc_xorder *o, uint32_t id, void *slot);

/* Write every held item in id order. */
void wc_xorder_flush(struct wc_xorder *o);

/* Frees the buffer and every slot, without writing what is still held. */
void wc_xorder_free(struct wc_xorder *o);

#endif
