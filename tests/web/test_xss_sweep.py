"""XSS sweep generated from the app: every GET page that renders a <form>, for every role that may see
it, in /en/ and /ja/, is filled with hostile payloads, submitted, and the response, its redirect target
and every page of the app (where a stored value may later show) must carry no payload unescaped.

Forms and fields come from `app.url_map` and the real HTML (stdlib html.parser), never a hand list.
Each submission puts a different payload in every free-text field and rotates, so across the
submissions every field gets every payload.
"""

from __future__ import annotations

import os
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import start_session
from portal.extensions import db as _db
from portal.jobs import demo

from tests.web.policy import ANONYMOUS, POLICY, SAMPLE_ARGS

MARK = "xSs"  # every payload carries it; it must never reach an event handler, script or URL attribute

PAYLOADS = [
    f"<script>alert('{MARK}1')</script>",
    f"<ScRiPt>alert('{MARK}2')</sCrIpT>",
    f"\"><img src=x onerror=alert('{MARK}3')>",
    f"'><img src=x onerror=alert('{MARK}4')>",
    f"\" onmouseover=\"alert('{MARK}5')",
    f"' onfocus='alert(`{MARK}6`)' autofocus='",
    f"javascript:alert('{MARK}7')",
    f"JaVaScRiPt:alert('{MARK}8')",
    f"<a href=\"javascript:alert('{MARK}9')\">x</a>",
    f"<svg onload=alert('{MARK}10')>",
    f"<svg/onload=alert('{MARK}11')//",
    f"{MARK}12{{{{1234*5678}}}}",
    f"{MARK}13{{% print(1234*5678) %}}",
    f"{MARK}14${{1234*5678}}",
    f"\\u003cscript\\u003ealert('{MARK}15')\\u003c/script\\u003e",
    f"&lt;script&gt;alert('{MARK}16')&lt;/script&gt;",
    f"</textarea><script>alert('{MARK}17')</script>",
    f"</title><script>alert('{MARK}18')</script>",
    f"</script><script>alert('{MARK}19')</script>",
    f"</style><script>alert('{MARK}20')</script>",
    f"<div style=\"width:expression(alert('{MARK}21'))\">",
    f"<style>*{{background:url('javascript:alert({MARK}22)')}}</style>",
    f"data:text/html;base64,PHNjcmlwdD5hbGVydCgn{MARK}23</script>",
    f"<iframe src=\"data:text/html,<script>alert('{MARK}24')</script>\">",
    f"<object data=\"javascript:alert('{MARK}25')\">",
    f"<body onload=alert('{MARK}26')>",
    f"<details open ontoggle=alert('{MARK}27')>",
    f"<img src=\"x\" onerror=\"alert(String.fromCharCode(88,83,83))\" alt=\"{MARK}28\">",
    f"<IMG SRC=JaVaScRiPt:alert('{MARK}29')>",
    f"<math><mtext></form><form><mglyph><style></math><img src onerror=alert('{MARK}30')>",
    f"\"\"><<script>alert('{MARK}31');//<</script>",
    f"<input autofocus onfocus=alert('{MARK}32')>",
    f"<a href=\"&#106;avascript:alert('{MARK}33')\">x</a>",
    f"＜script＞alert('{MARK}34')＜/script＞ <スクリプト onerror=alert('{MARK}34')>",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('{MARK}35')\">",
    f"{MARK}36\u202e<script>alert(1)</script>",
]
# Payloads whose raw text is harmless when printed (no HTML metacharacters) are checked by their effect instead.
HTML_META = re.compile(r"[<>\"']")
EVALUATED = "7006652"  # 1234*5678: a template engine evaluated a payload
PAYLOADS_PER_FIELD = 3  # bounded run time: 12 submissions per form instead of 36
URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "content", "poster", "background"}
LANGS = ("en", "ja")
DEMO_EMAILS = {"seeker": f"seeker@{demo.DEMO_DOMAIN}", "recruiter": f"employer@{demo.DEMO_DOMAIN}",
               "staff": f"staff@{demo.DEMO_DOMAIN}"}
