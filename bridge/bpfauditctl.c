// SPDX-License-Identifier: GPL-2.0
/*
 * bpfauditctl: talks to a running bpfauditd over its control socket
 * (status, rotate, reload).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
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
	"Control a running bpfauditd (see bpfauditctl(8)).\n"
	"\n"
	"Commands:\n"
	"  status    attach mode per event source, counters and losses\n"
	"  rotate    rotate the log now (as SIGUSR1)\n"
	"  reload    re-read bpfauditd.conf (as SIGHUP)\n"
	"\n"
	"  -S, --socket PATH  control socket (default " DEFAULT_SOCKET ")\n"
	"  -h, --help         show this help\n"
	"  -V, --version      show the version\n";

static int request(const char *path, const char *cmd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096], line[256];
	ssize_t n;
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
		return 1;
	}
	snprintf(line, sizeof(line), "%s\n", cmd);
	if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "bpfauditctl: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!strncmp(buf, "error:", 6))
			ret = 1;
		fwrite(buf, 1, n, stdout);
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *path = DEFAULT_SOCKET;
	int c;

	while ((c = getopt_long(argc, argv, "S:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			path = optarg;
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
	if (optind + 1 != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[optind], "status") && strcmp(argv[optind], "rotate") &&
	    strcmp(argv[optind], "reload")) {
		fprintf(stderr, "bpfauditctl: unknown command '%s'\n",
			argv[optind]);
		fputs(usage_text, stderr);
		return 2;
	}
	return request(path, argv[optind]);
}
