// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditd's log file, kept like auditd keeps audit.log: each write is one
 * or more whole records that either all land or are cut back off, flushed per
 * the flush mode, and rotated to audit.log.1, .2, ... when it grows too big.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <syslog.h>
#include <unistd.h>

#include "logfile.h"

#define MIB		(1024ULL * 1024ULL)

static int __attribute__((format(printf, 4, 5)))
set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Collect sync failures the flusher thread counted since last time. */
static void fold_async_errors(struct logfile *lf)
{
	if (!lf->flusher.running)
		return;
	lf->stats.errors += __atomic_exchange_n(&lf->flusher.errors, 0,
						__ATOMIC_RELAXED);
}

/*
 * flush = incremental_async: a thread that fdatasyncs a dup of the log fd
 * whenever logfile_write() asks, so the writer never waits for the disk.
 * Requests that arrive while a sync runs are coalesced into one. The thread
 * owns the dup it syncs, so rotation may close the main fd at any time.
 */
static void *flusher_main(void *arg)
{
	struct logfile_flusher *f = arg;
	int fd;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		while (f->pending_fd < 0 && !f->stop)
			pthread_cond_wait(&f->cond, &f->lock);
		if (f->pending_fd < 0)
			break;		/* stopping, nothing left to sync */
		fd = f->pending_fd;
		f->pending_fd = -1;
		pthread_mutex_unlock(&f->lock);
		if (fdatasync(fd))
			__atomic_add_fetch(&f->errors, 1, __ATOMIC_RELAXED);
		close(fd);
		pthread_mutex_lock(&f->lock);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* Returns 0 or -errno; on failure the caller syncs synchronously instead. */
static int flusher_start(struct logfile_flusher *f)
{
	sigset_t all, old;
	int ret;

	f->pending_fd = -1;
	f->stop = false;
	f->errors = 0;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	/* The daemon's signals must never be delivered to this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&f->thread, NULL, flusher_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		pthread_cond_destroy(&f->cond);
		pthread_mutex_destroy(&f->lock);
		return -ret;
	}
	f->running = true;
	return 0;
}

/* Let the thread finish the pending sync, if any, then reap it. */
static void flusher_stop(struct logfile_flusher *f)
{
	if (!f->running)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
}

static int flusher_kick(struct logfile_flusher *f, int fd)
{
	int dup_fd, old;

	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return -errno;
	pthread_mutex_lock(&f->lock);
	old = f->pending_fd;
	f->pending_fd = dup_fd;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	if (old >= 0)
		close(old);	/* superseded by the newer request */
	return 0;
}

/*
 * Create the log's directory if it is missing: only the last component, so
 * a mistyped path does not build a tree. An existing directory is left as is.
 */
static int make_log_dir(const struct logfile *lf, char *err, size_t errlen)
{
	mode_t mode = lf->gid ? 0750 : 0700;
	char dir[PATH_MAX];
	char *slash;

	memcpy(dir, lf->path, sizeof(dir));
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, mode)) {
		if (errno == EEXIST)
			return 0;
		return set_err(err, errlen, -errno, "%s: %s", dir,
			       strerror(errno));
	}
	/* mkdir() honours the umask and gives the creator's group. */
	if (lf->gid && chown(dir, (uid_t)-1, lf->gid))
		return set_err(err, errlen, -errno, "%s: chown: %s", dir,
			       strerror(errno));
	if (chmod(dir, mode))
		return set_err(err, errlen, -errno, "%s: chmod: %s", dir,
			       strerror(errno));
	return 0;
}

/* Give an existing or new log the mode and group the options ask for. */
static int fix_owner(const struct logfile *lf, int fd, const struct stat *st,
		     char *err, size_t errlen)
{
	mode_t mode = lf->gid ? 0640 : 0600;

	/* With mode 0600 the group grants nothing, so gid 0 leaves it be. */
	if (lf->gid && st->st_gid != lf->gid && fchown(fd, (uid_t)-1, lf->gid))
		return set_err(err, errlen, -errno, "%s: fchown: %s", lf->path,
			       strerror(errno));
	if ((st->st_mode & 07777) != mode && fchmod(fd, mode))
		return set_err(err, errlen, -errno, "%s: fchmod: %s", lf->path,
			       strerror(errno));
	return 0;
}

/*
 * Where the last complete record of the log's first @size bytes ends: just
 * past its last newline, or 0. Returns 0 or -errno.
 */
