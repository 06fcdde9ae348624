#!/bin/bash
# Host tier: bpfauditd runs auditd plugins from its plugin_dir. A plugin
# gets every record of the log, line for line, plus the EOE record auditd
# sends after each syscall event; one that dies is restarted (at most
# max_restarts times) and keeps receiving; one that stops reading costs
# counted loss, never a stuck daemon; files auditd would refuse, and
# format = binary, are skipped with a message; SIGHUP starts and stops
# plugins as files come and go; audisp-syslog, when installed, forwards
# the records to syslog (a private /dev/log in a private mount namespace).
. "${TESTLIB:?}"
need_root
need_cmd unshare busybox
make_tmp
LOG=$T/log/audit.log
P=$T/plugins.d
mkdir -p "$P" "$T/bin"

# Plugin programs: root's, 0750, as auditd wants them.
plugin() {
	printf '#!/bin/sh\n%s\n' "$2" >"$T/bin/$1"
	chmod 0750 "$T/bin/$1"
}
plugin_conf() {
	local name=$1 path=$2
	shift 2
	{
		echo "active = yes"
		echo "direction = out"
		echo "path = $path"
		echo "type = always"
		[ $# -gt 0 ] && echo "args = $*"
		echo "format = string"
	} >"$P/$name"
}
plugin catplug 'trap "" HUP; exec /bin/cat >>"$1"'
plugin dies 'exit 3'
plugin deaf 'exec /bin/sleep 100000'
plugin_conf cat.conf "$T/bin/catplug" "$T/cat.out"
plugin_conf dies.conf "$T/bin/dies"
plugin_conf bin.conf "$T/bin/catplug" "$T/bin.out"
sed -i 's/^format = string/format = binary/' "$P/bin.conf"
plugin_conf off.conf "$T/bin/catplug" "$T/off.out"
sed -i 's/^active = yes/active = no/' "$P/off.conf"
plugin_conf open.conf "$T/bin/catplug" "$T/open.out"
chmod 0666 "$P/open.conf"
plugin_conf old.conf.bak "$T/bin/catplug" "$T/bak.out"
SYSLOGD=
if [ -x /sbin/audisp-syslog ]; then
	plugin_conf syslog.conf /sbin/audisp-syslog LOG_INFO
	SYSLOGD=1
fi

write_conf "$T" "plugin_dir=$P" "max_restarts=3" "plugin_queue_mem=1" \
	"loss_report_interval=1"
# bpfauditd in a mount namespace of its own whose /dev has a /dev/log
# served by busybox syslogd, so that audisp-syslog has somewhere to write.
cat >"$T/ns.sh" <<EOF
set -e
mkdir -p "$T/olddev"
mount --bind /dev "$T/olddev"
mount -t tmpfs -o mode=0755 tmpfs /dev
for n in null zero random urandom; do
	touch /dev/\$n
	mount --bind "$T/olddev/\$n" /dev/\$n
done
busybox syslogd -n -S -O "$T/syslog.out" &
echo \$! >"$T/syslogd.pid"
for i in \$(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
exec "$BPFAUDITD" -f -c "$T/bpfauditd.conf"
EOF
unshare -m --propagation private bash "$T/ns.sh" >"$T/daemon.out" 2>&1 &
DPID=$!
stop_syslogd() { [ -s "$T/syslogd.pid" ] && kill "$(cat "$T/syslogd.pid")" 2>/dev/null; }
trap 'stop_syslogd; cleanup' EXIT
if ! wait_for "$START_WAIT" grep -q DAEMON_START "$LOG"; then
	sed 's/^/# /' "$T/daemon.out"
	exit 1
fi
status() { "$BPFAUDITCTL" -S "$T/ctl.sock" status; }
field() { status | awk -F' = ' -v k="$1" '$1 == k { print $2 }'; }

check "format = binary is refused, and says why" \
	grep -q "skipping plugin bin.conf: .*format = binary is not supported" "$T/daemon.out"
check "a conf writable by others is refused" \
	grep -q "skipping plugin open.conf: .*writable by group or others" "$T/daemon.out"
check "active = no is not run" sh -c "! grep -q off.conf '$T/daemon.out'"
check "a backup file (two dots) is not read" \
	sh -c "! grep -q old.conf '$T/daemon.out' && [ ! -e '$T/bak.out' ]"
check "the plugin runs" [ "$(field plugin.cat.conf)" = running ]

for i in 1 2 3 4 5; do /bin/true "plugin-marker-$i"; done
records() { grep -v '^type=EOE ' "$T/cat.out"; }
caught_up() { [ "$(records | wc -l)" -eq "$(wc -l <"$LOG")" ]; }
check "the plugin catches up with the log" wait_for 10 caught_up
# The daemon records every exec on the machine, so both files may grow
# while they are read: compare what both had at one moment, and only the
# plugin's output up to its last EOE (the next event may be half-written).
cp "$T/cat.out" "$T/cat.snap"
nrec=$(records | wc -l)
nlog=$(wc -l <"$LOG")
nboth=$((nrec < nlog ? nrec : nlog))
check "the plugin got the log, line for line ($nboth records)" \
	diff <(records | head -n "$nboth") <(head -n "$nboth" "$LOG")
check "the plugin got the execs" grep -q 'a1="plugin-marker-5"' "$T/cat.out"
awk '{ line[NR] = $0 } /^type=EOE / { last = NR }
     END { for (i = 1; i <= last; i++) print line[i] }' "$T/cat.snap" >"$T/cat.eoe"
# auditd's dispatcher: "type=EOE msg=audit(STAMP): " after syscall events.
stamps() { sed -n 's/^type=SYSCALL \(msg=audit([^)]*)\).*/\1/p' "$T/cat.eoe" | sort -u; }
eoes() { sed -n 's/^type=EOE \(msg=audit([^)]*)\): $/\1/p' "$T/cat.eoe" | sort -u; }
check "the plugin got EOE records" [ -n "$(eoes)" ]
check "one EOE record after every syscall event, as auditd sends them" \
	diff <(stamps) <(eoes)
check "each EOE directly follows its event" \
	awk '/^type=EOE / { s = $2; sub(/:$/, "", s); if (index(prev, s) == 0) bad = 1 }
	     { prev = $0 } END { exit bad }' "$T/cat.eoe"
check "no EOE after the daemon's own records" \
	sh -c "! grep -A1 '^type=DAEMON_START ' '$T/cat.eoe' | grep -q '^type=EOE '"

# A plugin that keeps dying is restarted max_restarts times, then left.
check "a dying plugin is given up after max_restarts (3)" \
	wait_for 10 grep -q "plugin dies.conf has exceeded max_restarts (3)" "$T/daemon.out"
check "it was restarted 3 times" [ "$(field plugin.dies.conf.restarts)" = 3 ]

# Killed, the plugin comes back and keeps receiving.
old=$(field plugin.cat.conf.pid)
kill -KILL "$old"
restarted() { p=$(field plugin.cat.conf.pid); [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$old" ]; }
check "a killed plugin is restarted" wait_for 10 restarted
check "its death is logged" grep -q "plugin cat.conf killed by signal 9" "$T/daemon.out"
/bin/true plugin-after-restart
check "the restarted plugin keeps receiving" \
	wait_for 10 grep -q 'a1="plugin-after-restart"' "$T/cat.out"
check "status counts the restart" [ "$(field plugin.cat.conf.restarts)" = 1 ]

if [ -n "$SYSLOGD" ]; then
	check "audisp-syslog forwards the records to syslog" \
		wait_for 10 grep -q 'audisp-syslog.*a1="plugin-marker-3"' "$T/syslog.out"
else
	echo "# /sbin/audisp-syslog not installed: not tried"
fi

# SIGHUP: a new file starts a plugin; a plugin that stops reading costs
# counted loss while the daemon and the other plugins go on.
plugin_conf deaf.conf "$T/bin/deaf"
kill -HUP "$DPID"
check "a plugin added before SIGHUP is started" \
	wait_for 10 sh -c "'$BPFAUDITCTL' -S '$T/ctl.sock' status | grep -q '^plugin.deaf.conf = running'"
mkdir -p "$T/wl"
"$WORKLOAD" "$T/wl" "$T/manifest" 3 >/dev/null
/bin/true plugin-after-flood
check "a plugin that does not read: its events are dropped and counted" \
	wait_for 20 sh -c "[ \"\$('$BPFAUDITCTL' -S '$T/ctl.sock' status |
		awk -F' = ' '\$1 == \"plugin.deaf.conf.dropped\" { print \$2 }')\" -gt 0 ]"
check "the drops are loss records in the trail" \
	wait_for 10 grep -q '^type=DAEMON_ERR .*op=loss kind=all cause=plugin_queue_full count=[1-9]' "$LOG"
check "the daemon and the other plugin go on" \
	wait_for 20 grep -q 'a1="plugin-after-flood"' "$T/cat.out"
rm "$P/deaf.conf"
kill -HUP "$DPID"
check "a plugin whose file is gone is stopped at SIGHUP" \
	wait_for 10 sh -c "! '$BPFAUDITCTL' -S '$T/ctl.sock' status | grep -q '^plugin.deaf.conf '"

# Stop: the plugins get everything up to DAEMON_END, then end of input.
cpid=$(field plugin.cat.conf.pid)
kill -TERM "$DPID"
wait "$DPID"
check "the daemon stops cleanly with plugins" [ $? -eq 0 ]
DPID=
check "the last record a plugin gets is DAEMON_END" \
	sh -c "grep -v '^type=EOE ' '$T/cat.out' | tail -n 1 | grep -q '^type=DAEMON_END '"
check "the plugins are gone" sh -c "[ '${cpid:-0}' -gt 0 ] && ! kill -0 $cpid 2>/dev/null"
stop_syslogd
finish
