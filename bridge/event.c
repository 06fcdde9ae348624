// SPDX-License-Identifier: GPL-2.0
/* Reassembled events: names for partial reasons, and freeing. */
#include <stdlib.h>
#include <string.h>

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
