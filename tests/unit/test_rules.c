// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/rules.c: valid rules with the parsed result and
 * their auditctl -l listing, invalid rules with their exact "FILE:LINE:
 * reason" text and the rule set left as it was, -D/-A/-d/-W/-e semantics,
 * warnings, the rules.d merge and every example file of rules/.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rules.h"

#ifndef RULES_EXAMPLES_DIR
#error "RULES_EXAMPLES_DIR: the rules/ directory of the source tree"
#endif

#define NAME	"t.rules"
#define NCAPTURED 65	/* syscalls in wire.h's BA_*_SYSCALLS lists */

static char err[RULE_ERR_MAX];

static int parse(const char *text, struct ruleset *rs, struct strbuf *warn)
{
	err[0] = '\0';
	return rules_parse_buffer(NAME, text, strlen(text), rs, warn, err,
				  sizeof(err));
}

static char *list_text(const struct ruleset *rs)
{
	struct strbuf sb;

	strbuf_init(&sb);
	rules_list(rs, &sb);
	assert_false(sb.failed);
	return sb.buf;
}

static void assert_listing(const struct ruleset *rs, const char *want)
{
	char *got = list_text(rs);

	assert_string_equal(got, want);
	free(got);
}

static void parse_ok(const char *text, struct ruleset *rs)
{
	ruleset_init(rs);
	if (parse(text, rs, NULL))
		fail_msg("unexpected error: %s", err);
}

/* @text parses alone and lists as @want. */
static void expect_list(const char *text, const char *want)
{
	struct ruleset rs;

	parse_ok(text, &rs);
	assert_listing(&rs, want);
	ruleset_free(&rs);
}

/*
 * @text fails with exactly @msg, on top of a rule set that holds rules,
 * a -e value and warnings, none of which may change.
 */
static void expect_error(const char *text, const char *msg)
{
	static const char base[] = "-a always,exit -S execve -k base\n"
				   "-w /etc/passwd -p wa -k identity\n"
				   "-b 10\n-e 1\n";
	struct ruleset rs;
	struct strbuf warn;
	char *before, *warned;

	strbuf_init(&warn);
	ruleset_init(&rs);
	if (parse(base, &rs, &warn))
		fail_msg("unexpected error: %s", err);
	rs.files = 7;
	before = list_text(&rs);
	strbuf_adds(&warn, "earlier\n");
	warned = strdup(warn.buf);
	assert_int_equal(parse(text, &rs, &warn), -1);
	assert_string_equal(err, msg);
	assert_listing(&rs, before);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.enabled, 1);
	assert_int_equal(rs.files, 7);
	assert_string_equal(warn.buf, warned);
	free(before);
	free(warned);
	strbuf_free(&warn);
	ruleset_free(&rs);
}

static bool has_syscall(const struct rule *r, int nr)
{
	return r->syscalls[nr / 64] & (1ull << (nr % 64));
}

static int count_syscalls(const struct rule *r)
{
	int nr, n = 0;

	for (nr = 0; nr < BA_SYSCALL_WORDS * 64; nr++)
		n += has_syscall(r, nr);
	return n;
}

static void assert_cond(const struct rule_cond *c, int field,
			enum ba_rule_op op, int64_t value, const char *path)
{
	assert_int_equal(c->field, field);
	assert_int_equal(c->op, op);
	assert_int_equal(c->value, value);
	if (path)
		assert_string_equal(c->path, path);
	else
		assert_null(c->path);
}

/* ---- valid rules: the parsed result ---- */

static void test_exec_rule_parsed(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	(void)state;
	parse_ok("\n# exec\n-a always,exit -F arch=b64 -S execve,execveat "
		 "-F auid>=1000 -F auid!=unset -k exec\n", &rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.enabled, -1);
	assert_int_equal(rs.files, 1);
	r = &rs.rule[0];
	assert_true(r->always);
	assert_false(r->watch);
	assert_true(r->arch_given);
	assert_false(r->all_syscalls);
	assert_int_equal(count_syscalls(r), 2);
	assert_true(has_syscall(r, 59));
	assert_true(has_syscall(r, 322));
	assert_int_equal(r->ncond, 2);
	assert_cond(&r->cond[0], BA_RF_AUID, BA_RO_GE, 1000, NULL);
	assert_cond(&r->cond[1], BA_RF_AUID, BA_RO_NE, 4294967295ll, NULL);
	assert_string_equal(r->key, "exec");
	assert_string_equal(r->origin, NAME);
	assert_int_equal(r->line, 3);
	assert_listing(&rs, "-a always,exit -F arch=b64 -S execve,execveat "
			    "-F auid>=1000 -F auid!=-1 -F key=exec\n");
	ruleset_free(&rs);
}

static void test_watch_parsed(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	(void)state;
	parse_ok("-w /etc/passwd -p wa -k identity\n"
		 "-w /etc/ -k a -k b\n"
		 "-w /nonexistent/dir/ -p r\n"
		 "-w /nonexistent/file\n", &rs);
	assert_int_equal(rs.n, 4);
	r = &rs.rule[0];
	assert_true(r->watch);
	assert_true(r->always);
	assert_true(r->all_syscalls);
	assert_false(r->arch_given);
	assert_int_equal(count_syscalls(r), NCAPTURED);
	assert_true(has_syscall(r, 9));		/* mmap */
	assert_true(has_syscall(r, 176));	/* delete_module */
	assert_int_equal(r->ncond, 2);
	assert_cond(&r->cond[0], RULE_F_PATH, BA_RO_EQ, 0, "/etc/passwd");
	assert_cond(&r->cond[1], RULE_F_PERM, BA_RO_EQ,
		    RULE_PERM_WRITE | RULE_PERM_ATTR, NULL);
	assert_string_equal(r->key, "identity");
	/* an existing directory, default permissions, two keys */
	r = &rs.rule[1];
	assert_cond(&r->cond[0], RULE_F_DIR, BA_RO_EQ, 0, "/etc");
	assert_cond(&r->cond[1], RULE_F_PERM, BA_RO_EQ, 15, NULL);
	assert_string_equal(r->key, "a\001b");
	/* a trailing '/' says directory even when there is none yet */
	r = &rs.rule[2];
	assert_cond(&r->cond[0], RULE_F_DIR, BA_RO_EQ, 0, "/nonexistent/dir");
	assert_cond(&r->cond[1], RULE_F_PERM, BA_RO_EQ, RULE_PERM_READ, NULL);
	assert_cond(&rs.rule[3].cond[0], RULE_F_PATH, BA_RO_EQ, 0,
		    "/nonexistent/file");
	assert_listing(&rs, "-w /etc/passwd -p wa -k identity\n"
			    "-w /etc -p rwxa -k a -k b\n"
			    "-w /nonexistent/dir/ -p r\n"
			    "-w /nonexistent/file -p rwxa\n");
	ruleset_free(&rs);
}

