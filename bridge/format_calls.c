// SPDX-License-Identifier: GPL-2.0
/*
 * Record sets of the one-syscall event kinds, as kernel audit writes them
 * for a rule on the syscall (mmap/mprotect: SYSCALL, MMAP; connect/bind:
 * SYSCALL, SOCKADDR, and CWD/PATH for unix paths; bpf: BPF, SYSCALL;
 * capset: SYSCALL, CAPSET; ptrace attach/seize: SYSCALL, OBJ_PID; module
 * loads: SYSCALL, KERN_MODULE; each
 * closed by PROCTITLE), with what the kernel
 * leaves out appended after key=. Pure functions, like format.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "encode.h"
#include "format.h"

#define NR_MMAP 9
#define NR_CONNECT 42
#define NR_BIND 49
#define NR_CAPSET 126
#define MAP_ANONYMOUS_FLAG 0x20
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4

static void format_closing(const struct ba_event *ev,
			   const struct audit_stamp *st, struct strbuf *out)
{
	format_proctitle(format_field(ev, BA_FIELD_PROCTITLE), st, out);
}

/* --- mmap, mprotect ------------------------------------------------------ */

static void mmap_extras(const struct ba_event *ev, struct strbuf *out)
{
	const struct ba_vma *v = &ev->hdr.x.vma;
	unsigned long long fl = v->vm_flags;

	if (!v->end)
		return;	/* the call failed: no mapping */
	strbuf_printf(out,
		      " vma_start=%llx vma_end=%llx vma_prot=%c%c%c"
		      " vma_flags=0x%llx vma_pgoff=%llu",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      fl & VM_READ ? 'r' : '-', fl & VM_WRITE ? 'w' : '-',
		      fl & VM_EXEC ? 'x' : '-', fl, (unsigned long long)v->pgoff);
	if (!v->file.valid)
		return;
	strbuf_printf(out, " vma_inode=%llu vma_dev=%02x:%02x",
		      (unsigned long long)v->file.ino, MAJOR(v->file.dev),
		      MINOR(v->file.dev));
	/* last: a path cut to fit is followed by path_truncated=yes */
	format_extra_path(ev, out, " vma_file=", BA_FIELD_VMA_FILE);
}

int format_mmap(const struct ba_event *ev, const struct audit_stamp *st,
		struct strbuf *out)
{
	const struct ba_header *h = &ev->hdr;
	int records = 2;

	format_syscall(ev, 0, st, out, mmap_extras);
	/* audit_mmap_fd(): file mappings only */
	if (h->syscall == NR_MMAP && !(h->args[3] & MAP_ANONYMOUS_FLAG)) {
		format_record_start(out, "MMAP", st);
		strbuf_printf(out, "fd=%d flags=0x%x", (int)h->args[4],
			      (unsigned int)h->args[3]);
		format_record_end(out);
		records++;
	}
	format_closing(ev, st, out);
	return records;
}

/* --- connect, bind, listen, accept, accept4 ------------------------------ */

static const char *family_name(unsigned int f)
{
	switch (f) {
	case AF_UNIX:
		return "local";
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	}
	return NULL;
}

static const char *sock_type_name(unsigned int t)
{
	switch (t) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_RAW:
		return "raw";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return "other";
}

static void add_addr(struct strbuf *out, const char *name, int family,
		     const unsigned char *addr)
{
	char text[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, text, sizeof(text)))
		return;
	strbuf_printf(out, " %s=%s", name, text);
}

static void socket_extras(const struct ba_event *ev, struct strbuf *out)
{
	const struct ba_sock *so = &ev->hdr.x.sock;
	const char *family = family_name(so->family);

	if (!family)
		return;	/* nothing was read from the socket */
	strbuf_printf(out, " family=%s sock_type=%s proto=%u", family,
		      sock_type_name(so->type), so->protocol);
	if (so->family == AF_UNIX)
		return;
	add_addr(out, "laddr", so->family, so->laddr);
	strbuf_printf(out, " lport=%u", so->lport);
	add_addr(out, "raddr", so->family, so->raddr);
	strbuf_printf(out, " rport=%u", so->rport);
}

/* The path of a sockaddr_un bound or connected by name: NULL if abstract. */
static const char *unix_path(const struct ba_sock *so, size_t *len)
{
	const char *p = (const char *)so->saddr + 2;
	size_t max;

	if (so->saddr_len <= 2 || so->saddr_len > BA_SOCKADDR_MAX ||
	    so->saddr[0] != AF_UNIX || !p[0])
		return NULL;
	max = so->saddr_len - 2;
	*len = strnlen(p, max);
	return p;
}

