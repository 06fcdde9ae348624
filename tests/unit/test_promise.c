// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for bridge/promise.c: reassembly of events from chunks and
 * headers in any order, duplicates, deadlines, kernel-side loss, orphaned
 * chunks, malformed records, the memory cap and draining at shutdown.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "promise.h"
#include "golden.h"

#define TIMEOUT		1000u
#define MAX_CHUNKS	16u

/* Every event the table hands on, deep-copied. */
struct captured {
	struct ba_event *ev;
	size_t n, cap;
};

struct fixture {
	struct promise_table *pt;
	struct captured cap;
	struct promise_opts opts;
};

static void capture(struct ba_event *ev, void *ctx)
{
	struct captured *c = ctx;
	struct ba_event *copy;
	int f;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->ev = realloc(c->ev, c->cap * sizeof(*c->ev));
		if (!c->ev)
			abort();
	}
	copy = &c->ev[c->n++];
	*copy = *ev;
	for (f = 0; f < BA_FIELD_MAX; f++) {
		copy->field[f].data = NULL;
		if (ev->field[f].present) {
			/* promise.c NUL-terminates every field */
			assert_int_equal(ev->field[f].data[ev->field[f].len],
					 '\0');
			size_t n = ev->field[f].len + 1;

			copy->field[f].data = golden_xmalloc(n);
			memcpy(copy->field[f].data, ev->field[f].data, n);
		}
	}
}

static void captured_free(struct captured *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		event_free(&c->ev[i]);
	free(c->ev);
	memset(c, 0, sizeof(*c));
}

static int make_table(void **state, size_t max_mem)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->opts.timeout_ns = TIMEOUT;
	fx->opts.max_mem = max_mem;
	fx->opts.max_chunks = MAX_CHUNKS;
	fx->opts.emit = capture;
	fx->opts.ctx = &fx->cap;
	fx->pt = promise_table_new(&fx->opts);
	if (!fx->pt) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int setup(void **state)
{
	return make_table(state, (size_t)1 << 30);
}

static int setup_small_mem(void **state)
{
	return make_table(state, 64 * 1024);
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	promise_table_free(fx->pt);
	captured_free(&fx->cap);
	free(fx);
	return 0;
}

static const struct promise_stats *stats(struct fixture *fx)
{
	return promise_table_stats(fx->pt);
}

/* Feeds one chunk; returns what promise_table_feed() returned. */
static int chunk(struct fixture *fx, uint64_t promise, enum ba_field field,
		 uint32_t seq, unsigned int flags, const void *data,
		 size_t len, uint64_t now)
{
	struct ba_chunk *ch = golden_chunk(promise, field, seq, flags, data,
					   len);
	int ret = promise_table_feed(fx->pt, ch, sizeof(*ch), now);

	free(ch);
	return ret;
}

static int header(struct fixture *fx, const struct ba_header *h,
		  uint64_t now)
{
	return promise_table_feed(fx->pt, h, sizeof(*h), now);
}

static void expect_field(const struct ba_event *ev, enum ba_field f,
			 const void *data, size_t len)
{
	const struct ba_field_data *d = &ev->field[f];

	if (!d->present)
		fail_msg("field %d missing", f);
	assert_int_equal(d->len, len);
	assert_memory_equal(d->data, data, len);
}

static void expect_quiet(struct fixture *fx)
{
	assert_int_equal(stats(fx)->pending, 0);
	assert_int_equal(stats(fx)->mem, 0);
}

/* The three chunks of a typical event: argv in two pieces, a cwd. */
static const char argv0[] = "/bin/echo\0a b";
static const char argv1[] = "\0q\"x\0x=y";	/* 9 bytes with its NUL */
static const char cwd[] = "tmp";
/* Both argv pieces joined. */
static const char argv_all[] = "/bin/echo\0a b\0q\"x\0x=y";

static void feed_argv_piece(struct fixture *fx, uint64_t promise, int seq,
			    uint64_t now)
{
	if (seq == 0)
		assert_int_equal(chunk(fx, promise, BA_FIELD_ARGV, 0, 0,
				       argv0, sizeof(argv0) - 1, now), 0);
	else if (seq == 1)
		assert_int_equal(chunk(fx, promise, BA_FIELD_ARGV, 1,
				       BA_CHUNK_LAST, argv1, sizeof(argv1),
				       now), 0);
	else
		assert_int_equal(chunk(fx, promise, BA_FIELD_CWD, 0,
				       BA_CHUNK_LAST, cwd, 4, now), 0);
}

