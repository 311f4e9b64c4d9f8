"""Where a webhook may be sent: http(s) only, and never into private, loopback, link-local or
otherwise reserved address space unless the operator allows that network (an SSRF guard: the
service must not become a way to reach its own network)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import urlsplit

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


class TargetRefused(ValueError):
    """The URL may not be called (its message says why, for the delivery log or a 400)."""


def _public(address: Address) -> bool:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return _public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def check_address(address: Address, allowed: Sequence[Network]) -> None:
    if _public(address) or any(address in network for network in allowed):
        return
    raise TargetRefused(
        f"{address} is a private, loopback or link-local address; webhooks are not sent there"
    )


def split(url: str) -> tuple[str, int]:
    """Host and port of an http(s) URL; refuses anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(f"not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("only http and https URLs are allowed")
    if not parts.hostname:
        raise TargetRefused("the URL names no host")
    if parts.username or parts.password:
        raise TargetRefused("the URL may not carry credentials")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_url(url: str, allowed: Sequence[Network]) -> None:
    """What can be said without the network: scheme, host, and an address written in the URL."""
    host, _port = split(url)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        if host.rstrip(".").lower() == "localhost" or host.lower().endswith(".localhost"):
            check_address(ipaddress.ip_address("127.0.0.1"), allowed)
        return
    check_address(literal, allowed)


async def resolve(url: str, allowed: Sequence[Network]) -> None:
    """Refuses the URL when any address its host resolves to is refused (checked before every
    attempt: a name can be pointed elsewhere after the endpoint was saved)."""
    host, port = split(url)
    check_url(url, allowed)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(f"{host} does not resolve: {exc}") from None
    for info in infos:
        check_address(ipaddress.ip_address(info[4][0]), allowed)
