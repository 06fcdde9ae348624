// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for audisp-bpfaudit's logic (auparse-plugin/guard.c): the
 * heartbeat deadline, bpfaudit's program ids against the kernel's BPF
 * op=UNLOAD, the matching of kernel and bpfaudit events by pid, syscall
 * and time window in both directions; the reading of real record lines
 * through libauparse (guard_event.c); and the configuration file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guard.h"
#include "guard_event.h"

#define T0	1700000000000ull	/* ms */
#define EXECVE	59
#define CONNECT	42

struct seen {
	int n;
	enum guard_alert last;
	char text[512];
	int count[GA_LATE + 1];
};

static void on_alert(void *ctx, enum guard_alert a, const char *text)
{
	struct seen *s = ctx;

	s->n++;
	s->last = a;
	s->count[a]++;
	snprintf(s->text, sizeof(s->text), "%s", text);
}

static struct guard g;
static struct seen seen;

static void start(const char *keys)
{
	struct guard_config c;
	char err[256];

	guard_config_defaults(&c);
	if (keys) {
		char text[256];

		/* matching alone: no heartbeat expected */
		snprintf(text, sizeof(text), "keys = %s\nheartbeat_timeout = 0\n",
			 keys);
		assert_int_equal(guard_config_parse("t", text, strlen(text), &c,
						    err, sizeof(err)), 0);
	}
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(guard_init(&g, &c, on_alert, &seen, T0), 0);
}

static int teardown(void **state)
{
	(void)state;
	guard_free(&g);
	return 0;
}

static struct guard_event sys_event(enum guard_side side, uint32_t pid,
				    unsigned int nr, uint64_t t,
				    const char *key)
{
	struct guard_event ev = { .kind = GK_SYSCALL, .side = side,
				  .pid = pid, .syscall = nr, .time_ms = t };

	snprintf(ev.key, sizeof(ev.key), "%s", key);
	return ev;
}

static void feed_daemon(enum guard_kind kind, uint32_t pid, uint64_t now,
			unsigned int nids, uint32_t first_id)
{
	struct guard_event ev = { .kind = kind, .pid = pid, .nids = nids };
	unsigned int i;

	for (i = 0; i < nids; i++)
		ev.ids[i] = first_id + i;
	guard_feed(&g, &ev, now);
}

/* Heartbeats in time: quiet; silence past the timeout: one alert; a
 * heartbeat again: one notice. */
static void test_heartbeat(void **state)
{
	(void)state;
	start(NULL);
	feed_daemon(GK_START, 77, T0, 3, 10);
	feed_daemon(GK_HEARTBEAT, 77, T0 + 30000, 3, 10);
	guard_tick(&g, T0 + 119000);
	assert_int_equal(seen.n, 0);
	guard_tick(&g, T0 + 120001);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.last, GA_HEARTBEAT_LOST);
	assert_non_null(strstr(seen.text, "pid 77"));
	guard_tick(&g, T0 + 500000);
	assert_int_equal(seen.n, 1);	/* once, not every tick */
	feed_daemon(GK_HEARTBEAT, 77, T0 + 500500, 3, 10);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.last, GA_HEARTBEAT_RESUMED);
	guard_tick(&g, T0 + 560000);
	assert_int_equal(seen.n, 2);
}

/* Never a sign of life at all is an alert too, unless the check is off. */
static void test_heartbeat_never_seen(void **state)
{
	(void)state;
	start(NULL);
	guard_tick(&g, T0 + 91000);
	assert_int_equal(seen.last, GA_HEARTBEAT_LOST);
	assert_int_equal(seen.n, 1);
	guard_free(&g);
	start(NULL);
	g.cfg.heartbeat_timeout = 0;
	guard_tick(&g, T0 + 10000000);
	assert_int_equal(seen.n, 0);
}

/* An orderly stop (bpfauditd's DAEMON_END): one alert, then its unloads
 * and its silence say nothing more. Another daemon's DAEMON_END (auditd's)
 * means nothing. */
