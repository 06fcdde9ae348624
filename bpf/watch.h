/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File watches (kind BA_KIND_WATCH): which inodes a file call touched, and
 * whether one of them is watched (path=: the inode itself; dir=: it or a
 * directory above it). Opens give their file through the new descriptor,
 * descriptor calls through theirs (those kernel audit names: fchmod,
 * fchown, f*xattr). Path calls are seen, by attach mode:
 * - tracepoint: through the kernel's ctime tracepoints (6.13+), which fire
 *   on every inode the call changes: the object, its directory, a new
 *   inode. Only changed inodes are seen that way: a path call that fails,
 *   and a read-class one (readlink, getxattr, listxattr), goes to the
 *   daemon, which looks its names up (BA_WATCH_UNSEEN); chmod's or
 *   chown's object shows its new mode/owner.
 * - fentry, lsm: through the security hooks of the path calls
 *   (security_path_*, security_inode_*xattr), which name the objects
 *   before the call acts, as kernel audit's lookups do: a call that is
 *   then refused is seen too. The syscall's entry and exit are the same
 *   tracepoint programs in every mode.
 */
#ifndef BPFAUDIT_WATCH_H
#define BPFAUDIT_WATCH_H

#include "syscall.h"

/* Filled by the daemon, per bank (struct ba_watch_key.bank). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * BA_WATCH_ENTRIES);
	__type(key, struct ba_watch_key);
	__type(value, struct ba_watch_val);
} watches SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * BA_WATCHES_MAX);
	__type(key, struct ba_watch_name_key);
	__type(value, struct ba_watch_val);
} watch_names SEC(".maps");

/* Bumped when the directory of a watched path changed: the daemon then
 * looks the watched paths up again (a file may have been replaced). */
volatile __u64 watch_changes;

/* Set by the daemon in tracepoint mode, where no program sees the inodes
 * of a path call that fails, or only reads: such a call goes to the daemon
 * to be looked up by name (BA_WATCH_UNSEEN), when a rule may want it. */
volatile __u32 watch_lookups;

/* How many directories above an inode a dir= watch is looked for. */
#define WATCH_DEPTH_MAX 32
#define O_CREAT_FLAG 0100
#define ENOENT_ERR 2
#define EEXIST_ERR 17

#define NR_OPEN 2
#define NR_OPENAT 257
#define NR_OPENAT2 437

static __always_inline struct ba_watch_val *watch_lookup(struct inode *inode,
							 __u32 bank)
{
	struct ba_watch_key k = {};

	if (!inode)
		return NULL;
	k.ino = BPF_CORE_READ(inode, i_ino);
	k.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	k.bank = bank;
	return bpf_map_lookup_elem(&watches, &k);
}

struct watch_walk {
	struct dentry *dentry;
	__u64 hits;
	__u32 bank;
};

/* One directory up: does a dir= watch start there? (d_parent stops at the
 * file system's root, as kernel audit's tree walk does.) */
static long watch_walk_step(__u32 i, struct watch_walk *w)
{
	struct dentry *d = w->dentry, *parent = BPF_CORE_READ(d, d_parent);
	struct ba_watch_val *v;

	if (!parent || parent == d)
		return 1;
	v = watch_lookup(BPF_CORE_READ(parent, d_inode), w->bank);
	if (v)
		w->hits |= v->dir_mask;
	w->dentry = parent;
	return 0;
}

/* A name of the inode, if it has one yet (a new inode has none). */
/* Newer kernels (7.x) keep d_alias outside the d_u union. */
struct dentry___alias_out {
	struct hlist_node d_alias;
} __attribute__((preserve_access_index));

static __always_inline struct dentry *inode_alias(struct inode *inode)
{
	struct hlist_node *first = BPF_CORE_READ(inode, i_dentry.first);
	__u64 off;

	if (!first)
		return NULL;
	if (bpf_core_field_exists(struct dentry, d_u.d_alias))
		off = bpf_core_field_offset(struct dentry, d_u.d_alias);
	else if (bpf_core_field_exists(struct dentry___alias_out, d_alias))
		off = bpf_core_field_offset(struct dentry___alias_out, d_alias);
	else
		return NULL;
	return (void *)first - off;
}

/* The place of inode (@ino, @dev) in the call's objects, or -1. */
static __always_inline int watch_obj_find(const struct ba_watch *w, __u64 ino,
					  __u32 dev)
{
	__u32 i, n = w->nobj;

	for (i = 0; i < BA_WATCH_OBJS; i++) {
		if (i >= n)
			break;
		if (w->obj[i].file.ino == ino && w->obj[i].file.dev == dev)
			return i;
	}
	return -1;
}

