// SPDX-License-Identifier: GPL-2.0
/*
 * The promise table: reassembles events from ring-buffer records keyed by
 * promise id, hands on complete ones at once and incomplete ones at their
 * deadline or when memory runs short, and counts everything odd it sees.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "promise.h"

struct piece {
	char *data;
	uint32_t len;
	uint8_t flags;
	bool have;
};

struct field_asm {
	struct piece *pieces;
	uint32_t npieces;
};

struct pending {
	uint64_t promise;
	uint64_t first_ns;
	uint16_t kind;
	uint32_t chunks;
	size_t mem;
	struct ba_header hdr;
	bool have_header;
	struct field_asm fields[BA_FIELD_MAX];
	struct pending *hash_next;
	struct pending *older, *newer;	/* age list, oldest first */
};

struct promise_table {
	struct promise_opts opts;
	struct pending **buckets;
	size_t nbuckets;
	struct pending *oldest, *newest;
	struct promise_stats stats;
};

static size_t bucket_of(const struct promise_table *pt, uint64_t promise)
{
	promise ^= promise >> 33;
	promise *= 0xff51afd7ed558ccdULL;
	promise ^= promise >> 33;
	return promise & (pt->nbuckets - 1);
}

struct promise_table *promise_table_new(const struct promise_opts *opts)
{
	struct promise_table *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	pt->opts = *opts;
	pt->nbuckets = 1024;
	pt->buckets = calloc(pt->nbuckets, sizeof(*pt->buckets));
	if (!pt->buckets) {
		free(pt);
		return NULL;
	}
	return pt;
}

static void pending_free(struct pending *p)
{
	int f;
	uint32_t i;

	for (f = 0; f < BA_FIELD_MAX; f++) {
		for (i = 0; i < p->fields[f].npieces; i++)
			free(p->fields[f].pieces[i].data);
		free(p->fields[f].pieces);
	}
	free(p);
}

static struct pending *lookup(struct promise_table *pt, uint64_t promise)
{
	struct pending *p = pt->buckets[bucket_of(pt, promise)];

	while (p && p->promise != promise)
		p = p->hash_next;
	return p;
}

static void grow(struct promise_table *pt)
{
	size_t n = pt->nbuckets * 2, i;
	struct pending **nb = calloc(n, sizeof(*nb));
	struct pending **old = pt->buckets;
	size_t oldn = pt->nbuckets;

	if (!nb)
		return;	/* keep the smaller table: slower, still correct */
	pt->buckets = nb;
	pt->nbuckets = n;
	for (i = 0; i < oldn; i++) {
		struct pending *p = old[i], *next;

		for (; p; p = next) {
			size_t b = bucket_of(pt, p->promise);

			next = p->hash_next;
			p->hash_next = nb[b];
			nb[b] = p;
		}
	}
	free(old);
}

static struct pending *insert(struct promise_table *pt, uint64_t promise,
			      uint16_t kind, uint64_t now_ns)
{
	struct pending *p = calloc(1, sizeof(*p));
	size_t b;

	if (!p)
		return NULL;
	if (pt->stats.pending >= pt->nbuckets)
		grow(pt);
	p->promise = promise;
	p->kind = kind;
	p->first_ns = now_ns;
	p->mem = sizeof(*p);
	b = bucket_of(pt, promise);
	p->hash_next = pt->buckets[b];
	pt->buckets[b] = p;
	p->older = pt->newest;
	if (pt->newest)
		pt->newest->newer = p;
	else
		pt->oldest = p;
	pt->newest = p;
	pt->stats.pending++;
	pt->stats.mem += p->mem;
	return p;
}

static void unlink_pending(struct promise_table *pt, struct pending *p)
{
	struct pending **pp = &pt->buckets[bucket_of(pt, p->promise)];

	while (*pp != p)
		pp = &(*pp)->hash_next;
	*pp = p->hash_next;
	if (p->older)
		p->older->newer = p->newer;
	else
		pt->oldest = p->newer;
	if (p->newer)
		p->newer->older = p->older;
	else
		pt->newest = p->older;
	pt->stats.pending--;
	pt->stats.mem -= p->mem;
}

/* Joins a field's pieces in sequence order; returns the pieces missing. */
static uint32_t assemble_field(struct field_asm *fa, struct ba_field_data *out)
{
	uint32_t i, missing = 0;
	size_t len = 0;
	char *data;

	for (i = 0; i < fa->npieces; i++)
		len += fa->pieces[i].len;
	data = malloc(len + 1);
	if (!data)
		return fa->npieces;
	len = 0;
	for (i = 0; i < fa->npieces; i++) {
		struct piece *pc = &fa->pieces[i];

		if (!pc->have) {
			missing++;
			continue;
		}
		memcpy(data + len, pc->data, pc->len);
		len += pc->len;
		out->flags |= pc->flags;
	}
	data[len] = '\0';
	out->data = data;
	out->len = len;
	out->present = true;
	return missing;
}

static void finish(struct promise_table *pt, struct pending *p,
		   enum partial_reason why)
{
	struct ba_event ev;
	uint32_t missing = 0;
	int f;

