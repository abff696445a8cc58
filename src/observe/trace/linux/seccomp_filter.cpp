#include "seccomp_filter.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstddef>

namespace hallmark::observe::internal {

namespace {

// Syscalls whose arguments the tracer records. open/creat/rename/... exist only on x86_64;
// aarch64 has just the *at forms, hence the #ifdefs. chdir is absent on purpose: relative paths
// are resolved through /proc/PID/cwd at the stop, which is always current.
constexpr long kTraced[] = {
#ifdef __NR_open
    __NR_open,
#endif
#ifdef __NR_creat
    __NR_creat,
#endif
    __NR_openat,
#ifdef __NR_openat2
    __NR_openat2,
#endif
    __NR_execve,
    __NR_execveat,
    __NR_connect,
    __NR_sendmsg,
    // A DNS answer read with recvmsg (musl's TCP fallback, libuv): the stop loop takes its exit
    // only on sockets that sent to port 53, so other recvmsg callers pay one stop, no more.
    __NR_recvmsg,
#ifdef __NR_rename
    __NR_rename,
#endif
    __NR_renameat,
    __NR_renameat2,
#ifdef __NR_unlink
    __NR_unlink,
#endif
    __NR_unlinkat,
#ifdef __NR_link
    __NR_link,
#endif
    __NR_linkat,
#ifdef __NR_symlink
    __NR_symlink,
#endif
    __NR_symlinkat,
    __NR_truncate,
#ifdef __NR_mknod
    __NR_mknod,
#endif
    __NR_mknodat,
};

sock_filter stmt(unsigned short code, unsigned k) { return BPF_STMT(code, k); }
sock_filter jump(unsigned short code, unsigned k, unsigned char jt, unsigned char jf) {
  return BPF_JUMP(code, k, jt, jf);
}

constexpr unsigned kArgLow(int i) { return offsetof(seccomp_data, args) + 8 * i; }

// open/openat without O_WRONLY, O_RDWR, O_CREAT or O_TRUNC -> ALLOW (a ReadWatch reports the
// ones that succeed); any other open falls through to the JEQ chain, which traces it.
void allow_read_only_open(std::vector<sock_filter>& p, long nr, int flags_arg) {
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, unsigned(nr), 0, 3));
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kArgLow(flags_arg)));
  p.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, unsigned(O_ACCMODE | O_CREAT | O_TRUNC), 1, 0));
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));  // A = nr again
}

// Syscall `nr` -> TRACE when its 64-bit argument `arg` is not 0, else ALLOW; any other syscall
// goes on past the block with A (the syscall number) unchanged.
void trace_if_arg_set(std::vector<sock_filter>& p, long nr, int arg) {
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, unsigned(nr), 0, 6));  // -> past the block
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kArgLow(arg)));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2));  // low != 0 -> TRACE
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kArgLow(arg) + 4));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0));  // both 0 -> ALLOW
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

}  // namespace

std::vector<sock_filter> build_seccomp_filter(bool reads_watched) {
  // Layout: [arch check] [x32 check] [read-only opens, when watched] [sendto, recvfrom checks]
  // [one JEQ per traced syscall] ALLOW TRACE. Jump offsets are relative, so each JEQ jumps to
  // the TRACE at the end.
  std::vector<sock_filter> p;
  const size_t n = sizeof(kTraced) / sizeof(kTraced[0]);
  // A foreign ABI (ia32 on x86_64, arm32 on aarch64) or x32 syscall goes to TRACE: the tracer
  // cannot decode it selectively, so it sees every such syscall and records the process as
  // using a foreign ABI instead of silently missing its file accesses.
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, kNativeArch, 1, 0));
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  p.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
#if defined(__x86_64__)
  p.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u /* __X32_SYSCALL_BIT */, 0, 1));
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
#endif
  if (reads_watched) {
    allow_read_only_open(p, __NR_openat, 2);
#ifdef __NR_open
    allow_read_only_open(p, __NR_open, 1);
#endif
  }
  // sendto with a destination address (a4 != NULL), recvfrom asking for the source address
  // (a4 != NULL: how glibc, musl and c-ares read DNS answers over UDP): plain send() and recv()
  // pass NULL and are far too frequent to stop for.
  trace_if_arg_set(p, __NR_sendto, 4);
  trace_if_arg_set(p, __NR_recvfrom, 4);
  for (size_t i = 0; i < n; ++i) {
    // Distance to the final TRACE: the remaining JEQs and the ALLOW before it.
    const size_t to_trace = (n - 1 - i) + 1;
    p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, unsigned(kTraced[i]), (unsigned char)to_trace, 0));
  }
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  p.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  return p;
}

int install_seccomp_filter(const std::vector<sock_filter>& program) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size());
  prog.filter = const_cast<sock_filter*>(program.data());
  if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0) return 0;
  return errno;
}

}  // namespace hallmark::observe::internal
