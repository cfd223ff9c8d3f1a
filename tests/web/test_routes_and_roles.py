"""The route × role table: every endpoint is declared, and every area refuses the wrong roles."""

import pytest
from flask import url_for

from tests.conftest import csrf_token_from
from tests.web.policy import ANONYMOUS, POLICY, ROLES, SAMPLE_ARGS


def _rules(app):
    return [rule for rule in app.url_map.iter_rules()]


def test_every_endpoint_is_in_the_policy_table(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    undeclared = endpoints - set(POLICY)
    assert not undeclared, f"endpoints missing from tests/web/policy.py: {sorted(undeclared)}"
    assert not set(POLICY) - endpoints, "policy table names endpoints that no longer exist"


def _url(app, rule):
    values = dict(SAMPLE_ARGS.get(rule.endpoint, {}))
    if "lang" in rule.arguments:
        values["lang"] = "en"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _cases(app_rules):
    return [(rule.endpoint, role) for rule in app_rules for role in ROLES]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_the_policy_allows(app, client, login_as, role):
    login_as(None if role == ANONYMOUS else role)
    token_page = "/en/login" if role == ANONYMOUS else "/en/account/"
    token = csrf_token_from(client.get(token_page).get_data(as_text=True))
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in ("auth.logout", "account.end_all_sessions"):
            continue  # would end this client's session mid-walk; covered in test_security and test_account_recovery
        method = "GET" if "GET" in rule.methods else "POST"
        url = _url(app, rule)
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        allowed = role in POLICY[rule.endpoint]
        location = response.headers.get("Location", "")
        sent_to_login = response.status_code == 302 and "/login" in location
        if allowed:
            assert response.status_code != 403 and not sent_to_login, (rule.endpoint, role, response.status_code)
        elif role == ANONYMOUS:
            assert sent_to_login, (rule.endpoint, role, response.status_code, location)
        else:
            assert response.status_code == 403, (rule.endpoint, role, response.status_code)
        checked += 1
    assert checked >= len(POLICY) - 2  # the two skipped above
