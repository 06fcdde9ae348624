// SPDX-License-Identifier: GPL-2.0
/*
 * Loading bpfaudit's BPF object through its skeleton: sizing the ring and
 * the tunables, choosing an attach mode per event source, attaching, and
 * reading the kernel-side loss counters.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfaudit.skel.h"
#include "loader.h"
#include "pin.h"

#define TRACEFS "/sys/kernel/tracing"
#define SECURITYFS "/sys/kernel/security"

/*
 * An event source's programs for one attach mode. Every new event kind adds
 * its variants here, best mode first; stage programs shared by several
 * modes (such as the exec image stage) are listed in each.
 */
#define VARIANT_PROGS 80
#define MAX_VARIANTS 32
#define PROBE_RING_BYTES 4096
/* A header wakes the daemon once 1/16 of the ring is waiting. */
#define RING_WAKEUP_PART 16

struct variant {
	int kind;
	enum attach_mode mode;
	struct bpf_program *progs[VARIANT_PROGS];
};

/* The one-syscall kinds (bpf/calls.h): their syscalls, by kind. */
#define KIND_SYSCALLS 48
#define KIND_EXTRAS 3
#define KIND_HOOKS 15

static const struct {
	int kind;
	const char *syscalls[KIND_SYSCALLS];
	const char *extra[KIND_EXTRAS];	/* BTF tracepoint programs it uses */
	/* one entry and one exit program for every syscall, attached to each
	 * one's tracepoints, in every mode */
	const char *shared_enter, *shared_exit;
	/* with shared programs: what tells the mode apart, the BTF
	 * tracepoints of tracepoint mode and the security hooks (programs
	 * fentry_HOOK and lsm_HOOK) of the others */
	const char *tp_extra[KIND_EXTRAS];
	const char *hooks[KIND_HOOKS];
	const char *fentry_extra[KIND_EXTRAS];	/* in fentry and lsm modes */
} call_kinds[] = {
	{ .kind = BA_KIND_MMAP, .syscalls = { "mmap", "mprotect" } },
	{ .kind = BA_KIND_SOCKET,
	  .syscalls = { "connect", "bind", "listen", "accept", "accept4" } },
	{ .kind = BA_KIND_BPF, .syscalls = { "bpf" } },
	{ .kind = BA_KIND_CRED,
	  .syscalls = { "setuid", "setgid", "setreuid", "setregid",
			"setresuid", "setresgid", "setfsuid", "setfsgid",
			"capset" } },
	{ .kind = BA_KIND_PTRACE, .syscalls = { "ptrace" } },
	{ .kind = BA_KIND_MODULE,
	  .syscalls = { "init_module", "finit_module", "delete_module" },
	  .extra = { "module_loaded" } },
	/* the inodes of path calls come from the ctime tracepoints (6.13+)
	 * or from the path calls' security hooks (bpf/watch.h) */
	{ .kind = BA_KIND_WATCH,
	  .syscalls = {
#define WATCH_NAME(name, nr, kind) #name,
		  BA_WATCH_SYSCALLS(WATCH_NAME)
	  },
#undef WATCH_NAME
	  .tp_extra = { "watch_ctime_set", "watch_ctime_xchg",
			"watch_ctime_skip" },
	  .hooks = { "path_unlink", "path_rmdir", "path_mkdir", "path_mknod",
		     "path_symlink", "path_link", "path_rename", "path_chmod",
		     "path_chown", "path_truncate", "inode_setxattr",
		     "inode_removexattr", "inode_readlink", "inode_getxattr",
		     "inode_listxattr" },
	  .fentry_extra = { "fentry_may_open" },
	  .shared_enter = "tp_enter_watch", .shared_exit = "tp_exit_watch" },
};

#define NKINDS (sizeof(call_kinds) / sizeof(call_kinds[0]))

/* A one-syscall kind in one mode: every syscall's entry and exit programs,
 * named PREFIX_SYSCALL by CALL_PROBES. */
