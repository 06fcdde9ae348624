// SPDX-License-Identifier: GPL-2.0
/*
 * execload: the exec workload of the benchmarks. Workers fork and exec a
 * small binary, each waiting for its child, and count exactly what they
 * did, so that loss can be computed as offered minus logged.
 *
 *   execload -b BIN [-a ARG] [-P WORKERS] -d SECONDS          flat out
 *   execload -b BIN [-a ARG] [-P WORKERS] -r RATE -n COUNT    paced
 *
 * Flat out, every worker execs back to back until the time is up. Paced,
 * exec number i (0 <= i < COUNT) is due at start + i / RATE and worker
 * i % WORKERS runs it at its due time, or at once when it is behind; COUNT
 * execs are always offered, and the achieved rate says whether the machine
 * kept up. Output, one line:
 *   offered=N ok=N failed=N elapsed_ns=N rate=R target=R workers=P late=N
 *   fork_failed=N cpu_ns=N real_start_ms=N real_end_ms=N
 * where offered counts execve calls made (one per forked child), failed
 * those that did not exit 0, late the execs that started more than 10 ms
 * after their due time, and cpu_ns the user + system CPU time of every
 * worker and child (getrusage RUSAGE_CHILDREN: kernel audit's and the BPF
 * programs' in-syscall work included, the daemons' not); real_start_ms and
 * real_end_ms are CLOCK_REALTIME in ms at entry and at the end, the window
 * in which audit records of this run carry their timestamps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define LATE_NS 10000000ull

struct tally {
	uint64_t offered;
	uint64_t ok;
	uint64_t failed;
	uint64_t late;
	uint64_t forkfail;
};

static uint64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { t / 1000000000ull, t % 1000000000ull };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* One fork + exec + wait; the child's status says whether exec worked. */
static void one_exec(const char *bin, char *const argv[], struct tally *t)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		t->forkfail++;
		return;
	}
	if (pid == 0) {
		execv(bin, argv);
		_exit(127);
	}
	t->offered++;	/* the child called execve exactly once */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		t->ok++;
	else
		t->failed++;
}

static void usage(void)
{
	fputs("usage: execload -b BIN [-a ARG] [-P WORKERS] "
	      "(-d SECONDS | -r RATE -n COUNT)\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *bin = NULL, *arg = "bench";
	double seconds = 0, rate = 0;
	uint64_t count = 0, start, end, total_ok = 0, total_failed = 0;
	uint64_t total_offered = 0, total_late = 0, total_forkfail = 0;
	uint64_t real_start = real_ms();
	int workers = 1, c, w;
	struct tally *tallies;
	char *cargv[3];
	struct rusage ru;

	while ((c = getopt(argc, argv, "b:a:P:d:r:n:")) != -1) {
		switch (c) {
		case 'b':
			bin = optarg;
			break;
		case 'a':
			arg = optarg;
			break;
		case 'P':
			workers = atoi(optarg);
			break;
		case 'd':
			seconds = atof(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (!bin || workers < 1 || workers > MAX_WORKERS ||
	    (seconds <= 0 && (rate <= 0 || count == 0)))
		usage();
	cargv[0] = (char *)bin;
	cargv[1] = (char *)arg;
	cargv[2] = NULL;
	tallies = mmap(NULL, MAX_WORKERS * sizeof(*tallies),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tallies == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(tallies, 0, MAX_WORKERS * sizeof(*tallies));
	/* A little ahead, so every worker is forked before the first exec. */
	start = now_ns() + 20000000ull;
	for (w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			struct tally *t = &tallies[w];

			sleep_until(start);
			if (rate > 0) {
				uint64_t i;

				for (i = w; i < count; i += workers) {
					uint64_t due = start +
						(uint64_t)(i * 1e9 / rate);
					uint64_t now = now_ns();

					if (now < due)
						sleep_until(due);
					else if (now - due > LATE_NS)
						t->late++;
					one_exec(bin, cargv, t);
				}
			} else {
				uint64_t stop = start + (uint64_t)(seconds * 1e9);

				while (now_ns() < stop)
					one_exec(bin, cargv, t);
			}
			_exit(0);
		}
	}
	for (w = 0; w < workers; w++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "execload: a worker failed\n");
			return 1;
		}
	}
	end = now_ns();
	getrusage(RUSAGE_CHILDREN, &ru);
	for (w = 0; w < workers; w++) {
		total_offered += tallies[w].offered;
		total_ok += tallies[w].ok;
		total_failed += tallies[w].failed;
		total_late += tallies[w].late;
		total_forkfail += tallies[w].forkfail;
	}
	printf("offered=%llu ok=%llu failed=%llu elapsed_ns=%llu rate=%.1f "
	       "target=%.1f workers=%d late=%llu fork_failed=%llu "
	       "cpu_ns=%llu real_start_ms=%llu real_end_ms=%llu\n",
	       (unsigned long long)total_offered,
	       (unsigned long long)total_ok, (unsigned long long)total_failed,
	       (unsigned long long)(end - start),
	       total_offered * 1e9 / (double)(end - start), rate, workers,
	       (unsigned long long)total_late,
	       (unsigned long long)total_forkfail,
	       (unsigned long long)((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
				    1000000000ull +
				    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) *
				    1000ull),
	       (unsigned long long)real_start, (unsigned long long)real_ms());
	return 0;
}
