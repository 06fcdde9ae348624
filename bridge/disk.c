// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditd's disk actions, as auditd.conf(5) defines them: after each
 * write the free space of the log's file system is checked against
 * space_left and admin_space_left; a write that fails for want of space
 * calls for disk_full_action, any other failure for disk_error_action.
 * Each action is ignore, syslog, rotate, exec PROGRAM, suspend, single or
 * halt. A suspension lasts until SIGUSR2 or "bpfauditctl resume"; what
 * arrives meanwhile is counted as lost, and the trail gets a DAEMON_ERR
 * record for every action and a DAEMON_RESUME record when logging resumes.
 * A write never leaves a partial record (logfile.c); when a buffer does not
 * fit, as many whole events as fit are written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"

#define MIB		(1024ULL * 1024ULL)
#define ERROR_WARNINGS	5	/* disk_error_action syslog, in a row */
#define INIT_PROGRAM	"/sbin/init"

extern char **environ;

static const char *const event_key[DISK_EV_MAX] = {
	[DISK_EV_SPACE_LEFT] = "space_left",
	[DISK_EV_ADMIN_SPACE_LEFT] = "admin_space_left",
	[DISK_EV_FULL] = "disk_full",
	[DISK_EV_ERROR] = "disk_error",
};

/* op= of the DAEMON_ERR record, in auditd's spelling. */
static const char *const event_op[DISK_EV_MAX] = {
	[DISK_EV_SPACE_LEFT] = "space-left",
	[DISK_EV_ADMIN_SPACE_LEFT] = "admin-space-left",
	[DISK_EV_FULL] = "disk-full",
	[DISK_EV_ERROR] = "disk-error",
};

static const struct disk_action_conf *event_action(const struct daemon *d,
						   enum disk_event ev)
{
	switch (ev) {
	case DISK_EV_SPACE_LEFT:
		return &d->cfg.space_left_action;
	case DISK_EV_ADMIN_SPACE_LEFT:
		return &d->cfg.admin_space_left_action;
	case DISK_EV_FULL:
		return &d->cfg.disk_full_action;
	default:
		return &d->cfg.disk_error_action;
	}
}

static unsigned long long count_lines(const char *buf, size_t len)
{
	unsigned long long n = 0;
	const char *p = buf, *end = buf + len;

	while ((p = memchr(p, '\n', end - p))) {
		n++;
		p++;
	}
	return n;
}

/* The "msg=audit(TIME:SERIAL" stamp of the record in [p, eol), or NULL. */
static const char *record_stamp(const char *p, const char *eol, size_t *n)
{
	const char *s = memmem(p, eol - p, "msg=audit(", 10);
	const char *e;

	if (!s)
		return NULL;
	e = memchr(s, ')', eol - s);
	if (!e)
		return NULL;
	*n = e - s;
	return s;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);

	return nl ? nl + 1 : end;
}

/* Where the event starting at @off ends: its records share one stamp. */
static size_t event_end(const char *buf, size_t off, size_t len)
{
	const char *end = buf + len, *eol = line_end(buf + off, end);
	const char *stamp, *next;
	size_t n, m;

	stamp = record_stamp(buf + off, eol, &n);
	while (stamp && eol < end) {
		const char *next_eol = line_end(eol, end);

		next = record_stamp(eol, next_eol, &m);
		if (!next || m != n || memcmp(next, stamp, n))
			break;
		eol = next_eol;
	}
	return eol - buf;
}

/* Write @len bytes holding @events whole events; count them if written. */
static int log_write(struct daemon *d, const char *buf, size_t len,
		     unsigned int events)
{
	int ret = logfile_write(&d->log, buf, len);

	if (ret)
		return ret;
	d->events_written += events;
	d->records_written += count_lines(buf, len);
	return 0;
}

static bool space_error(int err)
{
	return err == -ENOSPC || err == -EDQUOT || err == -EFBIG;
}

/*
 * All of d->out, or when it does not fit, as many whole events as fit, in
 * order, so that the log ends at the last event that was written whole.
 */
static int write_events(struct daemon *d, unsigned int *events)
{
	const char *buf = d->out.buf;
	size_t len = d->out.len, off = 0, end;
	int ret;

	*events = 0;
	ret = log_write(d, buf, len, d->out_events);
	if (!ret) {
		*events = d->out_events;
		return 0;
	}
	if (!space_error(ret))
		return ret;
	while (off < len) {
		end = event_end(buf, off, len);
		ret = log_write(d, buf + off, end - off, 1);
		if (ret)
			return ret;
		(*events)++;
		off = end;
	}
	return 0;
}

