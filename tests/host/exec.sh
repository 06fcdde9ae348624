#!/bin/bash
# Host tier: bpfauditd captures real execs on this kernel and ausearch,
# aureport and auparse find each one with its exact argv and binary.
. "$TESTLIB"
need_root
need_cmd ausearch aureport
make_tmp
write_conf "$T"
LOG=$T/log/audit.log
mkdir -p "$T/wl"

start_daemon "$T" || exit 1
"$WORKLOAD" "$T/wl" "$T/manifest" || exit 1
check "every workload exec is logged" wait_for 20 all_logged "$LOG" "$T/manifest"
stop_daemon
check "daemon stopped cleanly" true

check "log is mode 0600" [ "$(stat -c %a "$LOG")" = 600 ]
check "auparse parses every event" "$AUDITCHECK" parse "$LOG"
check "DAEMON_START and DAEMON_END are logged" \
	grep -q "^type=DAEMON_END .*op=terminate" "$LOG"

pid_of() { awk -v t="$1" '$1 == t { print $2; exit }' "$T/manifest"; }

# Exact argv, through auparse, for every exec that succeeded.
while read -r tag pid argv; do
	case $tag in enoent|eacces) continue ;; esac
	got=$("$AUDITCHECK" argv "$LOG" "$pid")
	check "$tag: argv read back exactly (${#argv} hex chars)" [ "$got" = "$argv" ]
	check "$tag: ausearch -p $pid -sc execve finds it" \
		sh -c "ausearch -if '$LOG' -p $pid -sc execve --raw -m SYSCALL >/dev/null"
done <"$T/manifest"

big=$(pid_of big)
check "big argv was split with aN_len and pieces" \
	grep -q "^type=EXECVE .* a41_len=40000 a41\[0\]=" "$LOG"
check "big argv was not truncated" \
	grep -q "^type=SYSCALL .* pid=$big .*argv_truncated=no" "$LOG"
check "EXECVE records stay under the kernel's size" \
	awk '/^type=EXECVE/ && length($0) > 8970 { exit 1 }' "$LOG"

hostile=$(pid_of hostile)
check "hostile arguments are hex, so no field is forged" \
	sh -c "! ausearch -if '$LOG' -p $hostile --raw | grep -q 'fake=1'"
check "ausearch -i decodes the hostile arguments" \
	sh -c "ausearch -if '$LOG' -p $hostile -i | grep -q 'a1=a b'"

script=$(pid_of script)
check "#! script: PATH items are script, interpreter, loader" \
	sh -c "ausearch -if '$LOG' -p $script --raw |
		grep -q 'item=1 name=\"/bin/sh\"'"
check "#! script: the script itself is item 0 with its inode" \
	sh -c "ausearch -if '$LOG' -p $script --raw |
		grep -q 'item=0 name=\"$T/wl/script.sh\" inode=$(stat -c %i "$T/wl/script.sh") '"

rel=$(pid_of relative)
check "relative path: name as given, cwd recorded" \
	sh -c "ausearch -if '$LOG' -p $rel --raw | grep -q 'item=0 name=\"./prog\"' &&
		ausearch -if '$LOG' -p $rel --raw | grep -q 'cwd=\"$T/wl\"'"
check "relative path: ausearch -x finds the binary" \
	sh -c "ausearch -if '$LOG' -x '$T/wl/prog' --raw | grep -q 'pid=$rel '"

enoent=$(pid_of enoent)
check "failed exec (ENOENT): success=no exit=-2" \
	sh -c "ausearch -if '$LOG' -p $enoent --success no --raw |
		grep -q 'syscall=59 success=no exit=-2 '"
check "failed exec (ENOENT): PATH nametype=UNKNOWN, no EXECVE" \
	sh -c "ausearch -if '$LOG' -p $enoent --raw | grep -q 'name=\"/nonexistent/bpfaudit-test\" nametype=UNKNOWN' &&
		! ausearch -if '$LOG' -p $enoent --raw | grep -q '^type=EXECVE'"
eacces=$(pid_of eacces)
check "failed exec (EACCES): success=no exit=-13" \
	sh -c "ausearch -if '$LOG' -p $eacces --raw | grep -q 'success=no exit=-13 '"

check "ausearch -x /usr/bin/true finds the plain exec" \
	sh -c "ausearch -if '$LOG' -x /usr/bin/true --raw | grep -q 'pid=$(pid_of plain) '"
check "ausearch -i names the syscall and the user" \
	sh -c "ausearch -if '$LOG' -p $(pid_of plain) -i | grep -q 'syscall=execve .*uid=root'"
check "aureport -x --summary lists the executables" \
	sh -c "aureport -if '$LOG' -x --summary | grep -q '/usr/bin/true'"
finish