static void test_values_parsed(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	(void)state;
	parse_ok("-a never,exit -S ptrace -F exit=-EPERM -F a0=-1 "
		 "-F a1&=0x10 -F uid=root -F gid=root -F ses=unset "
		 "-F success=0 -F exit=4294967294 -F pid=010 "
		 "-F exe=/usr/bin/gdb -F a2&3 -F exit=EPERM\n", &rs);
	r = &rs.rule[0];
	assert_false(r->always);
	assert_int_equal(count_syscalls(r), 1);
	assert_true(has_syscall(r, 101));
	assert_int_equal(r->ncond, 12);
	assert_cond(&r->cond[0], BA_RF_EXIT, BA_RO_EQ, -1, NULL);
	assert_cond(&r->cond[1], BA_RF_A0, BA_RO_EQ, 4294967295ll, NULL);
	assert_cond(&r->cond[2], BA_RF_A1, BA_RO_ANDEQ, 16, NULL);
	assert_cond(&r->cond[3], BA_RF_UID, BA_RO_EQ, 0, NULL);
	assert_cond(&r->cond[4], BA_RF_GID, BA_RO_EQ, 0, NULL);
	assert_cond(&r->cond[5], BA_RF_SES, BA_RO_EQ, 4294967295ll, NULL);
	assert_cond(&r->cond[6], BA_RF_SUCCESS, BA_RO_EQ, 0, NULL);
	assert_cond(&r->cond[7], BA_RF_EXIT, BA_RO_EQ, -2, NULL);
	assert_cond(&r->cond[8], BA_RF_PID, BA_RO_EQ, 8, NULL);
	assert_cond(&r->cond[9], BA_RF_EXE, BA_RO_EQ, 0, "/usr/bin/gdb");
	assert_cond(&r->cond[10], BA_RF_A2, BA_RO_AND, 3, NULL);
	assert_cond(&r->cond[11], BA_RF_EXIT, BA_RO_EQ, 1, NULL);
	assert_string_equal(r->key, "");
	ruleset_free(&rs);
}

static void test_every_field_and_operator(void **state)
{
	struct ruleset rs;
	const struct rule *r;

	(void)state;
	parse_ok("-a always,exit -S setuid -F uid=1 -F euid!=2 -F suid<3 "
		 "-F fsuid>4 -F gid<=5 -F egid>=6 -F sgid=7 -F fsgid=8 "
		 "-F loginuid=9 -F sessionid=10 -F ppid=11 -F a3<=12 "
		 "-F success!=1 -F exe!=/x -F key=k\n", &rs);
	r = &rs.rule[0];
	assert_int_equal(r->ncond, 14);
	assert_cond(&r->cond[0], BA_RF_UID, BA_RO_EQ, 1, NULL);
	assert_cond(&r->cond[1], BA_RF_EUID, BA_RO_NE, 2, NULL);
	assert_cond(&r->cond[2], BA_RF_SUID, BA_RO_LT, 3, NULL);
	assert_cond(&r->cond[3], BA_RF_FSUID, BA_RO_GT, 4, NULL);
	assert_cond(&r->cond[4], BA_RF_GID, BA_RO_LE, 5, NULL);
	assert_cond(&r->cond[5], BA_RF_EGID, BA_RO_GE, 6, NULL);
	assert_cond(&r->cond[6], BA_RF_SGID, BA_RO_EQ, 7, NULL);
	assert_cond(&r->cond[7], BA_RF_FSGID, BA_RO_EQ, 8, NULL);
	assert_cond(&r->cond[8], BA_RF_AUID, BA_RO_EQ, 9, NULL);
	assert_cond(&r->cond[9], BA_RF_SES, BA_RO_EQ, 10, NULL);
	assert_cond(&r->cond[10], BA_RF_PPID, BA_RO_EQ, 11, NULL);
	assert_cond(&r->cond[11], BA_RF_A3, BA_RO_LE, 12, NULL);
	assert_cond(&r->cond[12], BA_RF_SUCCESS, BA_RO_NE, 1, NULL);
	assert_cond(&r->cond[13], BA_RF_EXE, BA_RO_NE, 0, "/x");
	assert_string_equal(r->key, "k");
	assert_listing(&rs, "-a always,exit -S setuid -F uid=1 -F euid!=2 "
			    "-F suid<3 -F fsuid>4 -F gid<=5 -F egid>=6 "
			    "-F sgid=7 -F fsgid=8 -F auid=9 -F sessionid=10 "
			    "-F ppid=11 -F a3<=0xC -F success!=1 -F exe!=/x "
			    "-F key=k\n");
	ruleset_free(&rs);
}

static void test_all_syscalls(void **state)
{
	struct ruleset rs;

	(void)state;
	parse_ok("-a always,exit -F arch=b64 -S all -k a\n"
		 "-a always,exit -F auid=0 -S execve -S all -k b\n"
		 "-a never,exit -F auid=5\n", &rs);
	assert_true(rs.rule[0].all_syscalls);
	assert_int_equal(count_syscalls(&rs.rule[0]), NCAPTURED);
	assert_true(rs.rule[1].all_syscalls);
	/* no -S: every syscall, as auditctl adds -S all */
	assert_true(rs.rule[2].all_syscalls);
	assert_int_equal(count_syscalls(&rs.rule[2]), NCAPTURED);
	assert_false(rs.rule[2].arch_given);
	assert_listing(&rs, "-a always,exit -F arch=b64 -S all -F key=a\n"
			    "-a always,exit -S all -F auid=0 -F key=b\n"
			    "-a never,exit -S all -F auid=5\n");
	ruleset_free(&rs);
}

