/* report_junit.c — the outcome of a check run as JUnit XML, for CI servers (report.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"

/* ---- escaping --------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s that XML 1.0 allows as a character
 * (no overlong forms, surrogates, U+FFFE/U+FFFF or code points beyond U+10FFFF); 0 when
 * there is none. s[0] >= 0x80. */
static size_t utf8_char(const unsigned char *s)
{
	uint32_t cp;
	size_t n;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		cp = s[0] & 0x1fu;
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		cp = s[0] & 0x0fu;
		n = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		cp = s[0] & 0x07u;
		n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/* s as XML character data, or as an attribute value (quotes and line breaks as
 * references, so the value survives attribute normalisation). A byte XML cannot carry
 * (a control character, broken UTF-8) becomes U+FFFD. */
static void xml(FILE *out, const char *text, bool attr)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	while (*s) {
		unsigned char c = *s;
		if (c >= 0x80) {
			size_t n = utf8_char(s);
			if (n) {
				fwrite(s, 1, n, out);
				s += n;
			} else {
				fputs("\xef\xbf\xbd", out);
				s++;
			}
			continue;
		}
		s++;
		switch (c) {
		case '&': fputs("&amp;", out); continue;
		case '<': fputs("&lt;", out); continue;
		case '>': fputs("&gt;", out); continue;
		case '"': fputs(attr ? "&quot;" : "\"", out); continue;
		case '\n': fputs(attr ? "&#10;" : "\n", out); continue;
		case '\t': fputs(attr ? "&#9;" : "\t", out); continue;
		case '\r': fputs("&#13;", out); continue;
		default: break;
		}
		if (c < 0x20)
			fputs("\xef\xbf\xbd", out);
		else
			fputc(c, out);
	}
}

/* ` key="value"` */
static void attr(FILE *out, const char *key, const char *value)
{
	fprintf(out, " %s=\"", key);
	xml(out, value, true);
	fputc('"', out);
}

static void attr_count(FILE *out, const char *key, size_t v)
{
	fprintf(out, " %s=\"%zu\"", key, v);
}

static void attr_seconds(FILE *out, const char *key, double v)
{
	fprintf(out, " %s=\"%.6f\"", key, v);
}

static void property(FILE *out, const char *indent, const char *name, const char *value)
{
	fprintf(out, "%s<property", indent);
	attr(out, "name", name);
	attr(out, "value", value);
	fputs("/>\n", out);
}

static void property_points(FILE *out, const char *indent, const char *name, double v)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%.10g", v);
	property(out, indent, name, buf);
}

/* ---- the document ------------------------------------------------------------ */

/* "1 2 3" (with " …" when more were relevant) */
static void frames_text(const struct wc_result *r, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->frame_count && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%llu", i ? " " : "", (unsigned long long)r->frames[i]);
	if (r->frames_more && n < len)
		snprintf(buf + n, len - n, " …");
}

/* The body of <failure>/<system-out>: the reason, then where to look. */
static void details(FILE *out, const struct wc_result *r, const char *frames)
{
	xml(out, r->reason, false);
	if (frames[0]) {
		fputs("\nframes: ", out);
		xml(out, frames, false);
		if (r->vantage[0]) {
			fputs(" (", out);
			xml(out, r->vantage, false);
			fputs(" capture)", out);
		}
	}
	if (r->filter[0]) {
		fputs("\nfilter: ", out);
		xml(out, r->filter, false);
	}
}

