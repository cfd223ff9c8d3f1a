"""Every state-changing endpoint refuses a request without a valid CSRF token."""

import pytest
from flask import url_for

from portal.accounts.models import User
from portal.extensions import db as _db

from tests.conftest import TEST_PASSWORD
from tests.web.policy import ANONYMOUS, POLICY, SAMPLE_ARGS, STATELESS_POST

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _unsafe_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.methods & UNSAFE and rule.endpoint not in STATELESS_POST]


def _role_for(endpoint):
    allowed = POLICY[endpoint]
    return None if ANONYMOUS in allowed else sorted(allowed)[0]


def test_there_are_state_changing_endpoints_to_check(app):
    assert len(_unsafe_rules(app)) >= 6


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_every_unsafe_endpoint_refuses_a_missing_or_wrong_token(app, client, login_as, token):
    for rule in _unsafe_rules(app):
        client.delete_cookie(app.config["SESSION_COOKIE_NAME"])
        login_as(_role_for(rule.endpoint))
        values = dict(SAMPLE_ARGS.get(rule.endpoint, {}), lang="en")
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods & UNSAFE):
            data = {} if token is None else {"csrf_token": token}
            response = client.open(url, method=method, data=data)
            assert response.status_code == 400, (rule.endpoint, method, response.status_code)
            assert "This form has expired" in response.get_data(as_text=True)


def test_account_deletion_without_token_changes_nothing(client, login_as):
    user = login_as("seeker")
    response = client.post("/en/account/delete", data={"password": TEST_PASSWORD})
    assert response.status_code == 400
    assert _db.session.get(User, user.id) is not None
