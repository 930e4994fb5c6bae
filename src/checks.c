/* checks.c — the registry of every check: the TCP group, the network group, then the
 * process-level group. */
#include "check.h"

#include <string.h>

static size_t group_len(const struct wc_check_def *const *g)
{
	size_t n = 0;
	while (g[n])
		n++;
	return n;
}

size_t wc_check_count(void)
{
	return group_len(wc_checks_tcp) + group_len(wc_checks_net) + group_len(wc_checks_proc);
}

const struct wc_check_def *wc_check_at(size_t i)
{
	size_t n = group_len(wc_checks_tcp);
	if (i < n)
		return wc_checks_tcp[i];
	i -= n;
	n = group_len(wc_checks_net);
	if (i < n)
		return wc_checks_net[i];
	i -= n;
	return i < group_len(wc_checks_proc) ? wc_checks_proc[i] : NULL;
}

const struct wc_check_def *wc_check_find(const char *name)
{
	for (size_t i = 0, n = wc_check_count(); i < n; i++)
		if (strcmp(wc_check_at(i)->name, name) == 0)
			return wc_check_at(i);
	return NULL;
}
