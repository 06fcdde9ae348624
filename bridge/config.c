// SPDX-License-Identifier: GPL-2.0
/*
 * Parser for bpfauditd.conf: auditd.conf-style "key = value" lines, checked
 * against one table of keys that gives each key's type, range and field.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "textfile.h"

/* A configuration file bigger than this is surely not one. */
#define CONFIG_MAX_FILE		(1024 * 1024)

enum key_type {
	KT_PATH,	/* absolute path, stored in a char array */
	KT_NAME,	/* free-form word, stored in a char array */
	KT_UINT,	/* decimal number within [min, max] */
	KT_POW2,	/* KT_UINT that must also be a power of two */
	KT_ENUM,	/* one of names[], case-insensitive, stored as its index */
	KT_SET,		/* names[] separated by commas or spaces, stored as bits */
	KT_LOG_FORMAT,	/* accepted for auditd.conf familiarity: RAW only */
	KT_SPACE,	/* MiB within [min, max], or 1% to 99% */
	KT_ACTION,	/* a disk action of names[] in mask, or exec PATH */
};

struct key_desc {
	const char *name;
	enum key_type type;
	size_t off;		/* of the field in struct bpfaudit_config */
	size_t size;		/* of that field */
	unsigned long min;
	unsigned long max;
	const char *const *names; /* KT_ENUM, KT_SET, KT_ACTION; NULL-ended */
	unsigned int mask;	/* KT_ACTION: the names[] allowed, 0 = all */
};

struct parse_ctx {
	const char *name;	/* file name for messages */
	unsigned int line;
	char *err;
	size_t errlen;
};

static const char *const flush_names[] = {
	[FLUSH_NONE] = "none",
	[FLUSH_INCREMENTAL] = "incremental",
	[FLUSH_INCREMENTAL_ASYNC] = "incremental_async",
	[FLUSH_DATA] = "data",
	[FLUSH_SYNC] = "sync",
	NULL,
};

static const char *const size_action_names[] = {
	[SIZE_IGNORE] = "ignore",
	[SIZE_SYSLOG] = "syslog",
	[SIZE_SUSPEND] = "suspend",
	[SIZE_ROTATE] = "rotate",
	[SIZE_KEEP_LOGS] = "keep_logs",
	NULL,
};

/* In the order of enum ba_kind: bit i is kind i + 1. */
static const char *const event_names[] = {
	"exec", "mmap", "socket", "bpf", "cred", "ptrace", "module", "watch",
	NULL,
};

static const char *const attach_names[] = {
	[ATTACH_AUTO] = "auto",
	[ATTACH_LSM] = "lsm",
	[ATTACH_FENTRY] = "fentry",
	[ATTACH_TRACEPOINT] = "tracepoint",
	NULL,
};

static const char *const sink_names[] = {
	[SINK_FILE] = "file",
	[SINK_AUDITD] = "auditd",
	NULL,
};

static const char *const name_format_names[] = {
	[NAME_FORMAT_NONE] = "none",
	[NAME_FORMAT_HOSTNAME] = "hostname",
	[NAME_FORMAT_FQD] = "fqd",
	[NAME_FORMAT_NUMERIC] = "numeric",
	[NAME_FORMAT_USER] = "user",
	NULL,
};

static const char *const disk_action_names[] = {
	[DISK_IGNORE] = "ignore",
	[DISK_SYSLOG] = "syslog",
	[DISK_ROTATE] = "rotate",
	[DISK_EXEC] = "exec",
	[DISK_SUSPEND] = "suspend",
	[DISK_SINGLE] = "single",
	[DISK_HALT] = "halt",
	NULL,
};

/* auditd.conf allows every action but rotate for disk_error_action. */
#define DISK_ACTIONS_ALL	0x7fu
#define DISK_ACTIONS_ERROR	(DISK_ACTIONS_ALL & ~(1u << DISK_ROTATE))

static const char *const queue_full_names[] = {
	[QUEUE_FULL_IGNORE] = "ignore",
	[QUEUE_FULL_SYSLOG] = "syslog",
	[QUEUE_FULL_SUSPEND] = "suspend",
	NULL,
};

/* Enums are stored through store_number(), which writes unsigned ints. */
_Static_assert(sizeof(enum sink_kind) == sizeof(unsigned int), "enum size");
_Static_assert(sizeof(enum name_format) == sizeof(unsigned int), "enum size");
_Static_assert(sizeof(enum queue_full_action) == sizeof(unsigned int),
	       "enum size");
