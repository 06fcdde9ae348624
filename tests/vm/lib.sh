# shellcheck shell=bash
# Shared helpers for the tests/vm scripts (sourced, not executed).

# Name the failing command when set -e stops a script.
trap 'vm_log "failed (rc=$?) at line $LINENO: $BASH_COMMAND"' ERR

vm_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
vm_die() { vm_log "error: $*"; exit 1; }

# vm_need CMD PACKAGE: fail early with an install hint when CMD is missing.
vm_need() {
	command -v "$1" >/dev/null 2>&1 || vm_die "'$1' not found (apt-get install $2)"
}

# vm_retry N CMD...: run CMD up to N times, sleeping 2, 4, 8... s in between.
vm_retry() {
	local tries=$1 n=1 delay=2
	shift
	until "$@"; do
		((n >= tries)) && { vm_log "giving up after $n tries: $*"; return 1; }
		vm_log "attempt $n/$tries failed, retrying in ${delay}s: $*"
		sleep "$delay"
		n=$((n + 1)) delay=$((delay * 2))
	done
}

# vm_now: wall-clock seconds with sub-second precision.
vm_now() { date +%s.%N; }

# vm_elapsed START [END]: seconds between two vm_now stamps, one decimal.
vm_elapsed() { awk -v a="$1" -v b="${2:-$(vm_now)}" 'BEGIN { printf "%.1f", b - a }'; }

# vm_mirror: the Debian archive URL this host's apt sources already use
# (deb822 .sources or one-line .list), e.g. http://deb.debian.org/debian.
# VM_MIRROR overrides it.
vm_mirror() {
	if [[ -n ${VM_MIRROR:-} ]]; then
		echo "${VM_MIRROR%/}"
		return
	fi
	local url
	url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -e 's/^URIs:[[:space:]]*//p' \
			-e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' |
		tr ' ' '\n' | grep -E '^https?://[^[:space:]]+/debian/?$' | head -n1) || true
	[[ -n $url ]] || vm_die "no Debian mirror found in /etc/apt/sources.list*; set VM_MIRROR"
	echo "${url%/}"
}
