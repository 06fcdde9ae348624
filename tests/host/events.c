// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of the non-exec event kinds: executable mappings, socket
 * operations over IPv4, IPv6 and unix sockets, a BPF program load, ptrace
 * and credential changes; with --files, the file calls a watch on DIR/w/
 * catches instead (some refused, run as nobody). Each action runs in a
 * child of its own and the manifest gets a line TAG PID, so checkers find
 * its records by pid.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

static FILE *manifest;
static const char *dir;

typedef void (*action_fn)(void);

static void run(const char *tag, action_fn fn)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		fn();
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	fprintf(manifest, "%s %d\n", tag, pid);
	fflush(manifest);
}

static void mmap_file_exec(void)
{
	int fd = open("/bin/true", O_RDONLY);
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);

	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fd);
}

static void mmap_anon_exec(void)
{
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED)
		munmap(p, 8192);
}

static void mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED) {
		mprotect(p, 4096, PROT_READ | PROT_EXEC);
		munmap(p, 4096);
	}
}

static void memfd_exec(void)
{
	int fd = syscall(SYS_memfd_create, "bpfaudit-memfd", 0);
	void *p;

	if (fd < 0 || ftruncate(fd, 4096))
		return;
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	close(fd);
}

/* A listener, a connect to it, an accept: on loopback, one family. */
static void sock_pair(int family)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int l, c, a;

	if (family == AF_INET) {
		struct sockaddr_in *in = (void *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in->sin_port = htons(47001);
		len = sizeof(*in);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (void *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		in6->sin6_port = htons(47002);
		len = sizeof(*in6);
	} else {
		struct sockaddr_un *un = (void *)&ss;

		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s/sock", dir);
		unlink(un->sun_path);
		len = sizeof(*un);
	}
	l = socket(family, SOCK_STREAM, 0);
	c = socket(family, SOCK_STREAM, 0);
	if (l < 0 || c < 0)
		return;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (bind(l, (void *)&ss, len) || listen(l, 4))
		return;
	if (connect(c, (void *)&ss, len))
		return;
	a = accept4(l, NULL, NULL, 0);
	close(a);
	close(c);
	close(l);
}

static void sock_inet(void) { sock_pair(AF_INET); }
static void sock_inet6(void) { sock_pair(AF_INET6); }
static void sock_unix(void) { sock_pair(AF_UNIX); }

static void connect_refused(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(47009),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int c = socket(AF_INET, SOCK_STREAM, 0);

	connect(c, (void *)&in, sizeof(in));
	close(c);
}

static void bpf_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	strcpy(attr.prog_name, "bpfaudit_test");
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		close(fd);
}

