"""Loopback ports: one free to bind, and whether anything answers on one."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port no one listens on right now (the kernel's choice for an ephemeral bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_refuses(port: int) -> bool:
    """True when nothing accepts a TCP connection on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(("127.0.0.1", port))
        except OSError:
            return True
    return False
