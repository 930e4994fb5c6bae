/* main.c — the wirecheck program: picks the command, prints errors, sets the exit status. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cmd_check.h"
#include "cmd_run.h"
#include "explain.h"

/* Exit statuses (DESIGN.md): 0 done, 2 usage error or a capture that cannot be opened;
 * `check` and `run` add 1 (a check failed) and 3 (inconclusive). */
enum { EXIT_OK = 0, EXIT_USAGE = 2 };

static const char usage_text[] =
	"Usage: wirecheck COMMAND [OPTIONS]\n"
	"       wirecheck --help | --version\n"
	"\n"
	"Check what socket programs put on the wire.\n"
	"\n"
	"Commands:\n"
	"  explain CAPTURE   explain a .pcap or .pcapng capture in plain language\n"
	"  check CAPTURE... --expect SCENARIO.json\n"
	"                    judge captures against a scenario's expectations\n"
	"  run SCENARIO.json|DIR...\n"
	"                    run scenarios live in network namespaces and judge them\n"
	"\n"
	"Run 'wirecheck COMMAND --help' for its options; 'man wirecheck' for more.\n"
	"Exit status: 0 done (check, run: every check passed); 1 a check failed;\n"
	"2 usage or scenario error, or a capture that cannot be opened; 3 inconclusive.\n";

static const char explain_usage_text[] =
	"Usage: wirecheck explain CAPTURE [--packets] [--flow N] [--format text|json]\n"
	"                         [--max-anomalies N]\n"
	"\n"
	"Explain a .pcap or .pcapng capture: the capture itself, every TCP connection\n"
	"(handshake, options, bytes each way, teardown or reset, each side's states, who\n"
	"ends in TIME_WAIT), every UDP flow, the ICMP errors and what they answer, the\n"
	"anomalies at their frame, and a summary of counts.\n"
	"\n"
	"  --packets          also show one line per packet, as it is read\n"
	"  --flow N           only TCP connection N: its packets and its summary\n"
	"  --format FORMAT    text (default) or json\n"
	"  --max-anomalies N  list at most N anomalies one by one (default 1000);\n"
	"                     all are counted in the summary\n"
	"  -h, --help         show this help\n"
	"\n"
	"Frame numbers are Wireshark's; connection numbers are Wireshark's tcp.stream.\n"
	"Text output is coloured on a terminal unless NO_COLOR is set.\n"
	"Exit status: 0 the capture was read (anomalies are reported, not errors);\n"
	"2 usage error, or the capture cannot be opened.\n";

static int usage_error(const char *msg, const char *help_cmd)
{
	fprintf(stderr, "wirecheck: %s\nTry 'wirecheck %s--help'.\n", msg, help_cmd);
	return EXIT_USAGE;
}

static int run_explain(int argc, char **argv)
{
	char errbuf[WC_ERRBUF_SIZE];
	struct wc_cmd_explain cmd;
	if (wc_cmd_explain_parse(argc, argv, &cmd, errbuf) != 0)
		return usage_error(errbuf, "explain ");
	if (cmd.help) {
		fputs(explain_usage_text, stdout);
		return EXIT_OK;
	}
	if (wc_explain(cmd.path, &cmd.opts, stdout, errbuf) != 0) {
		fprintf(stderr, "wirecheck: %s\n", errbuf);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		puts(PACKAGE_NAME " " PACKAGE_VERSION);
		return EXIT_OK;
	}
	if (strcmp(cmd, "explain") == 0)
		return run_explain(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return wc_cmd_check_main(argc - 1, argv + 1, stdout, stderr);
	if (strcmp(cmd, "run") == 0)
		return wc_cmd_run_main(argc - 1, argv + 1, stdout, stderr);
	char msg[256];
	snprintf(msg, sizeof msg, cmd[0] == '-' ? "unknown option '%s'" : "unknown command '%s'", cmd);
	return usage_error(msg, "");
}
