"""Staff corrections of the classifier: kept in a table, read back as the classifier's training data,
and measured (accuracy before and after corrections) for the staff page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.matching.classify import LearnedLabels, Taxonomy, learn
from portal.matching.evaluation import EVALUATION_DIR, HELDOUT, evaluate, load_items
from portal.matching.models import ClassificationCloseCall, ClassificationCorrection


def _joined(*values: str | None) -> str | None:
    return "\n".join(v for v in values if v and v.strip()) or None


def record(posting, sector: str, occupation: str | None, actor=None) -> ClassificationCorrection:
    """Add a correction row for `posting` (not committed: the caller's transaction commits it)."""
    row = ClassificationCorrection(
        posting_id=posting.id,
        title=_joined(posting.title_en, posting.title_ja) or "",
        description=_joined(posting.description_en, posting.description_ja),
        old_sector=posting.sector_code, old_occupation=posting.occupation_code,
        new_sector=sector, new_occupation=occupation,
        corrected_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.execute(ClassificationCloseCall.__table__.delete().where(
        ClassificationCloseCall.posting_id == posting.id))
    return row


def learned() -> LearnedLabels:
    """Every correction as training data, oldest first (a later correction of the same text wins)."""
    rows = db.session.execute(
        select(ClassificationCorrection.title, ClassificationCorrection.description,
               ClassificationCorrection.new_sector, ClassificationCorrection.new_occupation)
        .order_by(ClassificationCorrection.id)).all()
    return learn(tuple(row) for row in rows)


@dataclass(frozen=True)
class Accuracy:
    before: tuple[int, int]  # (right, total) without the corrections
    after: tuple[int, int]  # with them


def accuracy_report(taxonomy: Taxonomy) -> dict[str, Accuracy | None]:
    """Sector accuracy without and with the staff corrections, on the held-out evaluation set (None
    where it is not deployed) and on the corrected postings themselves."""
    labels = learned()
    report: dict[str, Accuracy | None] = {"heldout": None}
    path = EVALUATION_DIR / HELDOUT
    if path.exists():
        items = load_items(path)
        before, after = evaluate(taxonomy, items), evaluate(taxonomy, items, learned=labels)
        report["heldout"] = Accuracy((before.sector_hits, before.total), (after.sector_hits, after.total))
    rows = db.session.scalars(select(ClassificationCorrection).order_by(ClassificationCorrection.id)).all()
    latest = {(row.title, row.description): row for row in rows}  # one item per corrected text
    items = [{"title": r.title, "description": r.description, "sector": r.new_sector,
              "occupation": r.new_occupation} for r in latest.values()]
    before, after = evaluate(taxonomy, items), evaluate(taxonomy, items, learned=labels)
    report["corrections"] = Accuracy((before.sector_hits, before.total), (after.sector_hits, after.total))
    return report
