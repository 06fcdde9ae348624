/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfauditd's disk actions, as auditd's: space_left and admin_space_left
 * checked after writes, disk_full and disk_error acted on when a write
 * fails, logging suspended until SIGUSR2 or "bpfauditctl resume".
 */
#ifndef BPFAUDIT_DISK_H
#define BPFAUDIT_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

struct daemon;
struct strbuf;

/* What a disk action answers to, named as its *_action key. */
enum disk_event {
	DISK_EV_SPACE_LEFT,
	DISK_EV_ADMIN_SPACE_LEFT,
	DISK_EV_FULL,
	DISK_EV_ERROR,
	DISK_EV_MAX,
};

/* Records stamped while none could be written, kept for the next write. */
#define DISK_HELD_MAX	2048

struct disk_guard {
	bool suspended;			/* no writes until resumed */
	enum disk_event cause;		/* what suspended them */
	bool fired[DISK_EV_MAX];	/* action taken, not re-armed yet */
	unsigned int error_warnings;	/* disk_error_action syslog: 5 */
	int pending_err;		/* -errno of a failed write to act on */
	const char *pending_op;		/* what failed: "write", ... */
	bool check_space;		/* a write went through: check space */
	bool acting;			/* in an action: its writes act later */
	unsigned long long log_errors;	/* logfile errors already acted on */
	char held[DISK_HELD_MAX];
	size_t held_len;
	unsigned int held_events;
};

/*
 * Write d->out to the log: all of it, or as many whole events as fit, or,
 * while logging is suspended, nothing. Counts what was written and lost;
 * what the outcome calls for is done by disk_act(), once d->out is empty.
 */
void disk_write_log(struct daemon *d);

/* Take the actions the last disk_write_log() called for. */
void disk_act(struct daemon *d);

/* @op ("rotate", ...) failed with -errno @err: disk_full or disk_error. */
void disk_failed(struct daemon *d, const char *op, int err);

/* After a reload: the space thresholds are checked afresh. */
void disk_reload(struct daemon *d);

/* The logging state lines of bpfauditctl status. */
void disk_status(struct daemon *d, struct strbuf *out);

/*
 * Resume logging, as auditd on SIGUSR2: reopen the log if an exec action
 * closed it, re-arm every action, write a DAEMON_RESUME record and the
 * losses. Returns 0, -1 if the log could not be reopened, 1 if logging was
 * suspended again at once (still no space).
 */
int daemon_resume(struct daemon *d);

/*
 * The programs of exec actions must exist, be executable regular files,
 * owned by root and writable by root only. Returns 0 or -1 with @err set.
 */
int disk_check_programs(const struct bpfaudit_config *c, char *err,
			size_t errlen);

#endif /* BPFAUDIT_DISK_H */
