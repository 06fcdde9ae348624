// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the record formatter on events built straight from the
 * input (header, script file, every data field; see fuzz_input.h), and
 * format_execve() on its own. The records must keep every invariant of
 * fuzz_check.h and the EXECVE arguments must decode back to the capture.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "format.h"
#include "strbuf.h"
#include "fuzz_check.h"
#include "fuzz_input.h"

/* Kept across inputs: growing a fresh buffer each time costs page faults
 * that would dominate the run. */
static struct strbuf out;

static void check_execve(const char *argv, size_t len, unsigned int argc,
			 const struct audit_stamp *st)
{
	int n;

	strbuf_reset(&out);
	n = format_execve(&out, st, argv, len, argc);
	if (out.failed)
		fc_fail("out of memory formatting");
	fc_check_execve_only(out.buf, out.len, st, argv, len, argc, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size, 0 };
	struct ba_event ev;
	struct audit_stamp st;
	unsigned int argc2;
	uint8_t flags;
	int f;

	memset(&ev, 0, sizeof(ev));
	flags = fz_u8(&in);
	ev.have_header = !(flags & FZ_FMT_NO_HEADER);
	ev.partial = FZ_FMT_PARTIAL(flags) % (PARTIAL_DRAIN + 1);
	ev.chunks_missing = fz_u32(&in);
	st.sec = fz_u64(&in);
	st.msec = fz_u16(&in) % 1000;	/* the daemon's: ns / 1e6 % 1000 */
	st.serial = fz_u64(&in);
	argc2 = fz_u16(&in);
	fz_bytes(&in, &ev.hdr, sizeof(ev.hdr));
	fz_bytes(&in, &ev.script, sizeof(ev.script));
	if (flags & FZ_FMT_SCRIPT)
		ev.script.valid = 1;
	fc_model_header(&ev.hdr);
	for (f = 1; f < BA_FIELD_MAX; f++) {
		uint8_t ff = fz_u8(&in);
		size_t len = fz_u16(&in);
		struct ba_field_data *d = &ev.field[f];

		if (!(ff & FZ_FIELD_PRESENT))
			continue;
		d->present = true;
		d->flags = ff & (BA_CHUNK_LAST | BA_CHUNK_FAULT | BA_CHUNK_TRUNC);
		/* exactly sized, NUL-terminated like promise.c's fields, so
		 * that ASan sees any read past them */
		d->data = malloc(len + 1);
		if (!d->data)
			fc_fail("out of memory");
		fz_bytes(&in, d->data, len);
		d->data[len] = '\0';
		d->len = len;
	}
	fc_check_event(&ev, &st, &out, false);
	if (ev.field[BA_FIELD_ARGV].present) {
		const struct ba_field_data *a = &ev.field[BA_FIELD_ARGV];
		/* no terminating NUL in reach: a capture cut anywhere */
		char *exact = malloc(a->len ? a->len : 1);

		if (!exact)
			fc_fail("out of memory");
		memcpy(exact, a->data, a->len);
		/* format_event() covered hdr.argc; another argc here */
		check_execve(exact, a->len, argc2, &st);
		free(exact);
	}
	event_free(&ev);
	return 0;
}
