/* decode.h — from a captured frame to a decoded packet (packet.h).
 *
 * link → IPv4/IPv6 → TCP/UDP/ICMP/ICMPv6, every read through the cursor (cursor.h).
 * Each layer's decoder follows the same steps: read the fixed header, check each
 * length field against its minimum and against the bytes left, clamp a sub-cursor to the
 * declared length, hand it on. When the bytes run out the anomaly is TRUNCATED if the
 * snapshot length cut the frame (caplen < len) and MALFORMED if the frame was whole and
 * a field lied. Decoding of that frame stops at that layer; the packet keeps what was
 * decoded so far.
 *
 * IPv4 and IPv6 fragments are reassembled (in the decoder's state, bounded): a fragment
 * frame comes out with ip.is_fragment set and no transport layer, except the frame that
 * completes the datagram, which carries the transport layer of the whole datagram
 * (ip.reassembled). Checksums are verified over the reassembled datagram.
 */
#ifndef WC_DECODE_H
#define WC_DECODE_H

#include "capture.h"
#include "errbuf.h"
#include "packet.h"

struct wc_decoder;

struct wc_decoder *wc_decoder_new(char *errbuf);

/* Decode one frame into *pkt (fully overwritten). Never fails: problems become
 * anomalies on the packet. pkt->frame points at `frame`, which must outlive pkt's use. */
void wc_decode(struct wc_decoder *d, const struct wc_frame *frame, struct wc_packet *pkt);

/* End of capture: count fragment sets that never completed. Calls cb once per such set
 * with the frame number of its first fragment and the anomaly (IPV4/IPV6_FRAG_INCOMPLETE). */
void wc_decoder_flush(struct wc_decoder *d,
                      void (*cb)(uint64_t first_frame, enum wc_anomaly a, void *arg), void *arg);

void wc_decoder_free(struct wc_decoder *d);

#endif