static struct variant call_variant(struct bpfaudit_bpf *s, int k,
				   enum attach_mode mode)
{
	const char *enter = mode == ATTACH_TRACEPOINT ? "tp_enter" : "fentry";
	const char *leave = mode == ATTACH_TRACEPOINT ? "tp_exit" : "fexit";
	struct variant v = { .kind = call_kinds[k].kind, .mode = mode };
	int i, n = 0;

	if (call_kinds[k].shared_enter) {
		v.progs[n++] = bpf_object__find_program_by_name(
			s->obj, call_kinds[k].shared_enter);
		v.progs[n++] = bpf_object__find_program_by_name(
			s->obj, call_kinds[k].shared_exit);
	}
	for (i = 0; i < KIND_SYSCALLS && call_kinds[k].syscalls[i] &&
		    !call_kinds[k].shared_enter; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s_%s", enter,
			 call_kinds[k].syscalls[i]);
		v.progs[n++] = bpf_object__find_program_by_name(s->obj, name);
		snprintf(name, sizeof(name), "%s_%s", leave,
			 call_kinds[k].syscalls[i]);
		v.progs[n++] = bpf_object__find_program_by_name(s->obj, name);
	}
	for (i = 0; i < KIND_EXTRAS && call_kinds[k].extra[i]; i++)
		v.progs[n++] = bpf_object__find_program_by_name(
			s->obj, call_kinds[k].extra[i]);
	for (i = 0; mode == ATTACH_TRACEPOINT && i < KIND_EXTRAS &&
		    call_kinds[k].tp_extra[i]; i++)
		v.progs[n++] = bpf_object__find_program_by_name(
			s->obj, call_kinds[k].tp_extra[i]);
	for (i = 0; mode != ATTACH_TRACEPOINT && i < KIND_EXTRAS &&
		    call_kinds[k].fentry_extra[i]; i++)
		v.progs[n++] = bpf_object__find_program_by_name(
			s->obj, call_kinds[k].fentry_extra[i]);
	for (i = 0; mode != ATTACH_TRACEPOINT && i < KIND_HOOKS &&
		    call_kinds[k].hooks[i]; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s_%s",
			 mode == ATTACH_LSM ? "lsm" : "fentry",
			 call_kinds[k].hooks[i]);
		v.progs[n++] = bpf_object__find_program_by_name(s->obj, name);
	}
	return v;
}

static int variants_of(struct bpfaudit_bpf *s, struct variant *v)
{
	static const enum attach_mode call_modes[] = {
		ATTACH_LSM, ATTACH_FENTRY, ATTACH_TRACEPOINT };
	size_t k, m;
	int n = 0;

	v[n++] = (struct variant){
		.kind = BA_KIND_EXEC,
		.mode = ATTACH_LSM,
		.progs = { s->progs.fentry_execve, s->progs.fentry_execveat,
			   s->progs.lsm_bprm_check, s->progs.exec_image,
			   s->progs.fexit_execve, s->progs.fexit_execveat },
	};
	v[n++] = (struct variant){
		.kind = BA_KIND_EXEC,
		.mode = ATTACH_FENTRY,
		.progs = { s->progs.fentry_execve, s->progs.fentry_execveat,
			   s->progs.fentry_bprm_check, s->progs.exec_image,
			   s->progs.fexit_execve, s->progs.fexit_execveat },
	};
	v[n++] = (struct variant){
		.kind = BA_KIND_EXEC,
		.mode = ATTACH_TRACEPOINT,
		.progs = { s->progs.tp_enter_execve, s->progs.tp_enter_execveat,
			   s->progs.exec_image, s->progs.tp_exit_execve,
			   s->progs.tp_exit_execveat },
	};
	/* The one-syscall kinds have no LSM hook of their own yet: their
	 * lsm variant is the fentry/fexit pair on the syscall, as in fentry
	 * mode. The watch kind's lsm variant has its LSM hooks. */
	_Static_assert(3 + 3 * NKINDS <= MAX_VARIANTS, "raise MAX_VARIANTS");
	for (k = 0; k < NKINDS; k++)
		for (m = 0; m < 3; m++)
			v[n++] = call_variant(s, k, call_modes[m]);
	return n;
}

