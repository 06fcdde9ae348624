// SPDX-License-Identifier: GPL-2.0
/*
 * replay: bpfauditd's ceiling apart from the kernel. Synthesises the
 * ring-buffer records of realistic exec events (data chunks for filename,
 * argv, cwd and exe, then the header, as bpf/wire.h lays them out and
 * bpf/exec.h emits them, two CPUs' events interleaved) into memory, then
 * times feeding them through the daemon's own reassembly (promise.c) and
 * formatting (format.c) on the calling thread, the way bpfauditd's ring
 * callback and event callback do. Synthesis is not timed; neither is any
 * I/O: the formatted text is handed on in 256 KiB batches and dropped.
 *
 * The daemon's enrichment is represented by its cache-hit path (joining
 * the exe path, setting the loader name); serials by a counter.
 *
 *   replay [-n EVENTS] [-p PASSES] [-s SEED]
 *
 * Built by bench/run.sh with cc, compiling in bridge/{strbuf,encode,event,
 * promise}.c and bridge/format*.c. Output, one line of key=value pairs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "promise.h"
#include "strbuf.h"

#define OUT_FLUSH_BYTES (256 * 1024)

struct rec {
	void *data;
	size_t len;
	__u64 *promise;		/* where the record carries its promise id */
};

struct sink {
	struct strbuf out;
	uint64_t serial;
	uint64_t events;
	uint64_t audit_records;
	uint64_t lines;
	uint64_t bytes;
	uint64_t partial;
};

