#!/bin/bash
# Host tier: file watches. With -w FILE -p wa, -w FILE -p r and -w DIR/ -p
# wa, the watched file's write-open, chmod, chown, rename and unlink are
# recorded under the wa key with the right syscall and PATH name, a
# read-open only under the r key, the same calls on another file of the
# directory not at all, and a file created in the watched directory (or
# below it) under the directory's key; perm=x catches an exec; the call
# creating a watched path that did not exist is caught, and the file after
# it; the file calls the vm tier runs in every mode (events --files) are
# recorded as there (the refused ones by the daemon's lookup of their
# names, which stops where the caller may not search, and drops what no
# rule wants); a watch on file calls without the watch source is
# refused; ausearch finds them by key and file.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/events-check.sh"
need_root
need_cmd ausearch
make_tmp
LOG=$T/log/audit.log
F=$T/dir/file
O=$T/dir/other

mkdir -p "$T/dir" "$T/wdir/a/b" "$T/rules.d" "$T/bin" "$T/fw/w"
echo one >"$F"
echo one >"$O"
cp /bin/true "$T/bin/watched"
cp /bin/true "$T/bin/plain"
cat >"$T/rules.d/50-watch.rules" <<EOF
-w $F -p wa -k wkey
-w $F -p r -k rkey
-w $T/wdir/ -p wa -k dkey
-w $T/dir/later -p wa -k lkey
-a always,exit -F path=$T/bin/watched -F perm=x -k xkey
-w $T/fw/w/ -p rwa -k fw
EOF
write_conf "$T"
start_daemon "$T" || exit 1
if grep -q "attach_watch=unsupported" "$LOG"; then
	echo "# this kernel has no timestamp tracepoints (6.13+)"
	skip_or_fail "file watches are unsupported here"
fi

# run_pid COMMAND...: runs it, prints its pid
run_pid() {
	"$@" >/dev/null 2>&1 &
	local p=$!
	wait "$p"
	echo "$p"
}
# found KEY PID: ausearch finds the call of PID under KEY (interpreted)
found() { ausearch -if "$LOG" -k "$1" -p "$2" -i 2>/dev/null; }
# caught KEY PID SYSCALLS NAME [NAMETYPE]: found, with one of the syscalls
# (a regex: libc's choice varies) and a PATH record of NAME
caught() {
	local out
	out=$(wait_for 10 found "$1" "$2") || return 1
	grep -Eq "^type=SYSCALL .* syscall=($3) " <<<"$out" || return 1
	grep -q "^type=PATH .* name=$4 .*nametype=${5:-}" <<<"$out"
}
not_found() { ! found "$1" "$2" >/dev/null; }

wr=$(run_pid sh -c "echo two >>'$F'")
check "a write-open of the watched file: wkey, openat, PATH name" \
	caught wkey "$wr" 'open|openat' "$F" NORMAL
check "... and not under the read watch's key" not_found rkey "$wr"

rd=$(run_pid cat "$F")
check "a read-open: rkey, openat, PATH name" caught rkey "$rd" 'open|openat' "$F"
check "... and not under the wa watch's key" not_found wkey "$rd"

cm=$(run_pid chmod 600 "$F")
check "chmod: wkey, fchmodat, PATH name" caught wkey "$cm" 'chmod|fchmodat' "$F"
co=$(run_pid chown nobody "$F")
check "chown: wkey, fchownat, PATH name" \
	caught wkey "$co" 'chown|lchown|fchownat' "$F"

# the same calls on another file of the directory: nothing at all
others=(
	"$(run_pid sh -c "echo two >>'$O'")"
	"$(run_pid cat "$O")"
	"$(run_pid chmod 600 "$O")"
	"$(run_pid chown nobody "$O")"
	"$(run_pid mv "$O" "$O.2")"
	"$(run_pid rm "$O.2")"
)
cr=$(run_pid touch "$T/wdir/new")
check "a file created in the watched directory: dkey, CREATE" \
	caught dkey "$cr" 'open|openat|creat' "$T/wdir/new" CREATE
for p in "${others[@]}"; do
	check "another file of the directory: pid $p not recorded" \
		sh -c "! grep -q ' pid=$p ' '$LOG'"
done
check "... nor its name anywhere" sh -c "! grep -q '$O' '$LOG'"

deep=$(run_pid touch "$T/wdir/a/b/deep")
check "a directory watch is recursive: dkey for a file two levels down" \
	caught dkey "$deep" 'open|openat|creat' "$T/wdir/a/b/deep" CREATE

ex=$(run_pid "$T/bin/watched")
check "perm=x: the exec of the watched binary, xkey" \
	caught xkey "$ex" 'execve' "$T/bin/watched"
pl=$(run_pid "$T/bin/plain")
check "... and not of another binary" not_found xkey "$pl"

# A watched path that does not exist yet: the call that makes it matches
# (by its name in the watched directory), and the new file at once.
mk=$(run_pid sh -c "echo new >'$T/dir/later'")
check "the call creating a watched path that did not exist: lkey, CREATE" \
	caught lkey "$mk" 'open|openat' "$T/dir/later" CREATE
lt=$(run_pid chmod 600 "$T/dir/later")
check "... and the new file is watched right away" \
	caught lkey "$lt" 'chmod|fchmodat' "$T/dir/later"
mv "$T/dir/later" "$T/dir/later.old"
echo other >"$T/dir/later.tmp"
rn=$(run_pid mv "$T/dir/later.tmp" "$T/dir/later")
check "a rename onto a watched path that was gone: lkey, CREATE" \
	caught lkey "$rn" 'rename|renameat|renameat2' "$T/dir/later" CREATE