static void expect_typical(const struct ba_event *ev, uint64_t promise)
{
	assert_true(ev->have_header);
	assert_int_equal(ev->partial, PARTIAL_NONE);
	assert_int_equal(ev->chunks_missing, 0);
	assert_int_equal(ev->hdr.promise, promise);
	assert_int_equal(ev->hdr.task.pid, 4000 + promise);
	assert_int_equal(ev->hdr.kind, BA_KIND_EXEC);
	expect_field(ev, BA_FIELD_ARGV, argv_all, sizeof(argv_all));
	assert_int_equal(ev->field[BA_FIELD_ARGV].flags, BA_CHUNK_LAST);
	expect_field(ev, BA_FIELD_CWD, cwd, 4);
	assert_false(ev->field[BA_FIELD_EXE].present);
	assert_false(ev->field[BA_FIELD_FILENAME].present);
}

static void test_in_order(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(7, 3, 0);

	feed_argv_piece(fx, 7, 0, 10);
	feed_argv_piece(fx, 7, 1, 11);
	feed_argv_piece(fx, 7, 2, 12);
	assert_int_equal(fx->cap.n, 0);
	assert_int_equal(stats(fx)->pending, 1);
	assert_true(stats(fx)->mem > 0);
	assert_int_equal(header(fx, &h, 13), 0);
	assert_int_equal(fx->cap.n, 1);
	expect_typical(&fx->cap.ev[0], 7);
	assert_memory_equal(&fx->cap.ev[0].hdr, &h, sizeof(h));
	assert_int_equal(stats(fx)->records, 4);
	assert_int_equal(stats(fx)->complete, 1);
	assert_int_equal(stats(fx)->malformed, 0);
	assert_int_equal(stats(fx)->duplicate, 0);
	expect_quiet(fx);
	/* Nothing is left to expire. */
	promise_table_expire(fx->pt, 1000000, 1);
	assert_int_equal(fx->cap.n, 1);
}

static void test_out_of_order(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(8, 3, 0);

	feed_argv_piece(fx, 8, 2, 10);
	feed_argv_piece(fx, 8, 1, 11);
	feed_argv_piece(fx, 8, 0, 12);
	assert_int_equal(fx->cap.n, 0);
	assert_int_equal(header(fx, &h, 13), 0);
	assert_int_equal(fx->cap.n, 1);
	expect_typical(&fx->cap.ev[0], 8);
	expect_quiet(fx);
}

static void test_out_of_order_seq_2_0_1(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(9, 3, 0);

	assert_int_equal(chunk(fx, 9, BA_FIELD_ARGV, 2, BA_CHUNK_LAST, "C", 1,
			       1), 0);
	assert_int_equal(chunk(fx, 9, BA_FIELD_ARGV, 0, 0, "AA", 2, 2), 0);
	assert_int_equal(chunk(fx, 9, BA_FIELD_ARGV, 1, 0, "BBB", 3, 3), 0);
	assert_int_equal(fx->cap.n, 0);
	assert_int_equal(header(fx, &h, 4), 0);
	assert_int_equal(fx->cap.n, 1);
	expect_field(&fx->cap.ev[0], BA_FIELD_ARGV, "AABBBC", 6);
	assert_int_equal(fx->cap.ev[0].partial, PARTIAL_NONE);
	expect_quiet(fx);
}

static void test_header_first(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(10, 3, 0);

	/* Not the ring's order, but the table must not care. */
	assert_int_equal(header(fx, &h, 1), 0);
	feed_argv_piece(fx, 10, 1, 2);
	feed_argv_piece(fx, 10, 2, 3);
	assert_int_equal(fx->cap.n, 0);
	feed_argv_piece(fx, 10, 0, 4);
	assert_int_equal(fx->cap.n, 1);
	expect_typical(&fx->cap.ev[0], 10);
	expect_quiet(fx);
}

static void test_zero_chunks(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(11, 0, 0);

	assert_int_equal(header(fx, &h, 1), 0);
	assert_int_equal(fx->cap.n, 1);
	assert_true(fx->cap.ev[0].have_header);
	assert_int_equal(fx->cap.ev[0].partial, PARTIAL_NONE);
	assert_false(fx->cap.ev[0].field[BA_FIELD_ARGV].present);
	assert_int_equal(stats(fx)->complete, 1);
	expect_quiet(fx);
}

