// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/config.c: defaults, every key, every kind of error
 * with its exact "FILE:LINE: reason" text, and reading from a file.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"

#define NAME	"t.conf"

static char err[8192];

static int parse(const char *text, struct bpfaudit_config *c)
{
	err[0] = '\0';
	return config_parse_buffer(NAME, text, strlen(text), c, err, sizeof(err));
}

/* Parse @text on top of the defaults; it must fail with exactly @msg. */
static void expect_error(const char *text, const char *msg)
{
	struct bpfaudit_config c, def;

	config_defaults(&c);
	config_defaults(&def);
	assert_int_equal(parse(text, &c), -1);
	assert_string_equal(err, msg);
	assert_memory_equal(&c, &def, sizeof(c));
}

static struct bpfaudit_config parse_ok(const char *text)
{
	struct bpfaudit_config c;

	config_defaults(&c);
	if (parse(text, &c))
		fail_msg("unexpected error: %s", err);
	return c;
}

static void test_defaults(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	config_defaults(&c);
	assert_string_equal(c.log_file, "/var/log/bpfaudit/audit.log");
	assert_string_equal(c.log_group, "root");
	assert_int_equal(c.flush, FLUSH_INCREMENTAL_ASYNC);
	assert_int_equal(c.freq, 50);
	assert_int_equal(c.max_log_file, 8);
	assert_int_equal(c.num_logs, 5);
	assert_int_equal(c.max_log_file_action, SIZE_ROTATE);
	assert_int_equal(c.attach_mode, ATTACH_AUTO);
	assert_int_equal(c.argv_max, 1048576);
	assert_int_equal(c.ringbuf_size, 16);
	assert_int_equal(c.promise_timeout, 2000);
	assert_int_equal(c.promise_max_mem, 64);
	assert_int_equal(c.loss_report_interval, 5);
	assert_string_equal(c.state_dir, "/var/lib/bpfaudit");
	assert_string_equal(c.control_socket, "/run/bpfaudit/bpfauditd.sock");
	assert_string_equal(c.control_group, "root");
}

static void test_every_key(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	c = parse_ok("log_file = /srv/audit/a.log\n"
		     "log_format = RAW\n"
		     "log_group = adm\n"
		     "flush = data\n"
		     "freq = 2147483647\n"
		     "max_log_file = 4095\n"
		     "num_logs = 999\n"
		     "max_log_file_action = keep_logs\n"
		     "attach_mode = tracepoint\n"
		     "argv_max = 16777216\n"
		     "ringbuf_size = 1024\n"
		     "promise_timeout = 600000\n"
		     "promise_max_mem = 4096\n"
		     "loss_report_interval = 3600\n"
		     "state_dir = /srv/state\n"
		     "control_socket = /srv/ctl.sock\n"
		     "control_group = 4242\n");
	assert_string_equal(c.log_file, "/srv/audit/a.log");
	assert_string_equal(c.log_group, "adm");
	assert_int_equal(c.flush, FLUSH_DATA);
	assert_int_equal(c.freq, INT_MAX);
	assert_int_equal(c.max_log_file, 4095);
	assert_int_equal(c.num_logs, 999);
	assert_int_equal(c.max_log_file_action, SIZE_KEEP_LOGS);
	assert_int_equal(c.attach_mode, ATTACH_TRACEPOINT);
	assert_int_equal(c.argv_max, 16777216);
	assert_int_equal(c.ringbuf_size, 1024);
	assert_int_equal(c.promise_timeout, 600000);
	assert_int_equal(c.promise_max_mem, 4096);
	assert_int_equal(c.loss_report_interval, 3600);
	assert_string_equal(c.state_dir, "/srv/state");
	assert_string_equal(c.control_socket, "/srv/ctl.sock");
	assert_string_equal(c.control_group, "4242");
}

