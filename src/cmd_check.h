/* cmd_check.h — `wirecheck check`: judge captures against a scenario's expectations.
 *
 * The command reads its arguments, loads the scenario and the captures, runs the checks
 * (verdict.h) and writes the reports asked for (report.h). It prints its own messages
 * to err and returns the exit status: 0 every check passed, 1 a check failed, 2 a usage
 * error, a scenario error, a capture that cannot be opened or a report that cannot be
 * written, 3 inconclusive (doc/check.md).
 */
#ifndef WC_CMD_CHECK_H
#define WC_CMD_CHECK_H

#include <stdio.h>

/* argv[0] is "check". */
int wc_cmd_check_main(int argc, char **argv, FILE *out, FILE *err);

#endif
