"""Recruitment-fraud red flags: a posting's facts in, a list of flags with their evidence out.

A pure core (architecture guide, "Hard logic is pure"): no Flask, no SQLAlchemy, no network. The
caller gathers the facts (the posting's text, pay and worker costs, the prefecture's minimum wage,
the organisation, the OEP licence register, the duplicate check) into a `PostingFacts`, calls
`red_flags()` on every save and every import, stores the flags, and never publishes a posting
automatically while `holds_publication()` is true (not even from a trusted source or a verified
organisation). `needs_override_reason()` says when staff must give a reason to approve it.

The red flags are those of the BE&OE, FIA and ILO warnings and of Japan's Specified Skilled Worker
rules (shared/reference/README.md): fees, deposits, advance payments, penalties and cash paid by the
worker; pay below the prefecture's minimum wage; passports or residence cards kept by the employer;
a tourist or "Azad" visa; contact only through WhatsApp, Facebook or webmail; an unverified
organisation; an OEP not in the licence register; a likely duplicate; pay implausible for its unit.

Choices worth knowing (each has a test, most in the fixture table tests/fixtures/red_flags/):

* **Words are data.** The English, Japanese and Urdu words, their negations and exclusions are
  regular expressions in `portal/data/moderation/red_flag_words.toml`, so they can be corrected
  without touching this module. Text is matched after removing HTML tags and NFKC normalisation
  (full-width and half-width forms), case-insensitively, without word boundaries for Japanese.
* **Negation** is read around each word, inside its sentence: after the word, the first of a
  negation (手数料なし, 一切かかりません, "fees: none", "paid by the employer") or an amount or
  "paid by the worker" decides, so "手数料なし、保証金10万円" flags the deposit only; otherwise the
  words just before decide ("No fees, deposits or advance payments", "the employer pays all fees").
* **Exclusions**: a bank deposit of the salary (給与振込, "direct deposit"), a salary advance
  (給与前払い制度), wages paid in cash, a dormitory or insurance fee, "cashier", "فیس بک" (Facebook,
  not a fee), a passport copy or "passport required", and a worker who keeps their own passport.
* **Minimum wage**: pay is turned into yen an hour (`hourly_pay`): hour as is, day ÷ 8, month ÷ the
  monthly hours (hours a week × 52 ÷ 12, or 173.8 when hours are missing), year ÷ 12 then as a
  month. The lowest pay offered is compared (salary_min, else salary_max). Pay that is implausible
  for its unit (`PLAUSIBLE_PAY`, e.g. 月給1,200円) raises `implausible_pay` instead, since it is
  most likely the wrong unit and its "hourly" figure would mean nothing. The caller gives the
  minimum wage to meet: the highest of the places a posting names, or of all Japan for a nationwide
  or remote one. An imported ad with no pay at all raises `pay_not_stated` (`pay_expected`).
* **Worker costs** (the posting's itemised `worker_costs`): a one-off cost above zero is a fee
  (visa, training, airfare, deposit…); a cost paid every month or year (dormitory rent, meals) is a
  living cost and raises nothing, unless its name is a fee, deposit or penalty word (支援手数料).
* **One flag per code**, with the evidence of its first matches (up to three snippets).

Explanations: `FLAG_MESSAGES` holds each code's English msgid, marked with the no-op `N_()` so that
`flask translate extract` (pybabel's default keywords include N_) puts it into messages.pot; the
caller translates at request time with `explain(flag, gettext, format_number)`.
"""

from __future__ import annotations

import html as htmllib
import math
import re
import tomllib
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "FLAG_CODES",
    "FLAG_MESSAGES",
    "PERIOD_WORDS",
    "PLAUSIBLE_PAY",
    "SEVERITY",
    "STANDARD_MONTHLY_HOURS",
    "Flag",
    "PostingFacts",
    "explain",
    "holds_publication",
    "hourly_pay",
    "needs_override_reason",
    "normalise_licence",
    "plain_text",
    "red_flags",
    "risk_level",
    "scan_text",
]

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "moderation" / "red_flag_words.toml"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction only"
    """Mark a msgid for `pybabel extract` without translating it (this module has no locale)."""
    return message


