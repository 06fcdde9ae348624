// SPDX-License-Identifier: GPL-2.0
/*
 * The audit-rule parser: rule files in auditctl syntax (-a, -A, -d, -S, -F,
 * -w, -W, -p, -k, -D, -e) become a struct ruleset that the daemon compiles
 * into the BPF side's rules. It accepts what auditctl -R would send to the
 * kernel for the syscalls bpfaudit captures, refuses with a precise
 * "FILE:LINE: reason" whatever bpfaudit cannot honour (other syscalls,
 * 32-bit arches, other filter lists, unknown fields), and only warns about
 * the kernel-audit settings every distribution's audit.rules carries (-b,
 * -f, -r, ...). A rules.d directory is merged as augenrules merges it, and
 * rules_list() prints a set back as auditctl -l does. Names (syscalls,
 * fields, errnos, arches, operators) come from libaudit; users and groups
 * from the system's databases; watches look at the file system once, as
 * auditctl does, to tell a directory from a file.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libaudit.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"
#include "textfile.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* A rule file bigger than this is surely not one. */
#define RULE_FILE_MAX	(16 * 1024 * 1024)
#define PERM_ALL	(RULE_PERM_READ | RULE_PERM_WRITE | RULE_PERM_EXEC | \
			 RULE_PERM_ATTR)
#define ID_UNSET	4294967295u

/* The syscalls a rule may name: bpfaudit's capture list (wire.h). */
struct captured {
	const char *name;
	int nr;
};

#define CAPTURED(name, nr, kind) { #name, nr },
static const struct captured captured[] = {
	BA_EXEC_SYSCALLS(CAPTURED) BA_CALL_SYSCALLS(CAPTURED)
	BA_WATCH_SYSCALLS(CAPTURED)
};
#undef CAPTURED

/* How a field's value is read, checked and listed. */
enum value_kind {
	VK_UID,		/* number, user name or unset */
	VK_GID,		/* number or group name */
	VK_SES,		/* number or unset */
	VK_NUM,		/* 32-bit number: pid, ppid */
	VK_SUCCESS,	/* 0 or 1 */
	VK_EXIT,	/* signed number or errno name (-EPERM) */
	VK_ARG,		/* a0..a3: 32-bit number, listed in hex */
	VK_EXE,		/* absolute path of an executable */
	VK_PATH,	/* path=: a file */
	VK_DIR,		/* dir=: a directory tree */
	VK_PERM,	/* rwxa */
	VK_KEY,		/* joins the rule's keys */
	VK_ARCH,	/* the 64-bit machine only */
};

/* Operators a field allows, as the kernel checks them. */
#define OPS_EQ		(1u << BA_RO_EQ)
#define OPS_EQNE	(OPS_EQ | 1u << BA_RO_NE)
#define OPS_CMP		(OPS_EQNE | 1u << BA_RO_LT | 1u << BA_RO_GT | \
			 1u << BA_RO_LE | 1u << BA_RO_GE)
#define OPS_ALL		(OPS_CMP | 1u << BA_RO_AND | 1u << BA_RO_ANDEQ)

struct field_desc {
	int audit;		/* AUDIT_* of libaudit's field table */
	int field;		/* BA_RF_* or RULE_F_*; 0: not a condition */
	enum value_kind kind;
	unsigned int ops;
};

static const struct field_desc fields[] = {
	{ AUDIT_UID, BA_RF_UID, VK_UID, OPS_CMP },
	{ AUDIT_EUID, BA_RF_EUID, VK_UID, OPS_CMP },
	{ AUDIT_SUID, BA_RF_SUID, VK_UID, OPS_CMP },
	{ AUDIT_FSUID, BA_RF_FSUID, VK_UID, OPS_CMP },
	{ AUDIT_GID, BA_RF_GID, VK_GID, OPS_CMP },
	{ AUDIT_EGID, BA_RF_EGID, VK_GID, OPS_CMP },
	{ AUDIT_SGID, BA_RF_SGID, VK_GID, OPS_CMP },
	{ AUDIT_FSGID, BA_RF_FSGID, VK_GID, OPS_CMP },
	{ AUDIT_LOGINUID, BA_RF_AUID, VK_UID, OPS_CMP },
	{ AUDIT_SESSIONID, BA_RF_SES, VK_SES, OPS_CMP },
	{ AUDIT_PID, BA_RF_PID, VK_NUM, OPS_CMP },
	{ AUDIT_PPID, BA_RF_PPID, VK_NUM, OPS_CMP },
	{ AUDIT_SUCCESS, BA_RF_SUCCESS, VK_SUCCESS, OPS_EQNE },
	{ AUDIT_EXIT, BA_RF_EXIT, VK_EXIT, OPS_CMP },
	{ AUDIT_ARG0, BA_RF_A0, VK_ARG, OPS_ALL },
	{ AUDIT_ARG1, BA_RF_A1, VK_ARG, OPS_ALL },
	{ AUDIT_ARG2, BA_RF_A2, VK_ARG, OPS_ALL },
	{ AUDIT_ARG3, BA_RF_A3, VK_ARG, OPS_ALL },
	{ AUDIT_EXE, BA_RF_EXE, VK_EXE, OPS_EQNE },
	{ AUDIT_WATCH, RULE_F_PATH, VK_PATH, OPS_EQ },
	{ AUDIT_DIR, RULE_F_DIR, VK_DIR, OPS_EQ },
	{ AUDIT_PERM, RULE_F_PERM, VK_PERM, OPS_EQ },
	{ AUDIT_FILTERKEY, 0, VK_KEY, OPS_EQ },
	{ AUDIT_ARCH, 0, VK_ARCH, OPS_EQ },
};

struct op_desc {
	const char *sym;
	enum ba_rule_op op;
	int audit;		/* AUDIT_* operator, for the listing */
};

/* Two-character operators first. */
static const struct op_desc ops[] = {
	{ "!=", BA_RO_NE, AUDIT_NOT_EQUAL },
	{ ">=", BA_RO_GE, AUDIT_GREATER_THAN_OR_EQUAL },
	{ "<=", BA_RO_LE, AUDIT_LESS_THAN_OR_EQUAL },
	{ "&=", BA_RO_ANDEQ, AUDIT_BIT_TEST },
	{ "=", BA_RO_EQ, AUDIT_EQUAL },
	{ ">", BA_RO_GT, AUDIT_GREATER_THAN },
	{ "<", BA_RO_LT, AUDIT_LESS_THAN },
	{ "&", BA_RO_AND, AUDIT_BIT_MASK },
};

