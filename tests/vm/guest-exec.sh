#!/bin/sh
# Runs inside the test VM as /payload/run.sh: the exec, event-kind and
# file-watch scenarios of the host tests under bpfauditd in each attach
# mode, checked in the guest with auparse and ausearch (the event kinds and
# watches with the host's own checks, events-check.sh); the exec and watch
# logs go back to the host for the cross-mode diff.
# Paths of the binaries come from /payload/env.
set -u
. /payload/env
. /payload/events-check.sh
out=/payload-out
wl=/tmp/wl
mkdir -p "$out" "$wl"
rc=0
# The dummy module of the running kernel, uncompressed for init_module.
for ko in /payload/modules/"$(uname -r)"/dummy.ko*; do
	case $ko in
	*.xz) unxz -c "$ko" >/tmp/dummy.ko ;;
	*) cp "$ko" /tmp/dummy.ko ;;
	esac
done

wait_grep() { # SECONDS PATTERN FILE
	i=0
	while [ "$i" -lt "$(($1 * 10))" ]; do
		grep -q "$2" "$3" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# fail_with MESSAGE: the mode fails, saying why.
fail_with() {
	echo "  $*" >>"$d/check.out"
	verdict=fail
}

# reload_res: reloads the daemon's rules (SIGHUP), prints the result of
# its next op=load_rules record (res=1 loaded, 0 refused) or "none".
reload_res() {
	before=$(grep -c "^type=CONFIG_CHANGE .*op=load_rules " "$d/log/audit.log")
	kill -HUP "$dpid"
	i=0
	while [ "$i" -lt 200 ]; do
		if [ "$(grep -c "^type=CONFIG_CHANGE .*op=load_rules " \
			"$d/log/audit.log")" -gt "$before" ]; then
			grep "^type=CONFIG_CHANGE .*op=load_rules " "$d/log/audit.log" |
				tail -n 1 | sed -n 's/.* res=\([0-9]\).*/\1/p'
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo none
}

check_mode() { # MODE DIR: prints failures, returns non-zero on any
	bad=0
	"$AUDITCHECK" parse "$2/log/audit.log" >/dev/null || { echo "  auparse failed"; bad=1; }
	while read -r tag pid argv; do
		wait_grep 20 "^type=SYSCALL .* pid=$pid " "$2/log/audit.log" ||
			{ echo "  $tag: pid $pid not logged"; bad=1; continue; }
		ausearch -if "$2/log/audit.log" -p "$pid" >/dev/null 2>&1 ||
			{ echo "  $tag: ausearch -p $pid found nothing"; bad=1; }
		case $tag in enoent|eacces) continue ;; esac
		got=$("$AUDITCHECK" argv "$2/log/audit.log" "$pid")
		[ "$got" = "$argv" ] || { echo "  $tag: argv differs"; bad=1; }
	done <"$2/manifest"
	return $bad
}

for mode in $MODES; do
	d=/tmp/$mode
	mkdir -p "$d"
	cat >"$d/bpfauditd.conf" <<CONF
