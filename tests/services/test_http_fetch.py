"""portal.feeds.http against real HTTP servers on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from portal.feeds.http import DEFAULT_USER_AGENT, FetchError, Fetcher, FetchPolicy

LOCAL = frozenset({"127.0.0.1", "localhost"})


def make_fetcher(**policy) -> Fetcher:
    policy.setdefault("allowed_hosts", LOCAL)
    return Fetcher(FetchPolicy(**policy))


def fetch_error(fetcher: Fetcher, url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url, **kwargs)
    return caught.value


@pytest.fixture(scope="module")
def threaded_server():
    """A server that handles requests concurrently (the default fixture's server does not)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def threaded(threaded_server):
    threaded_server.clear()
    return threaded_server


@pytest.fixture
def connects(monkeypatch):
    """Records every socket connect target while letting the connection proceed."""
    attempts: list[tuple[str, int]] = []
    real = socket.socket.connect

    def spy(sock, address):
        attempts.append((address[0], address[1]))
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return attempts


# --------------------------------------------------------------------------- basics


def test_200_body_and_headers(httpserver):
    httpserver.expect_request("/feed.xml").respond_with_data(
        "<jobs/>", content_type="application/xml", headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 10:00:00 GMT"}
    )
    result = make_fetcher().fetch(httpserver.url_for("/feed.xml"), accept="application/xml")
    assert result.status == 200
    assert result.content == b"<jobs/>"
    assert result.url == httpserver.url_for("/feed.xml")
    assert result.headers["content-type"] == "application/xml"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 02 Mar 2026 10:00:00 GMT"
    assert not result.not_modified
    assert result.elapsed > 0
    assert httpserver.log[0][0].headers["Accept"] == "application/xml"


def test_user_agent_is_sent_and_configurable(httpserver):
    httpserver.expect_request("/ua").respond_with_data("ok")
    make_fetcher().fetch(httpserver.url_for("/ua"))
    make_fetcher(user_agent="Kakehashi-staging/1.0").fetch(httpserver.url_for("/ua"))
    agents = [request.headers["User-Agent"] for request, _ in httpserver.log]
    assert agents == [DEFAULT_USER_AGENT, "Kakehashi-staging/1.0"]


def test_conditional_get_with_etag(httpserver):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    httpserver.expect_request("/feed").respond_with_data("body", headers={"ETag": '"v1"'})
    fetcher = make_fetcher()
    first = fetcher.fetch(httpserver.url_for("/feed"))
    second = fetcher.fetch(httpserver.url_for("/feed"), etag=first.etag)
    assert (first.status, first.content) == (200, b"body")
    assert second.not_modified and second.status == 304
    assert second.content == b""
    assert second.etag == '"v1"'


def test_conditional_get_with_last_modified(httpserver):
    stamp = "Mon, 02 Mar 2026 10:00:00 GMT"
    httpserver.expect_request("/feed", headers={"If-Modified-Since": stamp}).respond_with_data("", status=304)
    result = make_fetcher().fetch(httpserver.url_for("/feed"), last_modified=stamp)
    assert result.not_modified
    assert result.last_modified == stamp  # kept when the 304 does not repeat it
    assert "If-None-Match" not in httpserver.log[0][0].headers


def test_server_error_is_an_http_status_error(httpserver):
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)
    error = fetch_error(make_fetcher(), httpserver.url_for("/broken"))
    assert (error.reason, error.status) == ("http_status", 500)
    assert error.url == httpserver.url_for("/broken")
    assert "500" in error.detail


def test_connection_refused_is_a_connection_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert fetch_error(make_fetcher(), f"http://127.0.0.1:{port}/").reason == "connection"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed.csv", "file:///etc/passwd"])
def test_non_http_scheme_is_refused(url, connects):
    assert fetch_error(make_fetcher(), url).reason == "scheme"
    assert connects == []


# --------------------------------------------------------------------------- redirects


def redirect_chain(server, names, final="/final"):
    targets = [f"/{name}" for name in names[1:]] + [final]
    for name, target in zip(names, targets, strict=True):
        server.expect_request(f"/{name}").respond_with_data("", status=302, headers={"Location": target})
    server.expect_request(final).respond_with_data("arrived")


