"""What to offer next to a search: "Did you mean welder?", and when nothing is found, the nearest
searches that do find jobs (one word fewer, one filter fewer, the field of the trade typed)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l

from portal.jobs.search import SearchParams, query_terms, search
from portal.jobs.textindex import normalise
from portal.taxonomy.lookup import reference
from portal.taxonomy.searchwords import suggest

MAX_NEAREST = 5
FILTERS = ("sector", "region", "prefecture", "japanese", "visa", "employment_type", "min_pay", "housing")


@dataclass(frozen=True)
class Nearby:
    """A search to offer: what changes (translated), its parameters and how many jobs it finds."""

    what: str
    params: SearchParams
    total: int


def _count(params: SearchParams) -> int:
    return search(replace(params, page=1, per_page=1), with_facets=False).total


def corrected_query(q: str) -> str | None:
    """The query with each word the dictionary does not know replaced by the dictionary word one
    edit away (weldr → welder); None when no word was corrected."""
    vocabulary = reference().suggestion_words
    words = q.split()
    fixed = [suggest(word, vocabulary) or word for word in words]
    return " ".join(fixed) if [normalise(w) for w in fixed] != [normalise(w) for w in words] else None


def did_you_mean(params: SearchParams) -> Nearby | None:
    """A corrected spelling of the search words, if the corrected search finds jobs."""
    if not params.q:
        return None
    corrected = corrected_query(params.q)
    if corrected is None:
        return None
    better = replace(params, q=corrected, page=1)
    total = _count(better)
    return Nearby(corrected, better, total) if total else None


def nearest_searches(params: SearchParams, lang: str) -> list[Nearby]:
    """Searches one step away from one that found nothing, that find something, nearest first."""
    ref = reference()
    candidates: list[tuple[str, SearchParams]] = []
    words = params.q.split()
    if len(words) > 1:
        for i, word in enumerate(words):
            rest = " ".join(words[:i] + words[i + 1:])
            candidates.append((_l("Without the word “%(word)s”", word=word), replace(params, q=rest)))
    for name in FILTERS:
        value = getattr(params, name)
        if value in (None, "", False):
            continue
        cleared = {name: None if name != "housing" else False}
        if name == "region":
            cleared["prefecture"] = None
        candidates.append((_l("Without the filter “%(filter)s”", filter=_filter_label(name, value, lang)),
                           replace(params, **cleared)))
    for sector in _fields_of_trades(params.q):
        label = ref.sectors[sector].name(lang)
        candidates.append((_l("All jobs in %(field)s", field=label), replace(params, q="", sector=sector)))
    if params.q and params.is_filtered and len(candidates) > 1:
        candidates.append((_l("The words alone, without filters"), SearchParams(q=params.q)))
    found: list[Nearby] = []
    seen: set[tuple] = set()
    for what, candidate in candidates:
        candidate = replace(candidate, page=1)
        key = tuple(sorted(candidate.to_args().items()))
        if key in seen or candidate == replace(params, page=1):
            continue
        seen.add(key)
        total = _count(candidate)
        if total:
            found.append(Nearby(str(what), candidate, total))
        if len(found) == MAX_NEAREST:
            break
    return found


def _fields_of_trades(q: str) -> list[str]:
    """The fields of the trades the words name (mason → construction), in the reference's order."""
    ref = reference()
    codes: set[str] = set()
    for term in query_terms(q) if q else []:
        codes.update(ref.occupation_words.get(term.text, ()))
    sectors: set[str] = set()
    for trade in ref.trades.values():
        if set(trade.isco_codes) & codes:
            sectors.update(trade.sector_codes)
    return [code for code in ref.sector_order if code in sectors]


def _filter_label(name: str, value, lang: str) -> str:
    from portal.labels import EMPLOYMENT_TYPE_NAMES, MY_JAPANESE_LEVEL_NAMES, VISA_NAMES

    ref = reference()
    if name == "sector":
        return ref.sectors[value].name(lang)
    if name == "region":
        return ref.regions[value].name(lang)
    if name == "prefecture":
        return ref.prefectures[value].name(lang)
    if name == "japanese":
        return str(MY_JAPANESE_LEVEL_NAMES[value])
    if name == "visa":
        return str(VISA_NAMES[value])
    if name == "employment_type":
        return str(EMPLOYMENT_TYPE_NAMES[value])
    if name == "min_pay":
        return str(_l("Minimum pay per month (yen)")) + f" {value:,}"
    return str(_l("Housing provided"))