/*
 * The call touched @inode (named by @dentry, or by its first alias): keep
 * its identity for the PATH records and add the watches it matches.
 */
static __always_inline void watch_note(struct call_state *s,
				       struct inode *inode,
				       struct dentry *dentry, __u32 flags)
{
	struct ba_watch *w = &s->hdr.x.watch;
	struct watch_walk walk = { .bank = rules_bank & 1 };
	struct ba_watch_val *v;
	__u32 n = w->nobj;
	int seen;

	if (!inode)
		return;
	seen = watch_obj_find(w, BPF_CORE_READ(inode, i_ino),
			      BPF_CORE_READ(inode, i_sb, s_dev));
	if (seen >= 0 && seen < BA_WATCH_OBJS) {
		w->obj[seen].flags |= flags;
		/* tmpfs stamps a file it unlinks before dropping the link,
		 * then again: the last count tells a removed file */
		w->obj[seen].nlink = BPF_CORE_READ(inode, __i_nlink);
		/* a file opened or used is complete: a new one was stamped
		 * before its mode had the umask applied */
		if (flags & BA_WOBJ_OPENED)
			inode_fill(&w->obj[seen].file, inode);
		return;
	}
	if (!dentry)
		dentry = inode_alias(inode);
	if (n < BA_WATCH_OBJS) {
		struct ba_watch_obj *o = &w->obj[n];

		s->inodes[n] = inode;
		inode_fill(&o->file, inode);
		o->nlink = BPF_CORE_READ(inode, __i_nlink);
		o->flags = flags;
		o->parent_ino = 0;
		if (dentry)
			o->parent_ino =
				BPF_CORE_READ(dentry, d_parent, d_inode, i_ino);
		w->nobj = n + 1;
	} else {
		w->flags |= BA_WATCH_OBJS_LOST;
	}
	v = watch_lookup(inode, walk.bank);
	if (v) {
		w->hits |= v->path_mask | v->dir_mask;
		if (v->parent_mask)
			__sync_fetch_and_add(&watch_changes, 1);
	}
	if (!dentry)
		return;
	walk.dentry = dentry;
	bpf_loop(WATCH_DEPTH_MAX, watch_walk_step, &walk, 0);
	w->hits |= walk.hits;
}

/* The same, for the inode a name leads to (none: a negative dentry). */
static __always_inline void watch_note_dentry(struct call_state *s,
					      struct dentry *dentry,
					      __u32 flags)
{
	if (dentry)
		watch_note(s, BPF_CORE_READ(dentry, d_inode), dentry, flags);
}

static __always_inline void watch_note_file(struct call_state *s,
					    struct file *f, __u32 flags)
{
	if (f)
		watch_note(s, BPF_CORE_READ(f, f_inode),
			   BPF_CORE_READ(f, f_path.dentry), flags);
}

/* perm=x: an exec's image file, when rules (and so watches) are on. */
static __always_inline void watch_note_exec(struct call_state *s,
					    struct linux_binprm *bprm)
{
	if (rules_mode == BA_RULES_ACTIVE)
		watch_note_file(s, BPF_CORE_READ(bprm, file), BA_WOBJ_OPENED);
}

/* Entry: the names' user pointers, openat2's flags, and a descriptor
 * call's file (kernel audit notes it at entry: failed calls match too). */
static __always_inline void watch_enter(struct call_state *s)
{
	struct ba_watch_call a = ba_watch_call_of(s->hdr.syscall);
	struct task_struct *task;
	__u64 flags = 0;

	if (a.name >= 0 && a.name < 6)
		s->filename = s->hdr.args[a.name];
	if (a.name2 >= 0 && a.name2 < 6)
		s->filename2 = s->hdr.args[a.name2];
	if (s->hdr.syscall == NR_OPENAT2 &&
	    !bpf_probe_read_user(&flags, sizeof(flags), (void *)s->hdr.args[2]))
		s->hdr.x.watch.open_flags = flags;
	if (a.kind != BA_WC_FD)
		return;
	task = bpf_get_current_task_btf();
	watch_note_file(s, fd_file(task, s->hdr.args[0]), BA_WOBJ_OPENED);
}

/* The inodes the call created were stamped before they were complete (no
 * name yet, the umask not applied): read them again once it succeeded. */
