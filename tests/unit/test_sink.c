// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the auditd sink's pure parts: the remote-logging wire
 * format (bridge/sink_auditd.c, checked byte for byte against
 * audit-userspace's lib/private.h layout), the node= prefix, and the
 * durable queue (bridge/sink_queue.c): order, acknowledgement, rewind,
 * restart, segments, bound, torn tails and bad cursors; and a connection
 * to a stand-in auditd on loopback.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "sink_auditd.h"
#include "sink_queue.h"

/* ---- wire format ---- */

static void test_pack_layout(void **state)
{
	static const unsigned char want[RMW_HEADER_SIZE] = {
		0xfe, 0x00, 0x00, 0xff,		/* magic 0xff0000fe, LSB first */
		0x00, 0x00,			/* header and message version */
		0x01, 0x00, 0x00, 0x00,		/* type: heartbeat */
		0x34, 0x12,			/* length 0x1234 */
		0x78, 0x56, 0x34, 0x12,		/* sequence 0x12345678 */
	};
	unsigned char h[RMW_HEADER_SIZE];

	(void)state;
	rmw_pack(h, RMW_TYPE_HEARTBEAT, 0x1234, 0x12345678);
	assert_memory_equal(h, want, sizeof(want));
	/* the magic never has a LF in it: auditd tells framed from text */
	assert_null(memchr(h, '\n', 4));
}

static void test_parse_replies(void **state)
{
	unsigned char buf[64];
	struct rmw_header h;

	(void)state;
	rmw_pack(buf, RMW_TYPE_ACK, 0, 7);
	assert_int_equal(rmw_parse(buf, 3, &h), 0);
	assert_int_equal(rmw_parse(buf, 15, &h), 0);
	assert_int_equal(rmw_parse(buf, 16, &h), 16);
	assert_int_equal(h.type, RMW_TYPE_ACK);
	assert_int_equal(h.seq, 7);
	assert_int_equal(h.length, 0);

	/* a reply with a text: "disk full" after the header */
	rmw_pack(buf, RMW_TYPE_DISKFULL, 9, 8);
	memcpy(buf + 16, "disk full", 9);
	assert_int_equal(rmw_parse(buf, 24, &h), 0);
	assert_int_equal(rmw_parse(buf, 25, &h), 25);
	assert_int_equal(h.type, RMW_TYPE_DISKFULL);
	assert_true(h.type & RMW_TYPE_FATALMASK);
	assert_true(h.type & RMW_TYPE_REPLYMASK);
	assert_int_equal(h.seq, 8);

	/* two back to back: the first's size, then the second */
	rmw_pack(buf, RMW_TYPE_ACK, 0, 1);
	rmw_pack(buf + 16, RMW_TYPE_DISKLOW, 0, 2);
	assert_int_equal(rmw_parse(buf, 32, &h), 16);
	assert_int_equal(h.seq, 1);
	assert_int_equal(rmw_parse(buf + 16, 16, &h), 16);
	assert_int_equal(h.seq, 2);
	assert_true(h.type & RMW_TYPE_WARNMASK);
	assert_false(h.type & RMW_TYPE_FATALMASK);

	/* not the protocol: wrong magic, or longer than auditd reads */
	memcpy(buf, "type=SYSCALL msg=", 17);
	assert_int_equal(rmw_parse(buf, 17, &h), -1);
	rmw_pack(buf, RMW_TYPE_MESSAGE, RMW_MAX_TEXT + 1, 3);
	assert_int_equal(rmw_parse(buf, 16, &h), -1);
	rmw_pack(buf, RMW_TYPE_MESSAGE, RMW_MAX_TEXT, 3);
	assert_int_equal(rmw_parse(buf, 16, &h), 0);
}

/* ---- node= prefix ---- */

static void test_prefix(void **state)
{
	const char in[] = "type=A msg=audit(1.000:1): x=1\n\n"
			  "type=B msg=audit(1.000:1): y=2\n";
	struct strbuf out;
	unsigned int cut, n;

	(void)state;
	strbuf_init(&out);
	n = sink_prefix_records("host1", in, sizeof(in) - 1, &out, &cut);
	assert_int_equal(n, 2);
	assert_int_equal(cut, 0);
	assert_string_equal(out.buf,
			    "node=host1 type=A msg=audit(1.000:1): x=1\n"
			    "node=host1 type=B msg=audit(1.000:1): y=2\n");
	strbuf_reset(&out);
	n = sink_prefix_records("", in, sizeof(in) - 1, &out, &cut);
	assert_int_equal(n, 2);
	assert_string_equal(out.buf, "type=A msg=audit(1.000:1): x=1\n"
			    "type=B msg=audit(1.000:1): y=2\n");
	strbuf_free(&out);
}

static void test_prefix_cuts_at_a_field(void **state)
{
	struct strbuf in, out;
	unsigned int cut, n;
	size_t line;

	(void)state;
	strbuf_init(&in);
	strbuf_init(&out);
	strbuf_adds(&in, "type=SYSCALL msg=audit(1.000:2): a=1");
	while (in.len < RMW_MAX_TEXT - 20)
		strbuf_adds(&in, " field=xxxxxxxxxx");
	strbuf_adds(&in, " last=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n");
	assert_true(in.len - 1 + 10 > RMW_MAX_TEXT);
	n = sink_prefix_records("node1", in.buf, in.len, &out, &cut);
	assert_int_equal(n, 1);
	assert_int_equal(cut, 1);
	line = out.len - 1;
	assert_true(line <= RMW_MAX_TEXT);
	assert_int_equal(out.buf[line], '\n');
	/* whole fields only: the text ends with a complete field */
	assert_null(strstr(out.buf, " last="));
	assert_memory_equal(out.buf + line - 17, " field=xxxxxxxxxx", 17);
	strbuf_free(&in);
	strbuf_free(&out);
}

static void test_node_names(void **state)
{
	char name[256], err[256];

	(void)state;
	assert_int_equal(sink_node_name(NAME_FORMAT_NONE, "x", name,
					sizeof(name), err, sizeof(err)), 0);
	assert_string_equal(name, "");
	assert_int_equal(sink_node_name(NAME_FORMAT_USER, "web 1\"x", name,
					sizeof(name), err, sizeof(err)), 0);
	assert_string_equal(name, "web_1_x");
	assert_int_equal(sink_node_name(NAME_FORMAT_USER, "", name,
					sizeof(name), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "name"));
	assert_int_equal(sink_node_name(NAME_FORMAT_HOSTNAME, "", name,
					sizeof(name), err, sizeof(err)), 0);
	assert_true(strlen(name) > 0);
	assert_null(strchr(name, ' '));
}

/* ---- queue ---- */

struct fixture {
	char dir[64];
	char qdir[96];
	char err[512];
	struct sink_queue q;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_sink.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->qdir, sizeof(f->qdir), "%s/queue", f->dir);
	f->q.tail_fd = f->q.rfd = -1;
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

	sq_close(&f->q);
	nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void open_q(struct fixture *f, uint64_t max)
{
	/* synced every 50 records: the sync paths run too */
	int r = sq_open(&f->q, f->qdir, max, 50, f->err, sizeof(f->err));

	if (r)
		fail_msg("sq_open: %s", f->err);
}

static void append_n(struct fixture *f, int from, int count)
{
	char buf[128];
	int i;

	for (i = from; i < from + count; i++) {
		int n = snprintf(buf, sizeof(buf), "record %06d\n", i);

		assert_int_equal(sq_append(&f->q, buf, n, 1), 0);
	}
}

/* The next record must be "record N"; returns its end. */
static struct sq_pos expect(struct fixture *f, int want)
{
	char text[64];
	const char *rec;
	struct sq_pos end;
	size_t len;

	assert_int_equal(sq_next(&f->q, &rec, &len, &end), 1);
	snprintf(text, sizeof(text), "record %06d", want);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(rec, text, len);
	return end;
}

static void expect_none(struct fixture *f)
{
	const char *rec;
	struct sq_pos end;
	size_t len;

	assert_int_equal(sq_next(&f->q, &rec, &len, &end), 0);
}

static int count_segments(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".seg") != NULL;
	closedir(d);
	return n;
}

