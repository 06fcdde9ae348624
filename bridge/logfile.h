/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfauditd's auditd-format log file: whole-record appends that never leave
 * a torn record, flushing per bpfauditd.conf, and auditd-style rotation.
 */
#ifndef BPFAUDIT_LOGFILE_H
#define BPFAUDIT_LOGFILE_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct logfile_options {
	const char *path;		/* absolute path of the live log */
	gid_t gid;			/* group that may read the logs, 0 = root only */
	enum flush_mode flush;
	unsigned int freq;		/* writes between fdatasync, incremental modes */
	unsigned long max_log_file;	/* MiB, 0 = unlimited */
	unsigned int num_logs;
	enum size_action max_log_file_action;
};

struct logfile_stats {
	unsigned long long writes;	/* successful logfile_write() calls */
	unsigned long long bytes;	/* bytes they wrote */
	unsigned long long rotations;
	unsigned long long dropped_writes; /* refused by max_log_file_action suspend */
	unsigned long long errors;	/* failed write, sync, rotate or reopen */
	unsigned long long cuts;	/* partial records cut back off */
};

/* Background fdatasync for flush = incremental_async. */
struct logfile_flusher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pending_fd;			/* dup of the log to sync, or -1 */
	bool stop;
	bool running;
	unsigned long long errors;	/* failed syncs, folded into stats */
};

/* All fields are private to logfile.c. */
struct logfile {
	int fd;				/* -1 when closed or after a failed reopen */
	char path[PATH_MAX];
	gid_t gid;
	enum flush_mode flush;
	unsigned int freq;
	unsigned long long max_bytes;	/* 0 = unlimited */
	unsigned int num_logs;
	enum size_action action;
	unsigned long long size;	/* of the live file, from fstat */
	unsigned int unsynced;		/* writes since the last fdatasync */
	bool warned;			/* syslog action already reported */
	bool cut_pending;		/* a partial record is past size */
	struct logfile_flusher flusher;
	struct logfile_stats stats;
	/* write(2) and ftruncate(2); tests swap them to inject failures */
	ssize_t (*write_fn)(int fd, const void *buf, size_t len);
	int (*truncate_fn)(int fd, off_t len);
};

/*
 * Open (creating if needed) the log described by @opt, which is copied.
 * A partial record at the end of an existing log (left by a crash) is cut
 * off. Returns 0, or -errno with a message in @err; @lf can then still be
 * passed to logfile_close().
 */
int logfile_open(struct logfile *lf, const struct logfile_options *opt,
		 char *err, size_t errlen);

/*
 * Append @len bytes holding one or more complete newline-terminated records.
 * Either all of them reach the file or none does: what a failed or short
 * write left is cut off again, and if that cut fails it is retried before
 * anything else is written (nothing is appended after a partial record).
 * Returns 0 or -errno: the write's error (-ENOSPC for a full file system),
 * -ENOSPC when max_log_file_action = suspend refused it (dropped_writes
 * counts those), -EINVAL if @buf does not end in a newline.
 */
int logfile_write(struct logfile *lf, const char *buf, size_t len);

/* Rotate now, per num_logs and max_log_file_action. Returns 0 or -errno. */
int logfile_rotate(struct logfile *lf);

/* fdatasync the log now, whatever the flush mode. Returns 0 or -errno. */
int logfile_flush(struct logfile *lf);

/* Stop the flusher, fdatasync and close. Safe to call twice. */
void logfile_close(struct logfile *lf);

const struct logfile_stats *logfile_stats(const struct logfile *lf);

/*
 * Bytes available to the daemon, and the size, of the file system holding
 * the log (statvfs(3) f_bavail and f_blocks). Returns 0 or -errno.
 */
int logfile_space(const struct logfile *lf, unsigned long long *avail,
		  unsigned long long *total);

#endif /* BPFAUDIT_LOGFILE_H */