def test_three_redirects_are_followed(httpserver):
    redirect_chain(httpserver, ["r1", "r2", "r3"])
    result = make_fetcher().fetch(httpserver.url_for("/r1"))
    assert result.content == b"arrived"
    assert result.url == httpserver.url_for("/final")
    assert [request.path for request, _ in httpserver.log] == ["/r1", "/r2", "/r3", "/final"]


def test_four_redirects_are_refused(httpserver):
    redirect_chain(httpserver, ["s1", "s2", "s3", "s4"])
    error = fetch_error(make_fetcher(), httpserver.url_for("/s1"))
    assert error.reason == "too_many_redirects"
    assert [request.path for request, _ in httpserver.log] == ["/s1", "/s2", "/s3", "/s4"]


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[::1]/admin", "http://2130706433/"],
)
def test_redirect_to_a_private_address_is_refused_without_connecting(httpserver, connects, location):
    httpserver.expect_request("/go").respond_with_data("", status=301, headers={"Location": location})
    error = fetch_error(make_fetcher(allowed_hosts=frozenset({"localhost"})), httpserver.url_for("/go"))
    assert error.reason == "private_address"
    assert connects == [("127.0.0.1", httpserver.port)]  # only the first hop


def test_redirect_to_another_scheme_is_refused(httpserver):
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    assert fetch_error(make_fetcher(), httpserver.url_for("/go")).reason == "scheme"


