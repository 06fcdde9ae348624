// SPDX-License-Identifier: GPL-2.0
/*
 * From an event of auditd's stream, as libauparse hands it over, to what
 * the guard needs (struct guard_event): a watched syscall and its side
 * (bpfaudit's SYSCALL records carry bpfaudit's extra cgroup_id field, the
 * kernel's never do), bpfauditd's start, heartbeat and end, and the
 * kernel's BPF op=UNLOAD records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard_event.h"

#define ARCH_X86_64	0xc000003eul

/* Field @name of the current record only; NULL if it has none. */
static const char *field(auparse_state_t *au, const char *name)
{
	unsigned int rec = auparse_get_record_num(au);
	const char *v;

	auparse_first_field(au);
	v = auparse_find_field(au, name);
	if (v && auparse_get_record_num(au) == rec)
		return v;
	auparse_goto_record_num(au, rec);
	return NULL;
}

static unsigned long number(auparse_state_t *au, const char *name, int base)
{
	const char *v = field(au, name);

	return v ? strtoul(v, NULL, base) : 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void guard_decode_key(const char *raw, char *out, size_t size)
{
	size_t n = 0, len = strlen(raw);

	out[0] = '\0';
	if (!strcmp(raw, "(null)") || !size)
		return;
	if (raw[0] == '"') {
		snprintf(out, size, "%.*s", len > 1 ? (int)len - 2 : 0,
			 raw + 1);
		return;
	}
	/* several keys: joined by \001, written in hex by the kernel */
	for (; raw[0] && raw[1] && n + 1 < size; raw += 2) {
		int hi = hex_value(raw[0]), lo = hex_value(raw[1]);

		if (hi < 0 || lo < 0)
			break;
		out[n++] = hi << 4 | lo;
	}
	out[n] = '\0';
}

/* "12,13,14" or "(none)" into ids[]. */
static void parse_ids(const char *v, struct guard_event *ev)
{
	char *end;

	while (v && *v >= '0' && *v <= '9' && ev->nids < GUARD_MAX_IDS) {
		ev->ids[ev->nids++] = strtoul(v, &end, 10);
		v = *end == ',' ? end + 1 : NULL;
	}
}

static void on_syscall(auparse_state_t *au, struct guard_event *ev)
{
	const char *key = field(au, "key");

	if (number(au, "arch", 16) != ARCH_X86_64)
		return;
	ev->syscall = number(au, "syscall", 10);
	ev->pid = number(au, "pid", 10);
	ev->side = field(au, "cgroup_id") ? GUARD_BPFAUDIT : GUARD_KERNEL;
	if (key)
		guard_decode_key(key, ev->key, sizeof(ev->key));
	if (guard_syscall_watched(ev->syscall))
		ev->kind = GK_SYSCALL;
}

static void on_daemon(auparse_state_t *au, const char *type,
		      struct guard_event *ev)
{
	const char *op = field(au, "op");

	ev->pid = number(au, "pid", 10);
	if (!strcmp(type, "DAEMON_END")) {
		ev->kind = GK_END;
	} else if (!strcmp(type, "DAEMON_START") && field(au, "prog_ids")) {
		ev->kind = GK_START;
		parse_ids(field(au, "prog_ids"), ev);
	} else if (!strcmp(type, "DAEMON_RESUME") && op &&
		   !strcmp(op, "heartbeat")) {
		ev->kind = GK_HEARTBEAT;
		parse_ids(field(au, "prog_ids"), ev);
	}
}

/* Collects the ids of the BPF op=UNLOAD records (kernel side only). */
static void on_bpf(auparse_state_t *au, uint32_t *ids, unsigned int *n)
{
	const char *op = field(au, "op");

	if (op && !strcmp(op, "UNLOAD") && *n < GUARD_MAX_IDS)
		ids[(*n)++] = number(au, "prog-id", 10);
}

static bool node_wanted(auparse_state_t *au, const char *node)
{
	const char *n;
	bool ok;

	if (!node[0])
		return true;
	n = auparse_get_node(au);
	ok = !n || !strcmp(n, node);
	free((void *)n);
	return ok;
}

void guard_event_read(auparse_state_t *au, const char *node,
		      struct guard_event *ev)
{
	const au_event_t *ts = auparse_get_timestamp(au);
	uint32_t unloaded[GUARD_MAX_IDS];
	unsigned int nunloaded = 0;

	memset(ev, 0, sizeof(*ev));
	if (!ts || !node_wanted(au, node) || auparse_first_record(au) <= 0)
		return;
	ev->time_ms = (uint64_t)ts->sec * 1000 + ts->milli;
	do {
		const char *type = auparse_get_type_name(au);

		if (!type)
			continue;
		if (!strcmp(type, "SYSCALL"))
			on_syscall(au, ev);
		else if (!strncmp(type, "DAEMON_", 7))
			on_daemon(au, type, ev);
		else if (!strcmp(type, "BPF"))
			on_bpf(au, unloaded, &nunloaded);
	} while (auparse_next_record(au) > 0);
	if (nunloaded && ev->side == GUARD_KERNEL) {
		ev->kind = GK_UNLOAD;
		memcpy(ev->ids, unloaded, nunloaded * sizeof(*unloaded));
		ev->nids = nunloaded;
	}
}
