/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The promise table: reassembles events from ring-buffer records keyed by
 * promise id. An event is complete when its header and every chunk the
 * header announces have arrived; one still incomplete at its deadline, or
 * pushed out by the memory cap, is handed on as partial. Every malformed,
 * duplicate or orphaned record is counted. No I/O here.
 */
#ifndef BPFAUDIT_PROMISE_H
#define BPFAUDIT_PROMISE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct promise_opts {
	uint64_t timeout_ns;		/* deadline from the first record */
	size_t max_mem;			/* bytes held by incomplete events */
	uint32_t max_chunks;		/* per field; more is malformed */
	/* Called for every finished event, complete or partial; the event
	 * is freed when the callback returns. */
	void (*emit)(struct ba_event *ev, void *ctx);
	void *ctx;
};

struct promise_stats {
	uint64_t records;
	uint64_t complete;
	/* events handed on as partial, by kind and reason */
	uint64_t partial[BA_KIND_MAX][PARTIAL_DRAIN + 1];
	uint64_t malformed;		/* bad size, type, field, length */
	uint64_t duplicate;		/* chunk seq or header seen twice */
	uint64_t pending;
	uint64_t mem;
};

struct promise_table;

struct promise_table *promise_table_new(const struct promise_opts *opts);
void promise_table_free(struct promise_table *pt);
/* One ring-buffer record; returns 0, or -1 when it was malformed. */
int promise_table_feed(struct promise_table *pt, const void *rec, size_t len,
		       uint64_t now_ns);
/* Hands on events past their deadline; all of them when drain is set. */
void promise_table_expire(struct promise_table *pt, uint64_t now_ns,
			  int drain);
const struct promise_stats *promise_table_stats(const struct promise_table *pt);

#endif
