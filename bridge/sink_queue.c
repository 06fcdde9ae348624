// SPDX-License-Identifier: GPL-2.0
/*
 * The auditd sink's durable queue. DIR/NNNNNNNNNNNNNNNN.seg (hexadecimal
 * numbers, consecutive) hold the records, one a line, appended only;
 * DIR/cursor ("SEG OFFSET") names the first byte not yet acknowledged.
 * When in doubt (no cursor, a cursor that makes no sense) the queue starts
 * earlier: a record may then be delivered twice, never lost.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink_queue.h"

#define SEG_MIN		(4 * 1024)
#define SEG_MAX		(8 * 1024 * 1024)

static void seg_path(const struct sink_queue *q, uint64_t seg, char *buf,
		     size_t n)
{
	snprintf(buf, n, "%s/%016" PRIx64 ".seg", q->dir, seg);
}

static void set_seg_max(struct sink_queue *q)
{
	uint64_t m = q->max_bytes / 8;

	q->seg_max = m < SEG_MIN ? SEG_MIN : m > SEG_MAX ? SEG_MAX : m;
}

void sq_set_limits(struct sink_queue *q, uint64_t max_bytes,
		   unsigned int sync_every)
{
	q->max_bytes = max_bytes;
	q->sync_every = sync_every;
	set_seg_max(q);
}

static int sync_dir(const struct sink_queue *q)
{
	int fd, ret = 0;

	if (!q->sync_every)
		return 0;
	fd = open(q->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		ret = -errno;
	close(fd);
	return ret;
}

/* Segment numbers present: lowest and highest; 0 when none. */
static int scan_dir(struct sink_queue *q, uint64_t *lo, uint64_t *hi,
		    uint64_t *count)
{
	struct dirent *de;
	DIR *d = opendir(q->dir);

	*lo = *hi = *count = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		uint64_t v;

		if (strlen(de->d_name) != 20 || strcmp(de->d_name + 16, ".seg"))
			continue;
		errno = 0;
		v = strtoull(de->d_name, &end, 16);
		if (errno || end != de->d_name + 16 || !v)
			continue;
		if (!*count || v < *lo)
			*lo = v;
		if (!*count || v > *hi)
			*hi = v;
		(*count)++;
	}
	closedir(d);
	return 0;
}

static int64_t file_size(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	return st.st_size;
}

/* Cut a torn last line (a crash in the middle of an append). */
static int cut_torn_tail(int fd, uint64_t *size)
{
	char buf[4096];
	uint64_t end = *size;

	while (end > 0) {
		size_t n = end < sizeof(buf) ? end : sizeof(buf);
		ssize_t r = pread(fd, buf, n, end - n);

		if (r != (ssize_t)n)
			return r < 0 ? -errno : -EIO;
		while (n > 0 && buf[n - 1] != '\n')
			n--, end--;
		if (n > 0)
			break;
	}
	if (end != *size) {
		if (ftruncate(fd, end))
			return -errno;
		*size = end;
	}
	return 0;
}

static int read_cursor(struct sink_queue *q, struct sq_pos *pos)
{
	char path[PATH_MAX + 16], text[64], *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cursor", q->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	errno = 0;
	pos->seg = strtoull(text, &end, 16);
	if (errno || *end != ' ')
		return 0;
	pos->off = strtoull(end + 1, &end, 10);
	if (errno || strcmp(end, "\n"))
		pos->seg = pos->off = 0;
	return 0;
}

int sq_save_cursor(struct sink_queue *q)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 16], text[64];
	int fd, n, ret = 0;

	if (!q->cursor_dirty)
		return 0;
	snprintf(path, sizeof(path), "%s/cursor", q->dir);
	snprintf(tmp, sizeof(tmp), "%s/cursor.tmp", q->dir);
	n = snprintf(text, sizeof(text), "%016" PRIx64 " %" PRIu64 "\n",
		     q->acked.seg, q->acked.off);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, text, n) != n)
		ret = errno ? -errno : -EIO;
	else if (q->sync_every == 1 && fdatasync(fd))
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	else
		q->cursor_dirty = false;
	return ret;
}