static void test_lower_bounds(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	c = parse_ok("freq = 0\nmax_log_file = 0\nnum_logs = 0\n"
		     "argv_max = 4096\nringbuf_size = 1\npromise_timeout = 10\n"
		     "promise_max_mem = 1\nloss_report_interval = 1\n");
	assert_int_equal(c.freq, 0);
	assert_int_equal(c.max_log_file, 0);
	assert_int_equal(c.num_logs, 0);
	assert_int_equal(c.argv_max, 4096);
	assert_int_equal(c.ringbuf_size, 1);
	assert_int_equal(c.promise_timeout, 10);
	assert_int_equal(c.promise_max_mem, 1);
	assert_int_equal(c.loss_report_interval, 1);
}

static void test_enum_values(void **state)
{
	static const char *const flush[] = {
		"none", "incremental", "incremental_async", "data", "sync",
	};
	static const char *const action[] = {
		"ignore", "syslog", "suspend", "rotate", "keep_logs",
	};
	static const char *const attach[] = {
		"auto", "lsm", "fentry", "tracepoint",
	};
	struct bpfaudit_config c;
	char line[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "flush = %s\n", flush[i]);
		c = parse_ok(line);
		assert_int_equal(c.flush, i);
		assert_string_equal(flush_mode_name(c.flush), flush[i]);
		snprintf(line, sizeof(line), "max_log_file_action = %s\n",
			 action[i]);
		c = parse_ok(line);
		assert_int_equal(c.max_log_file_action, i);
		assert_string_equal(size_action_name(c.max_log_file_action),
				    action[i]);
	}
	for (i = 0; i < 4; i++) {
		snprintf(line, sizeof(line), "attach_mode = %s\n", attach[i]);
		c = parse_ok(line);
		assert_int_equal(c.attach_mode, i);
		assert_string_equal(attach_mode_name(c.attach_mode), attach[i]);
	}
}

static void test_enum_case_insensitive(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	c = parse_ok("flush = SYNC\nmax_log_file_action = Keep_Logs\n"
		     "attach_mode = LSM\nlog_format = raw\n");
	assert_int_equal(c.flush, FLUSH_SYNC);
	assert_int_equal(c.max_log_file_action, SIZE_KEEP_LOGS);
	assert_int_equal(c.attach_mode, ATTACH_LSM);
	c = parse_ok("flush = Incremental_Async\nattach_mode = FEntry\n");
	assert_int_equal(c.flush, FLUSH_INCREMENTAL_ASYNC);
	assert_int_equal(c.attach_mode, ATTACH_FENTRY);
}

static void test_enum_names_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(flush_mode_name((enum flush_mode)5), "unknown");
	assert_string_equal(size_action_name((enum size_action)99), "unknown");
	assert_string_equal(attach_mode_name((enum attach_mode)4), "unknown");
}

static void test_comments_blank_whitespace(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	c = parse_ok("# bpfauditd.conf\n"
		     "\n"
		     "   \t \n"
		     "   # indented comment = with equals\n"
		     "freq=7\n"
		     "  num_logs   =   3  \n"
		     "\tmax_log_file\t=\t2\t\n"
		     "flush = none\r\n"
		     "log_file = /a b/c.log\n"
		     "argv_max = 8192");	/* no final newline */
	assert_int_equal(c.freq, 7);
	assert_int_equal(c.num_logs, 3);
	assert_int_equal(c.max_log_file, 2);
	assert_int_equal(c.flush, FLUSH_NONE);
	assert_string_equal(c.log_file, "/a b/c.log");
	assert_int_equal(c.argv_max, 8192);
}

static void test_empty_input(void **state)
{
	struct bpfaudit_config c, def;

	(void)state;
	config_defaults(&def);
	c = parse_ok("");
	assert_memory_equal(&c, &def, sizeof(c));
	c = parse_ok("\n\n# only comments\n");
	assert_memory_equal(&c, &def, sizeof(c));
}

static void test_duplicate_key_overrides(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	c = parse_ok("freq = 1\nflush = data\nfreq = 2\nflush = sync\n"
		     "log_group = a\nlog_group = b\n");
	assert_int_equal(c.freq, 2);
	assert_int_equal(c.flush, FLUSH_SYNC);
	assert_string_equal(c.log_group, "b");
}

