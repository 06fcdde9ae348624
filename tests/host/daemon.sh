#!/bin/bash
# Host tier: bpfauditd as a daemon: config errors stop start-up with
# FILE:LINE: reason, signals reload and rotate, the control socket refuses
# non-root users, serials never repeat across restarts, and losses under
# overload are counted and written into the trail.
. "$TESTLIB"
need_root
need_cmd setpriv
make_tmp
LOG=$T/log/audit.log

# Broken configuration files fail with the file, the line and the reason.
write_conf "$T/bad1" "max_log_fil=8"
out=$("$BPFAUDITD" -t -c "$T/bad1/bpfauditd.conf" 2>&1)
check "unknown key: start-up refused" [ $? -ne 0 ]
check "unknown key: message names file, line and key" \
	grep -q "$T/bad1/bpfauditd.conf:5: unknown key 'max_log_fil'" <<<"$out"
write_conf "$T/bad2" "flush=fast"
out=$("$BPFAUDITD" -f -c "$T/bad2/bpfauditd.conf" 2>&1)
check "bad value: the daemon does not start" [ $? -ne 0 ]
check "bad value: message names the allowed values" \
	grep -q "bpfauditd.conf:5: flush: 'fast' is not one of" <<<"$out"
check "missing -c file is an error" \
	sh -c "! '$BPFAUDITD' -t -c '$T/none.conf' 2>/dev/null"
write_conf "$T"
check "a good file passes -t" "$BPFAUDITD" -t -c "$T/bpfauditd.conf" >/dev/null

# This kernel refuses LSM and fentry programs: a forced mode fails loudly.
for mode in lsm fentry; do
	write_conf "$T/$mode" "attach_mode=$mode"
	out=$("$BPFAUDITD" -f -c "$T/$mode/bpfauditd.conf" 2>&1)
	check "forced $mode: start-up fails" [ $? -ne 0 ]
	check "forced $mode: the error names the source and the kernel's error" \
		grep -q "exec: attach mode $mode does not work on this kernel: .*Operation not permitted" <<<"$out"
done

start_daemon "$T" || exit 1
status=$("$BPFAUDITCTL" -S "$T/ctl.sock" status)
check "bpfauditctl status answers" [ $? -eq 0 ]
check "auto selects tracepoint here" grep -q "^attach.exec = tracepoint$" <<<"$status"
check "status says why lsm and fentry were skipped" \
	grep -q "^attach.exec.skipped = lsm (.*), fentry (.*)" <<<"$status"
check "status reports loss counters" grep -q "^loss.exec.event_dropped = " <<<"$status"
check "DAEMON_START names the attach mode" \
	grep -q "^type=DAEMON_START .* attach_exec=tracepoint" "$LOG"
check "control socket is mode 0600" [ "$(stat -c %a "$T/ctl.sock")" = 600 ]
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$BPFAUDITCTL" -S "$T/ctl.sock" status 2>&1)
check "a non-root user is refused" [ $? -ne 0 ]
check "the refusal says why" grep -qi "permission denied" <<<"$out"

kill -USR1 "$DPID"
check "SIGUSR1 rotates: audit.log.1 appears" wait_for 10 test -s "$LOG.1"
check "the rotated log ends with DAEMON_ROTATE" \
	sh -c "tail -n 1 '$LOG.1' | grep -q '^type=DAEMON_ROTATE '"
/bin/true rotated
check "the new log receives events" \
	wait_for 10 grep -q '^type=EXECVE .*a1="rotated"' "$LOG"

echo "flush = sometimes" >>"$T/bpfauditd.conf"
kill -HUP "$DPID"
sleep 0.5
check "a broken reload keeps the daemon running" kill -0 "$DPID"
check "a broken reload is refused" sh -c "! grep -q '^type=DAEMON_CONFIG ' '$LOG'"
sed -i '$d' "$T/bpfauditd.conf"
echo "loss_report_interval = 1" >>"$T/bpfauditd.conf"
check "bpfauditctl reload applies a good file" \
	sh -c "'$BPFAUDITCTL' -S '$T/ctl.sock' reload >/dev/null"
