/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The watch source's tracepoint mode sees only the inodes a call changed,
 * so a path call that fails, or one that only reads (readlink, getxattr,
 * listxattr), reaches the daemon without them (BA_WATCH_UNSEEN). The daemon looks the call's names up, takes the
 * objects the fentry and lsm modes' security hooks would have noted, and
 * which watches they hit; the rules are then decided here, with the same
 * tests the BPF side uses (match.h).
 */
#ifndef BPFAUDIT_LOOKUP_H
#define BPFAUDIT_LOOKUP_H

#include <stdint.h>

#include "event.h"
#include "rulebank.h"

struct lookup_stats {
	uint64_t events;	/* calls looked up */
	uint64_t unresolved;	/* of them, a name that could not be looked
				 * up from here (another mount namespace,
				 * another user's directory descriptor) */
	uint64_t dropped;	/* of them, wanted by no rule once looked up */
};

/*
 * Fills @ev's objects and watch hits from its names (@rb: the running
 * rules' watches, NULL: none), then, when the BPF side left the rules
 * undecided, decides them. Returns false when the event is not wanted.
 */
bool lookup_watch_event(struct ba_event *ev, const struct rulebank *rb,
			struct lookup_stats *stats);

#endif /* BPFAUDIT_LOOKUP_H */
