/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Record serial numbers that never repeat, not even across restarts: the
 * daemon reserves blocks of serials in a state file (written and synced
 * before any serial of the block is used) and starts past the last block.
 */
#ifndef BPFAUDIT_SERIAL_H
#define BPFAUDIT_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#define SERIAL_BLOCK 65536

struct serial_source {
	char path[4096];
	uint64_t next;
	uint64_t ceiling;	/* first serial not yet reserved on disk */
};

int serial_open(struct serial_source *s, const char *state_dir, char *err,
		size_t errlen);
/* The next serial, or 0 when the reservation could not be written. */
uint64_t serial_take(struct serial_source *s);

#endif
