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
#include "enrich.h"
#include "loader.h"
#include "logfile.h"
#include "promise.h"
#include "serial.h"
#include "strbuf.h"

/* Losses the daemon itself causes or sees, beside the kernel's. */
enum daemon_loss {
	DLOSS_WRITE,		/* events whose log write failed */
	DLOSS_SERIAL,		/* events with no serial (state dir failing) */
	DLOSS_MALFORMED,	/* ring records that made no sense */
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
	struct serial_source serial;
	struct loader loader;
	struct promise_table *promises;
	struct enrich *enrich;
	struct strbuf out;		/* formatted, not yet written */
	unsigned int out_events;	/* events in out */
	int64_t boot_to_real_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	uint64_t events_written;
	uint64_t records_written;
	uint64_t daemon_loss[DLOSS_MAX];
	struct loss_snapshot reported;
	uint64_t last_loss_check_ns;
	uint64_t started_ns;
	int control_fd;
	gid_t control_gid;
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
/* Appends a whole daemon record with the next serial, stamped now. */
void report_record(struct daemon *d, const char *type, const char *body);

/* Output (bpfauditd.c). */
void daemon_flush_output(struct daemon *d);

/* A group name, or a number (control.c). */
int resolve_group(const char *name, gid_t *gid);

/* Control socket (control.c). */
int control_open(struct daemon *d, char *err, size_t errlen);
void control_serve(struct daemon *d);
void control_close(struct daemon *d);
int daemon_rotate(struct daemon *d);
int daemon_reload(struct daemon *d);

#endif