static void test_duplicate_chunk(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(12, 3, 0);

	feed_argv_piece(fx, 12, 0, 1);
	/* The same sequence number again, other bytes: the first stays. */
	assert_int_equal(chunk(fx, 12, BA_FIELD_ARGV, 0, 0, "XXXX", 4, 2), 0);
	assert_int_equal(stats(fx)->duplicate, 1);
	feed_argv_piece(fx, 12, 1, 3);
	feed_argv_piece(fx, 12, 1, 4);
	assert_int_equal(stats(fx)->duplicate, 2);
	feed_argv_piece(fx, 12, 2, 5);
	assert_int_equal(fx->cap.n, 0);
	assert_int_equal(header(fx, &h, 6), 0);
	assert_int_equal(fx->cap.n, 1);
	expect_typical(&fx->cap.ev[0], 12);
	assert_int_equal(stats(fx)->malformed, 0);
	assert_int_equal(stats(fx)->complete, 1);
	expect_quiet(fx);
}

static void test_duplicate_header(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(13, 3, 0);
	struct ba_header other = h;

	other.task.pid = 99;
	other.nchunks = 1;
	feed_argv_piece(fx, 13, 0, 1);
	assert_int_equal(header(fx, &h, 2), 0);
	assert_int_equal(header(fx, &other, 3), 0);
	assert_int_equal(stats(fx)->duplicate, 1);
	assert_int_equal(fx->cap.n, 0);
	feed_argv_piece(fx, 13, 1, 4);
	assert_int_equal(fx->cap.n, 0);
	feed_argv_piece(fx, 13, 2, 5);
	assert_int_equal(fx->cap.n, 1);
	/* The first header counts: pid and nchunks from it. */
	expect_typical(&fx->cap.ev[0], 13);
	assert_int_equal(stats(fx)->complete, 1);
	expect_quiet(fx);
}

static void test_timeout_missing_chunk(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(14, 3, 0);
	const struct ba_event *ev;

	/* Three announced, the cwd never comes. First record at t=100. */
	feed_argv_piece(fx, 14, 0, 100);
	feed_argv_piece(fx, 14, 1, 500);
	assert_int_equal(header(fx, &h, 900), 0);
	assert_int_equal(fx->cap.n, 0);
	promise_table_expire(fx->pt, 100 + TIMEOUT - 1, 0);
	assert_int_equal(fx->cap.n, 0);
	assert_int_equal(stats(fx)->pending, 1);
	promise_table_expire(fx->pt, 100 + TIMEOUT, 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_true(ev->have_header);
	assert_int_equal(ev->partial, PARTIAL_TIMEOUT);
	assert_int_equal(ev->chunks_missing, 1);
	expect_field(ev, BA_FIELD_ARGV, argv_all, sizeof(argv_all));
	assert_false(ev->field[BA_FIELD_CWD].present);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_TIMEOUT], 1);
	assert_int_equal(stats(fx)->complete, 0);
	expect_quiet(fx);
}

static void test_timeout_missing_middle_chunk(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(15, 3, 0);
	const struct ba_event *ev;

	/* seq 0 and 2 of one field came, seq 1 did not: one missing. */
	assert_int_equal(chunk(fx, 15, BA_FIELD_ARGV, 0, 0, "AA", 2, 0), 0);
	assert_int_equal(chunk(fx, 15, BA_FIELD_ARGV, 2, BA_CHUNK_LAST, "CC",
			       2, 0), 0);
	assert_int_equal(header(fx, &h, 0), 0);
	promise_table_expire(fx->pt, TIMEOUT, 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_int_equal(ev->partial, PARTIAL_TIMEOUT);
	assert_int_equal(ev->chunks_missing, 1);
	expect_field(ev, BA_FIELD_ARGV, "AACC", 4);
	expect_quiet(fx);
}

static void test_kernel_lost(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(16, 2, 2);
	const struct ba_event *ev;

	feed_argv_piece(fx, 16, 0, 1);
	feed_argv_piece(fx, 16, 2, 2);
	assert_int_equal(fx->cap.n, 0);
	/* Every chunk that was sent is here: handed on at once. */
	assert_int_equal(header(fx, &h, 3), 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_true(ev->have_header);
	assert_int_equal(ev->partial, PARTIAL_KERNEL_LOST);
	assert_int_equal(ev->chunks_missing, 2);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_KERNEL_LOST],
			 1);
	assert_int_equal(stats(fx)->complete, 0);
	expect_quiet(fx);
}