struct parse_ctx {
	const char *name;	/* file name for messages */
	unsigned int line;
	char *err;
	size_t errlen;
	struct strbuf *warn;
	bool merge;		/* rules.d: -D, -e placed as augenrules does */
};

enum action {
	ACT_NONE,
	ACT_APPEND,	/* -a */
	ACT_PREPEND,	/* -A */
	ACT_DELETE,	/* -d */
	ACT_WATCH,	/* -w */
	ACT_UNWATCH,	/* -W */
};

/* The line being parsed. */
struct line_state {
	enum action act;
	struct rule r;
	char cmd;		/* 'D' or 'e': a command line, not a rule */
	int enable;		/* -e's value */
	bool rule_opt;		/* -a, -A, -d, -w, -W, -S, -F or -p seen */
	bool syscall_given;	/* -S */
	bool syscall_seen;	/* -S or -w/-W: -F arch= comes before */
	bool key_dep;		/* what a key needs is there */
	bool fkey_given;	/* -F key=: checked at the end of the line */
	bool key_given;		/* -k or -F key= */
	bool perm_given;	/* -p or perm= */
};

/* Format "NAME:LINE: reason" into the caller's buffer; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
fail(const struct parse_ctx *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_errno(char *err, size_t errlen, const char *what, int errnum)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", what, strerror(errnum));
	return -1;
}

static void __attribute__((format(printf, 2, 3)))
warn(const struct parse_ctx *p, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	if (!p->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	strbuf_printf(p->warn, "%s:%u: %s\n", p->name, p->line, msg);
}

/* ---- the rule set ---- */

void ruleset_init(struct ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->enabled = -1;
}

static void rule_free(struct rule *r)
{
	unsigned int i;

	for (i = 0; i < r->ncond; i++)
		free(r->cond[i].path);
	free(r->origin);
	r->ncond = 0;
	r->origin = NULL;
}

static void rules_clear(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rule_free(&rs->rule[i]);
	rs->n = 0;
}

void ruleset_free(struct ruleset *rs)
{
	rules_clear(rs);
	free(rs->rule);
	ruleset_init(rs);
}

/* A deep copy of @src into @dst (whose content is dropped). */
static int rule_copy(struct rule *dst, const struct rule *src)
{
	unsigned int i;

	*dst = *src;
	dst->origin = NULL;
	for (i = 0; i < src->ncond; i++)
		dst->cond[i].path = NULL;
	if (src->origin && !(dst->origin = strdup(src->origin)))
		goto nomem;
	for (i = 0; i < src->ncond; i++)
		if (src->cond[i].path &&
		    !(dst->cond[i].path = strdup(src->cond[i].path)))
			goto nomem;
	return 0;
nomem:
	rule_free(dst);
	return -1;
}

static int ruleset_copy(struct ruleset *dst, const struct ruleset *src)
{
	size_t i;

	ruleset_init(dst);
	dst->enabled = src->enabled;
	dst->files = src->files;
	if (!src->n)
		return 0;
	dst->rule = calloc(src->n, sizeof(*dst->rule));
	if (!dst->rule)
		return -1;
	dst->cap = src->n;
	for (i = 0; i < src->n; i++) {
		if (rule_copy(&dst->rule[i], &src->rule[i])) {
			ruleset_free(dst);
			return -1;
		}
		dst->n++;
	}
	return 0;
}

static bool rule_equal(const struct rule *a, const struct rule *b)
{
	unsigned int i;

	if (a->always != b->always || a->arch_given != b->arch_given ||
	    a->all_syscalls != b->all_syscalls || a->ncond != b->ncond ||
	    memcmp(a->syscalls, b->syscalls, sizeof(a->syscalls)) ||
	    strcmp(a->key, b->key))
		return false;
	for (i = 0; i < a->ncond; i++) {
		const struct rule_cond *x = &a->cond[i], *y = &b->cond[i];

		if (x->field != y->field || x->op != y->op ||
		    x->value != y->value || !x->path != !y->path ||
		    (x->path && strcmp(x->path, y->path)))
			return false;
	}
	return true;
}

static void ruleset_remove(struct ruleset *rs, size_t i)
{
	rule_free(&rs->rule[i]);
	memmove(&rs->rule[i], &rs->rule[i + 1],
		(rs->n - i - 1) * sizeof(*rs->rule));
	rs->n--;
}

/* Takes @r over; -1 only when out of memory (@r is then still the caller's). */
static int ruleset_insert(struct ruleset *rs, struct rule *r, bool first)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct rule *grown = realloc(rs->rule, cap * sizeof(*grown));

		if (!grown)
			return -1;
		rs->rule = grown;
		rs->cap = cap;
	}
	if (first)
		memmove(&rs->rule[1], &rs->rule[0], rs->n * sizeof(*rs->rule));
	rs->rule[first ? 0 : rs->n] = *r;
	rs->n++;
	memset(r, 0, sizeof(*r));
	return 0;
}

/* ---- syscalls ---- */

static const struct captured *captured_nr(long nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(captured); i++)
		if (captured[i].nr == nr)
			return &captured[i];
	return NULL;
}

static void syscall_set(struct rule *r, int nr)
{
	r->syscalls[nr / 64] |= 1ull << (nr % 64);
}

