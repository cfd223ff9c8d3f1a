"""Settings come from the environment through one list, and docs/configuration.md is its table."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from portal import config
from portal.config import FROM_ENVIRONMENT, PROJECT_ROOT, ConfigError
from portal.feeds.http import FetchPolicy

READ_BEFORE_THE_APP = {"PORTAL_ENV", "DATABASE_URL", "PORTAL_INSTANCE_PATH"}


def _loaded(monkeypatch, tmp_path, **environ) -> Flask:
    for name in FROM_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app = Flask("probe", instance_path=str(tmp_path))
    config.load(app, config.TestConfig)
    return app


def test_the_documented_table_is_the_list_the_code_reads():
    table = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, flags=re.MULTILINE))
    assert documented == set(FROM_ENVIRONMENT) | READ_BEFORE_THE_APP


def test_every_setting_has_a_default_in_the_config_class_or_the_fetch_policy():
    fetch_keys = {name for name in FROM_ENVIRONMENT if name.startswith("PORTAL_FETCH_")}
    assert all(hasattr(config.Config, name) for name in set(FROM_ENVIRONMENT) - fetch_keys - {"REDIS_URL"})


def test_fetch_settings_from_the_environment_reach_the_fetch_policy(monkeypatch, tmp_path):
    app = _loaded(monkeypatch, tmp_path, PORTAL_FETCH_DEADLINE="12.5", PORTAL_FETCH_MAX_REDIRECTS="1",
                  PORTAL_FETCH_USER_AGENT="KakehashiTest/2.0", PORTAL_FETCH_PER_HOST_CONCURRENCY="4")
    policy = FetchPolicy.from_config(app.config)
    assert (policy.deadline, policy.max_redirects, policy.user_agent, policy.per_host_concurrency) == (
        12.5, 1, "KakehashiTest/2.0", 4)


def test_values_are_converted_to_the_setting_type(monkeypatch, tmp_path):
    app = _loaded(monkeypatch, tmp_path, MAIL_PORT="2525", MAIL_USE_TLS="false", USER_SESSION_MAX_AGE_DAYS="3",
                  SITE_URL="https://jobs.example.org")
    assert app.config["MAIL_PORT"] == 2525 and app.config["MAIL_USE_TLS"] is False
    assert app.config["USER_SESSION_MAX_AGE_DAYS"] == 3 and app.config["SITE_URL"] == "https://jobs.example.org"


@pytest.mark.parametrize(("name", "value"), [("MAIL_PORT", "smtp"), ("MAIL_USE_TLS", "perhaps"),
                                             ("PORTAL_FETCH_DEADLINE", "soon")])
def test_an_unreadable_value_stops_the_app_naming_the_variable(monkeypatch, tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        _loaded(monkeypatch, tmp_path, **{name: value})