static int open_seg(const struct sink_queue *q, uint64_t seg, int flags)
{
	char path[PATH_MAX + 32];

	seg_path(q, seg, path, sizeof(path));
	return open(path, flags | O_CLOEXEC, 0600);
}

/* Bytes and records after @from: the whole queue is read once at start. */
static int count_pending(struct sink_queue *q)
{
	const char *rec;
	struct sq_pos end;
	size_t len;
	int r;

	q->bytes = q->records = 0;
	sq_rewind(q);
	while ((r = sq_next(q, &rec, &len, &end)) > 0) {
		q->bytes += len + 1;
		q->records++;
	}
	sq_rewind(q);
	return r;
}

int sq_open(struct sink_queue *q, const char *dir, uint64_t max_bytes,
	    unsigned int sync_every, char *err, size_t errlen)
{
	uint64_t lo, hi, count, size;
	struct sq_pos cur = { 0, 0 };
	int64_t sz;
	int r;

	memset(q, 0, sizeof(*q));
	q->tail_fd = q->rfd = -1;
	if (strlen(dir) >= sizeof(q->dir) - 32) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	strcpy(q->dir, dir);
	sq_set_limits(q, max_bytes, sync_every);
	q->rbuf = malloc(SQ_READ_BUF);
	if (!q->rbuf) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	r = scan_dir(q, &lo, &hi, &count);
	if (r) {
		snprintf(err, errlen, "%s: %s", dir, strerror(-r));
		return -1;
	}
	if (count && count != hi - lo + 1) {
		snprintf(err, errlen, "%s: segments %016" PRIx64 " to %016"
			 PRIx64 " are not all there; move the directory away"
			 " to start an empty queue", dir, lo, hi);
		return -1;
	}
	if (!count) {
		lo = hi = 1;
		q->tail_fd = open_seg(q, 1, O_WRONLY | O_CREAT | O_APPEND);
		if (q->tail_fd < 0 || sync_dir(q)) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
	} else {
		q->tail_fd = open_seg(q, hi, O_RDWR | O_APPEND);
	}
	if (q->tail_fd < 0 || (sz = file_size(q->tail_fd)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	size = sz;
	r = cut_torn_tail(q->tail_fd, &size);
	if (r) {
		snprintf(err, errlen, "%s: segment %016" PRIx64 ": %s", dir,
			 hi, strerror(-r));
		return -1;
	}
	q->head = lo;
	q->tail = hi;
	q->tail_size = size;
	r = read_cursor(q, &cur);
	if (r) {
		snprintf(err, errlen, "%s/cursor: %s", dir, strerror(-r));
		return -1;
	}
	/* a cursor before the head, past the tail or past its segment's
	 * end: start at the head (a duplicate rather than a loss) */
	q->acked.seg = lo;
	q->acked.off = 0;
	if (cur.seg >= lo && cur.seg <= hi) {
		int fd = open_seg(q, cur.seg, O_RDONLY);

		sz = fd >= 0 ? file_size(fd) : -1;
		if (fd >= 0)
			close(fd);
		if (sz >= 0 && cur.off <= (uint64_t)sz)
			q->acked = cur;
	}
	r = count_pending(q);
	if (r < 0) {
		snprintf(err, errlen, "%s: reading the queue: %s", dir,
			 strerror(-r));
		return -1;
	}
	return 0;
}

static int roll(struct sink_queue *q)
{
	int fd = open_seg(q, q->tail + 1,
			  O_WRONLY | O_CREAT | O_EXCL | O_APPEND);

	if (fd < 0)
		return -errno;
	if (q->sync_every && fdatasync(q->tail_fd)) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(q->tail_fd);
	q->tail_fd = fd;
	q->tail++;
	q->tail_size = 0;
	return sync_dir(q);
}

int sq_append(struct sink_queue *q, const char *buf, size_t len,
	      unsigned int nrec)
{
	size_t done = 0;
	int r;

	if (!len)
		return 0;
	if (buf[len - 1] != '\n')
		return -EINVAL;
	if (q->bytes + len > q->max_bytes)
		return -ENOSPC;
	if (q->tail_size >= q->seg_max) {
		r = roll(q);
		if (r)
			return r;
	}
	while (done < len) {
		ssize_t w = write(q->tail_fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			/* all or nothing: no torn line stays behind */
			if (ftruncate(q->tail_fd, q->tail_size))
				r = -EIO;
			return r;
		}
		done += w;
	}
	if (q->sync_every && q->unsynced + nrec >= q->sync_every) {
		if (fdatasync(q->tail_fd)) {
			r = -errno;
			if (ftruncate(q->tail_fd, q->tail_size))
				r = -EIO;
			return r;
		}
		q->unsynced = 0;
	} else {
		q->unsynced += nrec;
	}
	q->tail_size += len;
	q->bytes += len;
	q->records += nrec;
	return 0;
}

static int read_open(struct sink_queue *q, uint64_t seg, uint64_t off)
{
	if (q->rfd >= 0 && q->rseg != seg) {
		close(q->rfd);
		q->rfd = -1;
	}
	if (q->rfd < 0) {
		q->rfd = open_seg(q, seg, O_RDONLY);
		if (q->rfd < 0)
			return -errno;
	}
	q->rseg = seg;
	q->rbase = off;
	q->rlen = q->rpos = 0;
	q->skipping = false;
	return 0;
}

void sq_rewind(struct sink_queue *q)
{
	if (q->rfd >= 0)
		close(q->rfd);
	q->rfd = -1;
	q->rseg = q->acked.seg;
	q->rbase = q->acked.off;
	q->rlen = q->rpos = 0;
	q->skipping = false;
}

int sq_next(struct sink_queue *q, const char **rec, size_t *len,
	    struct sq_pos *end)
{
	for (;;) {
		char *start = q->rbuf + q->rpos;
		char *nl = memchr(start, '\n', q->rlen - q->rpos);
		ssize_t n;
		int r;

		if (nl) {
			q->rpos = nl + 1 - q->rbuf;
			if (q->skipping) {
				q->skipping = false;
				continue;
			}
			*rec = start;
			*len = nl - start;
			end->seg = q->rseg;
			end->off = q->rbase + q->rpos;
			return 1;
		}
		/* keep the partial line, make room for the rest */
		if (q->rpos) {
			memmove(q->rbuf, start, q->rlen - q->rpos);
			q->rbase += q->rpos;
			q->rlen -= q->rpos;
			q->rpos = 0;
		}
		if (q->rlen == SQ_READ_BUF) {
			/* no record is this long: drop to the next line */
			q->rbase += q->rlen;
			q->rlen = 0;
			q->skipping = true;
		}
		if (q->rfd < 0) {
			r = read_open(q, q->rseg, q->rbase);
			if (r)
				return r;
		}
		n = pread(q->rfd, q->rbuf + q->rlen, SQ_READ_BUF - q->rlen,
			  q->rbase + q->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > 0) {
			q->rlen += n;
			continue;
		}
		if (q->rseg >= q->tail)
			return 0;
		/* the end of a finished segment: on to the next */
		r = read_open(q, q->rseg + 1, 0);
		if (r)
			return r;
	}
}

int sq_ack(struct sink_queue *q, const struct sq_pos *end, size_t bytes)
{
	int r = 0;

	q->acked = *end;
	q->cursor_dirty = true;
	q->bytes = q->bytes > bytes ? q->bytes - bytes : 0;
	if (q->records)
		q->records--;
	if (end->seg > q->head) {
		/* the cursor first, so that it never points before the head */
		r = sq_save_cursor(q);
		if (r)
			return r;
		while (q->head < end->seg) {
			char path[PATH_MAX + 32];

			seg_path(q, q->head, path, sizeof(path));
			unlink(path);
			q->head++;
		}
	}
	return r;
}

void sq_close(struct sink_queue *q)
{
	if (q->tail_fd >= 0) {
		sq_save_cursor(q);
		if (q->sync_every)
			fdatasync(q->tail_fd);
		close(q->tail_fd);
	}
	if (q->rfd >= 0)
		close(q->rfd);
	q->tail_fd = q->rfd = -1;
	free(q->rbuf);
	q->rbuf = NULL;
}