# Copies of portal.jobs.models.SalaryUnit and STANDARD_MONTHLY_HOURS, and of the organisation
# vocabularies of portal.accounts.models: this module does not import the database layer; a unit
# test checks that the copies agree.
SALARY_UNITS = ("HOUR", "DAY", "MONTH", "YEAR")
STANDARD_MONTHLY_HOURS = 173.8
HOURS_PER_DAY = 8
ORGANISATION_STATUSES = ("unverified", "verified", "suspended")
OEP_KIND = "oep"

# Amounts in yen per stated period outside which the pay is not believable (a typo, the wrong unit,
# or a lure). Narrower than feeds.normalize._PLAUSIBLE, which only rejects parsing accidents.
PLAUSIBLE_PAY = {
    "HOUR": (300, 10_000),
    "DAY": (2_400, 80_000),
    "MONTH": (50_000, 2_000_000),
    "YEAR": (600_000, 24_000_000),
}

HIGH, MEDIUM, LOW = "high", "medium", "low"
# Word flags that, in the name of a worker's cost, make even a monthly cost a fee.
_FEE_CODES = {"fee_words", "deposit_words", "advance_payment_words", "penalty_words", "cash_only_words"}

# Every code, in the order flags are listed, with its severity.
SEVERITY = {
    "worker_costs": HIGH,
    "fee_words": HIGH,
    "deposit_words": HIGH,
    "advance_payment_words": HIGH,
    "penalty_words": HIGH,
    "cash_only_words": HIGH,
    "below_minimum_wage": HIGH,
    "passport_retention": HIGH,
    "tourist_or_azad_visa": HIGH,
    "unlicensed_oep": HIGH,
    "suspended_organisation": HIGH,
    "breaks_ssw_rules": HIGH,
    "implausible_pay": MEDIUM,
    "pay_not_stated": MEDIUM,
    "informal_contact": MEDIUM,
    "unverified_organisation": MEDIUM,
    "likely_duplicate": LOW,
}
FLAG_CODES = tuple(SEVERITY)

# What staff read, in English; placeholders are the keys of Flag.evidence.
FLAG_MESSAGES = {
    "worker_costs": N_(
        "The worker is asked to pay %(amount)s yen (%(items)s). Workers should pay no recruitment "
        "fees or related costs."
    ),
    "fee_words": N_("The text mentions a fee for the worker: “%(text)s”."),
    "deposit_words": N_(
        "The text mentions a deposit or guarantee money: “%(text)s”. Deposits are not allowed for "
        "Specified Skilled Workers."
    ),
    "advance_payment_words": N_("The text asks for a payment in advance: “%(text)s”."),
    "penalty_words": N_(
        "The text mentions a penalty or fine: “%(text)s”. Penalty clauses are not allowed for "
        "Specified Skilled Workers."
    ),
    "cash_only_words": N_(
        "The text asks for payment in cash: “%(text)s”. Payments to recruiters must go through a "
        "bank, with a receipt."
    ),
    "below_minimum_wage": N_(
        "Pay of %(hourly)s yen an hour is below the minimum wage of %(minimum)s yen in this prefecture."
    ),
    "passport_retention": N_(
        "The employer or agent would keep the worker's passport or residence card: “%(text)s”. "
        "This is not allowed."
    ),
    "tourist_or_azad_visa": N_(
        "The job is offered on a tourist visa or an “Azad visa”, not a work visa: “%(text)s”."
    ),
    "unlicensed_oep": N_("The OEP licence %(licence)s is not in the licence register."),
    "suspended_organisation": N_("The organisation is suspended."),
    "breaks_ssw_rules": N_(
        "The posting names the Specified Skilled Worker visa, but the job breaks its rules: %(rules)s. "
        "SSW work is full-time direct employment (agency dispatch only in agriculture and fishery), "
        "and construction pays a monthly wage."
    ),
    "implausible_pay": N_(
        "Pay of %(amount)s yen %(period)s is implausible; check the amount and the pay period."
    ),
    "pay_not_stated": N_(
        "The posting does not state the pay, so it cannot be compared with the minimum wage. Ask the "
        "employer for the pay in writing before it is published."
    ),
    "informal_contact": N_(
        "The only contact given is %(channels)s. Ask for the organisation's own address, e-mail "
        "and a written contract."
    ),
    "unverified_organisation": N_("The organisation has not been verified yet."),
    "likely_duplicate": N_("This posting looks like a duplicate of another posting."),
}

