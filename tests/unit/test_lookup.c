// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/lookup.c: a failed path call the tracepoint mode
 * sent undecided is looked up by name (absolute, or relative to the
 * captured cwd) into the objects the hooks would note, in their order; the
 * rules are then decided with match.h's tests (key and rule set, or the
 * event dropped); a directory the caller may not search stops the lookup;
 * the read-class calls follow a symlink or not, as the kernel does;
 * an event the kernel side saw is left alone.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "lookup.h"

static char dir[] = "/tmp/bpfaudit-lookup.XXXXXX";
static char err[RULE_ERR_MAX];
static struct rulebank rb;
static struct keytab kt;

static char *path_of(const char *rel)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, 256, "%s/%s", dir, rel);
	return p;
}

static uint64_t ino_of(const char *rel)
{
	struct stat st;

	assert_int_equal(lstat(path_of(rel), &st), 0);
	return st.st_ino;
}

static void touch(const char *rel)
{
	int fd = open(path_of(rel), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	close(fd);
}

static int setup(void **state)
{
	struct ruleset rs;
	char text[512];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	/* searchable by anyone down to w/, not into w/closed/ */
	chmod(dir, 0755);
	mkdir(path_of("w"), 0755);
	mkdir(path_of("w/closed"), 0700);
	mkdir(path_of("other"), 0755);
	touch("w/f");
	touch("w/closed/g");
	touch("other/x");
	if (symlink("f", path_of("w/sym")))
		return -1;
	snprintf(text, sizeof(text), "-w %s/w/ -p rwa -k fw\n", dir);
	ruleset_init(&rs);
	if (rules_parse_buffer("t.rules", text, strlen(text), &rs, NULL, err,
			       sizeof(err)) ||
	    rulebank_compile(&rs, true, &kt, &rb, err, sizeof(err)))
		return -1;
	ruleset_free(&rs);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", dir, dir);
	keytab_free(&kt);
	return system(cmd);
}

static void set_name(struct ba_event *ev, enum ba_field f, const char *s)
{
	ev->field[f].data = strdup(s);
	ev->field[f].len = strlen(s);
	ev->field[f].present = true;
}

/* The cwd as the BPF side captures it: components, leaf first. */
static void set_cwd(struct ba_event *ev, const char *path)
{
	char *copy = strdup(path), *comp[64], *save, *c;
	struct ba_field_data *d = &ev->field[BA_FIELD_CWD];
	size_t n = 0, len = 0;

	for (c = strtok_r(copy, "/", &save); c && n < 64;
	     c = strtok_r(NULL, "/", &save))
		comp[n++] = c;
	free(d->data);
	d->data = calloc(1, strlen(path) + 2);
	while (n--) {
		strcpy(d->data + len, comp[n]);
		len += strlen(comp[n]) + 1;
	}
	d->len = len;
	d->present = true;
	free(copy);
}

/* A failed call of @nr on @name (and @name2) by @fsuid, sent undecided. */
static void make_event(struct ba_event *ev, uint32_t nr, const char *name,
		       const char *name2, uint32_t fsuid)
{
	struct stat st;

	memset(ev, 0, sizeof(*ev));
	ev->have_header = true;
	ev->hdr.kind = BA_KIND_WATCH;
	ev->hdr.syscall = nr;
	ev->hdr.ret = fsuid ? -13 : -1;
	ev->hdr.task.pid = getpid();
	ev->hdr.task.fsuid = fsuid;
	ev->hdr.task.fsgid = fsuid;
	assert_int_equal(stat("/proc/self/ns/mnt", &st), 0);
	ev->hdr.task.mnt_ns = st.st_ino;
	ev->hdr.x.watch.flags = BA_WATCH_UNSEEN | BA_WATCH_UNDECIDED;
	set_name(ev, BA_FIELD_NAME, name);
	if (name2)
		set_name(ev, BA_FIELD_NAME2, name2);
	set_cwd(ev, "/");
}

static void test_chmod_watched(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	make_event(&ev, 90, path_of("w/f"), NULL, 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 1);
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/f"));
	assert_true(ev.hdr.x.watch.obj[0].file.valid);
	assert_int_equal(ev.hdr.x.watch.obj[0].file.mode & S_IFMT, S_IFREG);
	assert_int_equal(ev.hdr.x.watch.obj[0].parent_ino, ino_of("w"));
	assert_int_equal(ev.hdr.x.watch.obj[0].flags, BA_WOBJ_STAMPED);
	assert_int_equal(ev.hdr.x.watch.hits, 1);
	assert_int_equal(ev.hdr.rule, 1);
	assert_string_equal(keytab_get(&kt, ev.hdr.key_id), "fw");
	assert_false(ev.hdr.x.watch.flags &
		     (BA_WATCH_UNSEEN | BA_WATCH_UNDECIDED));
	assert_int_equal(stats.events, 1);
	assert_int_equal(stats.dropped, 0);
	event_free(&ev);
}

static void test_unlink_relative(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	/* "f" in the cwd w/: the victim, then its directory */
	make_event(&ev, 87, "f", NULL, 0);
	set_cwd(&ev, path_of("w"));
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 2);
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/f"));
	assert_int_equal(ev.hdr.x.watch.obj[1].file.ino, ino_of("w"));
	assert_int_equal(ev.hdr.x.watch.obj[0].parent_ino, ino_of("w"));
	assert_int_equal(ev.hdr.x.watch.obj[1].parent_ino, ino_of(""));
	event_free(&ev);
}