static void test_parses_on_top_of_existing(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	config_defaults(&c);
	c.freq = 77;
	assert_int_equal(parse("num_logs = 2\n", &c), 0);
	assert_int_equal(c.freq, 77);
	assert_int_equal(c.num_logs, 2);
}

static void test_unchanged_on_error(void **state)
{
	struct bpfaudit_config c, before;

	(void)state;
	config_defaults(&c);
	c.num_logs = 9;
	before = c;
	assert_int_equal(parse("freq = 9\nflush = sync\nlog_file = /x\n"
			       "bogus = 1\n", &c), -1);
	assert_string_equal(err, NAME ":4: unknown key 'bogus'");
	assert_memory_equal(&c, &before, sizeof(c));
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("# comment\n\nfreq = 1\n\n# more\nnum_logs = 2\n"
		     "max_log_fil = 5\n",
		     NAME ":7: unknown key 'max_log_fil'");
	/* Keys are lowercase only. */
	expect_error("Flush = data\n", NAME ":1: unknown key 'Flush'");
	expect_error("max log = 5\n", NAME ":1: unknown key 'max log'");
}

static void test_missing_equals(void **state)
{
	(void)state;
	expect_error("freq = 1\nflush data\n", NAME ":2: missing '=' in 'flush data'");
	expect_error("  freq  \n", NAME ":1: missing '=' in 'freq'");
}

static void test_missing_key(void **state)
{
	(void)state;
	expect_error(" = 5\n", NAME ":1: missing key before '='");
}

static void test_empty_value(void **state)
{
	(void)state;
	expect_error("freq = 1\nfreq =\n", NAME ":2: freq: missing value");
	expect_error("log_file = \t \n", NAME ":1: log_file: missing value");
	expect_error("flush=", NAME ":1: flush: missing value");
}

static void test_bad_number(void **state)
{
	(void)state;
	expect_error("freq = abc\n", NAME ":1: freq: 'abc' is not a number");
	expect_error("freq = -1\n", NAME ":1: freq: '-1' is not a number");
	expect_error("freq = +1\n", NAME ":1: freq: '+1' is not a number");
	expect_error("num_logs = 0x10\n",
		     NAME ":1: num_logs: '0x10' is not a number");
	expect_error("max_log_file = 1.5\n",
		     NAME ":1: max_log_file: '1.5' is not a number");
	expect_error("argv_max = 5 6\n",
		     NAME ":1: argv_max: '5 6' is not a number");
	expect_error("promise_timeout = 100ms\n",
		     NAME ":1: promise_timeout: '100ms' is not a number");
}

static void test_out_of_range(void **state)
{
	(void)state;
	expect_error("num_logs = 1000\n",
		     NAME ":1: num_logs: 1000 is out of range 0..999");
	expect_error("max_log_file = 4096\n",
		     NAME ":1: max_log_file: 4096 is out of range 0..4095");
	expect_error("freq = 2147483648\n",
		     NAME ":1: freq: 2147483648 is out of range 0..2147483647");
	expect_error("freq = 99999999999999999999999\n",
		     NAME ":1: freq: 99999999999999999999999 is out of range 0..2147483647");
	expect_error("argv_max = 4095\n",
		     NAME ":1: argv_max: 4095 is out of range 4096..16777216");
	expect_error("argv_max = 16777217\n",
		     NAME ":1: argv_max: 16777217 is out of range 4096..16777216");
	expect_error("ringbuf_size = 0\n",
		     NAME ":1: ringbuf_size: 0 is out of range 1..1024");
	expect_error("ringbuf_size = 2048\n",
		     NAME ":1: ringbuf_size: 2048 is out of range 1..1024");
	expect_error("promise_timeout = 9\n",
		     NAME ":1: promise_timeout: 9 is out of range 10..600000");
	expect_error("promise_timeout = 600001\n",
		     NAME ":1: promise_timeout: 600001 is out of range 10..600000");
	expect_error("promise_max_mem = 0\n",
		     NAME ":1: promise_max_mem: 0 is out of range 1..4096");
	expect_error("promise_max_mem = 4097\n",
		     NAME ":1: promise_max_mem: 4097 is out of range 1..4096");
	expect_error("loss_report_interval = 0\n",
		     NAME ":1: loss_report_interval: 0 is out of range 1..3600");
	expect_error("loss_report_interval = 3601\n",
		     NAME ":1: loss_report_interval: 3601 is out of range 1..3600");
}

