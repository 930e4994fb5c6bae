/* scenario_catalogue.c — doc/catalogue.md from the bundled scenario files: per scenario the
 * lab question, how to run it against your own program, what the capture shows, what is
 * checked, and the faulty variants it must catch. */
#include "scenario.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* "01-tcp-echo.json" from "scenarios/01-tcp-echo.json" */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* A GitHub-style anchor of a heading "01-tcp-echo": already lower case and plain. */
static void anchor(FILE *out, const char *file)
{
	const char *b = base_name(file);
	size_t n = strlen(b);
	fprintf(out, "%.*s", (int)(n > 5 && strcmp(b + n - 5, ".json") == 0 ? n - 5 : n), b);
}

static void argv_text(FILE *out, json_object *argv)
{
	for (size_t i = 0, n = json_object_array_length(argv); i < n; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(argv, i));
		bool quote = !*a || strpbrk(a, " \t\"");
		fprintf(out, quote ? "%s'%s'" : "%s%s", i ? " " : "", a);
	}
}

static void one_line(FILE *out, const char *text)
{
	for (const char *c = text; *c; c++)
		fputc(*c == '\n' ? ' ' : *c, out);
}

static void roles(FILE *out, const struct wc_scenario *s, const char *file)
{
	size_t n = s->programs ? json_object_array_length(s->programs) : 0;
	if (n == 0) {
		fputs("It starts no program: any traffic comes from the programs you name.\n\n", out);
		return;
	}
	fputs("**With your own program.** Replace any role's program; `{port}`, `{server}` and `{client}` are "
	      "filled in:\n\n```\n", out);
	json_object *first = json_object_array_get_idx(s->programs, 0);
	const char *role = wc_schema_str(first, "role", "");
	fprintf(out, "sudo wirecheck run %s --program %s='./your-%s", file, role, role);
	json_object *argv = json_object_object_get(first, "argv");
	for (size_t i = 1, m = json_object_array_length(argv); i < m; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(argv, i));
		if (strchr(a, '{'))
			fprintf(out, " %s", a);
	}
	fputs("'\n```\n\n| role | reference program | starts |\n|---|---|---|\n", out);
	for (size_t i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(s->programs, i);
		fprintf(out, "| `%s` | `", wc_schema_str(p, "role", ""));
		argv_text(out, json_object_object_get(p, "argv"));
		fputs("` | ", out);
		const char *after = wc_schema_str(p, "after", NULL), *ready = wc_schema_str(p, "ready", NULL);
		const char *end = wc_schema_str(p, "after_end", NULL);
		double delay = wc_schema_num(p, "delay", 0);
		if (delay > 0)
			fprintf(out, "%g s after ", delay);
		if (after && end)
			fprintf(out, "%s`%s` is ready and `%s` has ended", delay > 0 ? "" : "once ", after, end);
		else if (after)
			fprintf(out, "%s`%s` is ready", delay > 0 ? "" : "once ", after);
		else if (end)
			fprintf(out, "%s`%s` has ended", delay > 0 ? "" : "once ", end);
		else
			fputs(delay > 0 ? "the start" : "at once", out);
		if (ready && strcmp(ready, "none") != 0)
			fprintf(out, "; ready when %s %s", strncmp(ready, "tcp", 3) == 0 ? "listening on" : "bound to", ready);
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

static void checked(FILE *out, const struct wc_scenario *s)
{
	fputs("**What is checked.**\n\n", out);
	for (size_t i = 0; i < s->expect_count; i++) {
		const struct wc_expect *e = &s->expect[i];
		fprintf(out, "- %s (`%s`", e->label, e->def->name);
		if (e->vantage[0])
			fprintf(out, ", %s capture", e->vantage);
		fprintf(out, ", %g point%s)\n", e->points, e->points == 1 ? "" : "s");
	}
	fputc('\n', out);
}

static void variants(FILE *out, const struct wc_scenario *s, const char *file)
{
	size_t n = s->variants ? json_object_array_length(s->variants) : 0;
	if (n == 0)
		return;
	fputs("**Faulty variants.** Each is a classic mistake this scenario must catch:\n\n", out);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(s->variants, i);
		const char *name = wc_schema_str(v, "name", "");
		fprintf(out, "- `%s`: %s. The %s runs `", name, wc_schema_str(v, "summary", ""), wc_schema_str(v, "role", ""));
		argv_text(out, json_object_object_get(v, "argv"));
		const char *ready = wc_schema_str(v, "ready", NULL);
		if (ready)
			fprintf(out, "` (ready at %s)", ready);
		else
			fputc('`', out);
		fputs("; it fails ", out);
		json_object *fails = json_object_object_get(v, "fails");
		for (size_t k = 0, m = json_object_array_length(fails); k < m; k++) {
			json_object *f = json_object_array_get_idx(fails, k);
			const char *reason = wc_schema_str(f, "reason", NULL);
			const char *at = wc_schema_str(f, "expect", NULL);
			fprintf(out, "%s`%s`", k == 0 ? "" : k + 1 == m ? " and " : ", ", wc_schema_str(f, "check", ""));
			if (at)
				fprintf(out, " (%s)", at);
			if (reason)
				fprintf(out, " (\"%s\")", reason);
		}
		fprintf(out, ". Try it: `sudo wirecheck run %s --variant %s`\n", file, name);
	}
	fputc('\n', out);
}

