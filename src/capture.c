/* capture.c — frames from a capture file: libpcap first, our pcapng reader where it refuses. */
#include "config.h" /* system extensions: pcap.h needs u_int under -std=c11, and strdup */

#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "pcapng.h"

#define LINKTYPE_RAW 101
#define LINKTYPE_LOOP 108
/* what libpcap reports for a pcapng interface that sets no snapshot length */
#define UNLIMITED_SNAPLEN 262144u

enum file_kind { FK_UNKNOWN, FK_PCAP, FK_PCAP_NSEC, FK_PCAPNG };

struct wc_capture {
	char *path;
	pcap_t *pcap;           /* exactly one of pcap and ng is set */
	struct wc_pcapng *ng;
	char *iobuf;            /* stdio's buffer for the stream libpcap reads */
	enum file_kind kind;
	const char *format;
	int linktype;           /* libpcap's, canonical */
	uint64_t frames;        /* frames handed out */
	bool ended;
	bool broken;
	enum wc_anomaly anomaly;
	char detail[WC_ERRBUF_SIZE];
};

/* The first four bytes tell the container; libpcap alone would only say "unknown file
 * format", and we need to know pcapng apart to fall back on our reader. */
static enum file_kind classify(const uint8_t *magic, size_t n)
{
	struct wc_cursor c;
	uint32_t m;
	wc_cur_init(&c, magic, n);
	if (!wc_cur_be32(&c, &m))
		return FK_UNKNOWN;
	switch (m) {
	case 0xA1B2C3D4u: case 0xD4C3B2A1u: /* microseconds, either byte order */
	case 0xA1B2CD34u: case 0x34CDB2A1u: /* Kuznetzov's modified pcap */
		return FK_PCAP;
	case 0xA1B23C4Du: case 0x4D3CB2A1u:
		return FK_PCAP_NSEC;
	case 0x0A0D0D0Au:
		return FK_PCAPNG;
	default:
		return FK_UNKNOWN;
	}
}

static int sniff(const char *path, enum file_kind *kind, char *errbuf)
{
	uint8_t magic[4];
	FILE *f = fopen(path, "rb");
	if (!f)
		return wc_err_errno(errbuf, errno, "%s", path);
	size_t n = fread(magic, 1, sizeof magic, f);
	int err = ferror(f) ? errno : 0;
	fclose(f);
	if (err)
		return wc_err_errno(errbuf, err, "%s", path);
	*kind = classify(magic, n);
	if (*kind == FK_UNKNOWN)
		return wc_err(errbuf, "%s: not a pcap or pcapng capture file", path);
	return 0;
}

static struct wc_pcapng *open_ours(const char *path, char *errbuf)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		wc_err_errno(errbuf, errno, "cannot reopen");
		return NULL;
	}
	struct wc_pcapng *ng = wc_pcapng_open(f, errbuf);
	if (!ng)
		fclose(f);
	return ng;
}

static int end_with(struct wc_capture *cap, enum wc_anomaly a, const char *detail, const char *pcap_reason)
{
	cap->ended = true;
	cap->broken = true;
	cap->anomaly = a;
	if (pcap_reason && strcmp(detail, pcap_reason) != 0) {
		int n = snprintf(cap->detail, sizeof cap->detail, "%s (libpcap: %s)", detail, pcap_reason);
		if (n < 0 || (size_t)n >= sizeof cap->detail)
			snprintf(cap->detail, sizeof cap->detail, "%s", detail);
	} else {
		snprintf(cap->detail, sizeof cap->detail, "%s", detail);
	}
	return 0;
}

/* libpcap stopped inside a pcapng file. Let our reader read it from the start, skip
 * the frames already handed out, and take over if it gets further. */
static int take_over(struct wc_capture *cap, const char *pcap_reason, struct wc_frame *out)
{
	char err[WC_ERRBUF_SIZE];
	struct wc_pcapng *ng = open_ours(cap->path, err);
	if (!ng)
		return end_with(cap, WC_ANOM_CAPTURE_READ_ERROR, pcap_reason, NULL);
	uint64_t skipped = 0;
	while (skipped < cap->frames && wc_pcapng_next(ng, out) == 1)
		skipped++;
	if (skipped == cap->frames && wc_pcapng_next(ng, out) == 1) {
		pcap_close(cap->pcap);
		cap->pcap = NULL;
		cap->ng = ng;
		cap->format = "pcapng (multi-link)";
		cap->frames = out->number;
		return 1;
	}
	enum wc_anomaly a;
	const char *detail;
	if (wc_pcapng_anomaly(ng, &a, &detail))
		end_with(cap, a, detail, pcap_reason);
	else
		end_with(cap, WC_ANOM_CAPTURE_READ_ERROR, pcap_reason, NULL);
	wc_pcapng_close(ng);
	return 0;
}

static int next_pcap(struct wc_capture *cap, struct wc_frame *out)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(cap->pcap, &h, &data);
	if (rc == 1) {
		out->number = ++cap->frames;
		/* opened with nanosecond precision: tv_usec holds nanoseconds */
		out->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
		out->caplen = h->caplen;
		out->len = h->len;
		out->linktype = cap->linktype;
		out->iface = 0;
		out->data = data;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK) { /* the proper end of the file */
		cap->ended = true;
		return 0;
	}
	char reason[PCAP_ERRBUF_SIZE + 1];
	snprintf(reason, sizeof reason, "%s", pcap_geterr(cap->pcap));
	if (cap->kind == FK_PCAPNG)
		return take_over(cap, reason, out);
	return end_with(cap, WC_ANOM_CAPTURE_READ_ERROR, reason, NULL);
}