static void testcase(FILE *out, const struct wc_outcome *o, const struct wc_result *r, double seconds)
{
	char name[sizeof r->check + sizeof r->label + 2];
	snprintf(name, sizeof name, "%s: %s", r->check, r->label);
	char frames[WC_MAX_EVIDENCE * 21 + 8];
	frames_text(r, frames, sizeof frames);

	fputs("    <testcase", out);
	attr(out, "classname", o->name);
	attr(out, "name", name);
	attr_seconds(out, "time", seconds);
	fputs(">\n      <properties>\n", out);
	const char *in = "        ";
	property(out, in, "path", r->path);
	property_points(out, in, "points", r->points);
	property_points(out, in, "points_max", r->points_max);
	if (r->vantage[0])
		property(out, in, "vantage", r->vantage);
	if (frames[0])
		property(out, in, "frames", frames);
	if (r->filter[0])
		property(out, in, "filter", r->filter);
	fputs("      </properties>\n", out);
	switch (r->verdict) {
	case WC_FAIL:
		fputs("      <failure", out);
		attr(out, "message", r->reason);
		attr(out, "type", "fail");
		fputc('>', out);
		details(out, r, frames);
		fputs("</failure>\n", out);
		break;
	case WC_INCONCLUSIVE:
		fputs("      <skipped", out);
		attr(out, "message", r->reason);
		fputs("/>\n", out);
		break;
	case WC_PASS:
		break;
	}
	/* every verdict keeps its reason and filter where CI servers show a test's output */
	fputs("      <system-out>", out);
	details(out, r, frames);
	fputs("</system-out>\n", out);
	fputs("    </testcase>\n", out);
}

static void suite_properties(FILE *out, const struct wc_outcome *o)
{
	const char *in = "      ";
	fputs("    <properties>\n", out);
	if (o->file)
		property(out, in, "file", o->file);
	if (o->summary)
		property(out, in, "summary", o->summary);
	property(out, in, "verdict", wc_verdict_name(o->verdict));
	if (o->why[0])
		property(out, in, "why", o->why);
	property_points(out, in, "points", o->points);
	property_points(out, in, "points_max", o->points_max);
	for (size_t i = 0; i < o->capture_count; i++) {
		char key[32];
		snprintf(key, sizeof key, "capture%s%s", o->captures[i].role[0] ? "." : "", o->captures[i].role);
		property(out, in, key, o->captures[i].path);
	}
	for (int i = 0; i < WC_PH__COUNT; i++) {
		const struct wc_placeholder *p = &o->placeholders.p[i];
		if (p->source == WC_PH_UNKNOWN)
			continue;
		char key[32];
		snprintf(key, sizeof key, "placeholder.%s", p->name);
		property(out, in, key, p->value);
	}
	fputs("    </properties>\n", out);
}

static void testsuite(FILE *out, const struct wc_outcome *o)
{
	char when[32];
	struct tm tm;
	/* JUnit's timestamp has no zone: it is UTC here */
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", gmtime_r(&o->started, &tm));
	fputs("  <testsuite", out);
	attr(out, "name", o->name);
	attr_count(out, "tests", o->count);
	attr_count(out, "failures", o->failed);
	attr_count(out, "errors", 0);
	attr_count(out, "skipped", o->inconclusive);
	attr(out, "timestamp", when);
	attr_seconds(out, "time", o->elapsed);
	fputs(">\n", out);
	suite_properties(out, o);
	for (size_t i = 0; i < o->count; i++)
		testcase(out, o, &o->results[i], o->seconds ? o->seconds[i] : 0);
	fputs("  </testsuite>\n", out);
}

int wc_report_junit(FILE *out, const struct wc_outcome *o, size_t n, char *errbuf)
{
	size_t tests = 0, failures = 0, skipped = 0;
	double time = 0;
	for (size_t i = 0; i < n; i++) {
		tests += o[i].count;
		failures += o[i].failed;
		skipped += o[i].inconclusive;
		time += o[i].elapsed;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
	attr(out, "name", "wirecheck");
	attr_count(out, "tests", tests);
	attr_count(out, "failures", failures);
	attr_count(out, "errors", 0);
	attr_count(out, "skipped", skipped);
	attr_seconds(out, "time", time);
	fputs(">\n", out);
	for (size_t i = 0; i < n; i++)
		testsuite(out, &o[i]);
	fputs("</testsuites>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return wc_err(errbuf, "cannot write the JUnit report");
	return 0;
}
