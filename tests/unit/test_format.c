// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/format.c: the records of hand-built events must be
 * exactly what kernel audit writes for the same syscall (modelled on real
 * kernel output), plus bpfaudit's extra fields; path joining; PROCTITLE
 * truncation and trimming (audit_proctitle_rtrim); EXECVE splitting as
 * audit_log_execve_info() does it. Every golden text is also parsed back
 * with libauparse.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <auparse.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "encode.h"
#include "format.h"
#include "golden.h"

#define STAMP6		"msg=audit(1795570250.453:6): "
#define STAMP7		"msg=audit(1795570250.461:7): "
#define STAMP8		"msg=audit(1795570250.470:8): "
#define ROOT_IDS	" auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0" \
			" egid=0 sgid=0 fsgid=0"
#define EXTRAS		" cgroup_id=7281 mntns=4026531841 pidns=4026531836"
#define CAPS		" cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0"
#define EXECVE_PREFIX	"type=EXECVE " STAMP6

static const struct audit_stamp st6 = { GOLDEN_SEC, GOLDEN_MSEC, 6 };
static const struct audit_stamp st7 = { GOLDEN_SEC, 461, 7 };
static const struct audit_stamp st8 = { GOLDEN_SEC, 470, 8 };

/* ---- helpers ----------------------------------------------------- */

/* Formats @ev; returns the text (caller frees) and the record count. */
static char *format(const struct ba_event *ev, const struct audit_stamp *st,
		    int *records)
{
	struct strbuf out;
	char *text;

	strbuf_init(&out);
	*records = format_event(ev, st, &out);
	assert_false(out.failed);
	text = strdup(out.buf ? out.buf : "");
	assert_non_null(text);
	strbuf_free(&out);
	return text;
}

static char *run_execve(const char *argv, size_t len, unsigned int argc,
		    int *records)
{
	struct strbuf out;
	char *text;

	strbuf_init(&out);
	*records = format_execve(&out, &st6, argv, len, argc);
	assert_false(out.failed);
	assert_non_null(out.buf);
	text = strdup(out.buf);
	assert_non_null(text);
	strbuf_free(&out);
	return text;
}

static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		if (*text == '\n')
			n++;
	return n;
}

/* The @n-th line (0-based) of @text without its newline; caller frees. */
static char *line_of(const char *text, int n)
{
	const char *p = text, *e;
	char *l;

	while (n-- > 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	e = strchr(p, '\n');
	assert_non_null(e);
	l = strndup(p, e - p);
	assert_non_null(l);
	return l;
}

/* The PROCTITLE value formatted for a successful exec with @argv. */
static char *proctitle_of_argv(const char *argv, size_t len)
{
	struct ba_event ev;
	char *text, *l, *v;
	int records;

	golden_exec_echo(&ev);
	golden_set_field(&ev, BA_FIELD_ARGV, argv, len);
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 6);
	l = line_of(text, 5);
	assert_memory_equal(l, "type=PROCTITLE " STAMP6 "proctitle=",
			    strlen("type=PROCTITLE " STAMP6 "proctitle="));
	v = strdup(l + strlen("type=PROCTITLE " STAMP6 "proctitle="));
	assert_non_null(v);
	free(l);
	free(text);
	event_free(&ev);
	return v;
}

static void expect_proctitle(const char *argv, size_t len, const char *want)
{
	char *got = proctitle_of_argv(argv, len);
	bool same = !strcmp(got, want);

	if (!same)
		print_error("proctitle=%s, want proctitle=%s\n", got, want);
	free(got);	/* before failing: valgrind-clean either way */
	assert_true(same);
}

static char *hex_of(const char *s, size_t len)
{
	struct strbuf sb;
	char *r;

	strbuf_init(&sb);
	audit_add_hex(&sb, s, len);
	r = strdup(sb.buf ? sb.buf : "");
	assert_non_null(r);
	strbuf_free(&sb);
	return r;
}

/* ---- libauparse -------------------------------------------------- */

struct au_want {
	unsigned int rec;	/* 0-based record in the event */
	const char *name;
	const char *raw;	/* auparse_get_field_str() */
	const char *interp;	/* auparse_interpret_field(), or NULL */
};

/*
 * @text must parse into exactly one event of @ntypes records of the given
 * types, stamped @st, whose fields read back as @want says.
 */
static void check_auparse(const char *text, const struct audit_stamp *st,
			  const char *const *types, unsigned int ntypes,
			  const struct au_want *want, size_t nwant)
{
	auparse_state_t *au = auparse_init(AUSOURCE_BUFFER, text);
	const au_event_t *e;
	unsigned int i;
	size_t k;

	assert_non_null(au);
	assert_int_equal(auparse_next_event(au), 1);
	assert_int_equal(auparse_get_num_records(au), ntypes);
	e = auparse_get_timestamp(au);
	assert_non_null(e);
	assert_int_equal(e->sec, st->sec);
	assert_int_equal(e->milli, st->msec);
	assert_int_equal(e->serial, st->serial);
	for (i = 0; i < ntypes; i++) {
		assert_int_equal(auparse_goto_record_num(au, i), 1);
		assert_non_null(auparse_get_type_name(au));
		assert_string_equal(auparse_get_type_name(au), types[i]);
	}
	for (k = 0; k < nwant; k++) {
		const char *v;

		assert_int_equal(auparse_goto_record_num(au, want[k].rec), 1);
		assert_int_equal(auparse_first_field(au), 1);
		v = auparse_find_field(au, want[k].name);
		if (!v || auparse_get_record_num(au) != want[k].rec)
			fail_msg("field %s not in record %u", want[k].name,
				 want[k].rec);
		assert_string_equal(auparse_get_field_str(au), want[k].raw);
		if (want[k].interp) {
			const char *in = auparse_interpret_field(au);

			assert_non_null(in);
			assert_string_equal(in, want[k].interp);
		}
	}
	assert_int_equal(auparse_next_event(au), 0);
	auparse_destroy(au);
}

/* ---- EXECVE parsing ---------------------------------------------- */

struct parsed_arg {
	char *data;
	size_t len;
	bool pieces;		/* written as aN_len= and aN[i]= */
	bool hex;
	long len_field;		/* aN_len */
	unsigned int npieces;
};

struct parsed_execve {
	unsigned long argc;
	unsigned int nargs;
	struct parsed_arg *args;
	int records;
	long used[64];		/* bytes counted against the 7500 per record */
};

static void arg_append(struct parsed_arg *a, const char *v, size_t vlen,
		       bool *hex)
{
	char *buf = golden_xmalloc(vlen + 1);
	long n;

	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		if (memchr(v + 1, '"', vlen - 2))
			fail_msg("quote inside a quoted value");
		memcpy(buf, v + 1, vlen - 2);
		n = vlen - 2;
		*hex = false;
	} else {
		n = golden_unhex(v, vlen, buf);
		if (n < 0)
			fail_msg("value neither quoted nor hex: %.*s",
				 (int)(vlen > 40 ? 40 : vlen), v);
		*hex = true;
	}
	a->data = realloc(a->data, a->len + n + 1);
	assert_non_null(a->data);
	memcpy(a->data + a->len, buf, n);
	a->len += n;
	a->data[a->len] = '\0';
	free(buf);
}

/*
 * Parses the EXECVE records of @text back into arguments, checking the
 * record layout on the way: every line an EXECVE record with the stamp,
 * arguments in order, pieces numbered from 0 in one encoding.
 */
