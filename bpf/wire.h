/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wire format between bpfaudit's BPF programs and bpfauditd: every event
 * is zero or more fixed-size data chunks followed by one fixed-size header,
 * all tied together by the event's promise id. Included by both sides.
 */
#ifndef BPFAUDIT_WIRE_H
#define BPFAUDIT_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BA_WIRE_VERSION 1

/* Bytes of payload in one chunk; every chunk is reserved with this size. */
#define BA_CHUNK_DATA 4096
/* Longest string field (path, name) the BPF side reads in one piece. */
#define BA_NAME_MAX 4096
/* Kernel audit's proctitle limit (MAX_PROCTITLE_AUDIT_LEN). */
#define BA_PROCTITLE_MAX 128
#define BA_COMM_LEN 16
#define BA_TTY_LEN 64

/* First word of every ring-buffer record. */
enum ba_record_type {
	BA_REC_CHUNK = 0x43484b31,	/* "CHK1" */
	BA_REC_HEADER = 0x48445231,	/* "HDR1" */
};

/* Event kinds: one per event source. Loss is counted per kind. */
enum ba_kind {
	BA_KIND_EXEC = 1,
	BA_KIND_MMAP,		/* mmap, mprotect with PROT_EXEC */
	BA_KIND_SOCKET,		/* connect, bind, listen, accept, accept4 */
	BA_KIND_BPF,		/* bpf(BPF_PROG_LOAD) */
	BA_KIND_CRED,		/* setuid family, capset */
	BA_KIND_PTRACE,		/* ptrace attach, seize, pokes */
	BA_KIND_MODULE,		/* init_module, finit_module, delete_module */
	BA_KIND_WATCH,		/* file syscalls, for watches and path= rules */
	BA_KIND_MAX,
};

/* Data fields an event's chunks can carry. */
enum ba_field {
	BA_FIELD_ARGV = 1,	/* argv, NUL-separated, from the new image */
	BA_FIELD_FILENAME,	/* name given to execve (PATH item 0) */
	BA_FIELD_INTERP,	/* #! interpreter name */
	BA_FIELD_ELF_INTERP,	/* PT_INTERP of the loaded ELF */
	BA_FIELD_CWD,		/* path components, leaf first */
	BA_FIELD_EXE,		/* path components, leaf first */
	BA_FIELD_PROCTITLE,	/* the caller's cmdline */
	BA_FIELD_VMA_FILE,	/* mapped file's path components, leaf first */
	BA_FIELD_TARGET_EXE,	/* ptrace target's executable, leaf first */
	BA_FIELD_MODULE_FILE,	/* finit_module's file, leaf first */
	BA_FIELD_NAME,		/* a file call's first path argument */
	BA_FIELD_NAME2,		/* its second (rename, link: the new name) */
	BA_FIELD_MAX,
};

/* Chunk flags. */
#define BA_CHUNK_LAST	(1u << 0)	/* final chunk of this field */
#define BA_CHUNK_FAULT	(1u << 1)	/* reading the source failed */
#define BA_CHUNK_TRUNC	(1u << 2)	/* the source was longer than captured */

struct ba_chunk {
	__u32 type;		/* BA_REC_CHUNK */
	__u16 kind;		/* enum ba_kind */
	__u8 field;		/* enum ba_field */
	__u8 flags;		/* BA_CHUNK_* */
	__u64 promise;
	__u32 seq;		/* 0, 1, ... within the field */
	__u32 len;		/* bytes used in data[] */
	__u8 data[BA_CHUNK_DATA];
};

/* Identity and attributes of a file, as kernel audit's PATH record has them. */
struct ba_file {
	__u64 ino;
	__u32 dev;		/* kernel dev_t: major << 20 | minor */
	__u32 rdev;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 valid;		/* 0 when nothing was captured */
};

struct ba_task {
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid, gid, euid, suid, fsuid, egid, sgid, fsgid;
	__u32 auid;
	__u32 ses;
	__u64 cgroup_id;
	__u32 mnt_ns;
	__u32 pid_ns;
	char comm[BA_COMM_LEN];
	char tty[BA_TTY_LEN];	/* empty: no controlling tty */
};

