#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's side of the console socket protocol (runtime-cli-contract.md §6), for the tests:
#   console-receiver.py SOCKET OUT [INPUT]
# listens on SOCKET, accepts one connection, requires exactly one message with exactly one
# SCM_RIGHTS fd that is a terminal, writes "name=<payload> fds=<n> tty=<bool>" to OUT.meta,
# then writes INPUT (if given) to the pty and copies everything the pty says to OUT until the
# pty closes (EIO once every process holding its other side is gone).
import array, os, socket, sys

path, out = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode().decode("unicode_escape").encode() if len(sys.argv) > 3 else b""
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, flags, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
for level, typ, payload in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
extra = conn.recv(4096)  # nothing else may follow
with open(out + ".meta", "w") as m:
    m.write("name=%s fds=%d tty=%s messages=%d\n" % (msg.decode(), len(fds),
            len(fds) == 1 and os.isatty(fds[0]), 2 if extra else 1))
if len(fds) != 1:
    sys.exit(1)
master = fds[0]
if data:
    os.write(master, data)
with open(out, "wb") as o:
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        o.write(chunk)
        o.flush()
