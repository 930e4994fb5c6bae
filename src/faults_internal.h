/* faults_internal.h — what the faults module's files share, not part of its contract. */
#ifndef WC_FAULTS_INTERNAL_H
#define WC_FAULTS_INTERNAL_H

#include <stddef.h>

/* A match expression becomes at most this many nftables alternatives (an either-direction
 * port or host term doubles them), each a conjunction of nftables expressions. */
#define WC_MATCH_MAX_ALTS 4
#define WC_MATCH_ALT_SIZE 256

struct wc_match_alts {
	size_t n;
	char alt[WC_MATCH_MAX_ALTS][WC_MATCH_ALT_SIZE];
};

/* Translates the pcap-filter subset of faults.h; NULL matches every IP packet. */
int wc_faults_match_compile(const char *match, struct wc_match_alts *out, char *errbuf);

#endif
