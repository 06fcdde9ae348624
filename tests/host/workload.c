// SPDX-License-Identifier: GPL-2.0
/*
 * The exec workload of the host and vm tiers: runs execs that stress the
 * record format (huge argv, hostile bytes, #! scripts, relative paths,
 * failures) and writes a manifest line per exec: TAG PID ARGV, where ARGV
 * is each argument in hex, comma-separated, so a checker can compare it
 * with what the log says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG_ARGS 40
#define BIG_ARG_LEN 8000
#define HUGE_ARG_LEN 20000

static FILE *manifest;

static void put_hex(const char *s)
{
	for (; *s; s++)
		fprintf(manifest, "%02X", (unsigned char)*s);
}

static void record(const char *tag, pid_t pid, char *const argv[])
{
	int i;

	fprintf(manifest, "%s %d ", tag, pid);
	for (i = 0; argv[i]; i++) {
		if (i)
			fputc(',', manifest);
		put_hex(argv[i]);
	}
	fputc('\n', manifest);
	fflush(manifest);
}

/* Runs argv; the manifest gets the argv the kernel logs (for a #! script,
 * the interpreter's), or argv itself when logged is NULL. */
static void run_logged(const char *tag, const char *path, char *const argv[],
		       char *const logged[])
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(path, argv);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	record(tag, pid, logged ? logged : argv);
}

static void run(const char *tag, const char *path, char *const argv[])
{
	run_logged(tag, path, argv, NULL);
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		exit(1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
	chmod(path, mode);
}

static void copy_true(const char *dst)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "cp /bin/true '%s'", dst);
	if (system(cmd)) {
		fprintf(stderr, "cannot copy /bin/true\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char path[4096], script[4096], noexec[4096];
	char *big[BIG_ARGS + 3];
	const char *dir;
	int i, rounds = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: workload DIR MANIFEST [ROUNDS]\n");
		return 2;
	}
	dir = argv[1];
	manifest = fopen(argv[2], "w");
	if (!manifest) {
		perror(argv[2]);
		return 1;
	}
	if (argc > 3)
		rounds = atoi(argv[3]);
	snprintf(script, sizeof(script), "%s/script.sh", dir);
	write_file(script, "#!/bin/sh\nexit 0\n", 0755);
	snprintf(noexec, sizeof(noexec), "%s/noexec", dir);
	write_file(noexec, "not a program\n", 0644);
	snprintf(path, sizeof(path), "%s/prog", dir);
	copy_true(path);

	big[0] = "true";
	for (i = 1; i <= BIG_ARGS; i++)
		big[i] = repeat('A' + i % 26, BIG_ARG_LEN);
	big[BIG_ARGS + 1] = repeat('z', HUGE_ARG_LEN);
	big[BIG_ARGS + 2] = NULL;

	while (rounds-- > 0) {
		char *plain[] = { "true", "plain", NULL };
		char *hostile[] = { "true", "a b", "q\"x", "new\nline", "x=y",
				    "caf\xc3\xa9", "", "tab\there",
				    "key=\"v\" fake=1", "\x7f\x01", NULL };
		char *scr[] = { script, "arg1", NULL };
		char *scr_logged[] = { "/bin/sh", script, "arg1", NULL };
		char *rel[] = { "./prog", "relative", NULL };
		char *missing[] = { "missing", NULL };
		char *denied[] = { "noexec", NULL };

		run("plain", "/bin/true", plain);
		run("big", "/bin/true", big);
		run("hostile", "/bin/true", hostile);
		run_logged("script", script, scr, scr_logged);
		if (chdir(dir)) {
			perror(dir);
			return 1;
		}
		run("relative", "./prog", rel);
		run("enoent", "/nonexistent/bpfaudit-test", missing);
		run("eacces", noexec, denied);
	}
	return fclose(manifest) ? 1 : 0;
}
