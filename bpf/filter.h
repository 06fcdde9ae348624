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

#include "match.h"

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
	__u32 decided;		/* 0 no match, 1 always, 2 never */
	__u32 key_id;
	__u32 rule;
	__u32 flags;		/* the rule's BA_RULE_* */
};

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
	w->flags = r->flags;
	return 1;
}

/*
 * Decides whether the event in @h (task ids, exe, result filled in) is
 * recorded; on a match, the rule and its key go into the header. An event
 * whose watches the daemon must look up goes to it undecided.
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
	if (w.decided && rule_undecided(h, w.flags)) {
		h->x.watch.flags |= BA_WATCH_UNDECIDED;
		return true;
	}
	if (w.decided != 1)
		return false;
	h->key_id = w.key_id;
	h->rule = w.rule;
	return true;
}

#endif /* BPFAUDIT_FILTER_H */
