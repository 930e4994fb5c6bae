/* cmd_check.c — `wirecheck check`: arguments, scenario and captures in, reports out
 * (cmd_check.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_check.h"
#include "cmd_reports.h"
#include "report.h"
#include "runrec.h"
#include "scenario.h"
#include "verdict.h"

enum { EXIT_USAGE = 2 };
enum { OPT_EXPECT = 256, OPT_REPORT, OPT_SET, OPT_RUN };

static const char usage_text[] =
	"Usage: wirecheck check [ROLE=]CAPTURE... --expect SCENARIO.json\n"
	"                       [--run RUN.json] [--report FORMAT:PATH]... [--set KEY=VALUE]...\n"
	"\n"
	"Judge captures against the expectations of a scenario: every check passes, fails\n"
	"or is inconclusive, with its reason, the frames it rests on and a Wireshark\n"
	"display filter that shows them.\n"
	"\n"
	"  CAPTURE                 a .pcap or .pcapng file; with several, tag each with\n"
	"                          where it was taken: client=c.pcap server=s.pcap\n"
	"  --expect SCENARIO.json  the scenario whose expectations are checked\n"
	"  --run RUN.json          the record of the live run that made the captures (run.json\n"
	"                          of wirecheck run --keep-pcap): the process checks and\n"
	"                          capture.health judge as in that run; with no CAPTURE, the\n"
	"                          run's own captures are judged\n"
	"  --report FORMAT:PATH    write a report: FORMAT text, json or junit; PATH - is\n"
	"                          standard output; repeatable (default: text:-)\n"
	"  --set KEY=VALUE         fill the placeholder {port}, {server} or {client}; those\n"
	"                          not set are taken from the capture where it settles them\n"
	"  -h, --help              show this help\n"
	"\n"
	"Text on a terminal is coloured unless NO_COLOR is set. See doc/check.md.\n"
	"Exit status: 0 every check passed; 1 a check failed; 2 usage or scenario error,\n"
	"a capture that cannot be opened or a report that cannot be written;\n"
	"3 inconclusive (the capture cannot show what the scenario asks).\n";

static const struct option long_options[] = {
	{"expect", required_argument, NULL, OPT_EXPECT},
	{"run", required_argument, NULL, OPT_RUN},
	{"report", required_argument, NULL, OPT_REPORT},
	{"set", required_argument, NULL, OPT_SET},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct capture_arg {
	char role[16];
	const char *path;
};

struct check_cmd {
	const char *expect;
	const char *run;            /* the run record, or NULL */
	struct wc_report_reqs reports;
	struct capture_arg *captures;
	size_t capture_count;
	struct wc_placeholders ph;
	bool help;
};