# The %(period)s of implausible_pay, translated by explain().
PERIOD_WORDS = {"HOUR": N_("an hour"), "DAY": N_("a day"), "MONTH": N_("a month"), "YEAR": N_("a year")}

assert set(FLAG_MESSAGES) == set(SEVERITY), "every flag needs words"


# --------------------------------------------------------------------------------------------
# Input and output
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingFacts:
    """What the red flags are computed from; the caller fills it from the posting and the database."""

    title_en: str | None = None
    title_ja: str | None = None
    description_en: str | None = None  # text or HTML
    description_ja: str | None = None
    requirements_en: str | None = None
    requirements_ja: str | None = None
    contact_text: str | None = None  # the organisation's contact details as text (website, phone…)
    apply_url: str | None = None
    contact_email: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_unit: str | None = None  # HOUR, DAY, MONTH or YEAR (any case)
    hours_per_week: float | None = None
    minimum_hourly_wage: int | None = None  # the prefecture's minimum wage in force, yen an hour
    # What the worker pays: [{"label" (or "item_en"/"item_ja"), "amount_jpy", "per": once|month|year}].
    worker_costs: Sequence[Mapping[str, object]] = ()
    organisation_status: str | None = None  # unverified, verified, suspended; None for imports
    organisation_kind: str | None = None  # employer, support_org, oep, other
    oep_licence: str | None = None
    licence_register: frozenset[str] = frozenset()  # OEP licences in the staff-kept register
    is_likely_duplicate: bool = False
    # The rules of the SSW visa the posting breaks while naming that visa (the caller asks
    # matching.engine.ssw_rule_breaks, the rule every verdict uses): part_time, day_labour, …
    ssw_rules_broken: tuple[str, ...] = ()
    # Imports: a job ad must state its pay (recruiters' own form asks for it separately).
    pay_expected: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "worker_costs", tuple(self.worker_costs or ()))
        object.__setattr__(self, "licence_register", frozenset(self.licence_register or ()))
        object.__setattr__(self, "ssw_rules_broken", tuple(self.ssw_rules_broken or ()))

    def texts(self) -> list[str]:
        return [value for value in (self.title_en, self.title_ja, self.description_en, self.description_ja,
                                    self.requirements_en, self.requirements_ja) if value]


@dataclass(frozen=True)
class Flag:
    """One red flag: its code, severity and the evidence its explanation quotes."""

    code: str
    severity: str
    evidence: Mapping[str, object] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "evidence": dict(self.evidence)}

    @classmethod
    def from_dict(cls, data: Mapping) -> Flag:
        code = data["code"]
        return cls(code, data.get("severity") or SEVERITY.get(code, HIGH), dict(data.get("evidence") or {}))


def _flag(code: str, **evidence: object) -> Flag:
    return Flag(code, SEVERITY[code], evidence)


# --------------------------------------------------------------------------------------------
# Decisions on a list of flags
# --------------------------------------------------------------------------------------------

_RANK = {HIGH: 3, MEDIUM: 2, LOW: 1}


def risk_level(flags: Iterable[Flag]) -> str:
    """'high', 'medium' or 'low' (the worst flag), or 'none'."""
    worst = max((_RANK.get(flag.severity, 3) for flag in flags), default=0)
    return {3: HIGH, 2: MEDIUM, 1: LOW, 0: "none"}[worst]


def holds_publication(flags: Iterable[Flag]) -> bool:
    """Any red flag: the posting waits for staff, whatever its source or organisation."""
    return any(True for _ in flags)