/* unix sockets named by a path: CWD, then PATH records as the kernel's
 * lookup leaves them (bind: the directory and the new socket). */
static int unix_path_records(const struct ba_event *ev,
			     const struct audit_stamp *st, struct strbuf *out)
{
	const struct ba_sock *so = &ev->hdr.x.sock;
	const char *path;
	size_t len;

	if (!so->node.valid || !(path = unix_path(so, &len)))
		return 0;
	format_record_start(out, "CWD", st);
	format_path_field(out, "cwd=", format_field(ev, BA_FIELD_CWD));
	format_record_end(out);
	if (ev->hdr.syscall == NR_CONNECT) {
		format_path_record(0, path, len, &so->node, "NORMAL", st, out);
		return 2;
	}
	format_parent_record(ev, 0, path, len, &so->parent, st, out);
	format_path_record(1, path, len, &so->node, "CREATE", st, out);
	return 3;
}

static int unix_path_items(const struct ba_event *ev)
{
	const struct ba_sock *so = &ev->hdr.x.sock;
	size_t len;

	if (!so->node.valid || !unix_path(so, &len))
		return 0;
	return ev->hdr.syscall == NR_CONNECT ? 1 : 2;
}

int format_socket(const struct ba_event *ev, const struct audit_stamp *st,
		  struct strbuf *out)
{
	const struct ba_header *h = &ev->hdr;
	const struct ba_sock *so = &h->x.sock;
	int records = 2;

	format_syscall(ev, unix_path_items(ev), st, out, socket_extras);
	/* connect/bind: the address given; accept: the peer copied out
	 * (the header is not trusted beyond what the BPF side can send) */
	if (so->saddr_len && so->saddr_len <= BA_SOCKADDR_MAX) {
		format_record_start(out, "SOCKADDR", st);
		strbuf_adds(out, "saddr=");
		audit_add_hex(out, (const char *)so->saddr, so->saddr_len);
		format_record_end(out);
		records++;
	}
	records += unix_path_records(ev, st, out);
	format_closing(ev, st, out);
	return records;
}

/* --- bpf(BPF_PROG_LOAD) ---------------------------------------------------- */

int format_bpf(const struct ba_event *ev, const struct audit_stamp *st,
	       struct strbuf *out)
{
	const struct ba_bpf_prog *p = &ev->hdr.x.prog;
	int records = 2, i;

	/* the kernel logs the load as it happens, before the syscall ends */
	if (!format_syscall_failed(ev->hdr.ret) && p->id) {
		format_record_start(out, "BPF", st);
		strbuf_printf(out, "prog-id=%u op=LOAD prog_name=", p->id);
		audit_add_untrusted(out, p->name, strnlen(p->name,
							  sizeof(p->name)));
		strbuf_printf(out, " prog_type=%u prog_tag=", p->type);
		for (i = 0; i < 8; i++)
			strbuf_printf(out, "%02x", p->tag[i]);
		strbuf_printf(out, " insn_cnt=%u attach_type=%u", p->insn_cnt,
			      p->attach_type);
		format_record_end(out);
		records++;
	}
	format_syscall(ev, 0, st, out, NULL);
	format_closing(ev, st, out);
	return records;
}

/* --- setuid family, capset ------------------------------------------------- */

static void cred_extras(const struct ba_event *ev, struct strbuf *out)
{
	const struct ba_cred *c = &ev->hdr.x.cred;

	strbuf_printf(out,
		      " old_uid=%u old_gid=%u old_euid=%u old_suid=%u"
		      " old_fsuid=%u old_egid=%u old_sgid=%u old_fsgid=%u",
		      c->uid, c->gid, c->euid, c->suid, c->fsuid, c->egid,
		      c->sgid, c->fsgid);
	if (ev->hdr.syscall == NR_CAPSET)
		strbuf_printf(out,
			      " old_cap_pi=%016llx old_cap_pp=%016llx"
			      " old_cap_pe=%016llx old_cap_pa=%016llx",
			      (unsigned long long)c->cap_inheritable,
			      (unsigned long long)c->cap_permitted,
			      (unsigned long long)c->cap_effective,
			      (unsigned long long)c->cap_ambient);
}

/* audit_log_cap(): 0, or the set as 16 lowercase hex digits. */
static void add_cap(struct strbuf *out, const char *name, uint64_t cap)
{
	if (!cap)
		strbuf_printf(out, " %s=0", name);
	else
		strbuf_printf(out, " %s=%016llx", name,
			      (unsigned long long)cap);
}

