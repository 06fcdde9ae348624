/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event kinds that are one syscall each (mmap/mprotect, socket
 * operations, BPF program loads, credential changes): a filter at entry
 * decides before any ring traffic, a kind hook at exit adds what the kernel
 * record set and the extra fields need, and the shared stages do the rest.
 * The entry points per syscall and attach mode are generated below.
 */
#ifndef BPFAUDIT_CALLS_H
#define BPFAUDIT_CALLS_H

#include "syscall.h"
#include "watch.h"

#define PROT_EXEC 0x4
#define BPF_PROG_LOAD_CMD 5
#define SYSCALL_CAPSET 126

/* --- mmap, mprotect: only when the result is executable --------------- */

struct vma_probe {
	struct ba_vma *out;
	struct file *file;
};

static long vma_probe_fill(struct task_struct *task, struct vm_area_struct *vma,
			   struct vma_probe *p)
{
	p->out->start = BPF_CORE_READ(vma, vm_start);
	p->out->end = BPF_CORE_READ(vma, vm_end);
	p->out->vm_flags = BPF_CORE_READ(vma, vm_flags);
	p->out->pgoff = BPF_CORE_READ(vma, vm_pgoff);
	p->file = BPF_CORE_READ(vma, vm_file);
	return 0;
}

static __always_inline void mmap_exit(struct call_state *s,
				      struct task_struct *task, long ret)
{
	struct vma_probe probe = { .out = &s->hdr.x.vma };
	__u64 addr = s->hdr.syscall == 9 ? (__u64)ret : s->hdr.args[0];
	struct file *file;

	if (ret < 0 && ret >= -4095)
		return;
	bpf_find_vma(task, addr, vma_probe_fill, &probe, 0);
	file = probe.file;	/* a plain local: CO-RE applies to *file */
	if (!file)
		return;
	file_fill(&s->hdr.x.vma.file, file);
	call_emit_file_path(s, BA_FIELD_VMA_FILE, file, task);
}

/* --- connect, bind, listen, accept, accept4 ---------------------------- */

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

/* connect and bind: the address as the caller gave it (SOCKADDR). */
static __always_inline void sock_enter(struct call_state *s)
{
	__u32 nr = s->hdr.syscall;
	__u64 len = s->hdr.args[2];	/* 64-bit: one register, compared and used */

	if (nr != 42 && nr != 49)
		return;
	/* move_addr_to_kernel() refuses these before audit sees them */
	if (len == 0 || len > BA_SOCKADDR_MAX)
		return;
	if (!bpf_probe_read_user(s->hdr.x.sock.saddr, len,
				 (void *)s->hdr.args[1]))
		s->hdr.x.sock.saddr_len = len;
}