def needs_override_reason(flags: Iterable[Flag]) -> bool:
    """A high-risk posting can be approved only with a written override reason."""
    return risk_level(flags) == HIGH


def _format_number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


class _Params(dict):
    def __missing__(self, key: str) -> str:  # evidence stored before a message changed
        return "…"


def explain(flag: Flag, gettext: Callable[[str], str] = N_,
            format_number: Callable[[object], str] = _format_number) -> str:
    """The flag's sentence: pass flask_babel.gettext and portal.i18n.format_number at request time.

    Returns plain text (the evidence quotes the posting): let the template escape it.
    """
    msgid = FLAG_MESSAGES.get(flag.code)
    if msgid is None:
        return flag.code
    params = _Params()
    for name, value in flag.evidence.items():
        if name == "period":
            params[name] = gettext(PERIOD_WORDS.get(str(value), str(value)))
        elif name == "rules":
            params[name] = ", ".join(gettext(SSW_RULE_WORDS.get(rule, rule)) for rule in str(value).split(","))
        elif isinstance(value, int):
            params[name] = format_number(value)
        else:
            params[name] = value
    return gettext(msgid) % params


# --------------------------------------------------------------------------------------------
# Pay
# --------------------------------------------------------------------------------------------


def _unit(unit: str | None) -> str | None:
    value = (unit or "").strip().upper()
    return value if value in SALARY_UNITS else None


def hourly_pay(amount: float | None, unit: str | None, hours_per_week: float | None = None) -> float | None:
    """Pay in yen an hour: day ÷ 8, month ÷ (hours a week × 52 ÷ 12, or 173.8), year ÷ 12 as a month."""
    unit = _unit(unit)
    if amount is None or unit is None:
        return None
    monthly_hours = hours_per_week * 52 / 12 if hours_per_week and hours_per_week > 0 else STANDARD_MONTHLY_HOURS
    if unit == "HOUR":
        return float(amount)
    if unit == "DAY":
        return amount / HOURS_PER_DAY
    if unit == "MONTH":
        return amount / monthly_hours
    return amount / 12 / monthly_hours


def _pay_flags(facts: PostingFacts) -> list[Flag]:
    unit = _unit(facts.salary_unit)
    if facts.pay_expected and (unit is None or (facts.salary_min is None and facts.salary_max is None)):
        return [_flag("pay_not_stated")]
    if unit is None:
        return []
    low, high = PLAUSIBLE_PAY[unit]
    for amount in (facts.salary_min, facts.salary_max):
        if amount is not None and not low <= amount <= high:
            return [_flag("implausible_pay", amount=round(amount), period=unit)]
    pay = facts.salary_min if facts.salary_min is not None else facts.salary_max
    hourly = hourly_pay(pay, unit, facts.hours_per_week)
    minimum = facts.minimum_hourly_wage
    if hourly is not None and minimum and hourly < minimum:
        return [_flag("below_minimum_wage", hourly=math.floor(hourly), minimum=int(minimum),
                      amount=round(pay), period=unit)]
    return []


# Costs the worker pays again and again in Japan (rent, meals) are living costs, not recruitment fees.
RECURRING_COSTS = ("month", "year")


def _cost_flags(facts: PostingFacts) -> list[Flag]:
    """Fees and deposits the worker pays: one-off costs above zero, and any cost named as a fee."""
    total, items = 0, []
    for cost in facts.worker_costs:
        try:
            amount = float(cost.get("amount_jpy") or 0)
        except (TypeError, ValueError):
            continue
        label = str(cost.get("label") or cost.get("item_en") or cost.get("item_ja") or "?")
        if amount <= 0:
            continue
        recurring = str(cost.get("per") or "once").lower() in RECURRING_COSTS
        names = [cost.get(key) for key in ("label", "item_en", "item_ja")]
        if recurring and not {flag.code for flag in scan_text(*names)} & _FEE_CODES:
            continue
        total += amount
        items.append(label)
    return [_flag("worker_costs", amount=round(total), items=", ".join(items))] if items else []


