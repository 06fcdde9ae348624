// SPDX-License-Identifier: GPL-2.0
/*
 * Compiles parsed audit rules into the BPF side's rule banks (see
 * rulebank.h). Values are put in the form bpf/filter.h compares: ids and
 * a0-a3 unsigned 32-bit as kernel audit keeps them, exit signed, success
 * 1 or 0, exe= as the inode and kernel device number of the file.
 * Watches (-w, path=, dir=) become a watch id tested against the inodes a
 * file call touched, plus `watches` map entries for the watched inode and
 * its directory, looked up now, and a `watch_names` entry for its name in
 * that directory (a path that does not exist yet is matched by its name
 * when made, and looked up again when the directory changes); perm=
 * narrows the rule to the syscalls of its classes.
 */
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rulebank.h"

const char *keytab_get(const struct keytab *kt, uint32_t id)
{
	if (!id || id > kt->n)
		return NULL;
	return kt->key[id - 1];
}

void keytab_free(struct keytab *kt)
{
	uint32_t i;

	for (i = 0; i < kt->n; i++)
		free(kt->key[i]);
	free(kt->key);
	kt->key = NULL;
	kt->n = 0;
}

/* The id of @key, added if new; 0 when out of memory. */
static uint32_t keytab_id(struct keytab *kt, const char *key)
{
	char **grown, *copy;
	uint32_t i;

	for (i = 0; i < kt->n; i++)
		if (!strcmp(kt->key[i], key))
			return i + 1;
	copy = strdup(key);
	grown = realloc(kt->key, (kt->n + 1) * sizeof(*grown));
	if (!copy || !grown) {
		free(copy);
		if (grown)
			kt->key = grown;
		return 0;
	}
	kt->key = grown;
	kt->key[kt->n++] = copy;
	return kt->n;
}

/* A file's identity now (the final symlink followed or not): 0 when it
 * does not exist. */
static uint64_t file_identity(const char *path, bool follow, uint32_t *dev)
{
	struct stat st;

	*dev = 0;
	if (!path || (follow ? stat(path, &st) : lstat(path, &st)))
		return 0;
	/* the kernel's dev_t: major << 20 | minor */
	*dev = (major(st.st_dev) << 20) | minor(st.st_dev);
	return st.st_ino;
}

/* exe=: a path that does not exist matches no executable (inode 0 is
 * never a file's). */
static void exe_identity(const char *path, struct ba_rule_cond *c)
{
	c->value = file_identity(path, true, &c->value2);
}

#define NR(name, nr, kind) nr,
static const int watch_nrs[] = { BA_WATCH_SYSCALLS(NR) };
#undef NR

/* Kernel audit's syscall classes (asm-generic/audit_*.h, x86_64), as far
 * as the watch kind captures them; the opens match by their flags. */
static const int class_dir_write[] = { 82, 83, 84, 85, 86, 87, 88, 133, 258,
				       259, 263, 264, 265, 266, 316 };
static const int class_write_more[] = { 76, 77, 285 };
static const int class_chattr[] = { 90, 91, 92, 93, 94, 188, 189, 190, 197,
				    198, 199, 260, 268, 86, 265 };
static const int class_read[] = { 193, 196, 89, 267, 191, 192, 194, 195 };
static const int class_open[] = { 2, 257, 437 };
static const int class_exec[] = { 59, 322 };

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void set_nrs(uint64_t *out, const int *nr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[nr[i] / 64] |= 1ull << (nr[i] % 64);
}

void rulebank_watch_syscalls(int64_t perm, uint64_t *out)
{
	memset(out, 0, BA_SYSCALL_WORDS * sizeof(*out));
	if (!perm) {
		set_nrs(out, watch_nrs, ARRAY_SIZE(watch_nrs));
		set_nrs(out, class_exec, ARRAY_SIZE(class_exec));
		return;
	}
	if (perm & RULE_PERM_EXEC)
		set_nrs(out, class_exec, ARRAY_SIZE(class_exec));
	if (perm & (RULE_PERM_READ | RULE_PERM_WRITE))
		set_nrs(out, class_open, ARRAY_SIZE(class_open));
	if (perm & RULE_PERM_WRITE) {
		set_nrs(out, class_dir_write, ARRAY_SIZE(class_dir_write));
		set_nrs(out, class_write_more, ARRAY_SIZE(class_write_more));
	}
	if (perm & RULE_PERM_ATTR)
		set_nrs(out, class_chattr, ARRAY_SIZE(class_chattr));
	if (perm & RULE_PERM_READ)
		set_nrs(out, class_read, ARRAY_SIZE(class_read));
}

static const char *origin(const struct rule *r)
{
	return r->origin ? r->origin : "rules";
}

/* Adds @mask to the entry of inode (@ino, @dev), merged with any other
 * watch's; a file that does not exist (inode 0) has none. */
