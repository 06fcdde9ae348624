#!/bin/bash
# Sanitizer tier (root): bpfaudit under AddressSanitizer and UBSan, and
# the daemon under valgrind.
#  1. A separate build tree, configured with -fsanitize=address,undefined
#     (the BPF object keeps its own flags: bpf/Makefile.am builds it with
#     $(CLANG) $(BPF_CFLAGS), never $(CFLAGS)), runs its `make check`: the
#     unit and host tiers, the daemon loading BPF under ASan. Any report
#     fails, leaks included, also from processes whose exit status nobody
#     checks (reports go to files in SANITIZE_BUILD/sanitizer-logs).
#  2. The normal build's bpfauditd runs under valgrind on a private
#     configuration while the host workloads run, and stops on
#     SIGTERM: exit 0, no memory errors, no definite or indirect leaks.
#
# Environment (the Makefile's check-sanitize sets the first five):
#   TOP_SRCDIR      the source tree
#   BUILD_DIR       the normal build tree
#   BPFAUDITD       the normal build's daemon (for valgrind)
#   WORKLOAD        the normal build's tests/host/workload
#   EVENTS          (optional) its tests/host/events, the other kinds
#   SANITIZE_BUILD  the sanitizer build tree (default: BUILD_DIR-asan)
#   SANITIZE_CC     compiler for it: gcc (default, the project's usual
#                   compiler) or clang
#   SANITIZE_SKIP   "asan" or "valgrind" to leave a step out
# Prints TAP-style checks and "# N passed, M failed", where the counts
# include every test case the sanitized `make check` ran.
set -u
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build_dir=${BUILD_DIR:-$top/build}
sb=${SANITIZE_BUILD:-${build_dir%/}-asan}
cc=${SANITIZE_CC:-gcc}
skip=${SANITIZE_SKIP:-}
TESTLIB=$top/tests/host/lib.sh
. "$TESTLIB"
need_root
need_cmd "$cc" valgrind

san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

