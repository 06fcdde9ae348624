// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/logfile.c: creation and permissions, appends, flush
 * modes, auditd-style rotation, size actions and the no-torn-record rule.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "logfile.h"

#define REC		(256 * 1024)	/* four records fill 1 MiB exactly */
#define TEST_GID	4242

struct fixture {
	char dir[64];		/* mkdtemp directory */
	char logdir[96];	/* dir/log, created by logfile_open() */
	char path[128];		/* dir/log/audit.log */
	char err[512];
	struct logfile lf;
	struct logfile_options opt;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_logfile.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->logdir, sizeof(f->logdir), "%s/log", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/audit.log", f->logdir);
	f->lf.fd = -1;
	f->opt = (struct logfile_options) {
		.path = f->path,
		.flush = FLUSH_NONE,
		.num_logs = 5,
		.max_log_file_action = SIZE_ROTATE,
	};
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	logfile_close(&f->lf);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void open_log(struct fixture *f)
{
	int ret = logfile_open(&f->lf, &f->opt, f->err, sizeof(f->err));

	if (ret)
		fail_msg("logfile_open: %d %s", ret, f->err);
}

/* A record of @len bytes filled with @c, newline-terminated. */
static char *record(char c, size_t len)
{
	char *buf = malloc(len);

	assert_non_null(buf);
	memset(buf, c, len - 1);
	buf[len - 1] = '\n';
	return buf;
}

static void write_record(struct fixture *f, char c, size_t len)
{
	char *buf = record(c, len);

	assert_int_equal(logfile_write(&f->lf, buf, len), 0);
	free(buf);
}

static void write_str(struct fixture *f, const char *s)
{
	assert_int_equal(logfile_write(&f->lf, s, strlen(s)), 0);
}

/* The contents of @name in the log directory; *lenp gets its length. */
static char *slurp(const struct fixture *f, const char *name, size_t *lenp)
{
	char path[256];
	struct stat st;
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", f->logdir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, st.st_size), st.st_size);
	buf[st.st_size] = '\0';
	close(fd);
	*lenp = st.st_size;
	return buf;
}

static void assert_file_text(const struct fixture *f, const char *name,
			     const char *want)
{
	size_t len;
	char *buf = slurp(f, name, &len);

	assert_int_equal(len, strlen(want));
	assert_string_equal(buf, want);
	free(buf);
}

/* @name holds exactly the REC-sized records whose fill bytes are @fills. */
static void assert_file_records(const struct fixture *f, const char *name,
				const char *fills)
{
	size_t len, i, n = strlen(fills);
	char *buf = slurp(f, name, &len);

	assert_int_equal(len, n * REC);
	for (i = 0; i < n; i++) {
		char *want = record(fills[i], REC);

		if (memcmp(buf + i * REC, want, REC))
			fail_msg("%s: record %zu is not '%c'", name, i, fills[i]);
		free(want);
	}
	free(buf);
}

static int skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* The log directory must hold exactly @want: sorted names, space-separated. */
static void assert_dir_files(const struct fixture *f, const char *want)
{
	struct dirent **list;
	char got[1024] = "";
	int i, n;

	n = scandir(f->logdir, &list, skip_dots, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	assert_string_equal(got, want);
}

static void assert_mode(const char *path, mode_t mode, gid_t gid)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(st.st_gid, gid);
}

static void test_create_fresh_dir(void **state)
{
	struct fixture *f = *state;
	const struct logfile_stats *s;
	struct stat st;

	open_log(f);
	assert_int_equal(stat(f->logdir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 0);
	s = logfile_stats(&f->lf);
	assert_int_equal(s->writes + s->bytes + s->rotations +
			 s->dropped_writes + s->errors, 0);
}

static void test_create_with_group(void **state)
{
	struct fixture *f = *state;
	mode_t old;

	if (geteuid())
		skip();
	old = umask(077);	/* must not strip the group bits */
	f->opt.gid = TEST_GID;
	open_log(f);
	umask(old);
	assert_mode(f->logdir, 0750, TEST_GID);
	assert_mode(f->path, 0640, TEST_GID);
}

static void test_fixes_existing_file(void **state)
{
	struct fixture *f = *state;
	int fd;

	assert_int_equal(mkdir(f->logdir, 0755), 0);
	assert_int_equal(chmod(f->logdir, 0755), 0);
	fd = open(f->path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old\n", 4), 4);
	assert_int_equal(fchmod(fd, 0666), 0);
	close(fd);

	open_log(f);
	assert_mode(f->path, 0600, getegid());
	assert_mode(f->logdir, 0755, getegid());	/* existing dir untouched */
	write_str(f, "new\n");
	assert_file_text(f, "audit.log", "old\nnew\n");
	logfile_close(&f->lf);

	if (geteuid())
		return;
	f->opt.gid = TEST_GID;
	open_log(f);
	assert_mode(f->path, 0640, TEST_GID);
}

static void test_append_and_stats(void **state)
{
	struct fixture *f = *state;
	const struct logfile_stats *s;

	open_log(f);
	write_str(f, "type=A msg=audit(1.0:1): x\n");
	write_str(f, "type=B msg=audit(1.0:2): y\ntype=EOE msg=audit(1.0:2): \n");
	s = logfile_stats(&f->lf);
	assert_int_equal(s->writes, 2);
	assert_int_equal(s->bytes, 27 + 27 + 28);
	assert_int_equal(s->errors, 0);
	logfile_close(&f->lf);
	logfile_close(&f->lf);	/* twice is fine */

	open_log(f);
	write_str(f, "c\n");
	assert_file_text(f, "audit.log",
			 "type=A msg=audit(1.0:1): x\n"
			 "type=B msg=audit(1.0:2): y\ntype=EOE msg=audit(1.0:2): \n"
			 "c\n");
	assert_int_equal(logfile_stats(&f->lf)->writes, 1);
	assert_int_equal(logfile_flush(&f->lf), 0);
}

static void test_write_needs_whole_records(void **state)
{
	struct fixture *f = *state;

	open_log(f);
	assert_int_equal(logfile_write(&f->lf, "partial", 7), -EINVAL);
	assert_int_equal(logfile_write(&f->lf, "", 0), 0);
	assert_file_text(f, "audit.log", "");
	assert_int_equal(logfile_stats(&f->lf)->writes, 0);
}

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	char path[256], want[512];

	snprintf(path, sizeof(path), "%s/no/such/audit.log", f->dir);
	f->opt.path = path;
	assert_int_equal(logfile_open(&f->lf, &f->opt, f->err, sizeof(f->err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "%s/no/such: %s", f->dir, strerror(ENOENT));
	assert_string_equal(f->err, want);
	logfile_close(&f->lf);	/* safe after a failed open */
	assert_int_equal(logfile_write(&f->lf, "a\n", 2), -ENOENT);

	f->opt.path = f->dir;	/* a directory */
	assert_int_equal(logfile_open(&f->lf, &f->opt, f->err, sizeof(f->err)),
			 -EISDIR);
	snprintf(want, sizeof(want), "%s: %s", f->dir, strerror(EISDIR));
	assert_string_equal(f->err, want);

	f->opt.path = "relative/audit.log";
	assert_int_equal(logfile_open(&f->lf, &f->opt, f->err, sizeof(f->err)),
			 -EINVAL);
	assert_string_equal(f->err,
			    "log file 'relative/audit.log' is not an absolute path");
	f->opt.path = f->path;
}

static int open_flags(struct fixture *f, enum flush_mode mode)
{
	int fl;

	f->opt.flush = mode;
	open_log(f);
	fl = fcntl(f->lf.fd, F_GETFL);
	assert_true(fl >= 0);
	assert_true(fl & O_APPEND);
	assert_int_equal(fl & O_ACCMODE, O_WRONLY);
	assert_true(fcntl(f->lf.fd, F_GETFD) & FD_CLOEXEC);
	logfile_close(&f->lf);
	return fl & O_SYNC;	/* O_SYNC includes the O_DSYNC bit */
}

static void test_flush_open_flags(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(open_flags(f, FLUSH_NONE), 0);
	assert_int_equal(open_flags(f, FLUSH_INCREMENTAL), 0);
	assert_int_equal(open_flags(f, FLUSH_INCREMENTAL_ASYNC), 0);
	assert_int_equal(open_flags(f, FLUSH_DATA), O_DSYNC);
	assert_int_equal(open_flags(f, FLUSH_SYNC), O_SYNC);
}

static void run_writes(struct fixture *f, unsigned int n)
{
	char line[32], *want = calloc(n, sizeof(line));
	unsigned int i;

	assert_non_null(want);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "record %u\n", i);
		write_str(f, line);
		strcat(want, line);
	}
	logfile_close(&f->lf);
	assert_int_equal(logfile_stats(&f->lf)->writes, n);
	assert_int_equal(logfile_stats(&f->lf)->errors, 0);
	assert_file_text(f, "audit.log", want);
	free(want);
}

static void test_flush_incremental(void **state)
{
	struct fixture *f = *state;

	f->opt.flush = FLUSH_INCREMENTAL;
	f->opt.freq = 3;
	open_log(f);
	run_writes(f, 10);
}

static void test_flush_incremental_async(void **state)
{
	struct fixture *f = *state;

	f->opt.flush = FLUSH_INCREMENTAL_ASYNC;
	f->opt.freq = 1;
	open_log(f);
	assert_true(f->lf.flusher.running);
	run_writes(f, 200);
	assert_false(f->lf.flusher.running);
}

static void test_flush_incremental_async_rotating(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	f->opt.flush = FLUSH_INCREMENTAL_ASYNC;
	f->opt.freq = 1;
	f->opt.num_logs = 3;
	open_log(f);
	for (i = 0; i < 50; i++) {
		write_str(f, "x\n");
		if (i % 10 == 9)
			assert_int_equal(logfile_rotate(&f->lf), 0);
	}
	logfile_close(&f->lf);
	assert_int_equal(logfile_stats(&f->lf)->errors, 0);
	assert_int_equal(logfile_stats(&f->lf)->rotations, 5);
	assert_dir_files(f, "audit.log audit.log.1 audit.log.2");
}

static void test_rotate_manual_num_logs_3(void **state)
{
	struct fixture *f = *state;

	f->opt.num_logs = 3;
	open_log(f);
	write_str(f, "1\n");
	assert_int_equal(logfile_rotate(&f->lf), 0);
	assert_dir_files(f, "audit.log audit.log.1");
	assert_file_text(f, "audit.log", "");
	write_str(f, "2\n");
	assert_int_equal(logfile_rotate(&f->lf), 0);
	write_str(f, "3\n");
	assert_int_equal(logfile_rotate(&f->lf), 0);
	write_str(f, "4\n");
	assert_dir_files(f, "audit.log audit.log.1 audit.log.2");
	assert_file_text(f, "audit.log", "4\n");
	assert_file_text(f, "audit.log.1", "3\n");
	assert_file_text(f, "audit.log.2", "2\n");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 3);
	assert_mode(f->path, 0600, getegid());
}

static void test_rotate_by_size_num_logs_3(void **state)
{
	struct fixture *f = *state;
	const char *fills = "abcdefghijklmn";
	size_t i;

	f->opt.num_logs = 3;
	f->opt.max_log_file = 1;
	open_log(f);
	for (i = 0; i < strlen(fills); i++)
		write_record(f, fills[i], REC);
	assert_dir_files(f, "audit.log audit.log.1 audit.log.2");
	assert_file_records(f, "audit.log", "mn");
	assert_file_records(f, "audit.log.1", "ijkl");
	assert_file_records(f, "audit.log.2", "efgh");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 3);
	assert_int_equal(logfile_stats(&f->lf)->writes, 14);
	assert_int_equal(logfile_stats(&f->lf)->dropped_writes, 0);
}

