"""The private-address guard of portal.feeds.http, and its pure helpers.

No test here reaches the network: resolvers are fakes (or the real getaddrinfo on numeric hosts),
and `socket.socket.connect` is replaced by a spy, so "no connection was attempted" is observable.
"""

from __future__ import annotations

import ipaddress
import socket
from datetime import datetime, timedelta, timezone

import pytest

from portal.feeds.http import (
    DEFAULT_USER_AGENT,
    FetchError,
    Fetcher,
    FetchPolicy,
    backoff_seconds,
    fetcher_from_config,
    is_public_address,
    next_attempt_at,
    parse_retry_after,
)

REFUSED = [
    # IPv4: loopback, private, link-local, CGNAT, unspecified, multicast, broadcast, reserved, docs
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "169.254.0.1",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    # IPv6: loopback, unspecified, ULA, link-local, site-local, multicast, documentation, Teredo…
    "::1",
    "::",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
    "ff05::2",
    "2001:db8::1",
    "2001::1",
    "3fff::1",
    "100::1",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    # IPv4-mapped IPv6 of refused IPv4
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:100.64.0.1",
    # NAT64 (64:ff9b::/96) embedding refused IPv4, and the local-use NAT64 prefix
    "64:ff9b::7f00:1",
    "64:ff9b::10.0.0.1",
    "64:ff9b::169.254.169.254",
    "64:ff9b:1::1",
    # 6to4 (2002::/16) embedding refused IPv4
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2002:c0a8:101::1",
    "2002:a9fe:a9fe::1",
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "11.0.0.1",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.1",  # just above CGNAT
    "172.15.255.255",
    "172.32.0.1",
    "192.167.255.255",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",  # mapped public IPv4
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


@pytest.mark.parametrize("address", REFUSED)
def test_refused_addresses(address):
    assert is_public_address(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses(address):
    assert is_public_address(ipaddress.ip_address(address)) is True


def test_the_table_is_large_enough():
    assert len(REFUSED) + len(ALLOWED) >= 30


# --------------------------------------------------------------------------- URL level


class FakeResolver:
    """getaddrinfo look-alike: host → list of addresses (or a list of answers, one per call)."""

    def __init__(self, answers):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        self.calls.append(host)
        answer = self.answers[host]
        if callable(answer):
            answer = answer()
        result = []
        for address in answer:
            if ":" in address:
                result.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return result


@pytest.fixture
def connects(monkeypatch):
    """Every socket connect attempt, as (ip, port); the attempt itself is refused locally."""
    attempts: list[tuple[str, int]] = []

    def spy(sock, address):
        attempts.append((address[0], address[1]))
        raise ConnectionRefusedError("connect spy: no real connections in unit tests")

    monkeypatch.setattr(socket.socket, "connect", spy)
    return attempts


def refused_reason(fetcher, url, **kwargs):
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url, **kwargs)
    assert caught.value.url
    assert caught.value.detail
    return caught.value.reason


URL_LEVEL_REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.0.10",
    "169.254.169.254",
    "100.64.1.1",
    "224.0.0.251",
    "0.0.0.0",
    "255.255.255.255",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
]


@pytest.mark.parametrize("address", URL_LEVEL_REFUSED)
def test_a_host_resolving_to_a_refused_address_is_never_connected(address, connects):
    resolver = FakeResolver({"feed.example": [address]})
    fetcher = Fetcher(FetchPolicy(), resolver=resolver)
    assert refused_reason(fetcher, "http://feed.example/jobs.xml") == "private_address"
    assert resolver.calls == ["feed.example"]
    assert connects == []


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal
        "http://0177.0.0.1/",  # octal
        "http://0x7f.1/",  # hex, short
        "http://0x7f000001/",  # hex
        "http://017700000001/",  # octal, one number
        "http://127.1/",  # short
        "http://127.0.0.1:8080/",
        "http://0/",  # 0.0.0.0
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "https://localhost/",
    ],
)
def test_odd_ip_spellings_are_resolved_by_getaddrinfo_then_refused(url, connects, monkeypatch):
    seen: list[str] = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        answer = real(host, *args, **kwargs)
        seen.extend(info[4][0] for info in answer)
        return answer

    fetcher = Fetcher(FetchPolicy(), resolver=recording)
    assert refused_reason(fetcher, url) == "private_address"
    assert seen and all(not is_public_address(ipaddress.ip_address(a)) for a in seen)
    assert connects == []


