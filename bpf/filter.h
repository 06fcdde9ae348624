/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule filter: the daemon's compiled audit rules (struct ba_rule) in
 * the `rules` map, evaluated like kernel audit's exit filter (first match
 * decides, `never` drops) at the point where every field a rule tests is
 * known and before the event takes any ring space. A cheap test at syscall
 * entry skips, without any state, every syscall no `always` rule names.
 */
#ifndef BPFAUDIT_FILTER_H
#define BPFAUDIT_FILTER_H

#include "wire.h"

/* Two banks of rules: the daemon fills the idle one, then flips. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * BA_RULES_MAX);
	__type(key, __u32);
	__type(value, struct ba_rule);
} rules SEC(".maps");

/* Written by the daemon at run time (the .bss map is mmapped). */
volatile __u32 rules_mode;		/* enum ba_rules_mode */
volatile __u32 rules_bank;		/* 0 or 1 */
volatile __u32 rules_count[2];		/* rules in each bank */
/* per bank, the syscalls any `always` rule names */
volatile __u64 rules_syscalls[2][BA_SYSCALL_WORDS];

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

/* At entry: could any rule want this syscall at all? */
static __always_inline bool filter_may_want(__u32 nr)
{
	__u32 mode = rules_mode, bank = rules_bank & 1;

	if (mode == BA_RULES_NONE)
		return true;
	if (mode == BA_RULES_OFF)
		return false;
	return syscall_in(rules_syscalls[bank], nr);
}

struct filter_walk {
	const struct ba_header *h;
	__u32 bank;
	__u32 decided;		/* 0 undecided, 1 always, 2 never */
	__u32 key_id;
	__u32 rule;
};

static __always_inline bool call_failed(__s64 ret)
{
	return ret < 0 && ret >= -4095;
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

static long filter_step(__u32 i, struct filter_walk *w)
{
	__u32 slot = w->bank * BA_RULES_MAX + i;
	const struct ba_rule *r;

	if (i >= BA_RULES_MAX)
		return 1;
	r = bpf_map_lookup_elem(&rules, &slot);
	if (!r)
		return 1;
	if (!rule_matches(w->h, r))
		return 0;
	w->decided = r->always ? 1 : 2;
	w->key_id = r->key_id;
	w->rule = i + 1;
	return 1;
}

/*
 * Decides whether the event in @h (task ids, exe, result filled in) is
 * recorded; on a match, the rule and its key go into the header.
 */
static __always_inline bool filter_wants(struct ba_header *h)
{
	struct filter_walk w = { .h = h };
	__u32 mode = rules_mode, n;

	if (mode == BA_RULES_NONE)
		return true;
	if (mode == BA_RULES_OFF)
		return false;
	w.bank = rules_bank & 1;
	n = rules_count[w.bank];
	if (n > BA_RULES_MAX)
		n = BA_RULES_MAX;
	bpf_loop(n, filter_step, &w, 0);
	if (w.decided != 1)
		return false;
	h->key_id = w.key_id;
	h->rule = w.rule;
	return true;
}

#endif /* BPFAUDIT_FILTER_H */
