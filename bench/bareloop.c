/* bareloop.c — the floor for the benchmark: read a capture with libpcap and do nothing else.
 *
 * `bareloop FILE` reads every packet with pcap_next_ex and counts packets and bytes;
 * the time it takes is what any libpcap-based reader pays before decoding a single
 * header, so the benchmark states other readers' speed as a share of it.
 */
#include "config.h"

#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: bareloop CAPTURE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], errbuf);
	if (!p) {
		fprintf(stderr, "bareloop: %s\n", errbuf);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t packets = 0, bytes = 0;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen;
	}
	if (rc == PCAP_ERROR)
		fprintf(stderr, "bareloop: %s: %s\n", argv[1], pcap_geterr(p));
	pcap_close(p);
	printf("packets %" PRIu64 " bytes %" PRIu64 "\n", packets, bytes);
	return rc == PCAP_ERROR ? 1 : 0;
}
