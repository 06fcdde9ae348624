// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/rulebank.c: parsed rules become the values the BPF
 * filter compares (ids unsigned 32-bit, exit signed, success 1/0, exe= by
 * inode), the syscalls `always` rules name, the modes, the key ids (shared
 * by equal keys, kept across compilations), watches (ids, watched inodes,
 * the syscalls perm= keeps), and what is refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "rulebank.h"

static char err[RULE_ERR_MAX];

/* Parses @text and compiles it (a rule set is present) into @rb. */
static int compile(const char *text, struct keytab *kt, struct rulebank *rb)
{
	struct ruleset rs;
	int ret;

	ruleset_init(&rs);
	err[0] = '\0';
	if (rules_parse_buffer("t.rules", text, strlen(text), &rs, NULL, err,
			       sizeof(err)))
		fail_msg("parse error: %s", err);
	ret = rulebank_compile(&rs, true, kt, rb, err, sizeof(err));
	ruleset_free(&rs);
	return ret;
}

/* @words: a bitmap of 64-bit words, __u64 or uint64_t */
static bool has_syscall(const void *words, unsigned int nr)
{
	const uint64_t *w = words;

	return w[nr / 64] & (1ull << (nr % 64));
}

static void test_values(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	const struct ba_rule *r;

	(void)state;
	assert_int_equal(compile("-a always,exit -F arch=b64 -S execve"
				 " -F auid>=1000 -F auid!=-1 -F exit=-2"
				 " -F success=0 -F a2&4 -F uid=0 -k k1\n",
				 &kt, &rb), 0);
	assert_int_equal(rb.mode, BA_RULES_ACTIVE);
	assert_int_equal(rb.n, 1);
	r = &rb.rule[0];
	assert_int_equal(r->always, 1);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->ncond, 6);
	assert_true(has_syscall(r->syscalls, 59));
	assert_false(has_syscall(r->syscalls, 322));
	assert_int_equal(r->cond[0].field, BA_RF_AUID);
	assert_int_equal(r->cond[0].op, BA_RO_GE);
	assert_int_equal(r->cond[0].value, 1000);
	/* unset is 4294967295, compared unsigned */
	assert_int_equal(r->cond[1].op, BA_RO_NE);
	assert_int_equal(r->cond[1].value, 4294967295ll);
	assert_int_equal(r->cond[2].field, BA_RF_EXIT);
	assert_int_equal(r->cond[2].value, -2);
	assert_int_equal(r->cond[3].field, BA_RF_SUCCESS);
	assert_int_equal(r->cond[3].value, 0);
	assert_int_equal(r->cond[4].field, BA_RF_A2);
	assert_int_equal(r->cond[4].op, BA_RO_AND);
	assert_int_equal(r->cond[4].value, 4);
	assert_int_equal(r->cond[5].field, BA_RF_UID);
	assert_int_equal(r->key_id, 1);
	assert_string_equal(keytab_get(&kt, r->key_id), "k1");
	assert_true(has_syscall(rb.any, 59));
	keytab_free(&kt);
}

static void test_success_one(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };

	(void)state;
	assert_int_equal(compile("-a always,exit -S connect -F success=1\n",
				 &kt, &rb), 0);
	assert_int_equal(rb.rule[0].cond[0].value, 1);
	assert_int_equal(rb.rule[0].key_id, 0);
	keytab_free(&kt);
}

static void test_exe_inode(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	struct stat st;

	(void)state;
	assert_int_equal(stat("/bin/sh", &st), 0);
	assert_int_equal(compile("-a never,exit -S execve -F exe=/bin/sh\n"
				 "-a always,exit -S execve -F exe!=/no/such\n",
				 &kt, &rb), 0);
	assert_int_equal(rb.rule[0].always, 0);
	assert_int_equal(rb.rule[0].cond[0].field, BA_RF_EXE);
	assert_int_equal(rb.rule[0].cond[0].value, (int64_t)st.st_ino);
	assert_int_equal(rb.rule[0].cond[0].value2,
			 (major(st.st_dev) << 20) | minor(st.st_dev));
	/* a missing file matches no executable: inode 0 */
	assert_int_equal(rb.rule[1].cond[0].op, BA_RO_NE);
	assert_int_equal(rb.rule[1].cond[0].value, 0);
	keytab_free(&kt);
}