static void parse_execve(const char *text, struct parsed_execve *p)
{
	const size_t plen = strlen(EXECVE_PREFIX);
	const char *line = text;
	unsigned int cur = 0;
	bool in_pieces = false;

	memset(p, 0, sizeof(*p));
	while (*line) {
		const char *end = strchr(line, '\n'), *q;

		assert_non_null(end);
		if (strncmp(line, EXECVE_PREFIX, plen))
			fail_msg("not an EXECVE record: %.60s", line);
		q = line + plen;
		if (p->records == 0) {
			char *e;

			if (strncmp(q, "argc=", 5))
				fail_msg("first record without argc=");
			p->argc = strtoul(q + 5, &e, 10);
			assert_true(e > q + 5);
			q = e;
			p->args = calloc(p->argc + 1, sizeof(*p->args));
			assert_non_null(p->args);
		}
		assert_true(p->records < 64);
		p->used[p->records++] = end - q;
		while (q < end) {
			const char *eq, *v, *ve;
			unsigned long n, piece = 0;
			int form;	/* 0 aN=, 1 aN_len=, 2 aN[i]= */
			char *e;

			if (q[0] != ' ' || q[1] != 'a')
				fail_msg("bad token at: %.40s", q);
			n = strtoul(q + 2, &e, 10);
			assert_true(e > q + 2);
			if (*e == '=') {
				form = 0;
				eq = e;
			} else if (!strncmp(e, "_len=", 5)) {
				form = 1;
				eq = e + 4;
			} else if (*e == '[') {
				piece = strtoul(e + 1, &e, 10);
				if (strncmp(e, "]=", 2))
					fail_msg("bad piece at: %.40s", q);
				form = 2;
				eq = e + 1;
			} else {
				fail_msg("bad name at: %.40s", q);
				return;
			}
			v = eq + 1;
			ve = memchr(v, ' ', end - v);
			if (!ve)
				ve = end;
			if (in_pieces && n != cur) {
				in_pieces = false;
				cur++;
			}
			if (n != cur)
				fail_msg("argument a%lu where a%u was due", n,
					 cur);
			assert_true(n < p->argc);
			if (form == 0) {
				bool hex;

				assert_false(in_pieces);
				arg_append(&p->args[n], v, ve - v, &hex);
				p->args[n].hex = hex;
				cur++;
			} else if (form == 1) {
				assert_false(in_pieces);
				in_pieces = true;
				p->args[n].pieces = true;
				p->args[n].len_field = strtol(v, &e, 10);
				assert_ptr_equal(e, ve);
				/* the kernel writes aN[0]= right after it */
				if (strncmp(ve, " a", 2) || !strstr(ve, "[0]="))
					fail_msg("a%lu_len= without a%lu[0]=",
						 n, n);
			} else {
				bool hex;

				assert_true(in_pieces);
				if (piece != p->args[n].npieces)
					fail_msg("a%lu[%lu] where [%u] was due",
						 n, piece, p->args[n].npieces);
				arg_append(&p->args[n], v, ve - v, &hex);
				if (piece > 0 && hex != p->args[n].hex)
					fail_msg("a%lu changes encoding", n);
				p->args[n].hex = hex;
				p->args[n].npieces++;
			}
			q = ve;
		}
		line = end + 1;
	}
	if (in_pieces)
		cur++;
	p->nargs = cur;
}

static void parsed_free(struct parsed_execve *p)
{
	unsigned long i;

	for (i = 0; p->args && i <= p->argc; i++)
		free(p->args[i].data);
	free(p->args);
}

/*
 * The record budget of audit_log_execve_info(): at most 7500 bytes after
 * "argc=N" per record, and a new record only when fewer than 104 (the
 * 96-byte argument header plus 8) were left in the one before.
 */
static void check_budget(const struct parsed_execve *p)
{
	int i;

	for (i = 0; i < p->records; i++) {
		if (p->used[i] > MAX_EXECVE_AUDIT_LEN)
			fail_msg("record %d holds %ld bytes", i, p->used[i]);
		if (i < p->records - 1 &&
		    p->used[i] <= MAX_EXECVE_AUDIT_LEN - 104)
			fail_msg("record %d closed with %ld bytes left", i,
				 MAX_EXECVE_AUDIT_LEN - p->used[i]);
	}
}

/* Formats @nargs arguments and checks they read back exactly. */
static void roundtrip(const char *const *args, const size_t *lens,
		      unsigned int nargs, struct parsed_execve *p)
{
	size_t total = 0, off = 0;
	unsigned int i;
	char *argv, *text;
	int records;

	for (i = 0; i < nargs; i++)
		total += lens[i] + 1;
	argv = golden_xmalloc(total);
	for (i = 0; i < nargs; i++) {
		memcpy(argv + off, args[i], lens[i]);
		off += lens[i];
		argv[off++] = '\0';
	}
	text = run_execve(argv, total, nargs, &records);
	parse_execve(text, p);
	assert_int_equal(records, p->records);
	assert_int_equal(records, count_lines(text));
	assert_int_equal(p->argc, nargs);
	assert_int_equal(p->nargs, nargs);
	check_budget(p);
	for (i = 0; i < nargs; i++) {
		const struct parsed_arg *a = &p->args[i];

		if (a->len != lens[i] || memcmp(a->data, args[i], lens[i]))
			fail_msg("a%u reads back wrong (%zu bytes, want %zu)",
				 i, a->len, lens[i]);
		assert_int_equal(a->hex, audit_needs_hex(args[i], lens[i]) ||
					 lens[i] >= MAX_EXECVE_AUDIT_LEN);
		if (a->pieces)
			assert_int_equal(a->len_field,
					 a->hex ? 2 * a->len : a->len);
	}
	free(text);
	free(argv);
}

/* ---- whole events ------------------------------------------------ */

static const char echo_golden[] =
	"type=SYSCALL " STAMP6 "arch=c000003e syscall=59 success=yes exit=0"
	" a0=559693e85770 a1=559693e85900 a2=559693e6a240"
	" a3=80559da14a149b36 items=2 ppid=2425 pid=2437" ROOT_IDS
	" tty=(none) ses=4294967295 comm=\"echo\" exe=\"/usr/bin/echo\""
	" key=(null)" EXTRAS " exe_inode=247304 exe_dev=fe:00"
	" argv_truncated=no\n"
	"type=EXECVE " STAMP6
	"argc=4 a0=\"/bin/echo\" a1=612062 a2=712278 a3=\"x=y\"\n"
	"type=CWD " STAMP6 "cwd=\"/tmp\"\n"
	"type=PATH " STAMP6 "item=0 name=\"/bin/echo\" inode=247304 dev=fe:00"
	" mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL" CAPS "\n"
	"type=PATH " STAMP6 "item=1 name=\"/lib64/ld-linux-x86-64.so.2\""
	" inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00"
	" nametype=NORMAL" CAPS "\n"
	"type=PROCTITLE " STAMP6
	"proctitle=2F62696E2F6563686F006120620071227800783D79\n";

static void test_exec_elf(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "arch", "c000003e", "x86_64" },
		{ 0, "syscall", "59", "execve" },
		{ 0, "success", "yes", NULL },
		{ 0, "exit", "0", NULL },
		{ 0, "a0", "559693e85770", NULL },
		{ 0, "items", "2", NULL },
		{ 0, "ppid", "2425", NULL },
		{ 0, "pid", "2437", NULL },
		{ 0, "auid", "4294967295", NULL },
		{ 0, "tty", "(none)", NULL },
		{ 0, "comm", "\"echo\"", "echo" },
		{ 0, "exe", "\"/usr/bin/echo\"", "/usr/bin/echo" },
		{ 0, "key", "(null)", NULL },
		{ 0, "cgroup_id", "7281", NULL },
		{ 0, "mntns", "4026531841", NULL },
		{ 0, "pidns", "4026531836", NULL },
		{ 0, "exe_inode", "247304", NULL },
		{ 0, "exe_dev", "fe:00", NULL },
		{ 0, "argv_truncated", "no", NULL },
		{ 1, "argc", "4", NULL },
		{ 1, "a0", "\"/bin/echo\"", "/bin/echo" },
		{ 1, "a1", "612062", "a b" },
		{ 1, "a2", "712278", "q\"x" },
		{ 1, "a3", "\"x=y\"", "x=y" },
		{ 2, "cwd", "\"/tmp\"", "/tmp" },
		{ 3, "item", "0", NULL },
		{ 3, "name", "\"/bin/echo\"", "/bin/echo" },
		{ 3, "inode", "247304", NULL },
		{ 3, "dev", "fe:00", NULL },
		{ 3, "mode", "0100755", NULL },
		{ 3, "nametype", "NORMAL", NULL },
		{ 4, "item", "1", NULL },
		{ 4, "name", "\"/lib64/ld-linux-x86-64.so.2\"",
		  "/lib64/ld-linux-x86-64.so.2" },
		{ 4, "inode", "332383", NULL },
		{ 5, "proctitle", "2F62696E2F6563686F006120620071227800783D79",
		  "/bin/echo a b q\"x x=y" },
	};
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	golden_exec_echo(&ev);
	text = format(&ev, &st6, &records);
	assert_string_equal(text, echo_golden);
	assert_int_equal(records, 6);
	assert_int_equal(records, count_lines(text));
	check_auparse(text, &st6, types, 6, want,
		      sizeof(want) / sizeof(want[0]));
	free(text);
	event_free(&ev);
}

static void test_exec_appends(void **state)
{
	struct ba_event ev;
	struct strbuf out;

	(void)state;
	golden_exec_echo(&ev);
	strbuf_init(&out);
	strbuf_adds(&out, "before\n");
	assert_int_equal(format_event(&ev, &st6, &out), 6);
	assert_memory_equal(out.buf, "before\n", 7);
	assert_string_equal(out.buf + 7, echo_golden);
	strbuf_free(&out);
	event_free(&ev);
}

static const char script_golden[] =
	"type=SYSCALL " STAMP8 "arch=c000003e syscall=59 success=yes exit=0"
	" a0=55d0d1a2b2c0 a1=55d0d1a2b300 a2=55d0d1a2b320 a3=0 items=3"
	" ppid=2425 pid=2440" ROOT_IDS " tty=(none) ses=4294967295"
	" comm=\"t.sh\" exe=\"/usr/bin/dash\" key=(null)" EXTRAS
	" exe_inode=262210 exe_dev=fe:00 argv_truncated=no\n"
	"type=EXECVE " STAMP8 "argc=3 a0=\"/bin/sh\" a1=\"/tmp/t.sh\""
	" a2=\"arg\"\n"
	"type=CWD " STAMP8 "cwd=\"/tmp\"\n"
	"type=PATH " STAMP8 "item=0 name=\"/tmp/t.sh\" inode=1310722"
	" dev=00:2a mode=0100700 ouid=1000 ogid=1000 rdev=00:00"
	" nametype=NORMAL" CAPS "\n"
	"type=PATH " STAMP8 "item=1 name=\"/bin/sh\" inode=262210 dev=fe:00"
	" mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL" CAPS "\n"
	"type=PATH " STAMP8 "item=2 name=\"/lib64/ld-linux-x86-64.so.2\""
	" inode=332383 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00"
	" nametype=NORMAL" CAPS "\n"
	"type=PROCTITLE " STAMP8
	"proctitle=2F62696E2F7368002F746D702F742E736800617267\n";