# --------------------------------------------------------------------------------------------
# Organisation and licence
# --------------------------------------------------------------------------------------------

_LICENCE_PREFIX = re.compile(r"^(?:OEP|LICEN[CS]E|NO|NUMBER)+")


def normalise_licence(value: str | None) -> str:
    """An OEP licence number as compared with the register: "OEP Licence No. 1234/RWP" → "1234RWP"."""
    text = re.sub(r"[^A-Z0-9]", "", unicodedata.normalize("NFKC", value or "").upper())
    return _LICENCE_PREFIX.sub("", text)


def _organisation_flags(facts: PostingFacts) -> list[Flag]:
    flags = []
    status = (facts.organisation_status or "").lower()
    if status == "suspended":
        flags.append(_flag("suspended_organisation"))
    elif status == "unverified":
        flags.append(_flag("unverified_organisation"))
    if (facts.organisation_kind or "").lower() == OEP_KIND:
        licence = normalise_licence(facts.oep_licence)
        register = {normalise_licence(entry) for entry in facts.licence_register}
        if not licence or licence not in register:
            flags.append(_flag("unlicensed_oep", licence=(facts.oep_licence or "").strip() or "—"))
    return flags


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

# Arabic letters that Urdu writers' keyboards produce for the Urdu ones; joiners and tatweel.
_URDU = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1",
                       "\u200c": None, "\u200d": None, "\u0640": None})
_BREAK_TAG = re.compile(r"(?i)<\s*(?:br|/p|/li|/h\d|/div|/tr)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\xa0]+")


def plain_text(text: str | None) -> str:
    """Tags removed, entities decoded, NFKC-normalised (ＦＥＥ → FEE, ﾊﾟｽﾎﾟｰﾄ → パスポート)."""
    if not text:
        return ""
    text = htmllib.unescape(_TAG.sub(" ", _BREAK_TAG.sub("\n", text)))
    text = unicodedata.normalize("NFKC", text).translate(_URDU)
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines())


# Sentence ends: 。！？!? and line breaks; a full stop followed by a space, except after Rs. No. Mr. Co.
_SENTENCE_END = re.compile(r"[。！？!?\n]|(?<!\brs)(?<!\bno)(?<!\bmr)(?<!\bco)(?<!\bdr)(?<!\bst)\.(?=\s|$)|۔",
                           re.IGNORECASE)
_TOKEN = re.compile(r"[a-z][a-z'’]*|\S", re.IGNORECASE)
_LIST_PUNCTUATION = {",", "/", "&", "-", "、", "・", "(", ")"}


@dataclass(frozen=True)
class _Category:
    code: str
    words: tuple[re.Pattern, ...]
    exclude_match: tuple[re.Pattern, ...]
    exclude_before: tuple[re.Pattern, ...]
    exclude_after: tuple[re.Pattern, ...]
    negate_before: tuple[re.Pattern, ...]
    negate_after: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class _Rules:
    before_chars: int
    after_chars: int
    list_words: frozenset[str]
    negate_before: tuple[re.Pattern, ...]
    negate_before_sentence: tuple[re.Pattern, ...]
    negate_before_near: tuple[re.Pattern, ...]
    negate_after: tuple[re.Pattern, ...]
    affirm_after: tuple[re.Pattern, ...]
    categories: tuple[_Category, ...]
    webmail_domains: tuple[str, ...]
    informal_hosts: tuple[str, ...]
    whatsapp: tuple[re.Pattern, ...]
    facebook: tuple[re.Pattern, ...]
    only: tuple[re.Pattern, ...]
    warning: tuple[re.Pattern, ...]
    # WhatsApp and Facebook in one pattern: a text with neither and no e-mail address raises no
    # contact flag, and is passed over with one search (most postings; imports are benchmarked).
    any_informal: re.Pattern | None = None


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


