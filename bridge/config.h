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

#ifndef BPFAUDIT_RULES_DIR
#define BPFAUDIT_RULES_DIR	"/etc/bpfaudit/rules.d"
#endif

#ifndef BPFAUDIT_PLUGIN_DIR
#define BPFAUDIT_PLUGIN_DIR	"/etc/bpfaudit/plugins.d"
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

/* space_left_action and the other disk actions, as in auditd.conf. */
enum disk_action {
	DISK_IGNORE,
	DISK_SYSLOG,
	DISK_ROTATE,
	DISK_EXEC,
	DISK_SUSPEND,
	DISK_SINGLE,
	DISK_HALT,
};

/* An action, and for exec the program it runs. */
struct disk_action_conf {
	enum disk_action action;
	char exe[4096];			/* absolute, for DISK_EXEC only */
};

/* space_left, admin_space_left: MiB, or a percentage of the file system. */
struct disk_space {
	unsigned long value;
	bool percent;			/* value is 1 to 99 (%) */
};

enum attach_mode {
	ATTACH_AUTO,
	ATTACH_LSM,
	ATTACH_FENTRY,
	ATTACH_TRACEPOINT,
};

/* Where records go: bpfauditd's own log, or auditd (sink_auditd.h). */
enum sink_kind {
	SINK_FILE,
	SINK_AUDITD,
};

/* node= in records sent to auditd, as auditd.conf's name_format. */
enum name_format {
	NAME_FORMAT_NONE,
	NAME_FORMAT_HOSTNAME,
	NAME_FORMAT_FQD,
	NAME_FORMAT_NUMERIC,
	NAME_FORMAT_USER,
};

/* What a full auditd queue does to new records. */
enum queue_full_action {
	QUEUE_FULL_IGNORE,
	QUEUE_FULL_SYSLOG,
	QUEUE_FULL_SUSPEND,
};

/* events: one bit per event kind, bit i for enum ba_kind i + 1. */
#define EVENTS_ALL	0xffu

struct bpfaudit_config {
	char log_file[4096];		/* absolute path of the log */
	char log_group[64];		/* group name or number, resolved at open */
	enum flush_mode flush;
	unsigned int freq;		/* records between explicit flushes */
	unsigned long max_log_file;	/* MiB, 0 = no limit */
	unsigned int num_logs;
	enum size_action max_log_file_action;
	struct disk_space space_left;
	struct disk_action_conf space_left_action;
	struct disk_space admin_space_left;
	struct disk_action_conf admin_space_left_action;
	struct disk_action_conf disk_full_action;
	struct disk_action_conf disk_error_action;
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
	char rules_dir[4096];		/* absolute: *.rules, merged */
	char plugin_dir[4096];		/* absolute: auditd plugins.d format */
	char pin_dir[4096];		/* absolute, in bpffs: the pinned set */
	unsigned int max_restarts;	/* of a plugin that dies */
	unsigned int plugin_queue_mem;	/* MiB queued per plugin */
	unsigned int heartbeat_interval; /* s, 0 = none */
	enum sink_kind sink;
	char auditd_host[256];		/* name or address of auditd's listener */
	unsigned int auditd_port;	/* its tcp_listen_port */
	unsigned int auditd_local_port;	/* source port, 0 = any */
	enum name_format name_format;
	char name[256];			/* node name for name_format = user */
	unsigned int auditd_queue_max;	/* MiB of records waiting for auditd */
	enum queue_full_action auditd_queue_full_action;
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
const char *disk_action_name(enum disk_action a);
const char *attach_mode_name(enum attach_mode m);
const char *sink_kind_name(enum sink_kind k);

#endif /* BPFAUDIT_CONFIG_H */