static void test_stop(void **state)
{
	struct guard_event unload = { .kind = GK_UNLOAD, .nids = 1,
				      .ids = { 11 } };

	(void)state;
	start(NULL);
	feed_daemon(GK_START, 77, T0, 3, 10);
	feed_daemon(GK_END, 55, T0 + 1000, 0, 0);
	assert_int_equal(seen.n, 0);
	feed_daemon(GK_END, 77, T0 + 1000, 0, 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.last, GA_STOPPED);
	guard_feed(&g, &unload, T0 + 1100);
	guard_tick(&g, T0 + 1000000);
	assert_int_equal(seen.n, 1);
	feed_daemon(GK_START, 78, T0 + 1000100, 2, 20);
	guard_tick(&g, T0 + 1000200);
	assert_int_equal(seen.n, 1);
}

/* Unloads of other programs (the start-up probes, anyone's) are quiet;
 * the first of bpfaudit's raises one alert, not one per program. */
static void test_unload(void **state)
{
	struct guard_event ev = { .kind = GK_UNLOAD, .nids = 2,
				  .ids = { 5, 6 } };

	(void)state;
	start(NULL);
	feed_daemon(GK_START, 77, T0, 4, 10);
	guard_feed(&g, &ev, T0 + 10);
	assert_int_equal(seen.n, 0);
	ev.ids[1] = 12;
	guard_feed(&g, &ev, T0 + 20);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.last, GA_PROGS_UNLOADED);
	assert_non_null(strstr(seen.text, "prog-id=12"));
	ev.ids[0] = 13;
	guard_feed(&g, &ev, T0 + 30);
	assert_int_equal(seen.n, 1);
	/* a new set of programs (a restart) arms it again */
	feed_daemon(GK_HEARTBEAT, 80, T0 + 40, 2, 30);
	ev.ids[0] = 31;
	guard_feed(&g, &ev, T0 + 50);
	assert_int_equal(seen.n, 2);
}

/* Program ids learned from /proc fdinfo (any order) or from the records
 * are the same set: the alert is not re-armed by the order. */
static void test_progs_sorted(void **state)
{
	uint32_t ids[] = { 12, 10, 11 };
	struct guard_event ev = { .kind = GK_UNLOAD, .nids = 1, .ids = { 11 } };

	(void)state;
	start(NULL);
	guard_set_progs(&g, 77, ids, 3);
	assert_int_equal(g.progs[0], 10);
	guard_feed(&g, &ev, T0);
	assert_int_equal(seen.n, 1);
	feed_daemon(GK_HEARTBEAT, 77, T0 + 10, 3, 10);
	guard_feed(&g, &ev, T0 + 20);
	assert_int_equal(seen.n, 1);
}

/* Kernel and bpfaudit records of the same exec, either order, times
 * within the window: quiet. */
static void test_match_both_orders(void **state)
{
	struct guard_event k = sys_event(GUARD_KERNEL, 100, EXECVE, T0, "wx");
	struct guard_event b = sys_event(GUARD_BPFAUDIT, 100, EXECVE,
					 T0 + 4000, "");

	(void)state;
	start("wx");
	guard_feed(&g, &k, T0);
	guard_feed(&g, &b, T0 + 4100);
	k.pid = b.pid = 101;
	guard_feed(&g, &b, T0 + 5000);
	guard_feed(&g, &k, T0 + 5000);
	guard_tick(&g, T0 + 100000);
	assert_int_equal(seen.n, 0);
	assert_int_equal(g.side[0].len + g.side[1].len, 0);
}

/* A kernel event under a configured key with no bpfaudit counterpart:
 * reported once twice the window has passed, not before. */
