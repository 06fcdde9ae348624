// SPDX-License-Identifier: GPL-2.0
/*
 * Reads a small text file whole (see textfile.h): one reader for
 * bpfauditd.conf and the rule files, so both refuse the same things with
 * the same words.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

static int fail_errno(char *err, size_t errlen, const char *what, int errnum)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", what, strerror(errnum));
	return -1;
}

int textfile_read(const char *path, size_t max, char **bufp, size_t *lenp,
		  char *err, size_t errlen)
{
	size_t len = 0;
	struct stat st;
	char *buf = NULL;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(err, errlen, path, errno);
	if (fstat(fd, &st)) {
		fail_errno(err, errlen, path, errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		if (err && errlen)
			snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		if (err && errlen)
			snprintf(err, errlen, "%s: larger than %zu bytes",
				 path, max);
		goto out;
	}
	/* One spare byte, so that a file that grew is noticed. */
	buf = malloc(st.st_size + 1);
	if (!buf) {
		fail_errno(err, errlen, path, ENOMEM);
		goto out;
	}
	while (len <= (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, st.st_size + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail_errno(err, errlen, path, errno);
			goto out;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > (size_t)st.st_size) {
		if (err && errlen)
			snprintf(err, errlen, "%s: changed while being read",
				 path);
		goto out;
	}
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	ret = 0;
out:
	free(buf);
	close(fd);
	return ret;
}
