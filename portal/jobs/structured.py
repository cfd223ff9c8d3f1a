"""schema.org JobPosting JSON-LD for a job page (what Google for Jobs reads). Pure."""

from __future__ import annotations

import json
from html import escape

from portal.jobs.models import Posting

REQUIRED = ("title", "description", "datePosted", "hiringOrganization", "jobLocation")


def description_html(text: str | None) -> str:
    """Plain posting text as simple HTML paragraphs, escaped."""
    if not text:
        return ""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def _place(region: str | None, locality: str | None) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "JP"}
    if region:
        address["addressRegion"] = region
    if locality:
        address["addressLocality"] = locality
    return {"@type": "Place", "address": address}


def job_location(kind: str, places: list[tuple[str, str | None]]) -> dict:
    """jobLocation (one Place, or a list for several workplaces) and, for remote work,
    jobLocationType TELECOMMUTE with Japan as the applicants' required location. `places`:
    (prefecture name, city) of every place named. A job that may be anywhere names Japan."""
    located = [_place(region, city) for region, city in places] or [_place(None, None)]
    data: dict = {"jobLocation": located[0] if len(located) == 1 else located}
    if kind == "remote":
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "Japan"}
    return data


def job_posting(posting: Posting, *, lang: str, url: str, region: str, locality: str | None,
                employer: str, apply_on_site: bool, places: list[tuple[str, str | None]] | None = None) -> dict:
    """The JSON-LD; `places` replaces region/locality for a posting that names several places or none."""
    title, _ = posting.text("title", lang)
    description, _ = posting.text("description", lang)
    requirements, _ = posting.text("requirements", lang)
    data: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": title,
        "description": description_html(description) + description_html(requirements),
        "datePosted": (posting.published_at or posting.created_at).date().isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": employer},
        **job_location(posting.location_kind or "place", [(region, locality)] if places is None else places),
        "employmentType": posting.employment_type,
        "identifier": {"@type": "PropertyValue", "name": "Kakehashi", "value": str(posting.id)},
        "url": url,
        "directApply": apply_on_site,
        "inLanguage": lang,
    }
    if posting.valid_through:
        data["validThrough"] = posting.valid_through.isoformat() + "T23:59:59+09:00"
    if posting.salary_min is not None and posting.salary_unit:
        value = {"@type": "QuantitativeValue", "unitText": posting.salary_unit, "minValue": posting.salary_min}
        if posting.salary_max:
            value["maxValue"] = posting.salary_max
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "JPY", "value": value}
    if posting.openings:
        data["totalJobOpenings"] = posting.openings
    return data


def script_json(data: dict) -> str:
    """JSON safe inside <script>: no `</script>`, no HTML comment openers, whatever the text says."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