static void test_kernel_lost_gap(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(17, 2, 1);
	const struct ba_event *ev;

	/* The ring was full for argv seq 1: seq 0 and 2 were sent. */
	assert_int_equal(chunk(fx, 17, BA_FIELD_ARGV, 0, 0, "AA", 2, 1), 0);
	assert_int_equal(chunk(fx, 17, BA_FIELD_ARGV, 2, BA_CHUNK_LAST, "CC",
			       2, 2), 0);
	assert_int_equal(header(fx, &h, 3), 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_int_equal(ev->partial, PARTIAL_KERNEL_LOST);
	assert_int_equal(ev->chunks_missing, 1);
	expect_field(ev, BA_FIELD_ARGV, "AACC", 4);
	expect_quiet(fx);
}

static void test_kernel_lost_header_only(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(18, 0, 5);

	assert_int_equal(header(fx, &h, 1), 0);
	assert_int_equal(fx->cap.n, 1);
	assert_int_equal(fx->cap.ev[0].partial, PARTIAL_KERNEL_LOST);
	assert_int_equal(fx->cap.ev[0].chunks_missing, 5);
	expect_quiet(fx);
}

static void test_no_header(void **state)
{
	struct fixture *fx = *state;
	const struct ba_event *ev;

	feed_argv_piece(fx, 19, 0, 50);
	feed_argv_piece(fx, 19, 1, 60);
	promise_table_expire(fx->pt, 50 + TIMEOUT - 1, 0);
	assert_int_equal(fx->cap.n, 0);
	promise_table_expire(fx->pt, 50 + TIMEOUT, 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_false(ev->have_header);
	assert_int_equal(ev->partial, PARTIAL_NO_HEADER);
	assert_int_equal(ev->hdr.kind, BA_KIND_EXEC);
	expect_field(ev, BA_FIELD_ARGV, argv_all, sizeof(argv_all));
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_NO_HEADER],
			 1);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_TIMEOUT], 0);
	expect_quiet(fx);
}

