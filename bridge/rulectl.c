// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's rule set: read from rules_dir at start and on reload,
 * changed at run time by bpfauditctl (-R, -D, -e), compiled and swapped
 * into the BPF programs in one step, and locked until reboot by -e 2. A
 * rule set that does not parse or compile never replaces the running one.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "encode.h"

#define LOCK_NAME "rules.locked"
#define LOCK_MAX (4 << 20)

/* The lock lives beside the control socket, under /run: it outlives a
 * daemon restart but not a reboot, as kernel audit's -e 2 does. */
static void lock_path(const struct daemon *d, char *out, size_t len)
{
	char dir[sizeof(d->cfg.control_socket)];

	strcpy(dir, d->cfg.control_socket);
	snprintf(out, len, "%s/%s", dirname(dir), LOCK_NAME);
}

static void write_lock(struct daemon *d)
{
	char path[4200], tmp[4300];
	struct strbuf text;
	int fd;

	lock_path(d, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	strbuf_init(&text);
	rules_list(&d->rules, &text);
	strbuf_adds(&text, "-e 2\n");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text.buf, text.len) != (ssize_t)text.len ||
	    fsync(fd) || rename(tmp, path))
		daemon_msg(d, LOG_ERR, "saving the locked rules to %s: %s",
			   path, strerror(errno));
	if (fd >= 0)
		close(fd);
	strbuf_free(&text);
}

static void report_rules(struct daemon *d, const char *op, const char *from,
			 int res)
{
	struct strbuf body;

	strbuf_init(&body);
	strbuf_printf(&body, "op=%s", op);
	if (from) {
		strbuf_adds(&body, " file=");
		audit_add_untrusted(&body, from, strlen(from));
	}
	strbuf_printf(&body, " rules=%zu enabled=%d auid=%u ses=%u res=%d",
		      d->rules.n, d->rules.enabled < 0 ? 1 : d->rules.enabled,
		      4294967295u, 4294967295u, res);
	report_record(d, "CONFIG_CHANGE", body.buf);
	strbuf_free(&body);
}

/*
 * Watches on file calls with the watch source off or unsupported would
 * match only execs, silently, and a rule naming the read-class path calls
 * would match nothing without the watch source's security hooks: such a
 * rule set is refused.
 */
int rules_check_sources(struct daemon *d, const struct rulebank *rb,
			char *err, size_t errlen)
{
	bool running = loader_running(&d->loader, BA_KIND_WATCH);

	if (rb->watch_rule[0] && !running) {
		snprintf(err, errlen, "%s: file watches need the watch event"
			 " source, which is %s here (events in bpfauditd.conf;"
			 " its tracepoint mode needs Linux 6.13+)",
			 rb->watch_rule,
			 loader_mode_name(&d->loader, BA_KIND_WATCH));
		return -1;
	}
	return 0;
}

/*
 * Makes @next the running rule set if it compiles; @next is taken over
 * (freed) either way. Returns 0, or -1 with the reason in @err.
 */
static int install(struct daemon *d, struct ruleset *next, bool present,
		   const char *op, const char *from, char *err, size_t errlen)
{
	struct rulebank *rb = calloc(1, sizeof(*rb));
	int ret = -1;

	if (!rb) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (rulebank_compile(next, present, &d->keys, rb, err, errlen))
		goto out;
	/* at start, the sources are known once loaded: checked then */
	if (d->loader.skel && rules_check_sources(d, rb, err, errlen))
		goto out;
	if (d->loader.skel && loader_set_rules(&d->loader, rb)) {
		snprintf(err, errlen, "updating the BPF rules: %s",
			 strerror(errno));
		goto out;
	}
	ruleset_free(&d->rules);
	d->rules = *next;
	ruleset_init(next);
	d->rules_present = present;
	d->rules_mode = rb->mode;
	free(d->bank);
	d->bank = rb;
	rb = NULL;
	if (d->rules.enabled == 2 && !d->rules_locked) {
		d->rules_locked = true;
		write_lock(d);
	}
	ret = 0;
out:
	if (ret)
		ruleset_free(next);
	free(rb);
	/* at start, DAEMON_START says how many rules there are */
	if (d->loader.skel)
		report_rules(d, op, from, ret ? 0 : 1);
	return ret;
}

static bool refuse_locked(struct daemon *d, char *err, size_t errlen)
{
	if (!d->rules_locked)
		return false;
	snprintf(err, errlen, "the rules are locked (-e 2) until reboot");
	return true;
}

/* rules_dir, merged, made the running set (at start and on reload). */
static int load_rules_dir(struct daemon *d, char *err, size_t errlen)
{
	struct ruleset next;
	struct strbuf warn;
	int ret;

	strbuf_init(&warn);
	ruleset_init(&next);
	ret = rules_load_dir(d->cfg.rules_dir, &next, &warn, err, errlen);
	if (!ret)
		ret = install(d, &next, next.files > 0, "load_rules",
			      d->cfg.rules_dir, err, errlen);
	ruleset_free(&next);
	if (warn.len)
		daemon_msg(d, LOG_WARNING, "%.*s", (int)warn.len - 1,
			   warn.buf);
	strbuf_free(&warn);
	return ret;
}