static __always_inline void watch_refresh_new(struct call_state *s)
{
	struct ba_watch *w = &s->hdr.x.watch;
	__u32 i, n = w->nobj;

	for (i = 0; i < BA_WATCH_OBJS; i++) {
		struct ba_watch_obj *o = &w->obj[i];
		struct dentry *dentry;
		struct inode *inode;

		if (i >= n)
			break;
		inode = s->inodes[i];
		if (o->parent_ino || !inode)
			continue;
		inode_fill(&o->file, inode);
		dentry = inode_alias(inode);
		if (dentry)
			o->parent_ino =
				BPF_CORE_READ(dentry, d_parent, d_inode, i_ino);
	}
}

/*
 * A name the call made (create, link, rename onto it) that is a watched
 * path: the watch matches, and the new inode is watched at once (the
 * daemon's next look-up of the paths puts it in both banks).
 */
static __always_inline void watch_new_name(struct call_state *s,
					   const struct ba_watch_obj *o,
					   struct inode *inode)
{
	struct dentry *dentry = inode_alias(inode);
	struct ba_watch_name_key k = {};
	struct ba_watch_key wk = {};
	struct ba_watch_val *v;

	if (!dentry)
		return;
	k.parent_ino = BPF_CORE_READ(dentry, d_parent, d_inode, i_ino);
	k.dev = o->file.dev;
	k.bank = rules_bank & 1;
	if (bpf_probe_read_kernel_str(k.name, sizeof(k.name),
				      BPF_CORE_READ(dentry, d_name.name)) < 0)
		return;
	v = bpf_map_lookup_elem(&watch_names, &k);
	if (!v)
		return;
	s->hdr.x.watch.hits |= v->path_mask | v->dir_mask;
	wk.ino = o->file.ino;
	wk.dev = o->file.dev;
	wk.bank = k.bank;
	bpf_map_update_elem(&watches, &wk, v, BPF_NOEXIST);
}

/* Every inode the call touched, by the name it has now. */
static __always_inline void watch_new_names(struct call_state *s)
{
	struct ba_watch *w = &s->hdr.x.watch;
	__u32 i, n = w->nobj;

	for (i = 0; i < BA_WATCH_OBJS; i++) {
		if (i >= n)
			break;
		if (s->inodes[i])
			watch_new_name(s, &w->obj[i], s->inodes[i]);
	}
}

/* The read-class calls on a path, which change no inode: no tracepoint
 * sees what they read, whatever their result. */
static __always_inline bool watch_reads(const struct call_state *s)
{
	switch (s->hdr.syscall) {
	case 89:	/* readlink */
	case 267:	/* readlinkat */
	case 191:	/* getxattr */
	case 192:	/* lgetxattr */
	case 194:	/* listxattr */
	case 195:	/* llistxattr */
		return true;
	}
	return false;
}

/* Exit, before the rules: the file an open returned, and for O_CREAT the
 * directory it was looked up in (kernel audit's PARENT item). */
static __always_inline void
watch_exit_inodes(struct call_state *s, struct task_struct *task, long ret)
{
	__u8 kind = ba_watch_call_of(s->hdr.syscall).kind;
	struct dentry *made = s->new_dentry;
	struct file *f;

	/* a missing name (ENOENT) leaves nothing to look up; a name that
	 * is there already (EEXIST) fails before any hook */
	if (watch_lookups && (call_failed(ret) || watch_reads(s)) &&
	    ret != -ENOENT_ERR && ret != -EEXIST_ERR && kind >= BA_WC_PATH &&
	    !s->hdr.x.watch.nobj) {
		s->hdr.x.watch.flags |= BA_WATCH_UNSEEN;
		/* any watch may be hit: the daemon's lookup tells */
		s->hdr.x.watch.hits = ~0ull;
	}
	/* fentry, lsm: the name a create hook saw has its inode now */
	if (ret == 0 && kind == BA_WC_CREATE) {
		watch_note_dentry(s, made, BA_WOBJ_STAMPED);
		watch_refresh_new(s);
	}
	if (kind == BA_WC_OPEN && ret >= 0) {
		f = fd_file(task, ret);
		watch_note_file(s, f, BA_WOBJ_OPENED);
		if (f && (ba_open_flags(&s->hdr) & O_CREAT_FLAG)) {
			struct dentry *dir =
				BPF_CORE_READ(f, f_path.dentry, d_parent);

			watch_note_dentry(s, dir, BA_WOBJ_PARENT);
		} else {
			return;
		}
	}
	if (ret >= 0 && kind != BA_WC_NONE && kind != BA_WC_FD &&
	    kind != BA_WC_PATH && kind != BA_WC_REMOVE)
		watch_new_names(s);
}