/* Header flags. */
#define BA_HDR_SCRIPT		(1u << 0)	/* a #! script was executed */
#define BA_HDR_ARGV_TRUNC	(1u << 1)	/* argv longer than argv_max */
#define BA_HDR_EXEC_SEEN	(1u << 2)	/* sched_process_exec fired */
#define BA_HDR_PATH_TRUNC	(1u << 3)	/* a path was too deep */
#define BA_HDR_NAMED_SEEN	(1u << 4)	/* named file identity captured */

/* The mapping an mmap/mprotect produced, found at the call's result. */
struct ba_vma {
	__u64 start;
	__u64 end;
	__u64 vm_flags;
	__u64 pgoff;
	struct ba_file file;	/* valid: file-backed */
};

#define BA_SOCKADDR_MAX 128

struct ba_sock {
	__u32 saddr_len;	/* bytes of saddr given to connect/bind */
	__u16 family;
	__u16 type;		/* SOCK_STREAM, ... */
	__u16 protocol;
	__u16 lport;		/* host order */
	__u16 rport;
	__u16 pad;
	__u8 laddr[16];		/* IPv4 in the first 4 bytes */
	__u8 raddr[16];
	__u8 saddr[BA_SOCKADDR_MAX];
	struct ba_file parent;	/* unix path: directory */
	struct ba_file node;	/* unix path: the socket inode */
};

struct ba_bpf_prog {
	__u32 id;
	__u32 type;
	__u32 insn_cnt;
	__u32 attach_type;
	__u8 tag[8];
	char name[16];
};

struct ba_cred {
	/* before the call; the SYSCALL record has the ids after it */
	__u32 uid, gid, euid, suid, fsuid, egid, sgid, fsgid;
	__u64 cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	/* after the call, for CAPSET */
	__u64 new_effective, new_permitted, new_inheritable, new_ambient;
};

/* The task a ptrace request acted on (OBJ_PID), if the tracer has it. */
struct ba_ptrace_target {
	__u32 found;
	__u32 opid;		/* tgid */
	__u32 oauid;
	__u32 ouid;
	__u32 oses;
	char ocomm[BA_COMM_LEN];
	struct ba_file exe;
};

#define BA_MODULE_NAME_LEN 56	/* MODULE_NAME_LEN on 64-bit */

struct ba_module {
	char name[BA_MODULE_NAME_LEN];	/* loaded (or asked to unload) */
	__u64 size;			/* image or file size */
	struct ba_file file;		/* finit_module's file */
};

/* An inode a file call touched (watch kind). */
#define BA_WOBJ_OPENED	(1u << 0)	/* the file the call opened or used */
#define BA_WOBJ_STAMPED	(1u << 1)	/* its ctime was stamped by the call */
#define BA_WOBJ_PARENT	(1u << 2)	/* the directory of the opened file */

struct ba_watch_obj {
	struct ba_file file;
	__u64 parent_ino;	/* the directory it is in, 0: unknown (new) */
	__u32 flags;		/* BA_WOBJ_* */
	__u32 nlink;		/* links when seen: 0 for a file removed */
};

#define BA_WATCH_OBJS 5

/* Header flags of the watch kind. */
#define BA_WATCH_OBJS_LOST	(1u << 0)	/* more inodes than obj[] */
/* tracepoint mode: a failed path call, whose inodes no tracepoint saw; the
 * daemon looks its names up (bridge/lookup.c) */
#define BA_WATCH_UNSEEN		(1u << 1)
/* and the rules' path=/dir= conditions wait for that look-up */
#define BA_WATCH_UNDECIDED	(1u << 2)

struct ba_watch {
	__u64 hits;		/* bit i: watch i of the bank matched */
	__u32 open_flags;	/* openat2's how.flags */
	__u32 nobj;
	__u32 flags;		/* BA_WATCH_* */
	__u32 pad;
	struct ba_watch_obj obj[BA_WATCH_OBJS];
};