static int last_record_end(const struct logfile *lf, unsigned long long size,
			   unsigned long long *end)
{
	unsigned long long pos = size;
	char buf[4096], *nl = NULL;
	size_t n = 0;
	int fd, ret = 0;

	fd = open(lf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (pos && !nl) {
		ssize_t got;

		n = pos < sizeof(buf) ? pos : sizeof(buf);
		got = pread(fd, buf, n, pos - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)n) {
			ret = got < 0 ? -errno : -EIO;
			goto out;
		}
		nl = memrchr(buf, '\n', n);
		pos -= n;
	}
	*end = nl ? pos + (nl - buf) + 1 : 0;
out:
	close(fd);
	return ret;
}

/*
 * A log that does not end in a newline ends in a partial record, left by a
 * crash in the middle of a write: cut it off, so that the next record does
 * not run on from it. If that fails, the next write tries again first.
 */
static void cut_partial_tail(struct logfile *lf, int fd,
			     unsigned long long *size)
{
	unsigned long long end;
	int ret;

	if (!*size)
		return;
	ret = last_record_end(lf, *size, &end);
	if (ret) {
		syslog(LOG_WARNING, "%s: cannot check its last record: %s",
		       lf->path, strerror(-ret));
		return;
	}
	if (end == *size)
		return;
	if (lf->truncate_fn(fd, end)) {
		syslog(LOG_ERR, "%s: cannot cut off a partial record: %s",
		       lf->path, strerror(errno));
		lf->cut_pending = true;
	} else {
		syslog(LOG_WARNING, "%s: cut off a partial record of %llu bytes"
		       " at its end", lf->path, *size - end);
		lf->stats.cuts++;
	}
	*size = end;
}

/* Open the live log. Returns the fd and its size, or -errno. */
static int open_log(struct logfile *lf, unsigned long long *size,
		    char *err, size_t errlen)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
	struct stat st;
	int fd, ret;

	if (lf->flush == FLUSH_DATA)
		flags |= O_DSYNC;
	else if (lf->flush == FLUSH_SYNC)
		flags |= O_SYNC;
	fd = open(lf->path, flags, lf->gid ? 0640 : 0600);
	if (fd < 0)
		return set_err(err, errlen, -errno, "%s: %s", lf->path,
			       strerror(errno));
	if (fstat(fd, &st)) {
		ret = set_err(err, errlen, -errno, "%s: fstat: %s", lf->path,
			      strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = set_err(err, errlen, -EINVAL, "%s: not a regular file",
			      lf->path);
		goto fail;
	}
	ret = fix_owner(lf, fd, &st, err, errlen);
	if (ret)
		goto fail;
	*size = st.st_size;
	lf->cut_pending = false;
	cut_partial_tail(lf, fd, size);
	return fd;
fail:
	close(fd);
	return ret;
}

int logfile_open(struct logfile *lf, const struct logfile_options *opt,
		 char *err, size_t errlen)
{
	size_t n = opt->path ? strlen(opt->path) : 0;
	int ret;

	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	lf->write_fn = write;
	lf->truncate_fn = ftruncate;
	if (!n || opt->path[0] != '/')
		return set_err(err, errlen, -EINVAL,
			       "log file '%s' is not an absolute path",
			       opt->path ? opt->path : "");
	if (n >= sizeof(lf->path))
		return set_err(err, errlen, -ENAMETOOLONG, "%s: %s", opt->path,
			       strerror(ENAMETOOLONG));
	memcpy(lf->path, opt->path, n + 1);
	lf->gid = opt->gid;
	lf->flush = opt->flush;
	lf->freq = opt->freq;
	lf->max_bytes = opt->max_log_file * MIB;
	lf->num_logs = opt->num_logs;
	lf->action = opt->max_log_file_action;

	ret = make_log_dir(lf, err, errlen);
	if (ret)
		return ret;
	ret = open_log(lf, &lf->size, err, errlen);
	if (ret < 0)
		return ret;
	lf->fd = ret;
	/* Without the thread, incremental_async degrades to incremental. */
	if (lf->flush == FLUSH_INCREMENTAL_ASYNC && lf->freq &&
	    flusher_start(&lf->flusher))
		syslog(LOG_WARNING, "%s: no flusher thread, flushing synchronously",
		       lf->path);
	return 0;
}

/* Reopen the live log after a failed reopen; cheap when it is open. */
static int ensure_open(struct logfile *lf)
{
	int fd;

	if (lf->fd >= 0)
		return 0;
	fd = open_log(lf, &lf->size, NULL, 0);
	if (fd < 0) {
		lf->stats.errors++;
		return fd;
	}
	lf->fd = fd;
	return 0;
}

/*
 * Cut the log back to lf->size, the end of its last whole record. On
 * failure the cut stays pending: the next write or rotation retries it
 * first, and nothing is appended until it succeeds.
 */
