// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: rules_parse_buffer() on arbitrary text, on top of a rule
 * set that already holds rules. On success every rule is one the BPF side
 * can take (conditions within BA_RULE_CONDS, known fields with operators
 * the kernel allows, absolute paths, keys within 256 bytes and without
 * empty parts, only captured syscalls), rules_list() writes one line per
 * rule, and that listing parses back to a set that lists the same. On
 * failure the rule set and the warnings are untouched and the message
 * reads "NAME:LINE: reason" with a line that exists. The error buffer is
 * exactly sized, also tiny, so ASan sees any overrun.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "fuzz_check.h"

#define NAME "fuzz.rules"

/* Rules and settings the input is parsed on top of. */
static const char base_text[] =
	"-a always,exit -F arch=b64 -S execve -F auid>=1000 -k base\n"
	"-w /etc/passwd -p wa -k identity\n"
	"-e 1\n";

/* x86_64 numbers of wire.h's capture list. */
#define NR(name, nr, kind) nr,
static const int captured[] = {
	BA_EXEC_SYSCALLS(NR) BA_CALL_SYSCALLS(NR) BA_WATCH_SYSCALLS(NR)
};
#undef NR

static bool is_captured(int nr)
{
	size_t i;

	for (i = 0; i < sizeof(captured) / sizeof(captured[0]); i++)
		if (captured[i] == nr)
			return true;
	return false;
}

static void check_syscalls(const struct rule *r)
{
	int nr, n = 0;

	for (nr = 0; nr < BA_SYSCALL_WORDS * 64; nr++) {
		if (!(r->syscalls[nr / 64] & (1ull << (nr % 64))))
			continue;
		if (!is_captured(nr))
			fc_fail("rule names syscall %d, which is not captured",
				nr);
		n++;
	}
	if (!n)
		fc_fail("rule without syscalls");
	if (r->all_syscalls &&
	    n != (int)(sizeof(captured) / sizeof(captured[0])))
		fc_fail("-S all with %d syscalls", n);
}

static void check_cond(const struct rule_cond *c)
{
	int f = c->field;

	if (c->op < BA_RO_EQ || c->op > BA_RO_ANDEQ)
		fc_fail("operator %d", c->op);
	if ((f < BA_RF_UID || f >= BA_RF_MAX) && f != RULE_F_PATH &&
	    f != RULE_F_DIR && f != RULE_F_PERM)
		fc_fail("field %d", f);
	if ((c->op == BA_RO_AND || c->op == BA_RO_ANDEQ) &&
	    (f < BA_RF_A0 || f > BA_RF_A3))
		fc_fail("a bit operator on field %d", f);
	if ((f == BA_RF_EXE || f == RULE_F_PATH || f == RULE_F_DIR) !=
	    (c->path != NULL))
		fc_fail("field %d with path %p", f, (void *)c->path);
	if (c->path && (c->path[0] != '/' || strlen(c->path) >= 4096))
		fc_fail("bad path %s", fc_show(c->path, strlen(c->path)));
	if ((f == RULE_F_PATH || f == RULE_F_DIR || f == RULE_F_PERM) &&
	    c->op != BA_RO_EQ)
		fc_fail("watch field %d with operator %d", f, c->op);
	if (f == RULE_F_PERM && (c->value & ~15ll))
		fc_fail("perm %lld", (long long)c->value);
	if (f == BA_RF_SUCCESS && c->value != 0 && c->value != 1)
		fc_fail("success=%lld", (long long)c->value);
	if (f == BA_RF_EXIT && (c->value < INT32_MIN || c->value > INT32_MAX))
		fc_fail("exit=%lld", (long long)c->value);
	if (f != BA_RF_EXIT && f != BA_RF_EXE &&
	    (c->value < 0 || c->value > UINT32_MAX))
		fc_fail("field %d value %lld", f, (long long)c->value);
}

static void check_key(const char *key)
{
	size_t n = strnlen(key, RULE_KEY_MAX + 1), i;

	if (n > RULE_KEY_MAX)
		fc_fail("key longer than %d bytes", RULE_KEY_MAX);
	for (i = 0; i < n; i++)
		if (key[i] == RULE_KEY_SEP &&
		    (i == 0 || i == n - 1 || key[i + 1] == RULE_KEY_SEP))
			fc_fail("empty key part in %s", fc_show(key, n));
}

