/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exec events: execve/execveat, successful or not. The capture is four
 * stages shared by every attach mode: entry opens a per-task state and takes
 * the promise, the binary check records the named file (lsm and fentry
 * modes only), sched_process_exec captures the new image (argv, binary,
 * loader), and exit closes the event with the task's identity, cwd and
 * executable, then submits the header. Each mode only adds thin entry
 * points onto its own kernel surface.
 */
#ifndef BPFAUDIT_EXEC_H
#define BPFAUDIT_EXEC_H

#include "syscall.h"
#include "watch.h"

#define AT_BASE 7
#define AUXV_WORDS 56

const volatile __u64 argv_max = 1 << 20;

#define NR_EXECVE 59
#define NR_EXECVEAT 322

static __always_inline int exec_enter(__u32 nr, struct pt_regs *regs)
{
	struct call_state *s;
	__u64 args[6];

	if (!filter_may_want(nr))
		return 0;
	regs_args(regs, args);
	s = call_begin(BA_KIND_EXEC, nr, args);
	if (s)
		s->filename = nr == NR_EXECVE ? args[0] : args[1];
	return 0;
}

/* The named file, first to pass the binary check: for a #! script, the
 * script itself, which is gone by the time the new image runs. */
static __always_inline void exec_file_checked(struct linux_binprm *bprm)
{
	struct call_state *s = call_current();

	if (!s || s->hdr.kind != BA_KIND_EXEC ||
	    (s->hdr.flags & BA_HDR_NAMED_SEEN))
		return;
	file_fill(&s->hdr.named, BPF_CORE_READ(bprm, file));
	watch_note_exec(s, bprm);
	s->hdr.flags |= BA_HDR_NAMED_SEEN;
}

static __always_inline __u64 auxv_get(struct mm_struct *mm, __u64 type)
{
	__u64 *auxv = (void *)mm + bpf_core_field_offset(struct mm_struct,
							  saved_auxv);
	int i;

	for (i = 0; i < AUXV_WORDS; i += 2) {
		__u64 pair[2];

		if (bpf_probe_read_kernel(pair, sizeof(pair), &auxv[i]))
			return 0;
		if (pair[0] == type)
			return pair[1];
		if (pair[0] == 0)
			return 0;
	}
	return 0;
}

static long vma_file_fill(struct task_struct *task, struct vm_area_struct *vma,
			  struct ba_file *f)
{
	file_fill(f, BPF_CORE_READ(vma, vm_file));
	return 0;
}

/* The new image is in place: capture argv, the binary and its loader. */
static __always_inline void exec_capture_image(struct call_state *s,
					       struct task_struct *p,
					       struct linux_binprm *bprm)
{
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	const char *filename = BPF_CORE_READ(bprm, filename);
	const char *interp = BPF_CORE_READ(bprm, interp);
	struct ba_file loader = {};
	struct user_span span = {};
	__u64 base, start, end;

	s->hdr.flags |= BA_HDR_EXEC_SEEN;
	s->hdr.argc = BPF_CORE_READ(bprm, argc);
	file_fill(&s->hdr.bin, BPF_CORE_READ(bprm, file));
	emit_string(BA_KIND_EXEC, s->hdr.promise, BA_FIELD_FILENAME, filename,
		    false, &s->tally);
	if (interp && interp != filename) {
		s->hdr.flags |= BA_HDR_SCRIPT;
		emit_string(BA_KIND_EXEC, s->hdr.promise, BA_FIELD_INTERP,
			    interp, false, &s->tally);
	}
	base = auxv_get(mm, AT_BASE);
	if (base) {
		bpf_find_vma(p, base, vma_file_fill, &loader, 0);
		s->hdr.elf_interp = loader;
	}

	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	span.promise = s->hdr.promise;
	span.kind = BA_KIND_EXEC;
	span.field = BA_FIELD_ARGV;
	span.start = start;
	span.len = end > start ? end - start : 0;
	if (span.len > argv_max) {
		span.len = argv_max;
		span.last_flags = BA_CHUNK_TRUNC;
		s->hdr.flags |= BA_HDR_ARGV_TRUNC;
	}
	emit_user_span(&span);
	s->tally.sent += span.tally.sent;
	s->tally.lost += span.tally.lost;
}