static __always_inline void sock_fill(struct ba_sock *out, struct sock *sk)
{
	out->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	out->type = BPF_CORE_READ(sk, sk_type);
	out->protocol = BPF_CORE_READ(sk, sk_protocol);
	out->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	out->rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* explicit sizes: the destinations are byte arrays */
	if (out->family == AF_INET) {
		bpf_core_read(out->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(out->raddr, 4, &sk->__sk_common.skc_daddr);
	} else if (out->family == AF_INET6) {
		bpf_core_read(out->laddr, 16,
			      &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(out->raddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* A unix socket bound to a path: the socket inode and its directory. */
static __always_inline void unix_path_fill(struct ba_sock *out, struct sock *sk)
{
	struct unix_sock *u = (struct unix_sock *)sk;
	struct dentry *d = BPF_CORE_READ(u, path.dentry);

	if (!d)
		return;
	inode_fill(&out->node, BPF_CORE_READ(d, d_inode));
	inode_fill(&out->parent, BPF_CORE_READ(d, d_parent, d_inode));
}

#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* accept with an address buffer: the peer as copied out (SOCKADDR). */
static __always_inline void accept_peer(struct call_state *s)
{
	int ulen = 0;
	__u64 len;

	if (bpf_probe_read_user(&ulen, sizeof(ulen), (void *)s->hdr.args[2]))
		return;
	len = ulen;
	if (len == 0 || len > BA_SOCKADDR_MAX)
		return;
	if (!bpf_probe_read_user(s->hdr.x.sock.saddr, len,
				 (void *)s->hdr.args[1]))
		s->hdr.x.sock.saddr_len = len;
}

static __always_inline void sock_exit(struct call_state *s,
				      struct task_struct *task, long ret)
{
	__u32 nr = s->hdr.syscall;
	long fd = (nr == 43 || nr == 288) ? ret : (long)s->hdr.args[0];
	struct file *f;
	struct socket *sock;
	struct sock *sk;

	if (fd < 0)
		return;
	f = fd_file(task, fd);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return;
	sock = BPF_CORE_READ(f, private_data);
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return;
	sock_fill(&s->hdr.x.sock, sk);
	if ((nr == 43 || nr == 288) && s->hdr.args[1])
		accept_peer(s);
	if (s->hdr.x.sock.family != AF_UNIX || ret < 0)
		return;
	/* bind names the new socket; connect reaches its peer's. */
	if (nr == 42)
		sk = BPF_CORE_READ((struct unix_sock *)sk, peer);
	if (sk && (nr == 42 || nr == 49)) {
		unix_path_fill(&s->hdr.x.sock, sk);
		call_capture_cwd(s, task);
	}
}

/* --- bpf(BPF_PROG_LOAD) ------------------------------------------------ */

static __always_inline void prog_exit(struct call_state *s,
				      struct task_struct *task, long ret)
{
	struct ba_bpf_prog *out = &s->hdr.x.prog;
	struct file *f;
	struct bpf_prog *prog;
	struct bpf_prog_aux *aux;

	if (ret < 0)
		return;
	f = fd_file(task, ret);
	if (!f)
		return;
	prog = BPF_CORE_READ(f, private_data);
	out->id = BPF_CORE_READ(prog, aux, id);
	out->type = BPF_CORE_READ(prog, type);
	out->insn_cnt = BPF_CORE_READ(prog, len);
	out->attach_type = BPF_CORE_READ(prog, expected_attach_type);
	bpf_core_read(out->tag, sizeof(out->tag), &prog->tag);
	aux = BPF_CORE_READ(prog, aux);
	bpf_core_read_str(out->name, sizeof(out->name), &aux->name);
}

/* --- setuid family and capset: before and after ------------------------ */

static __always_inline __u64 cap_read(const kernel_cap_t *cap)
{
	__u64 v = 0;

	/* u64 since 6.3, two u32 words (low first) before: the same bytes */
	bpf_probe_read_kernel(&v, sizeof(v), cap);
	return v;
}

static __always_inline void cred_caps(const struct cred *c, __u64 *eff,
				      __u64 *perm, __u64 *inh, __u64 *amb)
{
	*eff = cap_read(__builtin_preserve_access_index(&c->cap_effective));
	*perm = cap_read(__builtin_preserve_access_index(&c->cap_permitted));
	*inh = cap_read(__builtin_preserve_access_index(&c->cap_inheritable));
	*amb = cap_read(__builtin_preserve_access_index(&c->cap_ambient));
}

static __always_inline void cred_enter(struct call_state *s)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *c = BPF_CORE_READ(task, cred);
	struct ba_cred *o = &s->hdr.x.cred;

	o->uid = BPF_CORE_READ(c, uid.val);
	o->gid = BPF_CORE_READ(c, gid.val);
	o->euid = BPF_CORE_READ(c, euid.val);
	o->suid = BPF_CORE_READ(c, suid.val);
	o->fsuid = BPF_CORE_READ(c, fsuid.val);
	o->egid = BPF_CORE_READ(c, egid.val);
	o->sgid = BPF_CORE_READ(c, sgid.val);
	o->fsgid = BPF_CORE_READ(c, fsgid.val);
	cred_caps(c, &o->cap_effective, &o->cap_permitted, &o->cap_inheritable,
		  &o->cap_ambient);
}

static __always_inline void cred_exit(struct call_state *s,
				      struct task_struct *task)
{
	const struct cred *c = BPF_CORE_READ(task, cred);
	struct ba_cred *o = &s->hdr.x.cred;

	cred_caps(c, &o->new_effective, &o->new_permitted,
		  &o->new_inheritable, &o->new_ambient);
}

/* --- ptrace: attach, seize and pokes ------------------------------------ */

#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSER 6
#define PTRACE_ATTACH 16
#define PTRACE_SEIZE 0x4206
#define PTRACED_MAX 64

static __always_inline bool ptrace_wanted(__u64 request)
{
	return request == PTRACE_ATTACH || request == PTRACE_SEIZE ||
	       request == PTRACE_POKETEXT || request == PTRACE_POKEDATA ||
	       request == PTRACE_POKEUSER;
}

struct ptraced_walk {
	struct list_head *head;
	struct list_head *pos;
	__u32 pid;
	struct task_struct *found;
};

/* One step through the tracer's list of tracees (task->ptraced). */
static long ptraced_step(__u32 i, struct ptraced_walk *w)
{
	struct list_head *pos = w->pos;
	struct task_struct *t;

	if (!pos || pos == w->head)
		return 1;
	t = (void *)pos - bpf_core_field_offset(struct task_struct,
						ptrace_entry);
	if (BPF_CORE_READ(t, pid) == w->pid) {
		w->found = t;
		return 1;
	}
	w->pos = BPF_CORE_READ(pos, next);
	return 0;
}

static __always_inline void ptrace_exit(struct call_state *s,
					struct task_struct *task, long ret)
{
	struct ba_ptrace_target *o = &s->hdr.x.target;
	struct ptraced_walk w = { .pid = s->hdr.args[1] };
	struct file *exe;
	struct task_struct *t;

	if (ret < 0)
		return;
	w.head = __builtin_preserve_access_index(&task->ptraced);
	w.pos = BPF_CORE_READ(task, ptraced.next);
	bpf_loop(PTRACED_MAX, ptraced_step, &w, 0);
	t = w.found;
	if (!t)
		return;
	o->found = 1;
	o->opid = BPF_CORE_READ(t, tgid);
	o->oauid = BPF_CORE_READ(t, loginuid.val);
	o->ouid = BPF_CORE_READ(t, cred, uid.val);
	o->oses = BPF_CORE_READ(t, sessionid);
	bpf_core_read_str(o->ocomm, sizeof(o->ocomm), &t->comm);
	exe = BPF_CORE_READ(t, mm, exe_file);
	if (!exe)
		return;
	file_fill(&o->exe, exe);
	call_emit_file_path(s, BA_FIELD_TARGET_EXE, exe, task);
}

/* --- init_module, finit_module, delete_module ----------------------------- */

#define NR_INIT_MODULE 175
#define NR_DELETE_MODULE 176
#define NR_FINIT_MODULE 313

static __always_inline void module_enter(struct call_state *s)
{
	struct ba_module *m = &s->hdr.x.module;
	struct task_struct *task;
	struct file *f;

	switch (s->hdr.syscall) {
	case NR_INIT_MODULE:
		m->size = s->hdr.args[1];
		break;
	case NR_FINIT_MODULE:
		task = bpf_get_current_task_btf();
		f = fd_file(task, s->hdr.args[0]);
		if (!f)
			break;
		file_fill(&m->file, f);
		m->size = BPF_CORE_READ(f, f_inode, i_size);
		break;
	case NR_DELETE_MODULE:
		bpf_probe_read_user_str(m->name, sizeof(m->name),
					(void *)s->hdr.args[0]);
		break;
	}
}

/* The module the current call is loading, once the kernel parsed it. */
SEC("tp_btf/module_load")
int BPF_PROG(module_loaded, struct module *mod)
{
	struct call_state *s = call_current();

	if (s && s->hdr.kind == BA_KIND_MODULE)
		bpf_core_read_str(s->hdr.x.module.name,
				  sizeof(s->hdr.x.module.name), &mod->name);
	return 0;
}

static __always_inline void module_exit(struct call_state *s,
					struct task_struct *task)
{
	struct file *f;

	if (s->hdr.syscall != NR_FINIT_MODULE || !s->hdr.x.module.file.valid)
		return;
	f = fd_file(task, s->hdr.args[0]);
	if (f)
		call_emit_file_path(s, BA_FIELD_MODULE_FILE, f, task);
}

/* --- shared entry and exit ---------------------------------------------- */

/* The in-kernel filter: a call that is not wanted never touches the ring. */
static __always_inline bool call_wanted(__u32 kind, const __u64 *args)
{
	switch (kind) {
	case BA_KIND_MMAP:
		return args[2] & PROT_EXEC;
	case BA_KIND_BPF:
		return args[0] == BPF_PROG_LOAD_CMD;
	case BA_KIND_PTRACE:
		return ptrace_wanted(args[0]);
	case BA_KIND_WATCH:
		/* file calls only for rules: with none, every open would be */
		return rules_mode == BA_RULES_ACTIVE;
	}
	return true;
}

static __always_inline int call_enter(__u32 kind, __u32 nr,
				      struct pt_regs *regs)
{
	struct call_state *s;
	__u64 args[6];

	if (!filter_may_want(nr))
		return 0;
	regs_args(regs, args);
	if (!call_wanted(kind, args))
		return 0;
	s = call_begin(kind, nr, args);
	if (!s)
		return 0;
	if (kind == BA_KIND_SOCKET)
		sock_enter(s);
	else if (kind == BA_KIND_CRED)
		cred_enter(s);
	else if (kind == BA_KIND_MODULE)
		module_enter(s);
	else if (kind == BA_KIND_WATCH)
		watch_enter(s);
	return 0;
}

/* @kind is a constant in each entry point: only its own stages are built
 * into the program. */
static __always_inline int call_exit(__u32 kind, __u32 nr, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct call_state *s = call_ending(nr);

	if (!s || s->hdr.kind != kind)
		return 0;
	s->hdr.ret = ret;
	call_fill_task(s, task);
	if (kind == BA_KIND_WATCH)
		watch_exit_inodes(s, task, ret);
	if (!filter_wants(&s->hdr)) {
		call_discard();
		return 0;
	}
	call_capture_exe(s, task);
	switch (kind) {
	case BA_KIND_MMAP:
		mmap_exit(s, task, ret);
		break;
	case BA_KIND_SOCKET:
		sock_exit(s, task, ret);
		break;
	case BA_KIND_BPF:
		prog_exit(s, task, ret);
		break;
	case BA_KIND_CRED:
		cred_exit(s, task);
		break;
	case BA_KIND_PTRACE:
		ptrace_exit(s, task, ret);
		break;
	case BA_KIND_MODULE:
		module_exit(s, task);
		break;
	case BA_KIND_WATCH:
		watch_capture(s, task);
		break;
	}
	call_capture_proctitle(s, task);
	call_submit(s);
	return 0;
}

/*
 * Entry points for one syscall in every attach mode: the syscall
 * tracepoints (tracepoint mode), fentry/fexit on the syscall (fentry and
 * lsm modes). The loader lists them per kind and mode.
 */
#define CALL_PROBES(name, nr, kind)                                           \
	SEC("tracepoint/syscalls/sys_enter_" #name)                           \
	int tp_enter_##name(void *ctx)                                        \
	{                                                                     \
		call_enter(kind, nr, current_regs());                         \
		return TP_PASS;                                               \
	}                                                                     \
	SEC("tracepoint/syscalls/sys_exit_" #name)                            \
	int tp_exit_##name(struct trace_event_raw_sys_exit *ctx)              \
	{                                                                     \
		call_exit(kind, nr, ctx->ret);                                      \
		return TP_PASS;                                               \
	}                                                                     \
	SEC("fentry/__x64_sys_" #name)                                        \
	int BPF_PROG(fentry_##name, struct pt_regs *regs)                     \
	{                                                                     \
		return call_enter(kind, nr, regs);                            \
	}                                                                     \
	SEC("fexit/__x64_sys_" #name)                                         \
	int BPF_PROG(fexit_##name, struct pt_regs *regs, long ret)            \
	{                                                                     \
		return call_exit(kind, nr, ret);                                    \
	}

BA_CALL_SYSCALLS(CALL_PROBES)

/* The file calls (watch kind): one pair, attached by the loader to the
 * tracepoints of every syscall in BA_WATCH_SYSCALLS (all below 512: the
 * mask bounds the number for the verifier). */
#define WATCH_NR(id) ((__u32)(id) & (BA_SYSCALL_WORDS * 64 - 1))

SEC("tracepoint")
int tp_enter_watch(struct trace_event_raw_sys_enter *ctx)
{
	call_enter(BA_KIND_WATCH, WATCH_NR(ctx->id), current_regs());
	return TP_PASS;
}

SEC("tracepoint")
int tp_exit_watch(struct trace_event_raw_sys_exit *ctx)
{
	call_exit(BA_KIND_WATCH, WATCH_NR(ctx->id), ctx->ret);
	return TP_PASS;
}

#endif /* BPFAUDIT_CALLS_H */
