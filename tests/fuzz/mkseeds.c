// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of fuzz_promise and fuzz_format (in the input
 * formats of fuzz_input.h) from the unit tests' golden events:
 *
 *   mkseeds DIR    writes the files of DIR/promise/ and DIR/format/
 *
 * The seeds are committed under tests/fuzz/corpus/; run.sh also rebuilds
 * them on every run, so they follow any change of the formats.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "golden.h"
#include "fuzz_input.h"

struct out {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct out *o, const void *data, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		o->p = realloc(o->p, o->cap);
		if (!o->p) {
			perror("mkseeds");
			exit(1);
		}
	}
	memcpy(o->p + o->len, data, n);
	o->len += n;
}

static void put_uint(struct out *o, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(o, b, n);
}

#define put_u8(o, v)	put_uint(o, v, 1)
#define put_u16(o, v)	put_uint(o, v, 2)
#define put_u32(o, v)	put_uint(o, v, 4)
#define put_u64(o, v)	put_uint(o, v, 8)

static const char *outdir;

static void save(struct out *o, const char *target, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(o->p, 1, o->len, f) != o->len || fclose(f)) {
		perror(path);
		exit(1);
	}
	free(o->p);
	memset(o, 0, sizeof(*o));
}

/* fuzz_promise operations */

static void chunk(struct out *o, uint8_t promise, enum ba_field field,
		  uint16_t seq, uint8_t flags, const void *data, size_t len)
{
	put_u8(o, OP_CHUNK);
	put_u8(o, BA_KIND_EXEC);
	put_u8(o, field);
	put_u8(o, flags);
	put_u8(o, promise);
	put_u16(o, seq);
	put_u16(o, len);
	put_u16(o, len);
	put(o, data, len);
}

/* A chunk claiming @claimed bytes with only @len of them in the input. */
static void chunk_lying(struct out *o, uint8_t promise, enum ba_field field,
			uint16_t claimed, const void *data, uint16_t len)
{
	put_u8(o, OP_CHUNK);
	put_u8(o, BA_KIND_EXEC);
	put_u8(o, field);
	put_u8(o, BA_CHUNK_LAST);
	put_u8(o, promise);
	put_u16(o, 0);
	put_u16(o, claimed);
	put_u16(o, len);
	put(o, data, len);
}

static void fill(struct out *o, uint8_t promise, enum ba_field field,
		 uint16_t seq, uint16_t len, uint8_t byte)
{
	put_u8(o, OP_FILL);
	put_u8(o, BA_KIND_EXEC);
	put_u8(o, field);
	put_u8(o, BA_CHUNK_LAST);
	put_u8(o, promise);
	put_u16(o, seq);
	put_u16(o, len);
	put_u8(o, byte);
}

static void patch(struct out *o, size_t off, const void *data, size_t n)
{
	put_u16(o, off);
	put_u8(o, n);
	put(o, data, n);
}

/* The header of the golden echo exec, with its files and comm. */
static void header_of(struct out *o, uint8_t promise, uint8_t kind,
		      uint16_t nr, uint64_t a0, uint8_t nchunks, uint8_t lost,
		      uint8_t flags, uint16_t argc, int8_t ret)
{
	struct ba_event ev;
	const struct ba_header *h = &ev.hdr;

	golden_exec_echo(&ev);
	put_u8(o, OP_HEADER);
	put_u8(o, promise);
	put_u8(o, kind);
	put_u16(o, nr);
	put_u8(o, nchunks);
	put_u8(o, lost);
	put_u8(o, flags);
	put_u16(o, argc);
	put_u8(o, (uint8_t)ret);
	put_u64(o, a0);
	put_u8(o, 4);
	patch(o, offsetof(struct ba_header, task.comm), h->task.comm,
	      sizeof(h->task.comm));
	patch(o, offsetof(struct ba_header, exe), &h->exe, sizeof(h->exe));
	patch(o, offsetof(struct ba_header, bin), &h->bin, sizeof(h->bin));
	patch(o, offsetof(struct ba_header, elf_interp), &h->elf_interp,
	      sizeof(h->elf_interp));
	event_free(&ev);
}

