#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's side of --pidfd-socket, for the tests: pidfd-receiver.py SOCKET OUT
# Accepts one connection, takes one message with one fd, writes "fds=<n> pid=<Pid of fdinfo>".
import array, os, socket, sys

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
open(sys.argv[2] + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
pid = "?"
if len(fds) == 1:
    for line in open("/proc/self/fdinfo/%d" % fds[0]):
        if line.startswith("Pid:"):
            pid = line.split()[1]
with open(sys.argv[2], "w") as o:
    o.write("fds=%d pid=%s link=%s\n" % (len(fds), pid, os.readlink("/proc/self/fd/%d" % fds[0]) if fds else ""))