SKIP_ACTIONS = ("/logout",)
# Second pass, to reach the stored path: typed fields keep a valid value, text fields get one payload each.
PLAUSIBLE = {"number": "1", "date": "2027-06-30", "email": "xss-sweep@example.com", "url": "https://example.com/apply",
             "tel": "+81 3 1234 5678", "time": "09:00", "month": "2027-06", "datetime-local": "2027-06-30T09:00"}
PLAUSIBLE_BY_NAME = (("email", "xss-sweep@example.com"), ("url", "https://example.com/apply"),
                     ("number", "1"), ("salary", "250000"), ("amount", "1000"), ("hours", "40"), ("openings", "1"),
                     ("rate", "1"), ("age", "30"), ("year", "2027"), ("phone", "+81 3 1234 5678"))
PLAUSIBLE_ROUNDS = 6  # signing out mid-sweep would only test the login page


class _Form:
    def __init__(self, attrs):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").upper()
        self.enctype = attrs.get("enctype") or ""
        self.fields: list[dict] = []  # {"name", "kind", "value", "options"}
        self.submit: tuple[str, str] | None = None
        self.submits: list[tuple[str, str]] = []  # every named submit button (e.g. Preview, Save)


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = _Form(a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    form.submits.append((name, a.get("value") or ""))
                    form.submit = form.submit or form.submits[0]
                return
            if kind in ("checkbox", "radio") and "checked" not in a and any(
                    f["name"] == name for f in form.fields):
                return
            if kind in ("checkbox", "radio") and "checked" in a:
                form.fields = [f for f in form.fields if not (f["name"] == name and f["kind"] == "radio")]
            form.fields.append({"name": name, "kind": kind, "value": a.get("value") or ("on" if kind == "checkbox" else ""),
                                "checked": "checked" in a, "readonly": "readonly" in a, "min": a.get("min")})
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            form.submits.append((name, a.get("value") or ""))
            form.submit = form.submit or form.submits[0]
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "kind": "textarea", "value": ""}
            form.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "kind": "select", "value": None, "options": [],
                            "multiple": "multiple" in a}
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
            self._select["options"].append(self._option)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._option is not None:
            self._option["text"] += data


def parse_forms(html: str) -> list[_Form]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        for field in form.fields:
            if field["kind"] == "select":
                options = [o["value"] if o["value"] is not None else o["text"].strip() for o in field["options"]]
                chosen = [o for o in field["options"] if o["selected"]]
                keep = (chosen[0]["value"] if chosen else next((v for v in options if v), options[0] if options else ""))
                field["value"] = keep if keep is not None else ""
    return parser.forms


