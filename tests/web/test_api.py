"""The public JSON API (/api/v1): search, job detail, taxonomy lists, errors — and every response body,
of every endpoint and status, validates against the OpenAPI document the API itself serves."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.jobs.models import EmploymentType, VISA_CODES
from portal.jobs.search import LEVEL_RANK, SORTS, SearchParams
from portal.timeutil import today, utcnow

from tests.conftest import make_organisation
from tests.services.test_search import make_posting

SPEC_URI = "urn:kakehashi:api-v1:openapi"
PREFIX = "/api/v1"


# ---- the OpenAPI document and validation against it ----

@pytest.fixture(scope="module")
def spec(app) -> dict:
    response = app.test_client().get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _validator(spec: dict, pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` in the document; its `$ref`s to #/components/… resolve
    inside the same document."""
    registry = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(spec))
    return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def response_pointer(path: str, status: int, method: str = "get") -> str:
    return "/" + "/".join(_escape(s) for s in ("paths", path, method, "responses", str(status), "content",
                                                 "application/json", "schema"))


def assert_matches_spec(spec: dict, response, path: str, method: str = "get") -> dict:
    """The body is JSON and valid against the schema documented for this path and status."""
    assert response.is_json, (path, response.status_code, response.content_type)
    documented = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, f"{path} answers {response.status_code}, undocumented"
    body = response.get_json()
    _validator(spec, response_pointer(path, response.status_code, method)).validate(body)
    return body


# ---- data ----

@pytest.fixture
def world(db):
    org = make_organisation()
    return {
        "welder_ja": make_posting(organisation=org, title_en=None, description_en=None, title_ja="溶接工（特定技能）",
                                  description_ja="自動車部品の溶接作業です。寮あり。", prefecture_code="23",
                                  support_housing=True, sub_area="machining", applicants_from="abroad"),
        "care_en": make_posting(organisation=org, title_en="Care worker at a nursing home",
                                description_en="Help elderly residents with daily life.", sector_code="nursing_care",
                                occupation_code="5322", prefecture_code="27", japanese_level="N3",
                                salary_min=230_000, salary_max=260_000, visa_ssw2=True),
        "farm_ja": make_posting(organisation=org, title_en=None, description_en=None, title_ja="農業スタッフ",
                                description_ja="野菜の収穫と出荷の仕事です。", sector_code="agriculture",
                                prefecture_code="08", japanese_level="none", salary_min=1_100, salary_unit="HOUR",
                                valid_through=None),
        "driver_both": make_posting(organisation=org, title_en="Truck driver", title_ja="トラック運転手",
                                    employer_name_en="Kanto Logistics", employer_name_ja="関東物流株式会社",
                                    sector_code="automobile_transport", prefecture_code="11", japanese_level="N3",
                                    salary_min=None, salary_unit=None, employment_type="CONTRACTOR"),
        "closed": make_posting(organisation=org, title_en="Welder (closed)", status="closed"),
        "expired": make_posting(organisation=org, title_en="Welder (expired)",
                                valid_through=today() - timedelta(days=1)),
        "draft": make_posting(organisation=org, title_en="Welder draft", status="draft", published_at=None),
    }


def _ids(body: dict) -> set[int]:
    return {item["id"] for item in body["items"]}


# ---- GET /jobs ----

def test_list_returns_the_public_postings_with_pagination_fields(client, spec, world):
    response = client.get(f"{PREFIX}/jobs")
    assert response.status_code == 200
    body = assert_matches_spec(spec, response, "/jobs")
    assert body["total"] == 4 and body["page"] == 1 and body["per_page"] == 20
    assert _ids(body) == {world[name].id for name in ("welder_ja", "care_en", "farm_ja", "driver_both")}


@pytest.mark.parametrize(("query", "expected"), [
    ({"sector": "nursing_care"}, {"care_en"}),
    ({"prefecture": "23"}, {"welder_ja"}),
    ({"region": "kanto"}, {"farm_ja", "driver_both"}),
    ({"japanese": "N4"}, {"welder_ja", "farm_ja"}),
    ({"visa": "ssw2"}, {"care_en"}),
    ({"employment_type": "CONTRACTOR"}, {"driver_both"}),
    ({"min_pay": "220000"}, {"care_en"}),
    ({"housing": "1"}, {"welder_ja"}),
    ({"housing": "0"}, {"welder_ja", "care_en", "farm_ja", "driver_both"}),
    ({"q": "worker", "japanese": "N3"}, {"care_en"}),
    ({"sector": "agriculture", "prefecture": "27"}, set()),
])
def test_list_filters(client, spec, world, query, expected):
    response = client.get(f"{PREFIX}/jobs", query_string=query)
    body = assert_matches_spec(spec, response, "/jobs")
    assert response.status_code == 200
    assert _ids(body) == {world[name].id for name in expected}
    assert body["total"] == len(expected)