static void test_missing_bpfaudit(void **state)
{
	struct guard_event k = sys_event(GUARD_KERNEL, 200, CONNECT, T0,
					 "net\001other");

	(void)state;
	start("net");
	guard_feed(&g, &k, T0);
	guard_tick(&g, T0 + 10000);
	assert_int_equal(seen.n, 0);
	guard_tick(&g, T0 + 10001);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.last, GA_MISSING_BPFAUDIT);
	assert_non_null(strstr(seen.text, "connect of pid 200"));
	assert_non_null(strstr(seen.text, "key \"net\""));
	guard_tick(&g, T0 + 20000);
	assert_int_equal(seen.n, 1);
}

/* Reported missing, then there after all (a stalled bridge catching up):
 * a notice, and no second alert the other way. A reported event is
 * forgotten 20 windows (at least a minute) after it arrived. */
static void test_late(void **state)
{
	struct guard_event k = sys_event(GUARD_KERNEL, 250, EXECVE, T0, "wx");
	struct guard_event b = sys_event(GUARD_BPFAUDIT, 250, EXECVE, T0 + 20,
					 "wx");

	(void)state;
	start("wx");
	guard_feed(&g, &k, T0);
	guard_tick(&g, T0 + 11000);
	assert_int_equal(seen.last, GA_MISSING_BPFAUDIT);
	guard_feed(&g, &b, T0 + 15000);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.last, GA_LATE);
	assert_non_null(strstr(seen.text, "bpfaudit's record of execve of pid"
				       " 250 (key \"wx\") came after all, 15 s"));
	guard_tick(&g, T0 + 40000);
	assert_int_equal(seen.n, 2);
	guard_feed(&g, &k, T0 + 40000);
	guard_tick(&g, T0 + 51000);
	assert_int_equal(seen.n, 3);
	guard_tick(&g, T0 + 40000 + 100001);	/* 20 windows */
	assert_int_equal(g.side[GUARD_KERNEL].len, 0);
}

/* The reverse: bpfaudit's keyed event with no kernel counterpart. */
static void test_missing_kernel(void **state)
{
	struct guard_event b = sys_event(GUARD_BPFAUDIT, 300, EXECVE, T0, "wx");

	(void)state;
	start("wx");
	guard_feed(&g, &b, T0);
	guard_tick(&g, T0 + 10001);
	assert_int_equal(seen.last, GA_MISSING_KERNEL);
	assert_int_equal(seen.n, 1);
}

/* Events under no configured key are never reported, but still count as
 * the counterparts of keyed ones (bpfaudit without rules has no keys). */
static void test_unkeyed(void **state)
{
	struct guard_event b = sys_event(GUARD_BPFAUDIT, 400, EXECVE, T0, "");
	struct guard_event k = sys_event(GUARD_KERNEL, 401, EXECVE, T0, "other");

	(void)state;
	start("wx");
	guard_feed(&g, &b, T0);
	guard_feed(&g, &k, T0);
	guard_tick(&g, T0 + 60000);
	assert_int_equal(seen.n, 0);
}

/* Same pid and syscall but times further apart than the window, another
 * pid, another syscall: no match. */
static void test_no_false_match(void **state)
{
	struct guard_event k = sys_event(GUARD_KERNEL, 500, EXECVE, T0, "wx");
	struct guard_event b;

	(void)state;
	start("wx");
	guard_feed(&g, &k, T0);
	b = sys_event(GUARD_BPFAUDIT, 500, EXECVE, T0 + 5001, "");
	guard_feed(&g, &b, T0 + 5001);
	b = sys_event(GUARD_BPFAUDIT, 501, EXECVE, T0, "");
	guard_feed(&g, &b, T0 + 1);
	b = sys_event(GUARD_BPFAUDIT, 500, CONNECT, T0, "");
	guard_feed(&g, &b, T0 + 1);
	guard_tick(&g, T0 + 10001);
	assert_int_equal(seen.count[GA_MISSING_BPFAUDIT], 1);
	assert_int_equal(seen.n, 1);
}

/* Two execs of one pid (exec of a script, then of its interpreter): each
 * kernel event takes one bpfaudit event. */
