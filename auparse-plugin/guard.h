/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guard's logic, pure: from the events of auditd's stream (reduced to
 * struct guard_event) and the clock, decide when the bpfaudit bridge looks
 * down or tampered with: its heartbeat stopped, its BPF programs were
 * unloaded, or an exec, module load or connect was logged by one of kernel
 * audit and bpfaudit but not by the other. No I/O: alerts go to a
 * callback, time comes from the caller.
 */
#ifndef BPFAUDIT_GUARD_H
#define BPFAUDIT_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUARD_MAX_IDS		256	/* BPF program ids per event */
#define GUARD_MAX_KEYS		32
#define GUARD_KEY_MAX		256	/* AUDIT_MAX_KEY_LEN */
#define GUARD_PATH_MAX		4096

struct guard_config {
	unsigned int heartbeat_timeout;	/* s, 0 = not watched */
	unsigned int window;		/* s */
	char keys[GUARD_MAX_KEYS][GUARD_KEY_MAX + 1];
	unsigned int nkeys;		/* 0: no matching */
	unsigned int max_pending;	/* events waiting, per side */
	char log_file[GUARD_PATH_MAX];	/* "" for none */
	char pid_file[GUARD_PATH_MAX];	/* "" for none */
	char node[256];			/* "" for any */
	bool syslog;
};

/* What an event of the stream means to the guard. */
enum guard_kind {
	GK_OTHER,
	GK_SYSCALL,	/* exec, module load or connect */
	GK_START,	/* bpfauditd's DAEMON_START */
	GK_HEARTBEAT,	/* bpfauditd's heartbeat */
	GK_END,		/* a DAEMON_END (bpfauditd's if pid matches) */
	GK_UNLOAD,	/* kernel BPF op=UNLOAD records */
};

enum guard_side { GUARD_KERNEL, GUARD_BPFAUDIT };

struct guard_event {
	enum guard_kind kind;
	enum guard_side side;		/* GK_SYSCALL */
	uint64_t time_ms;		/* the records' msg=audit() time */
	uint32_t pid;			/* the process, or the daemon's */
	unsigned int syscall;
	char key[GUARD_KEY_MAX + 1];	/* joined by \001, "" for none */
	uint32_t ids[GUARD_MAX_IDS];	/* program ids (START, HEARTBEAT,
					 * UNLOAD) */
	unsigned int nids;
};

enum guard_alert {
	GA_HEARTBEAT_LOST,
	GA_HEARTBEAT_RESUMED,	/* a notice, not an alert */
	GA_PROGS_UNLOADED,
	GA_STOPPED,
	GA_MISSING_BPFAUDIT,	/* kernel logged it, bpfaudit did not */
	GA_MISSING_KERNEL,	/* bpfaudit logged it, the kernel did not */
	GA_OVERFLOW,		/* too many waiting: some went unchecked */
	GA_LATE,		/* a notice: the counterpart of a reported
				 * event came after all */
};

typedef void (*guard_alert_fn)(void *ctx, enum guard_alert a,
			       const char *text);

struct guard_pending {
	uint64_t time_ms;	/* the event's */
	uint64_t seen_ms;	/* when it arrived */
	uint32_t pid;
	unsigned int syscall;
	bool expected;		/* under a configured key: must match */
	bool reported;		/* missing, reported: kept a while */
	char key[64];		/* for the alert text */
};

struct guard_queue {
	struct guard_pending *e;
	unsigned int head, len, cap;
};

struct guard {
	struct guard_config cfg;
	guard_alert_fn alert;
	void *ctx;
	uint64_t last_beat_ms;	/* arrival of the last sign of life */
	bool beat_lost;
	bool stopped;		/* DAEMON_END: quiet until a start */
	uint32_t daemon_pid;
	uint32_t progs[GUARD_MAX_IDS];
	unsigned int nprogs;
	bool unload_reported;
	bool overflow_reported;
	struct guard_queue side[2];
};

/* The alert's name in the log ("heartbeat_lost", ...). */
const char *guard_alert_name(enum guard_alert a);

int guard_init(struct guard *g, const struct guard_config *cfg,
	       guard_alert_fn alert, void *ctx, uint64_t now_ms);
/* A reload: new settings, the state kept (pending events may be cut). */
int guard_reconfigure(struct guard *g, const struct guard_config *cfg);
void guard_free(struct guard *g);

void guard_feed(struct guard *g, const struct guard_event *ev,
		uint64_t now_ms);
/* Checks the deadlines: call about once a second. */
void guard_tick(struct guard *g, uint64_t now_ms);
/* bpfauditd's programs found otherwise (its /proc fdinfo). */
void guard_set_progs(struct guard *g, uint32_t pid, const uint32_t *ids,
		     unsigned int n);

/* Whether the raw key value (keys joined by \001) holds a configured key. */
bool guard_key_wanted(const struct guard_config *cfg, const char *key);
/* exec, module load or connect (x86_64 numbers). */
bool guard_syscall_watched(unsigned int nr);
const char *guard_syscall_name(unsigned int nr);

/* The configuration file: "key = value" lines (see audisp-bpfaudit(8)). */
void guard_config_defaults(struct guard_config *c);
int guard_config_parse(const char *name, const char *text, size_t len,
		       struct guard_config *c, char *err, size_t errlen);
int guard_config_load(const char *path, struct guard_config *c, char *err,
		      size_t errlen);

#endif
