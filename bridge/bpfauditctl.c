// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditctl: talks to a running bpfauditd over its control socket
 * (status, rotate, reload, resume) and changes or lists its audit rules.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif
#define DEFAULT_SOCKET "/run/bpfaudit/bpfauditd.sock"

static const char usage_text[] =
	"Usage: bpfauditctl [-S SOCKET] COMMAND\n"
	"       bpfauditctl [-S SOCKET] -l | -s | -D | -e 0|1|2 | -R FILE\n"
	"Control a running bpfauditd (see bpfauditctl(8)).\n"
	"\n"
	"Commands:\n"
	"  status    attach mode per event source, rules, counters and losses\n"
	"  rotate    rotate the log now (as SIGUSR1)\n"
	"  reload    re-read bpfauditd.conf and the rules directory (as SIGHUP)\n"
	"  resume    resume logging after a disk action suspended it (as SIGUSR2)\n"
	"\n"
	"Rules (auditctl syntax, see bpfaudit.rules(7)):\n"
	"  -l                 list the active rules\n"
	"  -s                 summary: enabled, pid, rules, lost, backlog\n"
	"  -R FILE            apply the rules in FILE to the active set\n"
	"  -D                 delete every rule (nothing is recorded)\n"
	"  -e 0|1|2           0 records nothing, 1 records, 2 locks the rules\n"
	"                     until reboot\n"
	"\n"
	"  -S, --socket PATH  control socket (default " DEFAULT_SOCKET ")\n"
	"  -h, --help         show this help\n"
	"  -V, --version      show the version\n";

#define REQUEST_MAX (1 << 20)

/* Sends the command line and @body, then prints the answer. */
static int request(const char *path, const char *cmd, const char *body,
		   size_t body_len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096], line[256];
	ssize_t n;
	size_t off;
	int fd, ret = 0;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "bpfauditctl: %s: path too long\n", path);
		return 1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "bpfauditctl: %s: %s (is bpfauditd running?)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	snprintf(line, sizeof(line), "%s\n", cmd);
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0)
		goto fail;
	for (off = 0; off < body_len; off += n) {
		n = send(fd, body + off, body_len - off, MSG_NOSIGNAL);
		if (n < 0)
			goto fail;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!strncmp(buf, "error:", 6))
			ret = 1;
		fwrite(buf, 1, n, stdout);
	}
	close(fd);
	return ret;
fail:
	fprintf(stderr, "bpfauditctl: %s: %s\n", path, strerror(errno));
	close(fd);
	return 1;
}

/* -R FILE: the file's text goes to the daemon, which parses it. */
static int load_file(const char *sock, const char *file)
{
	char *text = malloc(REQUEST_MAX + 1), cmd[256];
	size_t len;
	FILE *f;
	int ret;

	f = fopen(file, "re");
	if (!f || !text) {
		fprintf(stderr, "bpfauditctl: %s: %s\n", file, strerror(errno));
		if (f)
			fclose(f);
		free(text);
		return 1;
	}
	len = fread(text, 1, REQUEST_MAX + 1, f);
	fclose(f);
	if (len > REQUEST_MAX) {
		fprintf(stderr, "bpfauditctl: %s: larger than %d bytes\n",
			file, REQUEST_MAX);
		free(text);
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "load %.200s", file);
	ret = request(sock, cmd, text, len);
	free(text);
	return ret;
}

static int rule_command(const char *sock, int opt, const char *arg)
{
	char text[64];

	switch (opt) {
	case 'l':
		return request(sock, "list", NULL, 0);
	case 's':
		return request(sock, "summary", NULL, 0);
	case 'D':
		return request(sock, "load -D", "-D\n", 3);
	case 'e':
		if (strcmp(arg, "0") && strcmp(arg, "1") && strcmp(arg, "2")) {
			fprintf(stderr, "bpfauditctl: -e takes 0, 1 or 2\n");
			return 2;
		}
		snprintf(text, sizeof(text), "-e %s\n", arg);
		return request(sock, "load -e", text, strlen(text));
	}
	return load_file(sock, arg);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *path = DEFAULT_SOCKET, *arg = NULL;
	int c, rule_opt = 0;

	while ((c = getopt_long(argc, argv, "S:hVlsDe:R:", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			path = optarg;
			break;
		case 'l':
		case 's':
		case 'D':
		case 'e':
		case 'R':
			if (rule_opt) {
				fputs("bpfauditctl: one of -l -s -D -e -R at"
				      " a time\n", stderr);
				return 2;
			}
			rule_opt = c;
			arg = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("bpfauditctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (rule_opt) {
		if (optind != argc) {
			fputs(usage_text, stderr);
			return 2;
		}
		return rule_command(path, rule_opt, arg);
	}
	if (optind + 1 != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[optind], "status") && strcmp(argv[optind], "rotate") &&
	    strcmp(argv[optind], "reload") && strcmp(argv[optind], "resume")) {
		fprintf(stderr, "bpfauditctl: unknown command '%s'\n",
			argv[optind]);
		fputs(usage_text, stderr);
		return 2;
	}
	return request(path, argv[optind], NULL, 0);
}
