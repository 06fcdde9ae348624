/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfauditd's running state, shared by the main loop, the daemon's own
 * records (start, stop, loss, ...), and the control socket.
 */
#ifndef BPFAUDIT_DAEMON_H
#define BPFAUDIT_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "disk.h"
#include "enrich.h"
#include "loader.h"
#include "logfile.h"
#include "plugins.h"
#include "promise.h"
#include "lookup.h"
#include "rulebank.h"
#include "rules.h"
#include "serial.h"
#include "sink_auditd.h"
#include "strbuf.h"

/* Losses the daemon itself causes or sees, beside the kernel's. */
enum daemon_loss {
	DLOSS_WRITE,		/* events whose log write failed */
	DLOSS_SERIAL,		/* events with no serial (state dir failing) */
	DLOSS_MALFORMED,	/* ring records that made no sense */
	DLOSS_PLUGIN,		/* events a plugin's full queue refused */
	DLOSS_SUSPENDED,	/* events dropped while logging is suspended */
	DLOSS_CRASH,		/* taken from the ring by a daemon that died */
	DLOSS_MAX,
};

/* Every counter that a loss record reports, as last reported. */
struct loss_snapshot {
	uint64_t kernel[BA_LOSS_SLOTS];
	uint64_t partial[BA_KIND_MAX][PARTIAL_DRAIN + 1];
	uint64_t daemon[DLOSS_MAX];
};

struct daemon {
	struct bpfaudit_config cfg;
	const char *config_path;
	bool foreground;
	struct logfile log;
	bool log_open;
	struct disk_guard disk;		/* disk actions, suspension (disk.c) */
	struct serial_source serial;
	struct loader loader;
	struct promise_table *promises;
	struct enrich *enrich;
	struct strbuf out;		/* formatted, not yet written */
	unsigned int out_events;	/* events in out */
	/* ring events settled (in out, or counted lost) since the last
	 * flush: the pinned bookkeeping counts them accounted after it */
	uint64_t out_hdrs;
	uint64_t crash_after;		/* tests: SIGKILL at that header */
	int64_t boot_to_real_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	uint64_t events_written;
	uint64_t records_written;
	uint64_t daemon_loss[DLOSS_MAX];
	struct loss_snapshot reported;
	uint64_t last_loss_check_ns;
	uint64_t started_ns;
	int control_fd;
	gid_t control_gid;
	struct ruleset rules;		/* running, as parsed */
	bool rules_present;		/* a rule set is configured */
	bool rules_locked;		/* -e 2: no change until reboot */
	uint32_t rules_mode;		/* enum ba_rules_mode in the kernel */
	struct keytab keys;		/* key ids events carry */
	struct rulebank *bank;		/* the running set, compiled */
	uint64_t watch_changes_seen;	/* the BPF side's watch_changes */
	struct lookup_stats lookups;	/* failed path calls looked up */
	struct plugins plugins;		/* plugin_dir's, run by the daemon */
	uint64_t last_heartbeat_ns;
	struct sink_auditd *sink;	/* sink = auditd, else NULL */
};

uint64_t now_monotonic_ns(void);
void daemon_msg(const struct daemon *d, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Daemon records (report.c). */
void report_start(struct daemon *d);
void report_stop(struct daemon *d);
void report_config(struct daemon *d, bool restart_needed);
void report_rotate(struct daemon *d);
/* Writes a loss record for every counter that moved since the last one. */
void report_loss(struct daemon *d);
void report_status(struct daemon *d, struct strbuf *out);
void report_summary(struct daemon *d, struct strbuf *out);
/* A heartbeat record when heartbeat_interval has passed since the last. */
void report_heartbeat(struct daemon *d, uint64_t now_ns);
/* Appends a whole daemon record with the next serial, stamped now. */
void report_record(struct daemon *d, const char *type, const char *body);
/* DAEMON_ERR of a disk action: @fields ("op=... action=..."), who, res. */
void report_disk(struct daemon *d, const char *fields);
/* DAEMON_RESUME op=resume-logging, saying what had suspended logging. */
void report_resume(struct daemon *d, const char *suspended_by);

/* Output (bpfauditd.c). */
void daemon_flush_output(struct daemon *d);
/* Open the log per d->cfg; 0, or -1 with @err set. */
int daemon_open_log(struct daemon *d, char *err, size_t errlen);

/* A group name, or a number (control.c). */
int resolve_group(const char *name, gid_t *gid);

/* The rule set (rulectl.c). */
int rules_start(struct daemon *d, char *err, size_t errlen);
int rules_reload(struct daemon *d, char *err, size_t errlen);
int rules_apply_text(struct daemon *d, const char *name, const char *text,
		     size_t len, struct strbuf *warn, char *err, size_t errlen);
void rules_status(struct daemon *d, struct strbuf *out);
/* Refuses file watches when the watch source is not running. */
int rules_check_sources(struct daemon *d, const struct rulebank *rb,
			char *err, size_t errlen);
/* Looks watched paths up again when their directories changed. */
void rules_watch_refresh(struct daemon *d);
void rules_stop(struct daemon *d);

/* Control socket (control.c). */
int control_open(struct daemon *d, char *err, size_t errlen);
void control_serve(struct daemon *d);
void control_close(struct daemon *d);
int daemon_rotate(struct daemon *d);
int daemon_reload(struct daemon *d);

#endif
