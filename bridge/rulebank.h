/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From a parsed rule set to what the BPF side evaluates: the rules as
 * struct ba_rule (wire.h) with exe= paths turned into inodes, the union of
 * the syscalls `always` rules name, and the table that turns the key id an
 * event carries back into the rule's keys.
 */
#ifndef BPFAUDIT_RULEBANK_H
#define BPFAUDIT_RULEBANK_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

struct rulebank {
	uint32_t mode;			/* enum ba_rules_mode */
	uint32_t n;
	uint64_t any[BA_SYSCALL_WORDS];	/* syscalls an `always` rule names */
	struct ba_rule rule[BA_RULES_MAX];
	/* the `watches` map's entries (their bank is set by the loader) */
	uint32_t nwatch;		/* watch ids given out */
	uint32_t nentry;
	struct ba_watch_key wkey[BA_WATCH_ENTRIES];
	struct ba_watch_val wval[BA_WATCH_ENTRIES];
	/* the `watch_names` map's entries */
	uint32_t nname;
	struct ba_watch_name_key nkey[BA_WATCHES_MAX];
	struct ba_watch_val nval[BA_WATCHES_MAX];
	/* "FILE:LINE" of the first watch on file calls (not only execs):
	 * such rules need the watch event source running */
	char watch_rule[RULE_ERR_MAX];
};

/* Keys by id (1, 2, ...); ids are never reused while the daemon runs, so
 * an event still in flight after a reload keeps its key. */
struct keytab {
	char **key;
	uint32_t n;
};

/*
 * Compiles @rs into @rb, adding its keys to @kt. @present says whether a
 * rule set is configured at all (no rule files: every event of the enabled
 * kinds is recorded). Returns 0, or -1 with "FILE:LINE: reason" in @err.
 */
int rulebank_compile(const struct ruleset *rs, bool present,
		     struct keytab *kt, struct rulebank *rb, char *err,
		     size_t errlen);

/*
 * The syscalls a file watch can match, as a bitmap: those of the watch
 * kind whose class (kernel audit's) is in @perm (RULE_PERM_*), or all of
 * them for @perm 0.
 */
void rulebank_watch_syscalls(int64_t perm, uint64_t *out);

/* The keys of id @id, NULL for 0 or an id never given out. */
const char *keytab_get(const struct keytab *kt, uint32_t id);
void keytab_free(struct keytab *kt);

#endif /* BPFAUDIT_RULEBANK_H */