static void test_queue_order_ack_rewind(void **state)
{
	struct fixture *f = *state;
	struct sq_pos e0, e1;

	open_q(f, 1 << 20);
	expect_none(f);
	append_n(f, 0, 3);
	assert_int_equal(f->q.records, 3);
	assert_int_equal(f->q.bytes, 3 * 14);
	e0 = expect(f, 0);
	e1 = expect(f, 1);
	expect(f, 2);
	expect_none(f);
	/* more appended after the reader reached the end */
	append_n(f, 3, 1);
	expect(f, 3);
	assert_int_equal(sq_ack(&f->q, &e0, 14), 0);
	assert_int_equal(f->q.records, 3);
	/* a broken connection: everything not acknowledged again */
	sq_rewind(&f->q);
	expect(f, 1);
	sq_rewind(&f->q);
	assert_int_equal(sq_ack(&f->q, &e1, 14), 0);
	sq_rewind(&f->q);
	expect(f, 2);
	expect(f, 3);
	expect_none(f);
	assert_int_equal(sq_append(&f->q, "no newline", 10, 1), -EINVAL);
}

static void test_queue_survives_restart(void **state)
{
	struct fixture *f = *state;
	struct sq_pos e;
	int i;

	open_q(f, 1 << 20);
	append_n(f, 0, 10);
	for (i = 0; i < 4; i++) {
		e = expect(f, i);
		assert_int_equal(sq_ack(&f->q, &e, 14), 0);
	}
	expect(f, 4);		/* sent, not acknowledged */
	sq_close(&f->q);
	open_q(f, 1 << 20);
	assert_int_equal(f->q.records, 6);
	assert_int_equal(f->q.bytes, 6 * 14);
	for (i = 4; i < 10; i++)
		expect(f, i);
	expect_none(f);
	append_n(f, 10, 1);
	expect(f, 10);
}

