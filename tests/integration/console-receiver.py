#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's side of the console socket protocol (runtime-cli-contract.md §6), for the tests:
#   console-receiver.py SOCKET OUT [INPUT]
# listens on SOCKET, accepts one connection, requires exactly one message with exactly one
# SCM_RIGHTS fd that is a terminal, writes "name=<payload> fds=<n> tty=<bool>" to OUT.meta,
# then writes INPUT (if given) to the pty and copies everything the pty says to OUT until the
# pty closes (EIO once every process holding its other side is gone).
import os, sys

import fdrecv

path, out = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode().decode("unicode_escape").encode() if len(sys.argv) > 3 else b""
conn, msg, fds = fdrecv.accept_fds(path, out + ".ready")
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