@pytest.mark.parametrize(("query", "expected"), [
    ("welder", "welder_ja"),  # the English word finds the posting written only in Japanese (溶接工)
    ("溶接", "welder_ja"),
    ("caregiver", "care_en"),
    ("介護", "care_en"),  # and the other way round
    ("農業", "farm_ja"),
])
def test_cross_language_query(client, spec, world, query, expected):
    body = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs", query_string={"q": query}), "/jobs")
    assert _ids(body) == {world[expected].id}


def test_welder_finds_the_japanese_posting_with_its_titles(client, spec, world):
    body = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?q=welder"), "/jobs")
    [item] = body["items"]
    assert item["title"] == {"en": None, "ja": "溶接工（特定技能）"}


def test_pagination_and_sorting(client, spec, db):
    org = make_organisation()
    postings = [make_posting(organisation=org, title_en=f"Job {i}", salary_min=180_000 + i * 10_000,
                             published_at=utcnow() - timedelta(days=i)) for i in range(5)]
    body = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?per_page=2&page=2"), "/jobs")
    assert (body["total"], body["page"], body["per_page"]) == (5, 2, 2)
    assert [item["id"] for item in body["items"]] == [postings[2].id, postings[3].id]  # newest first
    last = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?per_page=2&page=3"), "/jobs")
    assert [item["id"] for item in last["items"]] == [postings[4].id]
    beyond = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?per_page=2&page=4"), "/jobs")
    assert beyond["items"] == [] and beyond["total"] == 5 and beyond["page"] == 4
    pay = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?sort=pay&per_page=3"), "/jobs")
    assert [item["monthly_jpy"] for item in pay["items"]] == [220_000, 210_000, 200_000]


def test_unknown_parameters_are_ignored(client, spec, world):
    response = client.get(f"{PREFIX}/jobs?utm_source=newsletter&colour=blue&sector=nursing_care")
    assert response.status_code == 200
    assert _ids(assert_matches_spec(spec, response, "/jobs")) == {world["care_en"].id}


def test_empty_result(client, spec, db):
    body = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs"), "/jobs")
    assert body == {"items": [], "total": 0, "page": 1, "per_page": 20}


# ---- GET /jobs/<id> ----

def test_job_detail(client, spec, world):
    posting = world["care_en"]
    response = client.get(f"{PREFIX}/jobs/{posting.id}")
    assert response.status_code == 200
    body = assert_matches_spec(spec, response, "/jobs/{posting_id}")
    assert body == {
        "id": posting.id,
        "url": f"http://localhost/en/jobs/{posting.id}",
        "title": {"en": "Care worker at a nursing home", "ja": None},
        "sector": "nursing_care",
        "occupation": "5322",
        "prefecture": "27",
        "location": {"kind": "place", "prefectures": ["27"]},
        "employer": "Test Employer Co., Ltd.",
        "salary": {"min": 230_000, "max": 260_000, "unit": "MONTH", "currency": "JPY"},
        "monthly_jpy": 230_000,
        "japanese_level": "N3",
        "visa": ["ssw1", "ssw2"],
        "employment_type": "FULL_TIME",
        "sub_area": None,
        "dispatch": False,
        "applicants_from": "unknown",
        "applicants_from_text": "Not known whether the employer hires from abroad: ask them",
        "date_posted": today().isoformat(),
        "valid_through": (today() + timedelta(days=30)).isoformat(),
        "summary": body["summary"],  # its contents: tests/web/test_summary.py
        "backed_by": {"kind": "organisation", "source": None, "organisation": {
            "name": "Test Employer Co., Ltd.", "kind": "employer", "kind_label": "Employer in Japan",
            "verified_on": None, "corporate_number": None, "corporate_number_url": None, "oep_licence": None}},
    }
    assert set(body["summary"]) == {"en", "ja", "ur"}