/* At start: the locked set if there is one, else rules_dir. */
int rules_start(struct daemon *d, char *err, size_t errlen)
{
	char path[4200];
	struct ruleset next;

	ruleset_init(&d->rules);
	lock_path(d, path, sizeof(path));
	if (access(path, F_OK))
		return load_rules_dir(d, err, errlen);
	ruleset_init(&next);
	if (rules_parse_file(path, &next, NULL, err, errlen)) {
		ruleset_free(&next);
		return -1;
	}
	d->rules_locked = true;
	daemon_msg(d, LOG_NOTICE, "rules locked (-e 2) since an earlier"
		   " start: %s", path);
	return install(d, &next, true, "load_rules", path, err, errlen);
}

/* Reload: rules_dir again (the set given with -R is replaced). */
int rules_reload(struct daemon *d, char *err, size_t errlen)
{
	if (refuse_locked(d, err, errlen))
		return -1;
	return load_rules_dir(d, err, errlen);
}

/* A copy of the running set to change: the keys' strings are its own. */
static int copy_running(struct daemon *d, struct ruleset *next, char *err,
			size_t errlen)
{
	struct strbuf text;
	int ret;

	/* through the listing: one form, the one -l shows */
	strbuf_init(&text);
	ruleset_init(next);
	if (d->rules.n)
		rules_list(&d->rules, &text);
	ret = rules_parse_buffer("running rules", text.buf ? text.buf : "",
				 text.len, next, NULL, err, errlen);
	next->enabled = d->rules.enabled;
	strbuf_free(&text);
	return ret;
}

/*
 * bpfauditctl -R (text of a rule file), -D ("-D"), -e N ("-e N"): applied
 * on top of the running set, as auditctl applies them to the kernel's.
 */
int rules_apply_text(struct daemon *d, const char *name, const char *text,
		     size_t len, struct strbuf *warn, char *err, size_t errlen)
{
	struct ruleset next;

	if (refuse_locked(d, err, errlen))
		return -1;
	if (copy_running(d, &next, err, errlen))
		return -1;
	if (rules_parse_buffer(name, text, len, &next, warn, err, errlen)) {
		ruleset_free(&next);
		return -1;
	}
	return install(d, &next, true, "load_rules", name, err, errlen);
}

static bool same_watches(const struct rulebank *a, const struct rulebank *b)
{
	return a->nentry == b->nentry && a->nname == b->nname &&
	       !memcmp(a->wkey, b->wkey, a->nentry * sizeof(a->wkey[0])) &&
	       !memcmp(a->wval, b->wval, a->nentry * sizeof(a->wval[0])) &&
	       !memcmp(a->nkey, b->nkey, a->nname * sizeof(a->nkey[0])) &&
	       !memcmp(a->nval, b->nval, a->nname * sizeof(a->nval[0]));
}

/*
 * A watched path's directory changed (the BPF side bumped watch_changes):
 * the watched paths are looked up again, and the rules swapped in if an
 * inode changed (a file replaced by rename, deleted, created). Until then,
 * a few milliseconds, the new file is not watched.
 */
void rules_watch_refresh(struct daemon *d)
{
	uint64_t changes;
	struct rulebank *rb;
	char err[RULE_ERR_MAX];

	if (!d->loader.skel || !d->bank || !d->bank->nwatch)
		return;
	changes = loader_watch_changes(&d->loader);
	if (changes == d->watch_changes_seen)
		return;
	d->watch_changes_seen = changes;
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return;
	if (rulebank_compile(&d->rules, d->rules_present, &d->keys, rb, err,
			     sizeof(err)) ||
	    same_watches(rb, d->bank)) {
		free(rb);
		return;
	}
	if (loader_set_rules(&d->loader, rb)) {
		daemon_msg(d, LOG_ERR, "updating the watched inodes: %s",
			   strerror(errno));
		free(rb);
		return;
	}
	free(d->bank);
	d->bank = rb;
}

void rules_status(struct daemon *d, struct strbuf *out)
{
	static const char *const mode[] = { "none (every event recorded)",
					    "active", "off (-e 0)" };

	strbuf_printf(out, "rules = %zu\n", d->rules.n);
	strbuf_printf(out, "rules_mode = %s\n",
		      d->rules_mode < 3 ? mode[d->rules_mode] : "?");
	strbuf_printf(out, "enabled = %d\n",
		      d->rules.enabled < 0 ? 1 : d->rules.enabled);
	strbuf_printf(out, "rules_dir = %s\n", d->cfg.rules_dir);
}

void rules_stop(struct daemon *d)
{
	ruleset_free(&d->rules);
	keytab_free(&d->keys);
	free(d->bank);
	d->bank = NULL;
}
