// SPDX-License-Identifier: GPL-2.0
/*
 * auditd's plugin interface, as bpfauditd speaks it: the plugins.d file
 * format and the string-format record stream. The file rules follow
 * audit-userspace's audisp/audispd-pconfig.c: words split on spaces,
 * "keyword = value [option...]", keywords and values case-insensitive,
 * unknown keywords fatal, files and programs owned by root and not
 * writable by others.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin_proto.h"

#define PLUGIN_MAX_FILE		(64 * 1024)
#define MAX_WORDS		(PLUGIN_MAX_ARGS + 2)

struct pctx {
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
};

/* The kinds of plugin bpfauditd cannot run, remembered until the end so
 * that an inactive file may still name them, as auditd allows. */
struct unsupported {
	const char *type;
	const char *format;
	const char *direction;
	bool builtin_path;
};

static int __attribute__((format(printf, 2, 3)))
fail(const struct pctx *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = p->line ? snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line)
		    : snprintf(p->err, p->errlen, "%s: ", p->name);
	if (n < 0 || (size_t)n >= p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

bool plugin_conf_wanted(const char *name)
{
	const char *dot = strchr(name, '.');

	if (name[0] == '.')
		return false;
	return !dot || !strchr(dot + 1, '.');
}

/* Splits @line on spaces, in place; returns the number of words, or
 * MAX_WORDS + 1 when there are too many. */
static int split_words(char *line, char **w)
{
	char *save, *tok;
	int n = 0;

	for (tok = strtok_r(line, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (n == MAX_WORDS)
			return MAX_WORDS + 1;
		w[n++] = tok;
	}
	return n;
}

static int set_yes_no(const struct pctx *p, const char *key, const char *v,
		      bool *out)
{
	if (!strcasecmp(v, "yes"))
		*out = true;
	else if (!strcasecmp(v, "no"))
		*out = false;
	else
		return fail(p, "%s: '%s' is not one of yes, no", key, v);
	return 0;
}

static int set_path(const struct pctx *p, const char *v, struct plugin_conf *pc,
		    struct unsupported *u)
{
	const char *slash = strrchr(v, '/');

	u->builtin_path = !strncasecmp(v, "builtin_", 8);
	if (u->builtin_path) {
		snprintf(pc->path, sizeof(pc->path), "%s", v);
		return 0;
	}
	if (v[0] != '/')
		return fail(p, "path: '%s' is not an absolute path", v);
	/* auditd: "'/var' is the shortest dirname" */
	if (slash - v < 4)
		return fail(p, "path: the directory of '%s' is too short", v);
	if (strlen(v) >= sizeof(pc->path))
		return fail(p, "path: too long");
	strcpy(pc->path, v);
	return 0;
}

static void set_args(char **w, int n, struct plugin_conf *pc)
{
	size_t used = 0;
	int i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(w[i]) + 1;

		memcpy(pc->args + used, w[i], len);
		used += len;
	}
	pc->nargs = n;
}

/* One keyword: w[0] is the keyword, w[2..n) its value and options. */
static int set_keyword(const struct pctx *p, char **w, int n,
		       struct plugin_conf *pc, struct unsupported *u)
{
	const char *key = w[0], *v = w[2];

	if (!strcasecmp(key, "args")) {
		set_args(w + 2, n - 2, pc);
		return 0;
	}
	if (!strcasecmp(key, "active") || !strcasecmp(key, "direction") ||
	    !strcasecmp(key, "path") || !strcasecmp(key, "type") ||
	    !strcasecmp(key, "format")) {
		if (n > 3)
			return fail(p, "%s: takes one value, not %d", key,
				    n - 2);
	} else {
		return fail(p, "unknown keyword '%s'", key);
	}
	if (!strcasecmp(key, "active"))
		return set_yes_no(p, key, v, &pc->active);
	if (!strcasecmp(key, "path"))
		return set_path(p, v, pc, u);
	if (!strcasecmp(key, "direction")) {
		u->direction = strcasecmp(v, "out") ? "direction" : NULL;
		return 0;
	}
	if (!strcasecmp(key, "type")) {
		if (strcasecmp(v, "always") && strcasecmp(v, "builtin"))
			return fail(p, "type: '%s' is not one of always,"
				    " builtin", v);
		u->type = strcasecmp(v, "always") ? "builtin" : NULL;
		return 0;
	}
	if (strcasecmp(v, "string") && strcasecmp(v, "binary"))
		return fail(p, "format: '%s' is not one of string, binary", v);
	u->format = strcasecmp(v, "string") ? "binary" : NULL;
	return 0;
}

static int parse_line(const struct pctx *p, char *line,
		      struct plugin_conf *pc, struct unsupported *u)
{
	char *w[MAX_WORDS];
	int n = split_words(line, w);

	if (n == 0 || w[0][0] == '#')
		return 0;
	if (n > MAX_WORDS)
		return fail(p, "more than %d arguments", PLUGIN_MAX_ARGS);
	if (n < 2 || strcmp(w[1], "="))
		return fail(p, "'%s' is not 'keyword = value' (words are"
			    " split on spaces)", w[0]);
	if (n < 3)
		return fail(p, "%s: missing value", w[0]);
	return set_keyword(p, w, n, pc, u);
}

/* What an active plugin must be for bpfauditd to run it. */
static int check_active(const struct pctx *p, const struct plugin_conf *pc,
			const struct unsupported *u)
{
	if (!pc->active)
		return 0;
	if (u->format)
		return fail(p, "format = binary is not supported: bpfauditd"
			    " feeds plugins the string format only");
	if (u->type)
		return fail(p, "type = builtin is not supported: builtin"
			    " plugins are part of auditd");
	if (u->builtin_path)
		return fail(p, "path = %s is not supported: builtin plugins"
			    " are part of auditd", pc->path);
	if (u->direction)
		return fail(p, "direction: only 'out' is supported");
	if (!pc->path[0])
		return fail(p, "the plugin is active but no path is given");
	return 0;
}

int plugin_conf_parse(const char *name, const char *text, size_t len,
		      struct plugin_conf *pc, char *err, size_t errlen)
{
	struct pctx p = { .name = name, .err = err, .errlen = errlen };
	struct unsupported u = { 0 };
	char line[PLUGIN_MAX_LINE + 1];
	size_t pos = 0;

	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "%s", name);
	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		p.line++;
		pos += n + (nl ? 1 : 0);
		if (n > PLUGIN_MAX_LINE)
			return fail(&p, "line is longer than %d bytes",
				    PLUGIN_MAX_LINE);
		if (memchr(start, '\0', n))
			return fail(&p, "line contains a NUL byte");
		memcpy(line, start, n);
		line[n] = '\0';
		if (parse_line(&p, line, pc, &u))
			return -1;
	}
	p.line = 0;
	return check_active(&p, pc, &u);
}

