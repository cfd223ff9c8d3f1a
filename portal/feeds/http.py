"""The one door for outbound HTTP (ARCHITECTURE habit 6): every request the portal makes goes here.

Importers never import `requests`; they receive a `Fetcher` and call `fetch(url)`. The fetcher:

* accepts only http and https URLs;
* resolves the host once, refuses it unless *every* address is a public internet address
  (`is_public_address`), then connects to an address it checked — never to a name, so a second DNS
  answer (DNS rebinding) cannot steer the connection. TLS still uses the URL's host name for SNI and
  certificate verification, and the Host header carries it too;
* follows redirects itself (at most `max_redirects`), re-checking every hop before connecting;
* bounds each request: connect and read timeouts, a total deadline that also stops a server
  trickling bytes, and a size cap counted on the decoded bytes actually read;
* is polite: a clear User-Agent, conditional GET, robots.txt on request, at most N concurrent
  requests per host and an optional minimum delay between them;
* reports every failure as a `FetchError` with a short machine `reason` (see `REASONS`).

It never sleeps on Retry-After: it reports `retry_after_seconds`, and the caller schedules the next
attempt with `next_attempt_at` / `backoff_seconds`.

`PORTAL_FETCH_ALLOWED_HOSTS` (exact host names or IPs) lets named hosts be private — the test suite
uses it for its local server. There is deliberately no proxy support: a proxy would resolve names
itself and defeat the address check.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from protego import Protego
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = [
    "DEFAULT_USER_AGENT",
    "REASONS",
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "backoff_seconds",
    "fetcher_from_config",
    "is_public_address",
    "next_attempt_at",
    "parse_retry_after",
]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "Kakehashi/1.0 (+https://github.com/kakehashi-portal; job aggregator for workers from Pakistan)"

#: Every `FetchError.reason`, with the English meaning the staff UI translates.
REASONS: Mapping[str, str] = {
    "scheme": "Only http and https addresses can be fetched.",
    "invalid_url": "The address is not a valid URL.",
    "dns": "The host name could not be resolved.",
    "private_address": "The host is not on the public internet.",
    "robots": "The site's robots.txt asks crawlers not to fetch this page.",
    "too_many_redirects": "The site redirected too many times.",
    "timeout": "The site took too long to connect or to answer.",
    "deadline": "The whole request took longer than allowed.",
    "too_large": "The response is larger than allowed.",
    "connection": "The connection failed.",
    "tls": "The site's TLS certificate could not be verified.",
    "decoding": "The compressed response could not be decoded.",
    "http_status": "The site answered with an error status.",
    "rate_limited": "The site asks us to slow down (429).",
    "unavailable": "The site is temporarily unavailable (503).",
}

RETRY_AFTER_MAX = 7 * 86400.0  # never wait longer than a week because a server said so
ROBOTS_ERROR_TTL = 600.0  # an unreachable robots.txt is retried after ten minutes
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_TIMEOUT_SLACK = 0.05  # a connect timeout this close to the end of the budget is the deadline

Resolver = Callable[..., list[tuple[Any, ...]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# --------------------------------------------------------------------------- results and errors


@dataclass(frozen=True, eq=False)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content: bytes  # decoded (gzip/deflate undone); empty when not_modified
    headers: Mapping[str, str]  # case-insensitive
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0  # seconds spent in fetch(), politeness waits included
    retry_after_seconds: float | None = None


class FetchError(Exception):
    """A fetch that did not produce a usable response. `reason` is one of `REASONS`."""

    def __init__(
        self,
        reason: str,
        url: str,
        detail: str = "",
        *,
        status: int | None = None,
        retry_after_seconds: float | None = None,
    ) -> None:
        self.reason = reason
        self.url = url
        self.detail = detail or REASONS.get(reason, reason)
        self.status = status
        self.retry_after_seconds = retry_after_seconds
        super().__init__(f"{reason}: {self.detail} ({url})")


# --------------------------------------------------------------------------- the address guard

# IPv4 ranges that are not ordinary public unicast (IANA special-purpose registry).
_REFUSED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", including the unspecified 0.0.0.0
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT (shared address space)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, including cloud metadata 169.254.169.254
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # old 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, including the broadcast 255.255.255.255
    )
)
# IPv6 is judged by allowlist: only global unicast (2000::/3) can be public. That alone refuses
# ::, ::1, IPv4-compatible ::a.b.c.d, 100::/64, fc00::/7, fe80::/10, fec0::/10 and ff00::/8.
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_REFUSED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "2001::/23",  # IETF protocol assignments, including Teredo 2001::/32
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # well-known NAT64 prefix: last 32 bits are IPv4
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")  # 6to4: bits 16–48 are IPv4


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True when `ip` is an ordinary public internet address the portal may connect to.

    IPv6 addresses that carry an IPv4 address (::ffff:a.b.c.d, 64:ff9b::/96, 2002::/16) are judged by
    that IPv4 address. Python's own `is_global` is consulted as well, as a second opinion.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
        if ip not in _GLOBAL_UNICAST_V6 or any(ip in net for net in _REFUSED_V6):
            return False
    elif any(ip in net for net in _REFUSED_V4):
        return False
    return ip.is_global and not ip.is_multicast


# --------------------------------------------------------------------------- policy


def _normalise_host(host: str) -> str:
    """Lower-case, without brackets or a trailing dot; IP addresses in their canonical form."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one Fetcher. Defaults are gentle; `from_config` reads `PORTAL_FETCH_*` keys."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0  # longest silence between two reads
    deadline: float = 30.0  # total network time of one fetch, redirects included
    max_bytes: int = 10 * 1024 * 1024  # decoded body
    max_redirects: int = 3
    user_agent: str = DEFAULT_USER_AGENT
    allowed_hosts: frozenset[str] = frozenset()  # exact host names / IPs allowed to be private
    per_host_concurrency: int = 2
    min_delay: float = 0.0  # seconds between the starts of two requests to one host
    robots_ttl: float = 86400.0
    ca_bundle: str | None = None  # CA file instead of the default bundle (private CAs, tests)

    def __post_init__(self) -> None:
        hosts = self.allowed_hosts
        if isinstance(hosts, str):
            hosts = hosts.split(",")
        object.__setattr__(self, "allowed_hosts", frozenset(_normalise_host(h) for h in hosts if h.strip()))
        for name in ("connect_timeout", "read_timeout", "deadline"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchPolicy.{name} must be positive")
        if self.max_bytes < 1 or self.max_redirects < 0 or self.per_host_concurrency < 1 or self.min_delay < 0:
            raise ValueError("FetchPolicy limits out of range")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FetchPolicy:
        """Read the policy from app.config; absent keys keep their defaults. Strings are parsed."""
        values: dict[str, Any] = {}
        for key, (name, convert) in _CONFIG_KEYS.items():
            value = config.get(key)
            if value is not None and value != "":
                values[name] = convert(value)
        return cls(**values)


def _host_list(value: str | Iterable[str]) -> frozenset[str]:
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(item.strip() for item in items if item and item.strip())


_CONFIG_KEYS: Mapping[str, tuple[str, Callable[[Any], Any]]] = {
    "PORTAL_FETCH_ALLOWED_HOSTS": ("allowed_hosts", _host_list),
    "PORTAL_FETCH_CONNECT_TIMEOUT": ("connect_timeout", float),
    "PORTAL_FETCH_READ_TIMEOUT": ("read_timeout", float),
    "PORTAL_FETCH_DEADLINE": ("deadline", float),
    "PORTAL_FETCH_MAX_BYTES": ("max_bytes", int),
    "PORTAL_FETCH_MAX_REDIRECTS": ("max_redirects", int),
    "PORTAL_FETCH_USER_AGENT": ("user_agent", str),
    "PORTAL_FETCH_PER_HOST_CONCURRENCY": ("per_host_concurrency", int),
    "PORTAL_FETCH_MIN_DELAY": ("min_delay", float),
    "PORTAL_FETCH_ROBOTS_TTL": ("robots_ttl", float),
    "PORTAL_FETCH_CA_BUNDLE": ("ca_bundle", str),
}


# --------------------------------------------------------------------------- retry scheduling


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date. None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), 10**9))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(failures: int, base: float = 300, cap: float = 86400) -> float:
    """Capped exponential backoff for a failing source: 0, base, 2·base, 4·base, … up to cap."""
    if failures <= 0:
        return 0.0
    return float(min(cap, base * 2 ** min(failures - 1, 40)))


