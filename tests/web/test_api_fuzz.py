"""Schemathesis drives the public API from its own OpenAPI document (issue 9, attack sweeps).

Every operation in /api/v1/openapi.json is called with generated requests — valid ones and
deliberately invalid ones — against the Flask app over WSGI, on a small world of public postings.
No answer may be a 5xx, every status must be one the document lists for the operation, and every
body must match the document's schema for that status. Runs are derandomised so CI is
reproducible; each operation gets about fifty examples per generation mode.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_organisation
from tests.services.test_search import make_posting

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = 50


@pytest.fixture
def postings(db):
    org = make_organisation()
    return [
        make_posting(organisation=org, title_en="Care worker", title_ja="介護職員", sector_code="nursing_care",
                     occupation_code="5322", prefecture_code="27", japanese_level="N3",
                     salary_min=230_000, salary_max=260_000, visa_ssw2=True),
        make_posting(organisation=org, title_en=None, description_en=None, title_ja="溶接工（特定技能）",
                     description_ja="自動車部品の溶接作業です。寮あり。", prefecture_code="23", support_housing=True),
        make_posting(organisation=org, title_en="Farm staff", sector_code="agriculture", prefecture_code="08",
                     japanese_level="none", salary_min=1_100, salary_unit="HOUR", valid_through=None),
        make_posting(organisation=org, title_en="Welder (closed)", status="closed"),
    ]


@pytest.fixture
def api_schema(app, postings):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def _has_inputs(operation) -> bool:
    return any(len(container) for container in (operation.path_parameters, operation.query, operation.body))


def _fuzz(operation, mode: GenerationMode) -> None:
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_every_operation_conforms_to_the_document(api_schema, mode):
    operations = _operations(api_schema)
    assert {op.path for op in operations} >= {"/jobs", "/jobs/{posting_id}", "/match"}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _has_inputs(operation):
            continue  # nothing to make invalid (the taxonomy lists, the document itself)
        _fuzz(operation, mode)


@pytest.mark.parametrize("url", ["/api/v1/jobs/9223372036854775808", "/api/v1/jobs/2147483648",
                                 "/en/jobs/9223372036854775808"])
def test_an_id_too_large_for_the_database_is_a_404_not_a_500(client, url):
    # Found by the fuzz run above: SQLite raised OverflowError for ids beyond 64 bits (a 500).
    response = client.get(url)
    assert response.status_code == 404
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == 404