def test_rebinding_name_is_resolved_once_and_sent_as_host(httpserver, connects):
    calls: list[str] = []
    answers = iter(["127.0.0.1", "10.9.9.9"])

    def resolver(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    httpserver.expect_request("/who").respond_with_data("pinned")
    fetcher = Fetcher(FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"})), resolver=resolver)
    result = fetcher.fetch(f"http://rebind.test:{httpserver.port}/who")
    assert result.content == b"pinned"
    assert calls == ["rebind.test"]
    assert connects == [("127.0.0.1", httpserver.port)]
    assert httpserver.log[0][0].headers["Host"] == f"rebind.test:{httpserver.port}"


# --------------------------------------------------------------------------- deadline and size


TRICKLE = 40


def trickle_body():
    for _ in range(TRICKLE):
        yield b"<job/>"
        time.sleep(0.1)


def trickle(request, declared: bool = True):
    """Six bytes every 0.1 s. With a Content-Length the client's read blocks until the whole body
    has come (or 64 KiB), so only the deadline's socket shutdown can stop it; chunked, it can also
    be checked between chunks."""
    headers = {"Content-Length": str(6 * TRICKLE)} if declared else {}
    return Response(trickle_body(), content_type="application/xml", headers=headers)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_trickling_server_trips_the_deadline(threaded, declared):
    threaded.expect_request("/slow").respond_with_handler(lambda request: trickle(request, declared))
    fetcher = make_fetcher(deadline=0.6, read_timeout=5)
    started = time.monotonic()
    error = fetch_error(fetcher, threaded.url_for("/slow"))
    assert error.reason == "deadline"
    assert time.monotonic() - started < 2


def test_a_server_slow_to_answer_trips_the_deadline(threaded):
    def late(request):
        time.sleep(1.5)
        return Response("late")

    threaded.expect_request("/late").respond_with_handler(late)
    started = time.monotonic()
    error = fetch_error(make_fetcher(deadline=0.5, read_timeout=5), threaded.url_for("/late"))
    assert error.reason == "deadline"
    assert time.monotonic() - started < 1.3


def test_read_timeout(threaded):
    def late(request):
        time.sleep(1.0)
        return Response("late")

    threaded.expect_request("/late").respond_with_handler(late)
    error = fetch_error(make_fetcher(deadline=10, read_timeout=0.3), threaded.url_for("/late"))
    assert error.reason == "timeout"


def test_declared_oversized_body_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 2000)
    error = fetch_error(make_fetcher(max_bytes=1000), httpserver.url_for("/big"))
    assert error.reason == "too_large"
    assert "Content-Length" in error.detail


def test_chunked_oversized_body_is_cut_off(httpserver):
    def chunked(request):
        return Response((b"y" * 200 for _ in range(10)), content_type="text/plain")

    httpserver.expect_request("/chunked").respond_with_handler(chunked)
    error = fetch_error(make_fetcher(max_bytes=1000), httpserver.url_for("/chunked"))
    assert error.reason == "too_large"
    assert "Content-Length" not in error.detail
    assert "Content-Length" not in httpserver.log[0][1].headers


def test_chunked_body_within_the_cap(httpserver):
    httpserver.expect_request("/chunked").respond_with_handler(
        lambda request: Response((b"z" * 100 for _ in range(5)), content_type="text/plain")
    )
    assert make_fetcher(max_bytes=1000).fetch(httpserver.url_for("/chunked")).content == b"z" * 500


def test_gzip_is_counted_after_decoding(httpserver):
    packed = gzip.compress(b"a" * 5000)
    assert len(packed) < 1000
    httpserver.expect_request("/packed").respond_with_data(packed, headers={"Content-Encoding": "gzip"})
    error = fetch_error(make_fetcher(max_bytes=1000), httpserver.url_for("/packed"))
    assert error.reason == "too_large"
    result = make_fetcher(max_bytes=10_000).fetch(httpserver.url_for("/packed"))
    assert result.content == b"a" * 5000
    assert "gzip" in httpserver.log[0][0].headers["Accept-Encoding"]


# --------------------------------------------------------------------------- Retry-After


@pytest.mark.parametrize(("status", "reason"), [(429, "rate_limited"), (503, "unavailable")])
def test_retry_after_seconds(httpserver, status, reason):
    httpserver.expect_request("/busy").respond_with_data("", status=status, headers={"Retry-After": "120"})
    started = time.monotonic()
    error = fetch_error(make_fetcher(), httpserver.url_for("/busy"))
    assert (error.reason, error.status, error.retry_after_seconds) == (reason, status, 120.0)
    assert time.monotonic() - started < 1  # the fetcher reports; it does not sleep


@pytest.mark.parametrize(("status", "reason"), [(429, "rate_limited"), (503, "unavailable")])
def test_retry_after_http_date(httpserver, status, reason):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    httpserver.expect_request("/busy").respond_with_data("", status=status, headers={"Retry-After": when})
    error = fetch_error(make_fetcher(), httpserver.url_for("/busy"))
    assert error.reason == reason
    assert 80 <= error.retry_after_seconds <= 91


# --------------------------------------------------------------------------- politeness


def test_robots_disallow_is_honoured_only_when_asked(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    httpserver.expect_request("/private/job-1").respond_with_data("secret job")
    httpserver.expect_request("/jobs/job-2").respond_with_data("public job")
    fetcher = make_fetcher()
    assert fetch_error(fetcher, httpserver.url_for("/private/job-1"), respect_robots=True).reason == "robots"
    assert fetcher.fetch(httpserver.url_for("/jobs/job-2"), respect_robots=True).content == b"public job"
    assert fetcher.fetch(httpserver.url_for("/private/job-1")).content == b"secret job"
    assert fetcher.robots_allowed(httpserver.url_for("/private/job-3")) is False
    paths = [request.path for request, _ in httpserver.log]
    assert paths.count("/robots.txt") == 1  # cached per host
    assert paths.count("/private/job-1") == 1  # only the fetch without respect_robots


def test_robots_for_our_agent(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: Kakehashi\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
    )
    fetcher = make_fetcher()
    assert fetcher.robots_allowed(httpserver.url_for("/jobs/1")) is False
    assert make_fetcher(user_agent="OtherBot/2.0").robots_allowed(httpserver.url_for("/jobs/1")) is True


def test_missing_robots_means_allowed(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("not here", status=404)
    httpserver.expect_request("/jobs/1").respond_with_data("job")
    fetcher = make_fetcher()
    assert fetcher.fetch(httpserver.url_for("/jobs/1"), respect_robots=True).content == b"job"
    assert fetcher.robots_allowed(httpserver.url_for("/anything")) is True


def test_unreachable_robots_means_not_now(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=500)
    assert make_fetcher().robots_allowed(httpserver.url_for("/jobs/1")) is False


def concurrency_probe(server):
    lock = threading.Lock()
    state = {"active": 0, "max": 0}

    def handler(request):
        with lock:
            state["active"] += 1
            state["max"] = max(state["max"], state["active"])
        time.sleep(0.15)
        with lock:
            state["active"] -= 1
        return Response("ok")

    server.expect_request("/page").respond_with_handler(handler)
    return state


@pytest.mark.parametrize(("limit", "expected"), [(1, 1), (3, 3)])
def test_per_host_concurrency_limit(threaded, limit, expected):
    state = concurrency_probe(threaded)
    fetcher = make_fetcher(per_host_concurrency=limit)
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: fetcher.fetch(threaded.url_for("/page")), range(3)))
    assert all(result.content == b"ok" for result in results)
    assert state["max"] == expected


def test_minimum_delay_between_requests_to_a_host(httpserver):
    arrivals: list[float] = []

    def handler(request):
        arrivals.append(time.monotonic())
        return Response("ok")

    httpserver.expect_request("/page").respond_with_handler(handler)
    fetcher = make_fetcher()
    for _ in range(3):
        fetcher.fetch(httpserver.url_for("/page"), min_delay=0.2)  # a source's own setting
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]
    assert len(gaps) == 2 and min(gaps) >= 0.18


