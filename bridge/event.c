// SPDX-License-Identifier: GPL-2.0
/* Reassembled events: names for partial reasons, file identities, and
 * freeing. */
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "event.h"

const char *partial_reason_name(enum partial_reason r)
{
	switch (r) {
	case PARTIAL_NONE:
		return "none";
	case PARTIAL_KERNEL_LOST:
		return "kernel_lost";
	case PARTIAL_TIMEOUT:
		return "timeout";
	case PARTIAL_MEMORY:
		return "memory";
	case PARTIAL_NO_HEADER:
		return "no_header";
	case PARTIAL_DRAIN:
		return "shutdown";
	}
	return "unknown";
}

void event_free(struct ba_event *ev)
{
	int i;

	for (i = 0; i < BA_FIELD_MAX; i++)
		free(ev->field[i].data);
	memset(ev, 0, sizeof(*ev));
}

uint32_t ba_kernel_dev(dev_t d)
{
	return (major(d) << 20) | minor(d);
}

void ba_file_from_stat(struct ba_file *f, const struct stat *st)
{
	f->ino = st->st_ino;
	f->dev = ba_kernel_dev(st->st_dev);
	f->rdev = ba_kernel_dev(st->st_rdev);
	f->mode = st->st_mode;
	f->uid = st->st_uid;
	f->gid = st->st_gid;
	f->valid = 1;
}