/* libpcap reads a file through stdio, one fread per record, and stdio refills its
 * buffer with one read(2) of st_blksize (4 KiB) at a time: a read for every seven
 * frames. Once the flow table fills the caches, each of those system calls walks cold
 * page-cache structures, so a larger buffer cuts the kernel's share of a run. glibc
 * ignores the size unless it is given the buffer, so the capture owns it; libpcap owns
 * the stream and closes it before the buffer is freed. */
#define STDIO_BUFFER (256u * 1024u)

static pcap_t *open_pcap(struct wc_capture *cap, const char *path, char *perr)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(perr, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	cap->iobuf = malloc(STDIO_BUFFER);
	if (cap->iobuf && setvbuf(f, cap->iobuf, _IOFBF, STDIO_BUFFER) != 0) {
		free(cap->iobuf);
		cap->iobuf = NULL;
	}
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!p) {
		fclose(f);
		free(cap->iobuf);
		cap->iobuf = NULL;
	}
	return p;
}

static void free_capture(struct wc_capture *cap)
{
	if (cap->pcap)
		pcap_close(cap->pcap);
	free(cap->iobuf);
	wc_pcapng_close(cap->ng);
	free(cap->path);
	free(cap);
}

int wc_linktype_canonical(int linktype)
{
	if (linktype == DLT_LOOP)
		return LINKTYPE_LOOP;
	if (linktype == DLT_RAW || linktype == 12 || linktype == 14)
		return LINKTYPE_RAW;
	return linktype;
}

const char *wc_linktype_name(int linktype)
{
	static _Thread_local char unknown[32];
	const char *name = pcap_datalink_val_to_name(linktype == LINKTYPE_RAW ? DLT_RAW : linktype);
	if (name)
		return name;
	snprintf(unknown, sizeof unknown, "LINKTYPE_%d", linktype);
	return unknown;
}

struct wc_capture *wc_capture_open(const char *path, char *errbuf)
{
	enum file_kind kind;
	if (sniff(path, &kind, errbuf) != 0)
		return NULL;
	struct wc_capture *cap = calloc(1, sizeof *cap);
	if (!cap || !(cap->path = strdup(path))) {
		free(cap);
		wc_err(errbuf, "%s: out of memory", path);
		return NULL;
	}
	cap->kind = kind;
	char perr[PCAP_ERRBUF_SIZE];
	cap->pcap = open_pcap(cap, path, perr);
	if (cap->pcap) {
		cap->format = kind == FK_PCAPNG ? "pcapng" : kind == FK_PCAP_NSEC ? "pcap-nsec" : "pcap";
		cap->linktype = wc_linktype_canonical(pcap_datalink(cap->pcap));
		return cap;
	}
	if (kind != FK_PCAPNG) {
		wc_err(errbuf, "%s: %s", path, perr);
		free_capture(cap);
		return NULL;
	}
	char ngerr[WC_ERRBUF_SIZE];
	cap->ng = open_ours(path, ngerr);
	if (!cap->ng) {
		wc_err(errbuf, "%s: unreadable pcapng: libpcap says \"%s\"; wirecheck's reader says \"%s\"", path,
		       perr, ngerr);
		free_capture(cap);
		return NULL;
	}
	cap->format = "pcapng (multi-link)";
	return cap;
}

int wc_capture_next(struct wc_capture *cap, struct wc_frame *out)
{
	if (cap->ended)
		return 0;
	if (cap->pcap)
		return next_pcap(cap, out);
	if (wc_pcapng_next(cap->ng, out) == 1) {
		cap->frames = out->number;
		return 1;
	}
	enum wc_anomaly a;
	const char *detail;
	if (wc_pcapng_anomaly(cap->ng, &a, &detail))
		return end_with(cap, a, detail, NULL);
	cap->ended = true;
	return 0;
}

const char *wc_capture_format(const struct wc_capture *cap)
{
	return cap->format;
}

int wc_capture_linktypes(const struct wc_capture *cap, int *out, int max)
{
	if (cap->ng)
		return wc_pcapng_linktypes(cap->ng, out, max);
	if (max > 0)
		out[0] = cap->linktype;
	return 1;
}

uint32_t wc_capture_snaplen(const struct wc_capture *cap)
{
	if (cap->ng) {
		uint32_t s = wc_pcapng_snaplen(cap->ng);
		return s ? s : UNLIMITED_SNAPLEN;
	}
	int s = pcap_snapshot(cap->pcap);
	return s > 0 ? (uint32_t)s : 0;
}

bool wc_capture_container_anomaly(const struct wc_capture *cap, enum wc_anomaly *anomaly,
                                  const char **detail)
{
	if (!cap->broken)
		return false;
	if (anomaly)
		*anomaly = cap->anomaly;
	if (detail)
		*detail = cap->detail;
	return true;
}

void wc_capture_close(struct wc_capture *cap)
{
	if (cap)
		free_capture(cap);
}
