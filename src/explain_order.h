/* explain_order.h — a bounded reorder buffer: items handed over in finish order come
 * out in id order.
 *
 * The flow tracker hands a connection over when it finishes, but explain lists
 * connections in order of their first packet (their id). Rendered items wait here
 * until every smaller id has come out. A long-lived connection would make everything
 * after it wait, so at most `cap` items are held: past that the smallest held id is
 * written at once and any smaller id that arrives later is written when it arrives
 * (out of order). Ids must be unique.
 */
#ifndef WC_EXPLAIN_ORDER_H
#define WC_EXPLAIN_ORDER_H

#include <stddef.h>
#include <stdint.h>

/* Receives each item in turn; text is NULL for an item that only holds its place. */
typedef void (*wc_xorder_sink)(const char *text, size_t len, void *arg);

struct wc_xorder;

struct wc_xorder *wc_xorder_new(size_t cap, wc_xorder_sink sink, void *arg);

/* Hand over item id (text malloc'd, taken over and freed; NULL allowed). Returns -1
 * when out of memory (the item is then written at once). */
int wc_xorder_put(struct wc_xorder *o, uint32_t id, char *text, size_t len);

/* Write every held item in id order. */
void wc_xorder_flush(struct wc_xorder *o);

void wc_xorder_free(struct wc_xorder *o);

#endif
