/* decode_layers.h — the internal contract between the layer decoders of decode.c.
 *
 * Not for other modules: they see only decode.h. Each network decoder takes a cursor
 * over the bytes of its layer and hands a transport decoder a wc_l4_in, which carries
 * three lengths because a missing byte can mean three things: `len` is what the IP
 * header declares, `wire` how much of that was on the wire (less only when the IP
 * length lies about the frame), and the cursor what the capture holds (less when the
 * snapshot length cut it). A header that needs more than `len` is malformed, more
 * than the cursor but within `wire` truncated, and between `wire` and `len` already
 * reported by the IP layer.
 */
#ifndef WC_DECODE_LAYERS_H
#define WC_DECODE_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "cursor.h"
#include "decode.h"
#include "ipfrag.h"
#include "packet.h"

struct wc_decoder {
	struct wc_ipfrag *frag;
};

struct wc_l4_in {
	struct wc_cursor seg;           /* bytes present, never more than len */
	uint32_t len;                   /* transport length declared by the IP layer */
	uint32_t wire;                  /* of len, bytes that were on the wire */
	uint8_t proto;
	const struct wc_addr *src;      /* pseudo-header addresses */
	const struct wc_addr *dst;
};

/* How reading a header ended: parsed, the bytes ran out (need says how many bytes
 * from the header start it wanted), or a field is invalid. */
enum wc_hdr_status { WC_HDR_OK, WC_HDR_SHORT, WC_HDR_BAD };

/* Bytes the frame had on the wire from the cursor's position on (c points into the
 * frame's data). */
uint32_t wc_frame_wire_left(const struct wc_packet *pkt, const struct wc_cursor *c);

/* Record the anomaly for a header of `need` bytes that the cursor lacks (see above).
 * Returns true when the snapshot length cut it: the checksum is then unverifiable. */
bool wc_l4_short(struct wc_packet *pkt, const struct wc_l4_in *in, uint32_t need,
                 enum wc_anomaly truncated, enum wc_anomaly malformed);

/* ---- network layer ---- */

/* Read an IPv4 header (fixed part and options) into ip. SHORT sets *need; BAD sets
 * *bad. A malformed option is not fatal: *opt_bad is set and parsing goes on. */
enum wc_hdr_status wc_ipv4_header(struct wc_cursor *c, struct wc_ip *ip, uint32_t *need,
                                  enum wc_anomaly *bad, bool *opt_bad);

/* The IPv6 extension-header chain from next header `nh`, up to the upper-layer header
 * or a fragment header. */
struct wc_ip6_chain {
	uint8_t nh;             /* upper-layer protocol where the walk stopped */
	uint32_t ext_len;       /* bytes of extension headers walked */
	uint8_t count;          /* extension headers walked */
	bool has_frag;          /* stopped after a fragment header */
	uint32_t frag_offset;   /* bytes */
	bool frag_more;
	uint32_t frag_id;
	bool has_final_dst;     /* a routing header names the final destination */
	uint8_t final_dst[16];
};

/* SHORT sets *need (bytes from the chain start); the cursor then stands where the walk
 * stopped. */
enum wc_hdr_status wc_ipv6_chain(struct wc_cursor *c, uint8_t nh, struct wc_ip6_chain *ch,
                                 uint32_t *need);

/* Fixed 40-byte IPv6 header into ip (total_len = 40 + payload length). */
enum wc_hdr_status wc_ipv6_header(struct wc_cursor *c, struct wc_ip *ip, uint8_t *nh,
                                  uint32_t *need, enum wc_anomaly *bad);

void wc_decode_ipv4(struct wc_decoder *d, struct wc_packet *pkt, struct wc_cursor *c);
void wc_decode_ipv6(struct wc_decoder *d, struct wc_packet *pkt, struct wc_cursor *c);

/* ---- transport layer ---- */

/* Dispatch on in->proto; sets pkt->l4. */
void wc_decode_l4(struct wc_packet *pkt, const struct wc_l4_in *in);
void wc_decode_tcp(struct wc_packet *pkt, const struct wc_l4_in *in);
void wc_decode_udp(struct wc_packet *pkt, const struct wc_l4_in *in);
void wc_decode_icmp(struct wc_packet *pkt, const struct wc_l4_in *in, uint8_t version);

#endif
