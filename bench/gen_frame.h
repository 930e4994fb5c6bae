/* gen_frame.h — turns one scripted step into the bytes of an Ethernet frame.
 *
 * Payload bytes are cut from a fixed pattern of printable text (a TCP segment's bytes
 * follow from its sequence number, so a retransmission repeats them exactly).
 * Checksums use the project's own arithmetic (checksum.h), which tshark then judges
 * in tests/test_gencap.sh.
 */
#ifndef WC_GEN_FRAME_H
#define WC_GEN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "gen_rng.h"
#include "gen_script.h"

#define GEN_PATTERN_LEN 65536u /* a power of two: sequence offsets wrap into it */
#define GEN_FRAME_MAX 1600u    /* room for the largest frame gen_frame() builds */

/* A pattern of printable text from rng: GEN_PATTERN_LEN + GEN_FRAME_MAX bytes, the
 * tail repeating the start so any offset below GEN_PATTERN_LEN can be read whole.
 * NULL when memory runs out; free() it. */
uint8_t *gen_pattern_new(struct gen_rng *rng);

/* Build the frame of step st of session s, sent at now_us (microseconds since the
 * epoch), into buf (GEN_FRAME_MAX bytes) and return its length. Updates the session's
 * IPv4 identification and TCP timestamp state, and remembers a datagram sent to a
 * closed port for the ICMP error that quotes it. */
size_t gen_frame(uint8_t *buf, struct gen_session *s, const struct gen_step *st,
                 const uint8_t *pattern, uint64_t now_us);

#endif
