/* check_result.c — helpers check modules use to fill a result (check.h). */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *wc_verdict_name(enum wc_verdict v)
{
	switch (v) {
	case WC_PASS: return "pass";
	case WC_FAIL: return "fail";
	case WC_INCONCLUSIVE: return "inconclusive";
	}
	return "unknown";
}

void wc_result_reason(struct wc_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

void wc_result_frame(struct wc_result *r, uint64_t frame)
{
	if (frame == 0) /* "no frame" in every flow record: nothing to cite */
		return;
	size_t i = 0;
	while (i < r->frame_count && r->frames[i] < frame)
		i++;
	if (i < r->frame_count && r->frames[i] == frame)
		return;
	if (r->frame_count == WC_MAX_EVIDENCE) {
		/* keep the earliest frames: they are where a story starts */
		r->frames_more = true;
		if (i == WC_MAX_EVIDENCE)
			return;
		r->frame_count--;
	}
	memmove(&r->frames[i + 1], &r->frames[i], (r->frame_count - i) * sizeof r->frames[0]);
	r->frames[i] = frame;
	r->frame_count++;
}

void wc_result_filter_frames(struct wc_result *r)
{
	if (r->frame_count == 0) {
		r->filter[0] = '\0';
		return;
	}
	size_t n = (size_t)snprintf(r->filter, sizeof r->filter, "frame.number in {");
	for (size_t i = 0; i < r->frame_count && n < sizeof r->filter; i++)
		n += (size_t)snprintf(r->filter + n, sizeof r->filter - n, "%s%llu", i ? " " : "",
		                      (unsigned long long)r->frames[i]);
	if (n + 2 < sizeof r->filter)
		snprintf(r->filter + n, sizeof r->filter - n, "}");
	else
		r->filter[0] = '\0'; /* cannot be cut and stay a valid filter */
}