@cache
def rules(path: Path = WORDS_FILE) -> _Rules:
    """The word lists, compiled once per process."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    negation, contact = data["negation"], data["contact"]
    categories = tuple(
        _Category(code, *(_compile(spec.get(key, ())) for key in (
            "words", "exclude_match", "exclude_before", "exclude_after", "negate_before", "negate_after")))
        for code, spec in data["categories"].items()
    )
    unknown = {category.code for category in categories} - set(SEVERITY)
    if unknown:
        raise ValueError(f"{path.name}: unknown flag codes {sorted(unknown)}")
    return _Rules(
        before_chars=data["window"]["before"], after_chars=data["window"]["after"],
        list_words=frozenset(word.lower() for word in negation["list_words"]),
        negate_before=_compile(negation["before"]),
        negate_before_sentence=_compile(negation["before_sentence"]), negate_before_near=_compile(negation["before_near"]),
        negate_after=_compile(negation["after"]), affirm_after=_compile(negation["affirm_after"]),
        categories=categories,
        webmail_domains=tuple(contact["webmail_domains"]), informal_hosts=tuple(contact["informal_hosts"]),
        whatsapp=_compile(contact["whatsapp"]), facebook=_compile(contact["facebook"]),
        only=_compile(contact["only"]), warning=_compile(contact["warning"]),
        any_informal=_union((*_compile(contact["whatsapp"]), *_compile(contact["facebook"]))),
    )


def _union(patterns: Iterable[re.Pattern]) -> re.Pattern | None:
    """One pattern matching wherever any of these matches (None: cannot be combined, check each)."""
    try:
        return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns), re.IGNORECASE)
    except re.error:
        return None


class _Text:
    """Normalised text with its sentence boundaries."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [match.end() for match in _SENTENCE_END.finditer(text)]

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_right(self.ends, start)
        first = self.ends[i - 1] if i else 0
        j = bisect_left(self.ends, end)
        last = self.ends[j] - 1 if j < len(self.ends) else len(self.text)
        return first, max(last, end)

    def snippet(self, start: int, end: int, width: int = 30) -> str:
        first, last = self.sentence(start, end)
        left, right = max(first, start - width), min(last, end + width)
        text = self.text[left:right].strip()
        return ("…" if left > first else "") + text + ("…" if right < last else "")


def _first_hit(patterns: Iterable[re.Pattern], text: str) -> int | None:
    starts = [match.start() for pattern in patterns if (match := pattern.search(text))]
    return min(starts) if starts else None


def _list_run(before: str, list_words: frozenset[str]) -> str:
    """The words just before a match that could belong to the same list or negation."""
    tokens = _TOKEN.findall(before)
    kept: list[str] = []
    for token in reversed(tokens):
        if token.lower().replace("’", "'") in list_words or token in _LIST_PUNCTUATION:
            kept.append(token)
        else:
            break
    return " ".join(reversed(kept))


def _negated(rules_: _Rules, category: _Category, before: str, after: str) -> bool:
    negation = _first_hit(rules_.negate_after + category.negate_after, after)
    affirmation = _first_hit(rules_.affirm_after, after)
    if negation is not None and (affirmation is None or negation < affirmation):
        return True
    if affirmation is not None:
        return False
    if any(pattern.search(before) for pattern in category.negate_before + rules_.negate_before_sentence):
        return True
    if any(pattern.search(before[-15:]) for pattern in rules_.negate_before_near):
        return True
    run = _list_run(before, rules_.list_words)
    return any(pattern.search(run) for pattern in rules_.negate_before)


def _category_snippets(text: _Text, category: _Category, rules_: _Rules, limit: int = 3) -> list[str]:
    found: list[str] = []
    for pattern in category.words:
        for match in pattern.finditer(text.text):
            first, last = text.sentence(match.start(), match.end())
            before = text.text[max(first, match.start() - rules_.before_chars):match.start()]
            after = text.text[match.end():min(last, match.end() + rules_.after_chars)]
            if any(p.search(match.group()) for p in category.exclude_match):
                continue
            if any(p.search(before) for p in category.exclude_before):
                continue
            if any(p.search(after) for p in category.exclude_after):
                continue
            if _negated(rules_, category, before, after):
                continue
            snippet = text.snippet(match.start(), match.end())
            if snippet not in found:
                found.append(snippet)
            if len(found) >= limit:
                return found
    return found


