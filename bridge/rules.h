/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Audit rules in auditctl syntax: the parser (rule files, rules.d merged in
 * name order as augenrules does), the listing in auditctl -l form, and the
 * compiled form the BPF side evaluates (struct ba_rule in wire.h). Pure: no
 * daemon state; files are only read.
 */
#ifndef BPFAUDIT_RULES_H
#define BPFAUDIT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "wire.h"

#define RULE_KEY_MAX	256	/* AUDIT_MAX_KEY_LEN: all keys, joined */
#define RULE_KEY_SEP	'\001'	/* AUDIT_KEY_SEPARATOR */
#define RULE_LINE_MAX	8192
#define RULE_ERR_MAX	512

/* -p / perm= bits, as auditctl's AUDIT_PERM_* */
#define RULE_PERM_EXEC	1
#define RULE_PERM_WRITE	2
#define RULE_PERM_READ	4
#define RULE_PERM_ATTR	8

/* One -F (or -w/-p, -k turned into fields). */
struct rule_cond {
	enum ba_rule_field field;	/* BA_RF_*, or RULE_F_* below */
	enum ba_rule_op op;
	int64_t value;			/* numbers (exit sign-extended) */
	char *path;			/* exe=, path=, dir=: as written */
};

/* Fields that are not evaluated as ba_rule_cond (watches). */
#define RULE_F_PATH	(BA_RF_MAX + 1)
#define RULE_F_DIR	(BA_RF_MAX + 2)
#define RULE_F_PERM	(BA_RF_MAX + 3)

struct rule {
	bool always;			/* always,exit; false: never,exit */
	bool watch;			/* written as -w (listed back so) */
	bool arch_given;		/* -F arch=b64 was written */
	bool all_syscalls;		/* -S all, or no -S (watches) */
	uint64_t syscalls[BA_SYSCALL_WORDS];
	struct rule_cond cond[BA_RULE_CONDS];
	unsigned int ncond;
	char key[RULE_KEY_MAX + 1];	/* keys joined by RULE_KEY_SEP */
	char *origin;			/* file the rule came from */
	unsigned int line;
};

struct ruleset {
	struct rule *rule;		/* in evaluation order */
	size_t n, cap;
	int enabled;			/* -e: -1 not given, 0, 1 or 2 */
	unsigned int files;		/* rule files read */
};

void ruleset_init(struct ruleset *rs);
void ruleset_free(struct ruleset *rs);

/*
 * Parses rule lines from @text (@len bytes) into @rs, on top of what is
 * there (-D clears it, -A prepends). @name is the file name for messages.
 * Returns 0, or -1 with "NAME:LINE: reason" in @err and @rs unchanged.
 * Warnings (lines accepted without effect, such as -b) go to @warn if not
 * NULL, one per line.
 */
int rules_parse_buffer(const char *name, const char *text, size_t len,
		       struct ruleset *rs, struct strbuf *warn, char *err,
		       size_t errlen);

/* Reads one rule file like rules_parse_buffer(). */
int rules_parse_file(const char *path, struct ruleset *rs,
		     struct strbuf *warn, char *err, size_t errlen);

/*
 * Reads every DIR/ *.rules file in name order (C collation, as augenrules
 * sorts) into a fresh @rs. A missing directory or one with no rule files is
 * not an error: @rs->files is then 0.
 * @rs must have been initialized: what it held is freed on success and left
 * as it was on failure. A lone -D and -e act as augenrules places them: -D
 * first (deleting nothing read before it), the last -e after every file.
 */
int rules_load_dir(const char *dir, struct ruleset *rs, struct strbuf *warn,
		   char *err, size_t errlen);

/* The active rules in auditctl -l form, one per line; "No rules" if none. */
void rules_list(const struct ruleset *rs, struct strbuf *out);

#endif /* BPFAUDIT_RULES_H */