check "the reload is recorded" \
	grep -q '^type=DAEMON_CONFIG .*op=reconfigure .*restart_needed=no' "$LOG"
stop_daemon
check "DAEMON_END is the last record" \
	sh -c "tail -n 1 '$LOG' | grep -q '^type=DAEMON_END '"

serials() { cat "$LOG"* | sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | sort -n; }
first_max=$(serials | tail -n 1)
start_daemon "$T" || exit 1
/bin/true again
wait_for 10 grep -q 'a1="again"' "$LOG"
stop_daemon
second_min=$(sed -n '/op=start/,$p' "$LOG" | tail -n +2 |
	sed -n 's/.*msg=audit([0-9.]*:\([0-9]*\)).*/\1/p' | sort -n | head -n 1)
check "serials after a restart are above every earlier one ($first_max < $second_min)" \
	[ "$second_min" -gt "$first_max" ]
check "no serial is used twice" \
	sh -c "cat '$LOG'* | sed -n 's/.*msg=audit(\([0-9.:]*\)).*/\1/p' |
		uniq | sed 's/.*://' | sort | uniq -d | wc -l | grep -qx 0"

# Overload: a 1 MiB ring, a stopped reader and execs of ~360 KiB argv
# (exec only, so that other processes' mappings do not add to it).
write_conf "$T/o" "ringbuf_size=1" "loss_report_interval=1" "events=exec"
start_daemon "$T/o" || exit 1
mkdir -p "$T/o/wl"
kill -STOP "$DPID"
"$WORKLOAD" "$T/o/wl" "$T/o/manifest" 5
kill -CONT "$DPID"
sleep 3
status=$("$BPFAUDITCTL" -S "$T/o/ctl.sock" status)
stop_daemon
OLOG=$T/o/log/audit.log
lost_status=$(awk -F' = ' '$1 ~ /^loss\.exec\.(chunk|event)_dropped$/ { s += $2 } END { print s + 0 }' <<<"$status")
check "overload is counted ($lost_status drops)" [ "$lost_status" -gt 0 ]
check "loss records are written into the trail" \
	grep -q '^type=DAEMON_ERR .*op=loss kind=exec cause=' "$OLOG"
# Per cause, the counts of the loss records add up to the last total, and
# the trail (written at stop too) covers what status showed before it.
for cause in chunk_dropped event_dropped; do
	sum=$(sed -n "s/.*op=loss kind=exec cause=$cause count=\([0-9]*\).*/\1/p" "$OLOG" |
		awk '{ s += $1 } END { print s + 0 }')
	total=$(sed -n "s/.*op=loss kind=exec cause=$cause count=[0-9]* total=\([0-9]*\).*/\1/p" "$OLOG" |
		tail -n 1)
	check "$cause: the trail's counts add up to its total ($sum = ${total:-0})" \
		[ "$sum" -eq "${total:-0}" ]
done
lost_log=$(sed -n 's/.*op=loss kind=exec cause=\(chunk\|event\)_dropped count=\([0-9]*\).*/\2/p' "$OLOG" |
	awk '{ s += $1 } END { print s + 0 }')
check "the trail reports every loss status showed ($lost_status <= $lost_log)" \
	[ "$lost_status" -le "$lost_log" ]
check "auparse parses the overloaded log" "$AUDITCHECK" parse "$OLOG"
missing=0
while read -r tag pid rest; do
	pid_logged "$OLOG" "$pid" || missing=$((missing + 1))
done <"$T/o/manifest"
dropped=$(sed -n 's/.*op=loss kind=exec cause=event_dropped count=\([0-9]*\).*/\1/p' "$OLOG" |
	awk '{ s += $1 } END { print s + 0 }')
check "every exec missing from the log is counted ($missing <= $dropped)" \
	[ "$missing" -le "$dropped" ]
finish
