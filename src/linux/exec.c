/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The last step of every container process: exec the user's program through the embedded
 * trampoline (see trampoline/trampoline.c), run from a sealed memfd.
 *
 * Why (CVE-2019-5736): the init is a clone of skiff, so until it execs, /proc/self/exe is the
 * host's skiff binary. A container program saying "#!/proc/self/exe" would make the kernel run
 * that binary inside the container, where a process could open it through /proc and, once it
 * exits, write to it. runc's answer was to copy the whole binary into a memfd per container
 * (megabytes, charged to the container's memory cgroup) and later to re-exec it from a
 * read-only mount. skiff never re-execs itself: the init is non-dumpable while it runs skiff
 * code, and the program is started by a trampoline of ~2 KiB from a sealed memfd, so that the
 * only executable the container can reach through /proc/PID/exe is one nobody can write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "skiff/exec.h"
#include "skiff/log.h"
#include "skiff/util.h"

#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern const unsigned char sk_trampoline[];
extern const size_t sk_trampoline_len;

int sk_exec_trampoline_fd(sk_error **err) {
  int fd = memfd_create("skiff-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) /* kernels before 6.3 don't know MFD_EXEC */
    fd = memfd_create("skiff-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return sk_error_errno(err, "create the exec trampoline (memfd_create)");
  if (sk_write_all(fd, sk_trampoline, sk_trampoline_len) < 0 ||
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
    int e = errno;
    close(fd);
    return sk_error_set(err, e, NULL, "prepare the exec trampoline (write and seal the memfd)");
  }
  return fd;
}

int sk_exec_program(int tramp_fd, int report_fd, const char *path, char *const argv[],
                    char *const envp[]) {
  if (tramp_fd >= 0) {
    size_t n = 0;
    while (argv[n]) n++;
    char fdnum[16];
    snprintf(fdnum, sizeof(fdnum), "%d", report_fd);
    const char *targv[n + 4];
    targv[0] = "skiff-exec";
    targv[1] = fdnum;
    targv[2] = path;
    for (size_t i = 0; i <= n; i++) targv[i + 3] = argv[i];
    /* The trampoline needs report_fd to say why the exec failed; it closes it on its exec. */
    if (report_fd >= 0) fcntl(report_fd, F_SETFD, 0);
    execveat(tramp_fd, "", (char *const *)targv, envp, AT_EMPTY_PATH);
    int e = errno;
    if (report_fd >= 0) fcntl(report_fd, F_SETFD, FD_CLOEXEC);
    errno = e;
    /* An exec of a memfd can be forbidden (vm.memfd_noexec): fall through to a plain execve,
     * which still runs the right program. */
  }
  execve(path, argv, envp);
  return -1;
}