static void test_no_header_gap(void **state)
{
	struct fixture *fx = *state;
	const struct ba_event *ev;

	/* Without a header only the gaps are known to be missing. */
	assert_int_equal(chunk(fx, 22, BA_FIELD_ARGV, 0, 0, "AA", 2, 0), 0);
	assert_int_equal(chunk(fx, 22, BA_FIELD_ARGV, 3, BA_CHUNK_LAST, "DD",
			       2, 0), 0);
	assert_int_equal(chunk(fx, 22, BA_FIELD_CWD, 0, BA_CHUNK_LAST, "x", 1,
			       0), 0);
	promise_table_expire(fx->pt, TIMEOUT, 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_int_equal(ev->partial, PARTIAL_NO_HEADER);
	assert_int_equal(ev->chunks_missing, 2);
	expect_field(ev, BA_FIELD_ARGV, "AADD", 4);
	expect_field(ev, BA_FIELD_CWD, "x", 1);
	expect_quiet(fx);
}

static void test_flags_and_empty_chunks(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(20, 4, 0);
	const struct ba_event *ev;

	assert_int_equal(chunk(fx, 20, BA_FIELD_ARGV, 0, BA_CHUNK_FAULT, "ab",
			       2, 1), 0);
	assert_int_equal(chunk(fx, 20, BA_FIELD_ARGV, 1,
			       BA_CHUNK_LAST | BA_CHUNK_TRUNC, "cd", 2, 1), 0);
	/* A zero-length chunk: the cwd is "/". */
	assert_int_equal(chunk(fx, 20, BA_FIELD_CWD, 0, BA_CHUNK_LAST, NULL, 0,
			       1), 0);
	assert_int_equal(chunk(fx, 20, BA_FIELD_EXE, 0, BA_CHUNK_LAST, "x\0", 2,
			       1), 0);
	assert_int_equal(header(fx, &h, 2), 0);
	assert_int_equal(fx->cap.n, 1);
	ev = &fx->cap.ev[0];
	assert_int_equal(ev->partial, PARTIAL_NONE);
	expect_field(ev, BA_FIELD_ARGV, "abcd", 4);
	assert_int_equal(ev->field[BA_FIELD_ARGV].flags,
			 BA_CHUNK_FAULT | BA_CHUNK_LAST | BA_CHUNK_TRUNC);
	assert_true(ev->field[BA_FIELD_CWD].present);
	assert_int_equal(ev->field[BA_FIELD_CWD].len, 0);
	assert_int_equal(ev->field[BA_FIELD_CWD].flags, BA_CHUNK_LAST);
	expect_field(ev, BA_FIELD_EXE, "x\0", 2);
	expect_quiet(fx);
}

static void test_large_field(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(21, MAX_CHUNKS, 0);
	char *data = golden_xmalloc(MAX_CHUNKS * BA_CHUNK_DATA);
	uint32_t seq;
	size_t i;

	for (i = 0; i < MAX_CHUNKS * BA_CHUNK_DATA; i++)
		data[i] = (char)(i * 31 + i / 4096);
	/* Backwards, the last sequence number allowed first. */
	for (seq = MAX_CHUNKS; seq-- > 0;) {
		unsigned int flags = seq == MAX_CHUNKS - 1 ? BA_CHUNK_LAST : 0;

		assert_int_equal(chunk(fx, 21, BA_FIELD_ARGV, seq, flags,
				       data + seq * BA_CHUNK_DATA,
				       BA_CHUNK_DATA, 5), 0);
	}
	assert_true(stats(fx)->mem >= MAX_CHUNKS * BA_CHUNK_DATA);
	assert_int_equal(header(fx, &h, 6), 0);
	assert_int_equal(fx->cap.n, 1);
	expect_field(&fx->cap.ev[0], BA_FIELD_ARGV, data,
		     MAX_CHUNKS * BA_CHUNK_DATA);
	expect_quiet(fx);
	free(data);
}

static void test_interleaved(void **state)
{
	struct fixture *fx = *state;
	struct ba_header ha = golden_header(100, 3, 0);
	struct ba_header hb = golden_header(200, 2, 0);
	const struct ba_event *a, *b;

	feed_argv_piece(fx, 100, 0, 1);
	assert_int_equal(chunk(fx, 200, BA_FIELD_ARGV, 0, BA_CHUNK_LAST,
			       "ls\0", 3, 2), 0);
	feed_argv_piece(fx, 100, 1, 3);
	assert_int_equal(chunk(fx, 200, BA_FIELD_CWD, 0, BA_CHUNK_LAST,
			       "home\0", 5, 4), 0);
	assert_int_equal(stats(fx)->pending, 2);
	assert_int_equal(header(fx, &hb, 5), 0);
	assert_int_equal(fx->cap.n, 1);
	assert_int_equal(stats(fx)->pending, 1);
	feed_argv_piece(fx, 100, 2, 6);
	assert_int_equal(header(fx, &ha, 7), 0);
	assert_int_equal(fx->cap.n, 2);
	b = &fx->cap.ev[0];
	a = &fx->cap.ev[1];
	assert_int_equal(b->hdr.promise, 200);
	assert_int_equal(b->partial, PARTIAL_NONE);
	expect_field(b, BA_FIELD_ARGV, "ls\0", 3);
	expect_field(b, BA_FIELD_CWD, "home\0", 5);
	expect_typical(a, 100);
	assert_int_equal(stats(fx)->complete, 2);
	expect_quiet(fx);
}

static void test_many_pending(void **state)
{
	struct fixture *fx = *state;
	enum { N = 5000 };
	uint64_t p;
	size_t i;

	/* More than the initial hash table: it has to grow on the way. */
	for (p = 1; p <= N; p++) {
		char data[32];
		int n = snprintf(data, sizeof(data), "arg%llu",
				 (unsigned long long)p);

		assert_int_equal(chunk(fx, p * 1000003, BA_FIELD_ARGV, 0,
				       BA_CHUNK_LAST, data, n + 1, p), 0);
	}
	assert_int_equal(stats(fx)->pending, N);
	for (p = N; p >= 1; p--) {
		struct ba_header h = golden_header(p * 1000003, 1, 0);

		assert_int_equal(header(fx, &h, N + 1), 0);
	}
	assert_int_equal(fx->cap.n, N);
	for (i = 0; i < N; i++) {
		const struct ba_event *ev = &fx->cap.ev[i];
		char want[32];
		int n;

		p = ev->hdr.promise / 1000003;
		assert_int_equal(ev->hdr.promise, p * 1000003);
		assert_int_equal(p, N - i);
		n = snprintf(want, sizeof(want), "arg%llu",
			     (unsigned long long)p);
		expect_field(ev, BA_FIELD_ARGV, want, n + 1);
		assert_int_equal(ev->partial, PARTIAL_NONE);
	}
	assert_int_equal(stats(fx)->complete, N);
	expect_quiet(fx);
}

static void test_expire_order(void **state)
{
	struct fixture *fx = *state;

	feed_argv_piece(fx, 1, 0, 0);
	feed_argv_piece(fx, 2, 0, 400);
	feed_argv_piece(fx, 3, 0, 800);
	/* A later record does not move an event's deadline. */
	feed_argv_piece(fx, 1, 1, 900);
	promise_table_expire(fx->pt, 999, 0);
	assert_int_equal(fx->cap.n, 0);
	promise_table_expire(fx->pt, 1000, 0);
	assert_int_equal(fx->cap.n, 1);
	expect_field(&fx->cap.ev[0], BA_FIELD_ARGV, argv_all,
		     sizeof(argv_all));
	promise_table_expire(fx->pt, 1399, 0);
	assert_int_equal(fx->cap.n, 1);
	promise_table_expire(fx->pt, 1800, 0);
	assert_int_equal(fx->cap.n, 3);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_NO_HEADER],
			 3);
	expect_quiet(fx);
}

