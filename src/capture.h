/* capture.h — reading frames from a .pcap or .pcapng file.
 *
 * libpcap reads pcap and pcapng. A pcapng whose interfaces have different link types
 * (what macOS `tcpdump -i any` writes) is refused by libpcap; for those the reader falls
 * back to wirecheck's own pcapng block reader (pcapng.h), transparently to the caller.
 *
 * Frames are numbered from 1 in file order, as Wireshark numbers them, so every frame
 * number wirecheck prints can be typed into Wireshark's "Go to packet".
 *
 * A file that breaks off in the middle (a truncated last record, a block whose length
 * lies) is not an error of the whole analysis: wc_capture_next() returns 0 (end) and the
 * reason is kept as a container anomaly, so what was read before is still judged.
 */
#ifndef WC_CAPTURE_H
#define WC_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "anomaly.h"
#include "errbuf.h"

/* One frame as stored in the file. `data` stays valid until the next call on the
 * same capture. */
struct wc_frame {
	uint64_t number;      /* 1-based, file order */
	int64_t ts_ns;        /* capture time, nanoseconds since the epoch */
	uint32_t caplen;      /* bytes present in `data` */
	uint32_t len;         /* bytes the frame had on the wire */
	int linktype;         /* LINKTYPE_* / DLT_* value of this frame's interface */
	uint32_t iface;       /* interface index (pcapng); 0 for pcap */
	const uint8_t *data;
};

struct wc_capture;

/* Open a capture file. Returns NULL with errbuf filled when the file cannot be opened
 * or is not a capture at all ("path: not a pcap or pcapng file"). */
struct wc_capture *wc_capture_open(const char *path, char *errbuf);

/* Next frame: 1 with *out filled, 0 at the end of the file (also when the file breaks
 * off: see wc_capture_container_anomaly()). Never fails otherwise. */
int wc_capture_next(struct wc_capture *cap, struct wc_frame *out);

/* "pcap", "pcap-nsec", "pcapng" or "pcapng (multi-link)" — how the file was read. */
const char *wc_capture_format(const struct wc_capture *cap);

/* Link types seen so far (pcapng interfaces, in order); returns the count, fills up to
 * max entries. */
int wc_capture_linktypes(const struct wc_capture *cap, int *out, int max);

/* Snapshot length declared by the file (largest over its interfaces). */
uint32_t wc_capture_snaplen(const struct wc_capture *cap);

/* Why reading stopped early, if it did: *anomaly is PCAPNG_TRUNCATED_BLOCK,
 * PCAPNG_BAD_BLOCK or CAPTURE_READ_ERROR, detail is one line of text, and the return
 * value is true. False when the file was read to its proper end. */
bool wc_capture_container_anomaly(const struct wc_capture *cap, enum wc_anomaly *anomaly,
                                  const char **detail);

void wc_capture_close(struct wc_capture *cap);

/* Name of a link type for messages ("EN10MB", "LINUX_SLL2", …). */
const char *wc_linktype_name(int linktype);

#endif