/* Only `always` rules open the entry filter; never rules do not. */
static void test_any_syscalls(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };

	(void)state;
	assert_int_equal(compile("-a never,exit -S connect\n"
				 "-a always,exit -S bind,listen\n",
				 &kt, &rb), 0);
	assert_false(has_syscall(rb.any, 42));
	assert_true(has_syscall(rb.any, 49));
	assert_true(has_syscall(rb.any, 50));
	assert_false(has_syscall(rb.any, 59));
	assert_int_equal(compile("-a always,exit -S all -F uid=5\n", &kt,
				 &rb), 0);
	assert_true(has_syscall(rb.any, 59));
	assert_true(has_syscall(rb.any, 313));
	assert_false(has_syscall(rb.any, 0));	/* read: not captured */
	keytab_free(&kt);
}

/* Equal keys share an id; ids outlive a recompilation. */
static void test_keys(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };

	(void)state;
	assert_int_equal(compile("-a always,exit -S execve -k a\n"
				 "-a always,exit -S bind -k b -k c\n"
				 "-a always,exit -S listen -k a\n",
				 &kt, &rb), 0);
	assert_int_equal(rb.rule[0].key_id, 1);
	assert_int_equal(rb.rule[1].key_id, 2);
	assert_int_equal(rb.rule[2].key_id, 1);
	assert_string_equal(keytab_get(&kt, 2), "b\001c");
	assert_int_equal(compile("-a always,exit -S connect -k new\n"
				 "-a always,exit -S bind -k a\n", &kt, &rb), 0);
	assert_int_equal(rb.rule[0].key_id, 3);
	assert_int_equal(rb.rule[1].key_id, 1);
	assert_string_equal(keytab_get(&kt, 2), "b\001c");
	assert_null(keytab_get(&kt, 0));
	assert_null(keytab_get(&kt, 4));
	assert_null(keytab_get(&kt, 0xffffffffu));
	keytab_free(&kt);
}

static void test_modes(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	struct ruleset rs;

	(void)state;
	ruleset_init(&rs);
	assert_int_equal(rulebank_compile(&rs, false, &kt, &rb, err,
					  sizeof(err)), 0);
	assert_int_equal(rb.mode, BA_RULES_NONE);
	assert_int_equal(rulebank_compile(&rs, true, &kt, &rb, err,
					  sizeof(err)), 0);
	assert_int_equal(rb.mode, BA_RULES_ACTIVE);
	assert_int_equal(rb.n, 0);
	assert_int_equal(compile("-a always,exit -S execve\n-e 0\n", &kt,
				 &rb), 0);
	assert_int_equal(rb.mode, BA_RULES_OFF);
	assert_int_equal(compile("-a always,exit -S execve\n-e 2\n", &kt,
				 &rb), 0);
	assert_int_equal(rb.mode, BA_RULES_ACTIVE);
	ruleset_free(&rs);
	keytab_free(&kt);
}

/* The `watches` entry of (@path's inode), or NULL. */
static const struct ba_watch_val *entry_of(const struct rulebank *rb,
					   const char *path)
{
	struct stat st;
	uint32_t i, dev;

	if (lstat(path, &st))
		return NULL;
	dev = (major(st.st_dev) << 20) | minor(st.st_dev);
	for (i = 0; i < rb->nentry; i++)
		if (rb->wkey[i].ino == st.st_ino && rb->wkey[i].dev == dev)
			return &rb->wval[i];
	return NULL;
}

struct watch_tmp {
	char dir[64];
	char file[96];
	char sub[96];
	char rules[1024];
};