static void test_keep_logs_by_size(void **state)
{
	struct fixture *f = *state;
	const char *fills = "abcdefghijklmnopq";
	size_t i;

	f->opt.num_logs = 2;	/* ignored by keep_logs */
	f->opt.max_log_file = 1;
	f->opt.max_log_file_action = SIZE_KEEP_LOGS;
	open_log(f);
	for (i = 0; i < strlen(fills); i++)
		write_record(f, fills[i], REC);
	assert_dir_files(f, "audit.log audit.log.1 audit.log.2 audit.log.3 "
			 "audit.log.4");
	assert_file_records(f, "audit.log", "q");
	assert_file_records(f, "audit.log.1", "mnop");
	assert_file_records(f, "audit.log.2", "ijkl");
	assert_file_records(f, "audit.log.3", "efgh");
	assert_file_records(f, "audit.log.4", "abcd");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 4);
}

static void test_keep_logs_manual(void **state)
{
	struct fixture *f = *state;
	char line[16];
	int i;

	f->opt.num_logs = 0;
	f->opt.max_log_file_action = SIZE_KEEP_LOGS;
	open_log(f);
	for (i = 1; i <= 12; i++) {
		snprintf(line, sizeof(line), "%d\n", i);
		write_str(f, line);
		assert_int_equal(logfile_rotate(&f->lf), 0);
	}
	write_str(f, "live\n");
	assert_dir_files(f, "audit.log audit.log.1 audit.log.10 audit.log.11 "
			 "audit.log.12 audit.log.2 audit.log.3 audit.log.4 "
			 "audit.log.5 audit.log.6 audit.log.7 audit.log.8 "
			 "audit.log.9");
	assert_file_text(f, "audit.log", "live\n");
	assert_file_text(f, "audit.log.1", "12\n");
	assert_file_text(f, "audit.log.10", "3\n");
	assert_file_text(f, "audit.log.12", "1\n");
}

