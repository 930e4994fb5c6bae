/* checks_net.h — helpers shared by the network checks (udp.datagrams, icmp.unreachable,
 * checksum, ip.fields, port.byteorder, capture.health): finding the view an expectation
 * judges, naming frames in sentences, payloads given as text or hex. Internal to the
 * check modules; nothing outside src/check_*.c includes it.
 */
#ifndef WC_CHECKS_NET_H
#define WC_CHECKS_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* Each check's definition (listed in checks_net.c). */
extern const struct wc_check_def wc_check_udp_datagrams;
extern const struct wc_check_def wc_check_icmp_unreachable;
extern const struct wc_check_def wc_check_checksum;
extern const struct wc_check_def wc_check_ip_fields;
extern const struct wc_check_def wc_check_port_byteorder;
extern const struct wc_check_def wc_check_capture_health;

/* The view the expectation names with its "vantage" key (the first view when it names
 * none); sets r->vantage. NULL with the result made INCONCLUSIVE when no capture was
 * tagged so. */
const struct wc_view *wc_net_view(const struct wc_check_ctx *ctx, json_object *args, struct wc_result *r);

/* "9", "9 and 10", "1, 3 and 5" (the first 8, then "… (12 in all)"). Returns buf. */
const char *wc_net_list(char *buf, size_t len, const uint64_t *v, size_t n);

/* Append printf text to buf (holding a string), as far as it fits. */
void wc_net_cat(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Decode hex text ("41 42 43", "414243", "0x41,0x42") into out (cap bytes). Returns the
 * byte count, or -1 when the text is not hex or does not fit. */
long wc_net_hex(const char *text, uint8_t *out, size_t cap);

/* XXH3 digest of bytes, as the flow tracker keeps it for each datagram (wc_datagram). */
uint64_t wc_net_digest(const void *p, size_t n);

/* A port with its bytes swapped: what a missing htons() turns it into. */
uint16_t wc_net_bswap16(uint16_t port);

/* "UDP", "TCP", "ICMP", "ICMPv6", "IP" for frame records. */
const char *wc_net_l4_name(enum wc_l4 l4);

#endif