const char *loader_kind_name(int kind)
{
	switch (kind) {
	case BA_KIND_EXEC:
		return "exec";
	case BA_KIND_MMAP:
		return "mmap";
	case BA_KIND_SOCKET:
		return "socket";
	case BA_KIND_BPF:
		return "bpf";
	case BA_KIND_CRED:
		return "cred";
	case BA_KIND_PTRACE:
		return "ptrace";
	case BA_KIND_MODULE:
		return "module";
	case BA_KIND_WATCH:
		return "watch";
	}
	return "unknown";
}

const char *loader_mode_name(const struct loader *l, int kind)
{
	if (l->unsupported[kind])
		return "unsupported";
	return l->mode[kind] == ATTACH_AUTO ? "off" :
					      attach_mode_name(l->mode[kind]);
}

bool loader_running(const struct loader *l, int kind)
{
	return !l->unsupported[kind] && l->mode[kind] != ATTACH_AUTO;
}

const char *loader_loss_cause_name(int cause)
{
	switch (cause) {
	case BA_LOSS_CHUNK:
		return "chunk_dropped";
	case BA_LOSS_EVENT:
		return "event_dropped";
	case BA_LOSS_STATE:
		return "state_full";
	case BA_LOSS_SCRATCH:
		return "scratch_busy";
	}
	return "unknown";
}

/* Syscall tracepoints are found through tracefs; mount it if it is not. */
static void ensure_tracefs(void)
{
	if (access(TRACEFS "/events", F_OK) == 0)
		return;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
		fprintf(stderr, "bpfauditd: mounting tracefs on %s: %s\n",
			TRACEFS, strerror(errno));
}

/* libbpf's first warning since the last load began: the program that
 * failed and what the kernel said about it. */
static char libbpf_last[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	va_list copy;

	if (level == LIBBPF_WARN && !libbpf_last[0]) {
		va_copy(copy, ap);
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, copy);
		va_end(copy);
		libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	}
	if (!getenv("BPFAUDIT_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static struct bpfaudit_bpf *open_object(const struct bpfaudit_config *cfg,
					size_t ring_bytes)
{
	struct bpfaudit_bpf *skel = bpfaudit_bpf__open();

	if (!skel)
		return NULL;
	skel->rodata->argv_max = cfg->argv_max;
	skel->rodata->wakeup_bytes = ring_bytes / RING_WAKEUP_PART;
	bpf_map__set_max_entries(skel->maps.events, ring_bytes);
	return skel;
}

/* Only the programs of the variants chosen per kind will load. */
static void select_programs(struct bpfaudit_bpf *skel,
			    const enum attach_mode *mode)
{
	struct variant v[MAX_VARIANTS];
	struct bpf_program *prog;
	int nv = variants_of(skel, v), i, p;

	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	for (i = 0; i < nv; i++) {
		if (mode[v[i].kind] != v[i].mode)
			continue;
		for (p = 0; p < VARIANT_PROGS && v[i].progs[p]; p++)
			bpf_program__set_autoload(v[i].progs[p], true);
	}
}

static int keep_link(struct bpf_link *link, struct bpf_program *prog,
		     const char *where, struct bpf_link **links, int *nlinks,
		     char *why, size_t whylen)
{
	if (!link) {
		snprintf(why, whylen, "attaching %s%s%s: %s",
			 bpf_program__name(prog), where ? " to " : "",
			 where ? where : "", strerror(errno));
		return -1;
	}
	if (*nlinks == LOADER_MAX_LINKS) {
		bpf_link__destroy(link);
		snprintf(why, whylen, "too many programs");
		return -1;
	}
	links[(*nlinks)++] = link;
	return 0;
}

/* A kind's shared entry or exit program: on each syscall's tracepoint.
 * Returns 1 if @prog is none. */
static int attach_shared(struct bpf_program *prog, struct bpf_link **links,
			 int *nlinks, char *why, size_t whylen)
{
	const char *name = bpf_program__name(prog), *prefix = NULL, *sc;
	char tp[64];
	size_t k;
	int i;

	for (k = 0; k < NKINDS && !prefix; k++) {
		if (!call_kinds[k].shared_enter)
			continue;
		if (!strcmp(name, call_kinds[k].shared_enter))
			prefix = "sys_enter_";
		else if (!strcmp(name, call_kinds[k].shared_exit))
			prefix = "sys_exit_";
	}
	if (!prefix)
		return 1;
	k--;
	for (i = 0; i < KIND_SYSCALLS; i++) {
		sc = call_kinds[k].syscalls[i];
		if (!sc)
			continue;
		snprintf(tp, sizeof(tp), "%s%s", prefix, sc);
		if (keep_link(bpf_program__attach_tracepoint(prog, "syscalls",
							     tp),
			      prog, tp, links, nlinks, why, whylen))
			return -1;
	}
	return 0;
}

/* Attaches every loaded program (select_programs() chose them by mode),
 * keeping the links. */
static int attach_loaded(struct bpfaudit_bpf *skel, struct bpf_link **links,
			 int *nlinks, char *why, size_t whylen)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		int shared;

		if (!bpf_program__autoload(prog))
			continue;
		shared = attach_shared(prog, links, nlinks, why, whylen);
		if (shared < 0)
			return -1;
		if (!shared)
			continue;
		if (keep_link(bpf_program__attach(prog), prog, NULL, links,
			      nlinks, why, whylen))
			return -1;
	}
	return 0;
}