/* Records held back go first; nothing passes them. */
static int write_held(struct daemon *d)
{
	struct disk_guard *g = &d->disk;
	int ret;

	if (!g->held_len)
		return 0;
	ret = log_write(d, g->held, g->held_len, g->held_events);
	if (ret)
		return ret;
	g->held_len = 0;
	g->held_events = 0;
	return 0;
}

void disk_write_log(struct daemon *d)
{
	struct disk_guard *g = &d->disk;
	unsigned long long refused = logfile_stats(&d->log)->dropped_writes;
	unsigned int events = 0;
	int ret;

	if (g->suspended) {
		d->daemon_loss[DLOSS_SUSPENDED] += d->out_events;
		return;
	}
	ret = write_held(d);
	if (!ret)
		ret = write_events(d, &events);
	if (d->out_events > events)
		d->daemon_loss[DLOSS_WRITE] += d->out_events - events;
	if (!ret) {
		g->check_space = true;
		return;
	}
	/* max_log_file_action = suspend: logfile.c has said so already */
	if (logfile_stats(&d->log)->dropped_writes != refused)
		return;
	g->pending_err = ret;
	g->pending_op = "write";
}

/* Move d->out into the held records, or count it lost if they are full. */
static void hold(struct daemon *d)
{
	struct disk_guard *g = &d->disk;

	if (d->out.failed || g->held_len + d->out.len > sizeof(g->held)) {
		d->daemon_loss[DLOSS_WRITE] += d->out_events;
	} else {
		memcpy(g->held + g->held_len, d->out.buf, d->out.len);
		g->held_len += d->out.len;
		g->held_events += d->out_events;
	}
	strbuf_reset(&d->out);
	d->out_events = 0;
}

/*
 * The DAEMON_ERR record of an action, written now while there is room,
 * else held for the next write that goes through.
 */
static void note(struct daemon *d, enum disk_event ev, const char *fields)
{
	daemon_flush_output(d);		/* events formatted before it first */
	report_disk(d, fields);
	if (d->disk.suspended || ev == DISK_EV_FULL || ev == DISK_EV_ERROR)
		hold(d);
	else
		daemon_flush_output(d);
}

static void suspend(struct daemon *d, enum disk_event ev)
{
	d->disk.suspended = true;
	d->disk.cause = ev;
}

/* Run @path with @arg (or none), detached, with default signals. */
static void run_program(struct daemon *d, const char *what, const char *path,
			const char *arg)
{
	char *argv[] = { (char *)path, (char *)arg, NULL };
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int ret;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGXFSZ);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
	ret = posix_spawn(&pid, path, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (ret) {
		daemon_msg(d, LOG_ALERT, "%s: cannot run %s: %s", what, path,
			   strerror(ret));
		return;
	}
	daemon_msg(d, LOG_NOTICE, "%s: running %s%s%s (pid %d)", what, path,
		   arg ? " " : "", arg ? arg : "", (int)pid);
}

/* single and halt run "init 1" and "init 0"; tests point it elsewhere. */
static const char *init_program(void)
{
	const char *p = getenv("BPFAUDITD_INIT");

	return p && p[0] == '/' ? p : INIT_PROGRAM;
}

/* The tail of the alert: what is done about it. */
static const char *action_text(const struct disk_action_conf *a)
{
	switch (a->action) {
	case DISK_ROTATE:
		return "; rotating the logs";
	case DISK_EXEC:
		return "; suspending logging and running the action's program";
	case DISK_SUSPEND:
		return "; suspending logging until bpfauditctl resume or"
		       " SIGUSR2";
	case DISK_SINGLE:
		return "; changing the system to single user mode";
	case DISK_HALT:
		return "; halting the system";
	default:
		return "";
	}
}

/* rotate as auditd does it: only when old logs can be removed. */
static void rotate_for_space(struct daemon *d)
{
	if (d->cfg.max_log_file_action != SIZE_KEEP_LOGS &&
	    d->cfg.num_logs < 2) {
		daemon_msg(d, LOG_NOTICE, "not rotating: num_logs is below 2");
		return;
	}
	daemon_rotate(d);
}

/*
 * Take the action configured for @ev: @what is the alert, @fields the
 * details of the DAEMON_ERR record.
 */