log_file = $d/log/audit.log
state_dir = $d/state
control_socket = $d/ctl.sock
pin_dir = /sys/fs/bpf/bpfaudit-$mode
rules_dir = $d/rules.d
attach_mode = $mode
CONF
	mkdir -p "$d/rules.d"
	"$BPFAUDITD" -f -c "$d/bpfauditd.conf" >"$d/daemon.out" 2>&1 &
	dpid=$!
	if ! wait_grep 240 "^type=DAEMON_START " "$d/log/audit.log"; then
		echo "VMRESULT $mode fail events=0 (bpfauditd did not start)"
		sed 's/^/  /' "$d/daemon.out"
		rc=1
		kill "$dpid" 2>/dev/null
		continue
	fi
	# The same directory and manifest path in every mode, so the records
	# can only differ in pids, times and serials.
	"$WORKLOAD" "$wl" /tmp/manifest >/dev/null 2>&1
	cp /tmp/manifest "$d/manifest"
	mkdir -p "$d/ev"
	"$EVENTS" "$d/ev" "$d/ev.manifest" >/dev/null 2>&1
	verdict=pass
	check_mode "$mode" "$d" >"$d/check.out" || verdict=fail
	while read -r tag pid; do
		wait_grep 20 "^type=SYSCALL .* pid=$pid " "$d/log/audit.log" ||
			fail_with "$tag: pid $pid not logged"
	done <"$d/ev.manifest"
	events_check "$d/log/audit.log" "$d/ev.manifest" "$d/ev" >"$d/events.out"
	[ "$EV_FAILS" -eq 0 ] || verdict=fail
	# Load and unload the kernel package's dummy module every way.
	for op in init delete finit delete; do
		arg=/tmp/dummy.ko
		[ "$op" = delete ] && arg=dummy
		"$MODLOAD" "$op" "$arg" >>"$d/mod.manifest" 2>>"$d/check.out" ||
			fail_with "modload $op failed"
	done
	while read -r tag pid; do
		wait_grep 20 "^type=SYSCALL .* pid=$pid " "$d/log/audit.log" ||
			fail_with "$tag: pid $pid not logged"
	done <"$d/mod.manifest"
	module_check "$d/log/audit.log" "$d/mod.manifest" >>"$d/events.out"
	[ "$EV_FAILS" -eq 0 ] || verdict=fail
	# File watches: a rule set with a watch, by reload; then the file
	# calls (the same directory and manifest in every mode, for the
	# cross-mode diff).
	# Tracepoint mode needs Linux 6.13's timestamp tracepoints: before,
	# the watch source is unsupported and the rule set refused.
	rm -rf /tmp/fw
	mkdir -p /tmp/fw/w
	echo "-w /tmp/fw/w/ -p rwa -k fw" >"$d/rules.d/50-fw.rules"
	want=1
	grep -q "^type=DAEMON_START .* attach_watch=unsupported " \
		"$d/log/audit.log" && want=0
	[ "$want" = 1 ] || [ "$mode" = tracepoint ] ||
		fail_with "watch unsupported in $mode mode"
	res=$(reload_res)
	if [ "$res" != "$want" ]; then
		fail_with "the watch rule: res=$res on reload, not $want"
	elif [ "$want" = 1 ]; then
		"$EVENTS" --files /tmp/fw /tmp/fw.manifest >/dev/null 2>&1
		cp /tmp/fw.manifest "$d/fw.manifest"
		last=f_denied_rename
		wait_grep 20 "^type=SYSCALL .* pid=$(awk -v t=$last '$1 == t { print $2 }' "$d/fw.manifest") " \
			"$d/log/audit.log" || fail_with "$last: not logged"
		watch_check "$d/log/audit.log" "$d/fw.manifest" /tmp/fw "$mode" \
			>>"$d/events.out"
		[ "$EV_FAILS" -eq 0 ] || verdict=fail
		cp "$d/fw.manifest" "$out/$mode.fw.manifest"
	fi
	# The example rule sets (rules/, the baseline's watches included)
	# load wherever the watch source runs, and are refused elsewhere.
	rm -f "$d/rules.d/"*
	cp /payload/rules/*.rules "$d/rules.d/"
	res=$(reload_res)
	[ "$res" = "$want" ] ||
		fail_with "rules/*.rules: res=$res on reload, not $want"
	grep '^not ok' "$d/events.out" >>"$d/check.out"
	kinds=$(grep -c '^ok' "$d/events.out")
	[ "$verdict" = pass ] || rc=1
	kill -TERM "$dpid"
	wait "$dpid"
	# the programs stay pinned after a stop: the next mode starts clean
	"$BPFAUDITD" --unload -c "$d/bpfauditd.conf" >/dev/null 2>&1
	events=$(grep -c '^type=SYSCALL ' "$d/log/audit.log")
	echo "VMRESULT $mode $verdict events=$events kind_checks=$kinds"
	sed 's/^/  /' "$d/check.out"
	cp "$d/log/audit.log" "$out/$mode.log"
	cp "$d/manifest" "$out/$mode.manifest"
done
exit $rc
