/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reassembled event: the header and every data field put back together
 * from its chunks, plus what the daemon added before formatting.
 */
#ifndef BPFAUDIT_EVENT_H
#define BPFAUDIT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "../bpf/wire.h"

struct ba_field_data {
	char *data;
	size_t len;
	unsigned int flags;	/* BA_CHUNK_* seen on any of its chunks */
	bool present;
};

/* Why an event is written as partial. */
enum partial_reason {
	PARTIAL_NONE = 0,
	PARTIAL_KERNEL_LOST,	/* the BPF side could not reserve chunks */
	PARTIAL_TIMEOUT,	/* chunks missing at the deadline */
	PARTIAL_MEMORY,		/* pushed out by the table's memory cap */
	PARTIAL_NO_HEADER,	/* chunks without a header */
	PARTIAL_DRAIN,		/* still incomplete at shutdown */
};

struct ba_event {
	struct ba_header hdr;
	bool have_header;
	enum partial_reason partial;
	uint32_t chunks_missing;
	struct ba_field_data field[BA_FIELD_MAX];
	/* Added by the daemon: what the tracepoint mode cannot see in-kernel. */
	struct ba_file script;	/* the #! script file itself */
	const char *key;	/* the matching rule's keys, NULL: none */
};

const char *partial_reason_name(enum partial_reason r);
/* A dev_t as the kernel keeps it (major << 20 | minor), as events carry. */
uint32_t ba_kernel_dev(dev_t d);
/* A file's identity and attributes from stat(2), as a PATH record has them. */
void ba_file_from_stat(struct ba_file *f, const struct stat *st);
void event_free(struct ba_event *ev);

#endif