static uint64_t rng_state = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static uint32_t between(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static const char *const progs[] = {
	"/usr/bin/ls", "/usr/bin/grep", "/usr/bin/cc", "/usr/bin/git",
	"/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "/usr/bin/sed",
	"/usr/bin/python3.11", "/usr/bin/cat", "/usr/sbin/sshd",
	"/usr/bin/systemctl", "/usr/bin/dpkg", "/usr/bin/make",
};
static const char *const words[] = {
	"-c", "--color=auto", "-O2", "-Wall", "-I/usr/include/x86_64-linux-gnu",
	"src/main.c", "--", "-o", "build/obj/main.o", "status", "HEAD~1",
	"s/foo/bar/g", "/etc/passwd", "-la", "--no-pager", "hello world",
	"-DPACKAGE_VERSION=\"1.0\"", "/var/log/syslog", "-fPIC", "-MD",
};
static const char *const dirs[] = {
	"home", "alice", "src", "project", "build", "var", "lib", "tmp",
	"work", "usr", "share", "doc",
};

/* Leaf-first, NUL-separated path components, as the BPF side sends them. */
static size_t make_comps(char *dst, size_t cap, int depth)
{
	size_t off = 0;
	int i;

	for (i = 0; i < depth; i++) {
		const char *d = dirs[rnd() % (sizeof(dirs) / sizeof(*dirs))];
		size_t n = strlen(d) + 1;

		if (off + n > cap)
			break;
		memcpy(dst + off, d, n);
		off += n;
	}
	return off;
}

/* Mostly short command lines, some compiler-sized, a few over a chunk. */
static size_t make_argv(char *dst, size_t cap, const char *prog,
			uint32_t *argc)
{
	uint32_t kind = rnd() % 100, n, i;
	size_t off, len;

	if (kind < 70)
		n = between(1, 4);
	else if (kind < 95)
		n = between(5, 40);
	else
		n = between(100, 300);
	len = strlen(prog) + 1;
	memcpy(dst, prog, len);
	off = len;
	for (i = 0; i < n; i++) {
		const char *w = words[rnd() % (sizeof(words) / sizeof(*words))];

		len = strlen(w) + 1;
		if (off + len > cap)
			break;
		memcpy(dst + off, w, len);
		off += len;
	}
	*argc = i + 1;
	return off;
}

static struct ba_chunk *new_chunk(uint64_t promise, int field, uint32_t seq)
{
	struct ba_chunk *ch = calloc(1, sizeof(*ch));

	if (!ch) {
		perror("calloc");
		exit(1);
	}
	ch->type = BA_REC_CHUNK;
	ch->kind = BA_KIND_EXEC;
	ch->field = field;
	ch->promise = promise;
	ch->seq = seq;
	return ch;
}

static void fill_file(struct ba_file *f, uint64_t ino)
{
	f->ino = ino;
	f->dev = (254u << 20) | 0;
	f->mode = 0100755;
	f->valid = 1;
}

/* One event's records, chunks first, header last; returns how many. */
static int make_event(struct rec *out, uint64_t promise)
{
	static char buf[16 * BA_CHUNK_DATA];
	const char *prog = progs[rnd() % (sizeof(progs) / sizeof(*progs))];
	struct ba_header *h = calloc(1, sizeof(*h));
	struct ba_chunk *ch;
	uint32_t argc, seq;
	size_t len, off;
	int n = 0;

	if (!h) {
		perror("calloc");
		exit(1);
	}
	/* filename, as given to execve */
	ch = new_chunk(promise, BA_FIELD_FILENAME, 0);
	ch->len = strlen(prog);
	memcpy(ch->data, prog, ch->len);
	ch->flags = BA_CHUNK_LAST;
	out[n++] = (struct rec){ ch, sizeof(*ch), &ch->promise };
	/* argv, piecewise in full chunks */
	len = make_argv(buf, sizeof(buf), prog, &argc);
	for (seq = 0, off = 0; off < len; seq++, off += BA_CHUNK_DATA) {
		size_t piece = len - off < BA_CHUNK_DATA ? len - off :
							   BA_CHUNK_DATA;

		ch = new_chunk(promise, BA_FIELD_ARGV, seq);
		ch->len = piece;
		memcpy(ch->data, buf + off, piece);
		if (off + piece >= len)
			ch->flags = BA_CHUNK_LAST;
		out[n++] = (struct rec){ ch, sizeof(*ch), &ch->promise };
	}
	/* cwd and exe, leaf first */
	ch = new_chunk(promise, BA_FIELD_CWD, 0);
	ch->len = make_comps((char *)ch->data, BA_CHUNK_DATA, between(1, 6));
	ch->flags = BA_CHUNK_LAST;
	out[n++] = (struct rec){ ch, sizeof(*ch), &ch->promise };
	ch = new_chunk(promise, BA_FIELD_EXE, 0);
	len = strlen(prog);
	{
		/* the program's own path, reversed into components */
		char tmp[256], *parts[16];
		int np = 0, i;

		memcpy(tmp, prog + 1, len);
		parts[np++] = strtok(tmp, "/");
		while (np < 16 && (parts[np] = strtok(NULL, "/")))
			np++;
		for (off = 0, i = np - 1; i >= 0; i--) {
			size_t pl = strlen(parts[i]) + 1;

			memcpy(ch->data + off, parts[i], pl);
			off += pl;
		}
		ch->len = off;
	}
	ch->flags = BA_CHUNK_LAST;
	out[n++] = (struct rec){ ch, sizeof(*ch), &ch->promise };

	h->type = BA_REC_HEADER;
	h->kind = BA_KIND_EXEC;
	h->version = BA_WIRE_VERSION;
	h->promise = promise;
	h->boot_ns = 1000000000ull * between(100, 100000);
	h->nchunks = n;
	h->flags = BA_HDR_EXEC_SEEN;
	h->syscall = 59;
	h->args[0] = 0x55ca6975bfb0ull + rnd();
	h->args[1] = 0x55ca6975bc90ull + rnd();
	h->args[2] = 0x55ca69741240ull;
	h->args[3] = 0xd567c577f737a790ull;
	h->argc = argc;
	h->arch = 0xc000003e;
	h->task.pid = h->task.tid = between(1000, 4000000);
	h->task.ppid = between(1, 4000000);
	h->task.auid = between(0, 3) ? 1000 : 4294967295u;
	h->task.ses = h->task.auid == 1000 ? between(1, 20) : 4294967295u;
	h->task.uid = h->task.euid = h->task.suid = h->task.fsuid =
		h->task.auid == 1000 ? 1000 : 0;
	h->task.gid = h->task.egid = h->task.sgid = h->task.fsgid =
		h->task.uid;
	h->task.cgroup_id = between(1, 5000);
	h->task.mnt_ns = 4026531832u;
	h->task.pid_ns = 4026531836u;
	snprintf(h->task.comm, sizeof(h->task.comm), "%s",
		 strrchr(prog, '/') + 1);
	if (h->task.auid == 1000)
		snprintf(h->task.tty, sizeof(h->task.tty), "pts%u",
			 between(0, 9));
	fill_file(&h->exe, between(100000, 900000));
	h->bin = h->exe;
	fill_file(&h->elf_interp, 332383);
	out[n++] = (struct rec){ h, sizeof(*h), &h->promise };
	return n;
}

/* What bpfauditd's on_event does, minus the disk. */
static void on_event(struct ba_event *ev, void *ctx)
{
	static const char loader[] = "/lib64/ld-linux-x86-64.so.2";
	struct sink *s = ctx;
	struct ba_field_data *d;
	struct audit_stamp st;
	struct strbuf path;
	uint64_t real_ns;
	int recs;

	if (!ev->have_header)
		return;
	if (ev->partial != PARTIAL_NONE)
		s->partial++;
	/* enrich_event's cache hit: join the exe path, set the loader */
	strbuf_init(&path);
	format_join_path(&path, ev->field[BA_FIELD_EXE].data,
			 ev->field[BA_FIELD_EXE].len);
	strbuf_free(&path);
	d = &ev->field[BA_FIELD_ELF_INTERP];
	d->data = malloc(sizeof(loader));
	if (d->data) {
		memcpy(d->data, loader, sizeof(loader));
		d->len = sizeof(loader) - 1;
		d->present = true;
	}
	real_ns = ev->hdr.boot_ns + 1700000000000000000ull;
	st.sec = real_ns / 1000000000ull;
	st.msec = (real_ns / 1000000ull) % 1000;
	st.serial = ++s->serial;
#ifdef REPLAY_DUMP
	size_t from = s->out.len;
#endif
	recs = format_event(ev, &st, &s->out);
#ifdef REPLAY_DUMP
	if (s->serial <= 3)
		fwrite(s->out.buf + from, 1, s->out.len - from, stderr);
#endif
	if (recs > 0) {
		s->events++;
		s->audit_records += recs;
	}
	if (s->out.len >= OUT_FLUSH_BYTES) {
		size_t i;

		/* daemon_flush_output counts the lines it wrote */
		for (i = 0; i < s->out.len; i++)
			s->lines += s->out.buf[i] == '\n';
		s->bytes += s->out.len;
		strbuf_reset(&s->out);
	}
}

int main(int argc, char **argv)
{
	unsigned long nevents = 8192, passes = 20, i, p;
	struct sink sink = { 0 };
	struct promise_opts po = {
		.timeout_ns = 2000ull * 1000000ull,
		.max_mem = 64ull << 20,
		.max_chunks = 1048576 / BA_CHUNK_DATA + 2,
		.emit = on_event,
		.ctx = &sink,
	};
	struct promise_table *pt;
	struct rec *recs, *ev_recs;
	size_t nrecs = 0, cap;
	uint64_t timed = 0, fed = 0;
	int c;

	while ((c = getopt(argc, argv, "n:p:s:")) != -1) {
		switch (c) {
		case 'n':
			nevents = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			passes = strtoul(optarg, NULL, 10);
			break;
		case 's':
			rng_state = strtoull(optarg, NULL, 10) | 1;
			break;
		default:
			fputs("usage: replay [-n EVENTS] [-p PASSES] [-s SEED]\n",
			      stderr);
			return 2;
		}
	}
	if (!nevents || !passes)
		return 2;
	/* Two CPUs' events interleave on the ring: chunks of events 2k and
	 * 2k+1 alternate, then their headers. */
	cap = nevents * 32;
	recs = calloc(cap, sizeof(*recs));
	ev_recs = calloc(2 * 32, sizeof(*ev_recs));
	if (!recs || !ev_recs)
		return 1;
	for (i = 0; i < nevents; i += 2) {
		int na = make_event(ev_recs, i), nb = 0, ia = 0, ib = 0;

		if (i + 1 < nevents)
			nb = make_event(ev_recs + 32, i + 1);
		while (ia < na - 1 || ib < nb - 1) {
			if (ia < na - 1)
				recs[nrecs++] = ev_recs[ia++];
			if (ib < nb - 1)
				recs[nrecs++] = ev_recs[32 + ib++];
		}
		recs[nrecs++] = ev_recs[na - 1];
		if (nb)
			recs[nrecs++] = ev_recs[32 + nb - 1];
	}
	pt = promise_table_new(&po);
	if (!pt)
		return 1;
	strbuf_init(&sink.out);
	for (p = 0; p < passes; p++) {
		uint64_t t0;

		/* fresh promise ids for this pass (not timed) */
		for (i = 0; i < nrecs; i++)
			*recs[i].promise = (*recs[i].promise % nevents) +
					   (p + 1) * nevents;
		t0 = now_ns();
		for (i = 0; i < nrecs; i++)
			promise_table_feed(pt, recs[i].data, recs[i].len,
					   now_ns());
		timed += now_ns() - t0;
		fed += nrecs;
	}
	sink.bytes += sink.out.len;
	{
		const struct promise_stats *ps = promise_table_stats(pt);
		double sec = timed / 1e9;

		printf("events=%llu ring_records=%llu audit_records=%llu "
		       "bytes=%llu seconds=%.4f events_per_s=%.0f "
		       "ring_records_per_s=%.0f audit_records_per_s=%.0f "
		       "mb_per_s=%.1f complete=%llu partial=%llu "
		       "malformed=%llu pending=%llu\n",
		       (unsigned long long)sink.events,
		       (unsigned long long)fed,
		       (unsigned long long)sink.audit_records,
		       (unsigned long long)sink.bytes, sec, sink.events / sec,
		       fed / sec, sink.audit_records / sec,
		       sink.bytes / sec / 1e6,
		       (unsigned long long)ps->complete,
		       (unsigned long long)sink.partial,
		       (unsigned long long)ps->malformed,
		       (unsigned long long)ps->pending);
	}
	promise_table_free(pt);
	strbuf_free(&sink.out);
	return 0;
}
