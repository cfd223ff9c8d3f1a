"""Who may use each endpoint. Every endpoint in the app must be declared here (later issues extend it)."""

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "seeker", "recruiter", "staff")
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset({"seeker", "recruiter", "staff"})

POLICY: dict[str, frozenset[str]] = {
    "static": EVERYONE,
    "root.index": EVERYONE,
    "root.healthz": EVERYONE,
    "root.readyz": EVERYONE,
    "public.home": EVERYONE,
    "public.jobs": EVERYONE,
    "public.job": EVERYONE,
    "feeds.jobs_atom": EVERYONE,
    "feeds.sitemap_index": EVERYONE,
    "feeds.sitemap_pages": EVERYONE,
    "feeds.sitemap_jobs": EVERYONE,
    "auth.login": EVERYONE,
    "auth.register": EVERYONE,
    "auth.logout": EVERYONE,
    "account.index": SIGNED_IN,
    "account.change_password": SIGNED_IN,
    "account.set_language": SIGNED_IN,
    "account.delete": SIGNED_IN,
    "seeker.dashboard": frozenset({"seeker"}),
    "recruiter.dashboard": frozenset({"recruiter"}),
    "staff.dashboard": frozenset({"staff"}),
    "api.jobs": EVERYONE,
    "api.job": EVERYONE,
    "api.sectors": EVERYONE,
    "api.prefectures": EVERYONE,
    "api.occupations": EVERYONE,
    "api.trades": EVERYONE,
    "api.openapi_document": EVERYONE,
}

# Values for URL arguments other than the language.
SAMPLE_ARGS: dict[str, dict] = {
    "static": {"filename": "style.css"},
    "api.job": {"posting_id": 1},
    "public.job": {"posting_id": 1},
    "feeds.sitemap_jobs": {"page": 1},
}
