#!/bin/bash
# Sets everything up on a fresh Debian 12 machine and runs every test tier:
# unit (cmocka), host (root, this kernel, real auditd/ausearch/aureport),
# vm (qemu with Debian kernels, lsm and fentry modes), sanitizers (ASan,
# UBSan, valgrind) and fuzzing (libFuzzer).
. "$(dirname "$0")/deps.sh"
# shellcheck disable=SC2086
install_packages $BUILD_PKGS $RUN_PKGS $TEST_PKGS
build_tree
mount_kernel_fs

rc=0
make check || rc=1
# The release tarball: make dist, then an out-of-tree build of it that
# installs, uninstalls and cleans; its unit tests (the host tiers ran
# just above on the same code). TESTS expands in tests/Makefile.
make distcheck TESTS='$(UNIT_TESTS)' >distcheck.log 2>&1 || {
	tail -n 40 distcheck.log
	rc=1
}
make check-vm || rc=1
# ASan/UBSan make check and the daemon under valgrind; then the fuzzers
# (libFuzzer, FUZZ_SECONDS each, default 60).
make -C tests check-sanitize || rc=1
make -C tests check-fuzz || rc=1

# The failed checks by name, with the lines after them, so that a red
# run says which and why.
grep -H -A4 '^not ok' tests/host/*.log tests/vm-matrix.log tests/sanitize.log \
	2>/dev/null | sed 's/^/FAILED: /' || true
# One closing line over every tier: cmocka's and the host scripts' counts.
cat tests/unit/*.log tests/host/*.log tests/vm-matrix.log \
	tests/sanitize.log tests/fuzz.log 2>/dev/null | awk '
	/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
	/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
	/^# [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
	END { printf "%d passed, %d failed\n", p, f }'
exit $rc