static void detach_all(struct bpf_link **links, int *nlinks)
{
	while (*nlinks > 0)
		bpf_link__destroy(links[--(*nlinks)]);
}

static int load_object(struct bpfaudit_bpf *skel, char *why, size_t whylen)
{
	int ret;

	libbpf_last[0] = '\0';
	ret = bpfaudit_bpf__load(skel);
	if (ret)
		snprintf(why, whylen, "%s", libbpf_last[0] ? libbpf_last :
			 strerror(-ret));
	return ret;
}

/*
 * An LSM program loads and attaches even when bpf is not an active LSM,
 * and then never runs: the active list decides.
 */
static int lsm_active(char *why, size_t whylen)
{
	char list[512] = "";
	FILE *f = fopen(SECURITYFS "/lsm", "re");

	if (!f && mount("securityfs", SECURITYFS, "securityfs", 0, NULL) == 0)
		f = fopen(SECURITYFS "/lsm", "re");
	if (!f) {
		snprintf(why, whylen, "%s/lsm: %s", SECURITYFS, strerror(errno));
		return 0;
	}
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ","))
		if (!strcmp(tok, "bpf"))
			return 1;
	snprintf(why, whylen, "bpf is not an active LSM");
	return 0;
}

/* The probe: load and attach one variant alone, then throw it away. */
static int probe_variant(const struct bpfaudit_config *cfg, int kind,
			 enum attach_mode mode, char *why, size_t whylen)
{
	enum attach_mode modes[BA_KIND_MAX] = { 0 };
	struct bpf_link *links[LOADER_MAX_LINKS];
	struct bpfaudit_bpf *skel = open_object(cfg, PROBE_RING_BYTES);
	int nlinks = 0, ret = -1;

	if (mode == ATTACH_LSM && !lsm_active(why, whylen)) {
		bpfaudit_bpf__destroy(skel);
		return -1;
	}
	if (!skel) {
		snprintf(why, whylen, "opening the BPF object: %s",
			 strerror(errno));
		return -1;
	}
	modes[kind] = mode;
	select_programs(skel, modes);
	if (!load_object(skel, why, whylen) &&
	    !attach_loaded(skel, links, &nlinks, why, whylen))
		ret = 0;
	detach_all(links, &nlinks);
	bpfaudit_bpf__destroy(skel);
	return ret;
}