static const char *option_name(int val)
{
	for (const struct option *o = long_options; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static int add_set(struct check_cmd *cmd, const char *arg, char *errbuf)
{
	const char *eq = strchr(arg, '=');
	char key[16];
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof key)
		return wc_err(errbuf, "check: --set wants KEY=VALUE (port=7007, server=10.0.0.2), not '%s'", arg);
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	if (wc_placeholders_set(&cmd->ph, key, eq + 1, errbuf) != 0) {
		char msg[WC_ERRBUF_SIZE];
		snprintf(msg, sizeof msg, "%s", errbuf);
		return wc_err(errbuf, "check: %s", msg);
	}
	return 0;
}

/* "client" in "client=c.pcap": a short lower-case word. */
static bool is_role(const char *s, size_t n)
{
	if (n == 0 || n >= sizeof ((struct capture_arg *)0)->role || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* [ROLE=]CAPTURE; a file whose own name holds '=' is taken as it is. */
static void add_capture(struct check_cmd *cmd, const char *arg)
{
	struct capture_arg *c = &cmd->captures[cmd->capture_count++];
	const char *eq = strchr(arg, '=');
	struct stat st;
	c->role[0] = '\0';
	c->path = arg;
	if (eq && is_role(arg, (size_t)(eq - arg)) && stat(arg, &st) != 0) {
		memcpy(c->role, arg, (size_t)(eq - arg));
		c->role[eq - arg] = '\0';
		c->path = eq + 1;
	}
}

static int check_tags(const struct capture_arg *caps, size_t n, char *errbuf)
{
	if (n == 0)
		return wc_err(errbuf, "check: no capture file given");
	for (size_t i = 0; i < n; i++) {
		const struct capture_arg *c = &caps[i];
		if (!c->path[0])
			return wc_err(errbuf, "check: '%s=' names no capture file", c->role);
		if (n > 1 && !c->role[0])
			return wc_err(errbuf, "check: with several captures, tag each with where it was taken "
			                      "(client=c.pcap server=s.pcap): '%s' has no tag", c->path);
		for (size_t j = 0; j < i; j++)
			if (c->role[0] && strcmp(c->role, caps[j].role) == 0)
				return wc_err(errbuf, "check: two captures tagged '%s'", c->role);
	}
	return 0;
}

static int parse(int argc, char **argv, struct check_cmd *cmd, char *errbuf)
{
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd->help = true;
			return 0;
		case OPT_EXPECT:
			if (cmd->expect)
				return wc_err(errbuf, "check: one --expect at a time");
			cmd->expect = optarg;
			break;
		case OPT_RUN:
			if (cmd->run)
				return wc_err(errbuf, "check: one --run at a time");
			cmd->run = optarg;
			break;
		case OPT_REPORT:
			if (wc_report_reqs_add(&cmd->reports, "check", optarg, errbuf) != 0)
				return -1;
			break;
		case OPT_SET:
			if (add_set(cmd, optarg, errbuf) != 0)
				return -1;
			break;
		case ':':
			return wc_err(errbuf, "check: --%s needs a value", option_name(optopt));
		default:
			if (optopt && optopt < 256)
				return wc_err(errbuf, "check: unknown option '-%c'", optopt);
			return wc_err(errbuf, "check: unknown option '%s'", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++)
		add_capture(cmd, argv[i]);
	if (!cmd->expect)
		return wc_err(errbuf, "check: --expect SCENARIO.json is required");
	/* with --run and no capture, the run's own captures are judged (judge()) */
	if ((cmd->capture_count || !cmd->run) && check_tags(cmd->captures, cmd->capture_count, errbuf) != 0)
		return -1;
	wc_report_reqs_default(&cmd->reports);
	return 0;
}

/* With --run and no capture given: the run's capture points, tagged as the run tagged
 * them (paths borrowed from the record). */
static int run_captures(struct check_cmd *cmd, const struct wc_run_record *rec, char *errbuf)
{
	if (!rec->cap_count)
		return check_tags(cmd->captures, 0, errbuf);
	struct capture_arg *caps = calloc(rec->cap_count, sizeof *caps);
	if (!caps)
		return wc_err(errbuf, "out of memory");
	for (size_t i = 0; i < rec->cap_count; i++) {
		snprintf(caps[i].role, sizeof caps[i].role, "%s", rec->caps[i].tag);
		caps[i].path = rec->caps[i].path;
	}
	free(cmd->captures);
	cmd->captures = caps;
	cmd->capture_count = rec->cap_count;
	return check_tags(cmd->captures, cmd->capture_count, errbuf);
}

/* The values the live run gave the placeholders, where --set gave none. */
static int run_placeholders(struct wc_placeholders *ph, const struct wc_run_record *rec, char *errbuf)
{
	const char *vals[WC_PH__COUNT] = {[WC_PH_PORT] = rec->port, [WC_PH_SERVER] = rec->server,
	                                  [WC_PH_CLIENT] = rec->client};
	for (int i = 0; i < WC_PH__COUNT; i++) {
		if (ph->p[i].source != WC_PH_UNKNOWN || !vals[i][0])
			continue;
		if (wc_placeholders_set(ph, ph->p[i].name, vals[i], errbuf) != 0)
			return -1;
		ph->p[i].source = WC_PH_RUN;
	}
	return 0;
}

/* Everything after the arguments: scenario, run record, captures, checks, reports. */
static int judge(struct check_cmd *cmd, FILE *out, char *errbuf)
{
	int status = EXIT_USAGE;
	struct wc_outcome outcome = {0};
	struct wc_run_record rec = {0};
	struct wc_view *views = NULL;
	size_t loaded = 0;
	struct wc_scenario *s = wc_scenario_load(cmd->expect, errbuf);
	if (!s)
		goto done;
	if (cmd->run && (wc_run_record_load(cmd->run, &rec, errbuf) != 0 || run_placeholders(&cmd->ph, &rec, errbuf) != 0))
		goto done;
	if (cmd->capture_count == 0 && run_captures(cmd, &rec, errbuf) != 0)
		goto done;
	if (!(views = calloc(cmd->capture_count, sizeof *views))) {
		wc_err(errbuf, "out of memory");
		goto done;
	}
	for (; loaded < cmd->capture_count; loaded++)
		if (wc_view_load(cmd->captures[loaded].path, cmd->captures[loaded].role, &views[loaded], errbuf) != 0)
			goto done;
	wc_placeholders_infer(&cmd->ph, views, loaded);
	if (wc_report_reqs_open(&cmd->reports, "check", out, errbuf) != 0)
		goto done;
	if (wc_verdict_run(s, views, loaded, &cmd->ph, cmd->run ? &rec : NULL, &outcome, errbuf) != 0)
		goto done;
	if (wc_report_reqs_write(&cmd->reports, "check", out, &outcome, 1, errbuf) == 0)
		status = wc_verdict_exit_status(outcome.verdict);
done:
	wc_report_reqs_close(&cmd->reports, out);
	wc_outcome_free(&outcome);
	for (size_t i = 0; i < loaded; i++)
		wc_view_free(&views[i]);
	free(views);
	wc_run_record_free(&rec);
	if (s)
		wc_scenario_free(s);
	return status;
}

int wc_cmd_check_main(int argc, char **argv, FILE *out, FILE *err)
{
	char errbuf[WC_ERRBUF_SIZE];
	struct check_cmd cmd = {0};
	size_t slots = argc > 0 ? (size_t)argc : 1;
	cmd.reports.v = calloc(slots, sizeof *cmd.reports.v);
	cmd.captures = calloc(slots, sizeof *cmd.captures);
	wc_placeholders_init(&cmd.ph);
	int status;
	if (!cmd.reports.v || !cmd.captures) {
		fputs("wirecheck: out of memory\n", err);
		status = EXIT_USAGE;
	} else if (parse(argc, argv, &cmd, errbuf) != 0) {
		fprintf(err, "wirecheck: %s\nTry 'wirecheck check --help'.\n", errbuf);
		status = EXIT_USAGE;
	} else if (cmd.help) {
		fputs(usage_text, out);
		status = 0;
	} else {
		status = judge(&cmd, out, errbuf);
		if (status == EXIT_USAGE)
			fprintf(err, "wirecheck: %s\n", errbuf);
	}
	free(cmd.reports.v);
	free(cmd.captures);
	return status;
}