static void test_rename_same_dir(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	/* old name, no new one yet, both directories the same inode */
	make_event(&ev, 82, path_of("w/f"), path_of("w/new"), 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 2);
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/f"));
	assert_int_equal(ev.hdr.x.watch.obj[1].file.ino, ino_of("w"));
	event_free(&ev);
}

static void test_outside_dropped(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	make_event(&ev, 90, path_of("other/x"), NULL, 0);
	assert_false(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.hits, 0);
	assert_int_equal(stats.dropped, 1);
	event_free(&ev);
}

static void test_search_permission(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	/* nobody reaches w/f ... */
	make_event(&ev, 90, path_of("w/f"), NULL, 65534);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 1);
	event_free(&ev);
	/* ... but not into w/closed/: no object, not wanted */
	make_event(&ev, 90, path_of("w/closed/g"), NULL, 65534);
	assert_false(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 0);
	event_free(&ev);
	/* root may search it */
	make_event(&ev, 90, path_of("w/closed/g"), NULL, 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/closed/g"));
	event_free(&ev);
}

static void test_create_existing(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	/* a mkdir of a name that is there fails before any hook */
	make_event(&ev, 83, path_of("w/f"), NULL, 0);
	assert_false(lookup_watch_event(&ev, &rb, &stats));
	event_free(&ev);
	/* one that is not: its directory */
	make_event(&ev, 83, path_of("w/sub"), NULL, 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 1);
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w"));
	event_free(&ev);
}

static void test_read_class(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	/* readlink: the link itself */
	make_event(&ev, 89, path_of("w/sym"), NULL, 0);
	ev.hdr.ret = 1;
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.nobj, 1);
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/sym"));
	assert_int_equal(ev.hdr.x.watch.obj[0].file.mode & S_IFMT, S_IFLNK);
	event_free(&ev);
	/* ... of a file that is no symlink: the file, as kernel audit's
	 * lookup records it before the call fails */
	make_event(&ev, 89, path_of("w/f"), NULL, 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/f"));
	event_free(&ev);
	/* getxattr follows the link, lgetxattr does not */
	make_event(&ev, 191, path_of("w/sym"), NULL, 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/f"));
	event_free(&ev);
	make_event(&ev, 192, path_of("w/sym"), NULL, 0);
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.obj[0].file.ino, ino_of("w/sym"));
	event_free(&ev);
}

static void test_seen_untouched(void **state)
{
	struct lookup_stats stats = { 0 };
	struct ba_event ev;

	(void)state;
	make_event(&ev, 90, path_of("other/x"), NULL, 0);
	ev.hdr.x.watch.flags = 0;
	ev.hdr.x.watch.hits = 4;
	assert_true(lookup_watch_event(&ev, &rb, &stats));
	assert_int_equal(ev.hdr.x.watch.hits, 4);
	assert_int_equal(stats.events, 0);
	event_free(&ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chmod_watched),
		cmocka_unit_test(test_unlink_relative),
		cmocka_unit_test(test_rename_same_dir),
		cmocka_unit_test(test_outside_dropped),
		cmocka_unit_test(test_search_permission),
		cmocka_unit_test(test_create_existing),
		cmocka_unit_test(test_read_class),
		cmocka_unit_test(test_seen_untouched),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