# --------------------------------------------------------------------------- TLS to a pinned address


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=feed.test",
         "-addext", "subjectAltName=DNS:feed.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    server.expect_request("/feed").respond_with_data("over tls")
    server.expect_request("/slow").respond_with_handler(trickle)
    yield server, str(cert), names
    server.clear()
    server.stop()


def local_resolver(host, port, *args, **kwargs):
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


def test_tls_uses_the_url_host_for_sni_and_verification(tls_server, connects):
    server, cert, names = tls_server
    policy = FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"}), ca_bundle=cert)
    result = Fetcher(policy, resolver=local_resolver).fetch(f"https://feed.test:{server.port}/feed")
    assert result.content == b"over tls"
    assert connects == [("127.0.0.1", server.port)]
    assert names[-1] == "feed.test"
    assert server.log[-1][0].headers["Host"] == f"feed.test:{server.port}"


def test_tls_certificate_for_another_name_is_refused(tls_server):
    server, cert, _names = tls_server
    policy = FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"}), ca_bundle=cert)
    error = fetch_error(Fetcher(policy, resolver=local_resolver), f"https://other.test:{server.port}/feed")
    assert error.reason == "tls"


def test_the_deadline_also_stops_a_trickle_over_tls(tls_server):
    server, cert, _names = tls_server
    policy = FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"}), ca_bundle=cert, deadline=0.6)
    started = time.monotonic()
    error = fetch_error(Fetcher(policy, resolver=local_resolver), f"https://feed.test:{server.port}/slow")
    assert error.reason == "deadline"
    assert time.monotonic() - started < 2


def test_ipv6_loopback_when_allowed():
    try:
        server = HTTPServer(host="::1", port=0)
        server.start()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        server.expect_request("/v6").respond_with_data("six")
        assert make_fetcher(allowed_hosts=frozenset({"::1"})).fetch(server.url_for("/v6")).content == b"six"
        assert server.log[0][0].headers["Host"] == f"[::1]:{server.port}"
        assert fetch_error(make_fetcher(), server.url_for("/v6")).reason == "private_address"
    finally:
        server.clear()
        server.stop()


def test_robots_wildcards_follow_rfc_9309(httpserver):
    # The longest matching rule wins, `*` matches any run of characters and `$` anchors the end.
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /*.pdf$\nDisallow: /jobs/\nAllow: /jobs/*/public\n"
    )
    fetcher = make_fetcher()
    assert fetcher.robots_allowed(httpserver.url_for("/files/offer.pdf")) is False
    assert fetcher.robots_allowed(httpserver.url_for("/files/offer.pdf.html")) is True
    assert fetcher.robots_allowed(httpserver.url_for("/jobs/42")) is False
    assert fetcher.robots_allowed(httpserver.url_for("/jobs/42/public")) is True
