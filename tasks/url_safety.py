"""Refuse URLs that point inside the network we run in (SSRF): private, loopback, link-local, metadata addresses.

Checked before connecting and again after every redirect. Hosts named by `--allow-host` or the env var
`NEWSETL_ALLOW_HOSTS` (comma-separated) are exempt: tests allow 127.0.0.1 that way.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

ALLOW_HOSTS_ENV = "NEWSETL_ALLOW_HOSTS"
SCHEMES = ("http", "https")
# Cloud metadata endpoints that are not caught by the "not globally routable" rule on every platform.
_METADATA_HOSTS = {"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"}
_METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


class RefusedURL(Exception):
    """The URL may not be fetched; `reason` is the reject code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def allowed_hosts(extra: Iterable[str] = ()) -> frozenset[str]:
    """`extra` (from --allow-host) plus the hosts named in NEWSETL_ALLOW_HOSTS, lower-cased."""
    from_env = os.environ.get(ALLOW_HOSTS_ENV, "").split(",")
    return frozenset(h.strip().lower().strip("[]") for h in [*extra, *from_env] if h.strip())


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def check_url(url: str, allow: frozenset[str]) -> None:
    """Raise RefusedURL unless `url` is http(s) to a publicly routable host (or an allowed one)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise RefusedURL("refused_scheme", f"{url!r}: only http and https URLs are fetched")
    host = (parts.hostname or "").lower()
    if not host:
        raise RefusedURL("bad_url", f"{url!r} has no host")
    if host in allow:
        return
    if host in _METADATA_HOSTS:
        raise RefusedURL("refused_host", f"{host} is a cloud metadata endpoint")
    for address in _addresses(host, parts.port):
        if address in allow:
            return
        problem = _refusal(ipaddress.ip_address(address))
        if problem:
            raise RefusedURL(
                "refused_host", f"{host} resolves to {address} ({problem}); allow it with --allow-host {host}"
            )


def _addresses(host: str, port: int | None) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise RefusedURL("dns_error", f"{host}: {exc}") from None
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    for label, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return f"a {label} address"
    if not address.is_global:  # shared address space 100.64/10 and the like
        return "not a globally routable address"
    return None