static void syscalls_all(struct rule *r)
{
	size_t i;

	r->all_syscalls = true;
	for (i = 0; i < ARRAY_SIZE(captured); i++)
		syscall_set(r, captured[i].nr);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int add_syscall(const struct parse_ctx *p, struct rule *r,
		       const char *name)
{
	const char *known;
	long nr;

	if (!*name)
		return fail(p, "empty syscall name in -S");
	if (!strcmp(name, "all")) {
		syscalls_all(r);
		return 0;
	}
	nr = audit_name_to_syscall(name, MACH_86_64);
	if (nr < 0 && all_digits(name) && strlen(name) < 10)
		nr = strtol(name, NULL, 10);
	if (nr < 0)
		return fail(p, "unknown syscall '%s'", name);
	if (captured_nr(nr)) {
		syscall_set(r, nr);
		return 0;
	}
	if (!all_digits(name))
		return fail(p, "syscall %s is not captured by bpfaudit", name);
	known = audit_syscall_to_name(nr, MACH_86_64);
	if (known)
		return fail(p, "syscall %ld (%s) is not captured by bpfaudit",
			    nr, known);
	return fail(p, "syscall %ld is not captured by bpfaudit", nr);
}

/* -S NAME,NAME,...: @list is modified. */
static int parse_syscalls(const struct parse_ctx *p, struct line_state *ls,
			  char *list)
{
	char *name = list, *comma;

	if (ls->act == ACT_WATCH || ls->act == ACT_UNWATCH)
		return fail(p, "-S cannot be used with a watch (-w, -W)");
	for (;;) {
		comma = strchr(name, ',');
		if (comma)
			*comma = '\0';
		if (add_syscall(p, &ls->r, name))
			return -1;
		if (!comma)
			break;
		name = comma + 1;
	}
	ls->syscall_given = ls->syscall_seen = ls->key_dep = true;
	return 0;
}

/* ---- values ---- */

/*
 * A number as auditctl reads one (decimal, 0x hex or 0 octal, optionally
 * negative), all of @s, within [@min, @max]. Returns 0, -EINVAL or -ERANGE.
 */
static int parse_number(const char *s, long long min, long long max,
			long long *out)
{
	unsigned long long u;
	bool neg = *s == '-';
	char *end;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	u = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno || u > (unsigned long long)LLONG_MAX)
		return -ERANGE;
	*out = neg ? -(long long)u : (long long)u;
	if (*out < min || *out > max)
		return -ERANGE;
	return 0;
}

static int number_value(const struct parse_ctx *p, const char *field,
			const char *v, long long min, long long max,
			long long *out)
{
	int ret = parse_number(v, min, max, out);

	if (ret == -EINVAL)
		return fail(p, "field %s: '%s' is not a number", field, v);
	if (ret)
		return fail(p, "field %s: %s is out of range", field, v);
	return 0;
}

/* 32-bit values, negative ones as the kernel stores them (-1: 4294967295). */
static int u32_value(const struct parse_ctx *p, const char *field,
		     const char *v, int64_t *out)
{
	long long n;

	if (number_value(p, field, v, INT32_MIN, UINT32_MAX, &n))
		return -1;
	*out = (uint32_t)n;
	return 0;
}

/*
 * A user's or group's id by name, as auditctl looks it up; -1 if there is
 * none (or the databases fail). Entries may be large: the buffer grows.
 */
static int64_t id_by_name(const char *name, bool group)
{
	struct passwd pw, *pwres = NULL;
	struct group gr, *grres = NULL;
	size_t size = 4096;
	int64_t id = -1;
	char *buf = NULL, *grown;
	int ret;

	do {
		grown = size <= (1 << 20) ? realloc(buf, size) : NULL;
		if (!grown)
			goto out;
		buf = grown;
		if (group)
			ret = getgrnam_r(name, &gr, buf, size, &grres);
		else
			ret = getpwnam_r(name, &pw, buf, size, &pwres);
		size *= 2;
	} while (ret == ERANGE);
	if (!ret && grres)
		id = grres->gr_gid;
	else if (!ret && pwres)
		id = pwres->pw_uid;
out:
	free(buf);
	return id;
}

static int user_value(const struct parse_ctx *p, const char *field,
		      const char *v, int64_t *out)
{
	if ((*v >= '0' && *v <= '9') || *v == '-')
		return u32_value(p, field, v, out);
	if (!strcmp(v, "unset")) {
		*out = ID_UNSET;
		return 0;
	}
	*out = id_by_name(v, false);
	if (*out < 0)
		return fail(p, "field %s: unknown user '%s'", field, v);
	return 0;
}

static int group_value(const struct parse_ctx *p, const char *field,
		       const char *v, int64_t *out)
{
	if ((*v >= '0' && *v <= '9') || *v == '-')
		return u32_value(p, field, v, out);
	*out = id_by_name(v, true);
	if (*out < 0)
		return fail(p, "field %s: unknown group '%s'", field, v);
	return 0;
}

static int exit_value(const struct parse_ctx *p, const char *v, int64_t *out)
{
	int e;

	if ((*v >= '0' && *v <= '9') || (*v == '-' && v[1] >= '0' &&
					  v[1] <= '9')) {
		if (u32_value(p, "exit", v, out))
			return -1;
		*out = (int32_t)(uint32_t)*out;
		return 0;
	}
	e = audit_name_to_errno(v);
	if (!e)
		return fail(p, "field exit: unknown errno name '%s'", v);
	*out = e;
	return 0;
}

static int perm_value(const struct parse_ctx *p, const char *v, int64_t *out)
{
	unsigned int bits = 0;
	size_t i, n = strlen(v);

	if (n > 4)
		return fail(p, "permission '%s' is too long (rwxa at most)", v);
	for (i = 0; i < n; i++) {
		switch (v[i]) {
		case 'r': case 'R':
			bits |= RULE_PERM_READ;
			break;
		case 'w': case 'W':
			bits |= RULE_PERM_WRITE;
			break;
		case 'x': case 'X':
			bits |= RULE_PERM_EXEC;
			break;
		case 'a': case 'A':
			bits |= RULE_PERM_ATTR;
			break;
		default:
			return fail(p, "permission '%c' is not one of r, w, x, "
				    "a", v[i]);
		}
	}
	*out = bits;
	return 0;
}

static int arch_value(const struct parse_ctx *p, const char *v)
{
	long long elf;
	int machine;

	if (!strcmp(v, "b64"))
		return 0;
	if (!strcmp(v, "b32"))
		machine = MACH_X86;
	else if (*v >= '0' && *v <= '9')
		machine = parse_number(v, 0, UINT32_MAX, &elf) ? -1 :
			  audit_elf_to_machine(elf);
	else
		machine = audit_name_to_machine(v);
	if (machine == MACH_86_64)
		return 0;
	if (machine < 0)
		return fail(p, "unknown arch '%s'", v);
	return fail(p, "arch %s: bpfaudit captures 64-bit (x86_64) syscalls "
		    "only", v);
}

/* Paths as the kernel takes them: absolute, at most PATH_MAX - 1 bytes. */
static int check_path(const struct parse_ctx *p, const char *what,
		      const char *path)
{
	if (path[0] != '/')
		return fail(p, "%s: '%s' is not an absolute path", what, path);
	if (strlen(path) >= PATH_MAX)
		return fail(p, "%s: path longer than %d bytes", what,
			    PATH_MAX - 1);
	return 0;
}

/* auditctl's limit on the last component of a watched path. */
static int check_base(const struct parse_ctx *p, const char *what,
		      const char *path)
{
	if (strlen(strrchr(path, '/') + 1) > NAME_MAX)
		return fail(p, "%s: base name longer than %d bytes", what,
			    NAME_MAX);
	return 0;
}

