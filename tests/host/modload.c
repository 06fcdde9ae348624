// SPDX-License-Identifier: GPL-2.0
/*
 * Loads and unloads a kernel module through each syscall bpfaudit watches,
 * for the vm tier: modload init FILE | finit FILE | delete NAME. Prints
 * "TAG PID" for the manifest and exits with the syscall's errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int load_image(const char *path)
{
	struct stat st;
	void *image;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return errno;
	image = malloc(st.st_size);
	if (!image || read(fd, image, st.st_size) != st.st_size)
		return EIO;
	close(fd);
	return syscall(SYS_init_module, image, (unsigned long)st.st_size, "") ?
		       errno : 0;
}

static int load_fd(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return errno;
	return syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
}

int main(int argc, char **argv)
{
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: modload init|finit FILE | delete NAME\n");
		return 2;
	}
	printf("mod%s %d\n", argv[1], getpid());
	fflush(stdout);
	if (!strcmp(argv[1], "init"))
		err = load_image(argv[2]);
	else if (!strcmp(argv[1], "finit"))
		err = load_fd(argv[2]);
	else
		err = syscall(SYS_delete_module, argv[2], O_NONBLOCK) ? errno : 0;
	if (err)
		fprintf(stderr, "modload %s %s: %s\n", argv[1], argv[2],
			strerror(err));
	return err;
}