static void check_ruleset(const struct ruleset *rs, size_t lines)
{
	size_t i;
	unsigned int c;

	if (rs->n > BA_RULES_MAX || rs->n > rs->cap)
		fc_fail("%zu rules", rs->n);
	if (rs->enabled < -1 || rs->enabled > 2)
		fc_fail("enabled=%d", rs->enabled);
	for (i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rule[i];

		if (r->ncond > BA_RULE_CONDS)
			fc_fail("%u conditions", r->ncond);
		if (!r->origin || r->line < 1 ||
		    (!strcmp(r->origin, NAME) && r->line > lines))
			fc_fail("rule from line %u of %zu", r->line, lines);
		if (r->watch && (!r->always || !r->all_syscalls ||
				 r->ncond != 2))
			fc_fail("a watch that is none");
		check_syscalls(r);
		for (c = 0; c < r->ncond; c++)
			check_cond(&r->cond[c]);
		check_key(r->key);
	}
}

static bool same_cond(const struct rule_cond *a, const struct rule_cond *b)
{
	return a->field == b->field && a->op == b->op && a->value == b->value &&
	       !a->path == !b->path && (!a->path || !strcmp(a->path, b->path));
}

static bool same_rule(const struct rule *a, const struct rule *b, bool where)
{
	unsigned int i;

	if (a->always != b->always || a->watch != b->watch ||
	    a->arch_given != b->arch_given ||
	    a->all_syscalls != b->all_syscalls || a->ncond != b->ncond ||
	    memcmp(a->syscalls, b->syscalls, sizeof(a->syscalls)) ||
	    strcmp(a->key, b->key))
		return false;
	if (where && (a->line != b->line || strcmp(a->origin, b->origin)))
		return false;
	for (i = 0; i < a->ncond; i++)
		if (!same_cond(&a->cond[i], &b->cond[i]))
			return false;
	return true;
}

static bool same_ruleset(const struct ruleset *a, const struct ruleset *b)
{
	size_t i;

	if (a->n != b->n || a->enabled != b->enabled || a->files != b->files)
		return false;
	for (i = 0; i < a->n; i++)
		if (!same_rule(&a->rule[i], &b->rule[i], true))
			return false;
	return true;
}

static void check_error(const char *err, const uint8_t *data, size_t size)
{
	const char *p = err + strlen(NAME);
	unsigned long line = 0, lines = 1;
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (strncmp(err, NAME ":", strlen(NAME) + 1))
		fc_fail("error without the file name: %s",
			fc_show(err, strlen(err)));
	p++;
	if (*p < '1' || *p > '9')
		fc_fail("error without a line number: %s",
			fc_show(err, strlen(err)));
	while (*p >= '0' && *p <= '9')
		line = line * 10 + (*p++ - '0');
	if (strncmp(p, ": ", 2) || !p[2])
		fc_fail("error without a reason: %s",
			fc_show(err, strlen(err)));
	if (line > lines)
		fc_fail("error names line %lu of %lu", line, lines);
}

/* Each warning a line of its own: "NAME:LINE: ...ignored". */
static void check_warnings(const char *w, size_t lines)
{
	const char *nl;
	unsigned long line;
	char *end;

	for (; *w; w = nl + 1) {
		nl = strchr(w, '\n');
		if (!nl)
			fc_fail("warning without a newline: %s",
				fc_show(w, strlen(w)));
		if (strncmp(w, NAME ":", strlen(NAME) + 1))
			fc_fail("warning without the file name: %s",
				fc_show(w, nl - w));
		line = strtoul(w + strlen(NAME) + 1, &end, 10);
		if (!line || line > lines || strncmp(end, ": ", 2) ||
		    nl - w < 9 || strncmp(nl - 9, ", ignored", 9))
			fc_fail("bad warning: %s", fc_show(w, nl - w));
	}
}