	memset(&ev, 0, sizeof(ev));
	unlink_pending(pt, p);
	ev.hdr = p->hdr;
	ev.have_header = p->have_header;
	if (!p->have_header)
		ev.hdr.kind = p->kind;
	for (f = 0; f < BA_FIELD_MAX; f++)
		if (p->fields[f].npieces)
			missing += assemble_field(&p->fields[f], &ev.field[f]);
	/* With a header, what it announced and what the kernel could not
	 * send; gaps between received pieces are already among those. */
	if (p->have_header)
		missing = (p->chunks < p->hdr.nchunks ?
				   p->hdr.nchunks - p->chunks : 0) +
			  p->hdr.lost_chunks;
	if (why == PARTIAL_NONE && missing)
		why = PARTIAL_KERNEL_LOST;
	/* Chunks whose header never came are never written, whatever
	 * ended their wait. */
	if (!p->have_header)
		why = PARTIAL_NO_HEADER;
	ev.partial = why;
	ev.chunks_missing = missing;
	if (why == PARTIAL_NONE) {
		pt->stats.complete++;
	} else {
		pt->stats.partial[ev.hdr.kind][why]++;
	}
	pending_free(p);
	pt->opts.emit(&ev, pt->opts.ctx);
	event_free(&ev);
}

static void charge(struct promise_table *pt, struct pending *p, size_t bytes)
{
	p->mem += bytes;
	pt->stats.mem += bytes;
}

static void enforce_memory_cap(struct promise_table *pt)
{
	while (pt->stats.mem > pt->opts.max_mem && pt->oldest)
		finish(pt, pt->oldest, PARTIAL_MEMORY);
}

static bool complete(const struct pending *p)
{
	return p->have_header && p->chunks >= p->hdr.nchunks;
}

static int feed_chunk(struct promise_table *pt, const struct ba_chunk *ch,
		      uint64_t now_ns)
{
	struct pending *p;
	struct field_asm *fa;
	struct piece *pc;

	if (ch->field == 0 || ch->field >= BA_FIELD_MAX ||
	    ch->len > BA_CHUNK_DATA || ch->seq >= pt->opts.max_chunks ||
	    ch->kind == 0 || ch->kind >= BA_KIND_MAX)
		return -1;
	/* only argv is read piecewise; every other field is one chunk */
	if (ch->seq > 0 && ch->field != BA_FIELD_ARGV)
		return -1;
	p = lookup(pt, ch->promise);
	if (!p)
		p = insert(pt, ch->promise, ch->kind, now_ns);
	if (!p)
		return -1;
	fa = &p->fields[ch->field];
	if (ch->seq >= fa->npieces) {
		uint32_t n = ch->seq + 1;
		struct piece *np = realloc(fa->pieces, n * sizeof(*np));

		if (!np)
			return -1;
		memset(np + fa->npieces, 0, (n - fa->npieces) * sizeof(*np));
		charge(pt, p, (n - fa->npieces) * sizeof(*np));
		fa->pieces = np;
		fa->npieces = n;
	}
	pc = &fa->pieces[ch->seq];
	if (pc->have) {
		pt->stats.duplicate++;
		return 0;
	}
	pc->data = malloc(ch->len ? ch->len : 1);
	if (!pc->data)
		return -1;
	memcpy(pc->data, ch->data, ch->len);
	pc->len = ch->len;
	pc->flags = ch->flags;
	pc->have = true;
	p->chunks++;
	charge(pt, p, ch->len);
	if (complete(p))
		finish(pt, p, PARTIAL_NONE);
	else
		enforce_memory_cap(pt);
	return 0;
}

static int feed_header(struct promise_table *pt, const struct ba_header *h,
		       uint64_t now_ns)
{
	struct pending *p;

	if (h->kind == 0 || h->kind >= BA_KIND_MAX ||
	    h->version != BA_WIRE_VERSION)
		return -1;
	p = lookup(pt, h->promise);
	if (p && p->have_header) {
		pt->stats.duplicate++;
		return 0;
	}
	if (!p)
		p = insert(pt, h->promise, h->kind, now_ns);
	if (!p)
		return -1;
	p->hdr = *h;
	p->have_header = true;
	if (complete(p))
		finish(pt, p, PARTIAL_NONE);
	else
		enforce_memory_cap(pt);
	return 0;
}

int promise_table_feed(struct promise_table *pt, const void *rec, size_t len,
		       uint64_t now_ns)
{
	uint32_t type;
	int ret = -1;

	pt->stats.records++;
	if (len < sizeof(type))
		goto out;
	memcpy(&type, rec, sizeof(type));
	if (type == BA_REC_CHUNK && len == sizeof(struct ba_chunk))
		ret = feed_chunk(pt, rec, now_ns);
	else if (type == BA_REC_HEADER && len == sizeof(struct ba_header))
		ret = feed_header(pt, rec, now_ns);
out:
	if (ret)
		pt->stats.malformed++;
	return ret;
}

void promise_table_expire(struct promise_table *pt, uint64_t now_ns, int drain)
{
	while (pt->oldest) {
		struct pending *p = pt->oldest;

		if (!drain && now_ns - p->first_ns < pt->opts.timeout_ns)
			break;
		finish(pt, p, drain ? PARTIAL_DRAIN : PARTIAL_TIMEOUT);
	}
}

const struct promise_stats *promise_table_stats(const struct promise_table *pt)
{
	return &pt->stats;
}

void promise_table_free(struct promise_table *pt)
{
	struct pending *p, *next;

	if (!pt)
		return;
	for (p = pt->oldest; p; p = next) {
		next = p->newer;
		pending_free(p);
	}
	free(pt->buckets);
	free(pt);
}