static void test_exec_script(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PATH",
		"PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "items", "3", NULL },
		{ 0, "exe", "\"/usr/bin/dash\"", "/usr/bin/dash" },
		{ 1, "a1", "\"/tmp/t.sh\"", "/tmp/t.sh" },
		{ 3, "item", "0", NULL },
		{ 3, "name", "\"/tmp/t.sh\"", "/tmp/t.sh" },
		{ 3, "inode", "1310722", NULL },
		{ 3, "dev", "00:2a", NULL },
		{ 3, "ouid", "1000", NULL },
		{ 4, "item", "1", NULL },
		{ 4, "name", "\"/bin/sh\"", "/bin/sh" },
		{ 4, "inode", "262210", NULL },
		{ 5, "item", "2", NULL },
		{ 5, "name", "\"/lib64/ld-linux-x86-64.so.2\"", NULL },
		{ 5, "inode", "332383", NULL },
		{ 6, "proctitle", "2F62696E2F7368002F746D702F742E736800617267",
		  "/bin/sh /tmp/t.sh arg" },
	};
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	golden_exec_script(&ev);
	text = format(&ev, &st8, &records);
	assert_string_equal(text, script_golden);
	assert_int_equal(records, 7);
	check_auparse(text, &st8, types, 7, want,
		      sizeof(want) / sizeof(want[0]));
	free(text);
	event_free(&ev);
}

static void test_exec_script_unknown_file(void **state)
{
	struct ba_event ev;
	char *text, *l;
	int records;

	(void)state;
	/* The daemon could not stat the script: item 0 has no identity. */
	golden_exec_script(&ev);
	memset(&ev.script, 0, sizeof(ev.script));
	text = format(&ev, &st8, &records);
	assert_int_equal(records, 7);
	l = line_of(text, 3);
	assert_string_equal(l, "type=PATH " STAMP8 "item=0 name=\"/tmp/t.sh\""
			    " nametype=UNKNOWN" CAPS);
	free(l);
	free(text);
	event_free(&ev);
}

static void test_exec_static_binary(void **state)
{
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	/* No PT_INTERP: one PATH item only. */
	golden_exec_echo(&ev);
	memset(&ev.hdr.elf_interp, 0, sizeof(ev.hdr.elf_interp));
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 5);
	assert_non_null(strstr(text, " items=1 "));
	assert_int_equal(golden_count_records(text, "PATH"), 1);
	assert_null(strstr(text, "item=1"));
	free(text);
	event_free(&ev);
}

static const char failed_golden[] =
	"type=SYSCALL " STAMP7 "arch=c000003e syscall=59 success=no exit=-2"
	" a0=5596940a1b20 a1=5596940a1c40 a2=5596940a3e50 a3=8 items=1"
	" ppid=2425 pid=2438" ROOT_IDS " tty=(none) ses=4294967295"
	" comm=\"bash\" exe=\"/usr/bin/bash\" key=(null)" EXTRAS
	" exe_inode=262161 exe_dev=fe:00 argv_truncated=no\n"
	"type=CWD " STAMP7 "cwd=\"/tmp\"\n"
	"type=PATH " STAMP7 "item=0 name=\"/nonexistent\" nametype=UNKNOWN"
	CAPS "\n"
	"type=PROCTITLE " STAMP7 "proctitle=62617368002F6465762F66642F33\n";

static void test_exec_failed(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "CWD", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "syscall", "59", "execve" },
		{ 0, "success", "no", NULL },
		{ 0, "exit", "-2", NULL },
		{ 0, "items", "1", NULL },
		{ 0, "pid", "2438", NULL },
		{ 0, "comm", "\"bash\"", "bash" },
		{ 0, "exe", "\"/usr/bin/bash\"", "/usr/bin/bash" },
		{ 1, "cwd", "\"/tmp\"", "/tmp" },
		{ 2, "item", "0", NULL },
		{ 2, "name", "\"/nonexistent\"", "/nonexistent" },
		{ 2, "nametype", "UNKNOWN", NULL },
		{ 3, "proctitle", "62617368002F6465762F66642F33",
		  "bash /dev/fd/3" },
	};
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	golden_exec_failed(&ev);
	text = format(&ev, &st7, &records);
	assert_string_equal(text, failed_golden);
	assert_int_equal(records, 4);
	assert_int_equal(golden_count_records(text, "EXECVE"), 0);
	check_auparse(text, &st7, types, 4, want,
		      sizeof(want) / sizeof(want[0]));
	free(text);
	event_free(&ev);
}

static void test_exec_failed_ignores_argv(void **state)
{
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	/* Even with an argv field, a failed exec has no EXECVE record and
	 * its PROCTITLE is the caller's. */
	golden_exec_failed(&ev);
	golden_set_field(&ev, BA_FIELD_ARGV, "other\0", 6);
	ev.hdr.argc = 1;
	text = format(&ev, &st7, &records);
	assert_string_equal(text, failed_golden);
	free(text);

	/* A failure after sched_process_exec (past the point of no return)
	 * is still a failure: no EXECVE record. */
	ev.hdr.flags |= BA_HDR_EXEC_SEEN;
	ev.hdr.ret = -12;
	text = format(&ev, &st7, &records);
	assert_int_equal(golden_count_records(text, "EXECVE"), 0);
	assert_non_null(strstr(text, " success=no exit=-12 "));
	free(text);
	event_free(&ev);
}

static void test_exec_failed_target_exists(void **state)
{
	struct ba_event ev;
	char *text, *l;
	int records;

	(void)state;
	/* EACCES on an existing file: the daemon's stat gives its identity. */
	golden_exec_failed(&ev);
	ev.hdr.ret = -13;
	ev.script = golden_file(4242, GOLDEN_DEV(8, 1), 0100644);
	text = format(&ev, &st7, &records);
	assert_non_null(strstr(text, " success=no exit=-13 "));
	l = line_of(text, 2);
	assert_string_equal(l, "type=PATH " STAMP7
			    "item=0 name=\"/nonexistent\" inode=4242"
			    " dev=08:01 mode=0100644 ouid=0 ogid=0"
			    " rdev=00:00 nametype=NORMAL" CAPS);
	free(l);
	free(text);
	event_free(&ev);
}

static void test_success_boundary(void **state)
{
	static const struct {
		long long ret;
		const char *want;
	} cases[] = {
		{ 0, " success=yes exit=0 " },
		{ 1, " success=yes exit=1 " },
		{ -1, " success=no exit=-1 " },
		{ -4095, " success=no exit=-4095 " },
		{ -4096, " success=yes exit=-4096 " },
	};
	struct ba_event ev;
	size_t i;

	(void)state;
	golden_exec_failed(&ev);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text;
		int records;

		ev.hdr.ret = cases[i].ret;
		text = format(&ev, &st7, &records);
		if (!strstr(text, cases[i].want))
			fail_msg("ret %lld: no \"%s\" in %.200s", cases[i].ret,
				 cases[i].want, text);
		free(text);
	}
	event_free(&ev);
}

