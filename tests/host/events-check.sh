# The checks of the non-exec event kinds, in POSIX sh so that the host test
# and the VM guest (busybox) share them. Sourced; then:
#   events_check LOG MANIFEST DIR    (DIR: the events workload's directory)
# prints "ok - ..."/"not ok - ..." lines and sets EV_FAILS.

ev_records() { ausearch -if "$EV_LOG" -p "$1" --raw 2>/dev/null; }
ev_pid() { awk -v t="$1" '$1 == t { print $2; exit }' "$EV_MANIFEST"; }
# ev_has TAG DESCRIPTION EGREP-PATTERN: one of TAG's records matches.
ev_has() {
	if ev_records "$(ev_pid "$1")" | grep -Eq -- "$3"; then
		echo "ok - $1: $2"
	else
		echo "not ok - $1: $2"
		ev_records "$(ev_pid "$1")" | cut -c1-400 | sed 's/^/# /'
		EV_FAILS=$((EV_FAILS + 1))
	fi
}
ev_lacks() {
	if ev_records "$(ev_pid "$1")" | grep -Eq -- "$3"; then
		echo "not ok - $1: $2"
		EV_FAILS=$((EV_FAILS + 1))
	else
		echo "ok - $1: $2"
	fi
}
ev_interpreted() {
	if ausearch -if "$EV_LOG" -p "$(ev_pid "$1")" -i 2>/dev/null | grep -Eq -- "$3"; then
		echo "ok - $1: $2"
	else
		echo "not ok - $1: $2"
		EV_FAILS=$((EV_FAILS + 1))
	fi
}

events_check() {
	EV_LOG=$1 EV_MANIFEST=$2
	dir=$3
	EV_FAILS=0
	true_inode=$(stat -c %i /usr/bin/true)
	sock_inode=$(stat -c %i "$dir/sock")

	ev_has mmap_file "mmap of a file: the VMA and the file as extra fields" \
		"^type=SYSCALL .*syscall=9 success=yes .*vma_prot=r-x .*vma_inode=$true_inode vma_dev=[0-9a-f:]+ vma_file=\"/usr/bin/true\""
	ev_has mmap_file "mmap of a file: MMAP fd and flags" \
		'^type=MMAP .*: fd=[0-9]+ flags=0x2$'
	ev_has mmap_anon "anonymous executable mapping: rwx, no file" \
		'^type=SYSCALL .*syscall=9 success=yes .*vma_prot=rwx vma_flags=0x[0-9a-f]+ vma_pgoff=[0-9]+$'
	ev_lacks mmap_anon "anonymous mapping: no MMAP record" '^type=MMAP '
	ev_has mprotect "mprotect to PROT_EXEC: the resulting VMA" \
		'^type=SYSCALL .*syscall=10 success=yes .*vma_prot=r-x '
	ev_has memfd "memfd mapping: the memfd's name" \
		'^type=SYSCALL .*syscall=9 .*vma_file="/memfd:bpfaudit-memfd"'
	ev_has inet "bind: local address and port" \
		'^type=SYSCALL .*syscall=49 success=yes .*family=inet sock_type=stream proto=6 laddr=127.0.0.1 lport=47001 '
	ev_has inet "connect: SOCKADDR as the kernel writes it" \
		'^type=SOCKADDR .*saddr=0200B7997F0000010000000000000000$'
	ev_has inet "connect: local and remote address and port" \
		'^type=SYSCALL .*syscall=42 success=yes .*laddr=127.0.0.1 lport=[0-9]+ raddr=127.0.0.1 rport=47001$'
	ev_has inet "listen is logged" '^type=SYSCALL .*syscall=50 success=yes '
	ev_has inet "accept4: the peer's address and port" \
		'^type=SYSCALL .*syscall=288 success=yes .*lport=47001 raddr=127.0.0.1 rport=[1-9][0-9]*$'
	ev_interpreted inet "ausearch -i decodes saddr" \
		'saddr=\{ saddr_fam=inet laddr=127.0.0.1 lport=47001 \}'
	ev_interpreted inet "ausearch -i names the syscall" 'syscall=connect '
	ev_has inet6 "IPv6 connect: addresses and ports" \
		'^type=SYSCALL .*syscall=42 success=yes .*family=inet6 .*raddr=::1 rport=47002$'
	ev_has inet6 "IPv6 SOCKADDR" '^type=SOCKADDR .*saddr=0A00B79A'
	ev_has unix "unix bind: PATH of the new socket (CREATE)" \
		"^type=PATH .*item=1 name=\"$dir/sock\" inode=$sock_inode .*nametype=CREATE "
	ev_has unix "unix bind: PATH of its directory (PARENT)" \
		"^type=PATH .*item=0 name=\"$dir/\" .*nametype=PARENT "
	ev_has unix "unix connect: PATH of the socket it reached" \
		"^type=PATH .*item=0 name=\"$dir/sock\" inode=$sock_inode .*nametype=NORMAL "
	ev_has unix "unix sockets: family local" \
		'^type=SYSCALL .*syscall=42 success=yes .*family=local '
	ev_has refused "refused connect: success=no exit=-111" \
		'^type=SYSCALL .*syscall=42 success=no exit=-111 '
	ev_has refused "refused connect: SOCKADDR still written" \
		'^type=SOCKADDR .*saddr=0200B7A17F000001'
	ev_has bpf "BPF program load: BPF record with name, type, tag, size" \
		'^type=BPF .*prog-id=[0-9]+ op=LOAD prog_name="bpfaudit_test" prog_type=1 prog_tag=[0-9a-f]{16} insn_cnt=2 '
	ev_has bpf "BPF program load: SYSCALL" '^type=SYSCALL .*syscall=321 success=yes '
	ev_has ids "setresuid: new ids in the standard fields, old ones after" \
		'^type=SYSCALL .*syscall=117 success=yes .* uid=65534 gid=65534 euid=65534 suid=65534 fsuid=65534 .*old_uid=0 '
	ev_has ids "setresgid is logged" '^type=SYSCALL .*syscall=119 success=yes '
	ev_has ids "setreuid is logged" '^type=SYSCALL .*syscall=113 success=yes '
	ev_has ids "capset after giving up root: all sets empty" \
		'^type=CAPSET .*pid=[0-9]+ cap_pi=0 cap_pp=0 cap_pe=0 cap_pa=0$'
	ev_has capset "capset: CAPSET with the new sets (effective dropped)" \
		'^type=CAPSET .*pid=[0-9]+ cap_pi=0 cap_pp=[0-9a-f]{16} cap_pe=0 cap_pa=0$'
	ev_has capset "capset: the old sets as extra fields" \
		'^type=SYSCALL .*syscall=126 success=yes .*old_cap_pe=[0-9a-f]*[1-9a-f][0-9a-f]* '
	ev_has ptrace "ptrace attach: OBJ_PID of the target" \
		'^type=OBJ_PID .*opid=[0-9]+ oauid=-?[0-9]+ ouid=0 oses=-?[0-9]+ ocomm="events"$'
	ev_has ptrace "ptrace attach: request and target as extra fields" \
		'^type=SYSCALL .*syscall=101 success=yes .*ptrace_request=attach target_pid=[0-9]+ target_exe="[^"]*/events"$'
	ev_has ptrace "ptrace poke is logged" \
		'^type=SYSCALL .*syscall=101 success=yes .*ptrace_request=pokedata '
}