static void watch_tmp_make(struct watch_tmp *t)
{
	FILE *f;

	strcpy(t->dir, "/tmp/test_rulebank.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->file, sizeof(t->file), "%s/file", t->dir);
	snprintf(t->sub, sizeof(t->sub), "%s/sub", t->dir);
	f = fopen(t->file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mkdir(t->sub, 0700), 0);
}

static void watch_tmp_remove(struct watch_tmp *t)
{
	unlink(t->file);
	rmdir(t->sub);
	rmdir(t->dir);
}

/* -w FILE -p wa: a watch id, the inode and its directory in the map, and
 * only the syscalls of the write and attribute classes. */
static void test_watch_file(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	struct watch_tmp t;
	const struct ba_watch_val *v;

	(void)state;
	watch_tmp_make(&t);
	snprintf(t.rules, sizeof(t.rules), "-w %s -p wa -k wkey\n"
		 "-w %s -p r -k rkey\n", t.file, t.file);
	assert_int_equal(compile(t.rules, &kt, &rb), 0);
	assert_int_equal(rb.nwatch, 2);
	assert_int_equal(rb.rule[0].ncond, 2);
	assert_int_equal(rb.rule[0].cond[0].field, BA_RF_WATCH);
	assert_int_equal(rb.rule[0].cond[0].value, 0);
	assert_int_equal(rb.rule[0].cond[1].field, BA_RF_PERM);
	assert_int_equal(rb.rule[0].cond[1].value,
			 RULE_PERM_WRITE | RULE_PERM_ATTR);
	assert_int_equal(rb.rule[1].cond[0].value, 1);
	assert_string_equal(keytab_get(&kt, rb.rule[0].key_id), "wkey");
	/* w: opens, dir-write, truncate; a: chmod, chown, xattrs */
	assert_true(has_syscall(rb.rule[0].syscalls, 257));	/* openat */
	assert_true(has_syscall(rb.rule[0].syscalls, 82));	/* rename */
	assert_true(has_syscall(rb.rule[0].syscalls, 263));	/* unlinkat */
	assert_true(has_syscall(rb.rule[0].syscalls, 90));	/* chmod */
	assert_true(has_syscall(rb.rule[0].syscalls, 260));	/* fchownat */
	assert_true(has_syscall(rb.rule[0].syscalls, 76));	/* truncate */
	assert_false(has_syscall(rb.rule[0].syscalls, 193));	/* fgetxattr */
	assert_false(has_syscall(rb.rule[0].syscalls, 89));	/* readlink */
	assert_false(has_syscall(rb.rule[0].syscalls, 59));	/* execve */
	assert_false(has_syscall(rb.rule[0].syscalls, 42));	/* connect */
	/* r: the opens and the read class only */
	assert_true(has_syscall(rb.rule[1].syscalls, 2));
	assert_true(has_syscall(rb.rule[1].syscalls, 193));
	/* marked as testing a watch (the BPF side may leave it undecided) */
	assert_int_equal(rb.rule[1].flags, BA_RULE_WATCHES);
	/* ... with the path calls */
	assert_true(has_syscall(rb.rule[1].syscalls, 89));	/* readlink */
	assert_true(has_syscall(rb.rule[1].syscalls, 191));	/* getxattr */
	assert_true(has_syscall(rb.rule[1].syscalls, 195));	/* llistxattr */
	assert_false(has_syscall(rb.rule[1].syscalls, 90));
	assert_false(has_syscall(rb.rule[1].syscalls, 82));
	/* the inode, and its directory (looked up again when it changes) */
	v = entry_of(&rb, t.file);
	assert_non_null(v);
	assert_int_equal(v->path_mask, 3);
	assert_int_equal(v->dir_mask, 0);
	v = entry_of(&rb, t.dir);
	assert_non_null(v);
	assert_int_equal(v->parent_mask, 3);
	assert_int_equal(v->path_mask, 0);
	assert_int_equal(rb.nentry, 2);
	/* the entry filter opens for the dir-write calls (rescans) */
	assert_true(has_syscall(rb.any, 87));
	assert_false(has_syscall(rb.any, 59));
	watch_tmp_remove(&t);
	keytab_free(&kt);
}

/* -w DIR/ and dir=: the directory's own entry; x adds the execs. */
static void test_watch_dir_and_exec(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	struct watch_tmp t;
	const struct ba_watch_val *v;

	(void)state;
	watch_tmp_make(&t);
	snprintf(t.rules, sizeof(t.rules), "-w %s/ -p w -k d\n"
		 "-a always,exit -F dir=%s -F perm=x -k x\n"
		 "-a always,exit -F path=%s -F perm=x -F auid>=1000 -k p\n",
		 t.sub, t.dir, t.file);
	assert_int_equal(compile(t.rules, &kt, &rb), 0);
	v = entry_of(&rb, t.sub);
	assert_non_null(v);
	assert_int_equal(v->dir_mask, 1);
	v = entry_of(&rb, t.dir);
	assert_non_null(v);
	assert_int_equal(v->dir_mask, 2);
	assert_int_equal(v->parent_mask, 1 | 4);
	assert_int_equal(entry_of(&rb, t.file)->path_mask, 4);
	assert_true(has_syscall(rb.rule[1].syscalls, 59));
	assert_true(has_syscall(rb.rule[1].syscalls, 322));
	assert_false(has_syscall(rb.rule[1].syscalls, 2));
	assert_int_equal(rb.rule[2].ncond, 3);
	assert_int_equal(rb.rule[2].cond[2].field, BA_RF_AUID);
	/* the first watch on file calls: it needs the watch source */
	assert_string_equal(rb.watch_rule, "t.rules:1");
	snprintf(t.rules, sizeof(t.rules), "-a always,exit -F path=%s"
		 " -F perm=x -k p\n-a always,exit -S execve -k e\n", t.file);
	assert_int_equal(compile(t.rules, &kt, &rb), 0);
	assert_string_equal(rb.watch_rule, "");
	watch_tmp_remove(&t);
	keytab_free(&kt);
}

/* A path that does not exist yet: kept, with its directory's entry and
 * its name there. */
static void test_watch_missing(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	struct watch_tmp t;
	struct stat st;

	(void)state;
	watch_tmp_make(&t);
	snprintf(t.rules, sizeof(t.rules), "-w %s/later -p wa\n"
		 "-w /no/such/dir/file -p wa\n", t.dir);
	assert_int_equal(compile(t.rules, &kt, &rb), 0);
	assert_int_equal(rb.nwatch, 2);
	assert_int_equal(rb.nentry, 1);
	assert_int_equal(entry_of(&rb, t.dir)->parent_mask, 1);
	/* by name in its directory, for the call that makes it */
	assert_int_equal(rb.nname, 1);
	assert_string_equal(rb.nkey[0].name, "later");
	assert_int_equal(stat(t.dir, &st), 0);
	assert_int_equal(rb.nkey[0].parent_ino, st.st_ino);
	assert_int_equal(rb.nval[0].path_mask, 1);
	watch_tmp_remove(&t);
	keytab_free(&kt);
}

/* What cannot be honoured is refused, with the file and the line. */
static void test_watch_refused(void **state)
{
	static struct rulebank rb;
	struct keytab kt = { 0 };
	struct strbuf many;
	int i;

	(void)state;
	assert_int_equal(compile("\n-a always,exit -F path=/etc/passwd"
				 " -S execve,connect\n", &kt, &rb), -1);
	assert_string_equal(err, "t.rules:2: path= and dir= can only match"
			    " file syscalls (open, rename, chmod, ...; see"
			    " bpfaudit.rules(7))");
	assert_int_equal(compile("-a always,exit -S all -F path=/etc/passwd"
				 "\n", &kt, &rb), -1);
	assert_string_equal(err, "t.rules:1: a path or dir rule without "
			    "perm= must name its syscalls with -S");
	/* without perm=, named file syscalls are fine */
	assert_int_equal(compile("-a always,exit -S chmod,unlink "
				 "-F path=/etc/passwd\n", &kt, &rb), 0);
	assert_true(has_syscall(rb.rule[0].syscalls, 90));
	assert_false(has_syscall(rb.rule[0].syscalls, 2));
	strbuf_init(&many);
	for (i = 0; i <= BA_WATCHES_MAX; i++)
		strbuf_printf(&many, "-w /tmp/w%d -p w\n", i);
	assert_int_equal(compile(many.buf, &kt, &rb), -1);
	assert_string_equal(err, "t.rules:65: more than 64 watched paths");
	strbuf_free(&many);
	keytab_free(&kt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_success_one),
		cmocka_unit_test(test_exe_inode),
		cmocka_unit_test(test_any_syscalls),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_watch_file),
		cmocka_unit_test(test_watch_dir_and_exec),
		cmocka_unit_test(test_watch_missing),
		cmocka_unit_test(test_watch_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