static void test_rotate_num_logs_1_truncates(void **state)
{
	struct fixture *f = *state;

	f->opt.num_logs = 1;
	open_log(f);
	write_str(f, "a\n");
	assert_int_equal(logfile_rotate(&f->lf), 0);
	write_str(f, "b\n");
	assert_dir_files(f, "audit.log");
	assert_file_text(f, "audit.log", "b\n");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 1);
}

static void test_rotate_num_logs_0_by_size(void **state)
{
	struct fixture *f = *state;

	f->opt.num_logs = 0;
	f->opt.max_log_file = 1;
	open_log(f);
	write_record(f, 'a', REC);
	write_record(f, 'b', REC);
	write_record(f, 'c', REC);
	write_record(f, 'd', REC);
	write_record(f, 'e', REC);
	assert_dir_files(f, "audit.log");
	assert_file_records(f, "audit.log", "e");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 1);
}

static void test_oversized_record(void **state)
{
	struct fixture *f = *state;
	const size_t big = 1024 * 1024 + 2;
	size_t len;
	char *buf;

	f->opt.num_logs = 2;
	f->opt.max_log_file = 1;
	open_log(f);
	write_record(f, 'A', big);	/* empty log: no rotation */
	assert_int_equal(logfile_stats(&f->lf)->rotations, 0);
	write_str(f, "next\n");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 1);
	assert_dir_files(f, "audit.log audit.log.1");
	assert_file_text(f, "audit.log", "next\n");
	buf = slurp(f, "audit.log.1", &len);
	assert_int_equal(len, big);
	free(buf);
}

