// The seccomp-bpf program installed in every traced process: SECCOMP_RET_TRACE for the few
// syscalls the tracer records (opens, exec, connect, rename/unlink/link/symlink, ...) and
// SECCOMP_RET_ALLOW for everything else, so the tracer never wakes for read/write/mmap/stat.
// Syscall numbers come from the build's own <sys/syscall.h>, so the same code serves x86_64
// and aarch64; only the native ABI is filtered selectively (see docs/requirements/trace-abi.md).
#pragma once

#include <linux/audit.h>
#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace hallmark::observe::internal {

// The audit arch of the build's own ABI: the filter matches it and the stop loop decodes only
// it. src/observe/meson.build builds the tracer only on these CPUs (trace_unsupported.cpp
// elsewhere).
#if defined(__x86_64__)
inline constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
inline constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
#else
#error "hallmark's tracer knows x86_64 and aarch64 only; meson builds trace_unsupported.cpp elsewhere"
#endif

// The filter program; built in the parent before fork (the child may only call
// async-signal-safe functions, so it must not allocate). With `reads_watched` (a ReadWatch
// reports successful read-only opens) read-only open/openat are allowed without a stop.
std::vector<sock_filter> build_seccomp_filter(bool reads_watched = false);

// Installs `program` in the calling thread (and every descendant). Returns 0 or an errno.
// Async-signal-safe: called between fork and exec.
int install_seccomp_filter(const std::vector<sock_filter>& program);

}  // namespace hallmark::observe::internal
