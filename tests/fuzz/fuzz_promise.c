// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the promise table and the formatter together. The input is
 * a stream of ring-buffer records (compact chunks and headers that become
 * full-size records, or raw records of any size) and clock operations, see
 * fuzz_input.h. A shadow model of the table predicts, record by record,
 * what must be malformed, duplicate, complete, pushed out by the memory
 * cap or timed out, and what every handed-on event must hold; every event
 * is then formatted and its records checked (fuzz_check.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "promise.h"
#include "format.h"
#include "golden.h"
#include "fuzz_check.h"
#include "fuzz_input.h"

struct sh_piece {
	char *data;
	uint32_t len;
	uint8_t flags;
	bool have;
};

/* What the table must hold for one promise id. */
struct shadow {
	uint64_t promise;
	uint64_t first_ns;
	uint16_t kind;
	bool have_header;
	struct ba_header hdr;
	uint32_t chunks;
	struct sh_piece *piece[BA_FIELD_MAX];	/* max_chunks each */
	uint32_t npieces[BA_FIELD_MAX];		/* highest seq + 1 */
	struct shadow *next;			/* oldest first */
};

enum phase { PH_FEED, PH_EXPIRE, PH_DRAIN };

static struct {
	struct promise_table *pt;
	struct promise_opts opts;
	struct shadow *head;
	uint64_t now;
	uint64_t serial;
	uint64_t emitted;
	enum phase phase;
	uint64_t fed_promise;	/* PH_FEED: the record's promise */
	bool fed_complete;	/* ... and the model says it completes */
	struct strbuf out;
} F;

static struct shadow *sh_find(uint64_t promise, struct shadow ***link)
{
	struct shadow **pp = &F.head;

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->promise == promise)
			break;
	if (link)
		*link = pp;
	return *pp;
}

static void sh_free(struct shadow *s)
{
	uint32_t i;
	int f;

	for (f = 0; f < BA_FIELD_MAX; f++) {
		if (!s->piece[f])
			continue;
		for (i = 0; i < F.opts.max_chunks; i++)
			free(s->piece[f][i].data);
		free(s->piece[f]);
	}
	free(s);
}

static size_t sh_count(void)
{
	struct shadow *s;
	size_t n = 0;

	for (s = F.head; s; s = s->next)
		n++;
	return n;
}

static bool sh_complete(const struct shadow *s)
{
	return s->have_header && s->chunks >= s->hdr.nchunks;
}

static struct shadow *sh_get(uint64_t promise, uint16_t kind)
{
	struct shadow **link, *s = sh_find(promise, &link);

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		fc_fail("out of memory");
	s->promise = promise;
	s->kind = kind;
	s->first_ns = F.now;
	*link = s;	/* the end of the list: newest */
	return s;
}

enum verdict { V_MALFORMED, V_DUPLICATE, V_STORED };

/* The model's view of one record; fills F.fed_* for the callback. */
static enum verdict model_feed(const uint8_t *rec, size_t len)
{
	uint32_t type;
	struct shadow *s;

	F.fed_complete = false;
	if (len < sizeof(type))
		return V_MALFORMED;
	memcpy(&type, rec, sizeof(type));
	if (type == BA_REC_CHUNK && len == sizeof(struct ba_chunk)) {
		struct ba_chunk ch;
		struct sh_piece *pc;

		memcpy(&ch, rec, sizeof(ch));
		if (ch.field == 0 || ch.field >= BA_FIELD_MAX ||
		    ch.len > BA_CHUNK_DATA || ch.seq >= F.opts.max_chunks ||
		    (ch.seq > 0 && ch.field != BA_FIELD_ARGV) ||
		    ch.kind == 0 || ch.kind >= BA_KIND_MAX)
			return V_MALFORMED;
		s = sh_get(ch.promise, ch.kind);
		F.fed_promise = ch.promise;
		if (!s->piece[ch.field]) {
			s->piece[ch.field] =
				calloc(F.opts.max_chunks, sizeof(*pc));
			if (!s->piece[ch.field])
				fc_fail("out of memory");
		}
		pc = &s->piece[ch.field][ch.seq];
		if (ch.seq >= s->npieces[ch.field])
			s->npieces[ch.field] = ch.seq + 1;
		if (pc->have)
			return V_DUPLICATE;
		pc->data = malloc(ch.len + 1);
		if (!pc->data)
			fc_fail("out of memory");
		memcpy(pc->data, ch.data, ch.len);
		pc->len = ch.len;
		pc->flags = ch.flags;
		pc->have = true;
		s->chunks++;
		F.fed_complete = sh_complete(s);
		return V_STORED;
	}
	if (type == BA_REC_HEADER && len == sizeof(struct ba_header)) {
		struct ba_header h;

		memcpy(&h, rec, sizeof(h));
		if (h.kind == 0 || h.kind >= BA_KIND_MAX ||
		    h.version != BA_WIRE_VERSION)
			return V_MALFORMED;
		s = sh_get(h.promise, h.kind);
		F.fed_promise = h.promise;
		if (s->have_header)
			return V_DUPLICATE;
		s->hdr = h;
		s->have_header = true;
		F.fed_complete = sh_complete(s);
		return V_STORED;
	}
	return V_MALFORMED;
}

