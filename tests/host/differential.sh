#!/bin/bash
# Differential test: the real kernel audit (a private auditd with an
# execve rule) and bpfauditd watch the same workload; for every exec, every
# record both write must agree field by field. Fields bpfaudit cannot match
# are normalised away below, each with its reason.
. "$TESTLIB"
need_root
need_cmd auditd auditctl ausearch
make_tmp
write_conf "$T/b"
mkdir -p "$T/wl"
KLOG=$T/k/log/audit.log
BLOG=$T/b/log/audit.log

start_auditd "$T/k" || { not_ok "private auditd started"; finish; exit 1; }
auditctl -a always,exit -F arch=b64 -S execve,execveat -k bpfaudit-diff >/dev/null
start_daemon "$T/b" || exit 1
"$WORKLOAD" "$T/wl" "$T/manifest" || exit 1
check "kernel audit logged every exec" wait_for 20 all_logged "$KLOG" "$T/manifest"
check "bpfaudit logged every exec" wait_for 20 all_logged "$BLOG" "$T/manifest"
stop_daemon
stop_auditd

# Records of one pid's exec, stamp removed, only what both sides write:
# - the kernel's BPRM_FCAPS record (capability transitions) is not emulated;
# - key: the kernel's comes from the rule we loaded, bpfaudit has no rules here;
# - bpfaudit's extra fields come after the kernel's and are dropped.
records_of() {
	ausearch -if "$1" -p "$2" --raw 2>/dev/null |
		grep -E '^type=(SYSCALL|EXECVE|CWD|PATH|PROCTITLE) ' |
		grep -E "^type=SYSCALL .*syscall=(59|322) |^type=(EXECVE|CWD|PATH|PROCTITLE) " |
		sed -e 's/msg=audit([0-9.:]*)/msg=audit()/' \
		    -e 's/ key=.*$/ key=/'
}

while read -r tag pid rest; do
	records_of "$KLOG" "$pid" >"$T/k.$tag"
	records_of "$BLOG" "$pid" >"$T/b.$tag"
	if [ -s "$T/k.$tag" ] && diff -u "$T/k.$tag" "$T/b.$tag" >"$T/diff.$tag"; then
		ok "$tag: $(wc -l <"$T/k.$tag") records identical to the kernel's"
	else
		not_ok "$tag: records differ from the kernel's"
		sed 's/^/# /' "$T/diff.$tag" | cut -c1-300
	fi
done <"$T/manifest"
finish