/* ---- valid rules: the listing ---- */

static void test_listing(void **state)
{
	static const char *const cases[][2] = {
		{ "-a exit,always -S execve",
		  "-a always,exit -S execve\n" },
		{ "-S execve -S connect -a always,exit",
		  "-a always,exit -S connect,execve\n" },
		{ "-a always,exit -S 59,322,9",
		  "-a always,exit -S mmap,execve,execveat\n" },
		{ "-a always,exit -F arch=x86_64 -S bind",
		  "-a always,exit -F arch=b64 -S bind\n" },
		{ "-a always,exit -F arch=0xc000003e -S listen,accept,accept4",
		  "-a always,exit -F arch=b64 -S accept,listen,accept4\n" },
		{ "-a always,exit -S setuid,setgid,setreuid,setregid,"
		  "setresuid,setresgid,setfsuid,setfsgid,capset,ptrace",
		  "-a always,exit -S ptrace,setuid,setgid,setreuid,setregid,"
		  "setresuid,setresgid,setfsuid,setfsgid,capset\n" },
		{ "-a always,exit -S init_module,finit_module,delete_module,"
		  "bpf,mprotect",
		  "-a always,exit -S mprotect,init_module,delete_module,"
		  "finit_module,bpf\n" },
		{ "-A always,exit -Sexecve -Fuid=0 -kx",
		  "-a always,exit -S execve -F uid=0 -F key=x\n" },
		{ "-a always,exit -S connect -F exit=-EACCES -F exit!=-2 "
		  "-F exit<5 -F exit>=-2147483648",
		  "-a always,exit -S connect -F exit=-EACCES -F exit!=-ENOENT "
		  "-F exit<5 -F exit>=-2147483648\n" },
		{ "-a always,exit -S ptrace -F a0=16 -F a1&=3 -F a2&0x10 "
		  "-F a3!=-1",
		  "-a always,exit -S ptrace -F a0=0x10 -F a1&=0x3 "
		  "-F a2&0x10 -F a3!=0xFFFFFFFF\n" },
		{ "-a always,exit -S all -F uid=4294967294 -F auid=unset",
		  "-a always,exit -S all -F uid=-2 -F auid=-1\n" },
		{ "-a always,exit -F path=/usr/bin/sudo -F perm=x "
		  "-F auid>=1000 -F auid!=unset -k privileged",
		  "-a always,exit -S all -F path=/usr/bin/sudo -F perm=x "
		  "-F auid>=1000 -F auid!=-1 -F key=privileged\n" },
		/* what auditctl -l shows as a watch, whoever wrote it */
		{ "-a always,exit -F path=/etc/shadow -F perm=aw -F key=x",
		  "-w /etc/shadow -p wa -k x\n" },
		{ "-a always,exit -S all -F dir=/etc/ -F perm=R -k k1 -k k2",
		  "-w /etc -p r -k k1 -k k2\n" },
		{ "-a never,exit -F path=/etc/shadow -F perm=w",
		  "-a never,exit -S all -F path=/etc/shadow -F perm=w\n" },
		{ "-a always,exit -F dir=/nonexistent/d -F success=1",
		  "-a always,exit -S all -F dir=/nonexistent/d "
		  "-F success=1\n" },
		{ "-w /nonexistent/x -p wa -F auid>=1000 -k k",
		  "-a always,exit -S all -F path=/nonexistent/x -F perm=wa "
		  "-F auid>=1000 -F key=k\n" },
		{ "-w /etc/shadow -p x -p w",
		  "-w /etc/shadow -p w\n" },
		{ "-w /etc/shadow -F perm=r",
		  "-w /etc/shadow -p r\n" },
		{ "-w / -k root",
		  "-w / -p rwxa -k root\n" },
		{ "\t -a\talways,exit \t-S\texecve  \r",
		  "-a always,exit -S execve\n" },
		{ "-w /tmp/a\\ b\\\\c\\d -k key\\ with\\ blanks\\\\",
		  "-w /tmp/a\\ b\\c\\d -p rwxa -k key\\ with\\ blanks\\\\\n" },
		{ "-a always,exit -S all -F exe=/usr/bin/a=b -k a#b",
		  "-a always,exit -S all -F exe=/usr/bin/a=b -F key=a#b\n" },
		{ "-a always,exit -S all -k -dash",
		  "-a always,exit -S all -F key=-dash\n" },
		{ "# comment\n   # indented comment\n\n \t \n", "No rules\n" },
		{ "", "No rules\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i][0]);
		expect_list(cases[i][0], cases[i][1]);
	}
}

/* What rules_list() writes reads back to the same rules. */
static void test_listing_reads_back(void **state)
{
	struct ruleset rs, again;
	char *first, *second;

	(void)state;
	parse_ok("-a always,exit -F arch=b64 -S execve -F euid=0 "
		 "-F auid>=1000 -F auid!=unset -k a -k b\n"
		 "-a never,exit -S all -F exit=-EPERM -F a0&=0x3 -F exe=/x\n"
		 "-w /etc/sudoers.d/ -p wa -k scope\n"
		 "-w /nonexistent/dir/ -p x\n"
		 "-w /tmp/with\\ blank\\\\ -p r -k k\\\\\n"
		 "-a always,exit -F path=/usr/bin/su -F perm=x -F uid=5\n",
		 &rs);
	first = list_text(&rs);
	parse_ok(first, &again);
	second = list_text(&again);
	assert_string_equal(first, second);
	assert_int_equal(again.n, rs.n);
	assert_int_equal(again.rule[3].cond[0].field, RULE_F_DIR);
	assert_string_equal(again.rule[4].cond[0].path, "/tmp/with blank\\");
	assert_string_equal(again.rule[4].key, "k\\");
	free(first);
	free(second);
	ruleset_free(&rs);
	ruleset_free(&again);
}

/* ---- limits ---- */

static void test_key_length(void **state)
{
	char text[1024], k128[129], k127[128];
	struct ruleset rs;

	(void)state;
	memset(k128, 'k', 128);
	k128[128] = '\0';
	memset(k127, 'j', 127);
	k127[127] = '\0';
	/* 128 + separator + 127 = 256: fits */
	snprintf(text, sizeof(text), "-w /x -k %s -k %s\n", k128, k127);
	parse_ok(text, &rs);
	assert_int_equal(strlen(rs.rule[0].key), RULE_KEY_MAX);
	ruleset_free(&rs);
	snprintf(text, sizeof(text), "-w /x -k %s -F key=%s\n", k128, k128);
	expect_error(text, NAME ":1: key too long (max 256 bytes)");
	snprintf(text, sizeof(text), "-w /x -k %s%s%s\n", k128, k128, "k");
	expect_error(text, NAME ":1: key too long (max 256 bytes)");
}

static void test_condition_limit(void **state)
{
	char text[1024];
	struct ruleset rs;
	int i;

	(void)state;
	strcpy(text, "-a always,exit -F arch=b64 -S execve -k key");
	for (i = 0; i < BA_RULE_CONDS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " -F uid!=%d", i);
	/* arch and keys are no conditions */
	parse_ok(text, &rs);
	assert_int_equal(rs.rule[0].ncond, BA_RULE_CONDS);
	ruleset_free(&rs);
	strcat(text, " -F pid=1");
	expect_error(text, NAME ":1: too many conditions (max 16)");
	/* a watch's path and perm count */
	strcpy(text, "-w /x");
	for (i = 0; i < BA_RULE_CONDS - 1; i++)
		strcat(text, " -F auid=1");
	expect_error(text, NAME ":1: too many conditions (max 16)");
}

static void test_rule_limit(void **state)
{
	struct strbuf sb;
	struct ruleset rs;
	int i;

	(void)state;
	strbuf_init(&sb);
	for (i = 0; i < BA_RULES_MAX; i++)
		strbuf_printf(&sb, "-a always,exit -S execve -F pid=%d\n", i);
	parse_ok(sb.buf, &rs);
	assert_int_equal(rs.n, BA_RULES_MAX);
	ruleset_free(&rs);
	strbuf_adds(&sb, "-a always,exit -S execve -F pid=999999\n");
	ruleset_init(&rs);
	assert_int_equal(parse(sb.buf, &rs, NULL), -1);
	assert_string_equal(err, NAME ":257: too many rules (max 256)");
	assert_int_equal(rs.n, 0);
	/* on top of expect_error()'s two rules */
	expect_error(sb.buf, NAME ":255: too many rules (max 256)");
	/* -D makes room again */
	strbuf_reset(&sb);
	for (i = 0; i < BA_RULES_MAX; i++)
		strbuf_printf(&sb, "-w /x%d\n", i);
	strbuf_adds(&sb, "-D\n-w /y\n");
	parse_ok(sb.buf, &rs);
	assert_int_equal(rs.n, 1);
	ruleset_free(&rs);
	strbuf_free(&sb);
}

static void test_line_limits(void **state)
{
	char *text = malloc(RULE_LINE_MAX + 64);
	struct ruleset rs;
	size_t n;

	(void)state;
	assert_non_null(text);
	/* exactly RULE_LINE_MAX bytes: a comment, fine */
	memset(text, ' ', RULE_LINE_MAX);
	text[0] = '#';
	strcpy(text + RULE_LINE_MAX, "\n-w /x\n");
	parse_ok(text, &rs);
	assert_int_equal(rs.n, 1);
	ruleset_free(&rs);
	text[RULE_LINE_MAX] = ' ';
	strcpy(text + RULE_LINE_MAX + 1, "\n");
	expect_error(text, NAME ":1: line is longer than 8192 bytes");
	free(text);
	/* NUL bytes, and a buffer that ends without newline or NUL */
	ruleset_init(&rs);
	assert_int_equal(rules_parse_buffer(NAME, "-w /x\n-w /y\0z\n", 14, &rs,
					    NULL, err, sizeof(err)), -1);
	assert_string_equal(err, NAME ":2: line contains a NUL byte");
	assert_int_equal(rules_parse_buffer(NAME, "-w /abcdef", 6, &rs, NULL,
					    err, sizeof(err)), 0);
	assert_string_equal(rs.rule[0].cond[0].path, "/ab");
	n = rs.n;
	assert_int_equal(n, 1);
	ruleset_free(&rs);
}

/* ---- invalid rules ---- */

static void test_errors(void **state)
{
	static const char *const cases[][2] = {
		/* syscalls */
		{ "-a always,exit -S stat", "syscall stat is not captured by "
		  "bpfaudit" },
		{ "-a always,exit -S execve,lstat,connect", "syscall lstat is "
		  "not captured by bpfaudit" },
		{ "-a always,exit -S 4", "syscall 4 (stat) is not captured by "
		  "bpfaudit" },
		{ "-a always,exit -S 9999", "syscall 9999 is not captured by "
		  "bpfaudit" },
		{ "-a always,exit -S nosuchcall", "unknown syscall "
		  "'nosuchcall'" },
		{ "-a always,exit -S -1", "unknown syscall '-1'" },
		{ "-a always,exit -S execve,", "empty syscall name in -S" },
		{ "-a always,exit -S", "missing value for -S" },
		/* arch */
		{ "-a always,exit -F arch=b32 -S execve", "arch b32: bpfaudit "
		  "captures 64-bit (x86_64) syscalls only" },
		{ "-a always,exit -F arch=i386 -S execve", "arch i386: bpfaudit "
		  "captures 64-bit (x86_64) syscalls only" },
		{ "-a always,exit -F arch=0x40000003", "arch 0x40000003: "
		  "bpfaudit captures 64-bit (x86_64) syscalls only" },
		{ "-a always,exit -F arch=aarch64", "arch aarch64: bpfaudit "
		  "captures 64-bit (x86_64) syscalls only" },
		{ "-a always,exit -F arch=vax", "unknown arch 'vax'" },
		{ "-a always,exit -F arch!=b64", "field arch takes only =" },
		{ "-a always,exit -S execve -F arch=b64", "-F arch must come "
		  "before -S and -w" },
		{ "-w /x -F arch=b64", "-F arch must come before -S and -w" },
		/* fields and operators */
		{ "-a always,exit -F foo=1", "unknown field 'foo'" },
		{ "-a always,exit -F subj_type=x", "field subj_type is not "
		  "supported by bpfaudit" },
		{ "-a always,exit -F msgtype=CWD", "field msgtype is not "
		  "supported by bpfaudit" },
		{ "-a always,exit -F exe>/x", "field exe takes only = and !=" },
		{ "-a always,exit -S all -F key!=x", "field key takes only =" },
		{ "-a always,exit -F success>0", "field success takes only = "
		  "and !=" },
		{ "-a always,exit -F path!=/x", "field path takes only =" },
		{ "-a always,exit -F perm&=w", "field perm takes only =" },
		{ "-a always,exit -F uid&1", "field uid takes only =, !=, <, >, "
		  "<= and >=" },
		{ "-a always,exit -F exit&=1", "field exit takes only =, !=, <, "
		  ">, <= and >=" },
		{ "-a always,exit -F uid", "missing operator in -F uid" },
		{ "-a always,exit -F uid~1", "missing operator in -F uid~1" },
		{ "-a always,exit -F =5", "missing field name in -F =5" },
		{ "-a always,exit -F uid=", "missing value for field uid" },
		{ "-a always,exit -F", "missing value for -F" },
		/* values */
		{ "-a always,exit -F success=2", "field success takes 0 or 1" },
		{ "-a always,exit -F success=yes", "field success: 'yes' is "
		  "not a number" },
		{ "-a always,exit -F uid=nosuchuser", "field uid: unknown user "
		  "'nosuchuser'" },
		{ "-a always,exit -F egid=nosuchgroup", "field egid: unknown "
		  "group 'nosuchgroup'" },
		{ "-a always,exit -F pid=abc", "field pid: 'abc' is not a "
		  "number" },
		{ "-a always,exit -F pid=12abc", "field pid: '12abc' is not a "
		  "number" },
		{ "-a always,exit -F pid=08", "field pid: '08' is not a "
		  "number" },
		{ "-a always,exit -F pid=4294967296", "field pid: 4294967296 is "
		  "out of range" },
		{ "-a always,exit -F a0=-2147483649", "field a0: -2147483649 is "
		  "out of range" },
		{ "-a always,exit -F a0=99999999999999999999999", "field a0: "
		  "99999999999999999999999 is out of range" },
		{ "-a always,exit -F sessionid=x", "field sessionid: 'x' is not "
		  "a number" },
		{ "-a always,exit -F euid=-1", "field euid: -1 (unset) is not a "
		  "valid id" },
		{ "-a always,exit -F fsgid=4294967295", "field fsgid: -1 (unset) "
		  "is not a valid id" },
		{ "-a always,exit -F uid=unset", "field uid: -1 (unset) is not "
		  "a valid id" },
		{ "-a always,exit -F auid<unset", "field auid compares with "
		  "unset (-1) only by = and !=" },
		{ "-a always,exit -F exit=-EFOO", "field exit: unknown errno "
		  "name '-EFOO'" },
		{ "-a always,exit -F exit=4294967296", "field exit: 4294967296 "
		  "is out of range" },
		{ "-a always,exit -F a0=x", "field a0: 'x' is not a number" },
		/* paths */
		{ "-a always,exit -F path=rel", "path: 'rel' is not an absolute "
		  "path" },
		{ "-a always,exit -F dir=rel/", "dir: 'rel/' is not an absolute "
		  "path" },
		{ "-a always,exit -F exe=bin/sh", "exe: 'bin/sh' is not an "
		  "absolute path" },
		{ "-a always,exit -F path=/etc/", "path: '/etc/' ends in '/' "
		  "(use dir=)" },
		{ "-a always,exit -F exe=/usr/bin/", "exe: '/usr/bin/' ends in "
		  "'/'" },
		{ "-a always,exit -F path=/a -F dir=/b", "only one path or dir "
		  "per rule" },
		{ "-w /a -F path=/b", "only one path or dir per rule" },
		{ "-a always,exit -F exe=/a -F exe=/b", "only one exe per "
		  "rule" },
		{ "-a always,exit -S all -F perm=wa", "perm needs a path or dir "
		  "(-w, path=, dir=) in the rule" },
		{ "-a always,exit -S all -p wa", "perm needs a path or dir (-w, "
		  "path=, dir=) in the rule" },
		{ "-w /x -p rwxq", "permission 'q' is not one of r, w, x, a" },
		{ "-w /x -p rwxar", "permission 'rwxar' is too long (rwxa at "
		  "most)" },
		{ "-w x", "watch: 'x' is not an absolute path" },
		{ "-w", "missing value for -w" },
		/* options in the wrong place or combination */
		{ "-w /x -S execve", "-S cannot be used with a watch (-w, -W)" },
		{ "-a always,exit -w /x", "only one of -a, -A, -d, -w and -W per "
		  "rule" },
		{ "-a always,exit -S execve -A always,exit", "only one of -a, "
		  "-A, -d, -w and -W per rule" },
		{ "-S execve -w /x", "a watch cannot follow -S or -F" },
		{ "-W /x -F uid=0", "-W takes only -p and -k" },
		{ "-k foo", "-k needs -S, -w or a path, dir, perm or exe field "
		  "before it" },
		{ "-a always,exit -k foo -S execve", "-k needs -S, -w or a path, "
		  "dir, perm or exe field before it" },
		{ "-a always,exit -F auid=0 -k foo", "-k needs -S, -w or a path, "
		  "dir, perm or exe field before it" },
		{ "-a always,exit -F auid=0 -F key=x", "key= needs -S, -w or a "
		  "path, dir, perm or exe field in the rule" },
		{ "-w /x -k a\001b", "key contains the key separator byte "
		  "\\001" },
		{ "-F uid=0", "-F needs -a, -A, -d or -w before it" },
		{ "-p wa", "-p needs a watch before it" },
		{ "-S execve", "rule has no -a/-A/-w action" },
		{ "-S execve -k x", "-k needs -S, -w or a path, dir, perm or exe "
		  "field before it" },
		{ "-S execve -F key=x", "-F needs -a, -A, -d or -w before it" },
		/* lists and actions */
		{ "-a always,task -S execve", "-a always,task: the task list is "
		  "not supported, bpfaudit filters at syscall exit only" },
		{ "-A exclude,never -F msgtype=CWD", "-A exclude,never: the "
		  "exclude list is not supported, bpfaudit filters at syscall "
		  "exit only" },
		{ "-a user,always", "-a user,always: the user list is not "
		  "supported, bpfaudit filters at syscall exit only" },
		{ "-a always,filesystem -F fstype=tmpfs", "-a always,filesystem: "
		  "the filesystem list is not supported, bpfaudit filters at "
		  "syscall exit only" },
		{ "-a always", "-a takes always,exit or never,exit, not "
		  "'always'" },
		{ "-a possible,exit", "-a takes always,exit or never,exit, not "
		  "'possible,exit'" },
		{ "-a always,entry", "-a takes always,exit or never,exit, not "
		  "'always,entry'" },
		{ "-a exit,exit", "-a takes always,exit or never,exit, not "
		  "'exit,exit'" },
		{ "-d always,exit -S bind", "-d: no rule matches" },
		{ "-a", "missing value for -a" },
		/* commands and settings */
		{ "-e 3", "-e takes 0, 1 or 2" },
		{ "-e 01", "-e takes 0, 1 or 2" },
		{ "-e", "missing value for -e" },
		{ "-e 1 -D", "-e must be alone on its line" },
		{ "-e 1 -b 5", "-e must be alone on its line" },
		{ "-D -a always,exit -S execve", "-D must be alone on its "
		  "line" },
		{ "-a always,exit -S execve -D", "-D must be alone on its "
		  "line" },
		{ "-Dx", "unknown option '-Dx'" },
		{ "-b x", "-b takes a number, not 'x'" },
		{ "-b", "missing value for -b" },
		{ "-r -5", "-r takes a number, not '-5'" },
		{ "-f 3", "-f takes 0, 1 or 2" },
		{ "--backlog_wait_time=x", "--backlog_wait_time takes a number, "
		  "not 'x'" },
		{ "--backlog_wait_time", "missing value for "
		  "--backlog_wait_time" },
		{ "-C euid!=uid", "-C (field comparison) is not supported by "
		  "bpfaudit" },
		{ "-l", "-l cannot be used in a rule file" },
		{ "-s", "-s cannot be used in a rule file" },
		{ "-R /etc/audit/audit.rules", "-R cannot be used in a rule "
		  "file" },
		{ "--signal TERM", "--signal cannot be used in a rule file" },
		{ "-x", "unknown option '-x'" },
		{ "--foo", "unknown option '--foo'" },
		{ "-", "unexpected argument '-'" },
		{ "always,exit", "unexpected argument 'always,exit'" },
		{ "-a always,exit -S execve extra", "unexpected argument "
		  "'extra'" },
		{ "-a always,exit -S execve # comment", "unexpected argument "
		  "'#'" },
	};
	char msg[RULE_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i][0]);
		snprintf(msg, sizeof(msg), NAME ":1: %s", cases[i][1]);
		expect_error(cases[i][0], msg);
	}
}