static void test_queue_segments(void **state)
{
	struct fixture *f = *state;
	struct sq_pos e;
	int i;

	/* a 32 KiB bound makes 4 KiB segments: 14-byte records roll often */
	open_q(f, 32 * 1024);
	for (i = 0; i < 2000; i += 100)
		append_n(f, i, 100);
	assert_true(count_segments(f->qdir) >= 5);
	for (i = 0; i < 1500; i++) {
		e = expect(f, i);
		assert_int_equal(sq_ack(&f->q, &e, 14), 0);
	}
	/* wholly acknowledged segments are gone */
	assert_true(count_segments(f->qdir) <= 3);
	assert_int_equal(f->q.records, 500);
	sq_close(&f->q);
	open_q(f, 32 * 1024);
	assert_int_equal(f->q.records, 500);
	for (i = 1500; i < 2000; i++)
		expect(f, i);
	expect_none(f);
}

static void test_queue_bound(void **state)
{
	struct fixture *f = *state;
	struct sq_pos e;

	open_q(f, 140);		/* ten records */
	append_n(f, 0, 10);
	assert_int_equal(sq_append(&f->q, "record 000010\n", 14, 1), -ENOSPC);
	assert_int_equal(f->q.records, 10);
	/* sent is not enough: only an acknowledgement makes room */
	e = expect(f, 0);
	assert_int_equal(sq_append(&f->q, "record 000010\n", 14, 1), -ENOSPC);
	assert_int_equal(sq_ack(&f->q, &e, 14), 0);
	assert_int_equal(sq_append(&f->q, "record 000010\n", 14, 1), 0);
	for (int i = 1; i <= 10; i++)
		expect(f, i);
}

static void test_queue_torn_tail_and_bad_cursor(void **state)
{
	struct fixture *f = *state;
	char path[200];
	struct sq_pos e;
	int fd;

	open_q(f, 1 << 20);
	append_n(f, 0, 3);
	e = expect(f, 0);
	assert_int_equal(sq_ack(&f->q, &e, 14), 0);
	sq_close(&f->q);
	/* a crash in the middle of an append */
	snprintf(path, sizeof(path), "%s/0000000000000001.seg", f->qdir);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "record 0000", 11), 11);
	close(fd);
	open_q(f, 1 << 20);
	assert_int_equal(f->q.records, 2);
	expect(f, 1);
	expect(f, 2);
	expect_none(f);
	append_n(f, 3, 1);
	expect(f, 3);
	sq_close(&f->q);
	/* a cursor that makes no sense: from the start, never a loss */
	snprintf(path, sizeof(path), "%s/cursor", f->qdir);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "garbage\n", 8), 8);
	close(fd);
	open_q(f, 1 << 20);
	assert_int_equal(f->q.records, 4);
	expect(f, 0);
}

