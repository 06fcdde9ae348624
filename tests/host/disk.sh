#!/bin/bash
# Host tier: auditd's disk actions, on logs kept on tiny file systems (tmpfs
# mounts of a few MiB, made and removed here) that the exec workload fills:
# space_left and admin_space_left warn or suspend, a full disk suspends,
# every line of the log stays a whole record that ausearch and auparse
# read, what is lost is counted, and logging goes on once space is freed
# and logging resumed (bpfauditctl resume, SIGUSR2, an exec action's
# program). single and halt run BPFAUDITD_INIT, a stand-in that only
# writes down its argument: never /sbin/init.
. "$TESTLIB"
need_root
need_cmd ausearch mount umount dd
make_tmp

MOUNTS=()
cleanup_disk() {
	local m
	[ -n "${DPID:-}" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	DPID=
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	cleanup
}
trap cleanup_disk EXIT

# small_fs DIR SIZE [FILLER_MIB]: DIR/log on a tmpfs of SIZE, less a filler.
small_fs() {
	mkdir -p "$1/log"
	mount -t tmpfs -o "size=$2,mode=0700" bpfaudit-disk-test "$1/log" ||
		skip_or_fail "cannot mount a tmpfs"
	MOUNTS+=("$1/log")
	[ -n "${3:-}" ] &&
		dd if=/dev/zero of="$1/log/filler" bs=1M count="$3" status=none
	return 0
}

# drive DIR SECONDS COMMAND...: exec workload rounds until COMMAND succeeds.
drive() {
	local dir=$1 tries=$(($2 * 4))
	shift 2
	mkdir -p "$dir/wl"
	while [ "$tries" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		"$WORKLOAD" "$dir/wl" "$dir/manifest" 1
		sleep 0.25
		tries=$((tries - 1))
	done
	"$@"
}

status_of() { "$BPFAUDITCTL" -S "$1/ctl.sock" status; }
value_of() { awk -F' = ' -v k="$1" '$1 == k { print $2 }'; }
# trail_sum LOG CAUSE: what the loss records of kind=all CAUSE add up to.
trail_sum() {
	sed -n "s/.*op=loss kind=all cause=$2 count=\([0-9]*\).*/\1/p" "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

ends_whole() { [ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" = 0a ]; }
all_records() { ! grep -qvE '^type=[A-Z_]+ msg=audit\([0-9]+\.[0-9]{3}:[0-9]+\): ' "$1"; }
ausearch_all() {
	local got
	got=$(ausearch -if "$1" --raw 2>/dev/null | wc -l)
	[ "$got" -eq "$(wc -l <"$1")" ]
}
auparse_ok() { "$AUDITCHECK" parse "$1" >/dev/null; }
# log_whole LOG WHAT: no torn record; ausearch and auparse take every line.
log_whole() {
	check "$2: the log ends with a whole record" ends_whole "$1"
	check "$2: every line is a whole record" all_records "$1"
	check "$2: ausearch --raw reads every line ($(wc -l <"$1"))" ausearch_all "$1"
	check "$2: auparse parses it" auparse_ok "$1"
}

# Settings that the daemon refuses, or checks, before it starts.
write_conf "$T/bad" "space_left_action=email"
out=$("$BPFAUDITD" -t -c "$T/bad/bpfauditd.conf" 2>&1)
check "email: refused" [ $? -ne 0 ]
check "email: the message says it is not supported" \
	grep -q "bpfauditd.conf:[0-9]*: space_left_action: email is not supported" <<<"$out"
write_conf "$T/bad" "disk_full_action=exec $T/none.sh"
out=$("$BPFAUDITD" -t -c "$T/bad/bpfauditd.conf" 2>&1)
check "exec of a missing program: refused" \
	grep -q "disk_full_action: $T/none.sh: No such file or directory" <<<"$out"
printf '#!/bin/sh\n' >"$T/open.sh"
chmod 0777 "$T/open.sh"
write_conf "$T/bad" "disk_error_action=exec $T/open.sh"
out=$("$BPFAUDITD" -t -c "$T/bad/bpfauditd.conf" 2>&1)
check "exec of a world-writable program: refused" \
	grep -q "disk_error_action: $T/open.sh: must be owned by root and writable by root only" <<<"$out"
chmod 0755 "$T/open.sh"
check "exec of a root-only program: accepted" \
	sh -c "'$BPFAUDITD' -t -c '$T/bad/bpfauditd.conf' >/dev/null"
write_conf "$T/bad" "space_left=10" "admin_space_left=20"
out=$("$BPFAUDITD" -t -c "$T/bad/bpfauditd.conf" 2>&1)
check "space_left below admin_space_left: refused" \
	grep -q "space_left (10 MiB) must be larger than admin_space_left (20 MiB)" <<<"$out"

# A: warnings at space_left and admin_space_left, then the disk fills up
# and logging is suspended; bpfauditctl resume after space is freed.
A=$T/a
LOG=$A/log/audit.log
write_conf "$A" events=exec max_log_file=0 loss_report_interval=1 \
	space_left=5 space_left_action=syslog \
	admin_space_left=3 admin_space_left_action=syslog \
	disk_full_action=suspend
small_fs "$A" 12m 6
start_daemon "$A" || exit 1
drive "$A" 90 grep -q "no space left" "$A/daemon.out"
check "A: space_left warns (daemon.out)" \
	grep -q "low on disk space for logging: [0-9]* MiB left on the file system of $LOG, space_left is 5 MiB$" "$A/daemon.out"
check "A: admin_space_left warns" \
	grep -q "very low on disk space for logging: .*, admin_space_left is 3 MiB$" "$A/daemon.out"
check "A: the full disk suspends logging" \
	grep -q "no space left on the file system of $LOG; suspending logging" "$A/daemon.out"
check "A: the space_left warning is in the trail" \
	grep -q '^type=DAEMON_ERR .*: op=space-left action=syslog avail_mib=[0-4] limit_mib=5 auid=.* res=failed$' "$LOG"
check "A: so is the admin_space_left warning" \
	grep -q '^type=DAEMON_ERR .*: op=admin-space-left action=syslog avail_mib=[0-2] limit_mib=3 ' "$LOG"
status=$(status_of "$A")
check "A: status says logging is suspended" grep -qx "logging = suspended" <<<"$status"
check "A: by disk_full" grep -qx "logging.suspended_by = disk_full" <<<"$status"
log_whole "$LOG" "A, disk full"

# While suspended nothing is written, and every event dropped is counted.
size=$(stat -c %s "$LOG")
"$WORKLOAD" "$A/wl" "$A/manifest.suspended" 1
sleep 1.5
check "A: nothing is written while suspended" [ "$(stat -c %s "$LOG")" -eq "$size" ]
status=$(status_of "$A")
suspended=$(value_of loss.all.suspended <<<"$status")
missing=0
while read -r tag pid rest; do
	pid_logged "$LOG" "$pid" || missing=$((missing + 1))
done <"$A/manifest.suspended"
check "A: events while suspended are counted ($missing <= $suspended)" \
	[ "$missing" -gt 0 ] && [ "$missing" -le "$suspended" ]

rm -f "$A/log/filler"
out=$("$BPFAUDITCTL" -S "$A/ctl.sock" resume)
check "A: bpfauditctl resume answers ok" [ "$out" = ok ]
/bin/true after-resume-a
check "A: logging goes on after the resume" \
	wait_for 10 grep -q '^type=EXECVE .*a1="after-resume-a"' "$LOG"
check "A: the disk-full record is written once there is room" \
	grep -q '^type=DAEMON_ERR .*: op=disk-full action=suspend error=ENOSPC auid=' "$LOG"
check "A: DAEMON_RESUME says what had suspended logging" \
	grep -q '^type=DAEMON_RESUME .*: op=resume-logging auid=.* res=success suspended_by=disk_full$' "$LOG"
full_line=$(grep -n 'op=disk-full' "$LOG" | head -n 1 | cut -d: -f1)
resume_line=$(grep -n '^type=DAEMON_RESUME' "$LOG" | head -n 1 | cut -d: -f1)
check "A: in that order (${full_line:-none} < ${resume_line:-none})" \
	[ "${full_line:-0}" -gt 0 ] && [ "$full_line" -lt "${resume_line:-0}" ]
status=$(status_of "$A")
check "A: status says logging is active again" grep -qx "logging = active" <<<"$status"
for cause in suspended write_failed; do
	s=$(value_of "loss.all.$cause" <<<"$status")
	t=$(trail_sum "$LOG" "$cause")
	check "A: the trail's $cause losses match status ($t = $s)" [ "$t" -eq "$s" ]
done
check "A: events dropped while suspended are in the trail" \
	grep -q '^type=DAEMON_ERR .*op=loss kind=all cause=suspended count=[1-9]' "$LOG"
stop_daemon
check "A: DAEMON_END is the last record" \
	sh -c "tail -n 1 '$LOG' | grep -q '^type=DAEMON_END '"
log_whole "$LOG" "A, after the resume"

# B: admin_space_left (a percentage) suspends; SIGUSR2 resumes.
B=$T/b
LOG=$B/log/audit.log
write_conf "$B" events=exec max_log_file=0 loss_report_interval=1 \
	space_left=50% space_left_action=syslog \
	admin_space_left=25% admin_space_left_action=suspend \
	disk_full_action=syslog
small_fs "$B" 8m 3
start_daemon "$B" || exit 1
drive "$B" 60 grep -q "suspending logging" "$B/daemon.out"
check "B: space_left 50% of 8 MiB warns at 4 MiB" \
	grep -q "low on disk space for logging: .*, space_left is 4 MiB$" "$B/daemon.out"
check "B: admin_space_left 25% suspends at 2 MiB" \
	grep -q "very low on disk space for logging: .*, admin_space_left is 2 MiB; suspending logging until bpfauditctl resume or SIGUSR2" "$B/daemon.out"
check "B: the suspension is the trail's last record" \
	sh -c "tail -n 1 '$LOG' | grep -q '^type=DAEMON_ERR .*: op=admin-space-left action=suspend avail_mib=[01] limit_mib=2 '"
status=$(status_of "$B")
check "B: by admin_space_left" grep -qx "logging.suspended_by = admin_space_left" <<<"$status"
log_whole "$LOG" "B, suspended"
"$WORKLOAD" "$B/wl" "$B/manifest" 1
rm -f "$B/log/filler"
kill -USR2 "$DPID"
check "B: SIGUSR2 resumes" wait_for 10 grep -q \
	'^type=DAEMON_RESUME .*res=success suspended_by=admin_space_left$' "$LOG"
/bin/true after-resume-b
check "B: logging goes on" wait_for 10 grep -q 'a1="after-resume-b"' "$LOG"
check "B: the suspended events are reported" \
	grep -q '^type=DAEMON_ERR .*op=loss kind=all cause=suspended count=[1-9]' "$LOG"
out=$("$BPFAUDITCTL" -S "$B/ctl.sock" resume)
check "B: a resume when not suspended is fine" [ "$out" = ok ]
check "B: and recorded as such" \
	wait_for 5 grep -q '^type=DAEMON_RESUME .*suspended_by=none$' "$LOG"
stop_daemon
log_whole "$LOG" "B, after the resume"

# C: space_left_action = exec: the log is closed and logging suspended
# while the program runs; it moves the log off the file system and resumes.
C=$T/c
LOG=$C/log/audit.log
cat >"$C.sh" <<EOF
#!/bin/sh
echo "\$(id -u) \$1" >>"$C/exec.ran"
mv "$LOG" "$C/saved.log"
exec "$BPFAUDITCTL" -S "$C/ctl.sock" resume
EOF
chmod 0755 "$C.sh"
write_conf "$C" events=exec max_log_file=0 loss_report_interval=1 \
	space_left=4 "space_left_action=exec $C.sh" \
	admin_space_left=1 admin_space_left_action=syslog \
	disk_full_action=suspend
small_fs "$C" 8m 3
start_daemon "$C" || exit 1
drive "$C" 60 test -s "$C/exec.ran"
check "C: the program ran, once, as root, without arguments" \
	[ "$(cat "$C/exec.ran")" = "0 " ]
check "C: the daemon said so" \
	grep -q "space_left_action: running $C.sh (pid [0-9]*)" "$C/daemon.out"
check "C: the program's resume reopens the log" \
	wait_for 10 grep -q '^type=DAEMON_RESUME .*suspended_by=space_left$' "$LOG"
check "C: the moved log ends with the exec record" \
	sh -c "tail -n 1 '$C/saved.log' | grep -q '^type=DAEMON_ERR .*: op=space-left action=exec avail_mib=[0-3] limit_mib=4 '"
check "C: the new log starts with DAEMON_RESUME" \
	sh -c "head -n 1 '$LOG' | grep -q '^type=DAEMON_RESUME '"
/bin/true after-exec-c
check "C: logging goes on in the new log" \
	wait_for 10 grep -q 'a1="after-exec-c"' "$LOG"
stop_daemon
log_whole "$C/saved.log" "C, moved log"
log_whole "$LOG" "C, new log"

# D: single and halt. They run BPFAUDITD_INIT (here a stand-in that writes
# down its argument) instead of /sbin/init: the daemon must know that
# variable, or this part would switch the machine off.
D=$T/d
LOG=$D/log/audit.log
if grep -q BPFAUDITD_INIT "$BPFAUDITD"; then
	printf '#!/bin/sh\necho "$1" >>"%s"\n' "$D/init.args" >"$D.init"
	chmod 0755 "$D.init"
	write_conf "$D" events=exec max_log_file=0 \
		space_left=3 space_left_action=single \
		admin_space_left=0 admin_space_left_action=ignore \
		disk_full_action=halt
	small_fs "$D" 4m
	export BPFAUDITD_INIT=$D.init
	start_daemon "$D" || exit 1
	unset BPFAUDITD_INIT
	drive "$D" 60 grep -qx 0 "$D/init.args"
	check "D: space_left single ran init 1, then disk_full halt init 0" \
		[ "$(tr '\n' ' ' <"$D/init.args")" = "1 0 " ]
	check "D: single is announced" \
		grep -q "space_left is 3 MiB; changing the system to single user mode" "$D/daemon.out"
	check "D: halt is announced" \
		grep -q "no space left on the file system of $LOG; halting the system" "$D/daemon.out"
	check "D: the single record is in the trail" \
		grep -q '^type=DAEMON_ERR .*: op=space-left action=single ' "$LOG"
	check "D: the daemon keeps running" kill -0 "$DPID"
	status=$(status_of "$D")
	check "D: logging is not suspended" grep -qx "logging = active" <<<"$status"
	stop_daemon
	log_whole "$LOG" "D, disk full"
else
	not_ok "D: $BPFAUDITD does not know BPFAUDITD_INIT: single and halt not tested"
fi
finish
