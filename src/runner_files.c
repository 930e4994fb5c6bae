/* runner_files.c — the scratch directory of a run, and keeping its files elsewhere. */
#include "runner_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int wc_scratch_make(const char *parent, const char *name, char *out, size_t len, char *errbuf)
{
	if (!parent || !*parent)
		parent = getenv("TMPDIR");
	if (!parent || !*parent)
		parent = "/tmp";
	if ((size_t)snprintf(out, len, "%s/wirecheck-%s-XXXXXX", parent, name) >= len)
		return wc_err(errbuf, "%s: the scratch directory's name is too long", parent);
	if (!mkdtemp(out))
		return wc_err_errno(errbuf, errno, "cannot make a scratch directory in %s", parent);
	/* programs started by a user namespace's root may run as another id: let them write */
	if (chmod(out, 0777) != 0)
		return wc_err_errno(errbuf, errno, "%s", out);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void wc_tree_remove(const char *dir)
{
	if (dir && *dir)
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

int wc_mkdirs(const char *dir, char *errbuf)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
		return wc_err(errbuf, "%s: path too long", dir);
	for (char *p = buf + 1;; p++) {
		bool end = *p == '\0';
		if (*p == '/' || end) {
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return wc_err_errno(errbuf, errno, "cannot make the directory %s", buf);
			if (end)
				break;
			*p = '/';
		}
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return wc_err(errbuf, "%s is not a directory", dir);
	return 0;
}

static int copy_file(const char *from, const char *to, char *errbuf)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return wc_err_errno(errbuf, errno, "cannot read %s", from);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		close(in);
		return wc_err_errno(errbuf, errno, "cannot write %s", to);
	}
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = wc_err_errno(errbuf, errno, "cannot write %s", to);
			break;
		}
	if (n < 0 && rc == 0)
		rc = wc_err_errno(errbuf, errno, "cannot read %s", from);
	close(in);
	if (close(out) != 0 && rc == 0)
		rc = wc_err_errno(errbuf, errno, "cannot write %s", to);
	if (rc == 0)
		unlink(from);
	return rc;
}

int wc_file_move(const char *from, const char *to, char *errbuf)
{
	if (rename(from, to) == 0)
		return 0;
	if (errno != EXDEV)
		return wc_err_errno(errbuf, errno, "cannot move %s to %s", from, to);
	return copy_file(from, to, errbuf);
}