static void test_partial_fields(void **state)
{
	static const struct {
		enum partial_reason why;
		const char *name;
	} reasons[] = {
		{ PARTIAL_KERNEL_LOST, "kernel_lost" },
		{ PARTIAL_TIMEOUT, "timeout" },
		{ PARTIAL_MEMORY, "memory" },
		{ PARTIAL_NO_HEADER, "no_header" },
		{ PARTIAL_DRAIN, "shutdown" },
	};
	static const char *const types[] = {
		"SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "argv_truncated", "yes", NULL },
		{ 0, "partial", "timeout", NULL },
		{ 0, "missing_chunks", "2", NULL },
		{ 0, "exe", "\"/usr/bin/echo\"", NULL },
	};
	struct ba_event ev;
	char *text, *l, want_tail[128];
	int records;
	size_t i;

	(void)state;
	golden_exec_echo(&ev);
	ev.hdr.flags |= BA_HDR_ARGV_TRUNC;
	ev.partial = PARTIAL_TIMEOUT;
	ev.chunks_missing = 2;
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 6);
	l = line_of(text, 0);
	assert_string_equal(l, "type=SYSCALL " STAMP6 "arch=c000003e syscall=59"
			    " success=yes exit=0 a0=559693e85770"
			    " a1=559693e85900 a2=559693e6a240"
			    " a3=80559da14a149b36 items=2 ppid=2425 pid=2437"
			    ROOT_IDS " tty=(none) ses=4294967295"
			    " comm=\"echo\" exe=\"/usr/bin/echo\" key=(null)"
			    EXTRAS " exe_inode=247304 exe_dev=fe:00"
			    " argv_truncated=yes partial=timeout"
			    " missing_chunks=2");
	/* Everything after the SYSCALL record is as for a complete event. */
	assert_string_equal(strchr(text, '\n'), strchr(echo_golden, '\n'));
	check_auparse(text, &st6, types, 6, want,
		      sizeof(want) / sizeof(want[0]));
	free(l);
	free(text);

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		ev.partial = reasons[i].why;
		ev.chunks_missing = (uint32_t)i;
		text = format(&ev, &st6, &records);
		l = line_of(text, 0);
		snprintf(want_tail, sizeof(want_tail),
			 " argv_truncated=yes partial=%s missing_chunks=%zu",
			 reasons[i].name, i);
		assert_true(strlen(l) > strlen(want_tail));
		assert_string_equal(l + strlen(l) - strlen(want_tail),
				    want_tail);
		free(l);
		free(text);
	}

	/* Complete: no partial fields at all. */
	ev.partial = PARTIAL_NONE;
	ev.chunks_missing = 0;
	text = format(&ev, &st6, &records);
	assert_null(strstr(text, "partial="));
	assert_null(strstr(text, "missing_chunks="));
	free(text);
	event_free(&ev);
}

static void test_partial_missing_fields(void **state)
{
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	/* Chunks were lost: no argv, no cwd, no filename. */
	golden_exec_echo(&ev);
	free(ev.field[BA_FIELD_ARGV].data);
	free(ev.field[BA_FIELD_CWD].data);
	free(ev.field[BA_FIELD_FILENAME].data);
	memset(&ev.field[BA_FIELD_ARGV], 0, sizeof(ev.field[0]));
	memset(&ev.field[BA_FIELD_CWD], 0, sizeof(ev.field[0]));
	memset(&ev.field[BA_FIELD_FILENAME], 0, sizeof(ev.field[0]));
	ev.partial = PARTIAL_KERNEL_LOST;
	ev.chunks_missing = 3;
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 5);
	assert_int_equal(golden_count_records(text, "EXECVE"), 0);
	assert_non_null(strstr(text, "type=CWD " STAMP6 "cwd=(null)\n"));
	assert_non_null(strstr(text, "item=0 name=(null) inode=247304 "));
	/* (the PROCTITLE of a missing argv: see
	 * test_proctitle_nul_only_is_quoted_null) */
	assert_int_equal(golden_count_records(text, "PROCTITLE"), 1);
	assert_non_null(strstr(text,
			       " partial=kernel_lost missing_chunks=3\n"));
	free(text);
	event_free(&ev);
}

static void test_truncation_and_fault_flags(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "argv_truncated", "no", NULL },
		{ 0, "path_truncated", "yes", NULL },
		{ 0, "read_fault", "yes", NULL },
		{ 0, "partial", "timeout", NULL },
	};
	struct ba_event ev;
	char *text, *l;
	int records;

	(void)state;
	golden_exec_echo(&ev);
	/* A truncated chunk is no fault. */
	ev.field[BA_FIELD_ARGV].flags = BA_CHUNK_LAST | BA_CHUNK_TRUNC;
	/* Nor is a fault flag on a field that is not there. */
	ev.field[BA_FIELD_PROCTITLE].flags = BA_CHUNK_FAULT;
	text = format(&ev, &st6, &records);
	assert_string_equal(text, echo_golden);
	free(text);

	ev.hdr.flags |= BA_HDR_PATH_TRUNC;
	text = format(&ev, &st6, &records);
	l = line_of(text, 0);
	assert_non_null(strstr(l, " exe_dev=fe:00 argv_truncated=no"
			       " path_truncated=yes"));
	assert_int_equal(strlen(strstr(l, " path_truncated=yes")),
			 strlen(" path_truncated=yes"));
	assert_null(strstr(l, "read_fault"));
	free(l);
	free(text);

	ev.field[BA_FIELD_CWD].flags = BA_CHUNK_LAST | BA_CHUNK_FAULT;
	ev.partial = PARTIAL_TIMEOUT;
	ev.chunks_missing = 1;
	text = format(&ev, &st6, &records);
	l = line_of(text, 0);
	assert_non_null(strstr(l, " exe_dev=fe:00 argv_truncated=no"
			       " path_truncated=yes read_fault=yes"
			       " partial=timeout missing_chunks=1"));
	check_auparse(text, &st6, types, 6, want,
		      sizeof(want) / sizeof(want[0]));
	free(l);
	free(text);

	/* A fault alone. */
	ev.hdr.flags &= ~BA_HDR_PATH_TRUNC;
	ev.partial = PARTIAL_NONE;
	ev.chunks_missing = 0;
	text = format(&ev, &st6, &records);
	l = line_of(text, 0);
	assert_non_null(strstr(l, " argv_truncated=no read_fault=yes"));
	assert_int_equal(strlen(strstr(l, " read_fault=yes")),
			 strlen(" read_fault=yes"));
	free(l);
	free(text);
	event_free(&ev);
}

static void test_exe_missing(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "exe", "(null)", NULL },
		{ 0, "key", "(null)", NULL },
		{ 0, "pidns", "4026531836", NULL },
		{ 0, "argv_truncated", "no", NULL },
	};
	struct ba_event ev;
	char *text, *l;
	int records;

	(void)state;
	golden_exec_echo(&ev);
	free(ev.field[BA_FIELD_EXE].data);
	memset(&ev.field[BA_FIELD_EXE], 0, sizeof(ev.field[0]));
	memset(&ev.hdr.exe, 0, sizeof(ev.hdr.exe));
	text = format(&ev, &st6, &records);
	l = line_of(text, 0);
	assert_string_equal(l, "type=SYSCALL " STAMP6 "arch=c000003e syscall=59"
			    " success=yes exit=0 a0=559693e85770"
			    " a1=559693e85900 a2=559693e6a240"
			    " a3=80559da14a149b36 items=2 ppid=2425 pid=2437"
			    ROOT_IDS " tty=(none) ses=4294967295"
			    " comm=\"echo\" exe=(null) key=(null)" EXTRAS
			    " argv_truncated=no");
	check_auparse(text, &st6, types, 6, want,
		      sizeof(want) / sizeof(want[0]));
	free(l);
	free(text);
	event_free(&ev);
}

/* An mmap's SYSCALL record with the exe path and the mapped file's: the
 * second path keeps what fits of its tail, down to nothing, and the line
 * never passes what ausearch reads (MAX_RECORD_LINE). */
static void check_second_path(bool wide_ids, const char *want_tail)
{
	struct ba_event ev;
	char *text, *l;
	int records;

	golden_mmap_two_paths(&ev, wide_ids);
	text = format(&ev, &st6, &records);
	l = line_of(text, 0);
	assert_true(strlen(l) <= MAX_RECORD_LINE);
	assert_non_null(strstr(l, want_tail));
	assert_int_equal(strlen(strstr(l, " path_truncated=yes")),
			 strlen(" path_truncated=yes"));
	free(l);
	free(text);
	event_free(&ev);
}

static void test_second_path_budget(void **state)
{
	(void)state;
	/* room left: a hex tail (of the last component, all spaces) */
	check_second_path(false, " vma_file=2020202020");
	/* the exe and wide ids took it all: an empty tail, never the
	 * whole path (the fuzzer's 17 KB record) */
	check_second_path(true, " vma_file=\"\" path_truncated=yes");
}

static void test_tty_and_comm(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "EXECVE", "CWD", "PATH", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "tty", "pts0", NULL },
		{ 0, "comm", "6D792070726F67", "my prog" },
		{ 0, "uid", "1000", NULL },
		{ 0, "auid", "1000", NULL },
		{ 0, "ses", "3", NULL },
	};
	struct ba_event ev;
	char *text, *l;
	int records;

	(void)state;
	golden_exec_echo(&ev);
	strcpy(ev.hdr.task.tty, "pts0");
	memset(ev.hdr.task.comm, 0, sizeof(ev.hdr.task.comm));
	strcpy(ev.hdr.task.comm, "my prog");
	ev.hdr.task.uid = ev.hdr.task.euid = ev.hdr.task.suid = 1000;
	ev.hdr.task.fsuid = ev.hdr.task.auid = 1000;
	ev.hdr.task.gid = ev.hdr.task.egid = ev.hdr.task.sgid = 100;
	ev.hdr.task.fsgid = 100;
	ev.hdr.task.ses = 3;
	text = format(&ev, &st6, &records);
	l = line_of(text, 0);
	assert_non_null(strstr(l, " ppid=2425 pid=2437 auid=1000 uid=1000"
			       " gid=100 euid=1000 suid=1000 fsuid=1000"
			       " egid=100 sgid=100 fsgid=100 tty=pts0 ses=3"
			       " comm=6D792070726F67 exe=\"/usr/bin/echo\" "));
	check_auparse(text, &st6, types, 6, want,
		      sizeof(want) / sizeof(want[0]));
	free(l);
	free(text);

	/* A comm that fills all 16 bytes is not read past. */
	memcpy(ev.hdr.task.comm, "0123456789abcdef", 16);
	text = format(&ev, &st6, &records);
	assert_non_null(strstr(text, " comm=\"0123456789abcdef\" exe="));
	free(text);

	/* A quote in comm is hex too. */
	memset(ev.hdr.task.comm, 0, sizeof(ev.hdr.task.comm));
	strcpy(ev.hdr.task.comm, "a\"b");
	text = format(&ev, &st6, &records);
	assert_non_null(strstr(text, " comm=612262 exe="));
	free(text);
	event_free(&ev);
}