static void test_suspend(void **state)
{
	struct fixture *f = *state;
	const struct logfile_stats *s = logfile_stats(&f->lf);
	char *buf = record('z', REC);

	f->opt.max_log_file = 1;
	f->opt.max_log_file_action = SIZE_SUSPEND;
	open_log(f);
	write_record(f, 'a', REC);
	write_record(f, 'b', REC);
	write_record(f, 'c', REC);
	write_record(f, 'd', REC);	/* exactly 1 MiB: still allowed */
	assert_int_equal(logfile_write(&f->lf, buf, REC), -ENOSPC);
	assert_int_equal(logfile_write(&f->lf, "x\n", 2), -ENOSPC);
	assert_int_equal(s->dropped_writes, 2);
	assert_int_equal(s->writes, 4);
	assert_int_equal(s->errors, 0);
	assert_int_equal(s->rotations, 0);
	assert_dir_files(f, "audit.log");
	assert_file_records(f, "audit.log", "abcd");

	/* Space made by someone else: logging resumes. */
	assert_int_equal(truncate(f->path, 0), 0);
	write_str(f, "back\n");
	assert_file_text(f, "audit.log", "back\n");
	free(buf);
}

static void write_past_limit(struct fixture *f, enum size_action action)
{
	f->opt.max_log_file = 1;
	f->opt.max_log_file_action = action;
	open_log(f);
	write_record(f, 'a', REC);
	write_record(f, 'b', REC);
	write_record(f, 'c', REC);
	write_record(f, 'd', REC);
	write_record(f, 'e', REC);
	write_record(f, 'f', REC);
	assert_dir_files(f, "audit.log");
	assert_file_records(f, "audit.log", "abcdef");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 0);
	assert_int_equal(logfile_stats(&f->lf)->dropped_writes, 0);
}

