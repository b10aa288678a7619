# SPDX-License-Identifier: GPL-2.0-or-later
# The caller's side of skiff's fd-passing sockets (--console-socket, --pidfd-socket), for tests.
import array, socket


def accept_fds(path, ready):
    """Listen on path, touch `ready`, accept one connection and read one message.
    Returns (connection, payload bytes, list of fds)."""
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    open(ready, "w").close()
    conn, _ = srv.accept()
    msg, fds = recv_fds(conn)
    return conn, msg, fds


def recv_fds(conn, size=4096):
    """One message from a connected socket: (payload bytes, list of fds)."""
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(size, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    return msg, list(fds)
