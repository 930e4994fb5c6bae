/* report_sample.c — write the sample outcomes as reports, for test_junit.sh to read
 * back with a real JUnit consumer: report_sample FORMAT PATH. */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_samples.h"

int main(int argc, char **argv)
{
	if (argc != 3 || wc_report_format_parse(argv[1]) < 0) {
		fprintf(stderr, "usage: report_sample text|json|junit PATH\n");
		return 2;
	}
	struct wc_outcome o[2];
	sample_echo(&o[0]);
	sample_nasty(&o[1]);
	FILE *f = fopen(argv[2], "w");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	char errbuf[WC_ERRBUF_SIZE];
	int rc = wc_report_write((enum wc_report_format)wc_report_format_parse(argv[1]), f, o, 2, false, errbuf);
	if (fclose(f) != 0 || rc != 0) {
		fprintf(stderr, "%s: %s\n", argv[2], rc ? errbuf : "cannot write");
		return 1;
	}
	return 0;
}