mv=$(run_pid mv "$F" "$F.moved")
check "rename: wkey, rename*, PATH of the old name" \
	caught wkey "$mv" 'rename|renameat|renameat2' "$F" DELETE
check "... and of the new name" caught wkey "$mv" 'rename|renameat|renameat2' \
	"$F.moved" CREATE
mv "$F.moved" "$F"
sleep 1	# the daemon looks the watched path up again
rm_=$(run_pid rm "$F")
check "unlink: wkey, unlinkat, PATH of the victim" \
	caught wkey "$rm_" 'unlink|unlinkat' "$F" DELETE
check "... after its directory's PATH" caught wkey "$rm_" 'unlink|unlinkat' \
	"$T/dir/" PARENT

check "ausearch -f finds the watched file's events" \
	[ "$(ausearch -if "$LOG" -f "$F" 2>/dev/null | grep -c '^type=SYSCALL')" -ge 5 ]
check "every record parses (ausearch -i over the whole log)" \
	sh -c "ausearch -if '$LOG' -k wkey -i >/dev/null"
check "keys as the kernel writes them" \
	grep -q '^type=SYSCALL .* key="wkey" ' "$LOG"
# The file calls the vm tier checks in every mode (events --files): here
# in tracepoint mode, which sees the refused ones by the daemon's look-up
# of their names, and does not see the read-class calls on paths.
# (nobody must reach DIR/w/ for its calls to be refused there, not on the
# way: a lookup refused on the way matches no watch, as in kernel audit)
chmod 0711 "$T"
"$EVENTS" --files "$T/fw" "$T/fw.manifest" || exit 1
grep -Ev "readlink|getxattr|listxattr" "$T/fw.manifest" >"$T/fw.seen"
check "the file calls are logged" wait_for 20 all_logged "$LOG" "$T/fw.seen"
watch_check "$LOG" "$T/fw.manifest" "$T/fw" tracepoint >"$T/fw.out"
report_checks "$T/fw.out"

# Tracepoint mode looks the names of a failed call up (as nobody would):
# a refused call on a watched file is recorded; a call refused on the way
# (a directory nobody may search) reaches no inode and is not, as in
# kernel audit; nor is one refused outside the watches.
mkdir -p "$T/fw/w/closed"
touch "$T/fw/w/mine" "$T/fw/w/closed/f"
chmod 0700 "$T/fw/w/closed"
# (perl's chmod is the bare call: coreutils' would stat first)
touch "$T/dir/other2"
CHMOD=(setpriv --reuid=65534 --regid=65534 --clear-groups perl -e 'chmod 0777, $ARGV[0]')
closed=$(run_pid "${CHMOD[@]}" "$T/fw/w/closed/f")
outside=$(run_pid "${CHMOD[@]}" "$T/dir/other2")
mine=$(run_pid "${CHMOD[@]}" "$T/fw/w/mine")
check "a refused chmod in the watched directory, looked up by name" \
	caught fw "$mine" chmod "$T/fw/w/mine" NORMAL
check "... with the caller's failure" \
	sh -c "ausearch -if '$LOG' -k fw -p $mine --raw | grep -q '^type=SYSCALL .* success=no exit=-1 '"
check "a chmod refused on the way (no search permission) is not recorded" \
	not_found fw "$closed"
check "a refused chmod outside the watches is not recorded" \
	sh -c "! ausearch -if '$LOG' -p $outside --raw 2>/dev/null | grep -q ."
status=$("$BPFAUDITCTL" -S "$T/ctl.sock" status)
grep '^watch\.' <<<"$status" | sed 's/^/# /'
check "status counts the look-ups (the 4 refused calls of events, 3 here)" \
	awk -F' = ' '$1 == "watch.lookups" && $2 >= 7 { ok = 1 } END { exit !ok }' <<<"$status"
check "... and the 2 no rule wanted once looked up" \
	awk -F' = ' '$1 == "watch.lookups_dropped" && $2 >= 2 { ok = 1 } END { exit !ok }' <<<"$status"

check "the daemon is still running" kill -0 "$DPID"
check "it stops cleanly" stop_daemon

# Watches on file calls with the watch source off would only match execs:
# the daemon refuses to start, naming the rule.
mkdir -p "$T/off/rules.d"
printf -- '-a always,exit -S execve -k e\n-w %s -p wa -k wkey\n' "$F" \
	>"$T/off/rules.d/50-watch.rules"
write_conf "$T/off" events=exec
out=$(timeout 120 "$BPFAUDITD" -f -c "$T/off/bpfauditd.conf" 2>&1)
check "watch source off: the daemon refuses to start" [ $? -ne 0 ]
check "... naming the rule and the source" grep -q \
	"50-watch.rules:2: file watches need the watch event source, which is off" \
	<<<"$out"

# This host refuses trampolines: a forced fentry or lsm mode fails for the
# watch source, clearly, instead of running without it (the vm tier runs
# them).
for mode in fentry lsm; do
	write_conf "$T/$mode" "attach_mode=$mode" events=watch
	out=$(timeout 120 "$BPFAUDITD" -f -c "$T/$mode/bpfauditd.conf" 2>&1)
	check "forced $mode with the watch source: start-up fails" [ $? -ne 0 ]
	check "... saying the mode does not work on this kernel" grep -q \
		"watch: attach mode $mode does not work on this kernel" \
		<<<"$out"
done
finish