_Static_assert(sizeof(enum flush_mode) == sizeof(unsigned int), "enum size");
_Static_assert(sizeof(enum size_action) == sizeof(unsigned int), "enum size");
_Static_assert(sizeof(enum attach_mode) == sizeof(unsigned int), "enum size");
_Static_assert(DISK_HALT < 8 * sizeof(unsigned int), "disk action mask");

#define FIELD(f)	.off = offsetof(struct bpfaudit_config, f), \
			.size = sizeof(((struct bpfaudit_config *)0)->f)
#define K_TEXT(n, t, f)	{ .name = n, .type = t, FIELD(f) }
#define K_NUM(n, t, f, lo, hi) \
			{ .name = n, .type = t, FIELD(f), .min = lo, .max = hi }
#define K_ENUM(n, f, tbl) { .name = n, .type = KT_ENUM, FIELD(f), .names = tbl }
#define K_SET(n, f, tbl) { .name = n, .type = KT_SET, FIELD(f), .names = tbl }
#define K_SPACE(n, f)	{ .name = n, .type = KT_SPACE, FIELD(f), .min = 0, \
			  .max = INT_MAX }
#define K_ACTION(n, f, m) { .name = n, .type = KT_ACTION, FIELD(f), \
			    .names = disk_action_names, .mask = m }

static const struct key_desc keys[] = {
	K_TEXT("log_file", KT_PATH, log_file),
	{ .name = "log_format", .type = KT_LOG_FORMAT },
	K_TEXT("log_group", KT_NAME, log_group),
	K_ENUM("flush", flush, flush_names),
	K_NUM("freq", KT_UINT, freq, 0, INT_MAX),
	K_NUM("max_log_file", KT_UINT, max_log_file, 0, 4095),
	K_NUM("num_logs", KT_UINT, num_logs, 0, 999),
	K_ENUM("max_log_file_action", max_log_file_action, size_action_names),
	K_SPACE("space_left", space_left),
	K_ACTION("space_left_action", space_left_action, DISK_ACTIONS_ALL),
	K_SPACE("admin_space_left", admin_space_left),
	K_ACTION("admin_space_left_action", admin_space_left_action,
		 DISK_ACTIONS_ALL),
	K_ACTION("disk_full_action", disk_full_action, DISK_ACTIONS_ALL),
	K_ACTION("disk_error_action", disk_error_action, DISK_ACTIONS_ERROR),
	K_ENUM("attach_mode", attach_mode, attach_names),
	K_SET("events", events, event_names),
	K_NUM("argv_max", KT_UINT, argv_max, 4096, 16777216),
	K_NUM("ringbuf_size", KT_POW2, ringbuf_size, 1, 1024),
	K_NUM("promise_timeout", KT_UINT, promise_timeout, 10, 600000),
	K_NUM("promise_max_mem", KT_UINT, promise_max_mem, 1, 4096),
	K_NUM("loss_report_interval", KT_UINT, loss_report_interval, 1, 3600),
	K_TEXT("state_dir", KT_PATH, state_dir),
	K_TEXT("control_socket", KT_PATH, control_socket),
	K_TEXT("control_group", KT_NAME, control_group),
	K_TEXT("rules_dir", KT_PATH, rules_dir),
	K_TEXT("plugin_dir", KT_PATH, plugin_dir),
	K_TEXT("pin_dir", KT_PATH, pin_dir),
	K_NUM("max_restarts", KT_UINT, max_restarts, 0, 65535),
	K_NUM("plugin_queue_mem", KT_UINT, plugin_queue_mem, 1, 1024),
	K_NUM("heartbeat_interval", KT_UINT, heartbeat_interval, 0, 86400),
	K_ENUM("sink", sink, sink_names),
	K_TEXT("auditd_host", KT_NAME, auditd_host),
	K_NUM("auditd_port", KT_UINT, auditd_port, 1, 65535),
	K_NUM("auditd_local_port", KT_UINT, auditd_local_port, 0, 65535),
	K_ENUM("name_format", name_format, name_format_names),
	K_TEXT("name", KT_NAME, name),
	K_NUM("auditd_queue_max", KT_UINT, auditd_queue_max, 1, 1048576),
	K_ENUM("auditd_queue_full_action", auditd_queue_full_action,
	       queue_full_names),
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Settings a running daemon cannot change: they shape what was loaded,
 * opened or allocated at start-up. */
static const char *const restart_only[] = {
	"log_group", "attach_mode", "events", "argv_max", "ringbuf_size",
	"promise_timeout", "promise_max_mem", "state_dir", "control_socket",
	"control_group", "sink", "auditd_host", "auditd_port",
	"auditd_local_port", "name_format", "name", "pin_dir",
};

bool config_keep_restart_only(struct bpfaudit_config *next,
			      const struct bpfaudit_config *running)
{
	bool changed = false;
	size_t i, r;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key_desc *k = &keys[i];
		char *dst = (char *)next + k->off;
		const char *src = (const char *)running + k->off;

		for (r = 0; r < ARRAY_SIZE(restart_only); r++)
			if (!strcmp(k->name, restart_only[r]))
				break;
		if (r == ARRAY_SIZE(restart_only))
			continue;
		if (k->type == KT_PATH || k->type == KT_NAME)
			changed |= strcmp(dst, src) != 0;
		else
			changed |= memcmp(dst, src, k->size) != 0;
		memcpy(dst, src, k->size);
	}
	return changed;
}

