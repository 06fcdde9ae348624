/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a task's identity (ids, credentials, tty, namespaces) and a file's
 * identity (inode, device, mode, owner) the way kernel audit reports them.
 */
#ifndef BPFAUDIT_TASK_H
#define BPFAUDIT_TASK_H

#include "wire.h"

/* The task's own pid namespace: the one at its pid's level. */
static __always_inline __u32 task_pid_ns_inum(struct task_struct *task)
{
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);
	struct upid up = {};

	if (level > 32)
		return 0;
	bpf_probe_read_kernel(&up, sizeof(up),
			      (void *)pid +
				      bpf_core_field_offset(struct pid, numbers) +
				      level * sizeof(struct upid));
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void task_fill(struct ba_task *t,
				      struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct tty_struct *tty;

	t->pid = pid_tgid >> 32;
	t->tid = (__u32)pid_tgid;
	t->ppid = BPF_CORE_READ(task, real_parent, tgid);
	t->uid = BPF_CORE_READ(cred, uid.val);
	t->gid = BPF_CORE_READ(cred, gid.val);
	t->euid = BPF_CORE_READ(cred, euid.val);
	t->suid = BPF_CORE_READ(cred, suid.val);
	t->fsuid = BPF_CORE_READ(cred, fsuid.val);
	t->egid = BPF_CORE_READ(cred, egid.val);
	t->sgid = BPF_CORE_READ(cred, sgid.val);
	t->fsgid = BPF_CORE_READ(cred, fsgid.val);
	t->auid = BPF_CORE_READ(task, loginuid.val);
	t->ses = BPF_CORE_READ(task, sessionid);
	t->cgroup_id = bpf_get_current_cgroup_id();
	t->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	t->pid_ns = task_pid_ns_inum(task);
	bpf_get_current_comm(t->comm, sizeof(t->comm));
	t->tty[0] = 0;
	tty = BPF_CORE_READ(task, signal, tty);
	if (tty)
		bpf_probe_read_kernel_str(t->tty, sizeof(t->tty), &tty->name);
}

static __always_inline void inode_fill(struct ba_file *f, struct inode *inode)
{
	f->valid = 0;
	if (!inode)
		return;
	f->ino = BPF_CORE_READ(inode, i_ino);
	f->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	f->rdev = BPF_CORE_READ(inode, i_rdev);
	f->mode = BPF_CORE_READ(inode, i_mode);
	f->uid = BPF_CORE_READ(inode, i_uid.val);
	f->gid = BPF_CORE_READ(inode, i_gid.val);
	f->valid = 1;
}

static __always_inline void file_fill(struct ba_file *f, struct file *file)
{
	f->valid = 0;
	if (file)
		inode_fill(f, BPF_CORE_READ(file, f_inode));
}

#endif /* BPFAUDIT_TASK_H */