/*
 * The header closes an event: it is submitted after every chunk, and says
 * how many chunks were submitted and how many could not be.
 */
struct ba_header {
	__u32 type;		/* BA_REC_HEADER */
	__u16 kind;		/* enum ba_kind */
	__u16 version;		/* BA_WIRE_VERSION */
	__u64 promise;
	__u64 boot_ns;		/* CLOCK_BOOTTIME at syscall entry */
	__u32 nchunks;		/* chunks submitted before this header */
	__u32 lost_chunks;	/* chunks that could not be reserved */
	__u32 flags;		/* BA_HDR_* */
	__u32 syscall;
	__s64 ret;
	__u64 args[6];
	__u32 argc;
	__u32 arch;		/* AUDIT_ARCH_* */
	__u32 key_id;		/* key of the rule that chose it, 0: none */
	__u32 rule;		/* that rule's place in the set + 1, 0: none */
	struct ba_task task;
	struct ba_file exe;	/* the process's executable after the call */
	struct ba_file bin;	/* bprm->file: the ELF that was loaded */
	struct ba_file elf_interp;	/* its PT_INTERP (dynamic loader) */
	struct ba_file named;	/* the file execve named (a #! script) */
	union {			/* by kind */
		struct ba_vma vma;
		struct ba_sock sock;
		struct ba_bpf_prog prog;
		struct ba_cred cred;
		struct ba_ptrace_target target;
		struct ba_module module;
		struct ba_watch watch;
	} x;
};

/*
 * The syscalls bpfaudit captures, by kind: X(name, x86_64 number, kind).
 * The BPF side generates its entry points from this list (exec has its
 * own), the rule parser knows from it which syscalls a rule may name.
 */
#define BA_EXEC_SYSCALLS(X)						\
	X(execve, 59, BA_KIND_EXEC)					\
	X(execveat, 322, BA_KIND_EXEC)
#define BA_CALL_SYSCALLS(X)						\
	X(mmap, 9, BA_KIND_MMAP)					\
	X(mprotect, 10, BA_KIND_MMAP)					\
	X(connect, 42, BA_KIND_SOCKET)					\
	X(accept, 43, BA_KIND_SOCKET)					\
	X(bind, 49, BA_KIND_SOCKET)					\
	X(listen, 50, BA_KIND_SOCKET)					\
	X(accept4, 288, BA_KIND_SOCKET)					\
	X(bpf, 321, BA_KIND_BPF)					\
	X(setuid, 105, BA_KIND_CRED)					\
	X(setgid, 106, BA_KIND_CRED)					\
	X(setreuid, 113, BA_KIND_CRED)					\
	X(setregid, 114, BA_KIND_CRED)					\
	X(setresuid, 117, BA_KIND_CRED)					\
	X(setresgid, 119, BA_KIND_CRED)					\
	X(setfsuid, 122, BA_KIND_CRED)					\
	X(setfsgid, 123, BA_KIND_CRED)					\
	X(capset, 126, BA_KIND_CRED)					\
	X(ptrace, 101, BA_KIND_PTRACE)					\
	X(init_module, 175, BA_KIND_MODULE)				\
	X(finit_module, 313, BA_KIND_MODULE)				\
	X(delete_module, 176, BA_KIND_MODULE)

/*
 * The file calls a watch (-w, path=, dir=) can match: the opens, kernel
 * audit's dir-write and change-attribute classes, and the write and read
 * classes' calls on descriptors and paths whose inode bpfaudit can see.
 * One pair of programs serves them all (the syscall number is in the
 * tracepoint's context), attached to each one's tracepoints.
 */