# Adds the cmocka and host-script counts of a test tree's logs.
count_logs() {
	local counts p f
	counts=$(cat "$@" 2>/dev/null | awk '
		/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
		/^# [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
		END { printf "%d %d\n", p, f }')
	read -r p f <<<"$counts"
	n=$((n + p + f))
	fails=$((fails + f))
	echo "# the sanitized test cases: $p passed, $f failed"
}

asan_tier() {
	local logs=$sb/sanitizer-logs rc f
	echo "# ASan/UBSan build in $sb with $cc"
	mkdir -p "$sb" || return 1
	(
		cd "$sb" || exit 1
		# -Wno-error: a sanitizer can make the compiler warn where the
		# normal build does not; that build keeps -Werror's verdict.
		"$top/configure" --prefix=/usr --sysconfdir=/etc \
			--localstatedir=/var --runstatedir=/run CC="$cc" \
			CFLAGS="$san_flags -Wno-error" LDFLAGS="$san_flags" \
			>configure.out 2>&1
	)
	rc=$?
	check "asan: configure" [ $rc -eq 0 ]
	if [ $rc -ne 0 ]; then
		tail -n 20 "$sb/configure.out" | sed 's/^/#   /'
		return 1
	fi
	make -C "$sb" -j"$(nproc)" >"$sb/make.out" 2>&1
	rc=$?
	check "asan: build" [ $rc -eq 0 ]
	if [ $rc -ne 0 ]; then
		tail -n 30 "$sb/make.out" | sed 's/^/#   /'
		return 1
	fi

	rm -rf "$logs"
	mkdir -p "$logs"
	# The host tier's helper programs (workload, events, ...) keep their
	# buffers until exit by design; bpfaudit's own code is not excused.
	echo "leak:/tests/host/" >"$sb/lsan.supp"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$logs/asan \
	LSAN_OPTIONS=suppressions=$sb/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan \
		make -C "$sb" check >"$sb/check.out" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR): ' "$sb/check.out" | sed 's/^/# /'
	check "asan: make check passes (unit and host tiers)" [ $rc -eq 0 ]
	if [ $rc -ne 0 ]; then
		for f in $(grep -lE '^(FAIL|ERROR)' "$sb"/tests/unit/*.trs "$sb"/tests/host/*.trs 2>/dev/null); do
			echo "# --- ${f%.trs}.log (last lines):"
			tail -n 25 "${f%.trs}.log" | sed 's/^/#   /'
		done
	fi
	count_logs "$sb"/tests/unit/*.log "$sb"/tests/host/*.log
	check "asan: no sanitizer report from any process" \
		sh -c "! ls '$logs' | grep -q ."
	for f in "$logs"/*; do
		[ -e "$f" ] || continue
		echo "# --- $f:"
		head -n 40 "$f" | sed 's/^/#   /'
	done
}

valgrind_tier() {
	local vt=$T/valgrind vlog rc
	echo "# valgrind: $BPFAUDITD"
	write_conf "$vt"
	vlog=$vt/valgrind.log
	# libbpf's bpf_map_create() and bpf_map_get_next_key() zero their
	# bpf_attr only up to the size they pass to bpf(2); valgrind 3.19
	# checks fields past that size. And a NULL key to get_next_key asks
	# for the first key (bpf(2)), which valgrind takes for a bad pointer.
	cat >"$vt/libbpf.supp" <<-'SUPP'
	{
	   libbpf-map-get-next-key-attr-flags
	   Memcheck:Param
	   bpf(attr->flags)
	   fun:syscall
	   ...
	   fun:bpf_map_get_next_key
	}
	{
	   libbpf-map-get-next-key-first-key
	   Memcheck:Param
	   bpf(attr->key)
	   fun:syscall
	   ...
	   fun:bpf_map_get_next_key
	}
	{
	   libbpf-map-create-attr-expected_attach_type
	   Memcheck:Param
	   bpf(attr->expected_attach_type)
	   fun:syscall
	   ...
	   fun:bpf_map_create
	}
	{
	   libbpf-map-create-attr-prog_ifindex
	   Memcheck:Param
	   bpf(attr->prog_ifindex)
	   fun:syscall
	   ...
	   fun:bpf_map_create
	}
	SUPP
	valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=1 --log-file="$vlog" \
		--suppressions="$vt/libbpf.supp" \
		"$BPFAUDITD" -f -c "$vt/bpfauditd.conf" >"$vt/daemon.out" 2>&1 &
	DPID=$!
	# BTF parsing and relocation run slowly under valgrind
	if ! wait_for 300 grep -q DAEMON_START "$vt/log/audit.log"; then
		not_ok "valgrind: the daemon starts"
		sed 's/^/# /' "$vt/daemon.out"
		tail -n 30 "$vlog" | sed 's/^/# /'
		return 1
	fi
	ok "valgrind: the daemon starts"
	mkdir -p "$vt/wl"
	"$WORKLOAD" "$vt/wl" "$vt/manifest"
	check "valgrind: the exec workload ran" [ $? -eq 0 ]
	# the other event kinds too, when their workload is built
	if [ -x "${EVENTS:-}" ]; then
		mkdir -p "$vt/ev"
		"$EVENTS" "$vt/ev" "$vt/ev.manifest"
		check "valgrind: the events workload ran" [ $? -eq 0 ]
		cat "$vt/ev.manifest" >>"$vt/manifest"
	fi
	check "valgrind: every workload exec is logged" \
		wait_for 120 all_logged "$vt/log/audit.log" "$vt/manifest"
	kill -TERM "$DPID"
	wait "$DPID"
	rc=$?
	DPID=
	check "valgrind: SIGTERM stops the daemon with status 0 (was $rc)" [ $rc -eq 0 ]
	check "valgrind: DAEMON_END is logged" \
		grep -q '^type=DAEMON_END ' "$vt/log/audit.log"
	check "valgrind: no memory errors" \
		grep -q 'ERROR SUMMARY: 0 errors' "$vlog"
	check "valgrind: no definite or indirect leaks" \
		sh -c "grep -q 'All heap blocks were freed' '$vlog' ||
			{ grep -q 'definitely lost: 0 bytes' '$vlog' &&
			  grep -q 'indirectly lost: 0 bytes' '$vlog'; }"
	grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|in use at exit' \
		"$vlog" | sed 's/^==[0-9]*== */# valgrind: /'
	if [ $rc -ne 0 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$vlog"; then
		grep -v '^--' "$vlog" | head -n 60 | sed 's/^/#   /'
		tail -n 20 "$vt/daemon.out" | sed 's/^/#   /'
	fi
}

make_tmp
case $skip in *asan*) ;; *) asan_tier ;; esac
case $skip in
*valgrind*) ;;
*)
	if [ -x "${BPFAUDITD:-}" ] && [ -x "${WORKLOAD:-}" ]; then
		valgrind_tier
	else
		not_ok "valgrind: BPFAUDITD and WORKLOAD are built (run make check first)"
	fi
	;;
esac
finish