static void test_one_to_one(void **state)
{
	struct guard_event k = sys_event(GUARD_KERNEL, 600, EXECVE, T0, "wx");
	struct guard_event b = sys_event(GUARD_BPFAUDIT, 600, EXECVE, T0, "");

	(void)state;
	start("wx");
	guard_feed(&g, &b, T0);
	guard_feed(&g, &k, T0);
	guard_feed(&g, &k, T0 + 1);
	guard_tick(&g, T0 + 10002);
	assert_int_equal(seen.count[GA_MISSING_BPFAUDIT], 1);
}

/* Other syscalls are not matched; with no keys nothing is. */
static void test_not_watched(void **state)
{
	struct guard_event k = sys_event(GUARD_KERNEL, 700, 2, T0, "wx");

	(void)state;
	start("wx");
	guard_feed(&g, &k, T0);
	guard_tick(&g, T0 + 60000);
	assert_int_equal(seen.n, 0);
	guard_free(&g);
	start(NULL);
	k.syscall = EXECVE;
	guard_feed(&g, &k, T0);
	guard_tick(&g, T0 + 60000);
	assert_int_equal(seen.count[GA_MISSING_BPFAUDIT], 0);
}

/* A full queue drops its oldest: one overflow alert, memory bounded. */
static void test_overflow(void **state)
{
	unsigned int i;

	(void)state;
	start("wx");
	for (i = 0; i < g.cfg.max_pending + 10; i++) {
		struct guard_event k = sys_event(GUARD_KERNEL, 1000 + i, EXECVE,
						 T0, "wx");

		guard_feed(&g, &k, T0);
	}
	assert_int_equal(seen.count[GA_OVERFLOW], 1);
	assert_int_equal(g.side[GUARD_KERNEL].len, g.cfg.max_pending);
}

static void test_key_wanted(void **state)
{
	struct guard_config c;

	(void)state;
	guard_config_defaults(&c);
	strcpy(c.keys[0], "exec");
	strcpy(c.keys[1], "mod");
	c.nkeys = 2;
	assert_true(guard_key_wanted(&c, "exec"));
	assert_true(guard_key_wanted(&c, "x\001mod"));
	assert_false(guard_key_wanted(&c, "execs"));
	assert_false(guard_key_wanted(&c, "exe"));
	assert_false(guard_key_wanted(&c, ""));
}

static void test_decode_key(void **state)
{
	char out[64];

	(void)state;
	guard_decode_key("\"wx\"", out, sizeof(out));
	assert_string_equal(out, "wx");
	guard_decode_key("(null)", out, sizeof(out));
	assert_string_equal(out, "");
	guard_decode_key("610162", out, sizeof(out));	/* a\001b */
	assert_string_equal(out, "a\001b");
}

/* Real lines through libauparse, as auditd feeds them. */
static struct guard_event got[8];
static int ngot;
static const char *want_node = "";

static void on_event(auparse_state_t *au, auparse_cb_event_t t, void *data)
{
	(void)data;
	if (t == AUPARSE_CB_EVENT_READY && ngot < 8)
		guard_event_read(au, want_node, &got[ngot++]);
}

static void feed_lines(const char *text)
{
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);

	ngot = 0;
	auparse_add_callback(au, on_event, NULL, NULL);
	auparse_feed(au, text, strlen(text));
	auparse_flush_feed(au);
	auparse_destroy(au);
}

static const char kernel_exec[] =
	"type=SYSCALL msg=audit(1700000000.123:10): arch=c000003e syscall=59"
	" success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=4242"
	" auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
	" tty=(none) ses=1 comm=\"true\" exe=\"/usr/bin/true\" key=\"wx\"\n"
	"type=EXECVE msg=audit(1700000000.123:10): argc=1 a0=\"true\"\n"
	"type=EOE msg=audit(1700000000.123:10): \n";
