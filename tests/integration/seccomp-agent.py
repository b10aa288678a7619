#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A seccomp agent for seccomp.bats: listens on PATH, touches READY, and for each connection
# stores the container process state it got in OUTDIR/N.json, then answers every notification
# of that listener with -ERRNO (and logs the syscall number in OUTDIR/N.nr).
#   seccomp-agent.py PATH READY OUTDIR ERRNO
import fcntl, os, socket, struct, sys, threading

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fdrecv import recv_fds  # noqa: E402

NOTIF_SIZE = 80  # struct seccomp_notif
RECV = (3 << 30) | (NOTIF_SIZE << 16) | (ord("!") << 8) | 0  # SECCOMP_IOCTL_NOTIF_RECV
SEND = (3 << 30) | (24 << 16) | (ord("!") << 8) | 1  # SECCOMP_IOCTL_NOTIF_SEND

def serve(fd, n, out, err):
    while True:
        buf = bytearray(NOTIF_SIZE)
        try:
            fcntl.ioctl(fd, RECV, buf)
        except OSError:
            return  # the filter's processes are gone
        nid, _pid, _flags, nr = struct.unpack_from("=QIIi", buf)
        with open(f"{out}/{n}.nr", "a") as f:
            f.write(f"{nr}\n")
        try:
            fcntl.ioctl(fd, SEND, bytearray(struct.pack("=QqiI", nid, 0, -err, 0)))
        except OSError:
            pass

def main():
    path, ready, out, err = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)
    open(ready, "w").close()
    n = 0
    while True:
        conn, _ = srv.accept()
        msg, fds = recv_fds(conn, 65536)
        conn.close()
        with open(f"{out}/{n}.json.tmp", "wb") as f:
            f.write(msg)
        os.rename(f"{out}/{n}.json.tmp", f"{out}/{n}.json")
        if len(fds) == 1:
            threading.Thread(target=serve, args=(fds[0], n, out, err), daemon=True).start()
        n += 1

main()
