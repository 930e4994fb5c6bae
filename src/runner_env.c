/* runner_env.c — where the socket-call trace library and the reference programs are:
 * beside the running program in a build tree, else where `make install` put them. */
#include "runner.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool usable(const char *path, int mode)
{
	return path[0] && access(path, mode) == 0;
}

/* dst = the first of the candidates that exists ("" when none). */
static void pick(char *dst, size_t len, const char *const *candidates, size_t n, int mode)
{
	dst[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (candidates[i] && usable(candidates[i], mode)) {
			snprintf(dst, len, "%s", candidates[i]);
			return;
		}
}

void wc_runner_env_find(struct wc_runner_env *env)
{
	char exe[PATH_MAX] = "", dir[PATH_MAX] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof dir, "%s", dirname(exe));
	}
	char built_lib[PATH_MAX + 32], built_labs[PATH_MAX + 32];
	snprintf(built_lib, sizeof built_lib, "%s/trace/libwctrace.so", dir);
	snprintf(built_labs, sizeof built_labs, "%s/labs/tcp-server", dir);
	const char *lib[] = {getenv("WIRECHECK_TRACE_LIB"), dir[0] ? built_lib : NULL,
	                     WC_PKGLIBDIR "/libwctrace.so"};
	pick(env->trace_lib, sizeof env->trace_lib, lib, 3, R_OK);
	const char *labs[] = {getenv("WIRECHECK_LABS_DIR"), dir[0] ? built_labs : NULL,
	                      WC_PKGLIBEXECDIR "/tcp-server"};
	pick(env->labs_dir, sizeof env->labs_dir, labs, 3, X_OK);
	/* a found program names its directory; the override names the directory itself */
	if (env->labs_dir[0] && strcmp(env->labs_dir, labs[0] ? labs[0] : "") != 0) {
		char *slash = strrchr(env->labs_dir, '/');
		*slash = '\0';
	}
}
