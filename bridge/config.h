/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration of bpfauditd: the in-memory form of bpfauditd.conf and the
 * parser for its auditd.conf-style "key = value" syntax.
 */
#ifndef BPFAUDIT_CONFIG_H
#define BPFAUDIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#ifndef BPFAUDIT_CONFIG_FILE
#define BPFAUDIT_CONFIG_FILE	"/etc/bpfaudit/bpfauditd.conf"
#endif

/* Longest accepted line, not counting its newline. */
#define CONFIG_MAX_LINE		4096

enum flush_mode {
	FLUSH_NONE,
	FLUSH_INCREMENTAL,
	FLUSH_INCREMENTAL_ASYNC,
	FLUSH_DATA,
	FLUSH_SYNC,
};

enum size_action {
	SIZE_IGNORE,
	SIZE_SYSLOG,
	SIZE_SUSPEND,
	SIZE_ROTATE,
	SIZE_KEEP_LOGS,
};

enum attach_mode {
	ATTACH_AUTO,
	ATTACH_LSM,
	ATTACH_FENTRY,
	ATTACH_TRACEPOINT,
};

/* events: one bit per event kind, bit i for enum ba_kind i + 1. */
#define EVENTS_ALL	0x7fu

struct bpfaudit_config {
	char log_file[4096];		/* absolute path of the log */
	char log_group[64];		/* group name or number, resolved at open */
	enum flush_mode flush;
	unsigned int freq;		/* records between explicit flushes */
	unsigned long max_log_file;	/* MiB, 0 = no limit */
	unsigned int num_logs;
	enum size_action max_log_file_action;
	enum attach_mode attach_mode;
	unsigned int events;		/* kinds captured, EVENTS_ALL by default */
	unsigned long argv_max;		/* bytes of argv captured per exec */
	unsigned int ringbuf_size;	/* MiB, power of two */
	unsigned int promise_timeout;	/* ms */
	unsigned int promise_max_mem;	/* MiB */
	unsigned int loss_report_interval; /* s */
	char state_dir[4096];		/* absolute */
	char control_socket[4096];	/* absolute */
	char control_group[64];
};

/* Fill @c with the built-in defaults. */
void config_defaults(struct bpfaudit_config *c);

/*
 * Parse @len bytes of @text on top of the values already in @c (call
 * config_defaults() first for a fresh configuration). @name is used in
 * error messages as "NAME:LINE: reason". Returns 0, or -1 with @err filled;
 * on error @c is left unchanged.
 */
int config_parse_buffer(const char *name, const char *text, size_t len,
			struct bpfaudit_config *c, char *err, size_t errlen);

/* Read and parse @path like config_parse_buffer(). */
int config_parse_file(const char *path, struct bpfaudit_config *c,
		      char *err, size_t errlen);

/*
 * Puts the running value of every setting only a restart can change back
 * into @next (for a reload); returns whether any of them differed.
 */
bool config_keep_restart_only(struct bpfaudit_config *next,
			      const struct bpfaudit_config *running);

/* Configuration-file spelling of each enum value ("unknown" if out of range). */
const char *flush_mode_name(enum flush_mode m);
const char *size_action_name(enum size_action a);
const char *attach_mode_name(enum attach_mode m);

#endif /* BPFAUDIT_CONFIG_H */