static void test_power_of_two(void **state)
{
	struct bpfaudit_config c;
	char line[64];
	unsigned int v;

	(void)state;
	for (v = 1; v <= 1024; v <<= 1) {
		snprintf(line, sizeof(line), "ringbuf_size = %u\n", v);
		c = parse_ok(line);
		assert_int_equal(c.ringbuf_size, v);
	}
	expect_error("ringbuf_size = 3\n",
		     NAME ":1: ringbuf_size: 3 is not a power of two");
	expect_error("ringbuf_size = 1000\n",
		     NAME ":1: ringbuf_size: 1000 is not a power of two");
}

static void test_bad_enum(void **state)
{
	(void)state;
	expect_error("\n\nflush = fast\n",
		     NAME ":3: flush: 'fast' is not one of none, incremental, "
		     "incremental_async, data, sync");
	expect_error("max_log_file_action = email\n",
		     NAME ":1: max_log_file_action: 'email' is not one of "
		     "ignore, syslog, suspend, rotate, keep_logs");
	expect_error("attach_mode = kprobe\n",
		     NAME ":1: attach_mode: 'kprobe' is not one of auto, lsm, "
		     "fentry, tracepoint");
	/* A prefix is not a match. */
	expect_error("flush = incremental_a\n",
		     NAME ":1: flush: 'incremental_a' is not one of none, "
		     "incremental, incremental_async, data, sync");
}

static void test_log_format(void **state)
{
	(void)state;
	parse_ok("log_format = RAW\n");
	expect_error("log_format = ENRICHED\n",
		     NAME ":1: log_format: 'ENRICHED' is not supported, only RAW is");
}

static void test_paths_absolute(void **state)
{
	(void)state;
	expect_error("log_file = var/log/a.log\n",
		     NAME ":1: log_file: 'var/log/a.log' is not an absolute path");
	expect_error("state_dir = ./state\n",
		     NAME ":1: state_dir: './state' is not an absolute path");
	expect_error("control_socket = ctl.sock\n",
		     NAME ":1: control_socket: 'ctl.sock' is not an absolute path");
}

static void test_name_length(void **state)
{
	struct bpfaudit_config c;
	char text[256], name[80];

	(void)state;
	memset(name, 'g', 63);
	name[63] = '\0';
	snprintf(text, sizeof(text), "log_group = %s\ncontrol_group = %s\n",
		 name, name);
	c = parse_ok(text);
	assert_string_equal(c.log_group, name);
	assert_string_equal(c.control_group, name);

	memset(name, 'g', 64);
	name[64] = '\0';
	snprintf(text, sizeof(text), "log_group = %s\n", name);
	expect_error(text, NAME ":1: log_group: value is longer than 63 bytes");
	snprintf(text, sizeof(text), "control_group = %s\n", name);
	expect_error(text, NAME ":1: control_group: value is longer than 63 bytes");
}

