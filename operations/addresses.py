"""Who the client is: the peer's address, or the forwarded one when the peer is a trusted proxy.

Each proxy appends its own peer's address to `X-Forwarded-For`, so only the right end of the list
is written by proxies; the left end is whatever the client sent. `FORWARDED_ALLOW_IPS` names the
proxies we trust (addresses, CIDR networks, or "*"), read the same way gunicorn reads the same
variable for its own `X-Forwarded-*` handling.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# A login event keeps where from, not who.
EVENT_PREFIX = {4: 24, 6: 48}
# One IPv6 subscriber is usually given a whole /64: a key per /128 would let them rotate freely.
RATELIMIT_PREFIX = {4: 32, 6: 64}


@functools.lru_cache(maxsize=4)
def _proxies(entries: tuple[str, ...]) -> tuple[bool, tuple[IPNetwork, ...]]:
    """Whether any peer is trusted ("*"), and the networks of the proxies we know."""
    networks = []
    for entry in entries:
        try:
            # Strict, as gunicorn: "10.0.0.1/8" is a typo, not a network.
            networks.append(ipaddress.ip_network(entry.strip()))
        except ValueError:
            # gunicorn refuses to start on such an entry; under another server it trusts no one.
            continue
    return "*" in (entry.strip() for entry in entries), tuple(networks)


def _trusted() -> tuple[bool, tuple[IPNetwork, ...]]:
    # A few entries, parsed once per value (tests change the setting).
    return _proxies(tuple(settings.FORWARDED_ALLOW_IPS))


def _parse(text: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d; it is that IPv4 address.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _forwarded(entry: str) -> IPAddress | None:
    """An X-Forwarded-For entry: an address, or (as some proxies write it) one with its port,
    `198.51.100.1:443` or `[2001:db8::1]:443`."""
    text = entry.strip()
    if text.startswith("[") and "]" in text:
        return _parse(text[1 : text.index("]")])
    host, colon, port = text.rpartition(":")
    if colon and port.isdigit() and host.count(":") == 0:
        return _parse(host)
    return _parse(text)


def _within(ip: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip in network for network in networks)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the peer is a proxy in FORWARDED_ALLOW_IPS, whose X-* headers may be believed."""
    any_peer, networks = _trusted()
    peer = request.META.get("REMOTE_ADDR", "")
    if any_peer or not peer:
        # "*": only the trusted front end can reach the app. No address: a UNIX socket, which
        # only local processes reach, and which gunicorn treats as allowed too.
        return True
    ip = _parse(peer)
    return ip is not None and _within(ip, networks)


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the peer's, or the rightmost forwarded one no trusted proxy has.

    Walking X-Forwarded-For from the right, each address a trusted proxy wrote is believed; an
    address that is itself a trusted proxy means one more hop to the left. The walk stops at the
    first address that is not a trusted proxy: everything left of it came from the client. It
    also stops at an entry that is not an address, which no trusted proxy wrote, keeping the last
    hop believed. With "*" alone no forwarded address is a known proxy: the rightmost is taken.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    peer_ip = _parse(peer)
    client = str(peer_ip) if peer_ip is not None else peer
    if not from_trusted_proxy(request):
        return client
    _, networks = _trusted()
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        ip = _forwarded(entry)
        if ip is None:
            break
        client = str(ip)
        if not _within(ip, networks):
            break
    return client


def _network(address: str, prefixes: dict[int, int]) -> str:
    ip = _parse(address)
    if ip is None:
        return ""
    network = ipaddress.ip_network((ip, prefixes[ip.version]), strict=False)
    return str(network.network_address)


def client_network(request: HttpRequest) -> str:
    """The /24 (IPv4) or /48 (IPv6) network address of the client, "" when unknown."""
    return _network(client_address(request), EVENT_PREFIX)


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's callable key, `key=ratelimit_key`: the client's IPv4 address, or the
    network address of its IPv6 /64 (as the "ip" key does, but with the forwarded address)."""
    return _network(client_address(request), RATELIMIT_PREFIX)