/* The error names the failing line; the lines before it are undone too. */
static void test_error_line_and_rollback(void **state)
{
	(void)state;
	expect_error("-D\n-w /etc/hosts -k h\n-b 5\n-e 0\n\n"
		     "-a always,exit -S stat\n",
		     NAME ":6: syscall stat is not captured by bpfaudit");
	expect_error("-a always,exit -S execve\n-a always,exit -S execve\n",
		     NAME ":2: rule exists already (t.rules:1)");
	expect_error("# x\n-a always,exit -S execve -k base\n",
		     NAME ":2: rule exists already (t.rules:1)");
	expect_error("-w /etc/passwd -p wa -k identity\n",
		     NAME ":1: rule exists already (t.rules:2)");
}

static void test_small_or_null_err(void **state)
{
	struct ruleset rs;
	char small[8];

	(void)state;
	ruleset_init(&rs);
	memset(small, 'X', sizeof(small));
	assert_int_equal(rules_parse_buffer(NAME, "-x", 2, &rs, NULL, small,
					    sizeof(small)), -1);
	assert_string_equal(small, "t.rules");
	assert_int_equal(rules_parse_buffer(NAME, "-x", 2, &rs, NULL, NULL, 0),
			 -1);
	assert_int_equal(rs.n, 0);
	ruleset_free(&rs);
}

