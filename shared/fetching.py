"""Reaching a URL someone gave Njia (a profile source, a webhook) without letting them point it at
Njia's own network.

* Only ``http`` and ``https``; the host is resolved once and every address it resolves
  to must be public, and the connection goes to that checked address (no second DNS
  answer can swap it for an internal one). Private, loopback and shared addresses are
  refused unless ``allow_private`` is set (tests, on-premises installs); link-local
  (cloud metadata at 169.254.169.254), multicast, unspecified and reserved ones always.
* At most ``max_redirects`` redirects, each hop checked again; none for a request with a
  body (a webhook): the redirect is its answer. Credentials are not carried to another host.
* At most ``max_bytes`` of body and ``timeout`` seconds for the whole fetch, redirects
  included; bodies are asked for uncompressed.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error

REDIRECTS = (301, 302, 303, 307, 308)
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_SHARED = ipaddress.ip_network("100.64.0.0/10")

Resolver = Callable[[str, int], list[str]]


class FetchRefused(Exception):
    """The URL is not one Njia fetches (scheme, host or address); the message says why."""


class FetchFailed(Exception):
    """The fetch did not complete; ``code`` is short (``timeout``, ``too_large``, ``unreachable`` …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 10.0
    max_bytes: int = 1024 * 1024
    max_redirects: int = 3
    allow_private: bool = False
    check_addresses: bool = True  # False only for hosts an operator configured (the GitHub API)


@dataclass(frozen=True)
class Fetched:
    status: int
    url: str
    body: bytes
    headers: Mapping[str, str]  # lower-case names


def address_allowed(address: str, allow_private: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    reserved_v4 = isinstance(ip, ipaddress.IPv4Address) and (ip.is_reserved or ip in _THIS_NETWORK)
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or reserved_v4:
        return False
    if ip.is_loopback or ip.is_private or ip in _SHARED:
        return allow_private
    return ip.is_global and not ip.is_reserved


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchFailed("unreachable", f"{host} could not be found ({exc}).") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: str, policy: FetchPolicy, resolver: Resolver = resolve) -> tuple[str, str, int, str]:
    """(scheme, host, port, address to connect to) for an allowed URL, else ``FetchRefused``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FetchRefused("That is not a valid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise FetchRefused("Only http:// and https:// URLs can be fetched.")
    host = parts.hostname
    if not host:
        raise FetchRefused("The URL names no host.")
    if parts.username or parts.password:
        raise FetchRefused("URLs with a user name or password are not fetched.")
    port = port or (443 if parts.scheme == "https" else 80)
    if not policy.check_addresses:
        return parts.scheme, host, port, host
    addresses = resolver(host, port)
    if not addresses:
        raise FetchFailed("unreachable", f"{host} could not be found.")
    refused = [a for a in addresses if not address_allowed(a, policy.allow_private)]
    if refused:
        raise FetchRefused(
            f"{host} is a private, local or reserved address ({refused[0]}); Njia reaches only public ones."
        )
    return parts.scheme, host, port, addresses[0]


def _pool(scheme: str, host: str, port: int, address: str) -> Any:
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, port, maxsize=1, retries=False, server_hostname=host, assert_hostname=host
        )
    return urllib3.HTTPConnectionPool(address, port, maxsize=1, retries=False)


def fetch(
    url: str,
    policy: FetchPolicy,
    headers: Mapping[str, str] | None = None,
    resolver: Resolver = resolve,
    clock: Callable[[], float] = time.monotonic,
    *,
    method: str = "GET",
    body: bytes | None = None,
) -> Fetched:
    """``method`` ``url`` under ``policy``; any status is returned, redirects of a request without
    a body are followed (and checked)."""
    deadline = clock() + policy.timeout
    sent = {"Accept-Encoding": "identity", "User-Agent": "Njia/1", **(headers or {})}
    first_host = urlsplit(url).hostname
    for _hop in range(policy.max_redirects + 1):
        scheme, host, port, address = check_url(url, policy, resolver)
        if host != first_host:
            sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
        default_port = port == (443 if scheme == "https" else 80)
        shown = f"[{host}]" if ":" in host else host
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        remaining = deadline - clock()
        if remaining <= 0:
            raise FetchFailed("timeout", f"{host} did not answer within {policy.timeout:g} s.")
        pool = _pool(scheme, host, port, address)
        try:
            response = pool.urlopen(
                method,
                target,
                body=body,
                headers={**sent, "Host": shown if default_port else f"{shown}:{port}"},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
                timeout=urllib3.Timeout(connect=min(remaining, 5.0), read=remaining),
            )
            try:
                # A body is never sent on to where a redirect points: that answer is the result.
                redirected = response.status in REDIRECTS and response.headers.get("Location")
                if redirected and body is None:
                    url = urljoin(url, response.headers["Location"])
                    continue
                answer = _read(response, policy, deadline, clock, host)
                return Fetched(
                    response.status, url, answer, {k.lower(): v for k, v in response.headers.items()}
                )
            finally:
                response.release_conn()
        except Urllib3Error as exc:
            timed_out = "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower()
            raise FetchFailed(
                "timeout" if timed_out else "unreachable",
                f"{host} did not answer{' in time' if timed_out else ''} ({type(exc).__name__}).",
            ) from None
        except OSError as exc:
            raise FetchFailed("unreachable", f"{host} could not be reached ({exc}).") from None
        finally:
            pool.close()
    raise FetchFailed(
        "too_many_redirects", f"More than {policy.max_redirects} redirects; Njia stopped following."
    )


def _read(
    response: Any, policy: FetchPolicy, deadline: float, clock: Callable[[], float], host: str
) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchFailed("too_large", f"The answer is over the {policy.max_bytes // 1024} KiB limit.")
    chunks = []
    size = 0
    # read1: whatever one socket read brings, so a server dripping bytes meets the deadline.
    while chunk := response.read1(64 * 1024, decode_content=True):
        size += len(chunk)
        if size > policy.max_bytes:
            raise FetchFailed("too_large", f"The answer is over the {policy.max_bytes // 1024} KiB limit.")
        if clock() > deadline:
            raise FetchFailed("timeout", f"{host} did not finish answering within {policy.timeout:g} s.")
        chunks.append(chunk)
    return b"".join(chunks)
