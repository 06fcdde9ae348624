/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The auditd sink's durable queue: records wait on disk, in order, until
 * auditd has acknowledged them. A directory of append-only segment files
 * (one record a line) and a cursor file naming the first record not yet
 * acknowledged; segments go once every record in them is acknowledged.
 */
#ifndef BPFAUDIT_SINK_QUEUE_H
#define BPFAUDIT_SINK_QUEUE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A place in the queue: segment number and byte offset in it. */
struct sq_pos {
	uint64_t seg;
	uint64_t off;
};

/* All fields are private to sink_queue.c. */
struct sink_queue {
	char dir[PATH_MAX];
	uint64_t head;			/* oldest segment on disk */
	uint64_t tail;			/* newest segment, the one appended to */
	uint64_t tail_size;
	int tail_fd;
	uint64_t max_bytes;		/* bound on unacknowledged bytes */
	uint64_t seg_max;		/* a segment is closed past this size */
	unsigned int sync_every;	/* fdatasync after this many records, 0 never */
	unsigned int unsynced;		/* records appended since the last one */
	struct sq_pos acked;		/* first byte not acknowledged */
	bool cursor_dirty;
	uint64_t bytes;			/* unacknowledged bytes */
	uint64_t records;		/* unacknowledged records */
	/* reading: the records after the ones handed out already */
	int rfd;
	uint64_t rseg;
	uint64_t rbase;			/* offset in rseg of rbuf[0] */
	size_t rlen, rpos;
	bool skipping;			/* discarding an over-long line */
	char *rbuf;
};

/* Largest line the reader takes; anything longer is discarded. */
#define SQ_READ_BUF (256 * 1024)

/*
 * Open (creating if needed) the queue in @dir, bounded to @max_bytes not
 * acknowledged, appends synced to disk once @sync_every records (1: every
 * append; 0: never, new segments and the cursor then not synced either): a torn last line from a
 * crash is cut off, reading starts at the first unacknowledged record.
 * Returns 0, or -1 with @err filled.
 */
int sq_open(struct sink_queue *q, const char *dir, uint64_t max_bytes,
	    unsigned int sync_every, char *err, size_t errlen);

/*
 * Append @len bytes of @nrec complete newline-terminated records, all or
 * nothing, synced when the queue syncs. Returns 0, -ENOSPC when they would
 * take the queue past its bound, or -errno.
 */
int sq_append(struct sink_queue *q, const char *buf, size_t len,
	      unsigned int nrec);

/*
 * The next record not handed out yet: *@rec points at it (without its
 * newline, valid until the next call), *@end is the place after it.
 * Returns 1, 0 when every record was handed out, or -errno.
 */
int sq_next(struct sink_queue *q, const char **rec, size_t *len,
	    struct sq_pos *end);

/* Hand out again from the first unacknowledged record. */
void sq_rewind(struct sink_queue *q);

/*
 * One more record acknowledged: the one of @bytes bytes (newline
 * included) that ends at @end. Segments wholly acknowledged are removed,
 * after the cursor is saved. Returns 0 or -errno (from saving the cursor).
 */
int sq_ack(struct sink_queue *q, const struct sq_pos *end, size_t bytes);

/* Write the cursor file if it moved. Returns 0 or -errno. */
int sq_save_cursor(struct sink_queue *q);

void sq_set_limits(struct sink_queue *q, uint64_t max_bytes,
		   unsigned int sync_every);

/* Save the cursor and close. Safe to call twice. */
void sq_close(struct sink_queue *q);

#endif /* BPFAUDIT_SINK_QUEUE_H */
