#!/bin/bash
# Differential test of file watches: kernel audit (a private auditd) and
# bpfauditd load the same -w rules and see the same file calls (write and
# read opens, chmod, chown, truncate, link, unlink, create, mkdir, symlink,
# rename within and onto, rmdir, readlink, getxattr, and a chmod, unlink,
# rename and write-open refused to nobody, on ext4 under /var/tmp); for
# every key, the records both write must agree field by field, but for
# what is normalised below, each with its reason.
. "$TESTLIB"
need_root
need_cmd auditd auditctl ausearch
make_tmp
write_conf "$T/b"
KLOG=$T/k/log/audit.log
BLOG=$T/b/log/audit.log
F=$T/dir/file
W=$T/wdir

mkdir -p "$T/dir" "$W" "$T/b/rules.d"
echo one >"$F"
cat >"$T/b/rules.d/watch.rules" <<EOF
-D
-w $F -p wa -k wkey
-w $F -p r -k rkey
-w $W/ -p wa -k dkey
EOF
start_auditd "$T/k" || { not_ok "private auditd started"; finish; exit 1; }
check "auditctl -R loads the rule file" \
	sh -c "auditctl -R '$T/b/rules.d/watch.rules' >/dev/null"
start_daemon "$T/b" || exit 1

sh -c "echo two >>'$F'"
cat "$F" >/dev/null
chmod 600 "$F"
chown nobody "$F"
truncate -s 0 "$F"
ln "$F" "$T/dir/hard"
rm "$T/dir/hard"
touch "$W/new"
mkdir "$W/sub"
ln -s x "$W/sym"
mv "$W/new" "$W/new2"
rm "$W/new2"
rmdir "$W/sub"
mv "$F" "$F.moved"
mv "$F.moved" "$F"
sleep 1
echo o >"$T/dir/o"
mv "$T/dir/o" "$F"
# (the daemon looks the replaced watched file up again within 100 ms;
# until then its old inode, which ext4 may give the next new file, is
# still the watched one)
sleep 1
# The read class on the watched file (rkey): readlink of a file that is
# no symlink (EINVAL) and getxattr of an attribute it lacks (ENODATA);
# and calls refused to nobody in the watched directory (perl's are the
# bare system calls): chmod (EPERM), unlink, rename and a write-open
# (EACCES). Tracepoint mode sees these by the daemon's lookup.
perl -e 'my ($f, $n) = ($ARGV[0], "user.none"); readlink $f;
	syscall(191, $f, $n, 0, 0)' "$F"
touch "$W/locked"
chmod 0711 "$T"
setpriv --reuid=65534 --regid=65534 --clear-groups perl -e '
	chmod 0777, $ARGV[0]; unlink $ARGV[0]; rename $ARGV[0], "$ARGV[0].2";
	open(my $f, ">>", $ARGV[0])' "$W/locked"
# (the daemon looks the names of those calls up a moment later: a file
# removed by then is not found)
sleep 1
rm "$W/locked"
sleep 1
rm "$F"
sleep 2
stop_daemon
stop_auditd

# The records of each key, stamp removed, with only what both write:
# - bpfaudit's extra fields come after key= and are dropped;
# - mode, ouid and ogid of PATH records are dropped: for chmod and chown
#   bpfaudit has them after the change, kernel audit before (documented).
records_of() {
	local key
	for key in wkey rkey dkey; do
		ausearch -if "$1" -k "$key" --raw 2>/dev/null
	done | awk '
		# whole events; auditctl loading the watches is no file call
		{ stamp = $2 }
		stamp != last { flush(); last = stamp }
		{ ev[n++] = $0 }
		/^type=CONFIG_CHANGE |^type=DAEMON_| comm="auditctl" / { drop = 1 }
		END { flush() }
		function flush(  i) {
			if (!drop) for (i = 0; i < n; i++) print ev[i]
			n = 0; drop = 0
		}' |
		sed -E 's/ msg=audit\([0-9.:]+\): / /;
			s/^(type=SYSCALL .* key=[^ ]+) .*/\1/;
			s/ mode=[0-9]+ ouid=[0-9]+ ogid=[0-9]+ / /'
}
records_of "$KLOG" >"$T/k.txt"
records_of "$BLOG" >"$T/b.txt"
events=$(grep -c '^type=SYSCALL ' "$T/k.txt")
check "kernel audit recorded the watched calls ($events events)" \
	[ "$events" -ge 15 ]
failed=$(grep -c '^type=SYSCALL .* success=no ' "$T/k.txt")
check "... the readlink, getxattr and refused calls among them ($failed failed calls)" \
	[ "$failed" -ge 6 ]
check "bpfaudit wrote the same records, field by field" \
	diff -u "$T/k.txt" "$T/b.txt"
check "... PATH records included" \
	[ "$(grep -c '^type=PATH ' "$T/b.txt")" -ge 30 ]
finish