static const char *enum_name(const char *const *names, size_t n, unsigned int v)
{
	if (v >= n - 1)		/* n counts the NULL terminator */
		return "unknown";
	return names[v];
}

const char *flush_mode_name(enum flush_mode m)
{
	return enum_name(flush_names, ARRAY_SIZE(flush_names), m);
}

const char *size_action_name(enum size_action a)
{
	return enum_name(size_action_names, ARRAY_SIZE(size_action_names), a);
}

const char *sink_kind_name(enum sink_kind k)
{
	return enum_name(sink_names, ARRAY_SIZE(sink_names), k);
}

const char *disk_action_name(enum disk_action a)
{
	return enum_name(disk_action_names, ARRAY_SIZE(disk_action_names), a);
}

const char *attach_mode_name(enum attach_mode m)
{
	return enum_name(attach_names, ARRAY_SIZE(attach_names), m);
}

static void set_string(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void config_defaults(struct bpfaudit_config *c)
{
	memset(c, 0, sizeof(*c));
	set_string(c->log_file, sizeof(c->log_file), "/var/log/bpfaudit/audit.log");
	set_string(c->log_group, sizeof(c->log_group), "root");
	c->flush = FLUSH_INCREMENTAL_ASYNC;
	c->freq = 50;
	c->max_log_file = 8;
	c->num_logs = 5;
	c->max_log_file_action = SIZE_ROTATE;
	c->space_left.value = 75;
	c->space_left_action.action = DISK_SYSLOG;
	c->admin_space_left.value = 50;
	c->admin_space_left_action.action = DISK_SUSPEND;
	c->disk_full_action.action = DISK_SUSPEND;
	c->disk_error_action.action = DISK_SUSPEND;
	c->attach_mode = ATTACH_AUTO;
	c->events = EVENTS_ALL;
	c->argv_max = 1048576;
	c->ringbuf_size = 16;
	c->promise_timeout = 2000;
	c->promise_max_mem = 64;
	c->loss_report_interval = 5;
	set_string(c->state_dir, sizeof(c->state_dir), "/var/lib/bpfaudit");
	set_string(c->control_socket, sizeof(c->control_socket),
		   "/run/bpfaudit/bpfauditd.sock");
	set_string(c->control_group, sizeof(c->control_group), "root");
	set_string(c->rules_dir, sizeof(c->rules_dir), BPFAUDIT_RULES_DIR);
	set_string(c->plugin_dir, sizeof(c->plugin_dir), BPFAUDIT_PLUGIN_DIR);
	set_string(c->pin_dir, sizeof(c->pin_dir), "/sys/fs/bpf/bpfaudit");
	c->max_restarts = 10;
	c->plugin_queue_mem = 8;
	c->heartbeat_interval = 30;
	c->sink = SINK_FILE;
	set_string(c->auditd_host, sizeof(c->auditd_host), "127.0.0.1");
	c->auditd_port = 60;
	c->auditd_local_port = 0;
	c->name_format = NAME_FORMAT_HOSTNAME;
	c->auditd_queue_max = 64;
	c->auditd_queue_full_action = QUEUE_FULL_SYSLOG;
}

/* Format "NAME:LINE: reason" into the caller's buffer; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
fail(const struct parse_ctx *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static const struct key_desc *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

/*
 * Plain decimal only: no sign, no base prefix, no trailing text.
 * Returns 0, -EINVAL for "not a number" or -ERANGE on overflow.
 */
static int parse_number(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	for (p = s; *p; p++) {
		unsigned int d = *p - '0';

		if (v > (ULONG_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static void store_number(void *field, size_t size, unsigned long v)
{
	if (size == sizeof(unsigned long)) {
		memcpy(field, &v, size);
	} else {
		unsigned int u = v;

		memcpy(field, &u, sizeof(u));
	}
}

static int set_number(const struct parse_ctx *p, const struct key_desc *k,
		      const char *val, void *field)
{
	unsigned long v;
	int ret;

	ret = parse_number(val, &v);
	if (ret == -EINVAL)
		return fail(p, "%s: '%s' is not a number", k->name, val);
	if (ret || v < k->min || v > k->max)
		return fail(p, "%s: %s is out of range %lu..%lu",
			    k->name, val, k->min, k->max);
	if (k->type == KT_POW2 && (v & (v - 1)))
		return fail(p, "%s: %s is not a power of two", k->name, val);
	store_number(field, k->size, v);
	return 0;
}

static bool name_allowed(const struct key_desc *k, unsigned int i)
{
	return !k->mask || (k->mask & (1u << i));
}

/* The index of val in k->names, or -1 after reporting the choices. */
static int name_index(const struct parse_ctx *p, const struct key_desc *k,
		      const char *val)
{
	char list[256];
	size_t used = 0;
	unsigned int i;

	for (i = 0; k->names[i]; i++)
		if (name_allowed(k, i) && !strcasecmp(k->names[i], val))
			return i;
	list[0] = '\0';
	for (i = 0; k->names[i] && used < sizeof(list); i++)
		if (name_allowed(k, i))
			used += snprintf(list + used, sizeof(list) - used,
					 "%s%s", used ? ", " : "", k->names[i]);
	return fail(p, "%s: '%s' is not one of %s", k->name, val, list);
}

static int set_enum(const struct parse_ctx *p, const struct key_desc *k,
		    const char *val, void *field)
{
	int i = name_index(p, k, val);

	if (i < 0)
		return -1;
	store_number(field, k->size, i);
	return 0;
}

static int set_bits(const struct parse_ctx *p, const struct key_desc *k,
		    const char *val, void *field)
{
	char copy[CONFIG_MAX_LINE + 1], *tok, *save;
	unsigned int bits = 0;
	int i;

	snprintf(copy, sizeof(copy), "%s", val);
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		i = name_index(p, k, tok);
		if (i < 0)
			return -1;
		bits |= 1u << i;
	}
	if (!bits)
		return fail(p, "%s: missing value", k->name);
	store_number(field, k->size, bits);
	return 0;
}

static int set_text(const struct parse_ctx *p, const struct key_desc *k,
		    const char *val, char *field)
{
	size_t n = strlen(val);

	if (k->type == KT_PATH && val[0] != '/')
		return fail(p, "%s: '%s' is not an absolute path", k->name, val);
	if (n >= k->size)
		return fail(p, "%s: value is longer than %zu bytes",
			    k->name, k->size - 1);
	memcpy(field, val, n + 1);
	return 0;
}

/* "75" (MiB, within [min, max]) or "25%" (1% to 99%), as in auditd.conf. */
static int set_space(const struct parse_ctx *p, const struct key_desc *k,
		     const char *val, void *field)
{
	char num[CONFIG_MAX_LINE + 1];
	unsigned long lo = k->min, hi = k->max;
	size_t n = strlen(val);
	struct disk_space sp;
	int ret;

	memset(&sp, 0, sizeof(sp));	/* padding too: configs are compared */
	sp.percent = n && val[n - 1] == '%';
	if (sp.percent) {
		n--;
		lo = 1;
		hi = 99;
	}
	memcpy(num, val, n);
	num[n] = '\0';
	ret = parse_number(num, &sp.value);
	if (ret == -EINVAL)
		return fail(p, "%s: '%s' is neither a number of MiB nor a"
			    " percentage such as 25%%", k->name, val);
	if (ret || sp.value < lo || sp.value > hi)
		return fail(p, "%s: %s is out of range %lu..%lu%s", k->name,
			    val, lo, hi, sp.percent ? "%" : "");
	memcpy(field, &sp, sizeof(sp));
	return 0;
}

/* The program of "exec PROGRAM": one absolute path, no arguments. */
static int set_exe(const struct parse_ctx *p, const struct key_desc *k,
		   const char *arg, char *exe, size_t size)
{
	size_t n = strlen(arg);

	if (!n)
		return fail(p, "%s: exec needs the absolute path of a program",
			    k->name);
	if (arg[0] != '/')
		return fail(p, "%s: '%s' is not an absolute path", k->name,
			    arg);
	if (arg[strcspn(arg, " \t")])
		return fail(p, "%s: exec runs one program, without arguments",
			    k->name);
	if (n >= size)
		return fail(p, "%s: path is longer than %zu bytes", k->name,
			    size - 1);
	memcpy(exe, arg, n + 1);
	return 0;
}

/* An action of k->names allowed by k->mask, or "exec PROGRAM". */
static int set_action(const struct parse_ctx *p, const struct key_desc *k,
		      const char *val, void *field)
{
	struct disk_action_conf a = { 0 };
	char word[CONFIG_MAX_LINE + 1];
	size_t n = strcspn(val, " \t");
	const char *arg = val + n + strspn(val + n, " \t");
	int i;

	memcpy(word, val, n);
	word[n] = '\0';
	if (!strcasecmp(word, "email"))
		return fail(p, "%s: email is not supported, bpfauditd sends no"
			    " mail (exec a program that does)", k->name);
	i = name_index(p, k, word);
	if (i < 0)
		return -1;
	a.action = i;
	if (a.action == DISK_EXEC &&
	    set_exe(p, k, arg, a.exe, sizeof(a.exe)))
		return -1;
	if (a.action != DISK_EXEC && *arg)
		return fail(p, "%s: '%s' takes no argument", k->name, word);
	memcpy(field, &a, sizeof(a));
	return 0;
}

static int set_value(const struct parse_ctx *p, const struct key_desc *k,
		     const char *val, struct bpfaudit_config *c)
{
	char *field = (char *)c + k->off;

	switch (k->type) {
	case KT_PATH:
	case KT_NAME:
		return set_text(p, k, val, field);
	case KT_UINT:
	case KT_POW2:
		return set_number(p, k, val, field);
	case KT_ENUM:
		return set_enum(p, k, val, field);
	case KT_SET:
		return set_bits(p, k, val, field);
	case KT_SPACE:
		return set_space(p, k, val, field);
	case KT_ACTION:
		return set_action(p, k, val, field);
	case KT_LOG_FORMAT:
		if (strcasecmp(val, "raw"))
			return fail(p, "%s: '%s' is not supported, only RAW is",
				    k->name, val);
		return 0;
	}
	return fail(p, "%s: internal error: bad key type", k->name);
}

/* Parse one NUL-terminated line (without its newline), modified in place. */
static int parse_line(const struct parse_ctx *p, char *line,
		      struct bpfaudit_config *c)
{
	const struct key_desc *k;
	char *key, *val, *eq;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return fail(p, "missing '=' in '%s'", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!*key)
		return fail(p, "missing key before '='");
	k = find_key(key);
	if (!k)
		return fail(p, "unknown key '%s'", key);
	if (!*val)
		return fail(p, "%s: missing value", key);
	return set_value(p, k, val, c);
}

static bool same_space(const struct disk_space *a, const struct disk_space *b)
{
	return a->value == b->value && a->percent == b->percent;
}

/*
 * As auditd requires, space_left must be larger than admin_space_left, when
 * both are in the same unit and space_left is not 0 (no check).
 */
static int check_space_order(const struct parse_ctx *p,
			     const struct bpfaudit_config *c)
{
	const struct disk_space *s = &c->space_left, *a = &c->admin_space_left;
	const char *unit = s->percent ? "%" : " MiB";

	if (s->percent != a->percent || !s->value || s->value > a->value)
		return 0;
	return fail(p, "space_left (%lu%s) must be larger than"
		    " admin_space_left (%lu%s)", s->value, unit, a->value, unit);
}

int config_parse_buffer(const char *name, const char *text, size_t len,
			struct bpfaudit_config *c, char *err, size_t errlen)
{
	struct parse_ctx p = { .name = name, .err = err, .errlen = errlen };
	struct bpfaudit_config tmp = *c;
	char line[CONFIG_MAX_LINE + 1];
	unsigned int space_line = 0;	/* last to change a space limit */
	size_t pos = 0;

	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		struct disk_space sl, al;

		p.line++;
		pos += n + (nl ? 1 : 0);
		if (n > CONFIG_MAX_LINE)
			return fail(&p, "line is longer than %d bytes",
				    CONFIG_MAX_LINE);
		if (memchr(start, '\0', n))
			return fail(&p, "line contains a NUL byte");
		memcpy(line, start, n);
		line[n] = '\0';
		sl = tmp.space_left;
		al = tmp.admin_space_left;
		if (parse_line(&p, line, &tmp))
			return -1;
		if (!same_space(&sl, &tmp.space_left) ||
		    !same_space(&al, &tmp.admin_space_left))
			space_line = p.line;
	}
	p.line = space_line;
	if (space_line && check_space_order(&p, &tmp))
		return -1;
	*c = tmp;
	return 0;
}

int config_parse_file(const char *path, struct bpfaudit_config *c,
		      char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (textfile_read(path, CONFIG_MAX_FILE, &buf, &len, err,
			  errlen))
		return -1;
	ret = config_parse_buffer(path, buf, len, c, err, errlen);
	free(buf);
	return ret;
}