def test_lang_chooses_the_job_page_and_the_employer_name(client, spec, world):
    driver = world["driver_both"]
    english = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs/{driver.id}?lang=en"), "/jobs/{posting_id}")
    japanese = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs/{driver.id}?lang=ja"), "/jobs/{posting_id}")
    assert english["url"].endswith(f"/en/jobs/{driver.id}") and english["employer"] == "Kanto Logistics"
    assert japanese["url"].endswith(f"/ja/jobs/{driver.id}") and japanese["employer"] == "関東物流株式会社"
    assert english["title"] == japanese["title"] == {"en": "Truck driver", "ja": "トラック運転手"}
    listed = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?lang=ja&sector=automobile_transport"), "/jobs")
    without_summary = {key: value for key, value in japanese.items() if key != "summary"}
    assert listed["items"] == [without_summary]  # lists carry the summary only when asked (it is costly)
    summed_up = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs?lang=ja&sector=automobile_transport&summary=1"),
                                    "/jobs")
    assert summed_up["items"] == [{**without_summary, "summary": {"ja": japanese["summary"]["ja"]}}]
    # the employer falls back to the organisation's name in that language
    welder = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs/{world['welder_ja'].id}?lang=ja"),
                                 "/jobs/{posting_id}")
    assert welder["employer"] == "テスト株式会社"


def test_salary_forms(client, spec, world):
    farm = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs/{world['farm_ja'].id}"), "/jobs/{posting_id}")
    assert farm["salary"] == {"min": 1_100, "max": None, "unit": "HOUR", "currency": "JPY"}
    assert farm["monthly_jpy"] == round(1_100 * 173.8)
    assert farm["valid_through"] is None and farm["occupation"] is None
    driver = assert_matches_spec(spec, client.get(f"{PREFIX}/jobs/{world['driver_both'].id}"), "/jobs/{posting_id}")
    assert driver["salary"] is None and driver["monthly_jpy"] is None


@pytest.mark.parametrize("name", ["closed", "expired", "draft"])
def test_job_that_is_not_public_is_a_json_404(client, spec, world, name):
    response = client.get(f"{PREFIX}/jobs/{world[name].id}")
    assert response.status_code == 404
    body = assert_matches_spec(spec, response, "/jobs/{posting_id}")
    assert body["error"]["code"] == 404 and body["error"]["message"]


def test_unknown_job_is_a_json_404(client, spec, db):
    response = client.get(f"{PREFIX}/jobs/999999")
    assert response.status_code == 404
    assert assert_matches_spec(spec, response, "/jobs/{posting_id}")["error"]["code"] == 404


@pytest.mark.parametrize("url", [f"{PREFIX}/jobs/abc", f"{PREFIX}/nothing-here", "/api/v2/jobs"])
def test_unknown_api_urls_answer_json_in_the_error_shape(client, spec, db, url):
    response = client.get(url)
    assert response.status_code == 404 and response.is_json
    _validator(spec, "/components/schemas/Error").validate(response.get_json())


# ---- errors: 400 names the parameter ----

@pytest.mark.parametrize(("query", "param", "message"), [
    ("page=0", "page", "Enter a number from 1 to 1000."),
    ("page=abc", "page", "Enter a whole number."),
    ("per_page=1000", "per_page", "Enter a number from 1 to 100."),
    ("sector=x", "sector", "This value is not one of the choices."),
    ("prefecture=48", "prefecture", "This value is not one of the choices."),
    ("region=atlantis", "region", "This value is not one of the choices."),
    ("japanese=N6", "japanese", "This value is not one of the choices."),
    ("visa=tourist", "visa", "This value is not one of the choices."),
    ("employment_type=SOMETIMES", "employment_type", "This value is not one of the choices."),
    ("sort=x", "sort", "This value is not one of the choices."),
    ("min_pay=-1", "min_pay", "Enter a number from 0 to 10000000."),
    ("housing=maybe", "housing", "This value is not one of the choices."),
    ("q=" + "x" * 201, "q", "Use at most 200 characters."),
    ("lang=fr", "lang", "This value is not one of the choices."),
])
def test_bad_parameter_is_a_400_naming_it(client, spec, db, query, param, message):
    # Even for a Japanese browser the messages stay English: they are for programs.
    response = client.get(f"{PREFIX}/jobs?{query}", headers={"Accept-Language": "ja"})
    assert response.status_code == 400
    body = assert_matches_spec(spec, response, "/jobs")
    assert body == {"error": {"code": 400, "param": param, "message": message}}