static void test_drain(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h1 = golden_header(31, 3, 0);
	struct ba_header h2 = golden_header(32, 5, 0);
	size_t i;

	feed_argv_piece(fx, 31, 0, 10);
	assert_int_equal(header(fx, &h1, 10), 0);
	assert_int_equal(header(fx, &h2, 20), 0);
	feed_argv_piece(fx, 33, 0, 30);		/* no header */
	assert_int_equal(stats(fx)->pending, 3);
	/* Long before any deadline. */
	promise_table_expire(fx->pt, 40, 1);
	assert_int_equal(fx->cap.n, 3);
	for (i = 0; i < 2; i++) {
		const struct ba_event *ev = &fx->cap.ev[i];

		assert_int_equal(ev->hdr.promise, 31 + i);
		assert_true(ev->have_header);
		assert_int_equal(ev->partial, PARTIAL_DRAIN);
		assert_string_equal(partial_reason_name(ev->partial),
				    "shutdown");
	}
	assert_int_equal(fx->cap.ev[0].chunks_missing, 2);
	assert_int_equal(fx->cap.ev[1].chunks_missing, 5);
	/* Chunks without a header stay "no_header" whatever ends them. */
	assert_false(fx->cap.ev[2].have_header);
	assert_int_equal(fx->cap.ev[2].partial, PARTIAL_NO_HEADER);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_DRAIN], 2);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_NO_HEADER],
			 1);
	expect_quiet(fx);
	promise_table_expire(fx->pt, 50, 1);
	assert_int_equal(fx->cap.n, 3);
}

/* A record of @len bytes copied from @rec, padded with zeros. */
static int feed_raw(struct fixture *fx, const void *rec, size_t reclen,
		    size_t len)
{
	char *buf = golden_xmalloc(len);
	int ret;

	memset(buf, 0, len);
	memcpy(buf, rec, reclen < len ? reclen : len);
	ret = promise_table_feed(fx->pt, buf, len, 5);
	free(buf);
	return ret;
}

static void test_malformed(void **state)
{
	struct fixture *fx = *state;
	struct ba_chunk *good = golden_chunk(40, BA_FIELD_EXE, 0,
					     BA_CHUNK_LAST, "x", 1);
	struct ba_header hgood = golden_header(40, 4, 0);
	struct ba_chunk bad;
	struct ba_header hbad;
	uint64_t malformed = 0, records;
	uint32_t other_type = 0xdeadbeef;

	/* An event in flight that the bad records aim at. */
	feed_argv_piece(fx, 40, 0, 1);
	feed_argv_piece(fx, 40, 1, 1);
	records = stats(fx)->records;

#define BAD(expr)							\
	do {								\
		assert_int_equal((expr), -1);				\
		malformed++;						\
		assert_int_equal(stats(fx)->malformed, malformed);	\
		assert_int_equal(stats(fx)->pending, 1);		\
		assert_int_equal(fx->cap.n, 0);				\
	} while (0)

	/* Sizes. */
	BAD(feed_raw(fx, good, sizeof(*good), sizeof(*good) - 1));
	BAD(feed_raw(fx, good, sizeof(*good), sizeof(*good) + 1));
	BAD(feed_raw(fx, good, sizeof(*good), sizeof(struct ba_header)));
	BAD(feed_raw(fx, &hgood, sizeof(hgood), sizeof(hgood) - 1));
	BAD(feed_raw(fx, &hgood, sizeof(hgood), sizeof(hgood) + 8));
	BAD(feed_raw(fx, &hgood, sizeof(hgood), sizeof(struct ba_chunk)));
	BAD(feed_raw(fx, good, sizeof(*good), 3));
	BAD(feed_raw(fx, good, sizeof(*good), 1));
	BAD(promise_table_feed(fx->pt, good, 0, 5));
	/* Types. */
	bad = *good;
	bad.type = other_type;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	bad.type = 0;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	hbad = hgood;
	hbad.type = BA_REC_CHUNK;
	BAD(feed_raw(fx, &hbad, sizeof(hbad), sizeof(hbad)));
	/* Fields. */
	bad = *good;
	bad.field = 0;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	bad.field = BA_FIELD_MAX;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	bad.field = 255;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	/* Lengths. */
	bad = *good;
	bad.len = BA_CHUNK_DATA + 1;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	bad.len = 0xffffffffu;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	/* Sequence numbers. */
	bad = *good;
	bad.seq = MAX_CHUNKS;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	bad.seq = 0xffffffffu;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	/* Kinds. */
	bad = *good;
	bad.kind = 0;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	bad.kind = BA_KIND_MAX;
	BAD(feed_raw(fx, &bad, sizeof(bad), sizeof(bad)));
	hbad = hgood;
	hbad.kind = 0;
	BAD(feed_raw(fx, &hbad, sizeof(hbad), sizeof(hbad)));
	hbad.kind = BA_KIND_MAX;
	BAD(feed_raw(fx, &hbad, sizeof(hbad), sizeof(hbad)));
	/* Header versions. */
	hbad = hgood;
	hbad.version = 0;
	BAD(feed_raw(fx, &hbad, sizeof(hbad), sizeof(hbad)));
	hbad.version = BA_WIRE_VERSION + 1;
	BAD(feed_raw(fx, &hbad, sizeof(hbad), sizeof(hbad)));
#undef BAD

	/* Counted as records too; nothing else moved. */
	assert_int_equal(stats(fx)->records, records + malformed);
	assert_int_equal(stats(fx)->duplicate, 0);
	assert_int_equal(stats(fx)->complete, 0);

	/* The event in flight is untouched: completes exactly. */
	feed_argv_piece(fx, 40, 2, 6);
	assert_int_equal(feed_raw(fx, good, sizeof(*good), sizeof(*good)), 0);
	assert_int_equal(header(fx, &hgood, 7), 0);
	assert_int_equal(fx->cap.n, 1);
	assert_int_equal(fx->cap.ev[0].partial, PARTIAL_NONE);
	assert_int_equal(fx->cap.ev[0].chunks_missing, 0);
	expect_field(&fx->cap.ev[0], BA_FIELD_ARGV, argv_all,
		     sizeof(argv_all));
	expect_field(&fx->cap.ev[0], BA_FIELD_CWD, "tmp", 4);
	expect_field(&fx->cap.ev[0], BA_FIELD_EXE, "x", 1);
	assert_int_equal(stats(fx)->malformed, malformed);
	expect_quiet(fx);
	free(good);
}