static void test_queue_gap_is_an_error(void **state)
{
	struct fixture *f = *state;
	char path[200];
	int i;

	open_q(f, 32 * 1024);
	for (i = 0; i < 2000; i += 100)
		append_n(f, i, 100);
	sq_close(&f->q);
	snprintf(path, sizeof(path), "%s/0000000000000002.seg", f->qdir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sq_open(&f->q, f->qdir, 32 * 1024, 0, f->err,
				 sizeof(f->err)), -1);
	assert_non_null(strstr(f->err, "not all there"));
}

/* ---- a connection to a stand-in auditd ---- */

/*
 * Acknowledges every message of one connection, as auditd does, until the
 * peer closes; then writes "MESSAGES HEARTBEATS" to @out.
 */
static void fake_auditd(int lfd, int out)
{
	static unsigned char buf[RMW_HEADER_SIZE + RMW_MAX_TEXT];
	unsigned char ack[RMW_HEADER_SIZE];
	unsigned int messages = 0, heartbeats = 0;
	struct rmw_header h;
	size_t have = 0;
	ssize_t n, m;
	char line[64];
	int fd = accept(lfd, NULL, NULL);

	while (fd >= 0 && (n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		have += n;
		while ((m = rmw_parse(buf, have, &h)) > 0) {
			if (h.type == RMW_TYPE_HEARTBEAT)
				heartbeats++;
			else
				messages++;
			rmw_pack(ack, RMW_TYPE_ACK, 0, h.seq);
			if (write(fd, ack, sizeof(ack)) != sizeof(ack))
				_exit(2);
			memmove(buf, buf + m, have - m);
			have -= m;
		}
	}
	n = snprintf(line, sizeof(line), "%u %u", messages, heartbeats);
	_exit(write(out, line, n) == n ? 0 : 2);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/*
 * An idle connection sends a heartbeat every 30 s, no more: acknowledged
 * records must not make it look idle (a reply read after the service's
 * clock was taken once did, and the sink then sent a heartbeat after
 * every acknowledgement, ping-ponging with auditd at full speed).
 */
static void test_no_heartbeat_while_busy(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct sink_auditd_opts o = {
		.host = "127.0.0.1", .node = "", .queue_dir = f->qdir,
		.queue_max = 1 << 20, .full_action = QUEUE_FULL_SYSLOG,
	};
	struct sink_auditd *s;
	unsigned int messages = 0, heartbeats = 0;
	char out[64] = "";
	int lfd, p[2], status, i;
	pid_t pid;
	uint64_t until;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
	o.port = ntohs(a.sin_port);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		fake_auditd(lfd, p[1]);
	}
	close(p[1]);
	close(lfd);

	s = sink_auditd_open(&o, f->err, sizeof(f->err));
	if (!s)
		fail_msg("sink_auditd_open: %s", f->err);
	/* records in three batches, each acknowledged, then quiet */
	until = mono_ms() + 600;
	for (i = 0; mono_ms() < until; i++) {
		struct pollfd pfd = { sink_auditd_poll_fd(s), POLLIN, 0 };

		if (i < 3)
			assert_int_equal(sink_auditd_write(s, "type=TEST a=1\n"
							   "type=TEST a=2\n",
							   28), 0);
		poll(&pfd, 1, 10);
		sink_auditd_service(s);
	}
	sink_auditd_close(s);

	assert_true(read(p[0], out, sizeof(out) - 1) > 0);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(sscanf(out, "%u %u", &messages, &heartbeats), 2);
	assert_int_equal(messages, 6);
	/* the one sink_auditd_open() sends to see that auditd answers */
	assert_int_equal(heartbeats, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pack_layout),
		cmocka_unit_test(test_parse_replies),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_cuts_at_a_field),
		cmocka_unit_test(test_node_names),
		cmocka_unit_test_setup_teardown(test_queue_order_ack_rewind,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_survives_restart,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_segments,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_torn_tail_and_bad_cursor,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_gap_is_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_heartbeat_while_busy,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