static void header(struct out *o, uint8_t promise, uint8_t nchunks,
		   uint8_t lost, uint8_t flags, uint16_t argc, int8_t ret)
{
	header_of(o, promise, BA_KIND_EXEC, GOLDEN_NR_EXECVE, 0, nchunks, lost,
		  flags, argc, ret);
}

/* A golden header as a raw record of @size bytes. */
static void raw_header(struct out *o, uint64_t promise, size_t size)
{
	struct ba_header h = golden_header(promise, 1, 0);

	h.argc = 2;
	put_u8(o, OP_RAW);
	put_u16(o, size);
	put_u16(o, sizeof(h));
	put(o, &h, sizeof(h));
}

/* The golden echo event's data chunks; argv split in two when asked. */
static int echo_chunks(struct out *o, uint8_t promise, int split,
		       int reverse)
{
	struct ba_event ev;
	const struct ba_field_data *a;
	int f, n = 0;
	enum ba_field order[] = { BA_FIELD_EXE, BA_FIELD_CWD,
				  BA_FIELD_ELF_INTERP, BA_FIELD_FILENAME,
				  BA_FIELD_ARGV };

	golden_exec_echo(&ev);
	for (f = 0; f < 5; f++) {
		enum ba_field fld = order[reverse ? f : 4 - f];
		const struct ba_field_data *d = &ev.field[fld];

		if (fld == BA_FIELD_ARGV && split) {
			a = d;
			if (reverse) {
				chunk(o, promise, fld, 1, BA_CHUNK_LAST,
				      a->data + 10, a->len - 10);
				chunk(o, promise, fld, 0, 0, a->data, 10);
			} else {
				chunk(o, promise, fld, 0, 0, a->data, 10);
				chunk(o, promise, fld, 1, BA_CHUNK_LAST,
				      a->data + 10, a->len - 10);
			}
			n += 2;
		} else {
			chunk(o, promise, fld, 0, BA_CHUNK_LAST, d->data,
			      d->len);
			n++;
		}
	}
	event_free(&ev);
	return n;
}