/* The event must be exactly what the model holds for its promise. */
static void compare_with_model(const struct ba_event *ev, struct shadow *s)
{
	uint32_t missing = 0, i;
	enum partial_reason want;
	int f;

	if (ev->have_header != s->have_header)
		fc_fail("promise %llu: have_header %d, model %d",
			(unsigned long long)s->promise, ev->have_header,
			s->have_header);
	if (s->have_header) {
		if (memcmp(&ev->hdr, &s->hdr, sizeof(s->hdr)))
			fc_fail("promise %llu: header differs from the first "
				"one received",
				(unsigned long long)s->promise);
	} else if (ev->hdr.kind != s->kind) {
		fc_fail("promise %llu: kind %u, model %u",
			(unsigned long long)s->promise, ev->hdr.kind, s->kind);
	}
	for (f = 0; f < BA_FIELD_MAX; f++) {
		const struct ba_field_data *d = &ev->field[f];
		size_t len = 0;
		unsigned int flags = 0;

		if (d->present != (s->npieces[f] > 0))
			fc_fail("promise %llu field %d: present %d, model %u "
				"pieces",
				(unsigned long long)s->promise, f, d->present,
				s->npieces[f]);
		if (!d->present) {
			if (d->data || d->len)
				fc_fail("field %d: data without present", f);
			continue;
		}
		for (i = 0; i < s->npieces[f]; i++) {
			const struct sh_piece *pc = &s->piece[f][i];

			if (!pc->have) {
				missing++;
				continue;
			}
			if (len + pc->len > d->len ||
			    memcmp(d->data + len, pc->data, pc->len))
				fc_fail("promise %llu field %d: piece %u not "
					"in place",
					(unsigned long long)s->promise, f, i);
			len += pc->len;
			flags |= pc->flags;
		}
		if (len != d->len)
			fc_fail("promise %llu field %d: %zu bytes, model %zu",
				(unsigned long long)s->promise, f, d->len, len);
		if (d->data[d->len] != '\0')
			fc_fail("field %d is not NUL-terminated", f);
		if (d->flags != flags)
			fc_fail("field %d: flags %#x, model %#x", f, d->flags,
				flags);
	}
	if (s->have_header)
		missing = (s->chunks < s->hdr.nchunks ?
				   s->hdr.nchunks - s->chunks : 0) +
			  s->hdr.lost_chunks;
	if (ev->chunks_missing != missing)
		fc_fail("promise %llu: chunks_missing %u, model %u",
			(unsigned long long)s->promise, ev->chunks_missing,
			missing);
	if (!s->have_header)
		want = PARTIAL_NO_HEADER;
	else if (F.phase == PH_DRAIN)
		want = PARTIAL_DRAIN;
	else if (F.phase == PH_EXPIRE)
		want = PARTIAL_TIMEOUT;
	else if (s->promise == F.fed_promise && F.fed_complete)
		want = missing ? PARTIAL_KERNEL_LOST : PARTIAL_NONE;
	else
		want = PARTIAL_MEMORY;
	if (ev->partial != want)
		fc_fail("promise %llu: partial=%s, model says %s",
			(unsigned long long)s->promise,
			partial_reason_name(ev->partial),
			partial_reason_name(want));
}