def scan_text(*texts: str | None) -> list[Flag]:
    """The word flags (fees, deposits, passports, visas…) raised by some text, in code order."""
    text = _Text("\n".join(plain_text(value) for value in texts if value))
    rules_ = rules()
    flags = []
    for category in rules_.categories:
        snippets = _category_snippets(text, category, rules_)
        if snippets:
            flags.append(_flag(category.code, text=" / ".join(snippets)))
    return flags


# --------------------------------------------------------------------------------------------
# Contact channels
# --------------------------------------------------------------------------------------------

# The look-behind starts a match only where an address can start: linear on long runs of letters.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_URL = re.compile(r"(?:https?://|www\.)([^\s/<>\"'()]+)[^\s<>\"'()]*", re.IGNORECASE)


def _host_in(host: str, domains: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _contact_flags(facts: PostingFacts) -> list[Flag]:
    rules_ = rules()
    plain = "\n".join(plain_text(value) for value in (*facts.texts(), facts.contact_text) if value)
    if rules_.any_informal is not None:
        # Quick exit: no WhatsApp or Facebook anywhere, and no e-mail address at all (so no webmail).
        everything = " ".join(value for value in (plain, facts.apply_url, facts.contact_email) if value)
        if "@" not in everything and not rules_.any_informal.search(everything):
            return []
    body = _Text(plain)
    # Sentences that warn about informal channels do not offer them.
    kept = []
    start = 0
    for end in [*body.ends, len(body.text)]:
        sentence = body.text[start:end]
        if not any(pattern.search(sentence) for pattern in rules_.warning):
            kept.append(sentence)
        start = end
    text = " ".join(kept)
    addresses = " ".join(value for value in (text, facts.apply_url, facts.contact_email) if value)

    webmail: list[str] = []
    formal = False
    for domain in _EMAIL.findall(addresses):
        domain = domain.lower()
        if _host_in(domain, rules_.webmail_domains):
            webmail.append(domain)
        else:
            formal = True
    without_emails = _EMAIL.sub(" ", addresses)
    for host in _URL.findall(without_emails):
        if not _host_in(host.removeprefix("www.").lower(), rules_.informal_hosts):
            formal = True  # the organisation's own site (WhatsApp and Facebook links count below)
    informal = [name for name, patterns in (("WhatsApp", rules_.whatsapp), ("Facebook", rules_.facebook))
                if any(pattern.search(without_emails) for pattern in patterns)] + webmail
    if not informal:
        return []
    only = any(pattern.search(text) for pattern in rules_.only)
    if formal and not only:
        return []
    channels = ", ".join(dict.fromkeys(informal))
    return [_flag("informal_contact", channels=channels)]


# --------------------------------------------------------------------------------------------
# All together
# --------------------------------------------------------------------------------------------


#: How a broken rule is named in the flag's sentence (the evidence keeps the rule codes).
SSW_RULE_WORDS = {"part_time": N_("part-time work"), "day_labour": N_("day labour"),
                  "dispatch": N_("agency dispatch"), "monthly_pay": N_("construction pay by the hour or day")}


def _visa_rule_flags(facts: PostingFacts) -> list[Flag]:
    """A posting that names SSW (i) or (ii) in one of its fields but breaks the visa's own rules."""
    if not facts.ssw_rules_broken:
        return []
    return [_flag("breaks_ssw_rules", rules=",".join(facts.ssw_rules_broken))]


def red_flags(facts: PostingFacts) -> list[Flag]:
    """Every red flag of a posting, one per code, in the order of FLAG_CODES."""
    flags = [
        *_cost_flags(facts),
        *scan_text(*facts.texts()),
        *_pay_flags(facts),
        *_organisation_flags(facts),
        *_contact_flags(facts),
        *_visa_rule_flags(facts),
    ]
    if facts.is_likely_duplicate:
        flags.append(_flag("likely_duplicate"))
    order = {code: index for index, code in enumerate(FLAG_CODES)}
    return sorted(flags, key=lambda flag: order[flag.code])