/* Drops trailing slashes, but "/" stays. */
static void trim_slashes(char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
}

/* ---- conditions ---- */

static struct rule_cond *find_cond(struct rule *r, int field)
{
	unsigned int i;

	for (i = 0; i < r->ncond; i++)
		if ((int)r->cond[i].field == field)
			return &r->cond[i];
	return NULL;
}

static bool has_watch_path(const struct rule *r)
{
	unsigned int i;

	for (i = 0; i < r->ncond; i++)
		if ((int)r->cond[i].field == RULE_F_PATH ||
		    (int)r->cond[i].field == RULE_F_DIR)
			return true;
	return false;
}

/* Adds a condition; @path (malloc'ed or NULL) is taken over either way. */
static int add_cond(const struct parse_ctx *p, struct rule *r, int field,
		    enum ba_rule_op op, int64_t value, char *path)
{
	struct rule_cond *c;

	if (r->ncond >= BA_RULE_CONDS) {
		free(path);
		return fail(p, "too many conditions (max %d)", BA_RULE_CONDS);
	}
	c = &r->cond[r->ncond++];
	c->field = field;
	c->op = op;
	c->value = value;
	c->path = path;
	return 0;
}

static int set_perm(const struct parse_ctx *p, struct line_state *ls,
		    int64_t bits)
{
	struct rule_cond *c = find_cond(&ls->r, RULE_F_PERM);

	ls->perm_given = ls->key_dep = true;
	if (c) {
		c->value = bits;
		return 0;
	}
	return add_cond(p, &ls->r, RULE_F_PERM, BA_RO_EQ, bits, NULL);
}

static int add_key(const struct parse_ctx *p, struct rule *r, const char *key)
{
	size_t have = strlen(r->key), n = strlen(key);

	if (!n)
		return fail(p, "empty key");
	if (strchr(key, RULE_KEY_SEP))
		return fail(p, "key contains the key separator byte \\001");
	if (have + !!have + n > RULE_KEY_MAX)
		return fail(p, "key too long (max %d bytes)", RULE_KEY_MAX);
	if (have)
		r->key[have++] = RULE_KEY_SEP;
	memcpy(r->key + have, key, n + 1);
	return 0;
}

/* path=, dir=, exe=: the value, checked, as a malloc'ed string. */
static int path_cond(const struct parse_ctx *p, struct line_state *ls,
		     const struct field_desc *fd, enum ba_rule_op op,
		     const char *v)
{
	const char *name = audit_field_to_name(fd->audit);
	char *path;

	if (check_path(p, name, v))
		return -1;
	if (fd->kind == VK_EXE && find_cond(&ls->r, BA_RF_EXE))
		return fail(p, "only one exe per rule");
	if (fd->kind != VK_EXE && has_watch_path(&ls->r))
		return fail(p, "only one path or dir per rule");
	if (fd->kind != VK_DIR && v[strlen(v) - 1] == '/')
		return fail(p, "%s: '%s' ends in '/'%s", name, v,
			    fd->kind == VK_PATH ? " (use dir=)" : "");
	path = strdup(v);
	if (!path)
		return fail(p, "out of memory");
	if (fd->kind == VK_DIR)
		trim_slashes(path);
	if (fd->kind != VK_EXE && check_base(p, name, path)) {
		free(path);
		return -1;
	}
	ls->key_dep = true;
	return add_cond(p, &ls->r, fd->field, op, 0, path);
}

/* The kernel takes no unset (-1) uid or gid but auid's, by = and != only. */
static int check_id(const struct parse_ctx *p, const struct field_desc *fd,
		    const char *name, enum ba_rule_op op, int64_t value)
{
	if (value != ID_UNSET || (fd->kind != VK_UID && fd->kind != VK_GID))
		return 0;
	if (fd->audit != AUDIT_LOGINUID)
		return fail(p, "field %s: -1 (unset) is not a valid id", name);
	if (op != BA_RO_EQ && op != BA_RO_NE)
		return fail(p, "field auid compares with unset (-1) only by = "
			    "and !=");
	return 0;
}

static int number_cond(const struct parse_ctx *p, struct line_state *ls,
		       const struct field_desc *fd, enum ba_rule_op op,
		       const char *v)
{
	const char *name = audit_field_to_name(fd->audit);
	int64_t value = 0;
	long long n;
	int ret;

	switch (fd->kind) {
	case VK_UID:
		ret = user_value(p, name, v, &value);
		break;
	case VK_GID:
		ret = group_value(p, name, v, &value);
		break;
	case VK_SES:
		value = ID_UNSET;
		ret = strcmp(v, "unset") ? u32_value(p, name, v, &value) : 0;
		break;
	case VK_SUCCESS:
		ret = number_value(p, name, v, 0, LLONG_MAX, &n);
		if (!ret && n > 1)
			ret = fail(p, "field success takes 0 or 1");
		value = n;
		break;
	case VK_EXIT:
		ret = exit_value(p, v, &value);
		break;
	default:
		ret = u32_value(p, name, v, &value);
		break;
	}
	if (ret || check_id(p, fd, name, op, value))
		return -1;
	return add_cond(p, &ls->r, fd->field, op, value, NULL);
}

static const char *ops_text(unsigned int allowed)
{
	if (allowed == OPS_EQ)
		return "only =";
	if (allowed == OPS_EQNE)
		return "only = and !=";
	return "only =, !=, <, >, <= and >=";
}

static const struct field_desc *find_field(const struct parse_ctx *p,
					   const char *name)
{
	int audit;
	size_t i;

	/* the kernel's record says ses=, libaudit's table sessionid= */
	audit = strcmp(name, "ses") ? audit_name_to_field(name) :
				      AUDIT_SESSIONID;
	if (audit < 0) {
		fail(p, "unknown field '%s'", name);
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].audit == audit)
			return &fields[i];
	fail(p, "field %s is not supported by bpfaudit", name);
	return NULL;
}

/* Splits "name<op>value" at its operator; @pair is modified. */
static int split_pair(const struct parse_ctx *p, char *pair, char **value,
		      const struct op_desc **op)
{
	size_t n = strspn(pair, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	size_t i;

	if (!n)
		return fail(p, "missing field name in -F %s", pair);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strncmp(pair + n, ops[i].sym, strlen(ops[i].sym)))
			break;
	if (i == ARRAY_SIZE(ops))
		return fail(p, "missing operator in -F %s", pair);
	*op = &ops[i];
	*value = pair + n + strlen(ops[i].sym);
	pair[n] = '\0';
	if (!**value)
		return fail(p, "missing value for field %s", pair);
	return 0;
}