static void take_action(struct daemon *d, enum disk_event ev,
			const char *what, const char *fields)
{
	const struct disk_action_conf *a = event_action(d, ev);
	struct disk_guard *g = &d->disk;
	bool was_acting = g->acting;
	char rec[256], key[32];

	snprintf(key, sizeof(key), "%s_action", event_key[ev]);
	if (a->action != DISK_IGNORE || ev == DISK_EV_FULL)
		daemon_msg(d, LOG_ALERT, "%s%s", what, action_text(a));
	if (a->action == DISK_IGNORE)
		return;
	g->acting = true;	/* the action's own writes: checked later */
	snprintf(rec, sizeof(rec), "op=%s action=%s %s", event_op[ev],
		 disk_action_name(a->action), fields);
	note(d, ev, rec);
	switch (a->action) {
	case DISK_ROTATE:
		rotate_for_space(d);
		break;
	case DISK_EXEC:
		/* closed, so that the program may move or compress it */
		suspend(d, ev);
		logfile_close(&d->log);
		d->log_open = false;
		run_program(d, key, a->exe, NULL);
		break;
	case DISK_SUSPEND:
		suspend(d, ev);
		break;
	case DISK_SINGLE:
		run_program(d, key, init_program(), "1");
		break;
	case DISK_HALT:
		run_program(d, key, init_program(), "0");
		break;
	default:
		break;
	}
	g->acting = was_acting;
}

/* space_left or admin_space_left in bytes, for a file system of @total. */
static unsigned long long space_limit(const struct disk_space *s,
				      unsigned long long total)
{
	if (s->percent)	/* exact, and no overflow */
		return total / 100 * s->value + total % 100 * s->value / 100;
	return s->value * MIB;
}

/*
 * One threshold: its action when the free space drops below it, once; the
 * actions that leave logging on (ignore, syslog, rotate) are re-armed when
 * the space is back above it, the others by a resume.
 */
static void check_level(struct daemon *d, enum disk_event ev,
			const struct disk_space *s, unsigned long long avail,
			unsigned long long total)
{
	struct disk_guard *g = &d->disk;
	enum disk_action act = event_action(d, ev)->action;
	unsigned long long limit = space_limit(s, total);
	char what[PATH_MAX + 160], fields[96];

	if (avail >= limit) {
		if (act == DISK_IGNORE || act == DISK_SYSLOG ||
		    act == DISK_ROTATE)
			g->fired[ev] = false;
		return;
	}
	if (g->fired[ev])
		return;
	g->fired[ev] = true;
	snprintf(what, sizeof(what), "%slow on disk space for logging: %llu"
		 " MiB left on the file system of %s, %s is %llu MiB",
		 ev == DISK_EV_ADMIN_SPACE_LEFT ? "very " : "", avail / MIB,
		 d->cfg.log_file, event_key[ev], limit / MIB);
	snprintf(fields, sizeof(fields), "avail_mib=%llu limit_mib=%llu",
		 avail / MIB, limit / MIB);
	take_action(d, ev, what, fields);
}

static void check_space(struct daemon *d)
{
	unsigned long long avail, total;

	if (logfile_space(&d->log, &avail, &total))
		return;	/* as auditd: only a failed write is an error */
	/* room again: a full disk is news again (not at each write) */
	if (avail >= space_limit(&d->cfg.admin_space_left, total))
		d->disk.fired[DISK_EV_FULL] = false;
	check_level(d, DISK_EV_SPACE_LEFT, &d->cfg.space_left, avail, total);
	check_level(d, DISK_EV_ADMIN_SPACE_LEFT, &d->cfg.admin_space_left,
		    avail, total);
}

static void disk_full(struct daemon *d, int err)
{
	struct disk_guard *g = &d->disk;
	char what[PATH_MAX + 80], fields[64];

	if (g->fired[DISK_EV_FULL])
		return;
	g->fired[DISK_EV_FULL] = true;
	snprintf(what, sizeof(what), "no space left on the file system of %s",
		 d->cfg.log_file);
	snprintf(fields, sizeof(fields), "error=%s",
		 strerrorname_np(-err) ?: "unknown");
	take_action(d, DISK_EV_FULL, what, fields);
}

static void disk_error(struct daemon *d, const char *op, int err)
{
	struct disk_guard *g = &d->disk;
	char what[PATH_MAX + 160], fields[96];

	if (d->cfg.disk_error_action.action == DISK_SYSLOG) {
		if (g->error_warnings >= ERROR_WARNINGS)
			return;
		g->error_warnings++;
	} else if (g->fired[DISK_EV_ERROR]) {
		return;
	}
	g->fired[DISK_EV_ERROR] = true;
	snprintf(what, sizeof(what), "error on %s (%s): %s", d->cfg.log_file,
		 op, strerror(-err));
	snprintf(fields, sizeof(fields), "error=%s during=%s",
		 strerrorname_np(-err) ?: "unknown", op);
	take_action(d, DISK_EV_ERROR, what, fields);
}