static void entry(FILE *out, const struct wc_scenario *s, const char *file)
{
	fputs("## ", out);
	anchor(out, file);
	/* summaries are written in lower case, as they follow a scenario's name in reports */
	fprintf(out, "\n\n%c%s.\n\n**The question.** ", toupper((unsigned char)s->summary[0]), s->summary + 1);
	one_line(out, s->question);
	fprintf(out, "\n\n**Run it.**\n\n```\nsudo wirecheck run %s\n```\n\n", file);
	roles(out, s, file);
	if (s->shows) {
		fputs("**What the capture shows.** ", out);
		one_line(out, s->shows);
		fputs("\n\n", out);
	}
	checked(out, s);
	variants(out, s, file);
	fprintf(out, "**The stored capture.** `captures/%s/` holds the reference run's capture%s, the programs' "
	        "socket-call traces and its run record; `make check` judges them again, without privileges:\n\n"
	        "```\nwirecheck check --run captures/%s/run.json --expect %s\n```\n\n",
	        s->name, json_object_is_type(s->topology, json_type_object) &&
	                         strcmp(wc_schema_str(s->topology, "kind", "loopback"), "veth") == 0
	                 ? "s (`client.pcap`, `server.pcap`)" : " (`lo.pcap`)",
	        s->name, file);
}

void wc_scenario_catalogue(FILE *out, struct wc_scenario *const *s, const char *const *files, size_t n)
{
	fputs("# The scenario catalogue\n\n"
	      "<!-- generated by `make doc` from scenarios/*.json: edit the scenario files, not this page -->\n\n"
	      "Every lab experiment wirecheck ships: one scenario file under `scenarios/` each, naming the lab\n"
	      "question it answers. Each one runs live, its reference run passes and each of its faulty\n"
	      "variants fails with a reason that names the mistake (both asserted by `make check` as root);\n"
	      "each reference run's capture is kept under `captures/` and judged again offline by `make check`\n"
	      "with no privileges. Run them all:\n\n"
	      "```\nsudo wirecheck run scenarios/ -j 4\n```\n\n"
	      "How a live run works, and `--program`, `--variant`, `--keep-pcap`: [run.md](run.md). The format of\n"
	      "a scenario and every check: [scenario.md](scenario.md). The reference programs: [labs.md](labs.md).\n\n"
	      "| scenario | the lab question |\n|---|---|\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		fputs("| [", out);
		anchor(out, files[i]);
		fputs("](#", out);
		anchor(out, files[i]);
		fputs(") | ", out);
		one_line(out, s[i]->question);
		fputs(" |\n", out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		entry(out, s[i], files[i]);
}