/* Exit, the event wanted: the names as the caller gave them, and cwd. */
static __always_inline void watch_capture(struct call_state *s,
					  struct task_struct *task)
{
	call_capture_cwd(s, task);
	if (s->filename)
		emit_string(s->hdr.kind, s->hdr.promise, BA_FIELD_NAME,
			    (void *)s->filename, true, &s->tally);
	if (s->filename2)
		emit_string(s->hdr.kind, s->hdr.promise, BA_FIELD_NAME2,
			    (void *)s->filename2, true, &s->tally);
}

/* The file call the current task is in, if it names objects. */
static __always_inline struct call_state *watch_call_now(void)
{
	struct call_state *s;

	/* every write stamps its file: only rules make file calls a state */
	if (rules_mode != BA_RULES_ACTIVE)
		return NULL;
	s = call_current();
	/* ftruncate and fallocate name nothing: kernel audit matches no
	 * watch on them */
	if (s && s->hdr.kind == BA_KIND_WATCH &&
	    ba_watch_call_of(s->hdr.syscall).kind != BA_WC_NONE)
		return s;
	return NULL;
}

/* An inode's ctime was stamped: by the current call, if it is a file call. */
static __always_inline void watch_stamped(struct inode *inode)
{
	struct call_state *s = watch_call_now();

	if (s)
		watch_note(s, inode, NULL, BA_WOBJ_STAMPED);
}

SEC("tp_btf/inode_set_ctime_to_ts")
int BPF_PROG(watch_ctime_set, struct inode *inode)
{
	watch_stamped(inode);
	return 0;
}

SEC("tp_btf/ctime_ns_xchg")
int BPF_PROG(watch_ctime_xchg, struct inode *inode)
{
	watch_stamped(inode);
	return 0;
}

SEC("tp_btf/ctime_xchg_skip")
int BPF_PROG(watch_ctime_skip, struct inode *inode)
{
	watch_stamped(inode);
	return 0;
}

/*
 * fentry and lsm modes: the security hooks of the path calls. Each notes
 * the objects as kernel audit's lookups leave them: the object (or victim)
 * first, then its directory; a name to be made is kept until the exit.
 * Every object is marked STAMPED, "the call acts on it", as the ctime
 * tracepoints mark what it changed.
 */
static __always_inline void hook_dentry(struct call_state *s,
					struct dentry *dentry)
{
	watch_note_dentry(s, dentry, BA_WOBJ_STAMPED);
}

static __always_inline void hook_path(struct call_state *s,
				      const struct path *path)
{
	if (path)
		hook_dentry(s, BPF_CORE_READ(path, dentry));
}

/* unlink, rmdir: the victim, then its directory. */
static __always_inline void watch_hook_remove(const struct path *dir,
					      struct dentry *victim)
{
	struct call_state *s = watch_call_now();

	if (!s)
		return;
	hook_dentry(s, victim);
	hook_path(s, dir);
}

/* mkdir, mknod (and a creating open), symlink: the directory; the new
 * inode is read at the exit. */
static __always_inline void watch_hook_create(const struct path *dir,
					      struct dentry *dentry)
{
	struct call_state *s = watch_call_now();

	if (!s)
		return;
	hook_path(s, dir);
	s->new_dentry = dentry;
}

/* link: the inode (in the new name's directory, as kernel audit's CREATE
 * item shows it), then that directory. */
static __always_inline void watch_hook_link(struct dentry *old,
					    const struct path *new_dir)
{
	struct call_state *s = watch_call_now();
	struct inode *inode;
	__u64 dir_ino;
	int i;

	if (!s || !old || !new_dir)
		return;
	inode = BPF_CORE_READ(old, d_inode);
	hook_dentry(s, old);
	hook_path(s, new_dir);
	if (!inode)
		return;
	i = watch_obj_find(&s->hdr.x.watch, BPF_CORE_READ(inode, i_ino),
			   BPF_CORE_READ(inode, i_sb, s_dev));
	dir_ino = BPF_CORE_READ(new_dir, dentry, d_inode, i_ino);
	if (i >= 0 && i < BA_WATCH_OBJS)
		s->hdr.x.watch.obj[i].parent_ino = dir_ino;
}