static int parse_field(const struct parse_ctx *p, struct line_state *ls,
		       char *pair)
{
	const struct field_desc *fd;
	const struct op_desc *op = NULL;
	char *v = NULL;
	int64_t bits;

	if (split_pair(p, pair, &v, &op))
		return -1;
	fd = find_field(p, pair);
	if (!fd)
		return -1;
	if (!(fd->ops & 1u << op->op))
		return fail(p, "field %s takes %s", pair, ops_text(fd->ops));
	switch (fd->kind) {
	case VK_KEY:
		ls->fkey_given = ls->key_given = true;
		return add_key(p, &ls->r, v);
	case VK_ARCH:
		if (ls->syscall_seen)
			return fail(p, "-F arch must come before -S and -w");
		ls->r.arch_given = true;
		return arch_value(p, v);
	case VK_PERM:
		if (perm_value(p, v, &bits))
			return -1;
		return set_perm(p, ls, bits);
	case VK_EXE:
	case VK_PATH:
	case VK_DIR:
		return path_cond(p, ls, fd, op->op, v);
	default:
		return number_cond(p, ls, fd, op->op, v);
	}
}

/* ---- actions ---- */

/* -a/-A/-d LIST,ACTION or ACTION,LIST */
static int parse_list_action(const struct parse_ctx *p, struct line_state *ls,
			     char opt, const char *arg)
{
	const char *comma = strchr(arg, ',');
	char a[16] = "", b[16] = "";
	const char *list, *action;

	if (comma && (size_t)(comma - arg) < sizeof(a) &&
	    strlen(comma + 1) < sizeof(b)) {
		memcpy(a, arg, comma - arg);
		strcpy(b, comma + 1);
	}
	action = !strcmp(a, "always") || !strcmp(a, "never") ||
		 !strcmp(a, "possible") ? a : b;
	list = action == a ? b : a;
	if (strcmp(action, "always") && strcmp(action, "never"))
		return fail(p, "-%c takes always,exit or never,exit, not '%s'",
			    opt, arg);
	if (!strcmp(list, "task") || !strcmp(list, "user") ||
	    !strcmp(list, "exclude") || !strcmp(list, "filesystem"))
		return fail(p, "-%c %s: the %s list is not supported, bpfaudit "
			    "filters at syscall exit only", opt, arg, list);
	if (strcmp(list, "exit"))
		return fail(p, "-%c takes always,exit or never,exit, not '%s'",
			    opt, arg);
	ls->r.always = !strcmp(action, "always");
	return 0;
}

static int set_action(const struct parse_ctx *p, struct line_state *ls,
		      enum action act)
{
	if (ls->act != ACT_NONE)
		return fail(p, "only one of -a, -A, -d, -w and -W per rule");
	ls->act = act;
	ls->rule_opt = true;
	return 0;
}

/* -w PATH / -W PATH: a directory when it ends in '/' or is one now. */
static int parse_watch(const struct parse_ctx *p, struct line_state *ls,
		       const char *arg)
{
	struct stat st;
	bool dir;
	char *path;

	if (check_path(p, "watch", arg))
		return -1;
	if (ls->syscall_given || ls->r.ncond)
		return fail(p, "a watch cannot follow -S or -F");
	path = strdup(arg);
	if (!path)
		return fail(p, "out of memory");
	trim_slashes(path);
	if (check_base(p, "watch", path)) {
		free(path);
		return -1;
	}
	dir = arg[strlen(arg) - 1] == '/' ||
	      (!stat(arg, &st) && S_ISDIR(st.st_mode));
	ls->r.always = true;
	ls->syscall_seen = ls->key_dep = true;
	syscalls_all(&ls->r);
	if (add_cond(p, &ls->r, dir ? RULE_F_DIR : RULE_F_PATH, BA_RO_EQ, 0,
		     path))
		return -1;
	return add_cond(p, &ls->r, RULE_F_PERM, BA_RO_EQ, PERM_ALL, NULL);
}

/* ---- options ---- */

/* Settings of kernel audit that bpfaudit has no use for: warned, skipped. */
static int kernel_setting(const struct parse_ctx *p, const char *opt,
			  const char *arg, const char *what)
{
	long long n = 0;

	if (arg && parse_number(arg, 0, UINT32_MAX, &n))
		return fail(p, "%s takes a number, not '%s'", opt, arg);
	if (!strcmp(opt, "-f") && n > 2)
		return fail(p, "-f takes 0, 1 or 2");
	warn(p, "%s (%s) not applicable to bpfaudit, ignored", opt, what);
	return 0;
}

/*
 * The next blank-separated word of *@pp, NUL-terminated in place, or NULL.
 * As auditctl -R: "\ " is a blank inside a word, "\\" a backslash.
 */
static char *next_token(char **pp)
{
	char *s = *pp, *start, *w;
	bool more;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' ||
	       *s == '\f')
		s++;
	if (!*s) {
		*pp = s;
		return NULL;
	}
	start = w = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\v' &&
	       *s != '\f') {
		if (*s == '\\' && (s[1] == ' ' || s[1] == '\\'))
			s++;
		*w++ = *s++;
	}
	more = *s != '\0';
	*w = '\0';
	*pp = more ? s + 1 : s;
	return start;
}

/* The argument of option @opt: the rest of @tok, or the next word. */
static char *option_arg(const struct parse_ctx *p, const char *opt,
			char *rest, char **pp)
{
	char *arg = *rest ? rest : next_token(pp);

	if (!arg)
		fail(p, "missing value for %s", opt);
	return arg;
}

static int long_option(const struct parse_ctx *p, char *tok, char **pp)
{
	char *eq = strchr(tok, '=');
	char *arg;

	if (eq)
		*eq = '\0';
	if (!strcmp(tok, "--loginuid-immutable") && !eq)
		return kernel_setting(p, tok, NULL, "immutable login uids");
	if (!strcmp(tok, "--backlog_wait_time")) {
		arg = option_arg(p, tok, eq ? eq + 1 : "", pp);
		return arg ? kernel_setting(p, tok, arg, "kernel backlog "
					    "wait time") : -1;
	}
	if (!strcmp(tok, "--reset-lost") || !strcmp(tok, "--signal") ||
	    !strcmp(tok, "--reset_backlog_wait_time_actual"))
		return fail(p, "%s cannot be used in a rule file", tok);
	return fail(p, "unknown option '%s'", tok);
}

