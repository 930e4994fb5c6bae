/* cmd_explain.c — the arguments of `wirecheck explain` (cmd.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

enum { OPT_FLOW = 256, OPT_PACKETS, OPT_FORMAT, OPT_MAX_ANOMALIES };

static const struct option long_options[] = {
	{"flow", required_argument, NULL, OPT_FLOW},
	{"packets", no_argument, NULL, OPT_PACKETS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"max-anomalies", required_argument, NULL, OPT_MAX_ANOMALIES},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char *option_name(int val)
{
	for (const struct option *o = long_options; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

/* A whole decimal number in [0, max]. */
static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static bool color_wanted(void)
{
	const char *no_color = getenv("NO_COLOR");
	return isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

int wc_cmd_explain_parse(int argc, char **argv, struct wc_cmd_explain *cmd, char *errbuf)
{
	memset(cmd, 0, sizeof *cmd);
	cmd->opts.format = WC_EXPLAIN_TEXT;
	cmd->opts.flow = -1;
	opterr = 0;
	optind = 1;
	int c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd->help = true;
			return 0;
		case OPT_PACKETS:
			cmd->opts.packets = true;
			break;
		case OPT_FLOW:
			if (parse_count(optarg, UINT32_MAX, &v) != 0)
				return wc_err(errbuf, "explain: --flow wants a connection number (0, 1, …), not '%s'", optarg);
			cmd->opts.flow = (int64_t)v;
			break;
		case OPT_MAX_ANOMALIES:
			if (parse_count(optarg, UINT32_MAX, &v) != 0 || v == 0)
				return wc_err(errbuf, "explain: --max-anomalies wants a positive number, not '%s'", optarg);
			cmd->opts.max_anomalies_listed = (uint32_t)v;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				cmd->opts.format = WC_EXPLAIN_TEXT;
			else if (strcmp(optarg, "json") == 0)
				cmd->opts.format = WC_EXPLAIN_JSON;
			else
				return wc_err(errbuf, "explain: unknown format '%s' (text or json)", optarg);
			break;
		case ':':
			return wc_err(errbuf, "explain: --%s needs a value", option_name(optopt));
		default:
			if (optopt && optopt < 256)
				return wc_err(errbuf, "explain: unknown option '-%c'", optopt);
			return wc_err(errbuf, "explain: unknown option '%s'", argv[optind - 1]);
		}
	}
	int rest = argc - optind;
	if (rest == 0)
		return wc_err(errbuf, "explain: no capture file given");
	if (rest > 1)
		return wc_err(errbuf, "explain: one capture file at a time ('%s' and '%s' given)", argv[optind],
		              argv[optind + 1]);
	cmd->path = argv[optind];
	cmd->opts.color = cmd->opts.format == WC_EXPLAIN_TEXT && color_wanted();
	return 0;
}
