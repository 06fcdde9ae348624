// SPDX-License-Identifier: GPL-2.0
/*
 * Failed and read-class path calls of the tracepoint mode: their names
 * looked up by the daemon (see lookup.h). Each object is noted as bpf/watch.h notes it in
 * the fentry and lsm modes, in the hooks' order: the object (or victim)
 * first, then its directory, so that format_watch.c gives them the same
 * roles. A name is looked up in the caller's root when the caller is in
 * another mount namespace, relative to its cwd (as captured) or to its
 * directory descriptor.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format.h"
#include "lookup.h"
#include "match.h"
#include "strbuf.h"

/* How many directories above an inode a dir= watch is looked for, as
 * WATCH_DEPTH_MAX in bpf/watch.h. */
#define DEPTH_MAX 32
#define O_NOFOLLOW_FLAG 0400000
#define O_CREAT_FLAG 0100
#define AT_SYMLINK_NOFOLLOW_FLAG 0x100
#define AT_SYMLINK_FOLLOW_FLAG 0x400

#define GROUPS_MAX 64

struct lk {
	struct ba_event *ev;
	const struct rulebank *rb;
	int root;		/* the caller's root, as a descriptor */
	bool unresolved;
	/* the caller's fsgid and supplementary groups */
	uint32_t ngroups;
	uint32_t groups[GROUPS_MAX];
};

/* The watches the inode (@st) is the file (path=) or top (dir=) of. */
static uint64_t watch_mask(const struct rulebank *rb, const struct stat *st,
			   bool as_dir_only)
{
	uint32_t i;

	for (i = 0; rb && i < rb->nentry; i++)
		if (rb->wkey[i].ino == st->st_ino &&
		    rb->wkey[i].dev == ba_kernel_dev(st->st_dev))
			return rb->wval[i].dir_mask |
			       (as_dir_only ? 0 : rb->wval[i].path_mask);
	return 0;
}

static bool is_at_call(uint32_t nr)
{
	switch (nr) {
	case 257: case 437: case 263: case 258: case 259: case 266:
	case 265: case 264: case 316: case 260: case 267: case 268:
		return true;
	}
	return false;
}

/* The name in field @f (up to its first NUL), NULL if not captured. */
static const char *name_of(const struct ba_event *ev, enum ba_field f,
			   struct strbuf *sb)
{
	const struct ba_field_data *d = &ev->field[f];
	const char *end;

	if (!d->present || !d->data || !d->len)
		return NULL;
	end = memchr(d->data, '\0', d->len);
	strbuf_add(sb, d->data, end ? (size_t)(end - d->data) : d->len);
	return sb->failed ? NULL : sb->buf;
}

static int open_in_root(int root, const char *path, bool follow)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
		.resolve = RESOLVE_IN_ROOT,
	};

	return syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* @path, in the caller's root or the daemon's own (-1). */
static int open_at_root(const struct lk *c, const char *path, bool follow)
{
	if (c->root >= 0)
		return open_in_root(c->root, path, follow);
	return open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
}

/* The supplementary groups of the caller, while it runs (as it had them
 * when its event is written: they are not in the event). */
static void caller_groups(struct lk *c)
{
	const struct ba_task *t = &c->ev->hdr.task;
	char p[64], *line = NULL, *s, *end;
	size_t cap = 0;
	FILE *f;

	c->groups[0] = t->fsgid;
	c->ngroups = 1;
	snprintf(p, sizeof(p), "/proc/%u/status", t->pid);
	f = fopen(p, "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "Groups:", 7))
			continue;
		for (s = line + 7; c->ngroups < GROUPS_MAX; s = end) {
			unsigned long g = strtoul(s, &end, 10);

			if (end == s)
				break;
			c->groups[c->ngroups++] = g;
		}
		break;
	}
	free(line);
	fclose(f);
}

/* Whether the caller may search directory @st (by its mode bits; root, as
 * with CAP_DAC_READ_SEARCH, always). */
