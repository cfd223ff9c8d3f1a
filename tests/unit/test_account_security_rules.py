"""The small pure rules behind the attack-pass fixes: web addresses, networks, CV names, JSON depth."""

import pytest

from portal import json_depth
from portal.accounts.cv import DOCX, PDF, clean_file_name
from portal.security import network_of
from portal.weburl import is_web_url


@pytest.mark.parametrize(("url", "ok"), [
    ("https://www.pk.emb-japan.go.jp/", True), ("http://example.org/a?b=c", True), ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), ("JavaScript://example.org/%0aalert(1)", False), ("data:text/html,x", False),
    ("java\tscript:alert(1)", False), ("https://", False), ("//example.org", False), ("ftp://example.org", False),
    ("https://exa mple.org", False), ("", False), (None, False),
])
def test_only_http_and_https_addresses_with_a_host(url, ok):
    assert is_web_url(url) is ok


@pytest.mark.parametrize(("address", "network"), [
    ("203.0.113.7", "203.0.113.0/24"), ("203.0.113.250", "203.0.113.0/24"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"), ("::ffff:198.51.100.9", "198.51.100.0/24"),
    ("not an address", "unknown"), (None, "unknown"),
])
def test_network_of_an_address(address, network):
    assert network_of(address) == network


@pytest.mark.parametrize(("name", "mime", "clean"), [
    ("ali cv.pdf", PDF, "ali cv.pdf"), ("page.html", PDF, "page.pdf"), ("C:\\docs\\My CV (2026).docx", PDF, "My CV (2026).pdf"),
    ("../../etc/passwd", DOCX, "passwd.docx"), ("a\r\nb.pdf", PDF, "a b.pdf"), ("", PDF, "cv.pdf"),
    ("علی.pdf", PDF, "علی.pdf"), ("履歴書.PDF", DOCX, "履歴書.docx"), ('a"b;c.pdf', PDF, "a_b_c.pdf"),
])
def test_cv_names_are_clean_and_take_the_detected_type(name, mime, clean):
    assert clean_file_name(name, mime) == clean


def test_json_depth_counts_lists_and_objects():
    assert json_depth(1) == 0 and json_depth([]) == 1 and json_depth({"a": [{"b": []}]}) == 4
    assert json_depth([[[]]] * 3) == 3