# module_check LOG MANIFEST: the module loads and unload of the vm tier
# (modload init, finit, delete of the dummy module).
module_check() {
	EV_LOG=$1 EV_MANIFEST=$2
	EV_FAILS=0
	ev_has modinit "init_module: SYSCALL with the module's name and size" \
		'^type=SYSCALL .*syscall=175 success=yes .*module_name="dummy" module_size=[1-9][0-9]*$'
	ev_has modinit "init_module: KERN_MODULE" '^type=KERN_MODULE .*: name="dummy"$'
	ev_has modfinit "finit_module: SYSCALL with the module file" \
		'^type=SYSCALL .*syscall=313 success=yes .*module_name="dummy" module_size=[1-9][0-9]* module_file="/tmp/dummy.ko"$'
	ev_has modfinit "finit_module: KERN_MODULE" '^type=KERN_MODULE .*: name="dummy"$'
	ev_has moddelete "delete_module: SYSCALL with the name" \
		'^type=SYSCALL .*syscall=176 success=yes .*module_name="dummy"$'
}

# watch_check LOG MANIFEST DIR MODE: the file calls of `events --files DIR`
# under a watch on DIR/w/ -p rwa (key "fw"). Every mode sees the calls
# that succeed, the refused ones and the read-class calls on paths
# (readlink, getxattr, listxattr): tracepoint mode those two by the
# daemon's lookup of their names; the fentry and lsm modes (security
# hooks, may_open) also the mode and owner a chmod or chown found.
watch_check() {
	EV_LOG=$1 EV_MANIFEST=$2
	w=$3/w
	EV_FAILS=0
	ev_has f_write "write-open: SYSCALL with the watch's key" \
		'^type=SYSCALL .*syscall=(2|257) success=yes .*key="fw"'
	ev_has f_write "write-open: PATH of the file" \
		"^type=PATH .*item=0 name=\"$w/file\" inode=[0-9]+ .*nametype=NORMAL "
	ev_has f_create "creating open: SYSCALL" \
		'^type=SYSCALL .*syscall=(2|257) success=yes .*items=2 .*key="fw"'
	ev_has f_create "creating open: the directory (PARENT)" \
		"^type=PATH .*item=0 name=\"$w/\" inode=[0-9]+ .*nametype=PARENT "
	ev_has f_create "creating open: the new file (CREATE)" \
		"^type=PATH .*item=1 name=\"$w/created\" inode=[0-9]+ .*mode=0100640 .*nametype=CREATE "
	ev_has f_chmod "chmod: SYSCALL" '^type=SYSCALL .*syscall=(90|268) success=yes .*key="fw"'
	ev_has f_chmod "chmod: PATH of the file" "^type=PATH .*item=0 name=\"$w/file\" inode=[0-9]+ "
	ev_has f_chown "chown: SYSCALL" '^type=SYSCALL .*syscall=(92|260) success=yes .*key="fw"'
	ev_has f_setxattr "setxattr: SYSCALL and PATH" '^type=SYSCALL .*syscall=188 success=yes .*key="fw"'
	ev_has f_setxattr "setxattr: PATH of the file" "^type=PATH .*item=0 name=\"$w/file\" inode=[0-9]+ "
	ev_has f_rename "rename: SYSCALL" '^type=SYSCALL .*syscall=(82|264|316) success=yes .*items=4 .*key="fw"'
	ev_has f_rename "rename: the old directory (PARENT)" "^type=PATH .*item=0 name=\"$w/\" .*nametype=PARENT "
	ev_has f_rename "rename: the old name (DELETE)" "^type=PATH .*item=2 name=\"$w/file\" inode=[0-9]+ .*nametype=DELETE "
	ev_has f_rename "rename: the new name (CREATE)" "^type=PATH .*item=3 name=\"$w/file2\" inode=[0-9]+ .*nametype=CREATE "
	ev_has f_link "link: the new name (CREATE)" "^type=PATH .*item=2 name=\"$w/link\" inode=[0-9]+ .*nametype=CREATE "
	ev_has f_symlink "symlink: the new name (CREATE)" "^type=PATH .*item=2 name=\"$w/sym\" inode=[0-9]+ .*nametype=CREATE "
	ev_has f_mkdir "mkdir: the directory (PARENT)" "^type=PATH .*item=0 name=\"$w/\" inode=[0-9]+ .*nametype=PARENT "
	ev_has f_mkdir "mkdir: the new directory (CREATE)" "^type=PATH .*item=1 name=\"$w/sub\" inode=[0-9]+ .*mode=040755 .*nametype=CREATE "
	ev_has f_unlink "unlink: the victim (DELETE)" "^type=PATH .*item=1 name=\"$w/link\" inode=[0-9]+ .*nametype=DELETE "
	ev_has f_rmdir "rmdir: the victim (DELETE)" "^type=PATH .*item=1 name=\"$w/sub\" inode=[0-9]+ .*mode=040755 .*nametype=DELETE "
	ev_has f_denied_chmod "refused chmod: success=no exit=-EPERM" \
		'^type=SYSCALL .*syscall=(90|268) success=no exit=-1 .*uid=65534 .*key="fw"'
	ev_has f_denied_chmod "refused chmod: PATH of the file" "^type=PATH .*item=0 name=\"$w/file2\" inode=[0-9]+ "
	ev_has f_denied_unlink "refused unlink: success=no exit=-EACCES" \
		'^type=SYSCALL .*syscall=(87|263) success=no exit=-13 .*key="fw"'
	ev_has f_denied_unlink "refused unlink: the victim (DELETE)" \
		"^type=PATH .*item=1 name=\"$w/file2\" inode=[0-9]+ .*nametype=DELETE "
	ev_has f_denied_open "refused write-open: success=no exit=-EACCES" \
		'^type=SYSCALL .*syscall=(2|257) success=no exit=-13 .*key="fw"'
	ev_has f_denied_open "refused write-open: PATH of the file" \
		"^type=PATH .*item=0 name=\"$w/file2\" inode=[0-9]+ .*nametype=NORMAL "
	ev_has f_denied_rename "refused rename: success=no exit=-EACCES" \
		'^type=SYSCALL .*syscall=(82|264|316) success=no exit=-13 .*key="fw"'
	ev_has f_denied_rename "refused rename: the old name (DELETE)" \
		"^type=PATH .*item=2 name=\"$w/file2\" inode=[0-9]+ .*nametype=DELETE "
	ev_has f_denied_unlink "refused unlink: the directory (PARENT)" \
		"^type=PATH .*item=0 name=\"$w/\" inode=[0-9]+ .*nametype=PARENT "
	ev_has f_readlink "readlink: SYSCALL" '^type=SYSCALL .*syscall=(89|267) success=yes .*key="fw"'
	ev_has f_readlink "readlink: PATH of the link" \
		"^type=PATH .*item=0 name=\"$w/sym\" inode=[0-9]+ .*mode=0120777 .*nametype=NORMAL "
	ev_has f_getxattr "getxattr: SYSCALL and PATH" '^type=SYSCALL .*syscall=191 success=yes .*key="fw"'
	ev_has f_getxattr "getxattr: PATH of the file" "^type=PATH .*item=0 name=\"$w/file2\" inode=[0-9]+ "
	ev_has f_listxattr "listxattr: SYSCALL" '^type=SYSCALL .*syscall=194 success=yes .*key="fw"'
	[ "$4" = tracepoint ] && return
	ev_has f_chmod "chmod: the mode before the change" "^type=PATH .*name=\"$w/file\" .*mode=0100644 "
	ev_has f_chown "chown: the owner before the change" "^type=PATH .*name=\"$w/file\" .*ouid=0 "
}
