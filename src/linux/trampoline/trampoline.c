/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exec trampoline (CVE-2019-5736 defence), a freestanding x86-64 program of about a
 * kilobyte, embedded in skiff. The container init executes it from a sealed memfd, so that when
 * the user's program starts, /proc/self/exe of every process in the container is a sealed memfd
 * or the user's program, never the host's skiff binary. A script of the container saying
 * "#!/proc/self/exe" therefore runs this trampoline again, which refuses: the kernel gives an
 * interpreter its own path as argv[0], never the marker below.
 *
 * argv: [ "skiff-exec", report-fd, path, argv0, argv1, ..., NULL ]
 *   ->  execve(path, &argv[3], envp)
 *
 * report-fd (decimal, or -1) is the init's end of the sync socket, passed without
 * close-on-exec: the trampoline sets it close-on-exec again before the execve, so the program
 * never has it and skiff sees EOF once the program runs. When the execve fails, the trampoline
 * sends the error there in the format of sk_sync_send_error (include/skiff/sync.h), so that
 * `skiff run` reports it like any other failure of the init; when nobody listens any more
 * (create, then start), it writes it on stderr.
 */
#define SYS_write 1
#define SYS_sendto 44
#define SYS_execve 59
#define SYS_fcntl 72
#define SYS_exit_group 231
#define F_SETFD 2
#define FD_CLOEXEC 1
#define MSG_NOSIGNAL 0x4000
#define SYNC_ERROR 5 /* SK_SYNC_ERROR */
#define PATH_MAX_SHOWN 3072

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
  long r;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(r)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return r;
}

static long sys3(long n, long a, long b, long c) {
  return sys6(n, a, b, c, 0, 0, 0);
}

static __attribute__((noreturn)) void quit(int code) {
  sys6(SYS_exit_group, code, 0, 0, 0, 0, 0);
  for (;;) {
  }
}

static void say(const char *msg, unsigned long len) {
  sys3(SYS_write, 2, (long)msg, (long)len);
}

/* strerror() of what execve can fail with; NULL for the rest. */
static const char *errno_text(long e) {
  static const struct {
    unsigned char num;
    const char *text;
  } tab[] = {
      {1, "Operation not permitted"},   {2, "No such file or directory"},
      {5, "Input/output error"},        {7, "Argument list too long"},
      {8, "Exec format error"},         {12, "Cannot allocate memory"},
      {13, "Permission denied"},        {20, "Not a directory"},
      {21, "Is a directory"},           {22, "Invalid argument"},
      {26, "Text file busy"},           {36, "File name too long"},
      {40, "Too many levels of symbolic links"},
      {80, "Accessing a corrupted shared library"},
  };
  for (unsigned i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
    if (tab[i].num == e) return tab[i].text;
  return 0;
}

/* A growing byte buffer on the stack. */
struct buf {
  char *p;
  unsigned long len, cap;
};

static void put(struct buf *b, const char *s, unsigned long max) {
  for (unsigned long i = 0; i < max && s[i] && b->len < b->cap; i++) b->p[b->len++] = s[i];
}

static void put_nul(struct buf *b) {
  if (b->len < b->cap) b->p[b->len++] = 0;
}

static void put_num(struct buf *b, long v) {
  char d[24];
  int n = 0;
  do {
    d[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v && n < 24);
  while (n && b->len < b->cap) b->p[b->len++] = d[--n];
}

/* The failed execve of path, with error e, to the report fd or else to stderr. */
static void report(long fd, const char *path, long e) {
  struct {
    unsigned int type, len;
    char data[PATH_MAX_SHOWN + 64];
  } m;
  struct buf b = {m.data, 0, sizeof(m.data)};
  /* "errnum\0path\0msg\0" */
  put_num(&b, e);
  put_nul(&b);
  put(&b, "process.args", 16);
  put_nul(&b);
  put(&b, "exec \"", 8);
  put(&b, path, PATH_MAX_SHOWN);
  put(&b, "\"", 1);
  put_nul(&b);
  m.type = SYNC_ERROR;
  m.len = (unsigned int)b.len;
  if (fd >= 0 && sys6(SYS_sendto, fd, (long)&m, (long)(8 + b.len), MSG_NOSIGNAL, 0, 0) >= 0) return;

  char line[PATH_MAX_SHOWN + 128];
  struct buf l = {line, 0, sizeof(line) - 1};
  const char *t = errno_text(e);
  put(&l, "skiff: process.args: exec \"", 32);
  put(&l, path, PATH_MAX_SHOWN);
  put(&l, "\": ", 3);
  if (t) {
    put(&l, t, 64);
  } else {
    put(&l, "error ", 6);
    put_num(&l, e);
  }
  line[l.len++] = '\n';
  say(line, l.len);
}

__attribute__((used)) static void tramp_main(long *sp) {
  static const char marker[] = "skiff-exec";
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  const char *a0 = argv[0];
  for (unsigned i = 0; i < sizeof(marker); i++)
    if (argc < 4 || a0[i] != marker[i]) {
      static const char m[] = "skiff: refusing to run the runtime's exec trampoline as an interpreter\n";
      say(m, sizeof(m) - 1);
      quit(126);
    }
  long fd = -1;
  if (argv[1][0] >= '0' && argv[1][0] <= '9') {
    fd = 0;
    for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++) fd = fd * 10 + (*s - '0');
    if (sys3(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC) < 0) fd = -1;
  }
  long r = sys3(SYS_execve, (long)argv[2], (long)(argv + 3), (long)envp);
  report(fd, argv[2], -r);
  quit(127);
}

__asm__(".text\n.global _start\n_start:\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call tramp_main\n");
