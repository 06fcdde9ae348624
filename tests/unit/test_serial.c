// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/serial.c: serials strictly increase, never repeat
 * across restarts (also across block boundaries), are always below the
 * ceiling already on disk, and every failure names the file it concerns.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "serial.h"

struct fixture {
	char base[64];		/* mkdtemp directory */
	char dir[96];		/* base/state: the state dir */
	char file[128];		/* base/state/serial */
	char tmp[128];		/* base/state/serial.tmp */
	char err[8192];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->base, "/tmp/test_serial.XXXXXX");
	if (!mkdtemp(f->base)) {
		free(f);
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "%s/state", f->base);
	snprintf(f->file, sizeof(f->file), "%s/serial", f->dir);
	snprintf(f->tmp, sizeof(f->tmp), "%s/serial.tmp", f->dir);
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	chmod(f->base, 0700);
	chmod(f->dir, 0700);
	nftw(f->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void open_ok(struct fixture *f, struct serial_source *s)
{
	f->err[0] = '\0';
	if (serial_open(s, f->dir, f->err, sizeof(f->err)))
		fail_msg("serial_open: %s", f->err);
}

/* The ceiling written in the state file. */
static uint64_t on_disk(const struct fixture *f)
{
	char buf[64], *end;
	ssize_t n;
	int fd = open(f->file, O_RDONLY | O_CLOEXEC);
	uint64_t v;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	v = strtoull(buf, &end, 10);
	assert_true(end > buf);
	assert_string_equal(end, "\n");
	return v;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Takes @n serials, each greater than *@last, each below the on-disk
 * ceiling (checked whenever the reservation moves). */
static void take_n(struct fixture *f, struct serial_source *s, uint64_t n,
		   uint64_t *last)
{
	uint64_t i, disk = on_disk(f), ceiling = s->ceiling;

	for (i = 0; i < n; i++) {
		uint64_t v = serial_take(s);

		if (v == 0)
			fail_msg("serial_take failed after %" PRIu64, *last);
		if (v <= *last)
			fail_msg("serial %" PRIu64 " after %" PRIu64, v, *last);
		if (s->ceiling != ceiling) {
			ceiling = s->ceiling;
			disk = on_disk(f);
		}
		if (v >= disk)
			fail_msg("serial %" PRIu64 " handed out, only %" PRIu64
				 " reserved on disk", v, disk);
		*last = v;
	}
}

static void test_fresh_dir(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	struct stat st;
	uint64_t last = 0;

	/* The state dir does not exist yet: created, mode 0700. */
	open_ok(f, &s);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(on_disk(f), 1 + SERIAL_BLOCK);
	assert_int_equal(serial_take(&s), 1);
	last = 1;
	take_n(f, &s, 1000, &last);
	assert_int_equal(last, 1001);
	assert_int_equal(access(f->tmp, F_OK), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_existing_dir(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	uint64_t last = 0;

	assert_int_equal(mkdir(f->dir, 0755), 0);
	open_ok(f, &s);
	take_n(f, &s, 10, &last);
	assert_int_equal(last, 10);
}

static void test_restart(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	uint64_t last = 0, first;

	open_ok(f, &s);
	take_n(f, &s, 10, &last);
	/* Restart: every new serial is above every old one. */
	open_ok(f, &s);
	first = serial_take(&s);
	assert_true(first > last);
	last = first;
	take_n(f, &s, 10, &last);
	/* Restart without taking anything, then again. */
	open_ok(f, &s);
	open_ok(f, &s);
	first = serial_take(&s);
	assert_true(first > last);
}

static void test_restart_after_block_boundary(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	uint64_t last = 0, first, disk;

	open_ok(f, &s);
	/* Cross the first reservation: a second block is written. */
	take_n(f, &s, SERIAL_BLOCK + 5000, &last);
	assert_int_equal(last, SERIAL_BLOCK + 5000);
	disk = on_disk(f);
	assert_true(disk > last);
	assert_true(disk > 1 + SERIAL_BLOCK);

	open_ok(f, &s);
	first = serial_take(&s);
	if (first <= last)
		fail_msg("after restart %" PRIu64 ", before it up to %" PRIu64,
			 first, last);
	assert_true(first >= disk);
	last = first;
	take_n(f, &s, 2 * SERIAL_BLOCK + 3, &last);

	open_ok(f, &s);
	first = serial_take(&s);
	assert_true(first > last);
}

static void test_many_restarts(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	uint64_t last = 0;
	int i;

	for (i = 0; i < 20; i++) {
		open_ok(f, &s);
		take_n(f, &s, (uint64_t)(i * 977) % 5000, &last);
	}
	open_ok(f, &s);
	assert_true(serial_take(&s) > last);
}

static void expect_open_error(struct fixture *f, const char *name)
{
	struct serial_source s;

	f->err[0] = '\0';
	assert_int_equal(serial_open(&s, f->dir, f->err, sizeof(f->err)), -1);
	if (!strstr(f->err, name))
		fail_msg("error \"%s\" does not name %s", f->err, name);
}

static void corrupt(struct fixture *f, const char *text)
{
	assert_int_equal(mkdir(f->dir, 0700), 0);
	write_file(f->file, text);
}

/* A state file holding @text must make serial_open() fail, naming it. */
static void expect_rejected(struct fixture *f, const char *text)
{
	struct serial_source s;
	int ret;

	corrupt(f, text);
	f->err[0] = '\0';
	ret = serial_open(&s, f->dir, f->err, sizeof(f->err));
	if (ret == 0)
		fail_msg("state file holding \"%.*s\" accepted: next serial "
			 "%" PRIu64 ", ceiling %" PRIu64,
			 (int)strcspn(text, "\n"), text, s.next, s.ceiling);
	assert_int_equal(ret, -1);
	if (!strstr(f->err, f->file))
		fail_msg("error \"%s\" does not name %s", f->err, f->file);
}

static void test_corrupt_file(void **state)
{
	static const char *const texts[] = {
		"garbage\n", "", "\n", "x123\n", " \t\n",
	};
	struct fixture *f = *state;
	size_t i;

	assert_int_equal(mkdir(f->dir, 0700), 0);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		write_file(f->file, texts[i]);
		expect_open_error(f, f->file);
		assert_non_null(strstr(f->err, "not a serial number"));
		/* The file is left as it was for someone to look at. */
		assert_int_equal(access(f->tmp, F_OK), -1);
	}
}

static void test_serial_file_is_directory(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdir(f->dir, 0700), 0);
	assert_int_equal(mkdir(f->file, 0700), 0);
	expect_open_error(f, f->file);
}

/*
 * A negative number is no serial either: strtoull-style parsing reads
 * "-1" as 2^64-1, the ceiling wraps around and serials restart from 1.
 */
static void test_corrupt_negative(void **state)
{
	struct fixture *f = *state;

	expect_rejected(f, "-1\n");
}

/* A ceiling so large that the next block would wrap past 2^64. */
static void test_corrupt_overflow(void **state)
{
	struct fixture *f = *state;

	expect_rejected(f, "18446744073709551615\n");
}

static void test_corrupt_trailing_junk(void **state)
{
	struct fixture *f = *state;

	expect_rejected(f, "123abc\n");
}

static void test_valid_file(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;

	/* What another run left: the next serial starts at its ceiling. */
	corrupt(f, "500000\n");
	open_ok(f, &s);
	assert_int_equal(serial_take(&s), 500000);
	assert_int_equal(on_disk(f), 500000 + SERIAL_BLOCK);
}

static void test_state_dir_unusable(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	char dir[160];

	/* Its parent is a regular file: not even root can create it. */
	write_file(f->dir, "x");
	snprintf(dir, sizeof(dir), "%s/sub", f->dir);
	f->err[0] = '\0';
	assert_int_equal(serial_open(&s, dir, f->err, sizeof(f->err)), -1);
	if (!strstr(f->err, dir))
		fail_msg("error \"%s\" does not name %s", f->err, dir);
}

static void test_reservation_unwritable_at_open(void **state)
{
	struct fixture *f = *state;

	/* The temporary file cannot be created (a directory is in the way,
	 * which stops root as well). */
	assert_int_equal(mkdir(f->dir, 0700), 0);
	assert_int_equal(mkdir(f->tmp, 0700), 0);
	expect_open_error(f, f->file);
	assert_int_equal(access(f->file, F_OK), -1);
}

/*
 * Make the state dir unwritable: chmod 0500 works for other users; root
 * ignores modes, so there the directory is moved aside and a regular file
 * put in its place. Undone by make_writable().
 */
static void make_unwritable(struct fixture *f, char *aside, size_t n)
{
	snprintf(aside, n, "%s/aside", f->base);
	if (geteuid() != 0) {
		assert_int_equal(chmod(f->dir, 0500), 0);
		aside[0] = '\0';
		return;
	}
	assert_int_equal(rename(f->dir, aside), 0);
	write_file(f->dir, "not a directory\n");
}

static void make_writable(struct fixture *f, const char *aside)
{
	if (!aside[0]) {
		assert_int_equal(chmod(f->dir, 0700), 0);
		return;
	}
	assert_int_equal(unlink(f->dir), 0);
	assert_int_equal(rename(aside, f->dir), 0);
}

static void test_unwritable_dir(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	char aside[160];
	uint64_t last = 0, v;
	int i;

	open_ok(f, &s);
	make_unwritable(f, aside, sizeof(aside));
	/* The reserved block is still usable... */
	for (i = 0; i < SERIAL_BLOCK; i++) {
		v = serial_take(&s);
		if (v != last + 1)
			fail_msg("serial %" PRIu64 " after %" PRIu64, v, last);
		last = v;
	}
	/* ...but not one serial past it. */
	assert_int_equal(serial_take(&s), 0);
	assert_int_equal(serial_take(&s), 0);
	make_writable(f, aside);
	assert_int_equal(on_disk(f), 1 + SERIAL_BLOCK);

	/* Writable again: it goes on where it stopped. */
	v = serial_take(&s);
	assert_int_equal(v, last + 1);
	assert_int_equal(on_disk(f), 1 + 2 * SERIAL_BLOCK);
	last = v;
	take_n(f, &s, 10, &last);

	/* And a restart still starts above all of it. */
	open_ok(f, &s);
	assert_true(serial_take(&s) > last);
}

static void test_failed_reservation_leaves_no_tmp(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	uint64_t i, last = 0;

	open_ok(f, &s);
	/* The state file replaced by a directory: the temporary file is
	 * written, but cannot be renamed over it. */
	assert_int_equal(unlink(f->file), 0);
	assert_int_equal(mkdir(f->file, 0700), 0);
	for (i = 0; i < SERIAL_BLOCK; i++)
		last = serial_take(&s);
	assert_int_equal(last, SERIAL_BLOCK);
	assert_int_equal(serial_take(&s), 0);
	assert_int_equal(access(f->tmp, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(rmdir(f->file), 0);
	assert_int_equal(serial_take(&s), SERIAL_BLOCK + 1);
	assert_int_equal(on_disk(f), 1 + 2 * SERIAL_BLOCK);
}

static void test_unwritable_dir_at_restart(void **state)
{
	struct fixture *f = *state;
	struct serial_source s;
	char aside[160];
	uint64_t last = 0;

	open_ok(f, &s);
	take_n(f, &s, 5, &last);
	make_unwritable(f, aside, sizeof(aside));
	f->err[0] = '\0';
	assert_int_equal(serial_open(&s, f->dir, f->err, sizeof(f->err)), -1);
	assert_true(f->err[0] != '\0');
	assert_non_null(strstr(f->err, f->dir));
	make_writable(f, aside);
	open_ok(f, &s);
	assert_true(serial_take(&s) > last);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_fresh_dir),
		T(test_existing_dir),
		T(test_restart),
		T(test_restart_after_block_boundary),
		T(test_many_restarts),
		T(test_corrupt_file),
		T(test_serial_file_is_directory),
		T(test_corrupt_negative),
		T(test_corrupt_overflow),
		T(test_corrupt_trailing_junk),
		T(test_valid_file),
		T(test_state_dir_unusable),
		T(test_reservation_unwritable_at_open),
		T(test_unwritable_dir),
		T(test_failed_reservation_leaves_no_tmp),
		T(test_unwritable_dir_at_restart),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
