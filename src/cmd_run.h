/* cmd_run.h — `wirecheck run`: scenarios run live in throw-away namespaces, judged from
 * their saved captures and the programs' record (runner.h, doc/run.md).
 *
 * Every scenario is loaded and validated before the first one runs; then they run one at
 * a time, or N at once with -j (the reports come out in the order given either way).
 * A progress line per finished scenario goes to err; the reports to out or files. The
 * first SIGINT or SIGTERM ends the runs in order (programs stopped, namespaces released,
 * outcome inconclusive); a second one leaves at once, closing every namespace.
 * Returns the exit status: 0 all passed, 1 a check failed, 2 usage or scenario error,
 * 3 inconclusive.
 */
#ifndef WC_CMD_RUN_H
#define WC_CMD_RUN_H

#include <stdio.h>

/* argv[0] is "run". Call it while the process has one thread: as a normal user it first
 * moves the process into a user namespace (netns.h). */
int wc_cmd_run_main(int argc, char **argv, FILE *out, FILE *err);

#endif