static void test_devices_and_modes(void **state)
{
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	golden_exec_echo(&ev);
	ev.hdr.exe.dev = GOLDEN_DEV(259, 0x12345);
	ev.hdr.bin.dev = GOLDEN_DEV(8, 17);
	ev.hdr.bin.rdev = GOLDEN_DEV(136, 2);
	ev.hdr.bin.mode = 0104755;
	ev.hdr.bin.uid = 4294967295u;
	ev.hdr.bin.gid = 65534;
	ev.hdr.bin.ino = 18446744073709551615ull;
	text = format(&ev, &st6, &records);
	assert_non_null(strstr(text, " exe_inode=247304 exe_dev=103:12345 "));
	assert_non_null(strstr(text, "item=0 name=\"/bin/echo\""
			       " inode=18446744073709551615 dev=08:11"
			       " mode=0104755 ouid=4294967295 ogid=65534"
			       " rdev=88:02 nametype=NORMAL"));
	free(text);
	event_free(&ev);
}

static void test_cwd_encodings(void **state)
{
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	golden_exec_echo(&ev);
	golden_set_path(&ev, BA_FIELD_CWD, "/tmp/my dir");
	text = format(&ev, &st6, &records);
	/* "/tmp/my dir" has a space: hex. */
	assert_non_null(strstr(text, "type=CWD " STAMP6
			       "cwd=2F746D702F6D7920646972\n"));
	free(text);

	/* The root directory: no components at all. */
	golden_set_field(&ev, BA_FIELD_CWD, "", 0);
	text = format(&ev, &st6, &records);
	assert_non_null(strstr(text, "type=CWD " STAMP6 "cwd=\"/\"\n"));
	free(text);

	golden_set_path(&ev, BA_FIELD_EXE, "/opt/\xc3\xa9/x");
	text = format(&ev, &st6, &records);
	assert_non_null(strstr(text, " exe=2F6F70742FC3A92F78 key=(null) "));
	free(text);
	event_free(&ev);
}

static void test_no_header_or_unknown_kind(void **state)
{
	struct ba_event ev;
	struct strbuf out;

	(void)state;
	golden_exec_echo(&ev);
	strbuf_init(&out);
	ev.have_header = false;
	assert_int_equal(format_event(&ev, &st6, &out), 0);
	assert_int_equal(out.len, 0);
	ev.have_header = true;
	ev.hdr.kind = 0;
	assert_int_equal(format_event(&ev, &st6, &out), 0);
	ev.hdr.kind = BA_KIND_MAX;
	assert_int_equal(format_event(&ev, &st6, &out), 0);
	assert_int_equal(out.len, 0);
	strbuf_free(&out);
	event_free(&ev);
}

static void test_record_start(void **state)
{
	struct strbuf out;
	struct audit_stamp st = { 1, 7, 18446744073709551615ull };

	(void)state;
	strbuf_init(&out);
	format_record_start(&out, "CWD", &st);
	assert_string_equal(out.buf,
			    "type=CWD msg=audit(1.007:18446744073709551615): ");
	strbuf_free(&out);
}

/* ---- format_join_path -------------------------------------------- */

static void expect_join(const char *comps, size_t len, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	format_join_path(&sb, comps, len);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, want);
	assert_int_equal(sb.len, strlen(want));
	strbuf_free(&sb);
}

/* ---- watch kind (file calls) ------------------------------------ */

/* A file call by pid 3001 in /tmp, with the inodes the BPF side saw. */
static void watch_event(struct ba_event *ev, uint32_t nr, const char *name,
			const char *name2)
{
	memset(ev, 0, sizeof(*ev));
	golden_exec_header(&ev->hdr, 3001, "mv");
	ev->hdr.kind = BA_KIND_WATCH;
	ev->hdr.syscall = nr;
	ev->have_header = true;
	ev->key = "wkey";
	golden_set_path(ev, BA_FIELD_CWD, "/tmp");
	golden_set_str(ev, BA_FIELD_PROCTITLE, "mv");
	if (name)
		golden_set_str(ev, BA_FIELD_NAME, name);
	if (name2)
		golden_set_str(ev, BA_FIELD_NAME2, name2);
}

static void watch_obj(struct ba_event *ev, uint64_t ino, uint32_t mode,
		      uint64_t parent, uint32_t flags)
{
	struct ba_watch *w = &ev->hdr.x.watch;
	struct ba_watch_obj *o = &w->obj[w->nobj++];

	o->file = golden_file(ino, GOLDEN_DEV(254, 0), mode);
	o->parent_ino = parent;
	o->flags = flags;
}

/* The PATH lines of @text, "item name nametype inode" each. */
static void assert_paths(const char *text, const char *const *want, int n)
{
	const char *l = text;
	int i = 0;

	while ((l = strstr(l, "type=PATH "))) {
		char got[256], name[128], type[16];
		unsigned long long ino = 0;
		int item;
		const char *in = strstr(l, " inode=");
		const char *eol = strchr(l, '\n');

		assert_true(i < n);
		assert_int_equal(sscanf(strstr(l, "item="), "item=%d name=%127s",
					&item, name), 2);
		assert_int_equal(sscanf(strstr(l, "nametype="), "nametype=%15s",
					type), 1);
		if (in && in < eol)
			sscanf(in, " inode=%llu", &ino);
		snprintf(got, sizeof(got), "%d %s %s %llu", item, name, type,
			 ino);
		assert_string_equal(got, want[i]);
		i++;
		l = eol;
	}
	assert_int_equal(i, n);
}

/* rename over a file: both directories, old (DELETE), the replaced file
 * (DELETE), new (CREATE), as kernel audit lists them. */
static void test_watch_rename_replacing(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "CWD", "PATH", "PATH", "PATH", "PATH", "PATH",
		"PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "syscall", "82", "rename" },
		{ 0, "items", "5", NULL },
		{ 0, "key", "\"wkey\"", "wkey" },
		{ 6, "nametype", "CREATE", NULL },
	};
	static const char *const paths[] = {
		"0 \"/d/\" PARENT 10", "1 \"/d/\" PARENT 10",
		"2 \"/d/o\" DELETE 21", "3 \"/d/f\" DELETE 20",
		"4 \"/d/f\" CREATE 21",
	};
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	watch_event(&ev, 82, "/d/o", "/d/f");
	watch_obj(&ev, 10, 040755, 2, BA_WOBJ_STAMPED);
	watch_obj(&ev, 21, 0100644, 10, BA_WOBJ_STAMPED);
	watch_obj(&ev, 20, 0100600, 10, BA_WOBJ_STAMPED);
	ev.hdr.x.watch.obj[1].nlink = 1;
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 8);
	assert_int_equal(records, count_lines(text));
	assert_paths(text, paths, 5);
	check_auparse(text, &st6, types, 8, want,
		      sizeof(want) / sizeof(want[0]));
	free(text);
	/* tmpfs stamps the replaced file (no link left) first */
	ev.hdr.x.watch.obj[1] = ev.hdr.x.watch.obj[2];
	ev.hdr.x.watch.obj[2].file.ino = 21;
	ev.hdr.x.watch.obj[2].file.mode = 0100644;
	ev.hdr.x.watch.obj[2].nlink = 1;
	text = format(&ev, &st6, &records);
	assert_paths(text, paths, 5);
	free(text);
	event_free(&ev);
}

/* a refused rename: kernel audit's items stop at the old name's
 * may_delete (PARENT, PARENT, DELETE), even with a file to replace */
static void test_watch_rename_refused(void **state)
{
	static const char *const types[] = {
		"SYSCALL", "CWD", "PATH", "PATH", "PATH", "PROCTITLE",
	};
	static const struct au_want want[] = {
		{ 0, "success", "no", NULL },
		{ 0, "exit", "-13", "EACCES(Permission denied)" },
		{ 0, "items", "3", NULL },
	};
	static const char *const paths[] = {
		"0 \"/d/\" PARENT 10", "1 \"/d/\" PARENT 10",
		"2 \"/d/o\" DELETE 21",
	};
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	watch_event(&ev, 82, "/d/o", "/d/f");
	ev.hdr.ret = -13;
	watch_obj(&ev, 21, 0100644, 10, BA_WOBJ_STAMPED);
	watch_obj(&ev, 20, 0100600, 10, BA_WOBJ_STAMPED);
	watch_obj(&ev, 10, 040755, 2, BA_WOBJ_STAMPED);
	ev.hdr.x.watch.obj[0].nlink = 1;
	ev.hdr.x.watch.obj[1].nlink = 1;
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 6);
	assert_int_equal(records, count_lines(text));
	assert_paths(text, paths, 3);
	check_auparse(text, &st6, types, 6, want,
		      sizeof(want) / sizeof(want[0]));
	free(text);
	event_free(&ev);
}

