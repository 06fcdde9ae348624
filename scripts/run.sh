#!/bin/bash
# Sets bpfaudit up on a fresh Debian 12 machine and runs it: installs the
# packages, builds and installs, starts bpfauditd writing its default log
# /var/log/bpfaudit/audit.log, and shows how to query it with ausearch.
. "$(dirname "$0")/deps.sh"
# shellcheck disable=SC2086
install_packages $BUILD_PKGS $RUN_PKGS
build_tree
make install >/dev/null
mount_kernel_fs

if bpfauditctl status >/dev/null 2>&1; then
	echo "bpfauditd is already running."
else
	bpfauditd
	for _ in $(seq 50); do
		bpfauditctl status >/dev/null 2>&1 && break
		sleep 0.1
	done
fi
bpfauditctl status | sed -n '1,4p'

# Some live events to look at.
/bin/echo "hello from bpfaudit" >/dev/null
ls /nonexistent-bpfaudit-demo >/dev/null 2>&1 || true
sleep 1

echo
echo '$ ausearch -if /var/log/bpfaudit/audit.log -sc execve -x /usr/bin/echo -i'
ausearch -if /var/log/bpfaudit/audit.log -sc execve -x /usr/bin/echo -i | tail -n 8
echo
echo '$ aureport -if /var/log/bpfaudit/audit.log -x --summary'
aureport -if /var/log/bpfaudit/audit.log -x --summary | head -n 12
echo
echo "bpfauditd keeps running (pid $(cat /run/bpfauditd.pid))."
echo "Status: bpfauditctl status    Stop capturing: bpfauditd --unload"
