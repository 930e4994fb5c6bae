/* cmd.h — the commands of the wirecheck program: reading their arguments.
 *
 * Parsing is kept apart from main.c so that it neither prints nor exits: a usage
 * error comes back as -1 with a one-line message in errbuf, and main.c prints it.
 */
#ifndef WC_CMD_H
#define WC_CMD_H

#include <stdbool.h>

#include "errbuf.h"
#include "explain.h"

struct wc_cmd_explain {
	const char *path;          /* the capture file */
	struct wc_explain_opts opts;
	bool help;                 /* --help was given: nothing else is checked */
};

/* Parse the arguments of `explain` (argv[0] is "explain"). Colour is decided here:
 * on when standard output is a terminal and NO_COLOR is unset or empty. Returns 0, or
 * -1 with errbuf naming the problem. */
int wc_cmd_explain_parse(int argc, char **argv, struct wc_cmd_explain *cmd, char *errbuf);

#endif
