/* pcapng.h — a small pcapng block reader of our own.
 *
 * Only for what libpcap refuses: pcapng files whose interfaces differ in link type
 * (macOS `tcpdump -i any`). Reads SHB (either byte order, several sections), IDB
 * (link type, snaplen, if_tsresol, if_tsoffset), EPB, SPB and the obsolete PB; skips
 * every other block by its length. Every length is checked against the file and the
 * block before use; a lying length ends reading with an anomaly, never an over-read:
 * a block's total length must be at least 12 (28 for an SHB), a multiple of 4, at most
 * 16 MiB and equal to its trailing copy, and a packet's data must fit in its block
 * (PCAPNG_BAD_BLOCK); a file ending inside a block gives PCAPNG_TRUNCATED_BLOCK; a packet
 * naming an undescribed interface gives PCAPNG_UNKNOWN_IFACE. Reading ends at the first
 * anomaly; the frames before it stand.
 *
 * Frames carry canonical link types (wc_linktype_canonical()); an SPB has no timestamp,
 * its ts_ns is 0. Timestamps past the year 2262 saturate.
 */
#ifndef WC_PCAPNG_H
#define WC_PCAPNG_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"

struct wc_pcapng;

/* Takes an open file positioned at its start and reads its first section header;
 * does not close it on failure (errbuf then says why, without the file's name). */
struct wc_pcapng *wc_pcapng_open(FILE *f, char *errbuf);

/* 1 frame, 0 end of file or a container anomaly (see wc_pcapng_anomaly). */
int wc_pcapng_next(struct wc_pcapng *r, struct wc_frame *out);

bool wc_pcapng_anomaly(const struct wc_pcapng *r, enum wc_anomaly *anomaly, const char **detail);
int wc_pcapng_linktypes(const struct wc_pcapng *r, int *out, int max);
/* Largest snapshot length over the interfaces so far; 0 when one of them sets no limit. */
uint32_t wc_pcapng_snaplen(const struct wc_pcapng *r);

/* Closes the FILE too. */
void wc_pcapng_close(struct wc_pcapng *r);

#endif