static void ptrace_child(void)
{
	pid_t child = fork();
	long word = 0;

	if (child == 0) {
		pause();
		_exit(0);
	}
	ptrace(PTRACE_ATTACH, child, NULL, NULL);
	waitpid(child, NULL, 0);
	ptrace(PTRACE_POKEDATA, child, (void *)&word, (void *)1);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* As root: drop the effective set, keep the permitted one. */
static void drop_effective(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return;
	d[0].effective = d[1].effective = 0;
	syscall(SYS_capset, &h, d);
}

static void change_ids(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (setresgid(65534, 65534, 65534) || setgid(65534))
		return;
	if (setreuid(0, 65534))
		return;
	if (setresuid(65534, 65534, 65534))
		return;
	if (setuid(65534))
		return;
	syscall(SYS_capget, &h, d);
	d[0].effective = d[0].permitted = d[0].inheritable = 0;
	syscall(SYS_capset, &h, d);
}


/* --files: the calls on a watched directory's files. */
static char wpath[8][512];
enum { W_DIR, W_FILE, W_FILE2, W_LINK, W_SYM, W_SUB, W_OTHER, W_NEW };

static void wname(int i, const char *base)
{
	snprintf(wpath[i], sizeof(wpath[i]), "%s/w%s%s", dir, base[0] ? "/" : "",
		 base);
}

static void as_nobody(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		_exit(3);
}

static void f_write(void)
{
	int fd = open(wpath[W_FILE], O_WRONLY | O_APPEND);

	if (fd >= 0) {
		if (write(fd, "two\n", 4) < 0)
			perror("write");
		close(fd);
	}
}

static void f_create(void)
{
	int fd = open(wpath[W_NEW], O_WRONLY | O_CREAT | O_EXCL, 0640);

	if (fd >= 0)
		close(fd);
}
static void f_chmod(void) { chmod(wpath[W_FILE], 0600); }
static void f_chown(void) { chown(wpath[W_FILE], 1, -1); }
static void f_setxattr(void)
{
	setxattr(wpath[W_FILE], "trusted.bpfaudit", "1", 1, 0);
}
static void f_rename(void) { rename(wpath[W_FILE], wpath[W_FILE2]); }
static void f_link(void) { link(wpath[W_FILE2], wpath[W_LINK]); }
static void f_symlink(void) { symlink("file2", wpath[W_SYM]); }
static void f_mkdir(void) { mkdir(wpath[W_SUB], 0755); }
static void f_readlink(void)
{
	char buf[64];

	if (readlink(wpath[W_SYM], buf, sizeof(buf)) < 0)
		perror("readlink");
}
static void f_getxattr(void)
{
	char buf[8];

	getxattr(wpath[W_FILE2], "trusted.bpfaudit", buf, sizeof(buf));
}
static void f_listxattr(void)
{
	char buf[256];

	listxattr(wpath[W_FILE2], buf, sizeof(buf));
}
static void f_unlink(void) { unlink(wpath[W_LINK]); }
static void f_rmdir(void) { rmdir(wpath[W_SUB]); }
static void f_denied_chmod(void)
{
	as_nobody();
	chmod(wpath[W_FILE2], 0644);
}
static void f_denied_unlink(void)
{
	as_nobody();
	unlink(wpath[W_FILE2]);
}
static void f_denied_open(void)
{
	int fd;

	as_nobody();
	fd = open(wpath[W_FILE2], O_WRONLY);
	if (fd >= 0)
		close(fd);
}
static void f_denied_rename(void)
{
	as_nobody();
	rename(wpath[W_FILE2], wpath[W_OTHER]);
}

static int file_calls(void)
{
	int fd;

	wname(W_DIR, "");
	wname(W_FILE, "file");
	wname(W_FILE2, "file2");
	wname(W_LINK, "link");
	wname(W_SYM, "sym");
	wname(W_SUB, "sub");
	wname(W_OTHER, "other");
	wname(W_NEW, "created");
	if (mkdir(wpath[W_DIR], 0755) && errno != EEXIST) {
		perror(wpath[W_DIR]);
		return 1;
	}
	chmod(wpath[W_DIR], 0755);
	fd = open(wpath[W_FILE], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(wpath[W_FILE]);
		return 1;
	}
	close(fd);
	run("f_write", f_write);
	run("f_create", f_create);
	run("f_chmod", f_chmod);
	run("f_chown", f_chown);
	run("f_setxattr", f_setxattr);
	run("f_rename", f_rename);
	run("f_link", f_link);
	run("f_symlink", f_symlink);
	run("f_mkdir", f_mkdir);
	run("f_readlink", f_readlink);
	run("f_getxattr", f_getxattr);
	run("f_listxattr", f_listxattr);
	run("f_unlink", f_unlink);
	run("f_rmdir", f_rmdir);
	run("f_denied_chmod", f_denied_chmod);
	run("f_denied_unlink", f_denied_unlink);
	run("f_denied_open", f_denied_open);
	run("f_denied_rename", f_denied_rename);
	return 0;
}

int main(int argc, char **argv)
{
	bool files = argc == 4 && !strcmp(argv[1], "--files");

	if (argc != 3 && !files) {
		fprintf(stderr, "usage: events [--files] DIR MANIFEST\n");
		return 2;
	}
	dir = argv[1 + files];
	manifest = fopen(argv[2 + files], "w");
	if (!manifest) {
		perror(argv[2 + files]);
		return 1;
	}
	if (files) {
		if (file_calls())
			return 1;
		return fclose(manifest) ? 1 : 0;
	}
	run("mmap_file", mmap_file_exec);
	run("mmap_anon", mmap_anon_exec);
	run("mprotect", mprotect_exec);
	run("memfd", memfd_exec);
	run("inet", sock_inet);
	run("inet6", sock_inet6);
	run("unix", sock_unix);
	run("refused", connect_refused);
	run("bpf", bpf_load);
	run("ptrace", ptrace_child);
	run("ids", change_ids);
	run("capset", drop_effective);
	return fclose(manifest) ? 1 : 0;
}
