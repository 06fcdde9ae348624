/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a compiled rule (struct ba_rule) matches an event, as kernel
 * audit's exit filter tests it. Pure functions of the header and the rule:
 * the BPF programs evaluate the rules with them (filter.h), and so does the
 * daemon, for the few events whose watches only it can decide.
 */
#ifndef BPFAUDIT_MATCH_H
#define BPFAUDIT_MATCH_H

#include "wire.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef barrier_var
#define barrier_var(var) __asm__ __volatile__("" : "+r"(var))
#endif

static __always_inline bool syscall_in(const volatile __u64 *words, __u32 nr)
{
	__u32 word = nr / 64;

	if (nr >= BA_SYSCALL_WORDS * 64)
		return false;
	/* The mask restates the bound: when the compiler spills nr, older
	 * verifiers (6.1) lose it and refuse the access. barrier_var()
	 * keeps the compiler from dropping the mask as redundant. */
	barrier_var(word);
	return words[word & (BA_SYSCALL_WORDS - 1)] & (1ull << (nr % 64));
}

static __always_inline bool call_failed(__s64 ret)
{
	return ret < 0 && ret >= -4095;
}

/* An open's flags (open, openat, openat2's how.flags; creat's are
 * O_CREAT | O_WRONLY). */
static __always_inline __u64 ba_open_flags(const struct ba_header *h)
{
	switch (h->syscall) {
	case 2:		/* open */
		return h->args[1];
	case 257:	/* openat */
		return h->args[2];
	case 437:	/* openat2 */
		return h->x.watch.open_flags;
	}
	return 0100 | 1;
}

/* The value a field has for the event, as kernel audit compares it. */
static __always_inline __s64 field_value(const struct ba_header *h, __u16 f)
{
	const struct ba_task *t = &h->task;

	switch (f) {
	case BA_RF_UID: return t->uid;
	case BA_RF_EUID: return t->euid;
	case BA_RF_SUID: return t->suid;
	case BA_RF_FSUID: return t->fsuid;
	case BA_RF_GID: return t->gid;
	case BA_RF_EGID: return t->egid;
	case BA_RF_SGID: return t->sgid;
	case BA_RF_FSGID: return t->fsgid;
	case BA_RF_AUID: return t->auid;
	case BA_RF_SES: return t->ses;
	case BA_RF_PID: return t->pid;
	case BA_RF_PPID: return t->ppid;
	case BA_RF_SUCCESS: return !call_failed(h->ret);
	case BA_RF_EXIT: return h->ret;
	/* kernel audit keeps a rule's argument value in 32 bits */
	case BA_RF_A0: return (__u32)h->args[0];
	case BA_RF_A1: return (__u32)h->args[1];
	case BA_RF_A2: return (__u32)h->args[2];
	case BA_RF_A3: return (__u32)h->args[3];
	}
	return 0;
}

static __always_inline bool compare(__s64 left, __u16 op, __s64 right)
{
	switch (op) {
	case BA_RO_EQ: return left == right;
	case BA_RO_NE: return left != right;
	case BA_RO_LT: return left < right;
	case BA_RO_GT: return left > right;
	case BA_RO_LE: return left <= right;
	case BA_RO_GE: return left >= right;
	case BA_RO_AND: return (left & right) != 0;
	case BA_RO_ANDEQ: return (left & right) == right;
	}
	return false;
}

/* exe=: by the executable's inode, as audit_exe_compare() does. */
static __always_inline bool exe_matches(const struct ba_header *h,
					const struct ba_rule_cond *c)
{
	bool same = h->exe.valid && h->exe.ino == (__u64)c->value &&
		    h->exe.dev == c->value2;

	return c->op == BA_RO_NE ? !same : same;
}

/* A failed call whose inodes the kernel side did not see: its watches are
 * decided by the daemon, which looks the names up (bridge/lookup.c). */
static __always_inline bool watch_unseen(const struct ba_header *h)
{
	return h->kind == BA_KIND_WATCH &&
	       (h->x.watch.flags & BA_WATCH_UNSEEN);
}

/* path=, dir=: the call touched an inode of watch @id (bpf/watch.h): a
 * file call's, or an exec's binary. */
static __always_inline bool watch_hit(const struct ba_header *h, __s64 id)
{
	return (h->kind == BA_KIND_WATCH || h->kind == BA_KIND_EXEC) &&
	       ((h->x.watch.hits >> (id & 63)) & 1);
}

/*
 * perm=, as audit_match_perm(): the daemon has kept in the rule only the
 * syscalls whose class perm names, so what is left is the opens, which
 * match by their access mode (ACC_MODE: read 4, write 2, both 6), and the
 * execs (x, 1).
 */
static __always_inline bool perm_matches(const struct ba_header *h, __s64 mask)
{
	__u64 flags;

	if (h->kind == BA_KIND_EXEC)
		return mask & 1;
	if (h->kind != BA_KIND_WATCH)
		return false;
	switch (h->syscall) {
	case 2:
		flags = h->args[1];
		break;
	case 257:
		flags = h->args[2];
		break;
	case 437:
		flags = h->x.watch.open_flags;
		break;
	default:
		return true;
	}
	switch (flags & 3) {
	case 0:
		return mask & 4;
	case 1:
		return mask & 2;
	}
	return mask & 6;
}

/* Whether rule @r matches the event. A call whose inodes the kernel side
 * did not see (BA_WATCH_UNSEEN) has every watch hit bit set: its path= and
 * dir= conditions pass, and rule_undecided() says the daemon decides. */
static __always_inline bool rule_matches(const struct ba_header *h,
					 const struct ba_rule *r)
{
	__u32 i, n = r->ncond;

	if (!syscall_in(r->syscalls, h->syscall))
		return false;
	for (i = 0; i < BA_RULE_CONDS; i++) {
		const struct ba_rule_cond *c = &r->cond[i];

		if (i >= n)
			break;
		if (c->field == BA_RF_EXE) {
			if (!exe_matches(h, c))
				return false;
		} else if (c->field == BA_RF_WATCH) {
			if (!watch_hit(h, c->value))
				return false;
		} else if (c->field == BA_RF_PERM) {
			if (!perm_matches(h, c->value))
				return false;
		} else if (!compare(field_value(h, c->field), c->op,
				    c->value)) {
			return false;
		}
	}
	return true;
}

/* A matching rule (of flags @rule_flags) decides only once the daemon has
 * looked up the call's names: neither it nor any rule after it decides
 * in the kernel. */
static __always_inline bool rule_undecided(const struct ba_header *h,
					   __u32 rule_flags)
{
	return (rule_flags & BA_RULE_WATCHES) && watch_unseen(h);
}

#endif /* BPFAUDIT_MATCH_H */