static int watch_entry(struct rulebank *rb, uint64_t ino, uint32_t dev,
		       int what, uint64_t mask)
{
	struct ba_watch_val *v = NULL;
	uint32_t i;

	if (!ino)
		return 0;
	for (i = 0; i < rb->nentry && !v; i++)
		if (rb->wkey[i].ino == ino && rb->wkey[i].dev == dev)
			v = &rb->wval[i];
	if (!v) {
		if (rb->nentry == BA_WATCH_ENTRIES)
			return -1;
		rb->wkey[rb->nentry] = (struct ba_watch_key){ .ino = ino,
							      .dev = dev };
		v = &rb->wval[rb->nentry++];
		memset(v, 0, sizeof(*v));
	}
	if (what == RULE_F_PATH)
		v->path_mask |= mask;
	else if (what == RULE_F_DIR)
		v->dir_mask |= mask;
	else
		v->parent_mask |= mask;
	return 0;
}

/* The name entry of the watched path (directory inode, last component),
 * for the calls that make the name; a name too long has none. */
static void watch_name(struct rulebank *rb, uint64_t parent_ino,
		       uint32_t dev, const char *base, int what, uint64_t mask)
{
	struct ba_watch_name_key k;
	struct ba_watch_val *v = NULL;
	uint32_t i;

	if (!parent_ino || !base[0] || strlen(base) >= BA_WATCH_NAME_LEN)
		return;
	memset(&k, 0, sizeof(k));
	k.parent_ino = parent_ino;
	k.dev = dev;
	strcpy(k.name, base);
	for (i = 0; i < rb->nname && !v; i++)
		if (!memcmp(&rb->nkey[i], &k, sizeof(k)))
			v = &rb->nval[i];
	if (!v) {
		/* one name per watch at most: never full */
		rb->nkey[rb->nname] = k;
		v = &rb->nval[rb->nname++];
		memset(v, 0, sizeof(*v));
	}
	if (what == RULE_F_PATH)
		v->path_mask |= mask;
	else
		v->dir_mask |= mask;
}

/* path=, dir=: the watched inode and its directory, as they are now. */
static int compile_watch(const struct rule *r, const struct rule_cond *in,
			 struct rulebank *rb, struct ba_rule_cond *c,
			 char *err, size_t errlen)
{
	char parent[PATH_MAX];
	uint64_t ino, mask;
	uint32_t dev;
	char *slash;

	if (rb->nwatch == BA_WATCHES_MAX) {
		snprintf(err, errlen, "%s:%u: more than %d watched paths",
			 origin(r), r->line, BA_WATCHES_MAX);
		return -1;
	}
	c->field = BA_RF_WATCH;
	c->op = BA_RO_EQ;
	c->value = rb->nwatch++;
	mask = 1ull << c->value;
	/* as kernel audit looks them up: the last component not followed */
	ino = file_identity(in->path, false, &dev);
	if (watch_entry(rb, ino, dev, in->field, mask))
		goto full;
	snprintf(parent, sizeof(parent), "%s", in->path);
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	slash[slash == parent] = '\0';
	ino = file_identity(parent, true, &dev);
	if (watch_entry(rb, ino, dev, 0, mask))
		goto full;
	watch_name(rb, ino, dev, strrchr(in->path, '/') + 1, in->field, mask);
	return 0;
full:
	snprintf(err, errlen, "%s:%u: more than %d watched inodes", origin(r),
		 r->line, BA_WATCH_ENTRIES);
	return -1;
}

static int compile_cond(const struct rule *r, const struct rule_cond *in,
			struct rulebank *rb, struct ba_rule_cond *c, char *err,
			size_t errlen)
{
	c->field = in->field;
	c->op = in->op;
	c->value = in->value;
	switch ((int)in->field) {
	case BA_RF_EXE:
		exe_identity(in->path, c);
		return 0;
	case BA_RF_SUCCESS:
		/* 1 is success; 0, or libaudit's AUDITSC_FAILURE (2), not */
		c->value = in->value == 1;
		return 0;
	case BA_RF_EXIT:
		return 0;
	case RULE_F_PATH:
	case RULE_F_DIR:
		return compile_watch(r, in, rb, c, err, errlen);
	case RULE_F_PERM:
		c->field = BA_RF_PERM;	/* the syscalls: watch_rule_syscalls() */
		return 0;
	}
	if (in->field < BA_RF_UID || in->field >= BA_RF_EXE) {
		snprintf(err, errlen, "%s:%u: field %d cannot be compiled",
			 origin(r), r->line, in->field);
		return -1;
	}
	/* ids, pid, ses and a0-a3: unsigned 32-bit, -1 is 4294967295 */
	c->value = (uint32_t)in->value;
	return 0;
}

/*
 * A rule with path= or dir= matches only file calls bpfaudit sees the
 * inodes of: with perm=, those of its classes; without, the syscalls named
 * must all be such calls (kernel audit would match any call on the file).
 */