/* symlink: the directory, the target (never looked up), the new link;
 * the new inode had no name when stamped. */
static void test_watch_symlink(void **state)
{
	static const char *const paths[] = {
		"0 \"/d/\" PARENT 10", "1 \"x\" UNKNOWN 0",
		"2 \"/d/l\" CREATE 30",
	};
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	watch_event(&ev, 266, "/d/l", "x");
	watch_obj(&ev, 30, 0120777, 0, BA_WOBJ_STAMPED);
	watch_obj(&ev, 10, 040755, 2, BA_WOBJ_STAMPED);
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 6);
	assert_non_null(strstr(text, " items=3 "));
	assert_paths(text, paths, 3);
	free(text);
	event_free(&ev);
}

/* O_CREAT: PARENT and CREATE only if the call made the file (it stamped
 * the directory); a relative name's directory is the cwd. */
static void test_watch_open_creat(void **state)
{
	static const char *const made[] = {
		"0 \"/tmp\" PARENT 10", "1 \"f\" CREATE 40",
	};
	static const char *const existing[] = { "0 \"f\" NORMAL 40" };
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	watch_event(&ev, 257, "f", NULL);
	ev.hdr.args[2] = 0101;	/* O_CREAT | O_WRONLY */
	watch_obj(&ev, 40, 0100644, 10, BA_WOBJ_OPENED | BA_WOBJ_STAMPED);
	watch_obj(&ev, 10, 040755, 2, BA_WOBJ_PARENT | BA_WOBJ_STAMPED);
	text = format(&ev, &st6, &records);
	assert_paths(text, made, 2);
	free(text);
	ev.hdr.x.watch.obj[1].flags = BA_WOBJ_PARENT;
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 4);
	assert_paths(text, existing, 1);
	free(text);
	/* ftruncate names nothing */
	ev.hdr.syscall = 77;
	text = format(&ev, &st6, &records);
	assert_int_equal(records, 3);
	assert_non_null(strstr(text, " items=0 "));
	free(text);
	event_free(&ev);
}

static void test_join_path(void **state)
{
	struct strbuf sb;

	(void)state;
	expect_join("c\0b\0a\0", 6, "/a/b/c");
	expect_join("c\0b\0a", 5, "/a/b/c");
	expect_join("tmp\0", 4, "/tmp");
	expect_join("tmp", 3, "/tmp");
	expect_join("", 0, "/");
	expect_join("\0", 1, "/");
	expect_join("leaf\0a b\0x\0", 11, "/x/a b/leaf");
	/* Appends to what is there. */
	strbuf_init(&sb);
	strbuf_adds(&sb, "cwd=");
	format_join_path(&sb, "b\0a\0", 4);
	assert_string_equal(sb.buf, "cwd=/a/b");
	strbuf_free(&sb);
}

static void test_join_path_deep(void **state)
{
	char comps[128 * 2], want[128 * 2 + 1];
	size_t i, n = 0, w = 0;

	(void)state;
	/* 128 components "0".."9" repeating, leaf first. */
	for (i = 0; i < 128; i++) {
		comps[n++] = (char)('0' + (127 - i) % 10);
		comps[n++] = '\0';
	}
	for (i = 0; i < 128; i++) {
		want[w++] = '/';
		want[w++] = (char)('0' + i % 10);
	}
	want[w] = '\0';
	expect_join(comps, n, want);
}

/* ---- PROCTITLE --------------------------------------------------- */

static void test_proctitle_basic(void **state)
{
	(void)state;
	/* One argument: its NUL is trimmed, and what is left is quoted. */
	expect_proctitle("ls\0", 3, "\"ls\"");
	expect_proctitle("/bin/echo\0a b\0", 14, "2F62696E2F6563686F00612062");
	/* Unprintable bytes inside stay. */
	expect_proctitle("a\x01\0b\0", 5, "61010062");
	/* A trailing space is printable: kept (and makes it hex). */
	expect_proctitle("ls \0", 4, "6C7320");
}

static void test_proctitle_trims_trailing_unprintables(void **state)
{
	(void)state;
	expect_proctitle("ls\0x\x7f\x01\0", 7, "6C730078");
	expect_proctitle("ls\0x\x85\0", 6, "6C730078");
	expect_proctitle("ls\0x\x9f\x80\0", 7, "6C730078");
	expect_proctitle("ls\0\0\0\0", 6, "\"ls\"");
}

static void test_proctitle_truncated_to_128(void **state)
{
	char argv[200], *want;
	size_t i;

	(void)state;
	/* "/bin/prog" NUL then 190 'A': the first 128 bytes, nothing to
	 * trim. */
	memcpy(argv, "/bin/prog", 9);
	argv[9] = '\0';
	for (i = 10; i < 199; i++)
		argv[i] = 'A';
	argv[199] = '\0';
	want = hex_of(argv, 128);
	expect_proctitle(argv, 200, want);
	free(want);

	/* The 128th byte is the NUL of an empty argument after another
	 * NUL: both go, the cut is at 126. */
	argv[0] = 'p';
	argv[1] = '\0';
	for (i = 2; i < 126; i++)
		argv[i] = 'B';
	argv[126] = '\0';
	argv[127] = '\0';
	memcpy(argv + 128, "CCCC", 5);
	want = hex_of(argv, 126);
	expect_proctitle(argv, 133, want);
	free(want);

	/* Exactly 128 printable bytes: quoted, all of them. */
	memset(argv, 'z', 128);
	argv[128] = '\0';
	want = golden_xmalloc(131);
	want[0] = '"';
	memset(want + 1, 'z', 128);
	strcpy(want + 129, "\"");
	expect_proctitle(argv, 129, want);
	/* 129 printable bytes: cut to 128. */
	memset(argv, 'z', 129);
	argv[129] = '\0';
	expect_proctitle(argv, 130, want);
	free(want);
}

static void test_proctitle_failed_exec_source(void **state)
{
	struct ba_event ev;
	char *text;
	int records;

	(void)state;
	/* A failed exec's PROCTITLE comes from BA_FIELD_PROCTITLE, trimmed
	 * the same way. */
	golden_exec_failed(&ev);
	golden_set_field(&ev, BA_FIELD_PROCTITLE, "vim\0\x01\0", 6);
	text = format(&ev, &st7, &records);
	assert_non_null(strstr(text, "type=PROCTITLE " STAMP7
			       "proctitle=\"vim\"\n"));
	free(text);
	event_free(&ev);
}

/*
 * The kernel's isprint() (lib/ctype.c) is Latin-1: 0xa0..0xff are
 * printable, so audit_proctitle_rtrim() keeps a trailing "é" (C3 A9).
 */
static void test_proctitle_rtrim_latin1_printable(void **state)
{
	(void)state;
	expect_proctitle("ls\0caf\xc3\xa9\0", 9, "6C7300636166C3A9");
	expect_proctitle("ls\0\xa0\0", 5, "6C7300A0");
	expect_proctitle("ls\0\xff\0", 5, "6C7300FF");
}

/*
 * Nothing left after trimming: the kernel logs its "(null)" message
 * through audit_log_n_untrustedstring(), i.e. proctitle="(null)".
 */
static void test_proctitle_nul_only_is_quoted_null(void **state)
{
	struct ba_event ev;
	char *text;
	int records;
	bool found;

	(void)state;
	expect_proctitle("\0", 1, "\"(null)\"");
	expect_proctitle("\0\0", 2, "\"(null)\"");
	expect_proctitle("\x01\0\0", 3, "\"(null)\"");

	/* No PROCTITLE captured for a failed exec... */
	golden_exec_failed(&ev);
	free(ev.field[BA_FIELD_PROCTITLE].data);
	memset(&ev.field[BA_FIELD_PROCTITLE], 0, sizeof(ev.field[0]));
	text = format(&ev, &st7, &records);
	found = strstr(text, "type=PROCTITLE " STAMP7
		       "proctitle=\"(null)\"\n") != NULL;
	free(text);
	event_free(&ev);
	assert_true(found);

	/* ... or no argv for a successful one. */
	golden_exec_echo(&ev);
	free(ev.field[BA_FIELD_ARGV].data);
	memset(&ev.field[BA_FIELD_ARGV], 0, sizeof(ev.field[0]));
	text = format(&ev, &st6, &records);
	found = strstr(text, "type=PROCTITLE " STAMP6
		       "proctitle=\"(null)\"\n") != NULL;
	free(text);
	event_free(&ev);
	assert_true(found);
}

/* ---- EXECVE ------------------------------------------------------ */