def test_bad_lang_on_the_job_detail_is_a_400(client, spec, world):
    response = client.get(f"{PREFIX}/jobs/{world['care_en'].id}?lang=fr")
    assert response.status_code == 400
    body = assert_matches_spec(spec, response, "/jobs/{posting_id}")
    assert body["error"]["param"] == "lang"


# ---- headers ----

def test_public_read_only_headers(client, world):
    for url in (f"{PREFIX}/jobs", f"{PREFIX}/jobs/{world['care_en'].id}"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Set-Cookie" not in response.headers  # a shared cache may keep it
    for url in (f"{PREFIX}/jobs?page=0", f"{PREFIX}/jobs/{world['draft'].id}"):
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert response.headers["Access-Control-Allow-Origin"] == "*"  # other sites can read the error
        assert "public" not in response.headers.get("Cache-Control", "")


def test_the_api_is_read_only(client, db):
    response = client.post(f"{PREFIX}/jobs", data={"title_en": "x"})
    assert response.status_code == 405 and response.is_json


# ---- taxonomy ----

TAXONOMY = {
    "sectors": (18, "code"),
    "prefectures": (47, "code"),
    "occupations": (60, "isco"),
    "trades": (40, "code"),
}


@pytest.mark.parametrize("name", list(TAXONOMY))
def test_taxonomy_lists(client, spec, db, name):
    response = client.get(f"{PREFIX}/taxonomy/{name}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    items = assert_matches_spec(spec, response, f"/taxonomy/{name}")["items"]
    minimum, key = TAXONOMY[name]
    assert len(items) == minimum if name in ("sectors", "prefectures") else len(items) >= minimum
    codes = [item[key] for item in items]
    assert len(set(codes)) == len(codes)


def test_taxonomy_contents_fit_together(client, spec, db):
    def items(name):
        return assert_matches_spec(spec, client.get(f"{PREFIX}/taxonomy/{name}"), f"/taxonomy/{name}")["items"]

    sectors = items("sectors")
    prefectures = items("prefectures")
    occupations = items("occupations")
    trades = items("trades")
    sector_codes = {s["code"] for s in sectors}
    assert "nursing_care" in sector_codes and "construction" in sector_codes
    assert [p["code"] for p in prefectures] == [f"{n:02d}" for n in range(1, 48)]
    tokyo = next(p for p in prefectures if p["code"] == "13")
    assert tokyo["name"] == {"en": "Tokyo", "ja": "東京都", "ur": "ٹوکیو"} and tokyo["region"] == "kanto"
    isco = {o["isco"] for o in occupations}
    welder = next(t for t in trades if t["code"] == "welder")
    assert welder["name"]["ur"] and welder["name"]["ja"]
    for trade in trades:
        assert set(trade["sectors"]) <= sector_codes, trade["code"]
        assert set(trade["isco_codes"]) <= isco, trade["code"]


def test_taxonomy_codes_are_the_ones_search_accepts(client, spec, db):
    sectors = assert_matches_spec(spec, client.get(f"{PREFIX}/taxonomy/sectors"), "/taxonomy/sectors")["items"]
    prefectures = assert_matches_spec(spec, client.get(f"{PREFIX}/taxonomy/prefectures"),
                                      "/taxonomy/prefectures")["items"]
    for sector in sectors:
        assert client.get(f"{PREFIX}/jobs?sector={sector['code']}").status_code == 200
    for region in {p["region"] for p in prefectures}:
        assert client.get(f"{PREFIX}/jobs?region={region}").status_code == 200


# ---- the OpenAPI document itself ----

def _api_paths(app) -> set[str]:
    paths = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert rule.rule.startswith(PREFIX)
            paths.add(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(PREFIX):]))
    return paths


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_is_an_openapi_3_1_document(app, client, spec, db):
    response = client.get(f"{PREFIX}/openapi.json")
    assert_matches_spec(spec, response, "/openapi.json")
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["title"] and spec["info"]["version"]
    assert spec["servers"] == [{"url": PREFIX}]
    assert set(spec["paths"]) == _api_paths(app), "every API endpoint is documented, and nothing else"

    operation_ids = []
    for path, item in spec["paths"].items():
        expected_method = {"post"} if path == "/match" else {"get"}  # /match computes from a JSON body
        assert path.startswith("/") and set(item) == expected_method, path
        operation = item[next(iter(expected_method))]
        operation_ids.append(operation["operationId"])
        assert operation["summary"]
        placeholders = set(re.findall(r"{(\w+)}", path))
        declared = set()
        for parameter in operation.get("parameters", []):
            assert parameter["in"] in ("query", "path") and parameter["schema"]["type"], parameter
            assert set(parameter) <= {"name", "in", "required", "schema", "description"}, parameter
            if parameter["in"] == "path":
                assert parameter["required"] is True
                declared.add(parameter["name"])
        assert declared == placeholders, path
        assert "200" in operation["responses"], path
        for status, documented in operation["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status) and documented["description"], (path, status)
            assert "schema" in documented["content"]["application/json"], (path, status)
    assert len(set(operation_ids)) == len(operation_ids)

    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in spec["components"]["schemas"]
    for name, schema in spec["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        if schema.get("type") == "object":
            assert schema.get("additionalProperties") is False and "required" in schema, name


def test_openapi_documents_every_search_parameter_and_the_enums(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/jobs"]["get"]["parameters"]}
    assert set(parameters) == {f.name for f in fields(SearchParams)} | {"lang", "score", "summary"}
    assert parameters["sort"]["schema"]["enum"] == list(SORTS)
    assert parameters["japanese"]["schema"]["enum"] == list(LEVEL_RANK)
    assert parameters["visa"]["schema"]["enum"] == list(VISA_CODES)
    assert parameters["employment_type"]["schema"]["enum"] == [e.value for e in EmploymentType]
    assert parameters["lang"]["schema"] == {"type": "string", "enum": ["en", "ja", "ur"], "default": "en"}
    assert parameters["page"]["schema"]["minimum"] == 1 and parameters["per_page"]["schema"]["maximum"] == 100


def test_the_schema_is_strict(client, spec, world):
    """The validation above means something: extra, missing and mistyped fields are refused."""
    body = client.get(f"{PREFIX}/jobs/{world['care_en'].id}").get_json()
    validator = _validator(spec, "/components/schemas/Posting")
    validator.validate(body)
    for broken in ({**body, "status": "published"},
                   {k: v for k, v in body.items() if k != "valid_through"},
                   {**body, "prefecture": 27},
                   {**body, "date_posted": "yesterday"},
                   {**body, "visa": ["tourist"]},
                   {**body, "salary": {**body["salary"], "currency": "PKR"}},
                   {**body, "title": {"en": "x"}}):
        with pytest.raises(ValidationError):
            validator.validate(broken)
    with pytest.raises(ValidationError):
        _validator(spec, "/components/schemas/ParamError").validate({"error": {"code": 400, "message": "x"}})


# ---- POST /match -----------------------------------------------------------------------------------


def test_match_returns_ranked_jobs_with_reasons_in_the_asked_language(client, app, world):
    spec = client.get("/api/v1/openapi.json").json
    body = {"trades": ["Welder"], "years_experience": 3, "japanese": {"jlpt": "N4"},
            "skills_tests": ["industrial_products/machining"]}
    response = client.post("/api/v1/match?lang=ja", json=body)
    data = assert_matches_spec(spec, response, "/match", method="post")
    assert data["items"] and data["items"][0]["job"]["sector"] == "industrial_products"
    assert data["items"][0]["eligibility"] == "eligible"
    assert any("溶接" in reason["text"] for reason in data["items"][0]["reasons"])


@pytest.mark.parametrize(("body", "param"), [
    ({}, "trades"), ({"trades": []}, "trades"), ({"trades": ["astronaut"]}, "trades[0]"),
    ({"trades": ["welder"], "years_experience": -1}, "years_experience"),
    ({"trades": ["welder"], "japanese": {"jlpt": "N6"}}, "japanese.jlpt"),
    ({"trades": ["welder"], "skills_tests": ["space"]}, "skills_tests[0]"),
    ({"trades": ["welder"], "titp_completed": "space"}, "titp_completed"),
    ({"trades": ["welder"], "licences": ["rocket"]}, "licences[0]"),
    ({"trades": ["welder"], "preferences": {"min_monthly_pay": "lots"}}, "preferences.min_monthly_pay"),
    ({"trades": ["welder"], "limit": 1000}, "limit"),
    ([1, 2], "body"),
])
def test_match_names_the_bad_field(client, world, body, param):
    spec = client.get("/api/v1/openapi.json").json
    response = client.post("/api/v1/match", json=body)
    assert response.status_code == 400
    assert assert_matches_spec(spec, response, "/match", method="post")["error"]["param"] == param
