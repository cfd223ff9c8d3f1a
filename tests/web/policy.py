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
    "seeker.profile": frozenset({"seeker"}),
    "seeker.save_profile": frozenset({"seeker"}),
    "seeker.upload_cv": frozenset({"seeker"}),
    "seeker.delete_cv": frozenset({"seeker"}),
    "seeker.download_cv": frozenset({"seeker"}),
    "seeker.export_data": frozenset({"seeker"}),
    "seeker.matches": frozenset({"seeker"}),
    "seeker.saved": frozenset({"seeker"}),
    "seeker.save_job": frozenset({"seeker"}),
    "seeker.unsave_job": frozenset({"seeker"}),
    "seeker.save_search": frozenset({"seeker"}),
    "seeker.delete_search": frozenset({"seeker"}),
    "public.unsubscribe": EVERYONE,
    "public.quick_match": EVERYONE,
    "recruiter.dashboard": frozenset({"recruiter"}),
    "staff.dashboard": frozenset({"staff"}),
    "staff.sources": frozenset({"staff"}),
    "staff.add_source": frozenset({"staff"}),
    "staff.source": frozenset({"staff"}),
    "staff.toggle_source": frozenset({"staff"}),
    "staff.run_source_soon": frozenset({"staff"}),
    "staff.upload_csv": frozenset({"staff"}),
    "staff.import_run": frozenset({"staff"}),
    "staff.imported_postings": frozenset({"staff"}),
    "staff.correct_classification": frozenset({"staff"}),
    "api.jobs": EVERYONE,
    "api.job": EVERYONE,
    "api.sectors": EVERYONE,
    "api.prefectures": EVERYONE,
    "api.occupations": EVERYONE,
    "api.trades": EVERYONE,
    "api.openapi_document": EVERYONE,
    "api.match": EVERYONE,
}

# POST endpoints that change nothing and read no session, so they need no CSRF token.
STATELESS_POST = frozenset({"api.match"})

# Values for URL arguments other than the language.
SAMPLE_ARGS: dict[str, dict] = {
    "static": {"filename": "style.css"},
    "api.job": {"posting_id": 1},
    "public.job": {"posting_id": 1},
    "public.unsubscribe": {"token": "not-a-token"},
    "seeker.save_job": {"posting_id": 1},
    "seeker.unsave_job": {"posting_id": 1},
    "seeker.delete_search": {"search_id": 1},
    "feeds.sitemap_jobs": {"page": 1},
    "staff.source": {"source_id": 1},
    "staff.toggle_source": {"source_id": 1},
    "staff.run_source_soon": {"source_id": 1},
    "staff.upload_csv": {"source_id": 1},
    "staff.import_run": {"run_id": 1},
    "staff.correct_classification": {"posting_id": 1},
}
