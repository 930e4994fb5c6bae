/* report_samples.h — hand-built outcomes for the report tests (test_report.c,
 * report_sample.c): the reports are judged without any real check. */
#ifndef WC_TEST_REPORT_SAMPLES_H
#define WC_TEST_REPORT_SAMPLES_H

#include "verdict.h"

/* "tcp-echo": 3 passed, 1 failed, 0 inconclusive — 7/9 points, one untagged capture,
 * port and server inferred, client unknown. */
void sample_echo(struct wc_outcome *o);
/* "udp <lost> & \"found\"": two tagged captures, a failure and an inconclusive check,
 * text that XML and JSON must escape (quotes, a control byte, broken UTF-8), evidence
 * cut short (frames_more). */
void sample_nasty(struct wc_outcome *o);

#endif