static void test_ignore(void **state)
{
	write_past_limit(*state, SIZE_IGNORE);
}

static void test_syslog(void **state)
{
	write_past_limit(*state, SIZE_SYSLOG);
}

static void test_unlimited(void **state)
{
	struct fixture *f = *state;

	f->opt.max_log_file = 0;
	f->opt.num_logs = 2;
	open_log(f);
	write_record(f, 'a', REC);
	write_record(f, 'b', REC);
	write_record(f, 'c', REC);
	write_record(f, 'd', REC);
	write_record(f, 'e', REC);
	assert_dir_files(f, "audit.log");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 0);
}

/* A rotation that cannot happen must not cost the record. */
static void test_failed_rotation_keeps_record(void **state)
{
	struct fixture *f = *state;
	char blocker[256];
	int fd;

	f->opt.num_logs = 2;
	f->opt.max_log_file = 1;
	open_log(f);
	/* audit.log.1 is a non-empty directory: neither unlink nor rename. */
	snprintf(blocker, sizeof(blocker), "%s.1", f->path);
	assert_int_equal(mkdir(blocker, 0700), 0);
	strcat(blocker, "/x");
	fd = open(blocker, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);

	write_record(f, 'a', REC);
	write_record(f, 'b', REC);
	write_record(f, 'c', REC);
	write_record(f, 'd', REC);
	write_record(f, 'e', REC);
	assert_file_records(f, "audit.log", "abcde");
	assert_int_equal(logfile_stats(&f->lf)->rotations, 0);
	assert_true(logfile_stats(&f->lf)->errors >= 1);
	assert_int_equal(logfile_stats(&f->lf)->writes, 5);
}

/*
 * RLIMIT_FSIZE with SIGXFSZ ignored: write(2) stores what fits below the
 * limit, then fails with EFBIG. The partial record must be cut off again.
 */