/*
 * A kernel built without what a kind watches (modules), or without what
 * one of its modes needs (@mode; ATTACH_AUTO: any mode), cannot produce its
 * events that way: the kind (or the mode) is marked unsupported instead of
 * failing start-up.
 */
static const char *kernel_lacks(int kind, enum attach_mode mode)
{
	if (kind == BA_KIND_MODULE && access("/proc/modules", F_OK))
		return "kernel without module support";
	/* where a path call's inode is seen, in tracepoint mode (6.13+) */
	if (kind == BA_KIND_WATCH && mode == ATTACH_TRACEPOINT &&
	    access(TRACEFS "/events/timestamp/ctime_ns_xchg", F_OK))
		return "kernel without the timestamp tracepoints (6.13)";
	return NULL;
}

/*
 * Per source: a forced mode must work (try-load) or start-up fails naming
 * the source and the kernel's error; auto takes the first variant, best
 * first, that loads and attaches.
 */
static int choose_mode(struct loader *l, const struct bpfaudit_config *cfg,
		       const struct variant *v, int nv, int kind, char *err,
		       size_t errlen)
{
	const char *name = loader_kind_name(kind);
	enum attach_mode want = cfg->attach_mode;
	char *skipped = l->skipped[kind], why[300];
	bool offered = false, lacked = false;
	int i;

	skipped[0] = '\0';
	for (i = 0; i < nv; i++) {
		size_t used = strlen(skipped);
		const char *lacks;

		if (v[i].kind != kind || (want != ATTACH_AUTO && v[i].mode != want))
			continue;
		offered = true;
		lacks = kernel_lacks(kind, v[i].mode);
		if (lacks)
			snprintf(why, sizeof(why), "%s", lacks);
		else if (!probe_variant(cfg, kind, v[i].mode, why,
					sizeof(why))) {
			l->mode[kind] = v[i].mode;
			return 0;
		}
		lacked |= lacks != NULL;
		snprintf(skipped + used, sizeof(l->skipped[kind]) - used,
			 "%s%s (%.60s)", used ? ", " : "",
			 attach_mode_name(v[i].mode), why);
	}
	/* a mode the kernel lacks was wanted (or the last hope): the kind is
	 * unsupported here, as it is without any mode */
	if (lacked) {
		l->unsupported[kind] = true;
		return 0;
	}
	if (!offered)
		snprintf(err, errlen, "%s: attach mode %s is not available for"
			 " this source", name, attach_mode_name(want));
	else if (want != ATTACH_AUTO)
		snprintf(err, errlen, "%s: attach mode %s does not work on this"
			 " kernel: %s", name, attach_mode_name(want), why);
	else
		snprintf(err, errlen, "%s: no attach mode works on this kernel:"
			 " %s", name, skipped);
	return -1;
}

static int choose_modes(struct loader *l, const struct bpfaudit_config *cfg,
			char *err, size_t errlen)
{
	struct bpfaudit_bpf *list = bpfaudit_bpf__open();
	struct variant v[MAX_VARIANTS];
	int nv, kind, ret = 0;

	if (!list) {
		snprintf(err, errlen, "opening the BPF object: %s",
			 strerror(errno));
		return -1;
	}
	nv = variants_of(list, v);
	for (kind = 1; kind < BA_KIND_MAX && !ret; kind++) {
		const char *lacks = kernel_lacks(kind, ATTACH_AUTO);

		if (!(cfg->events & (1u << (kind - 1))))
			continue;	/* switched off: nothing loads */
		if (lacks) {
			l->unsupported[kind] = true;
			snprintf(l->skipped[kind], sizeof(l->skipped[kind]),
				 "%s", lacks);
			continue;
		}
		ret = choose_mode(l, cfg, v, nv, kind, err, errlen);
	}
	bpfaudit_bpf__destroy(list);
	return ret;
}