/* ---- semantics ---- */

static void test_delete_all(void **state)
{
	struct ruleset rs;

	(void)state;
	parse_ok("-w /a -k one\n-w /b -k two\n-D\n-w /c -k three\n", &rs);
	assert_listing(&rs, "-w /c -p rwxa -k three\n");
	/* on top of an existing set */
	assert_int_equal(parse("-D\n", &rs, NULL), 0);
	assert_int_equal(rs.n, 0);
	assert_int_equal(parse("-w /a -k one\n-w /b -k tw\n-w /c -k x\n"
			       "-a always,exit -S bind -k o -k y\n"
			       "-w /d\n-D -k o\n", &rs, NULL), 0);
	/* -D -k KEY deletes the rules whose keys contain KEY */
	assert_listing(&rs, "-w /b -p rwxa -k tw\n-w /c -p rwxa -k x\n"
			    "-w /d -p rwxa\n");
	assert_int_equal(parse("-D -k x\n", &rs, NULL), 0);
	assert_listing(&rs, "-w /b -p rwxa -k tw\n-w /d -p rwxa\n");
	ruleset_free(&rs);
}

static void test_prepend(void **state)
{
	(void)state;
	expect_list("-a always,exit -S execve -k 1\n"
		    "-A never,exit -S execve -F uid=0\n"
		    "-a always,exit -S bind -k 3\n"
		    "-A always,exit -S connect -k 4\n",
		    "-a always,exit -S connect -F key=4\n"
		    "-a never,exit -S execve -F uid=0\n"
		    "-a always,exit -S execve -F key=1\n"
		    "-a always,exit -S bind -F key=3\n");
}