static void test_failed_write_leaves_no_partial_record(void **state)
{
	struct fixture *f = *state;
	const struct logfile_stats *s = logfile_stats(&f->lf);
	struct rlimit old, lim;
	struct sigaction ign = { .sa_handler = SIG_IGN }, oldsa;
	char *a = record('a', 100), *b = record('b', 100), *c = record('c', 100);
	struct stat st;
	int ret;

	open_log(f);
	assert_int_equal(logfile_write(&f->lf, a, 100), 0);

	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 150;		/* record b would end at 200 */
	assert_int_equal(sigaction(SIGXFSZ, &ign, &oldsa), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ret = logfile_write(&f->lf, b, 100);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(sigaction(SIGXFSZ, &oldsa, NULL), 0);

	assert_int_equal(ret, -EFBIG);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_size, 100);
	assert_int_equal(s->errors, 1);
	assert_int_equal(s->writes, 1);
	assert_int_equal(s->bytes, 100);

	/* The next record follows the last good one directly. */
	assert_int_equal(logfile_write(&f->lf, c, 100), 0);
	logfile_close(&f->lf);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_size, 200);
	{
		size_t len;
		char *buf = slurp(f, "audit.log", &len);

		assert_memory_equal(buf, a, 100);
		assert_memory_equal(buf + 100, c, 100);
		free(buf);
	}
	free(a);
	free(b);
	free(c);
}

/*
 * Failure injection through the write and truncate seams of struct logfile:
 * the first call fails with EINTR if eintr_first, the first other call
 * stores at most short_len bytes, calls from fail_from
 * on fail with fail_errno (0: they return 0), the first trunc_fail truncates
 * fail with EIO.
 */
static struct inject {
	int calls;
	size_t short_len;
	int fail_from;
	int fail_errno;
	int eintr_first;
	int trunc_calls;
	int trunc_fail;
} inj;

static ssize_t fake_write(int fd, const void *buf, size_t len)
{
	inj.calls++;
	if (inj.eintr_first && inj.calls == 1) {
		errno = EINTR;
		return -1;
	}
	if (inj.fail_from && inj.calls >= inj.fail_from) {
		errno = inj.fail_errno;
		return inj.fail_errno ? -1 : 0;
	}
	if (inj.calls == 1 + inj.eintr_first && inj.short_len &&
	    len > inj.short_len)
		len = inj.short_len;
	return write(fd, buf, len);
}

static int fake_truncate(int fd, off_t len)
{
	inj.trunc_calls++;
	if (inj.trunc_calls <= inj.trunc_fail) {
		errno = EIO;
		return -1;
	}
	return ftruncate(fd, len);
}

static void inject(struct fixture *f, struct inject how)
{
	inj = how;
	f->lf.write_fn = fake_write;
	f->lf.truncate_fn = fake_truncate;
}

static off_t file_size(const struct fixture *f)
{
	struct stat st;

	assert_int_equal(stat(f->path, &st), 0);
	return st.st_size;
}

/* A short write, then ENOSPC in the middle of a buffer of three records. */
static void test_short_write_then_enospc_is_cut(void **state)
{
	struct fixture *f = *state;
	const struct logfile_stats *s = logfile_stats(&f->lf);
	const char *three = "type=A msg=audit(1.0:2): x\n"
			    "type=B msg=audit(1.0:2): y\n"
			    "type=C msg=audit(1.0:3): z\n";

	open_log(f);
	write_str(f, "type=A msg=audit(1.0:1): ok\n");
	inject(f, (struct inject){ .short_len = 40, .fail_from = 2,
				   .fail_errno = ENOSPC });
	assert_int_equal(logfile_write(&f->lf, three, strlen(three)), -ENOSPC);
	assert_int_equal(inj.calls, 2);
	assert_int_equal(inj.trunc_calls, 1);
	assert_file_text(f, "audit.log", "type=A msg=audit(1.0:1): ok\n");
	assert_int_equal(s->cuts, 1);
	assert_int_equal(s->errors, 1);
	assert_int_equal(s->writes, 1);
	assert_false(f->lf.cut_pending);

	/* Space is back: the next record follows the last whole one. */
	inj.fail_from = 0;
	write_str(f, "type=D msg=audit(1.0:4): w\n");
	assert_file_text(f, "audit.log", "type=A msg=audit(1.0:1): ok\n"
			 "type=D msg=audit(1.0:4): w\n");
	assert_int_equal(s->bytes, 28 + 27);
}