static void check_formatted(const struct ba_event *ev)
{
	const struct ba_header *h = &ev->hdr;
	struct audit_stamp st;

	/* the stamp as the daemon makes it */
	st.sec = h->boot_ns / 1000000000ull;
	st.msec = (h->boot_ns / 1000000ull) % 1000;
	st.serial = ++F.serial;
	fc_check_event(ev, &st, &F.out, !fc_allowed("field-chunks"));
}

static void on_event(struct ba_event *ev, void *ctx)
{
	struct shadow **link, *s;
	uint64_t promise = ev->have_header ? ev->hdr.promise : 0;

	(void)ctx;
	F.emitted++;
	if (!ev->have_header) {
		/* Its header (promise included) never came. Only the memory
		 * cap, a deadline or a drain hand such an event on, and all
		 * three take the oldest first: the model's oldest it is. */
		if (!F.head)
			fc_fail("an event handed on that the model lacks");
		promise = F.head->promise;
	}
	s = sh_find(promise, &link);
	if (!s)
		fc_fail("promise %llu handed on, not pending in the model",
			(unsigned long long)promise);
	/* Everything but a completion goes oldest first. */
	if (s != F.head &&
	    !(F.phase == PH_FEED && promise == F.fed_promise && F.fed_complete))
		fc_fail("promise %llu handed on before older ones",
			(unsigned long long)promise);
	if (F.phase == PH_EXPIRE && F.now - s->first_ns < F.opts.timeout_ns)
		fc_fail("promise %llu timed out early",
			(unsigned long long)promise);
	compare_with_model(ev, s);
	*link = s->next;
	sh_free(s);
	check_formatted(ev);
}

static void check_stats(void)
{
	const struct promise_stats *st = promise_table_stats(F.pt);
	uint64_t handed = st->complete;
	int k, r;

	for (k = 0; k < BA_KIND_MAX; k++)
		for (r = 0; r <= PARTIAL_DRAIN; r++)
			handed += st->partial[k][r];
	if (handed != F.emitted)
		fc_fail("stats count %llu events handed on, %llu were",
			(unsigned long long)handed,
			(unsigned long long)F.emitted);
	if (st->pending != sh_count())
		fc_fail("stats.pending=%llu, model holds %zu",
			(unsigned long long)st->pending, sh_count());
	if (st->mem > F.opts.max_mem)
		fc_fail("stats.mem=%llu above the cap %zu",
			(unsigned long long)st->mem, F.opts.max_mem);
	if (!st->pending && st->mem)
		fc_fail("stats.mem=%llu with nothing pending",
			(unsigned long long)st->mem);
}

static void feed(const void *rec, size_t len)
{
	const struct promise_stats *st = promise_table_stats(F.pt);
	uint64_t malformed = st->malformed, duplicate = st->duplicate;
	uint64_t records = st->records;
	enum verdict v;
	struct shadow *s;
	int ret;

	v = model_feed(rec, len);
	F.phase = PH_FEED;
	ret = promise_table_feed(F.pt, rec, len, F.now);
	if ((ret != 0) != (v == V_MALFORMED))
		fc_fail("feed returned %d, model says %s", ret,
			v == V_MALFORMED ? "malformed" : "well-formed");
	if (st->records != records + 1 ||
	    st->malformed != malformed + (v == V_MALFORMED) ||
	    st->duplicate != duplicate + (v == V_DUPLICATE))
		fc_fail("record counters disagree with the model (%d)", v);
	if (v != V_MALFORMED) {
		s = sh_find(F.fed_promise, NULL);
		if (s && sh_complete(s))
			fc_fail("promise %llu complete but still pending",
				(unsigned long long)F.fed_promise);
	}
	check_stats();
}

static void expire(int drain)
{
	struct shadow *s;

	F.phase = drain ? PH_DRAIN : PH_EXPIRE;
	promise_table_expire(F.pt, F.now, drain);
	for (s = F.head; s; s = s->next)
		if (drain || F.now - s->first_ns >= F.opts.timeout_ns)
			fc_fail("promise %llu survived its %s",
				(unsigned long long)s->promise,
				drain ? "drain" : "deadline");
	check_stats();
}

