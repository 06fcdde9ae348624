// SPDX-License-Identifier: GPL-2.0
/*
 * audisp-bpfaudit.conf: "key = value" lines as in bpfauditd.conf and
 * auditd.conf, blanks around '=' ignored, '#' starts a comment line, every
 * error fatal with "FILE:LINE: reason".
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guard.h"

#ifndef GUARD_LOG_FILE
#define GUARD_LOG_FILE	"/var/log/bpfaudit/audisp-bpfaudit.log"
#endif
#ifndef GUARD_PID_FILE
#define GUARD_PID_FILE	"/run/bpfauditd.pid"
#endif

#define GUARD_MAX_LINE	4096
#define GUARD_MAX_FILE	(1024 * 1024)

struct cctx {
	const char *name;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
fail(const struct cctx *p, const char *fmt, ...)
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

void guard_config_defaults(struct guard_config *c)
{
	memset(c, 0, sizeof(*c));
	c->heartbeat_timeout = 90;
	c->window = 5;
	c->max_pending = 16384;
	snprintf(c->log_file, sizeof(c->log_file), "%s", GUARD_LOG_FILE);
	snprintf(c->pid_file, sizeof(c->pid_file), "%s", GUARD_PID_FILE);
	c->syslog = true;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

static int set_uint(const struct cctx *p, const char *key, const char *v,
		    unsigned long min, unsigned long max, unsigned int *out)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)v[0]))
		return fail(p, "%s: '%s' is not a number", key, v);
	errno = 0;
	n = strtoul(v, &end, 10);
	if (*end)
		return fail(p, "%s: '%s' is not a number", key, v);
	if (errno || n < min || n > max)
		return fail(p, "%s: %s is out of range %lu..%lu", key, v, min,
			    max);
	*out = n;
	return 0;
}

/* An absolute path, or "none" for "". */
static int set_path(const struct cctx *p, const char *key, const char *v,
		    char *out)
{
	if (!strcasecmp(v, "none")) {
		out[0] = '\0';
		return 0;
	}
	if (v[0] != '/')
		return fail(p, "%s: '%s' is not an absolute path", key, v);
	if (strlen(v) >= GUARD_PATH_MAX)
		return fail(p, "%s: too long", key);
	strcpy(out, v);
	return 0;
}

static int set_keys(const struct cctx *p, char *v, struct guard_config *c)
{
	char *tok, *save;

	c->nkeys = 0;
	if (!strcasecmp(v, "none"))
		return 0;
	for (tok = strtok_r(v, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (c->nkeys == GUARD_MAX_KEYS)
			return fail(p, "keys: more than %d keys",
				    GUARD_MAX_KEYS);
		if (strlen(tok) > GUARD_KEY_MAX)
			return fail(p, "keys: '%s' is longer than %d bytes",
				    tok, GUARD_KEY_MAX);
		strcpy(c->keys[c->nkeys++], tok);
	}
	return 0;
}

static int set_yes_no(const struct cctx *p, const char *key, const char *v,
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

static int set_value(const struct cctx *p, const char *key, char *v,
		     struct guard_config *c)
{
	if (!strcmp(key, "heartbeat_timeout"))
		return set_uint(p, key, v, 0, 86400, &c->heartbeat_timeout);
	if (!strcmp(key, "window"))
		return set_uint(p, key, v, 1, 3600, &c->window);
	if (!strcmp(key, "max_pending"))
		return set_uint(p, key, v, 16, 1048576, &c->max_pending);
	if (!strcmp(key, "keys"))
		return set_keys(p, v, c);
	if (!strcmp(key, "log_file"))
		return set_path(p, key, v, c->log_file);
	if (!strcmp(key, "pid_file"))
		return set_path(p, key, v, c->pid_file);
	if (!strcmp(key, "syslog"))
		return set_yes_no(p, key, v, &c->syslog);
	if (!strcmp(key, "node")) {
		if (strlen(v) >= sizeof(c->node) || strpbrk(v, " \t\""))
			return fail(p, "node: '%s' is not a node name", v);
		strcpy(c->node, strcasecmp(v, "any") ? v : "");
		return 0;
	}
	return fail(p, "unknown key '%s'", key);
}

static int parse_line(const struct cctx *p, char *line, struct guard_config *c)
{
	char *eq, *key, *val;

	line = trim(line);
	if (!*line || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return fail(p, "missing '=' in '%s'", line);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (!*key)
		return fail(p, "missing key before '='");
	if (!*val)
		return fail(p, "%s: missing value", key);
	return set_value(p, key, val, c);
}

int guard_config_parse(const char *name, const char *text, size_t len,
		       struct guard_config *c, char *err, size_t errlen)
{
	struct cctx p = { .name = name, .err = err, .errlen = errlen };
	struct guard_config tmp = *c;
	char line[GUARD_MAX_LINE + 1];
	size_t pos = 0;

	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		p.line++;
		pos += n + (nl ? 1 : 0);
		if (n > GUARD_MAX_LINE)
			return fail(&p, "line is longer than %d bytes",
				    GUARD_MAX_LINE);
		if (memchr(start, '\0', n))
			return fail(&p, "line contains a NUL byte");
		memcpy(line, start, n);
		line[n] = '\0';
		if (parse_line(&p, line, &tmp))
			return -1;
	}
	*c = tmp;
	return 0;
}

int guard_config_load(const char *path, struct guard_config *c, char *err,
		      size_t errlen)
{
	char *buf = malloc(GUARD_MAX_FILE);
	FILE *f = fopen(path, "re");
	size_t len = 0;
	int ret = -1;

	if (!buf || !f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	len = fread(buf, 1, GUARD_MAX_FILE, f);
	if (ferror(f))
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (len == GUARD_MAX_FILE)
		snprintf(err, errlen, "%s: larger than %d bytes", path,
			 GUARD_MAX_FILE - 1);
	else
		ret = guard_config_parse(path, buf, len, c, err, errlen);
out:
	if (f)
		fclose(f);
	free(buf);
	return ret;
}
