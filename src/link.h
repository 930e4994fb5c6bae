/* link.h — link-layer decoding: from a frame to the network-layer bytes it carries.
 *
 * Handles Ethernet (with up to two 802.1Q/802.1ad tags), Linux cooked capture v1 (SLL,
 * `tcpdump -i any` before libpcap 1.10) and v2 (SLL2), BSD loopback NULL (host byte
 * order of the writer: either order is recognised) and LOOP (network order), and raw
 * IP (LINKTYPE_RAW, IPV4, IPV6, and the DLT_RAW values 12/14 some systems write).
 * Dispatch is by a table of link types (link.c), so adding one is one function and one
 * row.
 */
#ifndef WC_LINK_H
#define WC_LINK_H

#include <stdbool.h>

#include "cursor.h"
#include "packet.h"

/* True when the link type is decoded. */
bool wc_link_supported(int linktype);

/* Decode the link header of pkt->frame. On success *net is a cursor over the
 * network-layer bytes (the rest of the captured frame) and pkt->linktype, ethertype,
 * vlan_count, vlan[] and pkt->net are set (WC_NET_OTHER for ARP and the like).
 * Returns false when there is no network layer to decode: unsupported link type or a
 * header cut short / malformed; the anomaly has then been recorded on pkt. */
bool wc_link_decode(struct wc_packet *pkt, struct wc_cursor *net);

#endif
