/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input formats of the fuzz targets, shared by the targets (which read
 * them) and mkseeds.c (which writes the seed corpora). Integers are little
 * endian; an input that ends early reads as zeros.
 *
 * fuzz_promise: one options byte, then operations until the input ends:
 *   opts: bits 0-1 memory cap, 2-3 chunks per field, 4-5 timeout (tables)
 *   OP_CHUNK  kind:u8 field:u8 flags:u8 promise:u8 seq:u16 len:u16
 *             ndata:u16 data[ndata]     a struct ba_chunk record whose
 *             data[] starts with data (the rest zero); len may lie
 *   OP_FILL   kind:u8 field:u8 flags:u8 promise:u8 seq:u16 len:u16 byte:u8
 *             the same with data[0..len) all set to byte
 *   OP_HEADER promise:u8 kind:u8 syscall:u16 nchunks:u8 lost:u8 flags:u8
 *             argc:u16 ret:i8 a0:u64 npatch:u8
 *             { off:u16 n:u8 bytes[n] } x npatch
 *             an exec header (golden_header) of that kind and syscall,
 *             with byte patches at any offset (type, version, the kind's
 *             own part, tty: all of it)
 *   OP_RAW    size:u16 ndata:u16 data[ndata]
 *             a record of any size: data, then zeros up to size
 *   OP_TICK   ms:u16                    clock forward, then expire
 *   OP_CLOCK  ns:u32                    clock forward only
 *   OP_EXPIRE                           expire at the current time
 *   OP_DRAIN                            hand on everything (shutdown)
 * Every input ends with a drain.
 *
 * fuzz_format: flags:u8 (bit 0 set: no header; bits 1-3 partial reason;
 *   bit 4 script file valid) missing:u32 sec:u64 msec:u16 serial:u64
 *   argc2:u16 header[sizeof(struct ba_header)]
 *   script[sizeof(struct ba_file)], then for each field 1..BA_FIELD_MAX-1:
 *   fflags:u8 (bit 7 present, bits 0-2 chunk flags) len:u16 bytes[len]
 *
 * fuzz_config: the text itself.
 */
#ifndef BPFAUDIT_FUZZ_INPUT_H
#define BPFAUDIT_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum fuzz_op {
	OP_CHUNK,
	OP_FILL,
	OP_HEADER,
	OP_RAW,
	OP_TICK,
	OP_CLOCK,
	OP_EXPIRE,
	OP_DRAIN,
	OP_MAX
};

#define FZ_OPT_MEM(o)		((o) & 3)
#define FZ_OPT_CHUNKS(o)	(((o) >> 2) & 3)
#define FZ_OPT_TIMEOUT(o)	(((o) >> 4) & 3)
#define FZ_OPTS(mem, chunks, timeout) \
	((uint8_t)((mem) | (chunks) << 2 | (timeout) << 4))

/* The memory caps: small, so that the cap pushes events out often. */
static const size_t fz_mem_caps[4] = { 8192, 32768, 131072, 1 << 20 };
/* Chunks per field: the daemon's is argv_max / 4096 + 2 (258 default). */
static const uint32_t fz_max_chunks[4] = { 1, 3, 8, 258 };
static const uint64_t fz_timeouts_ns[4] = { 1000000ull, 100000000ull,
					    2000000000ull, 60000000000ull };

#define FZ_FMT_NO_HEADER	(1u << 0)
#define FZ_FMT_PARTIAL(f)	(((f) >> 1) & 7)
#define FZ_FMT_SCRIPT		(1u << 4)
#define FZ_FIELD_PRESENT	(1u << 7)

/* A cursor over the fuzzer's input. */
struct fz_in {
	const uint8_t *p;
	size_t len, pos;
};

static inline int fz_more(const struct fz_in *in)
{
	return in->pos < in->len;
}

/* Copies n bytes, zero-filling what the input does not have. */
static inline void fz_bytes(struct fz_in *in, void *dst, size_t n)
{
	size_t have = in->pos < in->len ? in->len - in->pos : 0;

	if (have > n)
		have = n;
	memcpy(dst, in->p + in->pos, have);
	memset((uint8_t *)dst + have, 0, n - have);
	in->pos += have;
	if (have < n)
		in->pos = in->len;
}

static inline uint64_t fz_uint(struct fz_in *in, size_t n)
{
	uint8_t b[8];
	uint64_t v = 0;
	size_t i;

	fz_bytes(in, b, n);
	for (i = n; i > 0; i--)
		v = v << 8 | b[i - 1];
	return v;
}

#define fz_u8(in)	((uint8_t)fz_uint(in, 1))
#define fz_u16(in)	((uint16_t)fz_uint(in, 2))
#define fz_u32(in)	((uint32_t)fz_uint(in, 4))
#define fz_u64(in)	fz_uint(in, 8)

/* A pointer to up to n bytes of the input itself; *got says how many. */
static inline const uint8_t *fz_span(struct fz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p + in->pos;
	size_t have = in->len - in->pos;

	*got = n < have ? n : have;
	in->pos += *got;
	return p;
}

#endif /* BPFAUDIT_FUZZ_INPUT_H */