/*
 * Empties one bank of a watch map whose keys hold their bank at @bank_off
 * (a __u32), then fills it with @n keys of @key_size from @keys (their
 * bank set here) and their values.
 */
static int set_bank(int fd, uint32_t bank, size_t key_size, size_t bank_off,
		    const void *keys, const struct ba_watch_val *vals,
		    uint32_t n)
{
	unsigned char key[sizeof(struct ba_watch_name_key)],
		next[sizeof(struct ba_watch_name_key)];
	bool started = false;
	uint32_t i, b;

	while (!bpf_map_get_next_key(fd, started ? key : NULL, next)) {
		memcpy(key, next, key_size);
		memcpy(&b, key + bank_off, sizeof(b));
		started = b != bank;
		if (b == bank && bpf_map_delete_elem(fd, key))
			return -errno;
		/* a deleted key cannot be the next walk's start */
	}
	for (i = 0; i < n; i++) {
		memcpy(key, (const unsigned char *)keys + i * key_size,
		       key_size);
		memcpy(key + bank_off, &bank, sizeof(bank));
		if (bpf_map_update_elem(fd, key, &vals[i], BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The idle bank's watched inodes and names: the old out, the new in. */
static int set_watches(struct loader *l, const struct rulebank *rb,
		       uint32_t bank)
{
	int ret = set_bank(l->watches_fd, bank,
			   sizeof(struct ba_watch_key),
			   offsetof(struct ba_watch_key, bank), rb->wkey,
			   rb->wval, rb->nentry);

	if (ret)
		return ret;
	return set_bank(l->watch_names_fd, bank,
			sizeof(struct ba_watch_name_key),
			offsetof(struct ba_watch_name_key, bank), rb->nkey,
			rb->nval, rb->nname);
}

uint64_t loader_watch_changes(const struct loader *l)
{
	return __atomic_load_n(&l->bss->watch_changes, __ATOMIC_RELAXED);
}

int loader_set_rules(struct loader *l, const struct rulebank *rb)
{
	struct bpfaudit_bpf__bss *bss = l->bss;
	uint32_t bank = !bss->rules_bank, i, slot;
	int ret = set_watches(l, rb, bank);

	if (ret)
		return ret;
	/* the idle bank first; the programs read bank, then its count */
	for (i = 0; i < rb->n; i++) {
		slot = bank * BA_RULES_MAX + i;
		if (bpf_map_update_elem(l->rules_fd, &slot, &rb->rule[i],
					BPF_ANY))
			return -errno;
	}
	memcpy((void *)bss->rules_syscalls[bank], rb->any, sizeof(rb->any));
	bss->rules_count[bank] = rb->n;
	/* tracepoint mode sees no inode of a failed path call: the daemon
	 * looks its names up */
	bss->watch_lookups = l->mode[BA_KIND_WATCH] == ATTACH_TRACEPOINT;
	__atomic_store_n(&bss->rules_bank, bank, __ATOMIC_SEQ_CST);
	__atomic_store_n(&bss->rules_mode, rb->mode, __ATOMIC_SEQ_CST);
	return 0;
}

/*
 * While a record is handed to the callback, the ring's consumer position
 * is still at its start (libbpf moves it on afterwards): noting where the
 * header starts tells a successor whether it was really taken.
 */
void loader_note_consumed(struct loader *l)
{
	if (!l->state)	/* a replaced set's ring, drained at start */
		return;
	l->state->consumed++;
	l->state->header_pos = *l->consumer_pos + 1;
}

/* A predecessor killed inside the callback counted a header that is
 * still in the ring, and will be read again: it is not lost. */
static void uncount_unconsumed(struct loader *l)
{
	uint64_t pos = l->state->header_pos;

	if (pos && *l->consumer_pos < pos && l->state->consumed)
		l->state->consumed--;
	l->state->header_pos = 0;
}

static void *map_shared(int fd, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static size_t state_len(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return (sizeof(struct ba_daemon_state) + page - 1) / page * page;
}

/* Sets every map fd the loader holds to -1, closing them first if asked
 * (fds opened from pins; the skeleton closes its own). */
static void map_fds_forget(struct loader *l, bool close_them)
{
	int *fds[] = { &l->events_fd, &l->loss_fd,  &l->rules_fd,
		       &l->bss_fd,    &l->state_fd, &l->watches_fd,
		       &l->watch_names_fd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (close_them && *fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Loads and attaches the chosen variants, then pins the set. */
static int load_fresh(struct loader *l, const struct bpfaudit_config *cfg,
		      const struct rulebank *rules, char *err, size_t errlen)
{
	char why[300];

	if (choose_modes(l, cfg, err, errlen))
		return -1;
	l->skel = open_object(cfg, (size_t)cfg->ringbuf_size << 20);
	if (!l->skel) {
		snprintf(err, errlen, "opening the BPF object: %s",
			 strerror(errno));
		return -1;
	}
	select_programs(l->skel, l->mode);
	if (load_object(l->skel, why, sizeof(why))) {
		snprintf(err, errlen, "loading the BPF programs: %s", why);
		return -1;
	}
	l->events_fd = bpf_map__fd(l->skel->maps.events);
	l->loss_fd = bpf_map__fd(l->skel->maps.loss);
	l->rules_fd = bpf_map__fd(l->skel->maps.rules);
	l->bss_fd = bpf_map__fd(l->skel->maps.bss);
	l->state_fd = bpf_map__fd(l->skel->maps.daemon_state);
	l->watches_fd = bpf_map__fd(l->skel->maps.watches);
	l->watch_names_fd = bpf_map__fd(l->skel->maps.watch_names);
	l->bss = l->skel->bss;
	if (loader_set_rules(l, rules)) {
		snprintf(err, errlen, "setting the rules: %s", strerror(errno));
		return -1;
	}
	if (attach_loaded(l->skel, l->links, &l->nlinks, why,
			  sizeof(why))) {
		snprintf(err, errlen, "loading the BPF programs: %s", why);
		return -1;
	}
	return pin_save(l, cfg, err, errlen);
}

/*
 * The programs behind the links, for DAEMON_START's prog_ids. A daemon
 * that took them over holds them too, so that they show as its own (to
 * bpftool, to audisp-bpfaudit) as they do for the daemon that loaded them.
 */
static void collect_prog_ids(struct loader *l)
{
	int i;

	for (i = 0; i < l->nlinks; i++) {
		struct bpf_link_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(bpf_link__fd(l->links[i]), &info,
					   &len) || !info.prog_id)
			continue;
		l->prog_fds[l->nprogs] = l->reused ?
			bpf_prog_get_fd_by_id(info.prog_id) : -1;
		l->prog_ids[l->nprogs++] = info.prog_id;
	}
}

int loader_lock(struct loader *l, const struct bpfaudit_config *cfg,
		char *err, size_t errlen)
{
	l->pin_lock = pin_lock(cfg->pin_dir, err, errlen);
	return l->pin_lock < 0 ? -1 : 0;
}

int loader_open(struct loader *l, const struct bpfaudit_config *cfg,
		const struct rulebank *rules, ring_buffer_sample_fn on_record,
		void *ctx, char *err, size_t errlen)
{
	struct ba_daemon_state carried = { 0 };
	int reused, lock = l->pin_lock;

	memset(l, 0, sizeof(*l));
	l->pin_lock = lock;
	map_fds_forget(l, false);
	libbpf_set_print(libbpf_print);
	ensure_tracefs();
	l->ncpus = libbpf_num_possible_cpus();
	reused = pin_reuse(l, cfg, l->pin_note, sizeof(l->pin_note));
	if (reused < 0) {
		snprintf(err, errlen, "%s", l->pin_note);
		goto fail;
	}
	if (reused) {
		if (loader_set_rules(l, rules)) {
			snprintf(err, errlen, "setting the rules: %s",
				 strerror(errno));
			goto fail;
		}
	} else {
		if (l->pin_note[0])	/* a set that cannot be reused */
			pin_drain(cfg->pin_dir, on_record, ctx, &carried);
		pin_clear(cfg->pin_dir);
		if (load_fresh(l, cfg, rules, err, errlen))
			goto fail;
	}
	collect_prog_ids(l);
	l->ring = ring_buffer__new(l->events_fd, on_record, ctx, NULL);
	if (!l->ring) {
		snprintf(err, errlen, "opening the ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	/* mapped as the skeleton maps global data */
	l->consumer_pos = map_shared(l->events_fd, sysconf(_SC_PAGESIZE),
				     PROT_READ);
	l->state = map_shared(l->state_fd, state_len(),
			      PROT_READ | PROT_WRITE);
	if (!l->consumer_pos || !l->state) {
		snprintf(err, errlen, "mapping the ring and the daemon"
			 " state: %s", strerror(errno));
		goto fail;
	}
	if (l->reused)
		uncount_unconsumed(l);
	else	/* what a replaced set left to report, or nothing */
		*l->state = carried;
	l->state->pid = getpid();
	return 0;
fail:
	loader_close(l);
	return -1;
}

void loader_detach(struct loader *l)
{
	detach_all(l->links, &l->nlinks);
}

void loader_note_accounted(struct loader *l, uint64_t n,
			   const uint64_t *loss_reported)
{
	l->state->accounted += n;
	memcpy(l->state->loss_reported, loss_reported,
	       sizeof(l->state->loss_reported));
}

uint64_t loader_unaccounted(const struct loader *l)
{
	uint64_t consumed = l->state->consumed;

	return consumed > l->state->accounted ?
		       consumed - l->state->accounted : 0;
}

void loader_loss_reported(const struct loader *l, uint64_t *out)
{
	memcpy(out, l->state->loss_reported, sizeof(l->state->loss_reported));
}

int loader_read_loss(struct loader *l, uint64_t *out)
{
	uint64_t *percpu = calloc(l->ncpus, sizeof(uint64_t));
	uint32_t slot;
	int cpu;

	if (!percpu)
		return -1;
	for (slot = 0; slot < BA_LOSS_SLOTS; slot++) {
		/* with what programs replaced at start had counted */
		out[slot] = l->state ? l->state->loss_carried[slot] : 0;
		if (bpf_map_lookup_elem(l->loss_fd, &slot, percpu))
			continue;
		for (cpu = 0; cpu < l->ncpus; cpu++)
			out[slot] += percpu[cpu];
	}
	free(percpu);
	return 0;
}

int loader_prog_ids(const struct loader *l, uint32_t *ids, int max)
{
	int n = l->nprogs < max ? l->nprogs : max;

	memcpy(ids, l->prog_ids, n * sizeof(*ids));
	return n;
}

void loader_release(struct loader *l)
{
	detach_all(l->links, &l->nlinks);
	ring_buffer__free(l->ring);
	l->ring = NULL;
	if (l->consumer_pos)
		munmap((void *)l->consumer_pos, sysconf(_SC_PAGESIZE));
	if (l->state)
		munmap(l->state, state_len());
	l->consumer_pos = NULL;
	l->state = NULL;
	if (l->skel) {
		bpfaudit_bpf__destroy(l->skel);	/* its maps' fds with it */
		l->skel = NULL;
	} else if (l->reused) {
		if (l->bss)
			munmap(l->bss, l->bss_len);
		map_fds_forget(l, true);	/* opened from the pins */
	}
	while (l->nprogs > 0)
		if (l->prog_fds[--l->nprogs] >= 0)
			close(l->prog_fds[l->nprogs]);
	l->bss = NULL;
	map_fds_forget(l, false);
}

void loader_close(struct loader *l)
{
	loader_release(l);
	if (l->pin_lock > 0)
		close(l->pin_lock);
	memset(l, 0, sizeof(*l));
}
