// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/plugin_proto.c: plugins.d files parsed by
 * auditd's rules (audisp/audispd-pconfig.c), what bpfauditd refuses to
 * run, the file and program checks, and the string stream's framing (one
 * EOE record after each syscall event, as auditd's dispatcher sends).
 */
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

#include "plugin_proto.h"

static char err[1024];

static int parse(const char *text, struct plugin_conf *pc)
{
	err[0] = '\0';
	return plugin_conf_parse("p.conf", text, strlen(text), pc, err,
				 sizeof(err));
}

static void expect_error(const char *text, const char *msg)
{
	struct plugin_conf pc;

	assert_int_equal(parse(text, &pc), -1);
	assert_string_equal(err, msg);
}

static void test_syslog_conf(void **state)
{
	struct plugin_conf pc;

	(void)state;
	/* Debian's /etc/audit/plugins.d/syslog.conf, made active ("type =
	 * always " ends with a blank there) */
	assert_int_equal(parse("\n# syslog\n\nactive = yes\ndirection = out\n"
			       "path = /sbin/audisp-syslog\ntype = always \n"
			       "args = LOG_INFO LOG_LOCAL3\nformat = string\n",
			       &pc), 0);
	assert_true(pc.active);
	assert_string_equal(pc.path, "/sbin/audisp-syslog");
	assert_int_equal(pc.nargs, 2);
	assert_string_equal(pc.args, "LOG_INFO");
	assert_string_equal(pc.args + strlen(pc.args) + 1, "LOG_LOCAL3");
	assert_string_equal(pc.name, "p.conf");
}

static void test_defaults_and_case(void **state)
{
	struct plugin_conf pc;

	(void)state;
	assert_int_equal(parse("", &pc), 0);
	assert_false(pc.active);	/* auditd: active defaults to no */
	assert_int_equal(parse("ACTIVE = Yes\nPath = /usr/sbin/x\n"
			       "FORMAT = STRING\n", &pc), 0);
	assert_true(pc.active);
	assert_int_equal(pc.nargs, 0);
	/* an inactive file may name what bpfauditd cannot run: Debian's
	 * af_unix.conf */
	assert_int_equal(parse("active = no\ndirection = out\n"
			       "path = builtin_af_unix\ntype = builtin \n"
			       "args = 0640 /var/run/audispd_events\n"
			       "format = string\n", &pc), 0);
	assert_int_equal(parse("active = no\npath = /sbin/x\ntype = builtin\n"
			       "format = binary\ndirection = in\n", &pc), 0);
}

static void test_refused(void **state)
{
	(void)state;
	expect_error("active = yes\npath = /sbin/x\nformat = binary\n",
		     "p.conf: format = binary is not supported: bpfauditd"
		     " feeds plugins the string format only");
	expect_error("active = yes\npath = /sbin/x\ntype = builtin\n",
		     "p.conf: type = builtin is not supported: builtin plugins"
		     " are part of auditd");
	expect_error("active = yes\npath = /sbin/x\ndirection = in\n",
		     "p.conf: direction: only 'out' is supported");
	expect_error("active = yes\n",
		     "p.conf: the plugin is active but no path is given");
	expect_error("active = yes\npath = builtin_af_unix\n",
		     "p.conf: path = builtin_af_unix is not supported: builtin"
		     " plugins are part of auditd");
}

static void test_syntax(void **state)
{
	(void)state;
	expect_error("active=yes\n", "p.conf:1: 'active=yes' is not 'keyword ="
		     " value' (words are split on spaces)");
	expect_error("\nactive =\n", "p.conf:2: active: missing value");
	expect_error("active: yes\n", "p.conf:1: 'active:' is not 'keyword ="
		     " value' (words are split on spaces)");
	expect_error("actve = yes\n", "p.conf:1: unknown keyword 'actve'");
	expect_error("active = yes no\n", "p.conf:1: active: takes one value,"
		     " not 2");
	expect_error("active = maybe\n",
		     "p.conf:1: active: 'maybe' is not one of yes, no");
	expect_error("type = sometimes\n",
		     "p.conf:1: type: 'sometimes' is not one of always, builtin");
	expect_error("path = sbin/x\n",
		     "p.conf:1: path: 'sbin/x' is not an absolute path");
	expect_error("path = /x\n",
		     "p.conf:1: path: the directory of '/x' is too short");
	/* auditd splits on spaces only: a tab is part of the word */
	expect_error("active\t= yes\n", "p.conf:1: 'active\t=' is not 'keyword ="
		     " value' (words are split on spaces)");
}

