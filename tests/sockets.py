"""How many TCP connections this process holds open to a port (Linux `/proc`).

A leaked connection is an open socket whose peer is the test's server: this counts the
process's own socket file descriptors whose remote end is `127.0.0.1:<port>`, in any
state (a socket the server already hung up on stays open, in CLOSE_WAIT, until the
client closes it).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["open_connections"]


def _socket_inodes() -> set[str]:
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed while listing
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def open_connections(port: int) -> int:
    """Open client sockets of this process connected to 127.0.0.1:`port`."""
    mine = _socket_inodes()
    wanted = f"0100007F:{port:04X}"  # 127.0.0.1, as /proc/net/tcp writes it
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote, inode = fields[2], fields[9]
        if remote == wanted and inode in mine:
            count += 1
    return count