static void test_delete_rule(void **state)
{
	struct ruleset rs;

	(void)state;
	parse_ok("-a always,exit -S execve -k a\n"
		 "-a always,exit -S execve -k b\n"
		 "-a never,exit -S execve -k a\n"
		 "-d always,exit -S execve -k b\n", &rs);
	assert_listing(&rs, "-a always,exit -S execve -F key=a\n"
			    "-a never,exit -S execve -F key=a\n");
	/* only an exact match */
	assert_int_equal(parse("-d always,exit -S execve\n", &rs, NULL), -1);
	assert_string_equal(err, NAME ":1: -d: no rule matches");
	assert_int_equal(parse("-d never,exit -S execve -F key=a\n", &rs,
			       NULL), 0);
	assert_listing(&rs, "-a always,exit -S execve -F key=a\n");
	ruleset_free(&rs);
}

static void test_unwatch(void **state)
{
	struct ruleset rs;

	(void)state;
	parse_ok("-w /etc/passwd -p wa -k identity\n"
		 "-w /etc/group -p wa -k identity\n"
		 "-a always,exit -F path=/etc/passwd -F perm=wa -F uid=0\n"
		 "-w /etc/ -p wa\n"
		 "-W /etc/passwd\n", &rs);
	/* the watch is gone, the rule that is no watch stays */
	assert_listing(&rs, "-w /etc/group -p wa -k identity\n"
			    "-a always,exit -S all -F path=/etc/passwd "
			    "-F perm=wa -F uid=0\n"
			    "-w /etc -p wa\n");
	/* -p and -k, when given, must match too */
	assert_int_equal(parse("-W /etc/group -p r\n", &rs, NULL), -1);
	assert_string_equal(err, NAME ":1: -W /etc/group: no rule matches");
	assert_int_equal(parse("-W /etc/group -k other\n", &rs, NULL), -1);
	assert_int_equal(parse("-W /etc/group -p aw -k identity\n", &rs, NULL),
			 0);
	assert_int_equal(parse("-W /etc/\n", &rs, NULL), 0);
	assert_listing(&rs, "-a always,exit -S all -F path=/etc/passwd "
			    "-F perm=wa -F uid=0\n");
	assert_int_equal(parse("-W /etc/passwd\n", &rs, NULL), -1);
	assert_string_equal(err, NAME ":1: -W /etc/passwd: no rule matches");
	ruleset_free(&rs);
}