/* A failure before a single byte went in needs no cut. */
static void test_failed_write_of_nothing_needs_no_cut(void **state)
{
	struct fixture *f = *state;

	open_log(f);
	write_str(f, "a\n");
	inject(f, (struct inject){ .fail_from = 1, .fail_errno = EIO });
	assert_int_equal(logfile_write(&f->lf, "b\n", 2), -EIO);
	assert_int_equal(inj.trunc_calls, 0);
	assert_int_equal(logfile_stats(&f->lf)->cuts, 0);
	assert_file_text(f, "audit.log", "a\n");
}

/* write(2) returning 0 is no progress: -EIO, and the part written goes. */
static void test_zero_write_is_eio(void **state)
{
	struct fixture *f = *state;

	open_log(f);
	inject(f, (struct inject){ .short_len = 3, .fail_from = 2 });
	assert_int_equal(logfile_write(&f->lf, "abcdef\n", 7), -EIO);
	assert_file_text(f, "audit.log", "");
	assert_int_equal(logfile_stats(&f->lf)->cuts, 1);
}

static void test_eintr_is_retried(void **state)
{
	struct fixture *f = *state;

	open_log(f);
	inject(f, (struct inject){ .eintr_first = 1, .short_len = 2 });
	write_str(f, "abcdef\n");
	assert_int_equal(inj.calls, 3);
	assert_file_text(f, "audit.log", "abcdef\n");
	assert_int_equal(logfile_stats(&f->lf)->errors, 0);
}

/* The cut fails once: the partial record stays until the next write. */
static void test_failed_cut_is_retried_first(void **state)
{
	struct fixture *f = *state;
	const struct logfile_stats *s = logfile_stats(&f->lf);

	open_log(f);
	write_str(f, "a\n");
	inject(f, (struct inject){ .short_len = 3, .fail_from = 2,
				   .fail_errno = ENOSPC, .trunc_fail = 1 });
	assert_int_equal(logfile_write(&f->lf, "bbbbbb\n", 7), -ENOSPC);
	assert_true(f->lf.cut_pending);
	assert_int_equal(file_size(f), 2 + 3);
	assert_int_equal(s->cuts, 0);
	assert_int_equal(s->errors, 2);

	inj.fail_from = 0;
	write_str(f, "c\n");
	assert_false(f->lf.cut_pending);
	assert_int_equal(inj.trunc_calls, 2);
	assert_file_text(f, "audit.log", "a\nc\n");
	assert_int_equal(s->cuts, 1);
}

/* While the cut keeps failing, nothing is appended after the partial record. */
static void test_failing_cut_blocks_writes(void **state)
{
	struct fixture *f = *state;
	int calls;

	open_log(f);
	write_str(f, "a\n");
	inject(f, (struct inject){ .short_len = 3, .fail_from = 2,
				   .fail_errno = ENOSPC, .trunc_fail = 3 });
	assert_int_equal(logfile_write(&f->lf, "bbbbbb\n", 7), -ENOSPC);
	calls = inj.calls;
	inj.fail_from = 0;
	assert_int_equal(logfile_write(&f->lf, "c\n", 2), -EIO);
	assert_int_equal(logfile_write(&f->lf, "d\n", 2), -EIO);
	assert_int_equal(inj.calls, calls);	/* not a byte written */
	assert_int_equal(file_size(f), 2 + 3);
	write_str(f, "e\n");			/* the fourth cut works */
	assert_file_text(f, "audit.log", "a\ne\n");
	assert_int_equal(logfile_stats(&f->lf)->writes, 2);
}

/* A rotation first retries the cut, so the rotated log ends whole. */
static void test_rotation_cuts_first(void **state)
{
	struct fixture *f = *state;

	f->opt.num_logs = 2;
	open_log(f);
	write_str(f, "a\n");
	inject(f, (struct inject){ .short_len = 3, .fail_from = 2,
				   .fail_errno = ENOSPC, .trunc_fail = 1 });
	assert_int_equal(logfile_write(&f->lf, "bbbbbb\n", 7), -ENOSPC);
	assert_true(f->lf.cut_pending);
	assert_int_equal(logfile_rotate(&f->lf), 0);
	assert_false(f->lf.cut_pending);
	assert_file_text(f, "audit.log.1", "a\n");
	inj.fail_from = 0;
	write_str(f, "c\n");
	assert_file_text(f, "audit.log", "c\n");
}

