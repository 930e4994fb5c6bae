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
 * libpcap 1.10 refuses a multi-link pcapng only when it meets the second link type, so
 * the fallback happens at that point too: our reader re-reads the file, skips the frames
 * already handed out and carries on (numbers stay continuous). If neither reader gets
 * further, the more precise reason is kept: PCAPNG_* from our reader (with libpcap's
 * text appended), else CAPTURE_READ_ERROR with libpcap's text.
 *
 * Opening fails only when no frame could ever be read: the file is missing or is not a
 * capture ("PATH: not a pcap or pcapng capture file"), or its file header / first section
 * header is broken (for pcapng the message names both readers' reasons). A file whose
 * header is sound but whose first record is broken opens, and the first
 * wc_capture_next() returns 0 with the container anomaly set.
 *
 * Link types: every value wirecheck hands out is the LINKTYPE_ number a current writer
 * stores in a file (tcpdump.org/linktypes.html), never the platform's DLT_ value: raw IP
 * is always 101 (LINKTYPE_RAW), whether the file says 101 (libpcap then reports DLT_RAW,
 * 12 on Linux) or an old writer stored its DLT_RAW (12, or OpenBSD's 14).
 * See wc_linktype_canonical().
 *
 * Our pcapng reader stops at the first packet that names an interface its section never
 * described (PCAPNG_UNKNOWN_IFACE), as Wireshark does: without a link type the frame
 * cannot be decoded, and skipping it would shift every later frame number.
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
	int linktype;         /* LINKTYPE_* value of this frame's interface (canonical) */
	uint32_t iface;       /* interface index (pcapng read by our reader); 0 otherwise,
	                         libpcap does not say which interface a frame came from */
	const uint8_t *data;
};

struct wc_capture;

/* Open a capture file. Returns NULL with errbuf filled when the file cannot be opened
 * or is not a capture at all ("path: not a pcap or pcapng capture file"). */
struct wc_capture *wc_capture_open(const char *path, char *errbuf);

/* Next frame: 1 with *out filled, 0 at the end of the file (also when the file breaks
 * off: see wc_capture_container_anomaly()). Never fails otherwise. */
int wc_capture_next(struct wc_capture *cap, struct wc_frame *out);

/* "pcap", "pcap-nsec", "pcapng" or "pcapng (multi-link)" — how the file was read. */
const char *wc_capture_format(const struct wc_capture *cap);

/* Distinct link types seen so far, in the order their first interface was described
 * (one for pcap); returns the count, fills up to max entries. */
int wc_capture_linktypes(const struct wc_capture *cap, int *out, int max);

/* Snapshot length declared by the file (largest over its interfaces); 262144 when a
 * pcapng interface sets no limit, as libpcap reports it. */
uint32_t wc_capture_snaplen(const struct wc_capture *cap);

/* Why reading stopped early, if it did: *anomaly is PCAPNG_TRUNCATED_BLOCK,
 * PCAPNG_BAD_BLOCK, PCAPNG_UNKNOWN_IFACE or CAPTURE_READ_ERROR (libpcap's error, or an
 * I/O error in our reader), detail is one line of text, and the return
 * value is true. False when the file was read to its proper end. */
bool wc_capture_container_anomaly(const struct wc_capture *cap, enum wc_anomaly *anomaly,
                                  const char **detail);

void wc_capture_close(struct wc_capture *cap);

/* Name of a link type for messages ("EN10MB", "LINUX_SLL2", …); "LINKTYPE_<n>" for
 * one libpcap does not know. */
const char *wc_linktype_name(int linktype);

/* The canonical LINKTYPE_ value for a link type number as libpcap or a file gives it
 * (DLT_RAW, 12 and 14 become 101, except that on OpenBSD, where libpcap's 12 is
 * DLT_LOOP, 12 becomes 108; everything else is returned unchanged). */
int wc_linktype_canonical(int linktype);

#endif