static void test_enable_and_lock(void **state)
{
	struct ruleset rs;
	struct strbuf warn;

	(void)state;
	strbuf_init(&warn);
	parse_ok("-e 0\n-w /x\n-e 1\n", &rs);
	assert_int_equal(rs.enabled, 1);
	assert_int_equal(parse("-e 2\n-b 8192\n", &rs, &warn), 0);
	assert_int_equal(rs.enabled, 2);
	/* locked: no rule, -D or -e may follow, in this text or a later one */
	assert_int_equal(parse("-w /y\n", &rs, NULL), -1);
	assert_string_equal(err, NAME ":1: the rules are locked (-e 2): no "
				 "change is possible until reboot");
	assert_int_equal(parse("-D\n", &rs, NULL), -1);
	assert_int_equal(parse("-e 1\n", &rs, NULL), -1);
	assert_int_equal(parse("-W /x\n", &rs, NULL), -1);
	assert_int_equal(parse("-e 2\n", &rs, NULL), -1);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.enabled, 2);
	ruleset_free(&rs);
	expect_error("-e 2\n-a always,exit -S bind\n", NAME ":2: the rules "
		     "are locked (-e 2): no change is possible until reboot");
	strbuf_free(&warn);
}

static void test_warnings(void **state)
{
	struct ruleset rs;
	struct strbuf warn;

	(void)state;
	strbuf_init(&warn);
	ruleset_init(&rs);
	assert_int_equal(parse("-b 8192\n-f 1\n-r 0\n--backlog_wait_time "
			       "60000\n--backlog_wait_time=0\n"
			       "--loginuid-immutable\n-i\n-c\n"
			       "-b 320 -a always,exit -S bind\n", &rs, &warn),
			 0);
	assert_string_equal(warn.buf,
		NAME ":1: -b (kernel backlog limit) not applicable to "
		"bpfaudit, ignored\n"
		NAME ":2: -f (kernel failure mode) not applicable to "
		"bpfaudit, ignored\n"
		NAME ":3: -r (kernel rate limit) not applicable to bpfaudit, "
		"ignored\n"
		NAME ":4: --backlog_wait_time (kernel backlog wait time) not "
		"applicable to bpfaudit, ignored\n"
		NAME ":5: --backlog_wait_time (kernel backlog wait time) not "
		"applicable to bpfaudit, ignored\n"
		NAME ":6: --loginuid-immutable (immutable login uids) not "
		"applicable to bpfaudit, ignored\n"
		NAME ":7: -i (ignore errors) not applicable to bpfaudit, "
		"ignored\n"
		NAME ":8: -c (continue after errors) not applicable to "
		"bpfaudit, ignored\n"
		NAME ":9: -b (kernel backlog limit) not applicable to "
		"bpfaudit, ignored\n");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.enabled, -1);
	/* a NULL warn buffer is fine */
	assert_int_equal(parse("-b 1\n", &rs, NULL), 0);
	ruleset_free(&rs);
	strbuf_free(&warn);
}

/* ---- files and directories ---- */

struct fixture {
	char dir[64];
};

