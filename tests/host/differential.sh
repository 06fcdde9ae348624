#!/bin/bash
# Differential test: the real kernel audit (a private auditd) and bpfauditd
# load the same rule file and watch the same workload; for every event,
# every record both write must agree field by field, keys included. Fields
# bpfaudit cannot match are normalised away below, each with its reason.
. "$TESTLIB"
need_root
need_cmd auditd auditctl ausearch
make_tmp
write_conf "$T/b"
mkdir -p "$T/wl"
KLOG=$T/k/log/audit.log
BLOG=$T/b/log/audit.log

# One rule file for both: what bpfaudit captures by default, in keys of
# their own (two keys on one rule: the kernel joins them with \001).
mkdir -p "$T/b/rules.d"
cat >"$T/b/rules.d/diff.rules" <<'EOF'
-D
-a always,exit -F arch=b64 -S execve,execveat -k exec -k diff
-a always,exit -F arch=b64 -S mmap,mprotect -F a2&4 -k mmap
-a always,exit -F arch=b64 -S connect,bind,listen,accept,accept4 -k net
-a always,exit -F arch=b64 -S setuid,setgid,setreuid,setregid,setresuid,setresgid -S setfsuid,setfsgid,capset -k cred
-a always,exit -F arch=b64 -S bpf -F a0=5 -k bpf
-a always,exit -F arch=b64 -S ptrace -F a0=4 -k ptrace
-a always,exit -F arch=b64 -S ptrace -F a0=5 -k ptrace
-a always,exit -F arch=b64 -S ptrace -F a0=6 -k ptrace
-a always,exit -F arch=b64 -S ptrace -F a0=16 -k ptrace
-a always,exit -F arch=b64 -S ptrace -F a0=0x4206 -k ptrace
EOF
start_auditd "$T/k" || { not_ok "private auditd started"; finish; exit 1; }
check "auditctl -R loads the rule file" \
	sh -c "auditctl -R '$T/b/rules.d/diff.rules' >/dev/null"
start_daemon "$T/b" || exit 1
"$WORKLOAD" "$T/wl" "$T/manifest" || exit 1
mkdir -p "$T/ev"
"$EVENTS" "$T/ev" "$T/ev.manifest" || exit 1
cat "$T/ev.manifest" >>"$T/manifest"
check "kernel audit logged every exec" wait_for 20 all_logged "$KLOG" "$T/manifest"
check "bpfaudit logged every exec" wait_for 20 all_logged "$BLOG" "$T/manifest"
stop_daemon
stop_auditd

# The events of one pid for the syscalls both capture, every record of
# each, stamp removed, with only what both sides write:
# - the kernel's BPRM_FCAPS record (capability transitions) is not emulated;
# - bpfaudit's extra fields come after the kernel's and are dropped (on the
#   BPF record, after op=LOAD).
WANTED=' syscall=(59|322|9|10|42|43|49|50|288|321|105|106|113|114|117|119|122|123|126|101) '
records_of() {
	ausearch -if "$1" -p "$2" --raw 2>/dev/null |
		grep -Ev '^type=(BPRM_FCAPS|DAEMON_[A-Z]+) ' |
		awk -v want="$WANTED" '
			{ stamp = $2 }
			stamp != last { flush(); last = stamp }
			{ ev[n++] = $0; if ($1 == "type=SYSCALL" && $0 ~ want) keep = 1 }
			function flush(  i) {
				if (keep) for (i = 0; i < n; i++) print ev[i]
				n = 0; keep = 0
			}
			END { flush() }' |
		sed -e 's/msg=audit([0-9.:]*)/msg=audit()/' \
		    -e 's/\( key=[^ ]*\).*$/\1/' -e 's/\(^type=BPF .* op=LOAD\).*/\1/'
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
