"""The OpenAPI 3.1 description of the public API (/api/v1). Tests validate every response against it,
so a change to portal/web/api.py or portal/jobs/serialize.py that is not made here too fails them."""

from __future__ import annotations

from portal import MAX_ROW_ID
from portal.accounts.models import OrganisationKind
from portal.jobs.models import EmploymentType, JapaneseLevel, SalaryUnit, VISA_CODES
from portal.jobs.search import DEFAULT_PER_PAGE, LEVEL_RANK, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, SORTS

REF = "#/components/schemas/"

NULLABLE_STRING = {"type": ["string", "null"]}
NAME_EN_JA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["en", "ja", "ur"],
    "properties": {"en": {"type": "string"}, "ja": {"type": "string"},
                   "ur": {"type": ["string", "null"], "description": "Urdu; null where none is recorded yet."}},
}


def _list_of(item: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": REF + item}}},
    }


SCHEMAS: dict[str, dict] = {
    "Posting": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "url", "title", "sector", "occupation", "prefecture", "location", "employer", "salary",
                     "monthly_jpy", "japanese_level", "visa", "employment_type", "sub_area", "dispatch",
                     "applicants_from", "applicants_from_text", "date_posted", "valid_through", "backed_by"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "url": {"type": "string", "format": "uri", "description": "The job page, in the language asked for."},
            "title": {
                "type": "object",
                "additionalProperties": False,
                "required": ["en", "ja"],
                "description": "The title in each language; null where the posting has none.",
                "properties": {"en": NULLABLE_STRING, "ja": NULLABLE_STRING},
            },
            "sector": {"type": "string", "description": "Sector code (see /taxonomy/sectors)."},
            "occupation": {"type": ["string", "null"],
                           "description": "ISCO-08 unit group (see /taxonomy/occupations)."},
            "prefecture": {"type": "string", "pattern": "^[0-9]{2}$",
                           "description": "JIS X 0401 prefecture code (see /taxonomy/prefectures) of the first "
                                          "place named; for a nationwide, remote or unstated place read "
                                          "`location` first."},
            "location": {"$ref": REF + "Location"},
            "employer": {"type": "string", "description": "Employer name, in the language asked for if known."},
            "salary": {"oneOf": [{"type": "null"}, {"$ref": REF + "Salary"}]},
            "monthly_jpy": {"type": ["integer", "null"], "description": "Minimum pay as an estimate per month."},
            "japanese_level": {"type": "string", "enum": [level.value for level in JapaneseLevel]},
            "visa": {"type": "array", "uniqueItems": True, "items": {"type": "string", "enum": list(VISA_CODES)}},
            "employment_type": {"type": "string", "enum": [kind.value for kind in EmploymentType]},
            "sub_area": {"type": ["string", "null"],
                         "description": "Business category within the sector (see /taxonomy/sectors)."},
            "dispatch": {"type": "boolean", "description": "The worker is employed by a dispatch agency (派遣)."},
            "applicants_from": {"type": "string", "enum": ["abroad", "in_japan_only", "unknown"],
                                "description": "Who the employer takes: people abroad (through a Certificate "
                                               "of Eligibility), only people already in Japan, or not known."},
            "applicants_from_text": {"type": "string", "description": "The same, in words, in the language asked for."},
            "date_posted": {"type": "string", "format": "date"},
            "valid_through": {"type": ["string", "null"], "format": "date",
                              "description": "Last day applications are accepted; null when open-ended."},
            "score": {"type": ["integer", "null"], "minimum": 0,
                      "description": "Only with score=1: how well the posting matches the words (higher is "
                                     "better; compare within one search). Null when the order is not best match."},
            "summary": {
                "type": "object",
                "additionalProperties": False,
                "description": "The posting summed up from its structured fields (job, field, place, pay, "
                               "take-home pay, hours, days off, housing, Japanese, tests), for readers the "
                               "posting's own text is not written for: in every interface language in "
                               "GET /jobs/{posting_id}; in lists only with summary=1, in the language asked for.",
                "properties": {lang: {"type": "array", "items": {"$ref": REF + "SummaryLine"}}
                               for lang in ("en", "ja", "ur")},
            },
            "backed_by": {"$ref": REF + "BackedBy"},
        },
    },
    "SummaryLine": {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "label", "value"],
        "properties": {
            "key": {"type": "string", "description": "What the line is about: job, field, place, pay, take_home, "
                                                      "hours, days_off, housing, japanese, tests."},
            "label": {"type": "string"},
            "value": {"type": "string"},
        },
    },
    "Location": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "prefectures"],
        "description": "Where the work is, as the posting states it.",
        "properties": {
            "kind": {"type": "string", "enum": ["place", "places", "nationwide", "remote", "unstated"],
                     "description": "One prefecture, several workplaces, anywhere in Japan, remote, or not "
                                    "stated. Nationwide and remote postings are found under every prefecture."},
            "prefectures": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2}$"},
                            "description": "Every prefecture named, in the posting's order (empty when none)."},
        },
    },
    "BackedBy": {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "organisation", "source"],
        "description": "Who stands behind the job: the organisation that posted it, or the site it was imported from.",
        "properties": {
            "kind": {"type": "string", "enum": ["organisation", "import", "unknown"]},
            "organisation": {"oneOf": [{"type": "null"}, {"$ref": REF + "Organisation"}]},
            "source": {
                "oneOf": [{"type": "null"}, {
                    "type": "object", "additionalProperties": False, "required": ["name", "url"],
                    "properties": {"name": NULLABLE_STRING, "url": {"type": ["string", "null"], "format": "uri"}},
                }],
            },
        },
    },
    "Organisation": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "kind", "kind_label", "verified_on", "corporate_number", "corporate_number_url",
                     "oep_licence"],
        "properties": {
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": [kind.value for kind in OrganisationKind]},
            "kind_label": {"type": "string", "description": "The kind, in the language asked for."},
            "verified_on": {"type": ["string", "null"], "format": "date",
                            "description": "When staff last verified the organisation; null if never."},
            "corporate_number": {"type": ["string", "null"], "pattern": "^[0-9]{13}$",
                                 "description": "Japanese corporate number (法人番号)."},
            "corporate_number_url": {"type": ["string", "null"], "format": "uri",
                                     "description": "The number's page on the National Tax Agency's publication site."},
            "oep_licence": {
                "oneOf": [{"type": "null"}, {
                    "type": "object", "additionalProperties": False,
                    "required": ["number", "status", "status_label", "valid_until"],
                    "properties": {
                        "number": NULLABLE_STRING,
                        "status": {"type": "string", "enum": ["valid", "expired", "suspended", "cancelled", "unknown"]},
                        "status_label": {"type": "string"},
                        "valid_until": {"type": ["string", "null"], "format": "date"},
                    },
                }],
            },
        },
    },
    "Salary": {
        "type": "object",
        "additionalProperties": False,
        "required": ["min", "max", "unit", "currency"],
        "properties": {
            "min": {"type": ["integer", "null"], "minimum": 0},
            "max": {"type": ["integer", "null"], "minimum": 0},
            "unit": {"type": "string", "enum": [unit.value for unit in SalaryUnit]},
            "currency": {"type": "string", "const": "JPY"},
        },
    },
    "JobList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "total", "page", "per_page"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": REF + "Posting"}},
            "total": {"type": "integer", "minimum": 0, "description": "Matching postings on all pages."},
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        },
    },
    "Sector": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "name", "sub_areas"],
        "properties": {
            "code": {"type": "string"}, "name": {"$ref": REF + "NameEnJa"},
            "sub_areas": {"type": "array", "description": "Business categories (業務区分): a skills test counts "
                          "only for its own category.", "items": {
                              "type": "object", "additionalProperties": False, "required": ["code", "name"],
                              "properties": {"code": {"type": "string"}, "name": {"$ref": REF + "NameEnJa"}}}},
        },
    },
    "Prefecture": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "name", "region"],
        "properties": {
            "code": {"type": "string", "pattern": "^[0-9]{2}$"},
            "name": {"$ref": REF + "NameEnJa"},
            "region": {"type": "string", "description": "Region code, as taken by the `region` filter."},
        },
    },
    "Occupation": {
        "type": "object",
        "additionalProperties": False,
        "required": ["isco", "name"],
        "properties": {"isco": {"type": "string", "pattern": "^[0-9]{4}$"}, "name": {"$ref": REF + "NameEnJa"}},
    },
    "Trade": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "name", "isco_codes", "sectors"],
        "properties": {
            "code": {"type": "string"},
            "name": {
                "type": "object",
                "additionalProperties": False,
                "required": ["en", "ja", "ur"],
                "properties": {"en": {"type": "string"}, "ja": {"type": "string"}, "ur": NULLABLE_STRING},
            },
            "isco_codes": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{4}$"}},
            "sectors": {"type": "array", "items": {"type": "string"}},
        },
    },
    "NameEnJa": NAME_EN_JA,
    "SectorList": _list_of("Sector"),
    "PrefectureList": _list_of("Prefecture"),
    "OccupationList": _list_of("Occupation"),
    "TradeList": _list_of("Trade"),
    "Error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "integer", "minimum": 400, "maximum": 599},
                    "param": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "MatchRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["trades"],
        "properties": {
            "trades": {"type": "array", "minItems": 1, "items": {"type": "string"},
                       "description": "Trade codes or names (English, Japanese or Urdu), see /taxonomy/trades."},
            "years_experience": {"type": "number", "minimum": 0, "maximum": 50},
            "japanese": {"type": "object", "properties": {
                "jlpt": {"type": "string", "enum": ["N5", "N4", "N3", "N2", "N1"]},
                "jft_basic": {"type": "boolean"}, "nursing_care_test": {"type": "boolean"}}},
            "skills_tests": {"type": "array", "items": {"type": "string"},
                             "description": "SSW (i) skills tests passed: \"<sector>/<business category>\" "
                                            "(a test counts only for its own category; a bare \"<sector>\" "
                                            "when the category is not known); \":ii\" appended for SSW (ii)."},
            "titp_completed": {"type": ["string", "null"], "description": "Sector of completed TITP (ii)."},
            "licences": {"type": "array", "items": {"type": "string", "enum": ["pk_ltv", "pk_htv", "jp", "international"]}},
            "education": {"type": "string", "enum": ["none", "primary", "secondary", "intermediate", "diploma",
                                                     "bachelor", "master"]},
            "preferences": {"type": "object", "properties": {
                "sectors": {"type": "array", "items": {"type": "string"}},
                "regions": {"type": "array", "items": {"type": "string"}},
                "prefectures": {"type": "array", "items": {"type": "string"}},
                "min_monthly_pay": {"type": "integer", "minimum": 0},
                "housing_needed": {"type": "boolean"}, "strict": {"type": "boolean"}}},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        },
    },
    "MatchList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "total"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["job", "score", "eligibility", "route", "applicants_from", "applicants_from_text",
                             "reasons"],
                "properties": {
                    "job": {"$ref": REF + "Posting"},
                    "score": {"type": "integer", "minimum": 0, "maximum": 100},
                    "eligibility": {"type": "string", "enum": ["eligible", "needs_steps", "not_eligible"]},
                    "route": {"type": ["string", "null"], "enum": ["ssw1", "ssw2", "esd", "engineer", "other", None]},
                    "applicants_from": {"type": "string", "enum": ["abroad", "in_japan_only", "unknown"]},
                    "applicants_from_text": {"type": "string"},
                    "reasons": {"type": "array", "items": {
                        "type": "object", "additionalProperties": False, "required": ["kind", "code", "text"],
                        "properties": {"kind": {"type": "string", "enum": ["fit", "gap"]},
                                       "code": {"type": "string"}, "text": {"type": "string"}}}},
                },
            }},
        },
    },
    "ParamError": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "param", "message"],
                "properties": {
                    "code": {"type": "integer", "const": 400},
                    "param": {"type": "string", "description": "The query parameter that was not accepted."},
                    "message": {"type": "string", "description": "What is wrong with it, in English."},
                },
            },
        },
    },
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF + schema}}}}