static int rule_option(const struct parse_ctx *p, struct line_state *ls,
		       char c, char *arg)
{
	int64_t bits;

	switch (c) {
	case 'a':
	case 'A':
	case 'd':
		if (set_action(p, ls, c == 'a' ? ACT_APPEND :
				      c == 'A' ? ACT_PREPEND : ACT_DELETE))
			return -1;
		return parse_list_action(p, ls, c, arg);
	case 'w':
	case 'W':
		if (set_action(p, ls, c == 'w' ? ACT_WATCH : ACT_UNWATCH))
			return -1;
		return parse_watch(p, ls, arg);
	case 'S':
		ls->rule_opt = true;
		return parse_syscalls(p, ls, arg);
	case 'F':
		ls->rule_opt = true;
		if (ls->act == ACT_NONE)
			return fail(p, "-F needs -a, -A, -d or -w before it");
		if (ls->act == ACT_UNWATCH)
			return fail(p, "-W takes only -p and -k");
		return parse_field(p, ls, arg);
	case 'p':
		ls->rule_opt = true;
		if (ls->act == ACT_NONE)
			return fail(p, "-p needs a watch before it");
		if (perm_value(p, arg, &bits))
			return -1;
		return set_perm(p, ls, bits);
	}
	return fail(p, "internal error: option -%c", c);
}

static int key_option(const struct parse_ctx *p, struct line_state *ls,
		      const char *arg)
{
	if (ls->cmd == 'D') {
		ls->key_given = true;
		return add_key(p, &ls->r, arg);
	}
	if (ls->act == ACT_NONE || !ls->key_dep)
		return fail(p, "-k needs -S, -w or a path, dir, perm or exe "
			    "field before it");
	ls->key_given = true;
	return add_key(p, &ls->r, arg);
}

static int command_option(const struct parse_ctx *p, struct line_state *ls,
			  char c, const char *arg)
{
	if (ls->cmd || ls->rule_opt || ls->key_given)
		return fail(p, "-%c must be alone on its line", c);
	ls->cmd = c;
	if (c == 'D')
		return 0;
	if (strcmp(arg, "0") && strcmp(arg, "1") && strcmp(arg, "2"))
		return fail(p, "-e takes 0, 1 or 2");
	ls->enable = arg[0] - '0';
	return 0;
}

static int parse_option(const struct parse_ctx *p, struct line_state *ls,
			char *tok, char **pp)
{
	char c = tok[1], flag[3] = { '-', c, '\0' };
	char *arg = NULL;

	if (tok[0] != '-' || !c)
		return fail(p, "unexpected argument '%s'", tok);
	if (c == '-')
		return long_option(p, tok, pp);
	if (c == 'C')
		return fail(p, "-C (field comparison) is not supported by "
			    "bpfaudit");
	if (ls->cmd == 'e' || (ls->cmd == 'D' && c != 'k'))
		return fail(p, "-%c must be alone on its line", ls->cmd);
	if (strchr("aAdSFwWpkebfr", c)) {
		arg = option_arg(p, flag, tok + 2, pp);
		if (!arg)
			return -1;
	} else if (tok[2]) {
		return fail(p, "unknown option '%s'", tok);
	}
	switch (c) {
	case 'a': case 'A': case 'd': case 'S': case 'F': case 'w': case 'W':
	case 'p':
		return rule_option(p, ls, c, arg);
	case 'k':
		return key_option(p, ls, arg);
	case 'D':
	case 'e':
		return command_option(p, ls, c, arg);
	case 'b':
		return kernel_setting(p, flag, arg, "kernel backlog limit");
	case 'f':
		return kernel_setting(p, flag, arg, "kernel failure mode");
	case 'r':
		return kernel_setting(p, flag, arg, "kernel rate limit");
	case 'i':
		return kernel_setting(p, flag, NULL, "ignore errors");
	case 'c':
		return kernel_setting(p, flag, NULL, "continue after errors");
	case 'l': case 's': case 'm': case 'R': case 'q': case 't': case 'v':
	case 'h':
		return fail(p, "%s cannot be used in a rule file", flag);
	}
	return fail(p, "unknown option '%s'", tok);
}

/* ---- applying a line ---- */

static int check_locked(const struct parse_ctx *p, const struct ruleset *rs)
{
	if (rs->enabled == 2 && !p->merge)
		return fail(p, "the rules are locked (-e 2): no change is "
			    "possible until reboot");
	return 0;
}

/* -D, -D -k KEY (rules whose keys contain KEY, as auditctl), -e N. */
static int run_command(const struct parse_ctx *p, struct line_state *ls,
		       struct ruleset *rs)
{
	size_t i;

	if (check_locked(p, rs))
		return -1;
	if (ls->cmd == 'e') {
		rs->enabled = ls->enable;
		return 0;
	}
	if (!ls->key_given) {
		/* augenrules puts a lone -D first: nothing to delete yet */
		if (!p->merge)
			rules_clear(rs);
		return 0;
	}
	for (i = rs->n; i-- > 0;)
		if (strstr(rs->rule[i].key, ls->r.key))
			ruleset_remove(rs, i);
	return 0;
}

/*
 * What -w makes, however it was written: always, every syscall, a path or
 * dir and then perm, nothing else. auditctl -l lists these as -w.
 */
static bool is_watch(const struct rule *r)
{
	int f;

	if (!r->always || !r->all_syscalls || r->ncond != 2)
		return false;
	f = r->cond[0].field;
	return (f == RULE_F_PATH || f == RULE_F_DIR) &&
	       (int)r->cond[1].field == RULE_F_PERM;
}

static const struct rule_cond *watch_path(const struct rule *r)
{
	unsigned int i;

	for (i = 0; i < r->ncond; i++)
		if ((int)r->cond[i].field == RULE_F_PATH ||
		    (int)r->cond[i].field == RULE_F_DIR)
			return &r->cond[i];
	return NULL;
}

/* -W PATH [-p PERM] [-k KEY]: removes every watch on PATH that matches. */
static int unwatch(const struct parse_ctx *p, struct line_state *ls,
		   struct ruleset *rs)
{
	const char *path = watch_path(&ls->r)->path;
	int64_t perm = find_cond(&ls->r, RULE_F_PERM)->value;
	bool found = false;
	size_t i;