/* rename: the renamed inode, the one it replaces, both directories. */
static __always_inline void watch_hook_rename(const struct path *old_dir,
					      struct dentry *old,
					      const struct path *new_dir,
					      struct dentry *new)
{
	struct call_state *s = watch_call_now();

	if (!s)
		return;
	hook_dentry(s, old);
	hook_dentry(s, new);
	hook_path(s, old_dir);
	hook_path(s, new_dir);
}

/* chmod, chown, truncate, the *xattr calls, readlink: the object, as it
 * is before. */
static __always_inline void watch_hook_object(struct dentry *dentry)
{
	struct call_state *s = watch_call_now();

	if (s)
		hook_dentry(s, dentry);
}

/* fentry and lsm modes: the file an open is about to check (may_open,
 * before the permission check): an open then refused is matched, as
 * kernel audit's lookup records it. No LSM hook comes before the check. */
SEC("fentry/may_open")
int BPF_PROG(fentry_may_open, void *idmap, const struct path *path)
{
	struct call_state *s = watch_call_now();

	if (s && path &&
	    ba_watch_call_of(s->hdr.syscall).kind == BA_WC_OPEN)
		watch_note_dentry(s, BPF_CORE_READ(path, dentry),
				  BA_WOBJ_OPENED);
	return 0;
}

/* Both modes' programs of a hook: fentry on security_HOOK, and the BPF
 * LSM hook, which never denies (it returns the verdict it was given, the
 * argument after the hook's own: so they are all listed). */
#define WATCH_HOOK(hook, body, args...)                                       \
	SEC("fentry/security_" #hook)                                         \
	int BPF_PROG(fentry_##hook, args)                                     \
	{                                                                     \
		body;                                                         \
		return 0;                                                     \
	}                                                                     \
	SEC("lsm/" #hook)                                                     \
	int BPF_PROG(lsm_##hook, args, int ret)                               \
	{                                                                     \
		body;                                                         \
		return ret;                                                   \
	}

/* The hooks' arguments, the same from 6.1 to 7.2 (the first argument of
 * the *xattr hooks is the mount's idmap, its user namespace before 6.3). */
WATCH_HOOK(path_unlink, watch_hook_remove(dir, d),
	   const struct path *dir, struct dentry *d)
WATCH_HOOK(path_rmdir, watch_hook_remove(dir, d),
	   const struct path *dir, struct dentry *d)
WATCH_HOOK(path_mkdir, watch_hook_create(dir, d),
	   const struct path *dir, struct dentry *d, unsigned long mode)
WATCH_HOOK(path_mknod, watch_hook_create(dir, d),
	   const struct path *dir, struct dentry *d, unsigned long mode,
	   unsigned long dev)
WATCH_HOOK(path_symlink, watch_hook_create(dir, d),
	   const struct path *dir, struct dentry *d, const char *target)
WATCH_HOOK(path_link, watch_hook_link(old, new_dir),
	   struct dentry *old, const struct path *new_dir, struct dentry *n)
WATCH_HOOK(path_rename, watch_hook_rename(od, o, nd, n),
	   const struct path *od, struct dentry *o, const struct path *nd,
	   struct dentry *n, unsigned long flags)
WATCH_HOOK(path_chmod, watch_hook_object(BPF_CORE_READ(p, dentry)),
	   const struct path *p, unsigned long mode)
WATCH_HOOK(path_chown, watch_hook_object(BPF_CORE_READ(p, dentry)),
	   const struct path *p, unsigned long uid, unsigned long gid)
WATCH_HOOK(path_truncate, watch_hook_object(BPF_CORE_READ(p, dentry)),
	   const struct path *p)
WATCH_HOOK(inode_setxattr, watch_hook_object(d), void *idmap,
	   struct dentry *d, const char *name, const void *value,
	   unsigned long size, unsigned long flags)
WATCH_HOOK(inode_removexattr, watch_hook_object(d), void *idmap,
	   struct dentry *d, const char *name)
/* the read-class path calls (readlink, getxattr, listxattr and variants) */
WATCH_HOOK(inode_readlink, watch_hook_object(d), struct dentry *d)
WATCH_HOOK(inode_getxattr, watch_hook_object(d), struct dentry *d,
	   const char *name)
WATCH_HOOK(inode_listxattr, watch_hook_object(d), struct dentry *d)

#endif /* BPFAUDIT_WATCH_H */