def test_a_mix_of_public_and_private_addresses_is_refused(connects):
    resolver = FakeResolver({"mixed.example": ["93.184.216.34", "10.0.0.7", "2606:4700::1"]})
    fetcher = Fetcher(FetchPolicy(), resolver=resolver)
    assert refused_reason(fetcher, "https://mixed.example/") == "private_address"
    assert connects == []


def test_the_connection_goes_to_the_checked_address(connects):
    resolver = FakeResolver({"feed.example": ["93.184.216.34"]})
    fetcher = Fetcher(FetchPolicy(), resolver=resolver)
    assert refused_reason(fetcher, "http://feed.example:8080/a") == "connection"
    assert connects == [("93.184.216.34", 8080)]


def test_dns_rebinding_gets_one_resolution_and_the_first_answer(connects, monkeypatch):
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["169.254.169.254"]])
    resolver = FakeResolver({"rebind.test": lambda: next(answers)})
    system_lookups: list[str] = []
    real = socket.getaddrinfo

    def system(host, *args, **kwargs):  # urllib3 must only ever be handed IP literals
        system_lookups.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", system)
    fetcher = Fetcher(FetchPolicy(), resolver=resolver)
    assert refused_reason(fetcher, "http://rebind.test/") == "connection"
    assert resolver.calls == ["rebind.test"]
    assert connects == [("93.184.216.34", 80)]
    assert "rebind.test" not in system_lookups
    for host in system_lookups:
        ipaddress.ip_address(host)  # every other look-up was of a literal address


def test_every_checked_address_is_tried_in_order_and_nothing_else(connects):
    resolver = FakeResolver({"dual.example": ["2606:4700::6810:84e5", "93.184.216.34"]})
    fetcher = Fetcher(FetchPolicy(), resolver=resolver)
    assert refused_reason(fetcher, "http://dual.example/") == "connection"
    assert connects == [("2606:4700::6810:84e5", 80), ("93.184.216.34", 80)]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/jobs.csv",
        "gopher://example.com:70/_GET",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "example.com/feed.xml",
        "//example.com/feed.xml",
        "dict://127.0.0.1:11211/stats",
    ],
)
def test_only_http_and_https_are_fetched(url, connects):
    resolver = FakeResolver({})
    fetcher = Fetcher(FetchPolicy(), resolver=resolver)
    assert refused_reason(fetcher, url) == "scheme"
    assert resolver.calls == []
    assert connects == []


def test_upper_case_scheme_is_still_http(connects):
    resolver = FakeResolver({"feed.example": ["10.0.0.1"]})
    assert refused_reason(Fetcher(resolver=resolver), "HTTP://feed.example/") == "private_address"


@pytest.mark.parametrize("url", ["http://user:secret@feed.example/", "http://evil.example@127.0.0.1/", "http://:80/"])
def test_credentials_and_missing_hosts_are_invalid(url, connects):
    resolver = FakeResolver({})
    assert refused_reason(Fetcher(resolver=resolver), url) == "invalid_url"
    assert resolver.calls == [] and connects == []