	for (i = rs->n; i-- > 0;) {
		struct rule *r = &rs->rule[i];

		if (!is_watch(r) || strcmp(watch_path(r)->path, path) ||
		    (ls->perm_given &&
		     find_cond(r, RULE_F_PERM)->value != perm) ||
		    (ls->key_given && strcmp(r->key, ls->r.key)))
			continue;
		ruleset_remove(rs, i);
		found = true;
	}
	if (!found)
		return fail(p, "-W %s: no rule matches", path);
	return 0;
}

static int delete_rule(const struct parse_ctx *p, struct line_state *ls,
		       struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		if (rule_equal(&rs->rule[i], &ls->r)) {
			ruleset_remove(rs, i);
			return 0;
		}
	}
	return fail(p, "-d: no rule matches");
}

static int add_rule(const struct parse_ctx *p, struct line_state *ls,
		    struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rule_equal(&rs->rule[i], &ls->r))
			return fail(p, "rule exists already (%s:%u)",
				    rs->rule[i].origin ? rs->rule[i].origin :
							 "?",
				    rs->rule[i].line);
	if (rs->n >= BA_RULES_MAX)
		return fail(p, "too many rules (max %d)", BA_RULES_MAX);
	ls->r.origin = strdup(p->name);
	ls->r.line = p->line;
	if (!ls->r.origin || ruleset_insert(rs, &ls->r,
					    ls->act == ACT_PREPEND))
		return fail(p, "out of memory");
	return 0;
}

/* Checks a complete rule line and applies it to @rs. */
static int finish_rule(const struct parse_ctx *p, struct line_state *ls,
		       struct ruleset *rs)
{
	struct rule *r = &ls->r;

	if (ls->act == ACT_NONE)
		return fail(p, "rule has no -a/-A/-w action");
	if (!ls->syscall_given && !r->all_syscalls)
		syscalls_all(r);
	if (ls->fkey_given && !ls->key_dep)
		return fail(p, "key= needs -S, -w or a path, dir, perm or exe "
			    "field in the rule");
	if (find_cond(r, RULE_F_PERM) && !has_watch_path(r))
		return fail(p, "perm needs a path or dir (-w, path=, dir=) in "
			    "the rule");
	r->watch = is_watch(r);
	if (check_locked(p, rs))
		return -1;
	switch (ls->act) {
	case ACT_DELETE:
		return delete_rule(p, ls, rs);
	case ACT_UNWATCH:
		return unwatch(p, ls, rs);
	default:
		return add_rule(p, ls, rs);
	}
}

/* One NUL-terminated line, modified in place. */
static int parse_line(const struct parse_ctx *p, char *line,
		      struct ruleset *rs)
{
	struct line_state ls;
	char *tok, *pos = line;
	int ret = -1;

	tok = next_token(&pos);
	if (!tok || tok[0] == '#')
		return 0;
	memset(&ls, 0, sizeof(ls));
	for (; tok; tok = next_token(&pos))
		if (parse_option(p, &ls, tok, &pos))
			goto out;
	if (ls.cmd)
		ret = run_command(p, &ls, rs);
	else if (ls.rule_opt || ls.key_given)
		ret = finish_rule(p, &ls, rs);
	else
		ret = 0;	/* only settings that were warned about */
out:
	rule_free(&ls.r);
	return ret;
}

static int parse_text(const struct parse_ctx *p0, const char *text,
		      size_t len, struct ruleset *rs)
{
	struct parse_ctx p = *p0;
	char *line;
	size_t pos = 0;
	int ret = 0;

	line = malloc(RULE_LINE_MAX + 1);
	if (!line)
		return fail(&p, "out of memory");
	while (pos < len && !ret) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		p.line++;
		pos += n + (nl ? 1 : 0);
		if (n > RULE_LINE_MAX)
			ret = fail(&p, "line is longer than %d bytes",
				   RULE_LINE_MAX);
		else if (memchr(start, '\0', n))
			ret = fail(&p, "line contains a NUL byte");
		if (ret)
			break;
		memcpy(line, start, n);
		line[n] = '\0';
		ret = parse_line(&p, line, rs);
	}
	free(line);
	if (!ret)
		rs->files++;
	return ret;
}

/* Parses into a copy, so that a failure leaves @rs and @warn as they were. */
static int parse_into(const struct parse_ctx *p, const char *text, size_t len,
		      struct ruleset *rs)
{
	struct ruleset tmp;
	size_t wlen = p->warn ? p->warn->len : 0;

	if (ruleset_copy(&tmp, rs))
		return fail(p, "out of memory");
	if (parse_text(p, text, len, &tmp)) {
		ruleset_free(&tmp);
		if (p->warn && p->warn->buf) {
			p->warn->len = wlen;
			p->warn->buf[wlen] = '\0';
		}
		return -1;
	}
	ruleset_free(rs);
	*rs = tmp;
	return 0;
}

int rules_parse_buffer(const char *name, const char *text, size_t len,
		       struct ruleset *rs, struct strbuf *warn, char *err,
		       size_t errlen)
{
	struct parse_ctx p = { .name = name, .err = err, .errlen = errlen,
			       .warn = warn };

	return parse_into(&p, text, len, rs);
}

/* ---- files ---- */

static int parse_file(const struct parse_ctx *p, const char *path,
		      struct ruleset *rs)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (textfile_read(path, RULE_FILE_MAX, &buf, &len, p->err,
			  p->errlen))
		return -1;
	ret = parse_into(p, buf, len, rs);
	free(buf);
	return ret;
}

int rules_parse_file(const char *path, struct ruleset *rs,
		     struct strbuf *warn, char *err, size_t errlen)
{
	struct parse_ctx p = { .name = path, .err = err, .errlen = errlen,
			       .warn = warn };