void disk_failed(struct daemon *d, const char *op, int err)
{
	if (d->log_open)
		d->disk.log_errors = logfile_stats(&d->log)->errors;
	if (err == -ENOSPC || err == -EDQUOT)
		disk_full(d, err);
	else
		disk_error(d, op, err);
}

/* A write went through: re-arm, then look at what it did not say. */
static void after_success(struct daemon *d)
{
	struct disk_guard *g = &d->disk;
	unsigned long long errors = logfile_stats(&d->log)->errors;
	bool more = errors > g->log_errors;

	g->error_warnings = 0;
	g->fired[DISK_EV_ERROR] = false;
	g->log_errors = errors;
	/* a background sync or a rotation by max_log_file failed */
	if (more)
		disk_error(d, "sync-or-rotate", -EIO);
	check_space(d);
}

void disk_act(struct daemon *d)
{
	struct disk_guard *g = &d->disk;
	int err = g->pending_err;

	if (g->acting)
		return;
	if (err) {
		g->pending_err = 0;
		g->check_space = false;
		disk_failed(d, g->pending_op, err);
		return;
	}
	if (!g->check_space)
		return;
	g->check_space = false;
	after_success(d);
}

void disk_reload(struct daemon *d)
{
	d->disk.fired[DISK_EV_SPACE_LEFT] = false;
	d->disk.fired[DISK_EV_ADMIN_SPACE_LEFT] = false;
}

void disk_status(struct daemon *d, struct strbuf *out)
{
	const struct disk_guard *g = &d->disk;
	unsigned long long avail, total;

	strbuf_printf(out, "logging = %s\nlogging.suspended_by = %s\n",
		      g->suspended ? "suspended" : "active",
		      g->suspended ? event_key[g->cause] : "none");
	if (d->cfg.sink != SINK_FILE || logfile_space(&d->log, &avail, &total))
		strbuf_adds(out, "log_space_avail_mib = unknown\n");
	else
		strbuf_printf(out, "log_space_avail_mib = %llu\n", avail / MIB);
}

/* An exec action closed the log: open it again, wherever it went. */
static int reopen(struct daemon *d)
{
	char err[PATH_MAX + 256];

	if (d->log_open)
		return 0;
	logfile_close(&d->log);		/* a rotation meanwhile reopened it */
	errno = 0;
	if (!daemon_open_log(d, err, sizeof(err)))
		return 0;
	daemon_msg(d, LOG_ALERT, "cannot reopen the log to resume logging: %s",
		   err);
	disk_failed(d, "resume", errno ? -errno : -EIO);
	return -1;
}

int daemon_resume(struct daemon *d)
{
	struct disk_guard *g = &d->disk;
	const char *was = g->suspended ? event_key[g->cause] : "none";

	if (d->cfg.sink != SINK_FILE) {
		daemon_msg(d, LOG_INFO, "sink = auditd: no log of its own to"
			   " resume");
		return 0;
	}
	if (reopen(d))
		return -1;
	daemon_msg(d, LOG_NOTICE, "resuming logging (suspended by %s)", was);
	g->suspended = false;
	memset(g->fired, 0, sizeof(g->fired));
	g->error_warnings = 0;
	g->log_errors = logfile_stats(&d->log)->errors;
	report_resume(d, was);
	report_loss(d);
	daemon_flush_output(d);
	return g->suspended ? 1 : 0;
}

static int check_program(const char *key, const char *path, char *err,
			 size_t errlen)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s: %s", key, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR)) {
		snprintf(err, errlen, "%s: %s: not an executable file", key,
			 path);
		return -1;
	}
	if (st.st_uid || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "%s: %s: must be owned by root and"
			 " writable by root only", key, path);
		return -1;
	}
	return 0;
}

int disk_check_programs(const struct bpfaudit_config *c, char *err,
			size_t errlen)
{
	const struct disk_action_conf *a[DISK_EV_MAX] = {
		&c->space_left_action, &c->admin_space_left_action,
		&c->disk_full_action, &c->disk_error_action,
	};
	char key[32];
	int ev;

	for (ev = 0; ev < DISK_EV_MAX; ev++) {
		if (a[ev]->action != DISK_EXEC)
			continue;
		snprintf(key, sizeof(key), "%s_action", event_key[ev]);
		if (check_program(key, a[ev]->exe, err, errlen))
			return -1;
	}
	return 0;
}
