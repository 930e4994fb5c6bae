/* netns_leftovers.c — find namespaces and interfaces a live test may have left behind. */
#include "netns_leftovers.h"

#include <dirent.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool link_names(const char *path, const char *want)
{
	char target[64];
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strcmp(target, want) == 0;
}

/* Any entry of the directory that is a link to `want`. */
static bool dir_has_link(const char *dir, const char *suffix, const char *want)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	char path[512];
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s%s", dir, e->d_name, suffix);
		found = link_names(path, want);
	}
	closedir(d);
	return found;
}

bool netns_inode_alive(ino_t ino)
{
	char want[64], dir[300];
	snprintf(want, sizeof want, "net:[%lu]", (unsigned long)ino);
	DIR *proc = opendir("/proc");
	if (!proc)
		return true;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(proc)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(dir, sizeof dir, "/proc/%s/task", e->d_name);
		found = dir_has_link(dir, "/ns/net", want);
		if (!found) {
			snprintf(dir, sizeof dir, "/proc/%s/fd", e->d_name);
			found = dir_has_link(dir, "", want);
		}
	}
	closedir(proc);
	return found;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int host_interfaces(char *buf, size_t size)
{
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		return -1;
	size_t n = 0;
	while (ifs[n].if_name)
		n++;
	char **names = calloc(n + 1, sizeof *names);
	if (!names) {
		if_freenameindex(ifs);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = ifs[i].if_name;
	qsort(names, n, sizeof *names, by_name);
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s\n", names[i]);
	free(names);
	if_freenameindex(ifs);
	return used < size ? 0 : -1;
}

static bool lists(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += len)
		if ((p == list || p[-1] == '\n') && p[len] == '\n')
			return true;
	return false;
}

bool gained_interface(const char *before, const char *now, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (lists(now, names[i]) && !lists(before, names[i]))
			return true;
	return false;
}
