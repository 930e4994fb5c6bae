/* report.c — report formats by name (report.h). */
#include "config.h"

#include <string.h>

#include "report.h"

static const char *const format_names[] = {"text", "json", "junit"};

int wc_report_format_parse(const char *name)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

int wc_report_write(enum wc_report_format fmt, FILE *out, const struct wc_outcome *o, size_t n, bool color,
                    char *errbuf)
{
	switch (fmt) {
	case WC_REPORT_TEXT: return wc_report_text(out, o, n, color, errbuf);
	case WC_REPORT_JSON: return wc_report_json(out, o, n, errbuf);
	case WC_REPORT_JUNIT: return wc_report_junit(out, o, n, errbuf);
	}
	return wc_err(errbuf, "unknown report format");
}