static void make_log(struct fixture *f, const char *text, size_t len)
{
	int fd;

	assert_int_equal(mkdir(f->logdir, 0700), 0);
	fd = open(f->path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* A crash mid-write left a partial record: opening the log cuts it off. */
static void test_open_cuts_partial_tail(void **state)
{
	struct fixture *f = *state;

	make_log(f, "a\nb\npart", 8);
	open_log(f);
	assert_file_text(f, "audit.log", "a\nb\n");
	assert_int_equal(logfile_stats(&f->lf)->cuts, 1);
	write_str(f, "c\n");
	assert_file_text(f, "audit.log", "a\nb\nc\n");
}

/* The partial record is longer than one read, or is all there is. */
static void test_open_cuts_long_partial_tail(void **state)
{
	struct fixture *f = *state;
	size_t len = 3 + 10000;
	char *text = malloc(len);

	assert_non_null(text);
	memcpy(text, "x\n", 2);
	memset(text + 2, 'p', len - 2);
	make_log(f, text, len);
	open_log(f);
	assert_file_text(f, "audit.log", "x\n");
	logfile_close(&f->lf);

	assert_int_equal(truncate(f->path, 0), 0);
	memset(text, 'q', len);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(rmdir(f->logdir), 0);
	make_log(f, text, len);
	open_log(f);
	assert_file_text(f, "audit.log", "");
	free(text);
}

static void test_open_keeps_whole_log(void **state)
{
	struct fixture *f = *state;

	make_log(f, "a\nb\n", 4);
	open_log(f);
	assert_file_text(f, "audit.log", "a\nb\n");
	assert_int_equal(logfile_stats(&f->lf)->cuts, 0);
}

static void test_space(void **state)
{
	struct fixture *f = *state;
	unsigned long long avail = 0, total = 0;

	open_log(f);
	assert_int_equal(logfile_space(&f->lf, &avail, &total), 0);
	assert_true(total > 0);
	assert_true(avail <= total);
	logfile_close(&f->lf);		/* closed: the directory is asked */
	avail = total = 0;
	assert_int_equal(logfile_space(&f->lf, &avail, &total), 0);
	assert_true(total > 0);
}

int main(void)
{
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_fresh_dir),
		T(test_create_with_group),
		T(test_fixes_existing_file),
		T(test_append_and_stats),
		T(test_write_needs_whole_records),
		T(test_open_errors),
		T(test_flush_open_flags),
		T(test_flush_incremental),
		T(test_flush_incremental_async),
		T(test_flush_incremental_async_rotating),
		T(test_rotate_manual_num_logs_3),
		T(test_rotate_by_size_num_logs_3),
		T(test_keep_logs_by_size),
		T(test_keep_logs_manual),
		T(test_rotate_num_logs_1_truncates),
		T(test_rotate_num_logs_0_by_size),
		T(test_oversized_record),
		T(test_suspend),
		T(test_ignore),
		T(test_syslog),
		T(test_unlimited),
		T(test_failed_rotation_keeps_record),
		T(test_failed_write_leaves_no_partial_record),
		T(test_short_write_then_enospc_is_cut),
		T(test_failed_write_of_nothing_needs_no_cut),
		T(test_zero_write_is_eio),
		T(test_eintr_is_retried),
		T(test_failed_cut_is_retried_first),
		T(test_failing_cut_blocks_writes),
		T(test_rotation_cuts_first),
		T(test_open_cuts_partial_tail),
		T(test_open_cuts_long_partial_tail),
		T(test_open_keeps_whole_log),
		T(test_space),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
