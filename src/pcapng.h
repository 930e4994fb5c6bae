/* pcapng.h — a small pcapng block reader of our own.
 *
 * Only for what libpcap refuses: pcapng files whose interfaces differ in link type
 * (macOS `tcpdump -i any`). Reads SHB (either byte order, several sections), IDB
 * (link type, snaplen, if_tsresol), EPB, SPB and the obsolete PB; skips every other
 * block by its length. Every length is checked against the file and the block before
 * use; a lying length ends reading with an anomaly, never an over-read.
 */
#ifndef WC_PCAPNG_H
#define WC_PCAPNG_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"

struct wc_pcapng;

/* Takes an open file positioned at its start; does not close it on failure. */
struct wc_pcapng *wc_pcapng_open(FILE *f, char *errbuf);

/* 1 frame, 0 end of file or a container anomaly (see wc_pcapng_anomaly). */
int wc_pcapng_next(struct wc_pcapng *r, struct wc_frame *out);

bool wc_pcapng_anomaly(const struct wc_pcapng *r, enum wc_anomaly *anomaly, const char **detail);
int wc_pcapng_linktypes(const struct wc_pcapng *r, int *out, int max);
uint32_t wc_pcapng_snaplen(const struct wc_pcapng *r);

/* Closes the FILE too. */
void wc_pcapng_close(struct wc_pcapng *r);

#endif