	return parse_file(&p, path, rs);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_rule_file(const char *dir, const char *name)
{
	size_t n = strlen(name);
	char path[PATH_MAX];
	struct stat st;

	/* as `ls | grep '\.rules$'`: no hidden files */
	if (name[0] == '.' || n < 7 || strcmp(name + n - 6, ".rules"))
		return false;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return false;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* The rule files of @dir, sorted; *@n of them. */
static int list_dir(const char *dir, char ***namesp, size_t *np, char *err,
		    size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0;

	*namesp = NULL;
	*np = 0;
	if (!d)
		return errno == ENOENT ? 0 :
					 fail_errno(err, errlen, dir, errno);
	while ((de = readdir(d))) {
		if (!is_rule_file(dir, de->d_name))
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			names = grown ? grown : names;
			while (n)
				free(names[--n]);
			free(names);
			closedir(d);
			return fail_errno(err, errlen, dir, ENOMEM);
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n)	/* qsort() wants an array, even of nothing */
		qsort(names, n, sizeof(*names), cmp_names);
	*namesp = names;
	*np = n;
	return 0;
}

int rules_load_dir(const char *dir, struct ruleset *rs, struct strbuf *warn,
		   char *err, size_t errlen)
{
	struct parse_ctx p = { .err = err, .errlen = errlen, .warn = warn,
			       .merge = true };
	size_t wlen = warn ? warn->len : 0;
	struct ruleset tmp;
	char **names, path[PATH_MAX];
	size_t n, i;
	int ret = -1;

	if (list_dir(dir, &names, &n, err, errlen))
		return -1;
	ruleset_init(&tmp);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path)) {
			fail_errno(err, errlen, names[i], ENAMETOOLONG);
			goto out;
		}
		p.name = path;
		if (parse_file(&p, path, &tmp))
			goto out;
	}
	ruleset_free(rs);
	*rs = tmp;
	ruleset_init(&tmp);
	ret = 0;
out:
	ruleset_free(&tmp);
	if (ret && warn && warn->buf) {
		warn->len = wlen;
		warn->buf[wlen] = '\0';
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* ---- listing ---- */

/* As written, with blanks and backslashes escaped so that it reads back. */
static void list_string(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' ||
		    (*s == '\\' && (s[1] == ' ' || s[1] == '\\' || !s[1])))
			strbuf_addc(out, '\\');
		strbuf_addc(out, *s);
	}
}

static void list_keys(struct strbuf *out, const char *key, const char *opt)
{
	char one[RULE_KEY_MAX + 1];
	size_t n;

	while (*key) {
		n = strcspn(key, (char[]){ RULE_KEY_SEP, '\0' });
		if (n > RULE_KEY_MAX)
			n = RULE_KEY_MAX;
		memcpy(one, key, n);
		one[n] = '\0';
		strbuf_adds(out, opt);
		list_string(out, one);
		key += n;
		if (*key)
			key++;
	}
}

static void list_perm(struct strbuf *out, int64_t v)
{
	if (v & RULE_PERM_READ)
		strbuf_addc(out, 'r');
	if (v & RULE_PERM_WRITE)
		strbuf_addc(out, 'w');
	if (v & RULE_PERM_EXEC)
		strbuf_addc(out, 'x');
	if (v & RULE_PERM_ATTR)
		strbuf_addc(out, 'a');
}

static const struct field_desc *field_of(int field)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].field == field)
			return &fields[i];
	return NULL;
}

static const char *op_symbol(enum ba_rule_op op)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].op == op)
			return audit_operator_to_symbol(ops[i].audit);
	return "?";
}

static void list_cond(struct strbuf *out, const struct rule_cond *c)
{
	const struct field_desc *fd = field_of(c->field);
	const char *err;

	if (!fd)
		return;
	strbuf_printf(out, " -F %s%s", audit_field_to_name(fd->audit),
		      op_symbol(c->op));
	switch (fd->kind) {
	case VK_EXE:
	case VK_PATH:
	case VK_DIR:
		list_string(out, c->path);
		return;
	case VK_PERM:
		list_perm(out, c->value);
		return;
	case VK_ARG:
		strbuf_printf(out, "0x%X", (unsigned int)c->value);
		return;
	case VK_EXIT:
		err = c->value < 0 ? audit_errno_to_name(-c->value) : NULL;
		if (err)
			strbuf_printf(out, "-%s", err);
		else
			strbuf_printf(out, "%d", (int)c->value);
		return;
	default:
		/* auditctl -l prints the kernel's 32-bit values signed */
		strbuf_printf(out, "%d", (int32_t)(uint32_t)c->value);
	}
}

static void list_syscalls(struct strbuf *out, const struct rule *r)
{
	const char *name;
	bool first = true;
	int nr;

	if (r->all_syscalls) {
		strbuf_adds(out, " -S all");
		return;
	}
	for (nr = 0; nr < BA_SYSCALL_WORDS * 64; nr++) {
		if (!(r->syscalls[nr / 64] & (1ull << (nr % 64))))
			continue;
		strbuf_adds(out, first ? " -S " : ",");
		first = false;
		name = audit_syscall_to_name(nr, MACH_86_64);
		if (name)
			strbuf_adds(out, name);
		else
			strbuf_printf(out, "%d", nr);
	}
}

/* A file watch (path=) on what is a directory now would read back from
 * -w as a directory watch: it is listed as written. */
static bool lists_as_watch(const struct rule *r)
{
	struct stat st;

	if (!is_watch(r))
		return false;
	if ((int)r->cond[0].field == RULE_F_DIR)
		return true;
	return stat(r->cond[0].path, &st) || !S_ISDIR(st.st_mode);
}

/* A directory watch whose path is no directory now keeps its '/'. */
static void list_watch(struct strbuf *out, const struct rule *r)
{
	const struct rule_cond *w = watch_path(r);
	struct stat st;

	strbuf_adds(out, "-w ");
	list_string(out, w->path);
	if ((int)w->field == RULE_F_DIR && strcmp(w->path, "/") &&
	    (stat(w->path, &st) || !S_ISDIR(st.st_mode)))
		strbuf_addc(out, '/');
	strbuf_adds(out, " -p ");
	list_perm(out, find_cond((struct rule *)r, RULE_F_PERM)->value);
	list_keys(out, r->key, " -k ");
	strbuf_addc(out, '\n');
}

static void list_rule(struct strbuf *out, const struct rule *r)
{
	unsigned int i;

	if (lists_as_watch(r)) {
		list_watch(out, r);
		return;
	}
	strbuf_adds(out, r->always ? "-a always,exit" : "-a never,exit");
	if (r->arch_given)
		strbuf_adds(out, " -F arch=b64");
	list_syscalls(out, r);
	for (i = 0; i < r->ncond; i++)
		list_cond(out, &r->cond[i]);
	list_keys(out, r->key, " -F key=");
	strbuf_addc(out, '\n');
}

void rules_list(const struct ruleset *rs, struct strbuf *out)
{
	size_t i;

	if (!rs->n) {
		strbuf_adds(out, "No rules\n");
		return;
	}
	for (i = 0; i < rs->n; i++)
		list_rule(out, &rs->rule[i]);
}