static void test_malformed_creates_nothing(void **state)
{
	struct fixture *fx = *state;
	struct ba_chunk *bad = golden_chunk(41, BA_FIELD_ARGV, MAX_CHUNKS, 0,
					    "x", 1);
	struct ba_header h = golden_header(42, 0, 0);

	assert_int_equal(promise_table_feed(fx->pt, bad, sizeof(*bad), 1), -1);
	h.version = 0;
	assert_int_equal(promise_table_feed(fx->pt, &h, sizeof(h), 1), -1);
	expect_quiet(fx);
	promise_table_expire(fx->pt, 1000000, 1);
	assert_int_equal(fx->cap.n, 0);
	assert_int_equal(stats(fx)->malformed, 2);
	free(bad);
}

/*
 * Incomplete events of 4 KiB each under a 64 KiB cap: the oldest are
 * pushed out as partial (memory), in order, and the table stays under it.
 */
static void test_memory_cap(void **state)
{
	struct fixture *fx = *state;
	char data[BA_CHUNK_DATA];
	uint64_t p, emitted_before;
	size_t i;

	memset(data, 'm', sizeof(data));
	for (p = 1; p <= 100; p++) {
		struct ba_header h = golden_header(p, 2, 0);

		assert_int_equal(header(fx, &h, p), 0);
		assert_int_equal(chunk(fx, p, BA_FIELD_ARGV, 0, 0, data,
				       sizeof(data), p), 0);
		if (stats(fx)->mem > fx->opts.max_mem)
			fail_msg("%llu bytes held, the cap is %zu",
				 (unsigned long long)stats(fx)->mem,
				 fx->opts.max_mem);
	}
	assert_true(fx->cap.n > 50);
	assert_true(stats(fx)->pending > 0);
	assert_int_equal(fx->cap.n + stats(fx)->pending, 100);
	for (i = 0; i < fx->cap.n; i++) {
		const struct ba_event *ev = &fx->cap.ev[i];

		assert_int_equal(ev->hdr.promise, i + 1);
		assert_true(ev->have_header);
		assert_int_equal(ev->partial, PARTIAL_MEMORY);
		assert_int_equal(ev->chunks_missing, 1);
		expect_field(ev, BA_FIELD_ARGV, data, sizeof(data));
	}
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_MEMORY],
			 fx->cap.n);
	/* Completing the newest still works. */
	emitted_before = fx->cap.n;
	assert_int_equal(chunk(fx, 100, BA_FIELD_CWD, 0, BA_CHUNK_LAST, "x", 1,
			       101), 0);
	assert_int_equal(fx->cap.n, emitted_before + 1);
	assert_int_equal(fx->cap.ev[fx->cap.n - 1].hdr.promise, 100);
	assert_int_equal(fx->cap.ev[fx->cap.n - 1].partial, PARTIAL_NONE);
	promise_table_expire(fx->pt, 102, 1);
	expect_quiet(fx);
}