static void promise_seeds(void)
{
	static const uint8_t opts_default = FZ_OPTS(3, 3, 2);
	struct out o = { 0 };
	int n, i, k;

	/* an exec in the order the BPF side sends it: chunks, header */
	put_u8(&o, opts_default);
	n = echo_chunks(&o, 1, 0, 0);
	header(&o, 1, n, 0, BA_HDR_EXEC_SEEN, 4, 0);
	save(&o, "promise", "exec_in_order");

	/* header first, argv in two chunks, in reverse */
	put_u8(&o, opts_default);
	header(&o, 2, 6, 0, BA_HDR_EXEC_SEEN, 4, 0);
	echo_chunks(&o, 2, 1, 1);
	save(&o, "promise", "exec_out_of_order");

	/* every record twice, and a second event interleaved */
	put_u8(&o, opts_default);
	n = echo_chunks(&o, 3, 1, 0);
	echo_chunks(&o, 3, 1, 0);
	echo_chunks(&o, 4, 0, 1);
	header(&o, 3, n, 0, BA_HDR_EXEC_SEEN, 4, 0);
	header(&o, 4, 5, 0, BA_HDR_EXEC_SEEN, 4, 0);
	header(&o, 3, n, 0, BA_HDR_EXEC_SEEN, 4, 0);
	save(&o, "promise", "exec_duplicates");

	/* lengths that lie: claimed 4000 with 10 bytes sent, 5000 (more
	 * than a chunk holds), records one byte short and one too long */
	put_u8(&o, opts_default);
	chunk_lying(&o, 5, BA_FIELD_FILENAME, 4000, "/bin/echo!", 10);
	chunk_lying(&o, 5, BA_FIELD_CWD, 5000, "tmp", 4);
	raw_header(&o, 5, sizeof(struct ba_header) + 1);
	raw_header(&o, 5, sizeof(struct ba_header) - 1);
	put_u8(&o, OP_RAW);
	put_u16(&o, sizeof(struct ba_chunk) - 1);
	put_u16(&o, 4);
	put_u32(&o, BA_REC_CHUNK);
	put_u8(&o, OP_RAW);
	put_u16(&o, 3);
	put_u16(&o, 1);
	put_u8(&o, 'C');
	header(&o, 5, 2, 0, BA_HDR_EXEC_SEEN, 1, 0);
	save(&o, "promise", "lying_lengths");

	/* a whole header as a raw record of the right size */
	put_u8(&o, opts_default);
	chunk(&o, 10, BA_FIELD_ARGV, 0, BA_CHUNK_LAST, "true\0raw", 9);
	raw_header(&o, 10, sizeof(struct ba_header));
	save(&o, "promise", "raw_header");

	/* kernel-side loss, a failed exec, and a #! script */
	put_u8(&o, opts_default);
	chunk(&o, 6, BA_FIELD_FILENAME, 0, BA_CHUNK_LAST, "/nonexistent", 12);
	chunk(&o, 6, BA_FIELD_PROCTITLE, 0, BA_CHUNK_LAST, "bash\0/dev/fd/3",
	      15);
	header(&o, 6, 2, 0, 0, 0, -2);
	chunk(&o, 7, BA_FIELD_ARGV, 0, BA_CHUNK_LAST, "/bin/sh\0/tmp/t.sh\0arg",
	      22);
	chunk(&o, 7, BA_FIELD_INTERP, 0, BA_CHUNK_LAST, "/bin/sh", 7);
	chunk(&o, 7, BA_FIELD_FILENAME, 0, BA_CHUNK_LAST, "/tmp/t.sh", 9);
	header(&o, 7, 3, 2, BA_HDR_EXEC_SEEN | BA_HDR_SCRIPT, 3, 0);
	save(&o, "promise", "loss_failed_script");

	/* a deadline passes: the header comes too late, after a tick */
	put_u8(&o, FZ_OPTS(3, 2, 1));
	echo_chunks(&o, 8, 0, 0);
	put_u8(&o, OP_TICK);
	put_u16(&o, 150);
	header(&o, 8, 5, 0, BA_HDR_EXEC_SEEN, 4, 0);
	put_u8(&o, OP_CLOCK);
	put_u32(&o, 50000000);
	put_u8(&o, OP_EXPIRE);
	save(&o, "promise", "timeout");

	/* the memory cap: big argv chunks of many events push out the
	 * oldest; then a drain */
	put_u8(&o, FZ_OPTS(1, 2, 3));
	for (i = 0; i < 12; i++) {
		fill(&o, 20 + i, BA_FIELD_ARGV, 0, 4096, 'a' + i);
		fill(&o, 20 + i, BA_FIELD_ARGV, 1, 100, 'A' + i);
		if (i % 3 == 0)
			header(&o, 20 + i, 2, 0, BA_HDR_EXEC_SEEN, 1, 0);
	}
	put_u8(&o, OP_DRAIN);
	save(&o, "promise", "memory_cap");

	/* a path of two chunks: more than the BPF side ever sends */
	put_u8(&o, opts_default);
	fill(&o, 11, BA_FIELD_CWD, 0, 4096, ' ');
	fill(&o, 11, BA_FIELD_CWD, 1, 4096, '\t');
	header(&o, 11, 2, 0, BA_HDR_EXEC_SEEN, 0, 0);
	save(&o, "promise", "field_chunks");

	/* every other kind, with the syscalls the formatters tell apart
	 * (mmap, mprotect, connect, bind, accept, bpf, setuid, capset,
	 * ptrace, finit_module, delete_module), a path field each */
	for (k = BA_KIND_EXEC + 1; k < BA_KIND_MAX; k++) {
		static const uint16_t nrs[] = { 9, 10, 42, 49, 43, 321, 105,
						126, 101, 313, 176 };
		char name[32];

		put_u8(&o, opts_default);
		for (i = 0; i < (int)(sizeof(nrs) / sizeof(nrs[0])); i++) {
			fill(&o, 40 + i, BA_FIELD_EXE, 0, 20, 'a' + i);
			fill(&o, 40 + i, BA_FIELD_MAX - 1, 0, 20, 'b' + i);
			header_of(&o, 40 + i, k, nrs[i], nrs[i] == 101 ? 16 : 5,
				  2, 0, 0, 0, 0);
		}
		snprintf(name, sizeof(name), "kind_%d", k);
		save(&o, "promise", name);
	}

	/* long fields near the BPF side's limits: a 4096-byte cwd, a
	 * 4095-byte file name, an argv of 3 chunks with a hostile byte */
	put_u8(&o, opts_default);
	fill(&o, 9, BA_FIELD_CWD, 0, 4096, 'd');
	fill(&o, 9, BA_FIELD_FILENAME, 0, 4095, '\n');
	fill(&o, 9, BA_FIELD_ARGV, 0, 4096, 'x');
	fill(&o, 9, BA_FIELD_ARGV, 1, 4096, '"');
	fill(&o, 9, BA_FIELD_ARGV, 2, 10, 0);
	header(&o, 9, 5, 0, BA_HDR_EXEC_SEEN, 3, 0);
	save(&o, "promise", "long_fields");
}