#define BA_WATCH_SYSCALLS(X)						\
	X(open, 2, BA_KIND_WATCH)					\
	X(openat, 257, BA_KIND_WATCH)					\
	X(openat2, 437, BA_KIND_WATCH)					\
	X(creat, 85, BA_KIND_WATCH)					\
	X(truncate, 76, BA_KIND_WATCH)					\
	X(ftruncate, 77, BA_KIND_WATCH)					\
	X(fallocate, 285, BA_KIND_WATCH)				\
	X(rename, 82, BA_KIND_WATCH)					\
	X(renameat, 264, BA_KIND_WATCH)					\
	X(renameat2, 316, BA_KIND_WATCH)				\
	X(mkdir, 83, BA_KIND_WATCH)					\
	X(mkdirat, 258, BA_KIND_WATCH)					\
	X(rmdir, 84, BA_KIND_WATCH)					\
	X(link, 86, BA_KIND_WATCH)					\
	X(linkat, 265, BA_KIND_WATCH)					\
	X(unlink, 87, BA_KIND_WATCH)					\
	X(unlinkat, 263, BA_KIND_WATCH)					\
	X(symlink, 88, BA_KIND_WATCH)					\
	X(symlinkat, 266, BA_KIND_WATCH)				\
	X(mknod, 133, BA_KIND_WATCH)					\
	X(mknodat, 259, BA_KIND_WATCH)					\
	X(chmod, 90, BA_KIND_WATCH)					\
	X(fchmod, 91, BA_KIND_WATCH)					\
	X(fchmodat, 268, BA_KIND_WATCH)					\
	X(chown, 92, BA_KIND_WATCH)					\
	X(fchown, 93, BA_KIND_WATCH)					\
	X(lchown, 94, BA_KIND_WATCH)					\
	X(fchownat, 260, BA_KIND_WATCH)					\
	X(setxattr, 188, BA_KIND_WATCH)					\
	X(lsetxattr, 189, BA_KIND_WATCH)				\
	X(fsetxattr, 190, BA_KIND_WATCH)				\
	X(removexattr, 197, BA_KIND_WATCH)				\
	X(lremovexattr, 198, BA_KIND_WATCH)				\
	X(fremovexattr, 199, BA_KIND_WATCH)				\
	X(fgetxattr, 193, BA_KIND_WATCH)				\
	X(flistxattr, 196, BA_KIND_WATCH)				\
	/* the read-class calls on a path: they change no inode, so	\
	 * the security hooks see them (fentry, lsm), and in tracepoint	\
	 * mode the daemon looks their names up */			\
	X(readlink, 89, BA_KIND_WATCH)					\
	X(readlinkat, 267, BA_KIND_WATCH)				\
	X(getxattr, 191, BA_KIND_WATCH)					\
	X(lgetxattr, 192, BA_KIND_WATCH)				\
	X(listxattr, 194, BA_KIND_WATCH)				\
	X(llistxattr, 195, BA_KIND_WATCH)

/* How a file call names its objects, as kernel audit's PATH items show
 * them, and which arguments are its path names (-1: none). */
enum ba_watch_call_kind {
	BA_WC_NONE = 0,		/* no name (ftruncate, fallocate): no item */
	BA_WC_FD,		/* a descriptor (audit_file): one nameless item */
	BA_WC_PATH,		/* one path, the object itself */
	BA_WC_OPEN,		/* a path; with O_CREAT its directory first */
	BA_WC_REMOVE,		/* unlink, rmdir: directory, victim */
	BA_WC_CREATE,		/* mkdir, mknod, symlink: directory, new */
	BA_WC_LINK,		/* link: new's directory, old, new */
	BA_WC_RENAME,		/* both directories, old, (replaced,) new */
};

struct ba_watch_call {
	__u8 kind;		/* enum ba_watch_call_kind */
	__s8 name;		/* argument index of the (first) path */
	__s8 name2;		/* of the second (rename, link) */
};