static bool may_search(const struct lk *c, const struct stat *st)
{
	const struct ba_task *t = &c->ev->hdr.task;
	uint32_t i;

	if (t->fsuid == 0)
		return true;
	if (st->st_uid == t->fsuid)
		return st->st_mode & S_IXUSR;
	for (i = 0; i < c->ngroups; i++)
		if (st->st_gid == c->groups[i])
			return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

/* Whether the caller's lookup of absolute @path reaches its last
 * component: every directory before it searchable by the caller. A lookup
 * refused on the way never reaches a hook, nor kernel audit's record of
 * the name. */
static bool reaches(const struct lk *c, const char *path)
{
	struct strbuf dir;
	struct stat st;
	const char *p;
	bool ok = true;
	int fd;

	strbuf_init(&dir);
	for (p = path; ok && (p = strchr(p, '/')); p++) {
		if (!p[1])
			break;	/* a trailing slash */
		strbuf_reset(&dir);
		strbuf_add(&dir, path, p == path ? 1 : (size_t)(p - path));
		if (dir.failed)
			break;
		fd = open_at_root(c, dir.buf, true);
		if (fd < 0)
			break;	/* the lookup fails: the call sees why */
		ok = !fstat(fd, &st) && may_search(c, &st);
		close(fd);
	}
	strbuf_free(&dir);
	return ok;
}

/*
 * The name in field @f (argument @arg) as the caller's lookup finds it:
 * with @dir_only its directory, else the name itself (the last component
 * followed if @follow). Returns an O_PATH descriptor, or -1.
 */
static int open_name(struct lk *c, enum ba_field f, int arg, bool dir_only,
		     bool follow)
{
	const struct ba_header *h = &c->ev->hdr;
	const struct ba_field_data *cwd = &c->ev->field[BA_FIELD_CWD];
	struct strbuf name, path;
	const char *n;
	char *slash;
	int fd = -1, dirfd = AT_FDCWD;

	strbuf_init(&name);
	strbuf_init(&path);
	n = name_of(c->ev, f, &name);
	if (!n || arg < 0)
		goto out;
	if (is_at_call(h->syscall) && arg >= 1)
		dirfd = (int)h->args[arg - 1];
	if (n[0] == '/') {
		strbuf_adds(&path, n);
	} else if (dirfd == AT_FDCWD) {
		if (!cwd->present)
			goto unresolved;
		format_join_path(&path, cwd->data, cwd->len);
		strbuf_addc(&path, '/');
		strbuf_adds(&path, n);
	} else {
		/* the caller's descriptor, while it has it: readable for
		 * the daemon's own user and the root user's callers */
		char fdpath[64], target[4096];
		ssize_t len;

		snprintf(fdpath, sizeof(fdpath), "/proc/%u/fd/%d",
			 h->task.pid, dirfd);
		len = readlink(fdpath, target, sizeof(target) - 1);
		if (len <= 0 || target[0] != '/' || c->root != -1)
			goto unresolved;
		strbuf_add(&path, target, len);
		strbuf_addc(&path, '/');
		strbuf_adds(&path, n);
	}
	if (path.failed)
		goto out;
	while (path.len > 1 && path.buf[path.len - 1] == '/')
		path.buf[--path.len] = '\0';
	if (!reaches(c, path.buf))
		goto out;
	if (dir_only) {
		/* its directory: what is before the last component */
		slash = strrchr(path.buf, '/');
		if (slash == path.buf)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		follow = true;
	}
	fd = open_at_root(c, path.buf, follow);
	goto out;
unresolved:
	c->unresolved = true;
out:
	strbuf_free(&name);
	strbuf_free(&path);
	return fd;
}

/* The directory an O_PATH descriptor's inode is in (by its path). */
static int open_parent(int fd)
{
	char link[64], path[4096], *slash;
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len <= 0 || path[0] != '/')
		return -1;
	path[len] = '\0';
	slash = strrchr(path, '/');
	if (slash == path)
		slash[1] = '\0';
	else
		*slash = '\0';
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* dir= watches above the directory @dfd (closed here), up to the file
 * system's root, as watch_walk_step() goes up d_parent. */
static uint64_t walk_up(const struct rulebank *rb, int dfd)
{
	struct stat st, up_st;
	uint64_t hits = 0;
	int i, up;

	for (i = 0; dfd >= 0 && i < DEPTH_MAX; i++) {
		if (fstat(dfd, &st))
			break;
		hits |= watch_mask(rb, &st, true);
		up = openat(dfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			break;
		if (fstat(up, &up_st) || up_st.st_dev != st.st_dev ||
		    up_st.st_ino == st.st_ino) {
			close(up);
			break;
		}
		close(dfd);
		dfd = up;
	}
	if (dfd >= 0)
		close(dfd);
	return hits;
}

/* Notes the inode of @fd (closed here), as watch_note() does. Returns its
 * place among the objects, or -1. */
static int note(struct lk *c, int fd, uint32_t flags)
{
	struct ba_watch *w = &c->ev->hdr.x.watch;
	struct ba_watch_obj *o;
	struct stat st, pst;
	uint32_t i;
	int pfd;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	for (i = 0; i < w->nobj && i < BA_WATCH_OBJS; i++) {
		o = &w->obj[i];
		if (o->file.ino == st.st_ino &&
		    o->file.dev == ba_kernel_dev(st.st_dev)) {
			o->flags |= flags;
			close(fd);
			return i;
		}
	}
	w->hits |= watch_mask(c->rb, &st, false);
	pfd = open_parent(fd);
	close(fd);
	if (w->nobj >= BA_WATCH_OBJS) {
		w->flags |= BA_WATCH_OBJS_LOST;
		w->hits |= walk_up(c->rb, pfd);
		return -1;
	}
	o = &w->obj[w->nobj];
	memset(o, 0, sizeof(*o));
	ba_file_from_stat(&o->file, &st);
	o->nlink = st.st_nlink;
	o->flags = flags;
	if (pfd >= 0 && !fstat(pfd, &pst))
		o->parent_ino = pst.st_ino;
	w->hits |= walk_up(c->rb, pfd);
	return w->nobj++;
}

/* Whether the call follows a symlink in its last component. */
static bool follows(const struct ba_header *h)
{
	switch (h->syscall) {
	case 94:	/* lchown */
	case 189:	/* lsetxattr */
	case 198:	/* lremovexattr */
	case 192:	/* lgetxattr */
	case 195:	/* llistxattr */
	case 89:	/* readlink */
	case 267:	/* readlinkat */
		return false;
	case 260:	/* fchownat */
		return !(h->args[4] & AT_SYMLINK_NOFOLLOW_FLAG);
	}
	return true;
}

/* Whether a name exists (then a create fails before any hook). */
static bool exists(struct lk *c, enum ba_field f, int arg)
{
	int fd = open_name(c, f, arg, false, false);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The objects the hooks of the call's kind note (bpf/watch.h). */
static void note_objects(struct lk *c)
{
	const struct ba_header *h = &c->ev->hdr;
	struct ba_watch_call wc = ba_watch_call_of(h->syscall);
	int fd, i, d;

	switch (wc.kind) {
	case BA_WC_PATH:
		/* (a readlink of what is no symlink fails, EINVAL, after the
		 * lookup kernel audit records: so it is noted, as there,
		 * though the hook modes never see it) */
		note(c, open_name(c, BA_FIELD_NAME, wc.name, false,
				  follows(h)), BA_WOBJ_STAMPED);
		break;
	case BA_WC_OPEN:
		/* may_open sees an existing file; a creating open's
		 * path_mknod hook sees the directory */
		fd = open_name(c, BA_FIELD_NAME, wc.name, false,
			       !(ba_open_flags(h) & O_NOFOLLOW_FLAG));
		if (fd >= 0)
			note(c, fd, BA_WOBJ_OPENED);
		else if (ba_open_flags(h) & O_CREAT_FLAG)
			note(c, open_name(c, BA_FIELD_NAME, wc.name, true,
					  true), BA_WOBJ_STAMPED);
		break;
	case BA_WC_REMOVE:
		fd = open_name(c, BA_FIELD_NAME, wc.name, false, false);
		if (fd < 0)
			break;
		note(c, fd, BA_WOBJ_STAMPED);
		note(c, open_name(c, BA_FIELD_NAME, wc.name, true, true),
		     BA_WOBJ_STAMPED);
		break;
	case BA_WC_CREATE:
		if (!exists(c, BA_FIELD_NAME, wc.name))
			note(c, open_name(c, BA_FIELD_NAME, wc.name, true,
					  true), BA_WOBJ_STAMPED);
		break;
	case BA_WC_LINK:
		/* the inode, then the new name's directory, which the
		 * inode's CREATE item is in */
		if (exists(c, BA_FIELD_NAME2, wc.name2))
			break;
		i = note(c, open_name(c, BA_FIELD_NAME, wc.name, false,
				      h->syscall == 265 &&
				      (h->args[4] & AT_SYMLINK_FOLLOW_FLAG)),
			 BA_WOBJ_STAMPED);
		d = note(c, open_name(c, BA_FIELD_NAME2, wc.name2, true,
				      true), BA_WOBJ_STAMPED);
		if (i >= 0 && d >= 0)
			c->ev->hdr.x.watch.obj[i].parent_ino =
				h->x.watch.obj[d].file.ino;
		break;
	case BA_WC_RENAME:
		fd = open_name(c, BA_FIELD_NAME, wc.name, false, false);
		if (fd < 0)
			break;
		note(c, fd, BA_WOBJ_STAMPED);
		note(c, open_name(c, BA_FIELD_NAME2, wc.name2, false, false),
		     BA_WOBJ_STAMPED);
		note(c, open_name(c, BA_FIELD_NAME, wc.name, true, true),
		     BA_WOBJ_STAMPED);
		note(c, open_name(c, BA_FIELD_NAME2, wc.name2, true, true),
		     BA_WOBJ_STAMPED);
		break;
	}
}

/* The caller's root when it is not the daemon's (another mount
 * namespace): -1 for the daemon's own, -2 when it cannot be opened. */
static int caller_root(const struct ba_header *h)
{
	static uint64_t own;	/* the daemon's own, looked up once */
	char p[64];
	struct stat st;
	int fd;

	if (!own && !stat("/proc/self/ns/mnt", &st))
		own = st.st_ino;
	if (!own || own == h->task.mnt_ns)
		return -1;
	snprintf(p, sizeof(p), "/proc/%u/root", h->task.pid);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -2 : fd;
}

/* As the BPF side's filter_wants(), over the running rules. */
static bool rules_want(const struct rulebank *rb, struct ba_header *h)
{
	uint32_t i;

	if (!rb || rb->mode == BA_RULES_NONE)
		return true;
	if (rb->mode == BA_RULES_OFF)
		return false;
	for (i = 0; i < rb->n && i < BA_RULES_MAX; i++) {
		if (!rule_matches(h, &rb->rule[i]))
			continue;
		if (!rb->rule[i].always)
			return false;
		h->key_id = rb->rule[i].key_id;
		h->rule = i + 1;
		return true;
	}
	return false;
}

bool lookup_watch_event(struct ba_event *ev, const struct rulebank *rb,
			struct lookup_stats *stats)
{
	struct ba_header *h = &ev->hdr;
	struct lk c = { .ev = ev, .rb = rb };
	bool undecided = h->x.watch.flags & BA_WATCH_UNDECIDED;

	if (h->kind != BA_KIND_WATCH || !(h->x.watch.flags & BA_WATCH_UNSEEN))
		return true;
	stats->events++;
	/* what the BPF side sent is replaced: it saw nothing of the call */
	h->x.watch.nobj = 0;
	h->x.watch.hits = 0;
	c.root = caller_root(h);
	if (c.root == -2) {
		c.unresolved = true;
	} else {
		/* root searches anywhere: its groups are not needed */
		if (h->task.fsuid)
			caller_groups(&c);
		note_objects(&c);
	}
	if (c.root >= 0)
		close(c.root);
	if (c.unresolved)
		stats->unresolved++;
	h->x.watch.flags &= ~(BA_WATCH_UNSEEN | BA_WATCH_UNDECIDED);
	if (undecided && !rules_want(rb, h)) {
		stats->dropped++;
		return false;
	}
	return true;
}