static const char bpfaudit_exec[] =
	"type=SYSCALL msg=audit(1700000000.124:77): arch=c000003e syscall=59"
	" success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=2 ppid=1 pid=4242"
	" auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
	" tty=(none) ses=1 comm=\"true\" exe=\"/usr/bin/true\" key=(null)"
	" cgroup_id=1 mntns=4026531832 pidns=4026531836\n"
	"type=EOE msg=audit(1700000000.124:77): \n";
static const char daemon_records[] =
	"type=DAEMON_START msg=audit(1700000001.000:1): op=start ver=0.1.0"
	" format=raw kernel=6.1 auid=4294967295 pid=900 uid=0"
	" ses=4294967295 res=success attach_exec=tracepoint rules=0"
	" prog_ids=31,32,33\n"
	"type=DAEMON_RESUME msg=audit(1700000031.000:2): op=heartbeat"
	" auid=4294967295 pid=900 uid=0 ses=4294967295 res=success"
	" interval=30 events_written=5 prog_ids=31,32,33\n"
	"type=DAEMON_END msg=audit(1700000040.000:3): op=terminate"
	" auid=4294967295 pid=900 uid=0 ses=4294967295 res=success\n"
	"type=DAEMON_START msg=audit(1700000041.000:4): op=start ver=3.0.9"
	" format=raw kernel=6.1 auid=0 pid=5 uid=0 ses=1 res=success\n";
static const char kernel_unload[] =
	"type=BPF msg=audit(1700000050.000:90): prog-id=31 op=UNLOAD\n"
	"type=BPF msg=audit(1700000050.000:90): prog-id=32 op=UNLOAD\n"
	"type=SYSCALL msg=audit(1700000050.000:90): arch=c000003e syscall=3"
	" success=yes exit=0 a0=5 a1=0 a2=0 a3=0 items=0 ppid=1 pid=900"
	" auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0"
	" tty=(none) ses=1 comm=\"x\" exe=\"/x\" key=(null)\n"
	"type=EOE msg=audit(1700000050.000:90): \n"
	"type=BPF msg=audit(1700000051.000:91): prog-id=33 op=LOAD\n";

static void test_read_syscalls(void **state)
{
	(void)state;
	feed_lines(kernel_exec);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].kind, GK_SYSCALL);
	assert_int_equal(got[0].side, GUARD_KERNEL);
	assert_int_equal(got[0].pid, 4242);
	assert_int_equal(got[0].syscall, 59);
	assert_int_equal(got[0].time_ms, 1700000000123ull);
	assert_string_equal(got[0].key, "wx");
	feed_lines(bpfaudit_exec);
	assert_int_equal(got[0].kind, GK_SYSCALL);
	assert_int_equal(got[0].side, GUARD_BPFAUDIT);
	assert_string_equal(got[0].key, "");
}

static void test_read_daemon(void **state)
{
	(void)state;
	feed_lines(daemon_records);
	assert_int_equal(ngot, 4);
	assert_int_equal(got[0].kind, GK_START);
	assert_int_equal(got[0].pid, 900);
	assert_int_equal(got[0].nids, 3);
	assert_int_equal(got[0].ids[2], 33);
	assert_int_equal(got[1].kind, GK_HEARTBEAT);
	assert_int_equal(got[1].nids, 3);
	assert_int_equal(got[2].kind, GK_END);
	assert_int_equal(got[2].pid, 900);
	assert_int_equal(got[3].kind, GK_OTHER);	/* auditd's own start */
}

static void test_read_unload(void **state)
{
	(void)state;
	feed_lines(kernel_unload);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[0].kind, GK_UNLOAD);
	assert_int_equal(got[0].nids, 2);
	assert_int_equal(got[0].ids[0], 31);
	assert_int_equal(got[0].ids[1], 32);
	assert_int_equal(got[1].kind, GK_OTHER);	/* a load */
}

