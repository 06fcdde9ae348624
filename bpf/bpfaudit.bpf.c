// SPDX-License-Identifier: GPL-2.0
/*
 * bpfaudit's one BPF object: every event source's programs, sharing one ring
 * buffer, one promise counter and one set of loss counters.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "wire.h"
#include "emit.h"
#include "exec.h"
#include "calls.h"

char LICENSE[] SEC("license") = "GPL";