int format_cred(const struct ba_event *ev, const struct audit_stamp *st,
		struct strbuf *out)
{
	const struct ba_cred *c = &ev->hdr.x.cred;
	int records = 2;

	format_syscall(ev, 0, st, out, cred_extras);
	if (ev->hdr.syscall == NR_CAPSET &&
	    !format_syscall_failed(ev->hdr.ret)) {
		format_record_start(out, "CAPSET", st);
		strbuf_printf(out, "pid=%u", ev->hdr.task.pid);
		add_cap(out, "cap_pi", c->new_inheritable);
		add_cap(out, "cap_pp", c->new_permitted);
		add_cap(out, "cap_pe", c->new_effective);
		add_cap(out, "cap_pa", c->new_ambient);
		format_record_end(out);
		records++;
	}
	format_closing(ev, st, out);
	return records;
}

/* --- ptrace ------------------------------------------------------------- */

#define PTRACE_ATTACH 16
#define PTRACE_SEIZE 0x4206

static const char *ptrace_request_name(unsigned long long r)
{
	switch (r) {
	case 4:
		return "poketext";
	case 5:
		return "pokedata";
	case 6:
		return "pokeuser";
	case PTRACE_ATTACH:
		return "attach";
	case PTRACE_SEIZE:
		return "seize";
	}
	return "other";
}

static void ptrace_extras(const struct ba_event *ev, struct strbuf *out)
{
	const struct ba_ptrace_target *t = &ev->hdr.x.target;

	strbuf_printf(out, " ptrace_request=%s",
		      ptrace_request_name(ev->hdr.args[0]));
	if (!t->found)
		return;
	strbuf_printf(out, " target_pid=%u", t->opid);
	format_extra_path(ev, out, " target_exe=", BA_FIELD_TARGET_EXE);
}

int format_ptrace(const struct ba_event *ev, const struct audit_stamp *st,
		  struct strbuf *out)
{
	const struct ba_ptrace_target *t = &ev->hdr.x.target;
	unsigned long long req = ev->hdr.args[0];
	int records = 2;

	format_syscall(ev, 0, st, out, ptrace_extras);
	/* audit_ptrace(): on attach and seize; the ids print signed */
	if ((req == PTRACE_ATTACH || req == PTRACE_SEIZE) && t->found) {
		format_record_start(out, "OBJ_PID", st);
		strbuf_printf(out, "opid=%d oauid=%d ouid=%d oses=%d ocomm=",
			      (int)t->opid, (int)t->oauid, (int)t->ouid,
			      (int)t->oses);
		audit_add_untrusted(out, t->ocomm,
				    strnlen(t->ocomm, sizeof(t->ocomm)));
		format_record_end(out);
		records++;
	}
	format_closing(ev, st, out);
	return records;
}

/* --- init_module, finit_module, delete_module ----------------------------- */

#define NR_DELETE_MODULE 176
#define NR_FINIT_MODULE 313

static void module_extras(const struct ba_event *ev, struct strbuf *out)
{
	const struct ba_module *m = &ev->hdr.x.module;
	size_t len = strnlen(m->name, sizeof(m->name));

	if (len) {
		strbuf_adds(out, " module_name=");
		audit_add_untrusted(out, m->name, len);
	}
	if (ev->hdr.syscall == NR_DELETE_MODULE)
		return;
	strbuf_printf(out, " module_size=%llu", (unsigned long long)m->size);
	if (ev->hdr.syscall == NR_FINIT_MODULE && m->file.valid)
		format_extra_path(ev, out, " module_file=",
				  BA_FIELD_MODULE_FILE);
}

int format_module(const struct ba_event *ev, const struct audit_stamp *st,
		  struct strbuf *out)
{
	const struct ba_module *m = &ev->hdr.x.module;
	size_t len = strnlen(m->name, sizeof(m->name));
	int records = 2;

	format_syscall(ev, 0, st, out, module_extras);
	/* audit_log_kern_module(): loads only, "(null)" before the name */
	if (ev->hdr.syscall != NR_DELETE_MODULE) {
		format_record_start(out, "KERN_MODULE", st);
		strbuf_adds(out, "name=");
		if (len)
			audit_add_untrusted(out, m->name, len);
		else
			strbuf_adds(out, "(null)");
		format_record_end(out);
		records++;
	}
	format_closing(ev, st, out);
	return records;
}