static inline __attribute__((always_inline)) struct ba_watch_call
ba_watch_call_of(__u32 nr)
{
	struct ba_watch_call c = { BA_WC_NONE, -1, -1 };

	switch (nr) {
	case 91:	/* fchmod */
	case 93:	/* fchown */
	case 190:	/* fsetxattr */
	case 193:	/* fgetxattr */
	case 196:	/* flistxattr */
	case 199:	/* fremovexattr */
		c = (struct ba_watch_call){ BA_WC_FD, -1, -1 };
		break;
	case 2:		/* open */
	case 85:	/* creat */
		c = (struct ba_watch_call){ BA_WC_OPEN, 0, -1 };
		break;
	case 257:	/* openat */
	case 437:	/* openat2 */
		c = (struct ba_watch_call){ BA_WC_OPEN, 1, -1 };
		break;
	case 76:	/* truncate */
	case 90:	/* chmod */
	case 92:	/* chown */
	case 94:	/* lchown */
	case 188:	/* setxattr */
	case 189:	/* lsetxattr */
	case 197:	/* removexattr */
	case 198:	/* lremovexattr */
	case 89:	/* readlink */
	case 191:	/* getxattr */
	case 192:	/* lgetxattr */
	case 194:	/* listxattr */
	case 195:	/* llistxattr */
		c = (struct ba_watch_call){ BA_WC_PATH, 0, -1 };
		break;
	case 260:	/* fchownat */
	case 267:	/* readlinkat */
	case 268:	/* fchmodat */
		c = (struct ba_watch_call){ BA_WC_PATH, 1, -1 };
		break;
	case 84:	/* rmdir */
	case 87:	/* unlink */
		c = (struct ba_watch_call){ BA_WC_REMOVE, 0, -1 };
		break;
	case 263:	/* unlinkat */
		c = (struct ba_watch_call){ BA_WC_REMOVE, 1, -1 };
		break;
	case 83:	/* mkdir */
	case 133:	/* mknod */
		c = (struct ba_watch_call){ BA_WC_CREATE, 0, -1 };
		break;
	case 258:	/* mkdirat */
	case 259:	/* mknodat */
		c = (struct ba_watch_call){ BA_WC_CREATE, 1, -1 };
		break;
	case 88:	/* symlink: the target, a name not looked up, second */
		c = (struct ba_watch_call){ BA_WC_CREATE, 1, 0 };
		break;
	case 266:	/* symlinkat */
		c = (struct ba_watch_call){ BA_WC_CREATE, 2, 0 };
		break;
	case 86:	/* link */
		c = (struct ba_watch_call){ BA_WC_LINK, 0, 1 };
		break;
	case 265:	/* linkat */
		c = (struct ba_watch_call){ BA_WC_LINK, 1, 3 };
		break;
	case 82:	/* rename */
		c = (struct ba_watch_call){ BA_WC_RENAME, 0, 1 };
		break;
	case 264:	/* renameat */
	case 316:	/* renameat2 */
		c = (struct ba_watch_call){ BA_WC_RENAME, 1, 3 };
		break;
	}
	return c;
}

/*
 * Rules, compiled by the daemon into the `rules` map and evaluated by the
 * BPF side at the point where everything a rule tests is known, before the
 * event takes any ring space (kernel audit's exit filter: first match
 * decides). Two banks: the daemon fills the idle one, then flips.
 */
#define BA_RULES_MAX 256		/* rules per bank */
#define BA_RULE_CONDS 16		/* conditions per rule */
#define BA_SYSCALL_WORDS 8		/* bitmap of syscalls 0..511 */

enum ba_rule_field {
	BA_RF_UID = 1, BA_RF_EUID, BA_RF_SUID, BA_RF_FSUID,
	BA_RF_GID, BA_RF_EGID, BA_RF_SGID, BA_RF_FSGID,
	BA_RF_AUID, BA_RF_SES, BA_RF_PID, BA_RF_PPID,
	BA_RF_SUCCESS, BA_RF_EXIT, BA_RF_A0, BA_RF_A1, BA_RF_A2, BA_RF_A3,
	BA_RF_EXE,		/* value: inode, value2: kernel dev_t */
	BA_RF_WATCH,		/* value: watch id (bit in ba_watch.hits) */
	BA_RF_PERM,		/* value: RULE_PERM_* bits (opens' flags) */
	BA_RF_MAX,
};