static int setup_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_rules.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static void write_file(const struct fixture *f, const char *name,
		       const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static void test_load_dir_order(void **state)
{
	struct fixture *f = *state;
	struct ruleset rs;
	struct strbuf warn;
	char path[256], want[512];

	strbuf_init(&warn);
	write_file(f, "20-b.rules", "-D\n-w /b\n-e 1\n-b 5\n");
	write_file(f, "10-a.rules", "-D\n-w /a\n-e 2\n");
	write_file(f, "10-A.rules", "-w /A\n");
	write_file(f, "99-z.rules", "-a always,exit -S bind\n-D -k k\n");
	write_file(f, "50-k.rules", "-w /k -k k\n");
	/* skipped: not *.rules, hidden, not regular */
	write_file(f, "10-a.rules~", "garbage\n");
	write_file(f, "30-x.conf", "garbage\n");
	write_file(f, ".00-hidden.rules", "garbage\n");
	write_file(f, ".rules", "garbage\n");
	snprintf(path, sizeof(path), "%s/15-dir.rules", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/16-fifo.rules", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);

	ruleset_init(&rs);
	assert_int_equal(parse("-w /old\n", &rs, NULL), 0);
	assert_int_equal(rules_load_dir(f->dir, &rs, &warn, err, sizeof(err)),
			 0);
	/* C order (A before a); a lone -D clears nothing of earlier files,
	 * -D -k does; the last -e wins and locks only after every file */
	assert_listing(&rs, "-w /A -p rwxa\n-w /a -p rwxa\n-w /b -p rwxa\n"
			    "-a always,exit -S bind\n");
	assert_int_equal(rs.files, 5);
	assert_int_equal(rs.enabled, 1);
	snprintf(want, sizeof(want), "%s/10-A.rules", f->dir);
	assert_string_equal(rs.rule[0].origin, want);
	assert_int_equal(rs.rule[2].line, 2);
	snprintf(want, sizeof(want), "%s/20-b.rules:4: -b (kernel backlog "
		 "limit) not applicable to bpfaudit, ignored\n", f->dir);
	assert_string_equal(warn.buf, want);
	ruleset_free(&rs);
	strbuf_free(&warn);
}

static void test_load_dir_error(void **state)
{
	struct fixture *f = *state;
	struct ruleset rs;
	struct strbuf warn;
	char want[512];

	strbuf_init(&warn);
	write_file(f, "10-a.rules", "-w /a\n-b 1\n");
	write_file(f, "20-b.rules", "-w /b\n\n-a always,exit -S stat\n");
	ruleset_init(&rs);
	assert_int_equal(parse("-w /old\n", &rs, NULL), 0);
	strbuf_adds(&warn, "before\n");
	assert_int_equal(rules_load_dir(f->dir, &rs, &warn, err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "%s/20-b.rules:3: syscall stat is not "
		 "captured by bpfaudit", f->dir);
	assert_string_equal(err, want);
	assert_listing(&rs, "-w /old -p rwxa\n");
	assert_string_equal(warn.buf, "before\n");
	/* a rule of one file duplicating another's */
	write_file(f, "20-b.rules", "-w /a\n");
	assert_int_equal(rules_load_dir(f->dir, &rs, NULL, err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "%s/20-b.rules:1: rule exists already "
		 "(%s/10-a.rules:1)", f->dir, f->dir);
	assert_string_equal(err, want);
	ruleset_free(&rs);
	strbuf_free(&warn);
}

static void test_load_dir_missing_or_empty(void **state)
{
	struct fixture *f = *state;
	struct ruleset rs;
	char path[256];

	ruleset_init(&rs);
	assert_int_equal(parse("-w /old\n-e 0\n", &rs, NULL), 0);
	assert_int_equal(rules_load_dir(f->dir, &rs, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(rs.n, 0);
	assert_int_equal(rs.files, 0);
	assert_int_equal(rs.enabled, -1);
	snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(rules_load_dir(path, &rs, NULL, err, sizeof(err)), 0);
	assert_int_equal(rs.files, 0);
	write_file(f, "x.rules", "");
	snprintf(path, sizeof(path), "%s/x.rules", f->dir);
	assert_int_equal(rules_load_dir(path, &rs, NULL, err, sizeof(err)),
			 -1);
	assert_string_equal(err + strlen(path), ": Not a directory");
	ruleset_free(&rs);
}

static void test_parse_file(void **state)
{
	struct fixture *f = *state;
	struct ruleset rs;
	char path[256], want[512];

	ruleset_init(&rs);
	snprintf(path, sizeof(path), "%s/a.rules", f->dir);
	assert_int_equal(rules_parse_file(path, &rs, NULL, err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);
	assert_int_equal(rules_parse_file(f->dir, &rs, NULL, err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "%s: not a regular file", f->dir);
	assert_string_equal(err, want);
	write_file(f, "a.rules", "-w /a\n-e 1\n-w /b -p x\n");
	assert_int_equal(rules_parse_file(path, &rs, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.files, 1);
	assert_string_equal(rs.rule[1].origin, path);
	assert_int_equal(rs.rule[1].line, 3);
	write_file(f, "a.rules", "-w /c\n-w /d -p z\n");
	assert_int_equal(rules_parse_file(path, &rs, NULL, err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "%s:2: permission 'z' is not one of r, "
		 "w, x, a", path);
	assert_string_equal(err, want);
	assert_int_equal(rs.n, 2);
	ruleset_free(&rs);
}

/* Every shipped example loads alone, and all of them merged, cleanly. */
static void test_examples(void **state)
{
	static const char *const files[] = {
		"10-base.rules", "30-exec.rules", "40-network.rules",
		"50-privilege.rules", "60-modules.rules", "70-baseline.rules",
	};
	struct ruleset rs, again;
	struct strbuf warn;
	char path[1024], *text;
	size_t i, total = 0;

	(void)state;
	strbuf_init(&warn);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", RULES_EXAMPLES_DIR,
			 files[i]);
		ruleset_init(&rs);
		if (rules_parse_file(path, &rs, &warn, err, sizeof(err)))
			fail_msg("%s", err);
		total += rs.n;
		ruleset_free(&rs);
	}
	ruleset_init(&rs);
	if (rules_load_dir(RULES_EXAMPLES_DIR, &rs, &warn, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(rs.files, 6);
	assert_int_equal(rs.n, total);
	assert_true(rs.n > 50);
	assert_int_equal(warn.len, 0);
	/* the listing reads back */
	text = list_text(&rs);
	parse_ok(text, &again);
	assert_int_equal(again.n, rs.n);
	free(text);
	ruleset_free(&again);
	ruleset_free(&rs);
	strbuf_free(&warn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_rule_parsed),
		cmocka_unit_test(test_watch_parsed),
		cmocka_unit_test(test_values_parsed),
		cmocka_unit_test(test_every_field_and_operator),
		cmocka_unit_test(test_all_syscalls),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_listing_reads_back),
		cmocka_unit_test(test_key_length),
		cmocka_unit_test(test_condition_limit),
		cmocka_unit_test(test_rule_limit),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_line_and_rollback),
		cmocka_unit_test(test_small_or_null_err),
		cmocka_unit_test(test_delete_all),
		cmocka_unit_test(test_prepend),
		cmocka_unit_test(test_delete_rule),
		cmocka_unit_test(test_unwatch),
		cmocka_unit_test(test_enable_and_lock),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test_setup_teardown(test_load_dir_order, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_dir_error, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_dir_missing_or_empty,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_parse_file, setup_dir,
						teardown_dir),
		cmocka_unit_test(test_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