static void test_line_length(void **state)
{
	struct bpfaudit_config c;
	const size_t prefix = strlen("log_file = /");
	char *text;

	(void)state;
	text = malloc(2 * CONFIG_MAX_LINE + 16);
	assert_non_null(text);

	/* A comment of exactly 4096 bytes, then a 4096-byte log_file line. */
	text[0] = '#';
	memset(text + 1, 'x', CONFIG_MAX_LINE - 1);
	text[CONFIG_MAX_LINE] = '\n';
	strcpy(text + CONFIG_MAX_LINE + 1, "log_file = /");
	memset(text + CONFIG_MAX_LINE + 1 + prefix, 'p',
	       CONFIG_MAX_LINE - prefix);
	text[2 * CONFIG_MAX_LINE + 1] = '\n';
	text[2 * CONFIG_MAX_LINE + 2] = '\0';
	c = parse_ok(text);
	assert_int_equal(strlen(c.log_file), CONFIG_MAX_LINE - prefix + 1);

	/* One byte more on line 2 is an error. */
	text[2 * CONFIG_MAX_LINE + 1] = 'p';
	text[2 * CONFIG_MAX_LINE + 2] = '\n';
	text[2 * CONFIG_MAX_LINE + 3] = '\0';
	expect_error(text, NAME ":2: line is longer than 4096 bytes");

	/* Even without a final newline. */
	text[2 * CONFIG_MAX_LINE + 2] = '\0';
	expect_error(text, NAME ":2: line is longer than 4096 bytes");
	free(text);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "freq = 1\nfre\0q = 2\n";
	struct bpfaudit_config c, def;

	(void)state;
	config_defaults(&c);
	def = c;
	assert_int_equal(config_parse_buffer(NAME, text, sizeof(text) - 1, &c,
					     err, sizeof(err)), -1);
	assert_string_equal(err, NAME ":2: line contains a NUL byte");
	assert_memory_equal(&c, &def, sizeof(c));
}

static void test_length_is_respected(void **state)
{
	static const char text[] = "freq = 12bogus";
	struct bpfaudit_config c;

	(void)state;
	config_defaults(&c);
	/* Only the first 9 bytes are the buffer: "freq = 12". */
	assert_int_equal(config_parse_buffer(NAME, text, 9, &c, err,
					     sizeof(err)), 0);
	assert_int_equal(c.freq, 12);
}