static int watch_rule_syscalls(const struct rule *r, struct ba_rule *out,
			       char *err, size_t errlen)
{
	const struct rule_cond *perm = NULL, *path = NULL;
	uint64_t allowed[BA_SYSCALL_WORDS];
	unsigned int i;
	int w;

	for (i = 0; i < r->ncond; i++) {
		if ((int)r->cond[i].field == RULE_F_PERM)
			perm = &r->cond[i];
		else if ((int)r->cond[i].field == RULE_F_PATH ||
			 (int)r->cond[i].field == RULE_F_DIR)
			path = &r->cond[i];
	}
	if (!path)
		return 0;
	if (!perm && r->all_syscalls) {
		snprintf(err, errlen, "%s:%u: a path or dir rule without perm="
			 " must name its syscalls with -S", origin(r), r->line);
		return -1;
	}
	rulebank_watch_syscalls(perm ? perm->value : 0, allowed);
	if (perm) {
		for (w = 0; w < BA_SYSCALL_WORDS; w++)
			out->syscalls[w] &= allowed[w];
		return 0;
	}
	for (w = 0; w < BA_SYSCALL_WORDS; w++)
		if (out->syscalls[w] & ~allowed[w]) {
			snprintf(err, errlen, "%s:%u: path= and dir= can only"
				 " match file syscalls (open, rename, chmod,"
				 " ...; see bpfaudit.rules(7))", origin(r),
				 r->line);
			return -1;
		}
	return 0;
}

/* Whether the bitmap @syscalls (a rule's or a BPF rule's) holds any of
 * the @n syscalls @nr. */
static bool has_any(const void *syscalls, const int *nr, size_t n)
{
	uint64_t set[BA_SYSCALL_WORDS], have[BA_SYSCALL_WORDS];
	int w;

	memset(set, 0, sizeof(set));
	set_nrs(set, nr, n);
	memcpy(have, syscalls, sizeof(have));
	for (w = 0; w < BA_SYSCALL_WORDS; w++)
		if (have[w] & set[w])
			return true;
	return false;
}

/* Notes the first watch that matches file calls, not only execs. */
static void note_file_watch(const struct rule *r, const struct ba_rule *out,
			    struct rulebank *rb)
{
	if (rb->watch_rule[0])
		return;
	if ((out->flags & BA_RULE_WATCHES) &&
	    has_any(out->syscalls, watch_nrs, ARRAY_SIZE(watch_nrs)))
		snprintf(rb->watch_rule, sizeof(rb->watch_rule), "%s:%u",
			 origin(r), r->line);
}

static int compile_rule(const struct rule *r, struct keytab *kt,
			struct rulebank *rb, struct ba_rule *out, char *err,
			size_t errlen)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->always = r->always;
	memcpy(out->syscalls, r->syscalls, sizeof(out->syscalls));
	if (r->ncond > BA_RULE_CONDS) {
		snprintf(err, errlen, "%s:%u: more than %d fields", origin(r),
			 r->line, BA_RULE_CONDS);
		return -1;
	}
	for (i = 0; i < r->ncond; i++)
		if (compile_cond(r, &r->cond[i], rb, &out->cond[i], err,
				 errlen))
			return -1;
	if (watch_rule_syscalls(r, out, err, errlen))
		return -1;
	for (i = 0; i < r->ncond; i++)
		if (out->cond[i].field == BA_RF_WATCH)
			out->flags |= BA_RULE_WATCHES;
	note_file_watch(r, out, rb);
	out->ncond = r->ncond;
	if (r->key[0]) {
		out->key_id = keytab_id(kt, r->key);
		if (!out->key_id) {
			snprintf(err, errlen, "out of memory for rule keys");
			return -1;
		}
	}
	return 0;
}

int rulebank_compile(const struct ruleset *rs, bool present,
		     struct keytab *kt, struct rulebank *rb, char *err,
		     size_t errlen)
{
	size_t i;
	int w;

	memset(rb, 0, sizeof(*rb));
	if (rs->enabled == 0) {
		rb->mode = BA_RULES_OFF;
		return 0;
	}
	if (!present) {
		rb->mode = BA_RULES_NONE;
		return 0;
	}
	if (rs->n > BA_RULES_MAX) {
		snprintf(err, errlen, "more than %d rules", BA_RULES_MAX);
		return -1;
	}
	rb->mode = BA_RULES_ACTIVE;
	for (i = 0; i < rs->n; i++) {
		if (compile_rule(&rs->rule[i], kt, rb, &rb->rule[i], err,
				 errlen))
			return -1;
		if (!rs->rule[i].always)
			continue;
		for (w = 0; w < BA_SYSCALL_WORDS; w++)
			rb->any[w] |= rb->rule[i].syscalls[w];
	}
	/* a watched path's directory is followed by its dir-write calls
	 * (watch_changes), whatever the watches' perm */
	if (rb->nwatch)
		set_nrs(rb->any, class_dir_write, ARRAY_SIZE(class_dir_write));
	rb->n = rs->n;
	return 0;
}