def test_unresolvable_host_is_a_dns_error(connects):
    def failing(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert refused_reason(Fetcher(resolver=failing), "http://nowhere.invalid/") == "dns"
    assert connects == []


def test_allowed_hosts_match_names_exactly(connects):
    resolver = FakeResolver(
        {
            "feeds.internal": ["10.0.0.5"],
            "evil.feeds.internal": ["10.0.0.5"],
            "feeds.internal.evil.example": ["10.0.0.5"],
        }
    )
    fetcher = Fetcher(FetchPolicy(allowed_hosts=frozenset({"Feeds.Internal."})), resolver=resolver)
    assert refused_reason(fetcher, "http://feeds.internal/") == "connection"  # allowed: it connected
    assert connects == [("10.0.0.5", 80)]
    assert refused_reason(fetcher, "http://evil.feeds.internal/") == "private_address"
    assert refused_reason(fetcher, "http://feeds.internal.evil.example/") == "private_address"
    assert len(connects) == 1


def test_allowed_ip_matches_that_address_only(connects):
    resolver = FakeResolver({"a.example": ["10.0.0.5"], "b.example": ["10.0.0.50"]})
    fetcher = Fetcher(FetchPolicy(allowed_hosts=frozenset({"10.0.0.5"})), resolver=resolver)
    assert refused_reason(fetcher, "http://a.example/") == "connection"
    assert refused_reason(fetcher, "http://b.example/") == "private_address"
    assert connects == [("10.0.0.5", 80)]


def test_robots_of_a_private_host_is_not_fetched_and_denies(connects):
    resolver = FakeResolver({"intranet.example": ["192.168.0.2"]})
    fetcher = Fetcher(resolver=resolver)
    assert fetcher.robots_allowed("http://intranet.example/jobs/1") is False
    assert refused_reason(fetcher, "http://intranet.example/jobs/1", respect_robots=True) == "private_address"
    assert connects == []


# --------------------------------------------------------------------------- pure helpers


def test_retry_after_in_seconds():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0


def test_retry_after_as_http_date():
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("Sun, 01 Mar 2026 12:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "²"])
def test_retry_after_garbage_is_ignored(value):
    assert parse_retry_after(value) is None


def test_backoff_is_exponential_and_capped():
    assert [backoff_seconds(n) for n in range(6)] == [0, 300, 600, 1200, 2400, 4800]
    assert backoff_seconds(10) == 86400
    assert backoff_seconds(10_000) == 86400
    assert backoff_seconds(3, base=60, cap=100) == 100


def test_next_attempt_takes_the_longer_of_backoff_and_retry_after():
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert next_attempt_at(now, 0) == now
    assert next_attempt_at(now, 2) == now + timedelta(seconds=600)
    assert next_attempt_at(now, 1, retry_after=3600) == now + timedelta(seconds=3600)
    assert next_attempt_at(now, 3, retry_after=10) == now + timedelta(seconds=1200)
    assert next_attempt_at(now, 1, retry_after=10**9) == now + timedelta(days=7)


def test_policy_defaults_are_gentle():
    policy = FetchPolicy()
    assert (policy.connect_timeout, policy.read_timeout, policy.deadline) == (5, 15, 30)
    assert policy.max_bytes == 10 * 1024 * 1024
    assert policy.max_redirects == 3
    assert policy.per_host_concurrency == 2
    assert policy.min_delay == 0
    assert policy.allowed_hosts == frozenset()
    assert policy.user_agent == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("Kakehashi/1.0 (+https://")


def test_policy_from_config():
    fetcher = fetcher_from_config(
        {
            "PORTAL_FETCH_ALLOWED_HOSTS": "127.0.0.1, Feeds.Internal. ,,[::1]",
            "PORTAL_FETCH_DEADLINE": "12",
            "PORTAL_FETCH_MAX_BYTES": 2048,
            "PORTAL_FETCH_USER_AGENT": "Kakehashi-test/1.0",
            "PORTAL_FETCH_MIN_DELAY": "0.5",
            "PORTAL_FETCH_PER_HOST_CONCURRENCY": "1",
            "SECRET_KEY": "ignored",
        }
    )
    policy = fetcher.policy
    assert policy.allowed_hosts == frozenset({"127.0.0.1", "feeds.internal", "::1"})
    assert policy.deadline == 12.0
    assert policy.max_bytes == 2048
    assert policy.user_agent == "Kakehashi-test/1.0"
    assert policy.min_delay == 0.5
    assert policy.per_host_concurrency == 1
    assert policy.connect_timeout == 5.0  # absent keys keep defaults


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError):
        FetchPolicy(deadline=0)
    with pytest.raises(ValueError):
        FetchPolicy(per_host_concurrency=0)
