// SPDX-License-Identifier: GPL-2.0
/*
 * opload: the non-exec workloads of the benchmarks. Each runs one kind of
 * operation in a loop for a given time on the calling thread and counts
 * exactly what it did.
 *
 *   opload tcp    -d SECONDS             loopback connect + accept + close
 *   opload mmap   -d SECONDS -f FILE     mmap(PROT_EXEC) + munmap of FILE
 *   opload getpid -d SECONDS             getpid(2)
 *   opload stat   -d SECONDS -f FILE     stat(2) of FILE
 *   opload open   -d SECONDS -f FILE     open(2) for reading + close of FILE
 *
 * Output, one line: op=NAME ops=N elapsed_ns=N ns_per_op=X cpu_ns=N, where
 * an op is one operation (for tcp: one connect, one accept and both
 * closes) and cpu_ns the loop's own user + system CPU time (getrusage),
 * which time spent preempted by other work on a shared machine leaves out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1000000000ull + tv->tv_usec * 1000ull;
}

static void die(const char *what)
{
	fprintf(stderr, "opload: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A close that sends RST: no TIME_WAIT piles up over many connections. */
static void close_abort(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static int listener(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)addr, &len))
		die("listen");
	return fd;
}

static void op_tcp(int lfd, const struct sockaddr_in *addr)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

	if (c < 0)
		die("socket");
	if (connect(c, (const struct sockaddr *)addr, sizeof(*addr)))
		die("connect");
	s = accept(lfd, NULL, NULL);
	if (s < 0)
		die("accept");
	close_abort(c);
	close_abort(s);
}

int main(int argc, char **argv)
{
	const char *op, *file = "/bin/true";
	double seconds = 1;
	uint64_t ops = 0, start, stop, end;
	struct sockaddr_in addr;
	struct stat st;
	struct rusage ru0, ru1;
	int c, fd = -1, lfd = -1, batch = 256, i;

	if (argc < 2)
		goto usage;
	op = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "d:f:")) != -1) {
		switch (c) {
		case 'd':
			seconds = atof(optarg);
			break;
		case 'f':
			file = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!strcmp(op, "tcp")) {
		lfd = listener(&addr);
		batch = 16;
	} else if (!strcmp(op, "mmap")) {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(file);
		batch = 64;
	} else if (strcmp(op, "getpid") && strcmp(op, "stat") &&
		   strcmp(op, "open")) {
		goto usage;
	}
	getrusage(RUSAGE_SELF, &ru0);
	start = now_ns();
	stop = start + (uint64_t)(seconds * 1e9);
	do {
		for (i = 0; i < batch; i++) {
			switch (op[0]) {
			case 't':
				op_tcp(lfd, &addr);
				break;
			case 'm': {
				void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
					       MAP_PRIVATE, fd, 0);

				if (p == MAP_FAILED)
					die("mmap");
				munmap(p, 4096);
				break;
			}
			case 'g':
				syscall(SYS_getpid);
				break;
			case 's':
				if (stat(file, &st))
					die("stat");
				break;
			case 'o':
				fd = open(file, O_RDONLY | O_CLOEXEC);
				if (fd < 0)
					die(file);
				close(fd);
				break;
			}
		}
		ops += batch;
		end = now_ns();
	} while (end < stop);
	getrusage(RUSAGE_SELF, &ru1);
	printf("op=%s ops=%llu elapsed_ns=%llu ns_per_op=%.1f cpu_ns=%llu\n", op,
	       (unsigned long long)ops, (unsigned long long)(end - start),
	       (end - start) / (double)ops,
	       (unsigned long long)(tv_ns(&ru1.ru_utime) + tv_ns(&ru1.ru_stime) -
				    tv_ns(&ru0.ru_utime) - tv_ns(&ru0.ru_stime)));
	return 0;
usage:
	fputs("usage: opload tcp|mmap|getpid|stat|open [-d SECONDS] [-f FILE]\n",
	      stderr);
	return 2;
}