def next_attempt_at(
    now: datetime,
    failures: int,
    retry_after: float | None = None,
    *,
    base: float = 300,
    cap: float = 86400,
) -> datetime:
    """When to try a source again: the backoff, or the server's Retry-After if longer (≤ a week)."""
    wait = backoff_seconds(failures, base, cap)
    if retry_after is not None:
        wait = max(wait, min(retry_after, RETRY_AFTER_MAX))
    return now + timedelta(seconds=wait)


# --------------------------------------------------------------------------- deadline


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Deadline:
    """The time budget of one fetch, spent only while talking to the network.

    While `running`, a timer waits for the budget to run out and then shuts down every socket the
    fetch opened. Timeouts alone cannot do this: a server that sends one byte every few seconds
    never trips a read timeout. Shutting a socket down (through a duplicate of its descriptor, so it
    works under TLS too) wakes the blocked read at once, and the fetch reports `deadline`.
    """

    def __init__(self, seconds: float) -> None:
        self._left = seconds
        self._started: float | None = None
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def remaining(self) -> float:
        if self._started is None:
            return self._left
        return self._left - (time.monotonic() - self._started)

    @contextmanager
    def running(self) -> Iterator[None]:
        self._started = time.monotonic()
        timer = threading.Timer(max(self._left, 0.0), self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            self._left -= time.monotonic() - self._started
            self._started = None
            with self._lock:
                sockets, self._sockets = self._sockets, []
            for sock in sockets:
                sock.close()

    def watch(self, sock: socket.socket) -> None:
        """Called for every new socket of this fetch, right after it connects."""
        duplicate = sock.dup()
        with self._lock:
            if not self.expired:
                self._sockets.append(duplicate)
                return
        _shutdown(duplicate)
        duplicate.close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def check(self, url: str) -> None:
        if self.expired or self.remaining() <= 0:
            raise FetchError("deadline", url, "The request took longer than the allowed total time.")


# --------------------------------------------------------------------------- pinned transport
#
# requests normally hands urllib3 the URL's host name and urllib3 resolves it again when it
# connects. Here each request gets a one-off connection pool whose host is the IP address we have
# checked, with `server_hostname` set to the URL's host name so that TLS sends that name (SNI) and
# verifies the certificate against it. The Host header is set explicitly. The connection classes
# only add one thing: they hand every new socket to the fetch's deadline.


class _WatchedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self._deadline.watch(sock)
        return sock


class _WatchedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def _new_conn(self) -> socket.socket:  # called by connect() before the TLS handshake
        sock = super()._new_conn()
        self._deadline.watch(sock)
        return sock


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _PinnedAdapter(HTTPAdapter):
    """A requests adapter that sends over a single fresh connection to one checked address."""

    def __init__(self, scheme: str, address: str, port: int, host: str, deadline: _Deadline) -> None:
        super().__init__(max_retries=0)
        if scheme == "https":
            self._pool: HTTPConnectionPool = _PinnedHTTPSPool(
                address, port, maxsize=1, server_hostname=host, deadline=deadline
            )
        else:
            self._pool = _PinnedHTTPPool(address, port, maxsize=1, deadline=deadline)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):  # type: ignore[override]
        return self._pool

    def close(self) -> None:
        super().close()
        self._pool.close()


