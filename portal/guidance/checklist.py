"""The "How to apply" checklist of a job page. Pure: no Flask, no SQLAlchemy.

`requirements` lists what a posting asks for (visa route rules as the matching engine applies them,
the posting's Japanese level, a driving licence, the documents everyone needs), each linked to the
guide that explains it. `personal` turns the engine's verdict for a logged-in seeker
(portal/matching/services.py match_posting) into ✓ what they have / ✗ what is missing, keeping only
the reasons about the visa, tests, Japanese and licence (not trade fit or preferences).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.matching import engine
from portal.matching.engine import MatchResult, Reason
from portal.guidance.readiness import GAP_TARGETS

#: Where each engine fit is explained (gaps use readiness.GAP_TARGETS).
FIT_TARGETS: dict[str, tuple[str, str]] = {
    "titp_exempts_tests": ("guide", "routes"),
    "passed_skills_test": ("sector", ""),
    "has_jft_or_n4": ("guide", "japanese-tests"),
    "passed_nursing_japanese": ("guide", "japanese-tests"),
    "passed_ssw2_test": ("sector", ""),
    "meets_esd_japanese": ("guide", "japanese-tests"),
    "has_degree": ("guide", "routes"),
    "has_10_years": ("guide", "routes"),
    "meets_japanese_level": ("guide", "japanese-tests"),
    "has_japanese_licence": ("guide", "living-in-japan"),
    "hires_from_abroad": ("guide", "visa"),
}
PERSONAL_GAPS = frozenset(GAP_TARGETS) - {"no_matching_trade"}


@dataclass(frozen=True, slots=True)
class Item:
    code: str  # a requirement code (REQUIREMENT_CODES) or an engine reason code
    kind: str  # guide | sector
    target: str  # guide slug or sector code
    status: str = "needed"  # needed | have | missing
    reason: Reason | None = None  # for a seeker: the engine's reason (its words come from matching.messages)


REQUIREMENT_CODES = ("skills_test", "jft_or_n4", "nursing_japanese", "ssw2_test", "esd_japanese",
                     "degree_or_10_years", "japanese_level", "driving_licence", "passport", "coe_visa",
                     "protector", "check_recruiter", "no_fees")


def is_driver(sector: str, occupation: str | None) -> bool:
    return sector in engine.DRIVER_SECTORS or (occupation or "") in engine.DRIVER_OCCUPATIONS


def requirements(*, sector: str, occupation: str | None, visas: frozenset[str], japanese_level: str,
                 imported: bool) -> list[Item]:
    items: list[Item] = []
    ssw_field = sector in engine.SSW_FIELDS
    if "ssw1" in visas and ssw_field:
        items.append(Item("skills_test", "sector", sector))
        items.append(Item("jft_or_n4", "guide", "japanese-tests"))
        if sector == engine.NURSING_CARE:
            items.append(Item("nursing_japanese", "guide", "japanese-tests"))
    if "ssw2" in visas and sector in engine.SSW_II_FIELDS:
        items.append(Item("ssw2_test", "sector", sector))
    if "esd" in visas:
        items.append(Item("esd_japanese", "guide", "japanese-tests"))
    if "engineer" in visas:
        items.append(Item("degree_or_10_years", "guide", "routes"))
    if engine.JAPANESE_RANK.get(japanese_level, 0) > 0:
        items.append(Item("japanese_level", "guide", "japanese-tests"))
    if is_driver(sector, occupation):
        items.append(Item("driving_licence", "guide", "living-in-japan"))
    items += [Item("passport", "guide", "pakistan"), Item("coe_visa", "guide", "visa"),
              Item("protector", "guide", "pakistan")]
    if imported:
        items += [Item("check_recruiter", "guide", "pakistan"), Item("no_fees", "guide", "staying-safe")]
    return items


def personal(result: MatchResult, sector: str) -> list[Item]:
    """✓ / ✗ items from the engine's verdict for one seeker and one posting."""
    items = []
    for reason in result.reasons:
        if reason.kind == "fit" and reason.code in FIT_TARGETS:
            kind, target = FIT_TARGETS[reason.code]
            status = "have"
        elif reason.kind == "gap" and reason.code in PERSONAL_GAPS:
            kind, target = GAP_TARGETS[reason.code]
            status = "missing"
        else:
            continue
        items.append(Item(reason.code, kind, target or sector, status, reason))
    return items
