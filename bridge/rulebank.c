// SPDX-License-Identifier: GPL-2.0
/*
 * Compiles parsed audit rules into the BPF side's rule banks (see
 * rulebank.h). Values are put in the form bpf/filter.h compares: ids and
 * a0-a3 unsigned 32-bit as kernel audit keeps them, exit signed, success
 * 1 or 0, exe= as the inode and kernel device number of the file.
 */
#include <stdbool.h>
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

/* exe=: the file's identity now; a path that does not exist matches no
 * executable (inode 0 is never a file's). */
static void exe_identity(const char *path, struct ba_rule_cond *c)
{
	struct stat st;

	c->value = 0;
	c->value2 = 0;
	if (!path || stat(path, &st))
		return;
	c->value = st.st_ino;
	/* the kernel's dev_t: major << 20 | minor */
	c->value2 = (major(st.st_dev) << 20) | minor(st.st_dev);
}

static int compile_cond(const struct rule *r, const struct rule_cond *in,
			struct ba_rule_cond *c, char *err, size_t errlen)
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
	case RULE_F_PERM:
		snprintf(err, errlen, "%s:%u: file watches (-w, path=, dir=,"
			 " perm=) are not supported yet", r->origin ?
			 r->origin : "rules", r->line);
		return -1;
	}
	if (in->field < BA_RF_UID || in->field >= BA_RF_MAX) {
		snprintf(err, errlen, "%s:%u: field %d cannot be compiled",
			 r->origin ? r->origin : "rules", r->line, in->field);
		return -1;
	}
	/* ids, pid, ses and a0-a3: unsigned 32-bit, -1 is 4294967295 */
	c->value = (uint32_t)in->value;
	return 0;
}

static int compile_rule(const struct rule *r, struct keytab *kt,
			struct ba_rule *out, char *err, size_t errlen)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->always = r->always;
	memcpy(out->syscalls, r->syscalls, sizeof(out->syscalls));
	if (r->ncond > BA_RULE_CONDS) {
		snprintf(err, errlen, "%s:%u: more than %d fields",
			 r->origin ? r->origin : "rules", r->line,
			 BA_RULE_CONDS);
		return -1;
	}
	for (i = 0; i < r->ncond; i++)
		if (compile_cond(r, &r->cond[i], &out->cond[i], err, errlen))
			return -1;
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
		if (compile_rule(&rs->rule[i], kt, &rb->rule[i], err, errlen))
			return -1;
		if (!rs->rule[i].always)
			continue;
		for (w = 0; w < BA_SYSCALL_WORDS; w++)
			rb->any[w] |= rs->rule[i].syscalls[w];
	}
	rb->n = rs->n;
	return 0;
}
