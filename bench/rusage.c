/* rusage.c — runs a command and reports its wall time, peak resident memory and exit status.
 *
 * `rusage [--stdout FILE] COMMAND [ARG...]` prints one line,
 * "SECONDS MAXRSS_KIB STATUS", after the command ends. The command's standard output
 * goes to FILE (the benchmark discards it with /dev/null) so that the line is the only
 * thing rusage itself writes; STATUS is the exit code, or 128 + the signal number.
 * The memory figure is the child's own ru_maxrss from wait4, so nothing outside the
 * project (GNU time) is needed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* In the child: send standard output to path, then become the command. */
static void run_child(const char *path, char **argv)
{
	if (path) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
			fprintf(stderr, "rusage: %s: %s\n", path, strerror(errno));
			_exit(127);
		}
		close(fd);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "rusage: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	int first = 1;
	if (argc > 2 && !strcmp(argv[1], "--stdout")) {
		out = argv[2];
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: rusage [--stdout FILE] COMMAND [ARG...]\n");
		return 2;
	}
	fflush(stdout);
	double start = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rusage: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		run_child(out, argv + first);
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "rusage: wait4: %s\n", strerror(errno));
			return 1;
		}
	}
	double wall = now_s() - start;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("%.3f %ld %d\n", wall, ru.ru_maxrss, code);
	return 0;
}
