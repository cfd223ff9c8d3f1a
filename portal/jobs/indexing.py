"""Keeps a posting's derived columns (search tokens, monthly estimate) in step with its content.

Every ORM save goes through the before_flush hook; bulk inserts call `derived_values` themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import event, inspect, select, text, update
from sqlalchemy.orm import Session

from portal.jobs.models import Posting, monthly_estimate
from portal.jobs.textindex import index_tokens
from portal.taxonomy.lookup import Reference, load, reference

TEXT_FIELDS = ("description", "requirements", "employer_name", "city")
STRONG_FIELDS = ("title",)  # with the field's and the occupation's names: what relevance weighs most


_HEAD_END = re.compile(r",|\(|（| and | in | for | of | except ")


def occupation_head(name: str) -> tuple[str, str]:
    """An occupation title as its head and the rest: "Motor vehicle mechanics and repairers"
    → ("Motor vehicle mechanics", " and repairers"); 清掃スタッフ（ビル・ホテル） → 清掃スタッフ."""
    match = _HEAD_END.search(name)
    return (name, "") if match is None else (name[:match.start()], name[match.start():])


def derived_values(values: Mapping, organisation_names: tuple[str | None, str | None] = (None, None),
                   ref: Reference | None = None) -> dict:
    """search_tokens and monthly_jpy for a posting given as a mapping of its column values."""
    ref = ref or reference()
    texts: list[str | None] = [values.get(f"{name}_{lang}") for name in TEXT_FIELDS for lang in ("en", "ja")]
    texts.extend(organisation_names)
    strong: list[str | None] = [values.get(f"{name}_{lang}") for name in STRONG_FIELDS for lang in ("en", "ja")]
    sector = ref.sectors.get(values.get("sector_code") or "")
    prefecture = ref.prefectures.get(values.get("prefecture_code") or "")
    occupation = ref.occupations.get(values.get("occupation_code") or "")
    sub_area = ref.sub_areas.get((values.get("sector_code"), values.get("sub_area")))
    for label in (prefecture, sub_area):
        if label is not None:
            texts.extend((label.en, label.ja))
    if sector is not None:  # the field says what the job is, as the title does
        strong.extend((sector.en, sector.ja))
    if occupation is not None:
        # ISCO titles run long ("Cleaners and helpers in offices, hotels and …"): only their head
        # says what the job is; the rest is indexed like the description.
        for name in (occupation.en, occupation.ja):
            head, rest = occupation_head(name)
            strong.append(head)
            texts.append(rest)
    if prefecture is not None:
        region = ref.regions.get(prefecture.region)
        if region is not None:
            texts.extend((region.en, region.ja))
    return {
        "search_tokens": index_tokens(texts, strong, [occupation.code] if occupation is not None else []),
        "monthly_jpy": monthly_estimate(values.get("salary_min"), values.get("salary_unit"), values.get("hours_per_week")),
    }


def refresh(posting: Posting) -> None:
    values = {column.key: getattr(posting, column.key) for column in Posting.__table__.columns}
    organisation = posting.organisation
    names = (organisation.name_en, organisation.name_ja) if organisation else (None, None)
    for name, value in derived_values(values, names).items():
        if getattr(posting, name) != value:
            setattr(posting, name, value)


@event.listens_for(Session, "before_flush")
def _refresh_postings(session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Posting):
            refresh(obj)


def reindex(session=None, batch_size: int = 2000) -> int:
    """Recompute every posting's search tokens (after the tokenisation or the labels changed) and
    return how many changed. Works through `session` (a migration passes one on its own connection);
    the caller commits. updated_at is left alone: the postings themselves did not change."""
    from portal.accounts.models import Organisation
    from portal.extensions import db

    session = session or db.session
    ref = load(session)
    # Only the columns the database has: an older migration runs this before later ones add theirs.
    present = {column["name"] for column in inspect(session.connection()).get_columns("postings")}
    columns = [column for column in Posting.__table__.columns
               if column.key != "search_tokens" and column.name in present]
    changed = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(Posting.search_tokens, Organisation.name_en, Organisation.name_ja, *columns)
            .outerjoin(Organisation, Organisation.id == Posting.organisation_id)
            .where(Posting.id > last_id).order_by(Posting.id).limit(batch_size)
        ).all()
        if not rows:
            _compact_search_index(session)
            return changed
        updates = []
        for row in rows:
            values = {column.key: value for column, value in zip(columns, row[3:])}
            tokens = derived_values(values, (row[1], row[2]), ref)["search_tokens"]
            if tokens != row[0]:
                updates.append({"id": values["id"], "search_tokens": tokens,
                                "updated_at": values["updated_at"]})  # kept as it was
        if updates:
            session.execute(update(Posting), updates)  # by primary key, one statement per batch
            changed += len(updates)
        last_id = values["id"]  # of the batch's last row


def _compact_search_index(session) -> None:
    """After rewriting every posting's tokens, merge the search index's pieces at once instead of
    leaving it to later writes: on 100,000 postings a fragmented FTS5 index made keyword lookups
    ~60 % slower (docs/performance.md)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO postings_fts(postings_fts) VALUES ('optimize')"))
    else:
        session.execute(text("SELECT gin_clean_pending_list('ix_posting_terms'::regclass)"))