static int cut_back(struct logfile *lf)
{
	int ret;

	if (!lf->truncate_fn(lf->fd, lf->size)) {
		lf->cut_pending = false;
		lf->stats.cuts++;
		return 0;
	}
	ret = -errno;
	lf->stats.errors++;
	if (!lf->cut_pending)
		syslog(LOG_ERR, "%s: cannot cut off a partial record: %s;"
		       " nothing is written until it is", lf->path,
		       strerror(-ret));
	lf->cut_pending = true;
	return ret;
}

static int finish_cut(struct logfile *lf)
{
	return lf->cut_pending ? cut_back(lf) : 0;
}

/* Name of log @n: 0 is the live log, else "audit.log.N"; or -ENAMETOOLONG. */
static int log_name(const struct logfile *lf, unsigned int n,
		    char *buf, size_t size)
{
	int len;

	if (n == 0)
		len = snprintf(buf, size, "%s", lf->path);
	else
		len = snprintf(buf, size, "%s.%u", lf->path, n);
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Rename log @from to @to. A missing @from is fine. */
static int rename_log(const struct logfile *lf, unsigned int from,
		      unsigned int to)
{
	char src[PATH_MAX + 16], dst[PATH_MAX + 16];
	int ret;

	ret = log_name(lf, from, src, sizeof(src));
	if (ret)
		return ret;
	ret = log_name(lf, to, dst, sizeof(dst));
	if (ret)
		return ret;
	if (rename(src, dst) && errno != ENOENT) {
		ret = -errno;
		syslog(LOG_ERR, "rename %s to %s: %s", src, dst, strerror(-ret));
		return ret;
	}
	return 0;
}

/* Highest N such that .1 to .N all exist (keep_logs has no cap). */
static unsigned int count_rotated(const struct logfile *lf)
{
	char name[PATH_MAX + 16];
	struct stat st;
	unsigned int n;

	for (n = 1; n < UINT_MAX; n++) {
		if (log_name(lf, n, name, sizeof(name)) ||
		    lstat(name, &st))
			break;
	}
	return n - 1;
}

/* Move the live log to .1 and every older one up by one. */
static int shift_logs(const struct logfile *lf)
{
	char oldest[PATH_MAX + 16];
	unsigned int top, i;
	int ret;

	if (lf->action == SIZE_KEEP_LOGS) {
		top = count_rotated(lf);
	} else {
		top = lf->num_logs - 2;
		ret = log_name(lf, lf->num_logs - 1, oldest, sizeof(oldest));
		if (ret)
			return ret;
		if (unlink(oldest) && errno != ENOENT)
			return -errno;
	}
	for (i = top; i >= 1; i--) {
		ret = rename_log(lf, i, i + 1);
		if (ret)
			return ret;
	}
	return rename_log(lf, 0, 1);
}

/* num_logs 0 or 1 with rotate: there is nowhere to keep the old records. */
static int truncate_log(struct logfile *lf)
{
	int ret = ensure_open(lf);

	if (ret)
		return ret;
	if (ftruncate(lf->fd, 0)) {
		lf->stats.errors++;
		return -errno;
	}
	lf->size = 0;
	lf->cut_pending = false;
	return 0;
}

/* Swap to a fresh live log; on failure writes retry the open later. */
static int reopen_log(struct logfile *lf)
{
	char err[PATH_MAX + 128];
	unsigned long long size = 0;
	int fd;

	fd = open_log(lf, &size, err, sizeof(err));
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
	if (fd < 0) {
		syslog(LOG_ERR, "reopening log after rotation: %s", err);
		return fd;
	}
	lf->fd = fd;
	lf->size = size;
	return 0;
}

int logfile_rotate(struct logfile *lf)
{
	int ret;

	fold_async_errors(lf);
	if (lf->fd >= 0 && finish_cut(lf))
		syslog(LOG_ERR, "%s: rotated with a partial record at its end",
		       lf->path);
	if (lf->fd >= 0 && fdatasync(lf->fd))
		lf->stats.errors++;
	if (lf->action != SIZE_KEEP_LOGS && lf->num_logs < 2) {
		ret = truncate_log(lf);
	} else {
		ret = shift_logs(lf);
		if (!ret)
			ret = reopen_log(lf);
		if (ret)
			lf->stats.errors++;
	}
	if (ret)
		return ret;
	lf->unsynced = 0;
	lf->warned = false;
	lf->stats.rotations++;
	return 0;
}

/*
 * Apply max_log_file_action before writing @len more bytes. Returns 0 to go
 * on with the write or -ENOSPC to drop it. A failed rotation does not drop
 * the record: it is written to whatever log is open, over the limit.
 */
static int check_size(struct logfile *lf, size_t len)
{
	if (!lf->max_bytes || lf->size + len <= lf->max_bytes) {
		lf->warned = false;
		return 0;
	}
	switch (lf->action) {
	case SIZE_IGNORE:
		return 0;
	case SIZE_SYSLOG:
	case SIZE_SUSPEND:
		if (!lf->warned)
			syslog(LOG_WARNING, "%s reached max_log_file (%llu MiB)%s",
			       lf->path, lf->max_bytes / MIB,
			       lf->action == SIZE_SUSPEND ?
			       ", suspending logging" : "");
		lf->warned = true;
		if (lf->action == SIZE_SYSLOG)
			return 0;
		lf->stats.dropped_writes++;
		return -ENOSPC;
	case SIZE_ROTATE:
	case SIZE_KEEP_LOGS:
		/* A record bigger than the limit goes alone into a new log. */
		if (lf->size)
			logfile_rotate(lf);
		return 0;
	}
	return 0;
}

/* Write all of @buf; *@done says how much went in, also on failure. */
static int write_all(struct logfile *lf, const char *buf, size_t len,
		     size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = lf->write_fn(lf->fd, buf + *done, len - *done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		*done += n;
	}
	return 0;
}

/* After every freq-th write in the incremental modes, sync. */
static void after_write(struct logfile *lf)
{
	if (lf->flush != FLUSH_INCREMENTAL &&
	    lf->flush != FLUSH_INCREMENTAL_ASYNC)
		return;
	if (!lf->freq || ++lf->unsynced < lf->freq)
		return;
	lf->unsynced = 0;
	if (lf->flusher.running) {
		if (flusher_kick(&lf->flusher, lf->fd))
			lf->stats.errors++;
		return;
	}
	if (fdatasync(lf->fd))
		lf->stats.errors++;
}

/* The size before the write is re-read, so external truncation is fine. */
static int refresh_size(struct logfile *lf)
{
	struct stat st;

	if (fstat(lf->fd, &st)) {
		lf->stats.errors++;
		return -errno;
	}
	lf->size = st.st_size;
	return 0;
}

int logfile_write(struct logfile *lf, const char *buf, size_t len)
{
	size_t done;
	int ret;

	if (!len)
		return 0;
	if (buf[len - 1] != '\n')
		return -EINVAL;
	fold_async_errors(lf);
	ret = ensure_open(lf);
	if (ret)
		return ret;
	ret = finish_cut(lf);		/* before the size is read again */
	if (ret)
		return ret;
	ret = refresh_size(lf);
	if (ret)
		return ret;
	ret = check_size(lf, len);
	if (ret)
		return ret;
	ret = ensure_open(lf);		/* rotation may have failed to reopen */
	if (ret)
		return ret;
	ret = write_all(lf, buf, len, &done);
	if (ret) {
		/* Cut off the part that made it: no torn record, ever. */
		lf->stats.errors++;
		if (done)
			cut_back(lf);
		return ret;
	}
	lf->size += len;
	lf->stats.writes++;
	lf->stats.bytes += len;
	after_write(lf);
	return 0;
}

int logfile_flush(struct logfile *lf)
{
	fold_async_errors(lf);
	if (lf->fd < 0)
		return -EBADF;
	lf->unsynced = 0;
	if (fdatasync(lf->fd)) {
		lf->stats.errors++;
		return -errno;
	}
	return 0;
}

void logfile_close(struct logfile *lf)
{
	flusher_stop(&lf->flusher);
	fold_async_errors(lf);
	lf->flusher.running = false;
	if (lf->fd < 0)
		return;
	if (fdatasync(lf->fd))
		lf->stats.errors++;
	close(lf->fd);
	lf->fd = -1;
}

const struct logfile_stats *logfile_stats(const struct logfile *lf)
{
	return &lf->stats;
}

int logfile_space(const struct logfile *lf, unsigned long long *avail,
		  unsigned long long *total)
{
	char dir[PATH_MAX];
	struct statvfs st;
	char *slash;

	if (lf->fd >= 0) {
		if (fstatvfs(lf->fd, &st))
			return -errno;
	} else {
		memcpy(dir, lf->path, sizeof(dir));
		slash = strrchr(dir, '/');
		if (!slash)
			return -EBADF;
		slash[slash == dir] = '\0';
		if (statvfs(dir, &st))
			return -errno;
	}
	*avail = (unsigned long long)st.f_bavail * st.f_frsize;
	*total = (unsigned long long)st.f_blocks * st.f_frsize;
	return 0;
}