BAD_PARAMETER = _json("A query parameter was not accepted; `param` names it.", "ParamError")


def _lang_parameter(languages: tuple[str, ...], default: str) -> dict:
    return _query("lang", {"type": "string", "enum": list(languages), "default": default},
                  "Language of each posting's `url` (its job page) and of its `employer` name; best match "
                  "puts postings with a title in this language first.")


def _search_parameters() -> list[dict]:
    return [
        _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
               "Keywords, in English or Japanese; each word must match, synonyms across languages count."),
        _query("sector", {"type": "string"}, "A sector code from /taxonomy/sectors."),
        _query("region", {"type": "string"}, "A region code (the `region` of /taxonomy/prefectures)."),
        _query("prefecture", {"type": "string", "pattern": "^[0-9]{2}$"},
               "A prefecture code from /taxonomy/prefectures; takes precedence over `region`. Postings "
               "with several workplaces are found under each; nationwide and remote ones under every one."),
        _query("japanese", {"type": "string", "enum": list(LEVEL_RANK)},
               "The seeker's Japanese level: postings that need this level or less."),
        _query("visa", {"type": "string", "enum": list(VISA_CODES)}, "Postings open to this visa."),
        _query("employment_type", {"type": "string", "enum": [kind.value for kind in EmploymentType]},
               "schema.org employment type."),
        _query("min_pay", {"type": "integer", "minimum": 0, "maximum": 10_000_000},
               "Lowest monthly pay in yen (hourly, daily and yearly pay are converted to a month)."),
        _query("housing", {"type": "string", "enum": ["1", "0", "true", "false", "on"]},
               "1, true or on: only postings that provide housing."),
        _query("sort", {"type": "string", "enum": list(SORTS), "default": SORTS[0]},
               "relevance: best match for the words first (with no words, newest first); newest first, "
               "highest pay first, or closing soonest first."),
        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}, "Page number."),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
               "Postings per page."),
    ]