static void test_line_length(void **state)
{
	char text[700];

	(void)state;
	memset(text, 'a', sizeof(text));
	memcpy(text, "args = ", 7);
	text[PLUGIN_MAX_LINE] = '\n';
	text[PLUGIN_MAX_LINE + 1] = '\0';
	assert_int_equal(parse(text, &(struct plugin_conf){ 0 }), 0);
	text[PLUGIN_MAX_LINE] = 'a';
	text[PLUGIN_MAX_LINE + 1] = '\n';
	text[PLUGIN_MAX_LINE + 2] = '\0';
	expect_error(text, "p.conf:1: line is longer than 511 bytes");
}

static void test_wanted(void **state)
{
	(void)state;
	assert_true(plugin_conf_wanted("syslog.conf"));
	assert_true(plugin_conf_wanted("remote"));
	assert_false(plugin_conf_wanted(".hidden.conf"));
	assert_false(plugin_conf_wanted("."));
	assert_false(plugin_conf_wanted("syslog.conf.dpkg-old"));
}

static char dir[] = "/tmp/test_plugin_proto.XXXXXX";

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* The file checks need root's files: skipped for others. */
static void test_load(void **state)
{
	struct plugin_conf pc;
	char text[512];

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	write_file("prog", "#!/bin/sh\n", 0750);
	snprintf(text, sizeof(text), "active = yes\npath = %s/prog\n", dir);
	write_file("ok.conf", text, 0640);
	assert_int_equal(plugin_conf_load(dir, "ok.conf", &pc, err,
					  sizeof(err)), 0);
	assert_string_equal(pc.name, "ok.conf");
	assert_true(pc.inode != 0);
	write_file("open.conf", text, 0664);
	assert_int_equal(plugin_conf_load(dir, "open.conf", &pc, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by group or others"));
	write_file("prog", "#!/bin/sh\n", 0700);
	assert_int_equal(plugin_conf_load(dir, "ok.conf", &pc, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "permissions should be at least 0550"));
	write_file("prog", "#!/bin/sh\n", 0770);
	assert_int_equal(plugin_conf_load(dir, "ok.conf", &pc, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "prog is writable by group or others"));
	assert_int_equal(plugin_conf_load(dir, "none.conf", &pc, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	snprintf(text, sizeof(text), "rm -rf %s", dir);
	assert_int_equal(system(text), 0);
}

static const char stream[] =
	"type=BPF msg=audit(1.001:7): prog-id=3 op=LOAD\n"
	"type=SYSCALL msg=audit(1.001:7): arch=c000003e syscall=321\n"
	"type=PROCTITLE msg=audit(1.001:7): proctitle=6100\n"
	"type=DAEMON_RESUME msg=audit(1.002:8): op=heartbeat\n"
	"type=SYSCALL msg=audit(1.003:9): arch=c000003e syscall=59\n"
	"type=EXECVE msg=audit(1.003:9): argc=1 a0=\"x\"\n"
	"type=SYSCALL msg=audit(1.003:10): arch=c000003e syscall=59\n"
	"type=SYSCALL msg=audit(1.004:11): incomp";

static void test_events(void **state)
{
	const char *p = stream;
	size_t len = strlen(stream), n;
	char eoe[128];

	(void)state;
	n = plugin_next_event(p, len, eoe, sizeof(eoe));
	assert_int_equal(n, strstr(stream, "type=DAEMON") - stream);
	assert_string_equal(eoe, "type=EOE msg=audit(1.001:7): \n");
	p += n, len -= n;
	n = plugin_next_event(p, len, eoe, sizeof(eoe));
	assert_int_equal(n, strchr(p, '\n') + 1 - p);
	assert_string_equal(eoe, "");	/* the daemon's own: none */
	p += n, len -= n;
	n = plugin_next_event(p, len, eoe, sizeof(eoe));
	assert_int_equal(n, strstr(p, "type=SYSCALL msg=audit(1.003:10)") - p);
	assert_string_equal(eoe, "type=EOE msg=audit(1.003:9): \n");
	p += n, len -= n;
	n = plugin_next_event(p, len, eoe, sizeof(eoe));
	assert_string_equal(eoe, "type=EOE msg=audit(1.003:10): \n");
	p += n, len -= n;
	/* an incomplete last line is not an event yet */
	assert_int_equal(plugin_next_event(p, len, eoe, sizeof(eoe)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syslog_conf),
		cmocka_unit_test(test_defaults_and_case),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