/* With node set, another node's records are nothing to the guard. */
static void test_read_node(void **state)
{
	static const char line[] =
		"node=web1 type=DAEMON_END msg=audit(1700000040.000:3):"
		" op=terminate auid=0 pid=900 uid=0 ses=1 res=success\n";

	(void)state;
	want_node = "web1";
	feed_lines(line);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].kind, GK_END);
	want_node = "web2";
	feed_lines(line);
	assert_int_equal(got[0].kind, GK_OTHER);
	want_node = "";
}

static void expect_conf_error(const char *text, const char *msg)
{
	struct guard_config c;
	char err[512];

	guard_config_defaults(&c);
	assert_int_equal(guard_config_parse("g.conf", text, strlen(text), &c,
					    err, sizeof(err)), -1);
	assert_string_equal(err, msg);
}

static void test_config(void **state)
{
	struct guard_config c;
	char err[512];
	static const char text[] =
		"# comment\n\n"
		"heartbeat_timeout = 0\n"
		"window=2\n"
		"keys = exec_watch, modules net\n"
		"log_file = none\n"
		"pid_file = /tmp/x.pid\n"
		"node = web1\n"
		"syslog = NO\n"
		"max_pending = 16\n";

	(void)state;
	guard_config_defaults(&c);
	assert_int_equal(c.heartbeat_timeout, 90);
	assert_int_equal(c.window, 5);
	assert_int_equal(c.nkeys, 0);
	assert_true(c.syslog);
	assert_int_equal(guard_config_parse("g.conf", text, strlen(text), &c,
					    err, sizeof(err)), 0);
	assert_int_equal(c.heartbeat_timeout, 0);
	assert_int_equal(c.window, 2);
	assert_int_equal(c.nkeys, 3);
	assert_string_equal(c.keys[2], "net");
	assert_string_equal(c.log_file, "");
	assert_string_equal(c.pid_file, "/tmp/x.pid");
	assert_string_equal(c.node, "web1");
	assert_false(c.syslog);
	assert_int_equal(c.max_pending, 16);
	expect_conf_error("window = 0\n",
			  "g.conf:1: window: 0 is out of range 1..3600");
	expect_conf_error("\nwindow = 1x\n",
			  "g.conf:2: window: '1x' is not a number");
	expect_conf_error("heartbeat = 5\n", "g.conf:1: unknown key 'heartbeat'");
	expect_conf_error("log_file = x.log\n",
			  "g.conf:1: log_file: 'x.log' is not an absolute path");
	expect_conf_error("keys\n", "g.conf:1: missing '=' in 'keys'");
	expect_conf_error("syslog = maybe\n",
			  "g.conf:1: syslog: 'maybe' is not one of yes, no");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_heartbeat, teardown),
		cmocka_unit_test_teardown(test_heartbeat_never_seen, teardown),
		cmocka_unit_test_teardown(test_stop, teardown),
		cmocka_unit_test_teardown(test_unload, teardown),
		cmocka_unit_test_teardown(test_progs_sorted, teardown),
		cmocka_unit_test_teardown(test_match_both_orders, teardown),
		cmocka_unit_test_teardown(test_missing_bpfaudit, teardown),
		cmocka_unit_test_teardown(test_late, teardown),
		cmocka_unit_test_teardown(test_missing_kernel, teardown),
		cmocka_unit_test_teardown(test_unkeyed, teardown),
		cmocka_unit_test_teardown(test_no_false_match, teardown),
		cmocka_unit_test_teardown(test_one_to_one, teardown),
		cmocka_unit_test_teardown(test_not_watched, teardown),
		cmocka_unit_test_teardown(test_overflow, teardown),
		cmocka_unit_test(test_key_wanted),
		cmocka_unit_test(test_decode_key),
		cmocka_unit_test(test_read_syscalls),
		cmocka_unit_test(test_read_daemon),
		cmocka_unit_test(test_read_unload),
		cmocka_unit_test(test_read_node),
		cmocka_unit_test(test_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
