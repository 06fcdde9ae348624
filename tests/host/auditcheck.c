// SPDX-License-Identifier: GPL-2.0
/*
 * Reads an audit log with libauparse, the judge of whether records parse.
 *   auditcheck parse LOG        every event parses; prints counts
 *   auditcheck argv LOG PID     the argv of PID's EXECVE, as the workload
 *                               manifest writes it (hex, comma-separated)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <auparse.h>
#include <libaudit.h>

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : toupper(c) - 'A' + 10;
}

/* A field value as the kernel encodes it: "quoted" or hex. Print as hex. */
static void put_value_hex(const char *v)
{
	size_t n = strlen(v), i;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		for (i = 1; i < n - 1; i++)
			printf("%02X", (unsigned char)v[i]);
		return;
	}
	for (i = 0; i + 1 < n; i += 2)
		printf("%02X", hexval(v[i]) * 16 + hexval(v[i + 1]));
}

static int cmd_parse(auparse_state_t *au)
{
	unsigned long events = 0, records = 0;

	while (auparse_next_event(au) > 0) {
		events++;
		do {
			records++;
			if (auparse_first_field(au) <= 0) {
				fprintf(stderr, "record without fields: %s\n",
					auparse_get_record_text(au));
				return 1;
			}
		} while (auparse_next_record(au) > 0);
	}
	printf("events=%lu records=%lu\n", events, records);
	return events ? 0 : 1;
}

static int event_has_pid(auparse_state_t *au, const char *pid)
{
	const char *v;

	auparse_first_record(au);
	if (!auparse_find_field(au, "pid"))
		return 0;
	v = auparse_get_field_str(au);
	return v && !strcmp(v, pid);
}

/* Positions the cursor on the first field of the first EXECVE record;
 * auparse_find_field() then searches it and the records after it. */
static int goto_execve(auparse_state_t *au)
{
	auparse_first_record(au);
	do {
		if (auparse_get_type(au) == AUDIT_EXECVE)
			return auparse_first_field(au) > 0;
	} while (auparse_next_record(au) > 0);
	return 0;
}

/* Prints each argument of the EXECVE records: aN, or aN_len + aN[i]. */
static void print_argv(auparse_state_t *au)
{
	int argc = -1, arg;

	if (goto_execve(au) && auparse_find_field(au, "argc"))
		argc = atoi(auparse_get_field_str(au));
	for (arg = 0; arg < argc; arg++) {
		char name[32];
		int piece;

		if (arg)
			putchar(',');
		snprintf(name, sizeof(name), "a%d", arg);
		if (goto_execve(au) && auparse_find_field(au, name)) {
			put_value_hex(auparse_get_field_str(au));
			continue;
		}
		for (piece = 0;; piece++) {
			snprintf(name, sizeof(name), "a%d[%d]", arg, piece);
			if (!goto_execve(au) || !auparse_find_field(au, name))
				break;
			put_value_hex(auparse_get_field_str(au));
		}
	}
	putchar('\n');
}

static int cmd_argv(auparse_state_t *au, const char *pid)
{
	while (auparse_next_event(au) > 0) {
		int has_execve = 0;

		if (!event_has_pid(au, pid))
			continue;
		auparse_first_record(au);
		do {
			has_execve |= auparse_get_type(au) == AUDIT_EXECVE;
		} while (auparse_next_record(au) > 0);
		if (!has_execve)
			continue;
		print_argv(au);
		return 0;
	}
	fprintf(stderr, "no EXECVE for pid %s\n", pid);
	return 1;
}

int main(int argc, char **argv)
{
	auparse_state_t *au;
	int ret;

	if (argc < 3 || (!strcmp(argv[1], "argv") && argc != 4)) {
		fprintf(stderr, "usage: auditcheck parse LOG | argv LOG PID\n");
		return 2;
	}
	au = auparse_init(AUSOURCE_FILE, argv[2]);
	if (!au) {
		perror(argv[2]);
		return 1;
	}
	if (!strcmp(argv[1], "parse"))
		ret = cmd_parse(au);
	else
		ret = cmd_argv(au, argv[3]);
	auparse_destroy(au);
	return ret;
}
