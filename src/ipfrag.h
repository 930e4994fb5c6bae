/* ipfrag.h — IPv4 and IPv6 fragment reassembly for the decoder (internal).
 *
 * A bounded table of datagrams being reassembled: at most WC_FRAG_MAX_SETS at once and
 * WC_FRAG_MAX_BYTES of fragment data between them; a set older than WC_FRAG_TIMEOUT_NS
 * of capture time, or the oldest when the table is full, is given up and remembered as
 * incomplete for wc_ipfrag_flush(). The table allocates its buffers once per slot, never
 * per packet.
 */
#ifndef WC_IPFRAG_H
#define WC_IPFRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "cursor.h"

#define WC_FRAG_MAX_SETS 32
#define WC_FRAG_MAX_BYTES (1024u * 1024u)
#define WC_FRAG_TIMEOUT_NS (30LL * 1000000000LL)
#define WC_FRAG_MAX_PAYLOAD 65535u

/* What identifies a datagram's fragments: RFC 791 (src, dst, proto, id), RFC 8200
 * (src, dst, id). proto is 0 for IPv6. */
struct wc_frag_key {
	uint8_t version;
	uint8_t proto;
	uint32_t id;
	uint8_t src[16], dst[16];
};

struct wc_frag_piece {
	struct wc_frag_key key;
	uint32_t offset;         /* bytes into the datagram's payload */
	bool more;               /* more fragments follow */
	struct wc_cursor data;   /* fragment bytes present in the capture */
	uint32_t len;            /* fragment bytes declared */
	uint32_t limit;          /* largest payload the datagram may reach */
	uint8_t nh;              /* IPv6: next header in the fragment header */
	uint64_t frame;
	int64_t ts_ns;
};

struct wc_frag_result {
	bool done;               /* this piece completed the datagram */
	bool overlap;            /* it overlapped earlier bytes with different content */
	bool too_large;          /* it reached past limit and was dropped */
	/* when done: the reassembled payload, valid until the next wc_ipfrag_add() */
	const uint8_t *data;
	uint32_t caplen;         /* bytes present (less when the capture cut a fragment) */
	uint32_t len;            /* payload length of the whole datagram */
	uint64_t first_frame;
	uint16_t count;          /* fragments that brought new bytes */
	uint8_t nh;              /* IPv6: next header of the offset-0 fragment */
};

struct wc_ipfrag;

struct wc_ipfrag *wc_ipfrag_new(void);
void wc_ipfrag_add(struct wc_ipfrag *f, struct wc_frag_piece *piece, struct wc_frag_result *out);
/* Report every set that did not complete (given up earlier or still pending), in
 * order of first frame, and forget them. */
void wc_ipfrag_flush(struct wc_ipfrag *f, void (*cb)(uint64_t first_frame, enum wc_anomaly a, void *arg),
                     void *arg);
void wc_ipfrag_free(struct wc_ipfrag *f);

#endif