/* The image stage, in every mode: this BTF tracepoint is the one point
 * where the new image's argv is in place and the old tid is still known. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_image, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u32 old_tid = old_pid, tid = BPF_CORE_READ(p, pid);
	struct call_state *s;

	s = bpf_map_lookup_elem(&calls, &old_tid);
	if (!s)
		return 0;
	if (old_tid != tid) {
		/* A non-leader thread exec'd and took over the leader's pid. */
		long err = bpf_map_update_elem(&calls, &tid, s, BPF_ANY);

		bpf_map_delete_elem(&calls, &old_tid);
		if (err) {
			loss_count(BA_KIND_EXEC, BA_LOSS_STATE);
			return 0;
		}
		s = bpf_map_lookup_elem(&calls, &tid);
		if (!s)
			return 0;
	}
	/* past the point of no return: the call succeeds, with the new
	 * image's credentials and executable, all the rules can test */
	s->hdr.ret = 0;
	call_fill_task(s, p);
	/* perm=x watches: the file the image was loaded from */
	watch_note_exec(s, bprm);
	if (!filter_wants(&s->hdr)) {
		bpf_map_delete_elem(&calls, &tid);
		return 0;
	}
	exec_capture_image(s, p, bprm);
	return 0;
}

/* A failed exec: the name as the caller gave it, and the caller's own
 * cmdline for PROCTITLE. */
static __always_inline void exec_capture_caller(struct call_state *s,
						struct task_struct *task)
{
	emit_string(BA_KIND_EXEC, s->hdr.promise, BA_FIELD_FILENAME,
		    (const void *)s->filename, true, &s->tally);
	call_capture_proctitle(s, task);
}

static __always_inline int exec_exit(__u32 nr, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct call_state *s = call_ending(nr);

	if (!s || s->hdr.kind != BA_KIND_EXEC)
		return 0;
	s->hdr.ret = ret;
	call_fill_task(s, task);
	/* a successful exec was decided on at the image stage */
	if (!(s->hdr.flags & BA_HDR_EXEC_SEEN) && !filter_wants(&s->hdr)) {
		call_discard();
		return 0;
	}
	call_capture_exe(s, task);
	call_capture_cwd(s, task);
	if (!(s->hdr.flags & BA_HDR_EXEC_SEEN))
		exec_capture_caller(s, task);
	call_submit(s);
	return 0;
}

/* tracepoint mode: the syscall tracepoints. */
SEC("tracepoint/syscalls/sys_enter_execve")
int tp_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	exec_enter(NR_EXECVE, current_regs());
	return TP_PASS;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int tp_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	exec_enter(NR_EXECVEAT, current_regs());
	return TP_PASS;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tp_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	exec_exit(NR_EXECVE, ctx->ret);
	return TP_PASS;
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int tp_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	exec_exit(NR_EXECVEAT, ctx->ret);
	return TP_PASS;
}

/* fentry and lsm modes: fentry/fexit on the syscalls for entry and result. */
SEC("fentry/__x64_sys_execve")
int BPF_PROG(fentry_execve, struct pt_regs *regs)
{
	return exec_enter(NR_EXECVE, regs);
}

SEC("fentry/__x64_sys_execveat")
int BPF_PROG(fentry_execveat, struct pt_regs *regs)
{
	return exec_enter(NR_EXECVEAT, regs);
}

SEC("fexit/__x64_sys_execve")
int BPF_PROG(fexit_execve, struct pt_regs *regs, long ret)
{
	return exec_exit(NR_EXECVE, ret);
}

SEC("fexit/__x64_sys_execveat")
int BPF_PROG(fexit_execveat, struct pt_regs *regs, long ret)
{
	return exec_exit(NR_EXECVEAT, ret);
}

/* fentry mode: the binary check through the security_* function. */
SEC("fentry/security_bprm_check")
int BPF_PROG(fentry_bprm_check, struct linux_binprm *bprm)
{
	exec_file_checked(bprm);
	return 0;
}

/* lsm mode: the binary check through the BPF LSM hook; never denies. */
SEC("lsm/bprm_check_security")
int BPF_PROG(lsm_bprm_check, struct linux_binprm *bprm, int ret)
{
	exec_file_checked(bprm);
	return ret;
}

#endif /* BPFAUDIT_EXEC_H */