static size_t count_lines(const char *s, size_t n)
{
	size_t i, lines = 0;

	for (i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

/* The listing: one line per rule, no NUL, and it reads back the same. */
static void check_listing(const struct ruleset *rs)
{
	struct strbuf list, again;
	struct ruleset back;
	char err[RULE_ERR_MAX];
	size_t i;

	strbuf_init(&list);
	strbuf_init(&again);
	rules_list(rs, &list);
	if (list.failed)
		fc_fail("out of memory listing");
	if (strlen(list.buf) != list.len || list.buf[list.len - 1] != '\n')
		fc_fail("listing with a NUL or without a final newline");
	if (count_lines(list.buf, list.len) != (rs->n ? rs->n : 1))
		fc_fail("%zu rules listed on %zu lines: %s", rs->n,
			count_lines(list.buf, list.len),
			fc_show(list.buf, list.len));
	ruleset_init(&back);
	if (!rs->n) {
		if (strcmp(list.buf, "No rules\n"))
			fc_fail("an empty set lists as %s",
				fc_show(list.buf, list.len));
		goto out;
	}
	if (rules_parse_buffer("list", list.buf, list.len, &back, NULL, err,
			       sizeof(err))) {
		/* a listing line may outgrow what a rule line may hold */
		if (!strstr(err, ": line is longer than"))
			fc_fail("the listing does not read back: %s\n%s", err,
				fc_show(list.buf, list.len));
		goto out;
	}
	rules_list(&back, &again);
	if (again.len != list.len || memcmp(again.buf, list.buf, list.len))
		fc_fail("the listing reads back as another:\n%s\n%s",
			fc_show(list.buf, list.len),
			fc_show(again.buf, again.len));
	if (back.n != rs->n)
		fc_fail("%zu rules read back as %zu", rs->n, back.n);
	for (i = 0; i < rs->n; i++) {
		const struct rule *a = &rs->rule[i], *b = &back.rule[i];

		/* a path's directory-or-not is looked up again */
		if (a->ncond && b->ncond &&
		    (int)a->cond[0].field != (int)b->cond[0].field)
			continue;
		if (!same_rule(a, b, false))
			fc_fail("rule %zu reads back changed: %s", i,
				fc_show(list.buf, list.len));
	}
out:
	ruleset_free(&back);
	strbuf_free(&list);
	strbuf_free(&again);
}

static void parse_base(struct ruleset *rs, struct strbuf *warn)
{
	char err[RULE_ERR_MAX];

	ruleset_init(rs);
	if (rules_parse_buffer("base", base_text, sizeof(base_text) - 1, rs,
			       warn, err, sizeof(err)))
		fc_fail("the base rules fail: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t errlens[] = { 1, 16, RULE_ERR_MAX };
	struct ruleset rs, copy;
	struct strbuf warn;
	char *text, *err, *warned;
	size_t e, lines = 1, i;
	int ret;

	/* exactly sized, no NUL after it: the parser must not look past */
	text = malloc(size ? size : 1);
	if (!text)
		fc_fail("out of memory");
	memcpy(text, data, size);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	strbuf_init(&warn);
	for (e = 0; e < sizeof(errlens) / sizeof(errlens[0]); e++) {
		strbuf_reset(&warn);
		parse_base(&rs, &warn);
		parse_base(&copy, NULL);
		strbuf_adds(&warn, "x\n");
		warned = strdup(warn.buf);
		err = malloc(errlens[e]);
		if (!err || !warned)
			fc_fail("out of memory");
		memset(err, 'X', errlens[e]);
		ret = rules_parse_buffer(NAME, text, size, &rs, &warn, err,
					 errlens[e]);
		if (ret != 0 && ret != -1)
			fc_fail("rules_parse_buffer returned %d", ret);
		if (ret) {
			if (!same_ruleset(&rs, &copy))
				fc_fail("a failed parse changed the rules");
			if (strcmp(warn.buf, warned))
				fc_fail("a failed parse left warnings");
			if (!memchr(err, '\0', errlens[e]))
				fc_fail("error text not NUL-terminated");
			if (errlens[e] == RULE_ERR_MAX)
				check_error(err, data, size);
		} else {
			if (rs.files != copy.files + 1)
				fc_fail("files=%u after %u", rs.files,
					copy.files);
			check_ruleset(&rs, lines);
			check_warnings(warn.buf + strlen(warned), lines);
			if (e == 0)
				check_listing(&rs);
		}
		free(err);
		free(warned);
		ruleset_free(&rs);
		ruleset_free(&copy);
	}
	/* Also with no error or warning buffer at all. */
	parse_base(&rs, NULL);
	parse_base(&copy, NULL);
	if (rules_parse_buffer(NAME, text, size, &rs, NULL, NULL, 0) &&
	    !same_ruleset(&rs, &copy))
		fc_fail("a failed parse changed the rules");
	ruleset_free(&rs);
	ruleset_free(&copy);
	strbuf_free(&warn);
	free(text);
	return 0;
}