static void test_execve_argc0(void **state)
{
	char *text;
	int records;

	(void)state;
	text = run_execve("", 0, 0, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=0\n");
	assert_int_equal(records, 1);
	free(text);
	/* argc=0 writes no argument even if there is argv data. */
	text = run_execve("x\0", 2, 0, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=0\n");
	free(text);
}

static void test_execve_empty_arg(void **state)
{
	char *text;
	int records;

	(void)state;
	text = run_execve("\0", 1, 1, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=1 a0=\"\"\n");
	assert_int_equal(records, 1);
	free(text);
	text = run_execve("a\0\0b\0", 5, 3, &records);
	assert_string_equal(text, EXECVE_PREFIX
			    "argc=3 a0=\"a\" a1=\"\" a2=\"b\"\n");
	free(text);
}

static void test_execve_golden(void **state)
{
	static const char *const types[] = { "EXECVE" };
	static const struct au_want want[] = {
		{ 0, "argc", "4", NULL },
		{ 0, "a0", "\"/bin/echo\"", "/bin/echo" },
		{ 0, "a1", "612062", "a b" },
		{ 0, "a2", "712278", "q\"x" },
		{ 0, "a3", "\"x=y\"", "x=y" },
	};
	char *text;
	int records;

	(void)state;
	text = run_execve(golden_echo_argv, GOLDEN_ECHO_ARGV_LEN, 4, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=4 a0=\"/bin/echo\""
			    " a1=612062 a2=712278 a3=\"x=y\"\n");
	assert_int_equal(records, 1);
	check_auparse(text, &st6, types, 1, want,
		      sizeof(want) / sizeof(want[0]));
	free(text);
}

/*
 * "argc=2 a0=<filler> a1=<last>", the filler of 'y' just long enough to
 * leave exactly @room of the record's 7500 bytes for a1. Returns the text.
 */
static char *with_room(long room, const char *last, int *records)
{
	size_t filler = MAX_EXECVE_AUDIT_LEN - 6 - room;	/* " a0=" "" */
	size_t ll = strlen(last);
	char *argv = golden_xmalloc(filler + ll + 2), *text;

	memset(argv, 'y', filler);
	argv[filler] = '\0';
	memcpy(argv + filler + 1, last, ll + 1);
	text = run_execve(argv, filler + ll + 2, 2, records);
	free(argv);
	return text;
}

/* The record of @text that a1 starts in, and how it starts. */
static void expect_a1(const char *text, int records, int rec,
		      const char *start)
{
	char *l;
	const char *a1;

	assert_int_equal(count_lines(text), records);
	l = line_of(text, rec);
	a1 = strstr(l, " a1");
	if (!a1 || strncmp(a1, start, strlen(start)))
		fail_msg("record %d: a1 is not written as %s", rec, start);
	free(l);
}

static void test_execve_record_boundaries(void **state)
{
	char *text;
	int records;

	(void)state;
	/* 104 bytes left: not fewer than 96 + 8, a1 stays in record 0. */
	text = with_room(104, "", &records);
	assert_int_equal(records, 1);
	expect_a1(text, 1, 0, " a1=\"\"");
	free(text);
	/* 103 left: a new record for a1. */
	text = with_room(103, "", &records);
	assert_int_equal(records, 2);
	expect_a1(text, 2, 1, " a1=\"\"");
	free(text);
	/* 20 bytes quoted (22) plus the 96-byte header fit in 118 ... */
	text = with_room(118, "wwwwwwwwwwwwwwwwwwww", &records);
	assert_int_equal(records, 1);
	expect_a1(text, 1, 0, " a1=\"wwwwwwwwwwwwwwwwwwww\"");
	free(text);
	/* ... not in 117: written as a piece, still in record 0. */
	text = with_room(117, "wwwwwwwwwwwwwwwwwwww", &records);
	assert_int_equal(records, 1);
	expect_a1(text, 1, 0,
		  " a1_len=20 a1[0]=\"wwwwwwwwwwwwwwwwwwww\"");
	free(text);
}

/* One argument of @n bytes of 'x'; checks each record's head and size. */
static void check_long_x(size_t n, const char *const *heads,
			 const size_t *datalen, int nrec)
{
	char *argv = golden_xmalloc(n + 1), *text;
	const char *args[1];
	size_t lens[1] = { n };
	struct parsed_execve p;
	int records, i;

	memset(argv, 'x', n);
	argv[n] = '\0';
	text = run_execve(argv, n + 1, 1, &records);
	assert_int_equal(records, nrec);
	assert_int_equal(count_lines(text), nrec);
	for (i = 0; i < nrec; i++) {
		char *l = line_of(text, i);
		size_t hl = strlen(EXECVE_PREFIX) + strlen(heads[i]);

		if (strncmp(l, EXECVE_PREFIX, strlen(EXECVE_PREFIX)) ||
		    strncmp(l + strlen(EXECVE_PREFIX), heads[i],
			    strlen(heads[i])))
			fail_msg("record %d starts %.80s, want %s", i, l,
				 heads[i]);
		assert_int_equal(strlen(l) - hl, datalen[i]);
		free(l);
	}
	free(text);
	args[0] = argv;
	roundtrip(args, lens, 1, &p);
	parsed_free(&p);
	free(argv);
}

static void test_execve_7499(void **state)
{
	/* Quoted, but too long for one record with its header: pieces. */
	static const char *const heads[] = {
		"argc=1 a0_len=7499 a0[0]=\"", " a0[1]=\"",
	};
	static const size_t datalen[] = { 7479 + 1, 20 + 1 };

	(void)state;
	check_long_x(7499, heads, datalen, 2);
}

static void test_execve_7500(void **state)
{
	/* Fills the read buffer: forced to hex, a0_len is the hex length. */
	static const char *const heads[] = {
		"argc=1 a0_len=15000 a0[0]=", " a0[1]=", " a0[2]=",
	};
	static const size_t datalen[] = { 7480, 7492, 28 };

	(void)state;
	check_long_x(7500, heads, datalen, 3);
}

static void test_execve_7501(void **state)
{
	static const char *const heads[] = {
		"argc=1 a0_len=15002 a0[0]=", " a0[1]=", " a0[2]=",
	};
	static const size_t datalen[] = { 7480, 7492, 30 };

	(void)state;
	check_long_x(7501, heads, datalen, 3);
}

static void test_execve_20000(void **state)
{
	static const char *const heads[] = {
		"argc=1 a0_len=40000 a0[0]=", " a0[1]=", " a0[2]=", " a0[3]=",
		" a0[4]=", " a0[5]=",
	};
	static const size_t datalen[] = { 7480, 7492, 7492, 7492, 7492, 2552 };
	static const char *const types[] = {
		"EXECVE", "EXECVE", "EXECVE", "EXECVE", "EXECVE", "EXECVE",
	};
	static const struct au_want want[] = {
		{ 0, "argc", "1", NULL },
		{ 0, "a0_len", "40000", NULL },
		{ 5, "a0[5]", NULL, NULL },
	};
	char *argv = golden_xmalloc(20001), *text, *l, *tail;
	struct au_want w[3];
	int records;
	size_t i;

	(void)state;
	check_long_x(20000, heads, datalen, 6);

	/* Distinct bytes: the pieces must come back in order. */
	for (i = 0; i < 20000; i++)
		argv[i] = (char)('a' + (i * 7) % 26);
	argv[20000] = '\0';
	text = run_execve(argv, 20001, 1, &records);
	assert_int_equal(records, 6);
	l = line_of(text, 5);
	tail = strstr(l, " a0[5]=");
	assert_non_null(tail);
	memcpy(w, want, sizeof(w));
	w[2].raw = tail + strlen(" a0[5]=");
	check_auparse(text, &st6, types, 6, w, 3);
	free(l);
	free(text);
	{
		const char *args[1] = { argv };
		size_t lens[1] = { 20000 };
		struct parsed_execve p;

		roundtrip(args, lens, 1, &p);
		assert_int_equal(p.records, 6);
		assert_int_equal(p.args[0].npieces, 6);
		assert_true(p.args[0].hex);
		parsed_free(&p);
	}
	free(argv);
}

static void test_execve_many_small_args(void **state)
{
	enum { N = 200, L = 50 };
	char *argv = golden_xmalloc(N * (L + 1)), *text, *l0, *l1, *want;
	const char *args[N];
	size_t lens[N];
	struct parsed_execve p;
	int records, i;

	(void)state;
	for (i = 0; i < N; i++) {
		memset(argv + i * (L + 1), 'z', L);
		argv[i * (L + 1) + L] = '\0';
		args[i] = argv + i * (L + 1);
		lens[i] = L;
	}
	text = run_execve(argv, N * (L + 1), N, &records);
	assert_int_equal(records, 2);
	/*
	 * a0..a9 take 56 bytes each, a10..a99 57 and a100.. 58: 128 bytes
	 * are left before a129, too few for it with a 96-byte header, so it
	 * is written as a129_len=50 a129[0]="..." and a130 opens the next
	 * record (55 bytes left, fewer than 104).
	 */
	l0 = line_of(text, 0);
	l1 = line_of(text, 1);
	want = golden_xmalloc(64 + L);
	strcpy(want, " a128=\"");
	memset(want + strlen(want), 'z', L);
	strcpy(want + 7 + L, "\" a129_len=50 a129[0]=\"");
	assert_non_null(strstr(l0, want));
	assert_int_equal(strlen(l0) - strlen(EXECVE_PREFIX "argc=200"),
			 MAX_EXECVE_AUDIT_LEN - 55);
	assert_memory_equal(l1, EXECVE_PREFIX " a130=\"",
			    strlen(EXECVE_PREFIX " a130=\""));
	assert_null(strstr(l1, "a129"));
	free(want);
	free(l0);
	free(l1);
	free(text);

	roundtrip(args, lens, N, &p);
	assert_int_equal(p.records, 2);
	assert_true(p.args[129].pieces);
	assert_int_equal(p.args[129].npieces, 1);
	for (i = 0; i < N; i++)
		if (i != 129 && p.args[i].pieces)
			fail_msg("a%d written in pieces", i);
	parsed_free(&p);
	free(argv);
}

static void test_execve_many_records(void **state)
{
	enum { N = 3000 };
	char *argv = golden_xmalloc(N * 16);
	const char *args[N];
	size_t lens[N], off = 0;
	struct parsed_execve p;
	int i;

	(void)state;
	/* Mixed lengths and encodings over many records. */
	for (i = 0; i < N; i++) {
		int n = snprintf(argv + off, 16, i % 7 ? "arg%d" : "a %d", i);

		args[i] = argv + off;
		lens[i] = n;
		off += n + 1;
	}
	roundtrip(args, lens, N, &p);
	assert_true(p.records > 3);
	parsed_free(&p);
	free(argv);
}

static void test_execve_mixed_long_and_short(void **state)
{
	char *big = golden_xmalloc(9000), *mid = golden_xmalloc(7404);
	const char *args[6];
	size_t lens[6];
	struct parsed_execve p;

	(void)state;
	memset(big, 'b', 9000);
	memset(mid, 'm', 7404);
	args[0] = "/usr/bin/prog";
	lens[0] = 13;
	args[1] = mid;
	lens[1] = 7404;
	args[2] = "x y";
	lens[2] = 3;
	args[3] = big;
	lens[3] = 9000;
	args[4] = "";
	lens[4] = 0;
	args[5] = "end";
	lens[5] = 3;
	roundtrip(args, lens, 6, &p);
	assert_true(p.args[1].pieces);
	assert_false(p.args[1].hex);
	assert_true(p.args[2].hex);
	assert_false(p.args[2].pieces);
	assert_true(p.args[3].pieces);
	assert_true(p.args[3].hex);
	assert_false(p.args[5].pieces);
	parsed_free(&p);
	free(big);
	free(mid);
}

static void test_execve_control_char_in_long_arg(void **state)
{
	char *arg = golden_xmalloc(9000);
	const char *args[2];
	size_t lens[2];
	struct parsed_execve p;

	(void)state;
	/* 7000 bytes with a newline near the end: one read, all of it hex. */
	memset(arg, 'a', 7000);
	arg[6000] = '\n';
	args[0] = "sh";
	lens[0] = 2;
	args[1] = arg;
	lens[1] = 7000;
	roundtrip(args, lens, 2, &p);
	assert_true(p.args[1].hex);
	assert_true(p.args[1].pieces);
	assert_int_equal(p.args[1].len_field, 14000);
	assert_int_equal(p.args[1].npieces, 2);
	assert_false(p.args[0].hex);
	parsed_free(&p);

	/* A control byte beyond the first 7500 of a longer argument. */
	memset(arg, 'a', 9000);
	arg[8999] = '\t';
	lens[1] = 9000;
	roundtrip(args, lens, 2, &p);
	assert_true(p.args[1].hex);
	parsed_free(&p);

	/* A short argument with a tab. */
	args[1] = "a\tb";
	lens[1] = 3;
	roundtrip(args, lens, 2, &p);
	assert_true(p.args[1].hex);
	assert_false(p.args[1].pieces);
	parsed_free(&p);
	free(arg);
}

static void test_execve_short_capture(void **state)
{
	char *text;
	int records;

	(void)state;
	/* argc claims more than was captured: the list just ends. */
	text = run_execve("a\0b\0", 4, 5, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=5 a0=\"a\" a1=\"b\"\n");
	assert_int_equal(records, 1);
	free(text);
	/* The last argument was cut: what there is, is written. */
	text = run_execve("a\0bc", 4, 2, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=2 a0=\"a\" a1=\"bc\"\n");
	free(text);
	text = run_execve("a\0bc", 4, 9, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=9 a0=\"a\" a1=\"bc\"\n");
	free(text);
	text = run_execve("a\0bc", 4, 1, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=1 a0=\"a\"\n");
	free(text);
	text = run_execve("", 0, 3, &records);
	assert_string_equal(text, EXECVE_PREFIX "argc=3\n");
	assert_int_equal(records, 1);
	free(text);
}

/* Parses @text; returns how many bytes of 'x' argument 0 read back as. */
static size_t cut_arg_len(const char *text)
{
	struct parsed_execve p;
	size_t i, n;

	parse_execve(text, &p);
	check_budget(&p);
	assert_int_equal(p.nargs, 1);
	n = p.args[0].len;
	for (i = 0; i < n; i++)
		assert_int_equal(p.args[0].data[i], 'x');
	parsed_free(&p);
	return n;
}

/* @n bytes of 'x', no NUL, as argv with argc=1: all @n must be written. */
static void check_cut_arg(size_t n)
{
	char *argv = golden_xmalloc(n), *text;
	int records;
	size_t got;

	memset(argv, 'x', n);
	text = run_execve(argv, n, 1, &records);
	got = cut_arg_len(text);
	free(text);
	free(argv);
	if (got != n)
		fail_msg("a0 has %zu of the %zu captured bytes", got, n);
}

static void test_execve_short_capture_long_arg(void **state)
{
	(void)state;
	/* 10000 bytes of a longer argument, no NUL: all 10000 written. */
	check_cut_arg(10000);
	check_cut_arg(7499);
	check_cut_arg(7501);
}

/*
 * The capture ends exactly where a 7500-byte read ends (argv_max cut
 * inside a long argument): the bytes already read must still be written.
 */
static void test_execve_short_capture_at_read_boundary(void **state)
{
	(void)state;
	check_cut_arg(7500);
	/* The second read boundary: 7500 + 3740. */
	check_cut_arg(11240);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_elf),
		cmocka_unit_test(test_watch_rename_replacing),
		cmocka_unit_test(test_watch_rename_refused),
		cmocka_unit_test(test_watch_symlink),
		cmocka_unit_test(test_watch_open_creat),
		cmocka_unit_test(test_exec_appends),
		cmocka_unit_test(test_exec_script),
		cmocka_unit_test(test_exec_script_unknown_file),
		cmocka_unit_test(test_exec_static_binary),
		cmocka_unit_test(test_exec_failed),
		cmocka_unit_test(test_exec_failed_ignores_argv),
		cmocka_unit_test(test_exec_failed_target_exists),
		cmocka_unit_test(test_success_boundary),
		cmocka_unit_test(test_partial_fields),
		cmocka_unit_test(test_partial_missing_fields),
		cmocka_unit_test(test_truncation_and_fault_flags),
		cmocka_unit_test(test_exe_missing),
		cmocka_unit_test(test_second_path_budget),
		cmocka_unit_test(test_tty_and_comm),
		cmocka_unit_test(test_devices_and_modes),
		cmocka_unit_test(test_cwd_encodings),
		cmocka_unit_test(test_no_header_or_unknown_kind),
		cmocka_unit_test(test_record_start),
		cmocka_unit_test(test_join_path),
		cmocka_unit_test(test_join_path_deep),
		cmocka_unit_test(test_proctitle_basic),
		cmocka_unit_test(test_proctitle_trims_trailing_unprintables),
		cmocka_unit_test(test_proctitle_truncated_to_128),
		cmocka_unit_test(test_proctitle_failed_exec_source),
		cmocka_unit_test(test_proctitle_rtrim_latin1_printable),
		cmocka_unit_test(test_proctitle_nul_only_is_quoted_null),
		cmocka_unit_test(test_execve_argc0),
		cmocka_unit_test(test_execve_empty_arg),
		cmocka_unit_test(test_execve_golden),
		cmocka_unit_test(test_execve_record_boundaries),
		cmocka_unit_test(test_execve_7499),
		cmocka_unit_test(test_execve_7500),
		cmocka_unit_test(test_execve_7501),
		cmocka_unit_test(test_execve_20000),
		cmocka_unit_test(test_execve_many_small_args),
		cmocka_unit_test(test_execve_many_records),
		cmocka_unit_test(test_execve_mixed_long_and_short),
		cmocka_unit_test(test_execve_control_char_in_long_arg),
		cmocka_unit_test(test_execve_short_capture),
		cmocka_unit_test(test_execve_short_capture_long_arg),
		cmocka_unit_test(test_execve_short_capture_at_read_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