/* Owned by root, a regular file, not writable by group or others. */
static int check_owner(const struct pctx *p, const char *what,
		       const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return fail(p, "%s is not a regular file", what);
	if (st->st_uid != 0)
		return fail(p, "%s is not owned by root", what);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fail(p, "%s is writable by group or others", what);
	return 0;
}

static int check_program(const struct pctx *p, struct plugin_conf *pc)
{
	const mode_t need = S_IRUSR | S_IXUSR | S_IRGRP | S_IXGRP;
	struct stat st;

	if (stat(pc->path, &st))
		return fail(p, "%s: %s", pc->path, strerror(errno));
	if (check_owner(p, pc->path, &st))
		return -1;
	if ((st.st_mode & need) != need)
		return fail(p, "%s: permissions should be at least 0550",
			    pc->path);
	pc->inode = st.st_ino;
	return 0;
}

static int read_conf(const struct pctx *p, int fd, char *buf, size_t *len)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st))
		return fail(p, "%s", strerror(errno));
	if (check_owner(p, "the file", &st))
		return -1;
	*len = 0;
	while ((n = read(fd, buf + *len, PLUGIN_MAX_FILE - *len)) > 0)
		*len += n;
	if (n < 0)
		return fail(p, "%s", strerror(errno));
	if (*len == PLUGIN_MAX_FILE)
		return fail(p, "larger than %d bytes", PLUGIN_MAX_FILE - 1);
	return 0;
}

int plugin_conf_load(const char *dir, const char *name,
		     struct plugin_conf *pc, char *err, size_t errlen)
{
	char path[PLUGIN_PATH_MAX + PLUGIN_NAME_MAX + 2];
	struct pctx p = { .name = path, .err = err, .errlen = errlen };
	char *buf = malloc(PLUGIN_MAX_FILE);
	size_t len = 0;
	int fd, ret = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!buf)
		return fail(&p, "%s", strerror(ENOMEM));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		fail(&p, "%s", strerror(errno));
		goto out;
	}
	if (!read_conf(&p, fd, buf, &len) &&
	    !plugin_conf_parse(path, buf, len, pc, err, errlen) &&
	    (!pc->active || !check_program(&p, pc)))
		ret = 0;
	snprintf(pc->name, sizeof(pc->name), "%s", name);
	close(fd);
out:
	free(buf);
	return ret;
}

/* The "msg=audit(...)" stamp of the line at @s (up to @end), or NULL. */
static const char *line_stamp(const char *s, const char *end, size_t *slen)
{
	const char *m = memmem(s, end - s, " msg=audit(", 11), *close;

	if (!m)
		return NULL;
	m += 1;
	close = memchr(m, ')', end - m);
	if (!close)
		return NULL;
	*slen = close + 1 - m;
	return m;
}

size_t plugin_next_event(const char *buf, size_t len, char *eoe,
			 size_t eoe_size)
{
	const char *end = buf + len, *nl = memchr(buf, '\n', len), *stamp, *p;
	bool syscall = !strncmp(buf, "type=SYSCALL ", 13);
	size_t slen, olen;

	eoe[0] = '\0';
	if (!nl)
		return 0;
	stamp = line_stamp(buf, nl, &slen);
	if (!stamp)
		return nl + 1 - buf;
	for (p = nl + 1; p < end; p = nl + 1) {
		const char *s;

		nl = memchr(p, '\n', end - p);
		if (!nl)
			break;
		s = line_stamp(p, nl, &olen);
		if (!s || olen != slen || memcmp(s, stamp, slen))
			break;
		syscall |= !strncmp(p, "type=SYSCALL ", 13);
	}
	/* the kernel ends every syscall event, whatever record comes first
	 * (BPF before SYSCALL for bpf()), with an EOE record */
	if (syscall && slen + 16 < eoe_size)
		snprintf(eoe, eoe_size, "type=EOE %.*s: \n", (int)slen, stamp);
	return p - buf;
}