enum ba_rule_op {
	BA_RO_EQ = 1, BA_RO_NE, BA_RO_LT, BA_RO_GT, BA_RO_LE, BA_RO_GE,
	BA_RO_AND,		/* & : any bit of value set */
	BA_RO_ANDEQ,		/* &=: every bit of value set */
};

/*
 * Watched inodes, in the `watches` hash map: one entry per inode and bank,
 * saying which watches (bit = watch id, BA_WATCHES_MAX per bank) it is the
 * file of (path=), the top of (dir=, recursive), or the directory of (the
 * daemon looks the paths up again when one changes: watch_changes).
 */
#define BA_WATCHES_MAX 64
#define BA_WATCH_ENTRIES (2 * BA_WATCHES_MAX)	/* per bank */

struct ba_watch_key {
	__u64 ino;
	__u32 dev;		/* kernel dev_t */
	__u32 bank;
};

struct ba_watch_val {
	__u64 path_mask;
	__u64 dir_mask;
	__u64 parent_mask;
};

/*
 * Watched paths by name, in the `watch_names` hash map: the directory's
 * inode and the last component. A call that makes a name (create, link,
 * rename onto it) matches the watch as kernel audit's watch on the
 * directory does, and its inode is watched from then on.
 */
#define BA_WATCH_NAME_LEN 64	/* longer names: matched by inode only */

struct ba_watch_name_key {
	__u64 parent_ino;
	__u32 dev;
	__u32 bank;
	char name[BA_WATCH_NAME_LEN];
};

struct ba_rule_cond {
	__u16 field;		/* enum ba_rule_field */
	__u16 op;		/* enum ba_rule_op */
	__u32 value2;
	__s64 value;
};

/* The rule has a path= or dir= condition (a watch). */
#define BA_RULE_WATCHES (1u << 0)

struct ba_rule {
	__u32 always;		/* 1: always (record), 0: never */
	__u32 ncond;
	__u32 key_id;
	__u32 flags;		/* BA_RULE_* */
	__u64 syscalls[BA_SYSCALL_WORDS];
	struct ba_rule_cond cond[BA_RULE_CONDS];
};

/* What the rules map holds: no rule set (every event of the enabled
 * kinds is recorded), a rule set, or auditing off (-e 0). */
enum ba_rules_mode {
	BA_RULES_NONE = 0,
	BA_RULES_ACTIVE,
	BA_RULES_OFF,
};

/* Why the BPF side lost something; counted per CPU by kind and cause. */
enum ba_loss_cause {
	BA_LOSS_CHUNK = 0,	/* ring full for a chunk: event written partial */
	BA_LOSS_EVENT,		/* ring full for the header: event lost */
	BA_LOSS_STATE,		/* per-task state table full: event lost */
	BA_LOSS_SCRATCH,	/* per-CPU scratch buffer busy */
	BA_LOSS_CAUSE_MAX,
};

#define BA_LOSS_SLOTS (BA_KIND_MAX * BA_LOSS_CAUSE_MAX)

static inline __u32 ba_loss_slot(__u32 kind, __u32 cause)
{
	return kind * BA_LOSS_CAUSE_MAX + cause;
}

/*
 * The daemon's bookkeeping in the daemon_state map, pinned with the
 * programs and never touched by them, so that a daemon started later (or
 * of another build of the same wire version) knows what its predecessor
 * took from the ring and accounted for, and which losses it reported.
 */
struct ba_daemon_state {
	__u64 consumed;		/* event headers taken from the ring */
	__u64 accounted;	/* of those, written or counted lost */
	/* 1 + where the last header counted consumed starts in the ring: a
	 * daemon killed before the consumer position passed it left it */
	__u64 header_pos;
	/* kernel losses counted by programs replaced since, per slot */
	__u64 loss_carried[BA_LOSS_SLOTS];
	/* kernel losses reported in the trail so far, per slot */
	__u64 loss_reported[BA_LOSS_SLOTS];
	__u32 pid;		/* the daemon reading the ring */
	__u32 pad;
};

#endif /* BPFAUDIT_WIRE_H */