class InjectionFinder(HTMLParser):
    """Finds a payload that became markup: an event handler, a script or a URL attribute carrying the marker."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._in_script = True
        for name, value in attrs:
            value = value or ""
            if MARK in name:
                self.problems.append(f"<{tag} {name}>: marker in an attribute name")
            if name.startswith("on") and MARK in value:
                self.problems.append(f"<{tag} {name}={value!r}>: payload in an event handler")
            if name in URL_ATTRS and MARK in value and re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                self.problems.append(f"<{tag} {name}={value!r}>: payload became a URL")
            if name == "style" and MARK in value and "expression" in value.lower():
                self.problems.append(f"<{tag} style={value!r}>: payload in a style attribute")
        if tag in ("img", "svg", "iframe", "object", "body", "details", "math", "meta") and any(
                MARK in (v or "") for _, v in attrs):
            self.problems.append(f"<{tag} {attrs!r}>: payload became an element")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data and "alert(" in data and "\\u003c" not in data.lower():
            # JSON in a script block (tojson) escapes < > & ', so a raw alert( with our marker is code
            self.problems.append(f"script or style block carries a payload: {data[:120]!r}")


def _inside_a_tag(html: str, index: int) -> bool:
    return html.rfind("<", 0, index) > html.rfind(">", 0, index)


def unescaped_payloads(html: str) -> list[str]:
    """A payload with `<` must never come back raw. One with only quotes may show raw in text (sanitised
    rich text, e.g. a guide's Markdown, leaves quotes in text nodes, which is harmless) but never inside a tag."""
    found = []
    for payload in PAYLOADS:
        if "<" in payload:
            if payload in html:
                found.append(payload)
        elif HTML_META.search(payload):
            start = html.find(payload)
            while start != -1:
                if _inside_a_tag(html, start):
                    found.append(f"{payload} (inside a tag)")
                    break
                start = html.find(payload, start + 1)
    if EVALUATED in html:
        found.append("a template expression was evaluated (7006652)")
    finder = InjectionFinder()
    finder.feed(html)
    return found + finder.problems


class Sweep:
    def __init__(self, app, client):
        self.app = app
        self.client = client
        self.forms = 0
        self.fields = 0
        self.submissions = 0
        self.accepted = 0  # answered with a redirect: the values were (most likely) stored
        self.accepted_forms: set[str] = set()
        self.pages_checked = 0
        self.failures: list[str] = []
        self.users = {role: _db.session.scalar(select(User).where(User.email == email))
                      for role, email in DEMO_EMAILS.items()}

    def sign_in(self, role):
        self.client.delete_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if role == ANONYMOUS:
            return
        user = _db.session.get(User, self.users[role].id)
        token = start_session(user)
        with self.client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True

    def check(self, where: str, response):
        if not response.mimetype or "html" not in response.mimetype:
            return
        self.pages_checked += 1
        problems = unescaped_payloads(response.get_data(as_text=True))
        if problems:
            self.failures.append(f"{where}: {problems[:3]}")

    def submit(self, where, page_url, form: _Form, offset: int, plausible: bool = False):
        data: dict[str, object] = {}
        free = 0
        per_field = 1 if plausible else PAYLOADS_PER_FIELD
        for field in form.fields:
            kind, name = field["kind"], field["name"]
            if kind == "file":
                continue
            if plausible and kind in PLAUSIBLE:
                data[name] = field["value"] or field.get("min") or PLAUSIBLE[kind]
                continue
            if plausible and kind != "textarea" and (by_name := next(
                    (v for k, v in PLAUSIBLE_BY_NAME if k in name.lower()), None)):
                data[name] = field["value"] or by_name
                continue
            if kind in ("hidden",) or field.get("readonly"):
                data.setdefault(name, field["value"])
            elif kind in ("checkbox", "radio"):
                data.setdefault(name, field["value"])
            elif kind == "select":
                data.setdefault(name, field["value"])
            else:  # free text: text, textarea, email, number…, a payload rotated by field position
                data[name] = " ".join(PAYLOADS[(offset + free * per_field + j) % len(PAYLOADS)]
                                      for j in range(per_field))
                free += 1
        chosen = {str(v) for v in data.values()}
        for field in form.fields:  # a dependent select ("sector:area") keeps an option consistent with the others
            if field["kind"] == "select" and field.get("options"):
                consistent = [o["value"] for o in field["options"]
                              if o["value"] and ":" in o["value"] and o["value"].split(":", 1)[0] in chosen]
                if consistent and ":" in str(data.get(field["name"], "")):
                    data[field["name"]] = consistent[0]
        if form.submits:  # rotate the buttons: Preview only re-renders, Save stores
            data.setdefault(*form.submits[offset % len(form.submits)] if not plausible else form.submits[-1])
        action = urljoin(page_url, form.action or page_url)
        if form.method == "GET":
            query = {k: v for k, v in data.items()}
            response = self.client.get(f"{urlsplit(action).path}?{urlencode(query)}")
        else:
            response = self.client.post(urlsplit(action).path, data=data)
        self.submissions += 1
        self.check(f"{where} → {form.method} {action}", response)
        if response.status_code in (301, 302, 303) and response.location:
            self.accepted += 1
            self.accepted_forms.add(f"{form.method} {re.sub(r'/(en|ja)/', '/', urlsplit(action).path)}")
            target = urlsplit(urljoin(action, response.location))
            follow = self.client.get(target.path + (f"?{target.query}" if target.query else ""))
            self.check(f"{where} → redirect {target.path}", follow)
        return free

    def sweep_page(self, endpoint, role, lang, url):
        self.sign_in(role)
        response = self.client.get(url)
        if response.status_code != 200 or "html" not in (response.mimetype or ""):
            return
        forms = [f for f in parse_forms(response.get_data(as_text=True))
                 if not urlsplit(f.action).path.endswith(SKIP_ACTIONS)]
        for index, form in enumerate(forms):
            free = [f for f in form.fields if f["kind"] not in ("hidden", "checkbox", "radio", "select", "file")
                    and not f.get("readonly")]
            self.forms += 1
            self.fields += len(form.fields)
            where = f"{role} {url} form#{index}"
            # PAYLOADS_PER_FIELD payloads in every free field per submission, rotated so that across the
            # submissions each field meets every payload; the CSRF token stays valid for the session
            rounds = -(-len(PAYLOADS) // PAYLOADS_PER_FIELD) if free else 1
            for round_ in range(rounds):
                self.submit(where, url, form, round_ * PAYLOADS_PER_FIELD)
            if free:  # then values a form accepts, so that payloads reach the database and the pages that show them
                for round_ in range(PLAUSIBLE_ROUNDS):
                    self.submit(where, url, form, round_ * len(PAYLOADS) // PLAUSIBLE_ROUNDS, plausible=True)

    def recheck_everything(self, urls_by_role):
        """Stored values show later: read every GET page again, as each role, after the sweep."""
        for role, urls in urls_by_role.items():
            self.sign_in(role)
            seen = set()
            queue = list(urls)
            while queue and len(seen) < 400:
                url = queue.pop(0)
                if url in seen:
                    continue
                seen.add(url)
                response = self.client.get(url)
                if response.status_code != 200:
                    continue
                self.check(f"later, {role} {url}", response)
                if "html" in (response.mimetype or ""):
                    # follow links one level down from dashboards and lists to the pages of the things created
                    for href in re.findall(r'href="(/(?:en|ja)/[^"?#]*)"', response.get_data(as_text=True)):
                        if href not in seen and "/logout" not in href and "/cv" not in href and "export" not in href:
                            queue.append(href)


def _get_pages(app):
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "lang" not in rule.arguments:
            continue
        args = SAMPLE_ARGS.get(rule.endpoint, {})
        if set(rule.arguments) - {"lang"} - set(args):
            continue
        pages.append(rule)
    return pages


@pytest.fixture
def seeded(app, db):
    demo.seed_world()


def test_no_form_input_comes_back_unescaped(app, client, seeded, capsys):
    started = time.monotonic()
    sweep = Sweep(app, client)
    urls_by_role: dict[str, list[str]] = {}
    rules = _get_pages(app)
    assert len(rules) >= 20
    for lang in LANGS:
        for rule in rules:
            with app.test_request_context():
                url = url_for(rule.endpoint, **dict(SAMPLE_ARGS.get(rule.endpoint, {}), lang=lang))
            for role in sorted(POLICY[rule.endpoint]):
                urls_by_role.setdefault(role, []).append(url)
                sweep.sweep_page(rule.endpoint, role, lang, url)
    sweep.recheck_everything(urls_by_role)
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\nXSS sweep: {sweep.forms} forms, {sweep.fields} fields, {sweep.submissions} submissions "
              f"({sweep.accepted} redirected, to {len(sweep.accepted_forms)} distinct actions), "
              f"{len(PAYLOADS)} payloads, {sweep.pages_checked} pages checked in {elapsed:.1f}s")
    if os.environ.get("XSS_SWEEP_VERBOSE"):
        print("\n".join(sorted(sweep.accepted_forms)))
    assert sweep.forms >= 20, "the sweep found too few forms: the walk is broken"
    assert not sweep.failures, "\n".join(sweep.failures[:20])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_detector_catches_each_payload_printed_raw(payload):
    printed = f"<html><body><p>{payload}</p><p title='{payload}'>x</p></body></html>"
    assert unescaped_payloads(printed) or not HTML_META.search(payload)


def test_the_detector_accepts_escaped_output():
    from markupsafe import escape

    html = "<html><body>" + "".join(f"<p title=\"{escape(p)}\">{escape(p)}</p>" for p in PAYLOADS) + "</body></html>"
    assert unescaped_payloads(html) == []


def test_enough_payloads():
    assert len(PAYLOADS) >= 30


def test_the_detector_accepts_quotes_left_in_sanitised_text():
    from portal.guidance.content import render

    html = render(" ".join(PAYLOADS))  # the guides' Markdown, cleaned by nh3: quotes stay in text nodes
    assert unescaped_payloads(html) == []