def _taxonomy(operation_id: str, summary: str, schema: str) -> dict:
    return {"get": {"operationId": operation_id, "summary": summary, "tags": ["taxonomy"],
                    "responses": {"200": _json(summary, schema)}}}


def document(languages: tuple[str, ...], default_language: str) -> dict:
    """The OpenAPI document, for the site's locales (LANGUAGES and BABEL_DEFAULT_LOCALE)."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Kakehashi public API",
            "version": "1.0.0",
            "summary": "Read-only job postings in Japan for workers from Pakistan, and the codes they use.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/jobs": {
                "get": {
                    "operationId": "listJobs",
                    "summary": "Search published job postings",
                    "description": "The same parameters as the search page; unknown parameters are ignored.",
                    "tags": ["jobs"],
                    "parameters": [*_search_parameters(), _lang_parameter(languages, default_language),
                                   _query("score", {"type": "string", "enum": ["1", "0", "true", "false"]},
                                          "1 or true: each posting gets its relevance `score`."),
                                   _query("summary", {"type": "string", "enum": ["1", "0", "true", "false"]},
                                          "1 or true: each posting gets its `summary` in the language asked for.")],
                    "responses": {"200": _json("One page of matching postings.", "JobList"), "400": BAD_PARAMETER},
                },
            },
            "/jobs/{posting_id}": {
                "get": {
                    "operationId": "getJob",
                    "summary": "One published job posting",
                    "tags": ["jobs"],
                    "parameters": [
                        {"name": "posting_id", "in": "path", "required": True,
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}},
                        _lang_parameter(languages, default_language),
                    ],
                    "responses": {
                        "200": _json("The posting.", "Posting"),
                        "400": BAD_PARAMETER,
                        "404": _json("No published posting has this id (or it has closed).", "Error"),
                    },
                },
            },
            "/match": {
                "post": {
                    "operationId": "matchProfile",
                    "summary": "Jobs that fit a worker's profile, with score, verdict and reasons",
                    "description": "Nothing is stored. Reasons are written in the language given by `lang`.",
                    "tags": ["matching"],
                    "parameters": [_lang_parameter(languages, default_language)],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": REF + "MatchRequest"}}}},
                    "responses": {"200": _json("The best matches, best first.", "MatchList"),
                                  "400": {"description": "A field of the profile was not accepted; `param` names it.",
                                          "content": {"application/json": {"schema": {"$ref": REF + "ParamError"}}}}},
                },
            },
            "/taxonomy/sectors": _taxonomy("listSectors", "Sectors, in display order", "SectorList"),
            "/taxonomy/prefectures": _taxonomy("listPrefectures", "The 47 prefectures", "PrefectureList"),
            "/taxonomy/occupations": _taxonomy("listOccupations", "ISCO-08 occupations", "OccupationList"),
            "/taxonomy/trades": _taxonomy("listTrades", "Pakistani trades mapped to occupations and sectors",
                                          "TradeList"),
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "tags": ["meta"],
                    "responses": {"200": {"description": "OpenAPI 3.1 document.", "content": {"application/json": {
                        "schema": {"type": "object", "required": ["openapi", "info", "paths"]}}}}},
                },
            },
        },
        "components": {"schemas": SCHEMAS},
    }