static void op_chunk(struct fz_in *in, bool fill)
{
	struct ba_chunk *ch = calloc(1, sizeof(*ch));
	size_t n;

	if (!ch)
		fc_fail("out of memory");
	ch->type = BA_REC_CHUNK;
	ch->kind = fz_u8(in);
	ch->field = fz_u8(in);
	ch->flags = fz_u8(in);
	ch->promise = fz_u8(in);
	ch->seq = fz_u16(in);
	ch->len = fz_u16(in);
	if (fill) {
		n = ch->len < BA_CHUNK_DATA ? ch->len : BA_CHUNK_DATA;
		memset(ch->data, fz_u8(in), n);
	} else {
		const uint8_t *p;

		n = fz_u16(in);
		p = fz_span(in, n, &n);
		if (n > BA_CHUNK_DATA)
			n = BA_CHUNK_DATA;
		memcpy(ch->data, p, n);
	}
	feed(ch, sizeof(*ch));
	free(ch);
}

static void op_header(struct fz_in *in)
{
	uint64_t promise = fz_u8(in);
	uint16_t kind = fz_u8(in), nr = fz_u16(in);
	uint32_t nchunks = fz_u8(in), lost = fz_u8(in);
	struct ba_header h = golden_header(promise, nchunks, lost);
	unsigned int npatch, i;

	h.kind = kind;
	h.syscall = nr;
	h.flags = fz_u8(in);
	h.argc = fz_u16(in);
	h.ret = (int8_t)fz_u8(in);
	h.args[0] = fz_u64(in);
	npatch = fz_u8(in);
	for (i = 0; i < npatch && fz_more(in); i++) {
		size_t off = fz_u16(in) % sizeof(h), n = fz_u8(in);

		if (n > sizeof(h) - off)
			n = sizeof(h) - off;
		fz_bytes(in, (uint8_t *)&h + off, n);
	}
	fc_model_header(&h);
	feed(&h, sizeof(h));
}

static void op_raw(struct fz_in *in)
{
	size_t size = fz_u16(in), n = fz_u16(in);
	uint8_t *rec = calloc(1, size ? size : 1);
	const uint8_t *p;

	if (!rec)
		fc_fail("out of memory");
	p = fz_span(in, n, &n);
	memcpy(rec, p, n < size ? n : size);
	/* a raw header is still a header the kernel wrote: model its tty */
	if (size == sizeof(struct ba_header)) {
		struct ba_header h;

		memcpy(&h, rec, sizeof(h));
		fc_model_header(&h);
		memcpy(rec, &h, sizeof(h));
	}
	feed(rec, size);
	free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size, 0 };
	uint8_t opts = fz_u8(&in);
	const struct promise_stats *st;

	memset(&F, 0, sizeof(F));
	F.opts.max_mem = fz_mem_caps[FZ_OPT_MEM(opts)];
	F.opts.max_chunks = fz_max_chunks[FZ_OPT_CHUNKS(opts)];
	F.opts.timeout_ns = fz_timeouts_ns[FZ_OPT_TIMEOUT(opts)];
	F.opts.emit = on_event;
	F.now = 1000000000ull;
	F.pt = promise_table_new(&F.opts);
	if (!F.pt)
		fc_fail("promise_table_new failed");
	strbuf_init(&F.out);
	while (fz_more(&in)) {
		switch (fz_u8(&in) % OP_MAX) {
		case OP_CHUNK:
			op_chunk(&in, false);
			break;
		case OP_FILL:
			op_chunk(&in, true);
			break;
		case OP_HEADER:
			op_header(&in);
			break;
		case OP_RAW:
			op_raw(&in);
			break;
		case OP_TICK:
			F.now += fz_u16(&in) * 1000000ull;
			expire(0);
			break;
		case OP_CLOCK:
			F.now += fz_u32(&in);
			break;
		case OP_EXPIRE:
			expire(0);
			break;
		case OP_DRAIN:
			expire(1);
			break;
		}
	}
	expire(1);
	st = promise_table_stats(F.pt);
	if (st->pending || st->mem || F.head)
		fc_fail("after the final drain: pending=%llu mem=%llu",
			(unsigned long long)st->pending,
			(unsigned long long)st->mem);
	promise_table_free(F.pt);
	strbuf_free(&F.out);
	return 0;
}
