/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer, the promise counter and the loss counters, and the
 * helpers every event source uses to put fixed-size chunks on the ring.
 */
#ifndef BPFAUDIT_EMIT_H
#define BPFAUDIT_EMIT_H

#include "wire.h"

/* Size is set by the loader from ringbuf_size before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/* Loss counters, per CPU, indexed by ba_loss_slot(kind, cause). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BA_LOSS_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} loss SEC(".maps");

/*
 * Wake-ups are batched: a header wakes the daemon only once this many
 * bytes wait in the ring (set by the loader); below that the daemon's own
 * tick, every 100 ms, reads them. 0: every header may wake it.
 */
const volatile __u64 wakeup_bytes = 0;

static __always_inline __u64 header_wakeup_flags(void)
{
	if (!wakeup_bytes)
		return 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
		       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Source of promise ids: one global counter, bumped atomically. */
__u64 promise_next = 1;

/* The daemon's own bookkeeping (wire.h), mmapped by it, pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct ba_daemon_state);
} daemon_state SEC(".maps");

static __always_inline __u64 promise_take(void)
{
	return __sync_fetch_and_add(&promise_next, 1);
}

static __always_inline void loss_count(__u32 kind, __u32 cause)
{
	__u32 slot = ba_loss_slot(kind, cause);
	__u64 *n = bpf_map_lookup_elem(&loss, &slot);

	if (n)
		*n += 1;
}

/* Tally of what an event put on the ring, carried into its header. */
struct emit_tally {
	__u32 sent;
	__u32 lost;
};

static __always_inline struct ba_chunk *chunk_reserve(__u32 kind,
						      struct emit_tally *t)
{
	struct ba_chunk *ch = bpf_ringbuf_reserve(&events, sizeof(*ch), 0);

	if (!ch) {
		loss_count(kind, BA_LOSS_CHUNK);
		t->lost++;
	}
	return ch;
}

static __always_inline void chunk_init(struct ba_chunk *ch, __u32 kind,
				       __u64 promise, __u16 field, __u32 seq)
{
	ch->type = BA_REC_CHUNK;
	ch->kind = kind;
	ch->field = field;
	ch->flags = 0;
	ch->promise = promise;
	ch->seq = seq;
	ch->len = 0;
}

static __always_inline void chunk_submit(struct ba_chunk *ch,
					 struct emit_tally *t)
{
	/* Chunks never wake the reader; the header that follows does. */
	bpf_ringbuf_submit(ch, BPF_RB_NO_WAKEUP);
	t->sent++;
}

/* One chunk holding a NUL-terminated string, from user or kernel memory. */
static __always_inline void emit_string(__u32 kind, __u64 promise,
					__u16 field, const void *src,
					bool user, struct emit_tally *t)
{
	struct ba_chunk *ch = chunk_reserve(kind, t);
	long n;

	if (!ch)
		return;
	chunk_init(ch, kind, promise, field, 0);
	if (user)
		n = bpf_probe_read_user_str(ch->data, BA_NAME_MAX, src);
	else
		n = bpf_probe_read_kernel_str(ch->data, BA_NAME_MAX, src);
	ch->flags = BA_CHUNK_LAST;
	if (n < 0) {
		ch->flags |= BA_CHUNK_FAULT;
		n = 1;
	} else if (n == BA_NAME_MAX) {
		ch->flags |= BA_CHUNK_TRUNC;
	}
	ch->len = n - 1;	/* without the NUL */
	chunk_submit(ch, t);
}

/* Reading user memory piecewise into consecutive chunks. */
struct user_span {
	__u64 promise;
	__u64 start;
	__u64 len;
	__u32 kind;
	__u16 field;
	__u16 last_flags;
	struct emit_tally tally;
};

static long user_span_chunk(__u32 i, struct user_span *s)
{
	__u64 off = (__u64)i * BA_CHUNK_DATA;
	__u64 n;
	struct ba_chunk *ch;

	if (off >= s->len)
		return 1;
	n = s->len - off;
	if (n > BA_CHUNK_DATA)
		n = BA_CHUNK_DATA;
	ch = chunk_reserve(s->kind, &s->tally);
	if (!ch)
		return 0;
	chunk_init(ch, s->kind, s->promise, s->field, i);
	ch->len = n;
	if (off + n >= s->len)
		ch->flags = BA_CHUNK_LAST | s->last_flags;
	if (bpf_probe_read_user(ch->data, n, (void *)(s->start + off)))
		ch->flags |= BA_CHUNK_FAULT;
	chunk_submit(ch, &s->tally);
	return 0;
}

static __always_inline void emit_user_span(struct user_span *s)
{
	__u32 n = (s->len + BA_CHUNK_DATA - 1) / BA_CHUNK_DATA;

	if (n)
		bpf_loop(n, user_span_chunk, s, 0);
}

#endif /* BPFAUDIT_EMIT_H */