/* fuzz_format inputs */

static void event_seed(const struct ba_event *ev, uint8_t flags,
		       const char *name)
{
	struct out o = { 0 };
	int f;

	put_u8(&o, flags);
	put_u32(&o, ev->chunks_missing);
	put_u64(&o, GOLDEN_SEC);
	put_u16(&o, GOLDEN_MSEC);
	put_u64(&o, GOLDEN_SERIAL);
	put_u16(&o, 2);
	put(&o, &ev->hdr, sizeof(ev->hdr));
	put(&o, &ev->script, sizeof(ev->script));
	for (f = 1; f < BA_FIELD_MAX; f++) {
		const struct ba_field_data *d = &ev->field[f];

		put_u8(&o, d->present ? FZ_FIELD_PRESENT | d->flags : 0);
		put_u16(&o, d->present ? d->len : 0);
		if (d->present)
			put(&o, d->data, d->len);
	}
	save(&o, "format", name);
}

static void format_seeds(void)
{
	struct ba_event ev;
	char *big;
	size_t i;

	golden_exec_echo(&ev);
	event_seed(&ev, 0, "echo");
	event_free(&ev);
	golden_exec_failed(&ev);
	event_seed(&ev, 0, "failed");
	event_free(&ev);
	golden_exec_script(&ev);
	event_seed(&ev, FZ_FMT_SCRIPT, "script");
	event_free(&ev);

	/* partial, with one argument longer than an EXECVE record and a
	 * hostile one: aN_len and pieces, hex */
	golden_exec_echo(&ev);
	big = golden_xmalloc(9000);
	memcpy(big, "true", 5);
	for (i = 5; i < 5 + 8000; i++)
		big[i] = 'a' + i % 26;
	big[i++] = '\0';
	memcpy(big + i, "new\nline", 8);
	i += 8;
	golden_set_field(&ev, BA_FIELD_ARGV, big, i);
	ev.hdr.argc = 3;
	ev.hdr.flags |= BA_HDR_ARGV_TRUNC;
	ev.partial = PARTIAL_KERNEL_LOST;
	ev.chunks_missing = 1;
	event_seed(&ev, 1 << 1, "big_argv");
	free(big);
	event_free(&ev);

	/* Regressions, see fuzz_check.h's known findings: a tty name that
	 * would add a field and a record ("tty"), a sockaddr length past the
	 * header's buffer ("saddr"), and an mmap whose SYSCALL record carries
	 * two 4 KiB paths, hex ("syscall-length"). */
	golden_exec_echo(&ev);
	memcpy(ev.hdr.task.tty, "pts0 uid=0\ntype=X", 18);
	event_seed(&ev, 0, "regress_tty");
	event_free(&ev);
	golden_exec_failed(&ev);
	ev.hdr.kind = BA_KIND_SOCKET;
	ev.hdr.syscall = 42;
	ev.hdr.x.sock.family = 2;
	ev.hdr.x.sock.saddr_len = 100000;
	event_seed(&ev, 0, "regress_saddr");
	event_free(&ev);
	golden_mmap_two_paths(&ev, false);
	event_seed(&ev, 0, "regress_two_paths");
	event_free(&ev);
	golden_mmap_two_paths(&ev, true);
	event_seed(&ev, 0, "regress_no_room");
	event_free(&ev);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	promise_seeds();
	format_seeds();
	return 0;
}
