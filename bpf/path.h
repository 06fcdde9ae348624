/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capturing a path (cwd, executable) without bpf_d_path, which tracepoint
 * programs cannot call: walk the dentries up to the task's root, crossing
 * mounts, the same walk d_path does, and put the names in one chunk, leaf
 * first, NUL-separated; the daemon joins them. The walk runs in bpf_loop and
 * collects names in a per-CPU scratch buffer guarded by a busy flag.
 */
#ifndef BPFAUDIT_PATH_H
#define BPFAUDIT_PATH_H

#include "emit.h"

#define PATH_DEPTH_MAX 128
#define PATH_NAME_MAX 256

struct path_scratch {
	__u32 busy;
	__u8 data[BA_CHUNK_DATA];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_scratch);
} path_scratch SEC(".maps");

struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 off;
	__u16 chunk_flags;
	__u16 done;
};

static __always_inline struct mount *real_mount_of(struct vfsmount *vfsmnt)
{
	return (struct mount *)((void *)vfsmnt -
				bpf_core_field_offset(struct mount, mnt));
}

static long path_walk_step(__u32 i, struct path_walk *w)
{
	__u32 zero = 0;
	struct path_scratch *buf = bpf_map_lookup_elem(&path_scratch, &zero);
	struct dentry *dentry = w->dentry, *parent;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	const unsigned char *name;
	__u32 off = w->off;
	long n;

	if (!buf)
		return 1;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt)
		goto done;
	if (dentry == BPF_CORE_READ(vfsmnt, mnt_root)) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt)
			goto done;
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = __builtin_preserve_access_index(&up->mnt);
		return 0;
	}
	parent = BPF_CORE_READ(dentry, d_parent);
	/* A pseudo file (memfd, anonymous inode) is its own parent and has
	 * nothing above it: its name is the whole path, as d_path shows. */
	if (parent == dentry && off)
		goto done;
	if (off > BA_CHUNK_DATA - PATH_NAME_MAX) {
		w->chunk_flags |= BA_CHUNK_TRUNC;
		goto done;
	}
	name = BPF_CORE_READ(dentry, d_name.name);
	n = bpf_probe_read_kernel_str(&buf->data[off], PATH_NAME_MAX, name);
	if (n <= 0) {
		w->chunk_flags |= BA_CHUNK_FAULT;
		goto done;
	}
	w->off = off + n;
	if (parent == dentry)
		goto done;
	w->dentry = parent;
	return 0;
done:
	w->done = 1;
	return 1;
}

static __always_inline void emit_path(__u32 kind, __u64 promise, __u16 field,
				      const struct path *where,
				      const struct path *root,
				      struct emit_tally *t, __u32 *hdr_flags)
{
	struct path_walk w = {};
	struct path_scratch *buf;
	struct ba_chunk *ch;
	__u32 zero = 0, len;

	buf = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!buf)
		return;
	if (buf->busy) {
		loss_count(kind, BA_LOSS_SCRATCH);
		t->lost++;
		return;
	}
	buf->busy = 1;
	w.dentry = BPF_CORE_READ(where, dentry);
	w.vfsmnt = BPF_CORE_READ(where, mnt);
	w.mnt = real_mount_of(w.vfsmnt);
	w.root_dentry = BPF_CORE_READ(root, dentry);
	w.root_mnt = BPF_CORE_READ(root, mnt);
	bpf_loop(PATH_DEPTH_MAX, path_walk_step, &w, 0);
	if (!w.done)
		w.chunk_flags |= BA_CHUNK_TRUNC;
	if (w.chunk_flags & BA_CHUNK_TRUNC)
		*hdr_flags |= BA_HDR_PATH_TRUNC;

	ch = chunk_reserve(kind, t);
	if (!ch)
		goto out;
	chunk_init(ch, kind, promise, field, 0);
	ch->flags = BA_CHUNK_LAST | w.chunk_flags;
	len = w.off;
	if (len > BA_CHUNK_DATA)
		len = BA_CHUNK_DATA;
	ch->len = len;
	bpf_probe_read_kernel(ch->data, len, buf->data);
	chunk_submit(ch, t);
out:
	buf->busy = 0;
}

#endif /* BPFAUDIT_PATH_H */
