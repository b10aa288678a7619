/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec trampoline (CVE-2019-5736 defence), a freestanding x86-64 program of a few hundred
 * bytes, embedded in skiff. The container init executes it from a sealed memfd, so that when the
 * user's program starts, /proc/self/exe of every process in the container is a sealed memfd or
 * the user's program, never the host's skiff binary. A script of the container saying
 * "#!/proc/self/exe" therefore runs this trampoline again, which refuses: the kernel gives an
 * interpreter its own path as argv[0], never the marker below.
 *
 * argv: [ "skiff-exec", path, argv0, argv1, ..., NULL ]  ->  execve(path, &argv[2], envp)
 */
#define SYS_write 1
#define SYS_execve 59
#define SYS_exit_group 231

static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}

static void fail(const char *msg, unsigned long len, int code) {
  sys3(SYS_write, 2, (long)msg, (long)len);
  sys3(SYS_exit_group, code, 0, 0);
  for (;;) {
  }
}

__attribute__((used)) static void tramp_main(long *sp) {
  static const char marker[] = "skiff-exec";
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  const char *a0 = argv[0];
  for (unsigned i = 0; i < sizeof(marker); i++)
    if (argc < 3 || a0[i] != marker[i]) {
      static const char m[] = "skiff: refusing to run the runtime's exec trampoline as an interpreter\n";
      fail(m, sizeof(m) - 1, 126);
    }
  long r = sys3(SYS_execve, (long)argv[1], (long)(argv + 2), (long)envp);
  static const char m[] = "skiff: exec of the container's program failed\n";
  (void)r;
  fail(m, sizeof(m) - 1, 127);
}

__asm__(".text\n.global _start\n_start:\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call tramp_main\n");
