#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's side of --pidfd-socket, for the tests: pidfd-receiver.py SOCKET OUT
# Accepts one connection, takes one message with one fd, writes "fds=<n> pid=<Pid of fdinfo>".
import os, sys

import fdrecv

conn, msg, fds = fdrecv.accept_fds(sys.argv[1], sys.argv[2] + ".ready")
pid = "?"
if len(fds) == 1:
    for line in open("/proc/self/fdinfo/%d" % fds[0]):
        if line.startswith("Pid:"):
            pid = line.split()[1]
with open(sys.argv[2], "w") as o:
    o.write("fds=%d pid=%s link=%s\n" % (len(fds), pid, os.readlink("/proc/self/fd/%d" % fds[0]) if fds else ""))