# --------------------------------------------------------------------------- the fetcher


@dataclass(frozen=True)
class _Target:
    """One hop, checked: the URL to request, the names to present and the addresses to dial."""

    url: str
    scheme: str
    host: str  # ASCII host name or IP, as TLS and the Host header must see it
    port: int
    host_header: str
    addresses: tuple[str, ...] = field(default=())


def _split_url(url: str) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, host_header, url without fragment), or FetchError scheme/invalid_url."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (ValueError, AttributeError) as exc:
        raise FetchError("invalid_url", str(url), f"Not a valid URL: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise FetchError("scheme", url, f"Only http and https can be fetched, not {shown}.")
    if "@" in parts.netloc:
        raise FetchError("invalid_url", url, "URLs with a user name or password are not fetched.")
    host = parts.hostname or ""
    if not host or any(c.isspace() or c in "\\/?#" for c in host):
        raise FetchError("invalid_url", url, "The URL has no valid host.")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise FetchError("invalid_url", url, "The host name is not a valid domain name.") from exc
    default_port = 443 if scheme == "https" else 80
    port = default_port if port is None else port
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if port == default_port else f"{shown_host}:{port}"
    clean = urlunsplit((scheme, host_header, parts.path or "/", parts.query, ""))
    return scheme, host, port, host_header, clean


def _redirect_location(response: requests.Response) -> str | None:
    if response.status_code not in _REDIRECTS:
        return None
    location = response.headers.get("Location")
    if not location:
        return None
    try:  # http.client decodes headers as Latin-1; servers usually mean UTF-8
        location = location.encode("latin1").decode("utf8")
    except UnicodeError:
        pass
    return location


def _failed_to_connect(exc: Exception) -> bool:
    """True when no connection was made at all, so another address may be tried."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    inner = exc.args[0] if exc.args else None
    return isinstance(getattr(inner, "reason", None), urllib3.exceptions.NewConnectionError)


class Fetcher:
    """Fetches URLs under a `FetchPolicy`. Thread-safe; share one per process or per import run.

    `resolver` has the signature of `socket.getaddrinfo` (tests inject fakes). It is called once per
    hop, and only the addresses it returned — all of them checked — are ever connected to.
    """

    def __init__(self, policy: FetchPolicy | None = None, resolver: Resolver | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._resolver = resolver or socket.getaddrinfo
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._robots: dict[str, tuple[Protego, float]] = {}

    # ---- public

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        respect_robots: bool = False,
        min_delay: float | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects, and return the decoded body or raise `FetchError`.

        `etag`/`last_modified` (from an earlier result) make it conditional: an unchanged resource
        comes back with `not_modified=True` and no body. `respect_robots` checks robots.txt on every
        hop (use it for job pages). `min_delay` overrides the policy's per-host delay for this call
        (a source's own setting).
        """
        started = time.monotonic()
        deadline = _Deadline(self.policy.deadline)
        headers = {
            "User-Agent": self.policy.user_agent,
            "Accept": accept or "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        current = url
        for _hop in range(self.policy.max_redirects + 1):
            with deadline.running():
                target = self._check(current)
            deadline.check(target.url)
            if respect_robots and not self.robots_allowed(target.url):
                raise FetchError("robots", target.url, "robots.txt disallows this page for our crawler.")
            with self._politeness(target.host, min_delay), deadline.running():
                with self._open(target, headers, deadline) as response:
                    location = _redirect_location(response)
                    if location is None:
                        return self._result(response, target.url, deadline, started, etag, last_modified)
            current = urljoin(target.url, location)
        raise FetchError(
            "too_many_redirects", url, f"More than {self.policy.max_redirects} redirects; the last went to {current}."
        )

    def robots_allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's site lets our User-Agent fetch it (cached per site).

        Per RFC 9309: a robots.txt answering 4xx (other than 429) allows everything; one that cannot
        be fetched (5xx, 429, network error, refused address) allows nothing until retried.
        """
        try:
            scheme, _host, _port, host_header, _clean = _split_url(url)
        except FetchError:
            return False
        origin = f"{scheme}://{host_header}"
        now = time.monotonic()
        with self._lock:
            cached = self._robots.get(origin)
        if cached is None or cached[1] <= now:
            rules, ttl = self._load_robots(origin)
            cached = (rules, now + ttl)
            with self._lock:
                self._robots[origin] = cached
        return cached[0].can_fetch(url, self.policy.user_agent)

    # ---- steps

    def _check(self, url: str) -> _Target:
        """Parse, resolve once and refuse unless every address may be connected to."""
        scheme, host, port, host_header, clean = _split_url(url)
        try:
            infos = self._resolver(host, port, 0, socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError("dns", clean, f"Could not resolve {host}: {exc}.") from exc
        addresses: list[str] = []
        for family, _type, _proto, _name, sockaddr in infos:
            if family in (socket.AF_INET, socket.AF_INET6) and sockaddr[0] not in addresses:
                addresses.append(sockaddr[0])
        if not addresses:
            raise FetchError("dns", clean, f"{host} has no address.")
        host_allowed = _normalise_host(host) in self.policy.allowed_hosts
        for text in addresses:
            try:
                ip = ipaddress.ip_address(text)
            except ValueError as exc:
                raise FetchError("dns", clean, f"{host} resolved to an unusable address {text!r}.") from exc
            if host_allowed or is_public_address(ip) or _normalise_host(text.split("%")[0]) in self.policy.allowed_hosts:
                continue
            logger.warning("Refused to fetch %s: %s resolves to %s", clean, host, ip)
            raise FetchError("private_address", clean, f"{host} resolves to {ip}, which is not a public address.")
        return _Target(clean, scheme, host, port, host_header, tuple(addresses))

    @contextmanager
    def _politeness(self, host: str, min_delay: float | None) -> Iterator[None]:
        """Hold one of the host's connection slots and keep the minimum delay between starts."""
        key = _normalise_host(host)
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = threading.BoundedSemaphore(self.policy.per_host_concurrency)
        delay = self.policy.min_delay if min_delay is None else min_delay
        with slot:
            if delay > 0:
                with self._lock:  # reserve a start time, then wait for it outside the lock
                    now = time.monotonic()
                    start = max(now, self._next_start.get(key, 0.0))
                    self._next_start[key] = start + delay
                time.sleep(max(0.0, start - now))
            yield

    @contextmanager
    def _open(self, target: _Target, headers: Mapping[str, str], deadline: _Deadline) -> Iterator[requests.Response]:
        """Send the request to the checked addresses in order (the next only if one refuses)."""
        request = requests.PreparedRequest()
        try:
            request.prepare(method="GET", url=target.url, headers={**headers, "Host": target.host_header})
        except (requests.RequestException, ValueError) as exc:
            raise FetchError("invalid_url", target.url, f"Not a valid URL: {exc}.") from exc
        verify: bool | str = self.policy.ca_bundle or True
        failure: Exception | None = None
        for address in target.addresses:
            deadline.check(target.url)
            adapter = _PinnedAdapter(target.scheme, address, target.port, target.host, deadline)
            connect = min(self.policy.connect_timeout, max(deadline.remaining(), 0.001))
            try:
                response = adapter.send(
                    request, stream=True, timeout=(connect, self.policy.read_timeout), verify=verify, proxies={}
                )
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                # (requests' exceptions are OSErrors too; a bare OSError is e.g. a missing CA file)
                adapter.close()
                if _failed_to_connect(exc) and not deadline.expired:
                    failure = exc
                    continue
                raise self._error(exc, target.url, deadline) from exc
            try:
                yield response
            finally:
                response.close()
                adapter.close()
            return
        assert failure is not None
        raise self._error(failure, target.url, deadline) from failure

    def _result(
        self,
        response: requests.Response,
        url: str,
        deadline: _Deadline,
        started: float,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status == 304:
            content = b""
        elif 200 <= status < 300:
            content = self._read_body(response, url, deadline)
        else:
            reason = {429: "rate_limited", 503: "unavailable"}.get(status, "http_status")
            detail = f"The server answered {status} {response.reason or ''}".rstrip() + "."
            raise FetchError(reason, url, detail, status=status, retry_after_seconds=retry_after)
        return FetchResult(
            url=url,
            status=status,
            content=content,
            headers=CaseInsensitiveDict(response.headers),
            not_modified=status == 304,
            etag=response.headers.get("ETag") or (etag if status == 304 else None),
            last_modified=response.headers.get("Last-Modified") or (last_modified if status == 304 else None),
            elapsed=time.monotonic() - started,
            retry_after_seconds=retry_after,
        )

    def _read_body(self, response: requests.Response, url: str, deadline: _Deadline) -> bytes:
        """Stream the body, counting decoded bytes against the cap and time against the deadline."""
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", url, f"Content-Length {declared} is over the limit of {limit} bytes.")
        body = bytearray()
        try:
            for chunk in response.iter_content(chunk_size=_CHUNK):  # decoded: gzip/deflate undone
                body += chunk
                if len(body) > limit:
                    raise FetchError("too_large", url, f"The body is over the limit of {limit} bytes.")
                deadline.check(url)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise self._error(exc, url, deadline) from exc
        deadline.check(url)  # a body cut short by the deadline can look complete
        return bytes(body)

    def _error(self, exc: Exception, url: str, deadline: _Deadline) -> FetchError:
        """Map a transport exception to a FetchError reason."""
        inner = getattr(exc.args[0], "reason", exc.args[0]) if exc.args else None
        if deadline.expired or (isinstance(exc, requests.ConnectTimeout) and deadline.remaining() < _TIMEOUT_SLACK):
            return FetchError("deadline", url, "The request took longer than the allowed total time.")
        if isinstance(exc, requests.exceptions.InvalidURL):
            return FetchError("invalid_url", url, f"Not a valid URL: {exc}.")
        if isinstance(exc, requests.exceptions.SSLError):
            return FetchError("tls", url, f"TLS failed: {inner or exc}.")
        if isinstance(exc, requests.Timeout) or isinstance(inner, urllib3.exceptions.ReadTimeoutError):
            return FetchError("timeout", url, "The server took too long to connect or to answer.")
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return FetchError("decoding", url, "The compressed body could not be decoded.")
        return FetchError("connection", url, f"The connection failed: {inner or exc}.")

    def _load_robots(self, origin: str) -> tuple[Protego, float]:
        # Protego follows RFC 9309 (longest match wins, `*` and `$` wildcards), which the standard
        # library's parser does not: `Disallow: /*.pdf$` would otherwise be read as a plain prefix.
        try:
            result = self.fetch(origin + "/robots.txt", accept="text/plain")
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500 and error.status != 429:
                return Protego.parse(""), self.policy.robots_ttl
            logger.info("robots.txt of %s unavailable (%s); not crawling it for now", origin, error.reason)
            return Protego.parse("User-agent: *\nDisallow: /\n"), min(ROBOTS_ERROR_TTL, self.policy.robots_ttl)
        return Protego.parse(result.content.decode("utf-8", errors="replace")), self.policy.robots_ttl


def fetcher_from_config(config: Mapping[str, Any], resolver: Resolver | None = None) -> Fetcher:
    """The app's Fetcher, from `PORTAL_FETCH_*` keys in app.config (see `FetchPolicy.from_config`)."""
    return Fetcher(FetchPolicy.from_config(config), resolver=resolver)
