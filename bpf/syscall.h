/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-task state of a syscall being captured, shared by every event
 * kind: entry takes the promise and the arguments (after the kind's filter
 * said yes, so unwanted calls cost no ring traffic), exit fills in who did
 * it and submits the header that closes the promise.
 */
#ifndef BPFAUDIT_SYSCALL_H
#define BPFAUDIT_SYSCALL_H

#include "emit.h"
#include "filter.h"
#include "task.h"
#include "path.h"

#define AUDIT_ARCH_X86_64 0xc000003eu
/* What a tracepoint program returns: 0 would hide the event from every
 * other perf user of the same tracepoint. */
#define TP_PASS 1

struct call_state {
	struct ba_header hdr;
	__u64 filename;		/* user pointer to a name, if the kind has one */
	__u64 filename2;	/* a second name (rename, link) */
	struct inode *inodes[BA_WATCH_OBJS];	/* of hdr.x.watch.obj[] */
	struct dentry *new_dentry;	/* a name a create hook saw */
	struct emit_tally tally;
};

/* Allocated on demand: a state lives only while its syscall runs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct call_state);
} calls SEC(".maps");

/* Never written: the zeroed value a state starts from, too large for the
 * stack; the state itself is then filled in its own map slot, which no
 * other task touches, so preemption cannot mix two calls up. */
static const struct call_state call_zero = {};

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline struct pt_regs *current_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* The syscall's six argument registers; audit logs the first four. */
static __always_inline void regs_args(struct pt_regs *regs, __u64 *args)
{
	args[0] = BPF_CORE_READ(regs, di);
	args[1] = BPF_CORE_READ(regs, si);
	args[2] = BPF_CORE_READ(regs, dx);
	args[3] = BPF_CORE_READ(regs, r10);
	args[4] = BPF_CORE_READ(regs, r8);
	args[5] = BPF_CORE_READ(regs, r9);
}

/* Opens the state of a captured call; NULL when it could not be kept. */
static __always_inline struct call_state *call_begin(__u32 kind, __u32 nr,
						     const __u64 *args)
{
	__u32 tid = current_tid();
	struct call_state *s;
	int i;

	/* BPF_ANY: a state left by a call whose exit was never seen (the
	 * programs attached in between) is replaced */
	if (bpf_map_update_elem(&calls, &tid, &call_zero, BPF_ANY)) {
		loss_count(kind, BA_LOSS_STATE);
		return NULL;
	}
	s = bpf_map_lookup_elem(&calls, &tid);
	if (!s)
		return NULL;
	s->hdr.type = BA_REC_HEADER;
	s->hdr.kind = kind;
	s->hdr.version = BA_WIRE_VERSION;
	s->hdr.promise = promise_take();
	s->hdr.boot_ns = bpf_ktime_get_boot_ns();
	s->hdr.syscall = nr;
	s->hdr.arch = AUDIT_ARCH_X86_64;
	for (i = 0; i < 6; i++)
		s->hdr.args[i] = args[i];
	return s;
}

static __always_inline struct call_state *call_current(void)
{
	__u32 tid = current_tid();

	return bpf_map_lookup_elem(&calls, &tid);
}

/* The state of the call now ending: a state of another syscall is stale
 * (its exit was missed) and is dropped. */
static __always_inline struct call_state *call_ending(__u32 nr)
{
	__u32 tid = current_tid();
	struct call_state *s = bpf_map_lookup_elem(&calls, &tid);

	if (s && s->hdr.syscall != nr) {
		bpf_map_delete_elem(&calls, &tid);
		return NULL;
	}
	return s;
}

/* An open file's path, as seen from the calling task's root, in a field. */
static __always_inline void call_emit_file_path(struct call_state *s,
						__u16 field, struct file *file,
						struct task_struct *task)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);

	emit_path(s->hdr.kind, s->hdr.promise, field,
		  __builtin_preserve_access_index(&file->f_path),
		  __builtin_preserve_access_index(&fs->root), &s->tally,
		  &s->hdr.flags);
}

/* Who made the call and the executable's identity: what rules test. */
static __always_inline void call_fill_task(struct call_state *s,
					   struct task_struct *task)
{
	task_fill(&s->hdr.task, task);
	file_fill(&s->hdr.exe, BPF_CORE_READ(task, mm, exe_file));
}

/* The executable's path, once the event is wanted. */
static __always_inline void call_capture_exe(struct call_state *s,
					     struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (exe)
		call_emit_file_path(s, BA_FIELD_EXE, exe, task);
}

/* Drops the state of a call the rules do not want: nothing was sent. */
static __always_inline void call_discard(void)
{
	__u32 tid = current_tid();

	bpf_map_delete_elem(&calls, &tid);
}

static __always_inline void call_capture_cwd(struct call_state *s,
					     struct task_struct *task)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);

	emit_path(s->hdr.kind, s->hdr.promise, BA_FIELD_CWD,
		  __builtin_preserve_access_index(&fs->pwd),
		  __builtin_preserve_access_index(&fs->root), &s->tally,
		  &s->hdr.flags);
}

/* The caller's cmdline, at most what kernel audit's PROCTITLE shows. */
static __always_inline void call_capture_proctitle(struct call_state *s,
						   struct task_struct *task)
{
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	struct user_span span = {};
	__u64 start = BPF_CORE_READ(mm, arg_start);
	__u64 end = BPF_CORE_READ(mm, arg_end);

	span.promise = s->hdr.promise;
	span.kind = s->hdr.kind;
	span.field = BA_FIELD_PROCTITLE;
	span.start = start;
	span.len = end > start ? end - start : 0;
	if (span.len > BA_PROCTITLE_MAX)
		span.len = BA_PROCTITLE_MAX;
	emit_user_span(&span);
	s->tally.sent += span.tally.sent;
	s->tally.lost += span.tally.lost;
}

/* Closes the promise: the header goes after every chunk. */
static __always_inline void call_submit(struct call_state *s)
{
	__u32 tid = current_tid();
	struct ba_header *h;

	s->hdr.nchunks = s->tally.sent;
	s->hdr.lost_chunks = s->tally.lost;
	h = bpf_ringbuf_reserve(&events, sizeof(*h), 0);
	if (h) {
		__builtin_memcpy(h, &s->hdr, sizeof(*h));
		bpf_ringbuf_submit(h, header_wakeup_flags());
	} else {
		loss_count(s->hdr.kind, BA_LOSS_EVENT);
	}
	bpf_map_delete_elem(&calls, &tid);
}

/* The open file behind a descriptor of the current task. */
static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	struct file *f = NULL;

	if (fd < 0 || fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

#endif /* BPFAUDIT_SYSCALL_H */
