/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a small configuration-like text file (bpfauditd.conf, rule
 * files) whole into memory, with the errors a user can act on.
 */
#ifndef BPFAUDIT_TEXTFILE_H
#define BPFAUDIT_TEXTFILE_H

#include <stddef.h>

/*
 * Reads all of the regular file @path, at most @max bytes, into a malloc'ed
 * buffer (*@bufp, *@lenp). Returns 0, or -1 with "PATH:
 * reason" in @err (if not NULL): open/read errors, not a regular file,
 * larger than @max, or grown while being read.
 */
int textfile_read(const char *path, size_t max, char **bufp, size_t *lenp,
		  char *err, size_t errlen);

#endif /* BPFAUDIT_TEXTFILE_H */
