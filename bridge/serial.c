// SPDX-License-Identifier: GPL-2.0
/*
 * Record serial numbers that never repeat across restarts: blocks are
 * reserved in STATE_DIR/serial (temporary file, fsync, rename) before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serial.h"

static int serial_reserve(struct serial_source *s, uint64_t ceiling)
{
	char tmp[4200], text[32];
	int fd, n, ret = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
	n = snprintf(text, sizeof(text), "%" PRIu64 "\n", ceiling);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, text, n) != n || fsync(fd))
		goto out;
	if (rename(tmp, s->path))
		goto out;
	s->ceiling = ceiling;
	ret = 0;
out:
	close(fd);
	if (ret)
		unlink(tmp);
	return ret;
}

int serial_open(struct serial_source *s, const char *state_dir, char *err,
		size_t errlen)
{
	uint64_t last = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", state_dir, strerror(errno));
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s/serial", state_dir);
	f = fopen(s->path, "re");
	if (f) {
		/* digits and a newline, nothing else: a corrupt file must not
		 * wrap the counter around and repeat serials */
		char text[32], *end;
		size_t n = fread(text, 1, sizeof(text) - 1, f);

		fclose(f);
		text[n] = '\0';
		errno = 0;
		last = strtoull(text, &end, 10);
		if (text[0] < '0' || text[0] > '9' || errno ||
		    (*end && strcmp(end, "\n")) ||
		    last > UINT64_MAX - 2 * (uint64_t)SERIAL_BLOCK) {
			snprintf(err, errlen, "%s: not a serial number",
				 s->path);
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	/* Serials below the last reserved ceiling may have been used. */
	s->next = last ? last : 1;
	if (serial_reserve(s, s->next + SERIAL_BLOCK)) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	return 0;
}

uint64_t serial_take(struct serial_source *s)
{
	if (s->next >= s->ceiling &&
	    serial_reserve(s, s->next + SERIAL_BLOCK))
		return 0;
	return s->next++;
}