static void test_small_or_null_err(void **state)
{
	struct bpfaudit_config c;
	char small[8];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse_buffer(NAME, "x = 1", 5, &c, NULL, 0), -1);
	memset(small, 'z', sizeof(small));
	assert_int_equal(config_parse_buffer(NAME, "x = 1", 5, &c, small,
					     sizeof(small)), -1);
	assert_string_equal(small, "t.conf:");
	assert_int_equal(config_parse_buffer("a-very-long-file-name", "x = 1",
					     5, &c, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* Files in a fresh directory for the config_parse_file() tests. */
struct fixture {
	char dir[64];
	char path[128];
};

static int setup_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_config.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/bpfauditd.conf", f->dir);
	*state = f;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void test_file_ok(void **state)
{
	struct fixture *f = *state;
	struct bpfaudit_config c;

	config_defaults(&c);
	write_text(f->path, "# test\nflush = sync\nnum_logs = 7\n");
	assert_int_equal(config_parse_file(f->path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.flush, FLUSH_SYNC);
	assert_int_equal(c.num_logs, 7);
}

static void test_file_error_names_path(void **state)
{
	struct fixture *f = *state;
	struct bpfaudit_config c, def;
	char want[256];

	config_defaults(&c);
	def = c;
	write_text(f->path, "flush = sync\n\n\n# x\n\n\nmax_log_fil = 1\n");
	assert_int_equal(config_parse_file(f->path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:7: unknown key 'max_log_fil'", f->path);
	assert_string_equal(err, want);
	assert_memory_equal(&c, &def, sizeof(c));
}

static void test_file_missing(void **state)
{
	struct fixture *f = *state;
	struct bpfaudit_config c;
	char want[256];

	config_defaults(&c);
	assert_int_equal(config_parse_file(f->path, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", f->path, strerror(ENOENT));
	assert_string_equal(err, want);
}

static void test_file_is_directory(void **state)
{
	struct fixture *f = *state;
	struct bpfaudit_config c;
	char want[256];

	config_defaults(&c);
	assert_int_equal(config_parse_file(f->dir, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", f->dir);
	assert_string_equal(err, want);
}

/* A reload keeps every restart-only setting and says whether one changed. */
static void test_keep_restart_only(void **state)
{
	struct bpfaudit_config running, next;

	(void)state;
	config_defaults(&running);
	next = running;
	next.freq = 7;
	next.loss_report_interval = 9;
	assert_false(config_keep_restart_only(&next, &running));
	assert_int_equal(next.freq, 7);
	assert_int_equal(next.loss_report_interval, 9);

	next = running;
	next.attach_mode = ATTACH_LSM;
	next.events = 1;
	next.argv_max = 8192;
	next.ringbuf_size = 2;
	next.promise_timeout = 50;
	next.promise_max_mem = 2;
	strcpy(next.log_group, "adm");
	strcpy(next.state_dir, "/x");
	strcpy(next.control_socket, "/x.sock");
	strcpy(next.control_group, "adm");
	assert_true(config_keep_restart_only(&next, &running));
	assert_int_equal(next.attach_mode, running.attach_mode);
	assert_int_equal(next.events, running.events);
	assert_int_equal(next.argv_max, running.argv_max);
	assert_int_equal(next.ringbuf_size, running.ringbuf_size);
	assert_int_equal(next.promise_timeout, running.promise_timeout);
	assert_int_equal(next.promise_max_mem, running.promise_max_mem);
	assert_string_equal(next.log_group, running.log_group);
	assert_string_equal(next.state_dir, running.state_dir);
	assert_string_equal(next.control_socket, running.control_socket);
	assert_string_equal(next.control_group, running.control_group);

	/* each one alone counts as a change */
	next = running;
	next.events = 3;
	assert_true(config_keep_restart_only(&next, &running));
	next = running;
	strcpy(next.control_group, "adm");
	assert_true(config_keep_restart_only(&next, &running));
	next = running;
	strcpy(next.pin_dir, "/sys/fs/bpf/other");
	assert_true(config_keep_restart_only(&next, &running));
	assert_string_equal(next.pin_dir, running.pin_dir);
}

/* pin_dir: the bpffs directory of the pinned set, an absolute path. */
static void test_pin_dir(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.pin_dir, "/sys/fs/bpf/bpfaudit");
	c = parse_ok("pin_dir = /sys/fs/bpf/audit-2\n");
	assert_string_equal(c.pin_dir, "/sys/fs/bpf/audit-2");
	expect_error("pin_dir = bpfaudit\n",
		     NAME ":1: pin_dir: 'bpfaudit' is not an absolute path");
}

static void assert_action(const struct disk_action_conf *a,
			  enum disk_action want, const char *exe)
{
	assert_int_equal(a->action, want);
	assert_string_equal(a->exe, exe);
}

static void test_disk_defaults(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.space_left.value, 75);
	assert_false(c.space_left.percent);
	assert_action(&c.space_left_action, DISK_SYSLOG, "");
	assert_int_equal(c.admin_space_left.value, 50);
	assert_false(c.admin_space_left.percent);
	assert_action(&c.admin_space_left_action, DISK_SUSPEND, "");
	assert_action(&c.disk_full_action, DISK_SUSPEND, "");
	assert_action(&c.disk_error_action, DISK_SUSPEND, "");
}

static void test_disk_keys(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	c = parse_ok("space_left = 25%\n"
		     "space_left_action = exec /usr/local/sbin/Low-Space\n"
		     "admin_space_left = 10%\n"
		     "admin_space_left_action = SINGLE\n"
		     "disk_full_action = Rotate\n"
		     "disk_error_action = exec\t  /sbin/on-error  \n");
	assert_int_equal(c.space_left.value, 25);
	assert_true(c.space_left.percent);
	assert_action(&c.space_left_action, DISK_EXEC,
		      "/usr/local/sbin/Low-Space");
	assert_int_equal(c.admin_space_left.value, 10);
	assert_true(c.admin_space_left.percent);
	assert_action(&c.admin_space_left_action, DISK_SINGLE, "");
	assert_action(&c.disk_full_action, DISK_ROTATE, "");
	assert_action(&c.disk_error_action, DISK_EXEC, "/sbin/on-error");

	/* A later plain action forgets the program. */
	c = parse_ok("disk_full_action = exec /x\ndisk_full_action = halt\n");
	assert_action(&c.disk_full_action, DISK_HALT, "");
	/* Bounds, and mixed units are not compared. */
	c = parse_ok("space_left = 1%\nadmin_space_left = 2147483647\n");
	assert_int_equal(c.space_left.value, 1);
	assert_int_equal(c.admin_space_left.value, 2147483647);
	c = parse_ok("space_left = 99%\nadmin_space_left = 0\n");
	assert_int_equal(c.space_left.value, 99);
	assert_false(c.admin_space_left.percent);
}

static void test_disk_action_names(void **state)
{
	static const char *const names[] = {
		"ignore", "syslog", "rotate", "exec /p", "suspend", "single",
		"halt",
	};
	static const char *const keys[] = {
		"space_left_action", "admin_space_left_action",
		"disk_full_action", "disk_error_action",
	};
	struct bpfaudit_config c;
	struct disk_action_conf *a[4];
	char line[128];
	unsigned int i, k;

	(void)state;
	a[0] = &c.space_left_action;
	a[1] = &c.admin_space_left_action;
	a[2] = &c.disk_full_action;
	a[3] = &c.disk_error_action;
	for (k = 0; k < 4; k++) {
		for (i = 0; i < 7; i++) {
			if (k == 3 && i == DISK_ROTATE)
				continue;
			snprintf(line, sizeof(line), "%s = %s\n", keys[k],
				 names[i]);
			c = parse_ok(line);
			assert_action(a[k], i, i == DISK_EXEC ? "/p" : "");
			assert_int_equal(strncmp(disk_action_name(a[k]->action),
						 names[i], 4), 0);
		}
	}
	assert_string_equal(disk_action_name(DISK_EXEC), "exec");
	assert_string_equal(disk_action_name((enum disk_action)7), "unknown");
}

/* Plugins and the heartbeat: defaults, values, ranges. */
static void test_plugin_keys(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	config_defaults(&c);
	/* $(sysconfdir)/bpfaudit/plugins.d, as configured */
	assert_int_equal(c.plugin_dir[0], '/');
	assert_non_null(strstr(c.plugin_dir, "/bpfaudit/plugins.d"));
	assert_int_equal(c.max_restarts, 10);
	assert_int_equal(c.plugin_queue_mem, 8);
	assert_int_equal(c.heartbeat_interval, 30);
	c = parse_ok("plugin_dir = /srv/plugins.d\nmax_restarts = 0\n"
		     "plugin_queue_mem = 1024\nheartbeat_interval = 0\n");
	assert_string_equal(c.plugin_dir, "/srv/plugins.d");
	assert_int_equal(c.max_restarts, 0);
	assert_int_equal(c.plugin_queue_mem, 1024);
	assert_int_equal(c.heartbeat_interval, 0);
	expect_error("plugin_dir = plugins.d\n",
		     NAME ":1: plugin_dir: 'plugins.d' is not an absolute path");
	expect_error("plugin_queue_mem = 0\n",
		     NAME ":1: plugin_queue_mem: 0 is out of range 1..1024");
	expect_error("heartbeat_interval = 86401\n",
		     NAME ":1: heartbeat_interval: 86401 is out of range 0..86400");
	expect_error("max_restarts = -1\n",
		     NAME ":1: max_restarts: '-1' is not a number");
}

static void test_disk_errors(void **state)
{
	(void)state;
	expect_error("space_left_action = email\n",
		     NAME ":1: space_left_action: email is not supported,"
		     " bpfauditd sends no mail (exec a program that does)");
	expect_error("freq = 1\ndisk_full_action = EMAIL\n",
		     NAME ":2: disk_full_action: email is not supported,"
		     " bpfauditd sends no mail (exec a program that does)");
	expect_error("admin_space_left_action = exec\n",
		     NAME ":1: admin_space_left_action: exec needs the"
		     " absolute path of a program");
	expect_error("space_left_action = exec bin/x\n",
		     NAME ":1: space_left_action: 'bin/x' is not an absolute"
		     " path");
	expect_error("space_left_action = exec /bin/x arg\n",
		     NAME ":1: space_left_action: exec runs one program,"
		     " without arguments");
	expect_error("space_left_action = syslog now\n",
		     NAME ":1: space_left_action: 'syslog' takes no argument");
	expect_error("space_left_action = shutdown\n",
		     NAME ":1: space_left_action: 'shutdown' is not one of"
		     " ignore, syslog, rotate, exec, suspend, single, halt");
	expect_error("disk_error_action = rotate\n",
		     NAME ":1: disk_error_action: 'rotate' is not one of"
		     " ignore, syslog, exec, suspend, single, halt");
	expect_error("space_left = 100%\n",
		     NAME ":1: space_left: 100% is out of range 1..99%");
	expect_error("admin_space_left = 0%\n",
		     NAME ":1: admin_space_left: 0% is out of range 1..99%");
	expect_error("space_left = 2147483648\n",
		     NAME ":1: space_left: 2147483648 is out of range"
		     " 0..2147483647");
	expect_error("space_left = %\n",
		     NAME ":1: space_left: '%' is neither a number of MiB nor"
		     " a percentage such as 25%");
	expect_error("space_left = 10MB\n",
		     NAME ":1: space_left: '10MB' is neither a number of MiB"
		     " nor a percentage such as 25%");
	expect_error("space_left = -1\n",
		     NAME ":1: space_left: '-1' is neither a number of MiB nor"
		     " a percentage such as 25%");
}

/* As in auditd, space_left must be larger than admin_space_left. */
static void test_disk_space_order(void **state)
{
	struct bpfaudit_config c;

	(void)state;
	/* The line named is the last that changed one of the two. */
	expect_error("space_left = 50\nadmin_space_left = 50\nfreq = 1\n",
		     NAME ":1: space_left (50 MiB) must be larger than"
		     " admin_space_left (50 MiB)");
	expect_error("space_left = 50\nadmin_space_left = 60\nfreq = 1\n",
		     NAME ":2: space_left (50 MiB) must be larger than"
		     " admin_space_left (60 MiB)");
	expect_error("admin_space_left = 80\n",
		     NAME ":1: space_left (75 MiB) must be larger than"
		     " admin_space_left (80 MiB)");
	expect_error("space_left = 10%\nadmin_space_left = 20%\n",
		     NAME ":2: space_left (10%) must be larger than"
		     " admin_space_left (20%)");
	/* Fixed by a later line: fine. */
	c = parse_ok("space_left = 40\nspace_left = 90\n"
		     "admin_space_left = 80\n");
	assert_int_equal(c.space_left.value, 90);
	/* 0 turns space_left off; mixed units are not compared. */
	c = parse_ok("space_left = 0\n");
	assert_int_equal(c.space_left.value, 0);
	c = parse_ok("space_left = 0\nadmin_space_left = 0\n");
	c = parse_ok("space_left = 5%\nadmin_space_left = 500\n");
	assert_true(c.space_left.percent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_lower_bounds),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_enum_case_insensitive),
		cmocka_unit_test(test_enum_names_out_of_range),
		cmocka_unit_test(test_comments_blank_whitespace),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_duplicate_key_overrides),
		cmocka_unit_test(test_parses_on_top_of_existing),
		cmocka_unit_test(test_unchanged_on_error),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_equals),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_empty_value),
		cmocka_unit_test(test_bad_number),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_power_of_two),
		cmocka_unit_test(test_bad_enum),
		cmocka_unit_test(test_log_format),
		cmocka_unit_test(test_paths_absolute),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_length_is_respected),
		cmocka_unit_test(test_small_or_null_err),
		cmocka_unit_test(test_keep_restart_only),
		cmocka_unit_test(test_pin_dir),
		cmocka_unit_test(test_disk_defaults),
		cmocka_unit_test(test_disk_keys),
		cmocka_unit_test(test_disk_action_names),
		cmocka_unit_test(test_disk_errors),
		cmocka_unit_test(test_disk_space_order),
		cmocka_unit_test(test_plugin_keys),
		cmocka_unit_test_setup_teardown(test_file_ok, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_error_names_path,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_missing, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_is_directory,
						setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