static void test_memory_cap_orphan_chunks(void **state)
{
	struct fixture *fx = *state;
	char data[BA_CHUNK_DATA];
	uint64_t p;
	size_t i;

	/* Chunks without headers: pushed out too, but reported no_header. */
	memset(data, 'o', sizeof(data));
	for (p = 1; p <= 100; p++) {
		assert_int_equal(chunk(fx, p, BA_FIELD_ARGV, 0, 0, data,
				       sizeof(data), p), 0);
		assert_true(stats(fx)->mem <= fx->opts.max_mem);
	}
	assert_true(fx->cap.n > 50);
	for (i = 0; i < fx->cap.n; i++) {
		assert_int_equal(fx->cap.ev[i].partial, PARTIAL_NO_HEADER);
		assert_false(fx->cap.ev[i].have_header);
	}
	promise_table_expire(fx->pt, 0, 1);
	expect_quiet(fx);
}

/*
 * Headers that still wait for chunks hold memory as well (one pending
 * entry each): the cap has to bound them too.
 */
static void test_memory_cap_headers_only(void **state)
{
	struct fixture *fx = *state;
	uint64_t p, worst = 0;

	for (p = 1; p <= 2000; p++) {
		struct ba_header h = golden_header(p, 1, 0);

		assert_int_equal(header(fx, &h, p), 0);
		if (stats(fx)->mem > worst)
			worst = stats(fx)->mem;
	}
	promise_table_expire(fx->pt, 1000000, 1);
	expect_quiet(fx);
	if (worst > fx->opts.max_mem)
		fail_msg("%llu bytes held by waiting headers, the cap is %zu",
			 (unsigned long long)worst, fx->opts.max_mem);
}

static void test_stats_pending_returns_to_zero(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h;
	uint64_t p;

	for (p = 1; p <= 10; p++) {
		feed_argv_piece(fx, p, 0, p);
		assert_int_equal(stats(fx)->pending, p);
	}
	for (p = 1; p <= 5; p++) {
		h = golden_header(p, 1, 0);
		assert_int_equal(header(fx, &h, 20), 0);
		assert_int_equal(stats(fx)->pending, 10 - p);
	}
	promise_table_expire(fx->pt, 10 + TIMEOUT, 0);
	assert_int_equal(fx->cap.n, 10);
	expect_quiet(fx);
	assert_int_equal(stats(fx)->complete, 5);
	assert_int_equal(stats(fx)->partial[BA_KIND_EXEC][PARTIAL_NO_HEADER],
			 5);
}

static void test_free_with_pending(void **state)
{
	struct fixture *fx = *state;
	struct ba_header h = golden_header(2, 4, 0);

	/* Freed with events in flight: nothing emitted, nothing leaked. */
	feed_argv_piece(fx, 1, 0, 1);
	feed_argv_piece(fx, 1, 1, 1);
	assert_int_equal(header(fx, &h, 1), 0);
	feed_argv_piece(fx, 2, 2, 1);
	promise_table_free(fx->pt);
	fx->pt = NULL;
	assert_int_equal(fx->cap.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define TS(name) cmocka_unit_test_setup_teardown(name, setup_small_mem, \
						   teardown)
		T(test_in_order),
		T(test_out_of_order),
		T(test_out_of_order_seq_2_0_1),
		T(test_header_first),
		T(test_zero_chunks),
		T(test_duplicate_chunk),
		T(test_duplicate_header),
		T(test_timeout_missing_chunk),
		T(test_timeout_missing_middle_chunk),
		T(test_kernel_lost),
		T(test_kernel_lost_gap),
		T(test_kernel_lost_header_only),
		T(test_no_header),
		T(test_no_header_gap),
		T(test_flags_and_empty_chunks),
		T(test_large_field),
		T(test_interleaved),
		T(test_many_pending),
		T(test_expire_order),
		T(test_drain),
		T(test_malformed),
		T(test_malformed_creates_nothing),
		TS(test_memory_cap),
		TS(test_memory_cap_orphan_chunks),
		TS(test_memory_cap_headers_only),
		T(test_stats_pending_returns_to_zero),
		T(test_free_with_pending),
#undef T
#undef TS
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
