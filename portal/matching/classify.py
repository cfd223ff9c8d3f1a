"""Give an imported job posting a sector, an ISCO-08 occupation and a confidence, with the evidence.

Pure: no Flask, no database, no network, no model. The taxonomy is plain data (`load_taxonomy` reads
the CSV files; tests may build a `Taxonomy` by hand with `build_taxonomy`).

How a posting is classified
---------------------------
1. **Code.** When `occupational_category` holds an ISCO-08 unit group we know ("7212", "ISCO-08: 7212",
   "7212 Welders and flamecutters") the occupation is that code and the sector is the occupation's
   sector: confidence 0.95, source "code". An O*NET-SOC code ("51-4121.06", "31-1131") goes through
   `ONET_TO_ISCO` below: confidence 0.90. The text may still move the sector, but only to another sector
   the occupation is known in (trades.csv, sector_weights.csv): a welder's code in a shipyard posting is
   shipbuilding. Then the confidence is 0.10 lower and the evidence says so.
2. **Text.** Otherwise every term of the taxonomy is looked for in the title (weight 3), the
   non-code occupational category (weight 2) and the description (weight 1), in English and Japanese:

   * Latin terms match whole words only, case-insensitively, with a plural `s`/`es`/`ies` allowed
     ("IT" never matches inside "kitchen", "cook" never inside "cookie"). Short upper-case acronyms
     (IT, CNC, CAD, AME, HVAC) match only in upper case, so the pronoun "it" is not IT.
   * Japanese terms match as substrings of the NFKC-normalised text. A katakana term of three
     characters or fewer must not be glued to other katakana (バス in バスタオル, ニット in ユニット)
     unless the neighbour is one of the common compound parts in `_KATAKANA_JOINS` (ビジネス|ホテル).
   * Where terms overlap, the longest wins (車両整備 hides 整備, 航空機整備士 hides 整備士). Names of
     occupations, trades and task areas compete only among themselves, so 林業機械オペレーター
     (an occupation name) does not hide the concept term 林業 inside it.
   * A term weighs by how specific it is: one Latin word or two kanji 1.0, three characters 1.25,
     several words or four and more characters 1.5, times a damping factor for generic terms
     (`term:` rows of sector_weights.csv: 現場, 整備, エンジニア…).
   * A term points to sectors through its concept (`sector_weights.csv`; a concept may point to
     several sectors with different weights, so context words decide: 溶接 + 造船所 is shipbuilding,
     溶接 + 建設現場 is construction) or a sector's own name (介護, Food service) at weight 1; when it
     has neither, through a task area's name (sub_areas.csv: 素材生産, silviculture) at 0.6, or
     else the occupation or trade it names (occupations.csv, trades.csv) at 0.5.
   * A concept counts once per field (its most specific term), so a long description does not
     outvote the title.

   The best sector wins. Confidence (documented formula, never above 0.9 so text never beats a code):

       margin     = (best - second) / best
       strength   = 1 - exp(-best / 3)            # one specific title term ≈ 3 points
       confidence = 0.9 * strength * (0.5 + 0.5 * margin)

   With no evidence, a best score below `MIN_SCORE` or a confidence below `MIN_CONFIDENCE`, the
   sector is "other" and the source "none". The occupation is the best-voted ISCO code within the
   chosen sector (names of occupations and trades, and the `isco` column of the concept rows).

Decisions the labelled sets follow (portal/data/classification/labelled_postings.jsonl, tests/classification/)
---------------------------------------------------------------------------------------
* Registered and associate nurses (看護師, 准看護師; ISCO 2221, 3221) are **other**: they need a
  Japanese nursing licence and are not SSW nursing care. Nursing assistants (看護助手) are nursing care.
* Hotels: primary duties decide. Front desk, guest service, banquet/restaurant service and
  housekeeping done by the hotel's own staff are **accommodation** (the SSW field lists restaurant
  service); cooking in a hotel kitchen is **food_service**; guest-room cleaning (客室清掃, bed
  making) is **accommodation**, whoever employs the cleaner; cleaning of a building's common areas,
  offices, hospitals or care homes by a cleaning company (ビルメンテナンス会社) is **building_cleaning**.
* 惣菜/弁当 factories, supermarket back-yard deli production, 水産加工, 給食センター and central
  kitchens (セントラルキッチン, cook-chill) are **food_manufacturing**; restaurants, izakaya, fast food
  and on-site kitchens of canteens, hospitals, care homes and nurseries (社員食堂, 病院給食, 給食室) are
  **food_service**.
* 保線, 鉄道車両整備 and station work are **railway**; 森林組合 and forest roads are **forestry**; ads
  that name only programming languages or cloud tools (Go, Kubernetes, Rails) are **it_engineering**.
* Staff corrections (`learned=`, read from the correction table by portal.matching.corrections)
  override the text for the exact text they corrected: source "correction".
* A close call (`Classification.runner_up`): the second sector scored at least `CLOSE_CALL_RATIO` of
  the best; imports queue it for staff with both fields named.
* A car-parts factory is **industrial_products**; servicing vehicles (also trucks and buses) is
  **automobile_repair**; driving them is **automobile_transport**.
* Welding, painting, piping, machining: a shipyard or 舶用 (marine) maker is **shipbuilding**, a building
  site is **construction**, a factory is **industrial_products**.
* Cleaning of stations and airport terminals by a cleaning company is **building_cleaning**.
* 施工管理 with a degree (engineer visa) is **it_engineering**; warehouse, forklift, security,
  retail, interpreting, laundry, furniture making are **other**.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from portal.jobs.textindex import singular

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

OTHER = "other"
FIELD_WEIGHTS = {"title": 3.0, "category": 2.0, "description": 1.0}
MIN_SCORE = 1.0  # one plain description term
MIN_CONFIDENCE = 0.2
CLOSE_CALL_RATIO = 0.75  # second-best sector score / best score from which staff are asked to choose
CODE_CONFIDENCE = {"isco": 0.95, "onet": 0.90}
CONTEXT_PENALTY = 0.10  # a code whose sector the text moved is a little less certain
# Sector evidence of a term that is not a concept term: a sector's own name counts fully, a task
# area (sub_areas.csv) less, the name of an occupation or trade least (names identify the occupation;
# the curated concept table is the main sector evidence).
SECTOR_NAME_WEIGHT = 1.0
SUB_AREA_WEIGHT = 0.6
OCCUPATION_NAME_WEIGHT = 0.5

# O*NET-SOC (2019) → ISCO-08 unit group. A small crosswalk for the codes job boards send most often;
# codes are matched with or without the ".NN" detail suffix.
ONET_TO_ISCO: dict[str, str] = {
    "51-4121": "7212",  # Welders, Cutters, Solderers, and Brazers (.06 welders, .07 solderers)
    "51-4041": "7223",  # Machinists
    "51-4031": "7223",  # Cutting, Punching, and Press Machine Setters
    "51-4072": "7211",  # Molding, Coremaking, and Casting Machine Setters
    "51-4193": "8122",  # Plating Machine Setters, Operators, and Tenders
    "51-9124": "7132",  # Coating, Painting, and Spraying Machine Setters
    "51-2028": "8212",  # Electrical, Electronic, and Electromechanical Assemblers
    "51-2031": "8211",  # Engine and Other Machine Assemblers
    "51-6031": "8153",  # Sewing Machine Operators
    "51-9198": "9329",  # Helpers--Production Workers
    "51-9111": "8183",  # Packaging and Filling Machine Operators and Tenders
    "51-3011": "7512",  # Bakers
    "51-3021": "7511",  # Butchers and Meat Cutters
    "51-3022": "7511",  # Meat, Poultry, and Fish Cutters and Trimmers
    "51-3092": "8160",  # Food Batchmakers
    "51-3093": "8160",  # Food Cooking Machine Operators and Tenders
    "51-7041": "8172",  # Sawing Machine Setters, Operators, and Tenders, Wood
    "51-7042": "7523",  # Woodworking Machine Setters, Operators, and Tenders, Except Sawing
    "31-1131": "5321",  # Nursing Assistants
    "31-1121": "5322",  # Home Health Aides
    "31-1122": "5322",  # Personal Care Aides
    "29-1141": "2221",  # Registered Nurses
    "29-2061": "3221",  # Licensed Practical and Licensed Vocational Nurses
    "53-3032": "8332",  # Heavy and Tractor-Trailer Truck Drivers
    "53-3033": "8322",  # Light Truck Drivers
    "53-3052": "8331",  # Bus Drivers, Transit and Intercity
    "53-3054": "8322",  # Taxi Drivers
    "53-4011": "8311",  # Locomotive Engineers
    "53-4031": "5112",  # Railroad Conductors and Yardmasters
    "53-7051": "8344",  # Industrial Truck and Tractor Operators
    "53-7062": "9333",  # Laborers and Freight, Stock, and Material Movers, Hand
    "53-7064": "9321",  # Packers and Packagers, Hand
    "35-1011": "3434",  # Chefs and Head Cooks
    "35-2011": "9411",  # Cooks, Fast Food
    "35-2014": "5120",  # Cooks, Restaurant
    "35-2021": "9412",  # Food Preparation Workers
    "35-9021": "9412",  # Dishwashers
    "35-3023": "5246",  # Fast Food and Counter Workers
    "35-3031": "5131",  # Waiters and Waitresses
    "45-2091": "8341",  # Agricultural Equipment Operators
    "45-2092": "9211",  # Farmworkers and Laborers, Crop, Nursery, and Greenhouse
    "45-2093": "9212",  # Farmworkers, Farm, Ranch, and Aquacultural Animals
    "45-3031": "6222",  # Fishing and Hunting Workers
    "45-4011": "9215",  # Forest and Conservation Workers
    "45-4021": "6210",  # Fallers
    "45-4022": "8341",  # Logging Equipment Operators
    "49-3023": "7231",  # Automotive Service Technicians and Mechanics
    "49-3031": "7231",  # Bus and Truck Mechanics and Diesel Engine Specialists
    "49-3011": "7232",  # Aircraft Mechanics and Service Technicians
    "49-9021": "7127",  # Heating, Air Conditioning, and Refrigeration Mechanics and Installers
    "49-9041": "7233",  # Industrial Machinery Mechanics
    "37-2011": "9112",  # Janitors and Cleaners, Except Maids and Housekeeping Cleaners
    "37-2012": "9112",  # Maids and Housekeeping Cleaners
    "37-3011": "9214",  # Landscaping and Groundskeeping Workers
    "47-2061": "9313",  # Construction Laborers
    "47-2031": "7115",  # Carpenters
    "47-2111": "7411",  # Electricians
    "47-2152": "7126",  # Plumbers, Pipefitters, and Steamfitters
    "47-2171": "7114",  # Reinforcing Iron and Rebar Workers
    "47-2221": "7214",  # Structural Iron and Steel Workers
    "47-2073": "8342",  # Operating Engineers and Other Construction Equipment Operators
    "47-2141": "7131",  # Painters, Construction and Maintenance
    "47-2161": "7123",  # Plasterers and Stucco Masons
    "47-2181": "7121",  # Roofers
    "47-2044": "7122",  # Tile and Stone Setters
    "47-2121": "7125",  # Glaziers
    "43-4081": "4224",  # Hotel, Motel, and Resort Desk Clerks
    "33-9032": "5414",  # Security Guards
    "27-3091": "2643",  # Interpreters and Translators
    "15-1252": "2512",  # Software Developers
    "15-1254": "2513",  # Web Developers
    "15-1251": "2514",  # Computer Programmers
    "15-1244": "2522",  # Network and Computer Systems Administrators
    "15-1232": "3512",  # Computer User Support Specialists
    "17-3011": "3118",  # Architectural and Civil Drafters
    "17-2051": "2142",  # Civil Engineers
    "17-2141": "2144",  # Mechanical Engineers
    "11-9081": "1411",  # Lodging Managers
    "11-9051": "1412",  # Food Service Managers
}

# Katakana words that commonly glue onto another katakana word without changing what it names.
_KATAKANA_JOINS = (
    "スタッフ", "ビジネス", "リゾート", "シティ", "カプセル", "ドライバー", "オペレーター", "マン",
    "ワーカー", "サービス", "センター", "ライン", "メンバー", "リーダー", "クルー", "ホール", "キッチン",
)

_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN_WORD = re.compile(rf"[^\W_{_CJK}]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_KATAKANA = re.compile(r"[\u30a0-\u30ff]")
_ALL_KATAKANA = re.compile(r"[\u30a0-\u30ff]+")
_LATIN_CHAR = re.compile(r"[a-z0-9]")
_ONET = re.compile(r"(?<![\d-])(\d{2})-(\d{4})(?:\.(\d{2}))?(?![\d])")
_ISCO = re.compile(r"(?<![\d.\-])(\d{4})(?![\d\-])")


# --------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Meaning:
    """One thing a term can mean: a concept, an occupation, a trade or a sector name."""

    kind: str  # "concept" | "occupation" | "trade" | "sector" | "sub_area"
    key: str


@dataclass(frozen=True)
class _Term:
    text: str  # normalised (NFKC, case-folded)
    tokens: tuple[str, ...]  # Latin terms: words; Japanese terms: ()
    case_sensitive: tuple[bool, ...]  # per token: an upper-case acronym in the dictionary
    raw_tokens: tuple[str, ...]
    japanese: bool
    specificity: float
    primary: bool  # a concept term or a sector name; names of occupations, trades, task areas are not
    sectors: tuple[tuple[str, float], ...]  # sector evidence per unit of field weight
    occupations: tuple[tuple[str, str, float], ...]  # (sector, isco, vote)
    meanings: tuple[Meaning, ...]


@dataclass(frozen=True)
class Taxonomy:
    occupations: dict[str, tuple[str, str, str]]  # isco → (name_en, name_ja, sector in occupations.csv)
    synonyms: dict[str, list[tuple[str, str]]]  # concept → [(term, lang)]
    sectors: dict[str, tuple[str, str]]  # code → (name_en, name_ja)
    concept_sector: dict[str, dict[str, float]]  # concept → {sector: weight}
    concept_occupation: dict[str, dict[str, str]] = field(default_factory=dict)  # concept → {sector: isco}
    occupation_sector: dict[str, str] = field(default_factory=dict)  # isco → sector a code maps to
    occupation_sectors: dict[str, frozenset[str]] = field(default_factory=dict)  # isco → every sector it is found in
    term_weights: dict[str, float] = field(default_factory=dict)  # normalised term → damping factor
    concept_vote: dict[str, float] = field(default_factory=dict)  # concept → weight of its occupation vote
    trades: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    sub_areas: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # sector → [(code, en, ja)]
    terms: tuple[_Term, ...] = field(default=(), repr=False, compare=False)
    _latin_index: dict[str, tuple[_Term, ...]] = field(default_factory=dict, repr=False, compare=False)
    _japanese: tuple[_Term, ...] = field(default=(), repr=False, compare=False)

    def occupation_name(self, isco: str | None, lang: str = "en") -> str | None:
        if isco is None or isco not in self.occupations:
            return None
        en, ja, _ = self.occupations[isco]
        return ja if lang == "ja" else en


@dataclass(frozen=True)
class Classification:
    sector: str
    occupation: str | None
    confidence: float
    evidence: tuple[str, ...]
    source: str  # "code" | "text" | "none" | "correction"
    scores: tuple[tuple[str, float], ...] = ()  # best sectors by text score, for staff and the bench

    @property
    def runner_up(self) -> str | None:
        """The second-best sector when it is close to the chosen one (a close call for staff), else None.

        Close: the second text score is at least `CLOSE_CALL_RATIO` of the best. Codes are not close
        calls; neither is a posting with no evidence."""
        if self.source in ("code", "correction") or len(self.scores) < 2:
            return None
        (best_sector, best), (second_sector, second) = self.scores[0], self.scores[1]
        if best <= 0 or second < CLOSE_CALL_RATIO * best:
            return None
        return second_sector if best_sector == self.sector else best_sector


# -------------------------------------------------------------------------------------- loading


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def load_taxonomy(data_dir: Path | str = DATA_DIR) -> Taxonomy:
    """Read portal/data: taxonomy/*.csv, ssw_fields.csv, sectors_extra.csv, classification/sector_weights.csv."""
    data_dir = Path(data_dir)
    sectors: dict[str, tuple[str, str]] = {}
    for name in ("ssw_fields.csv", "sectors_extra.csv"):
        for row in _read_csv(data_dir / name):
            sectors[row["code"]] = (row["name_en"], row["name_ja"])
    occupations = {
        row["isco"]: (row["name_en"], row["name_ja"], row["sector"])
        for row in _read_csv(data_dir / "taxonomy" / "occupations.csv")
    }
    synonyms: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _read_csv(data_dir / "taxonomy" / "synonyms.csv"):
        synonyms[row["concept"]].append((row["term"], row["lang"]))
    # Terms for the classifier only (search keeps to synonyms.csv): programming languages, 給食センター…
    terms_path = data_dir / "classification" / "terms.csv"
    for row in _read_csv(terms_path) if terms_path.exists() else []:
        synonyms[row["concept"]].append((row["term"], row["lang"]))
    trades = {
        row["code"]: (
            row["name_en"], row["name_ja"],
            tuple(c for c in row["isco_codes"].split(";") if c),
            tuple(s for s in row["sectors"].split(";") if s),
        )
        for row in _read_csv(data_dir / "taxonomy" / "trades.csv")
    }
    sub_areas: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in _read_csv(data_dir / "taxonomy" / "sub_areas.csv"):
        sub_areas[row["sector"]].append((row["code"], row["name_en"], row["name_ja"]))
    weights_path = data_dir / "classification" / "sector_weights.csv"
    weights = _read_csv(weights_path) if weights_path.exists() else []
    return build_taxonomy(
        occupations=occupations, synonyms=dict(synonyms), sectors=sectors, weights=weights, trades=trades,
        sub_areas=dict(sub_areas),
    )


def build_taxonomy(
    *,
    occupations: Mapping[str, tuple[str, str, str]],
    synonyms: Mapping[str, Iterable[tuple[str, str]]],
    sectors: Mapping[str, tuple[str, str]],
    weights: Iterable[Mapping[str, str]] = (),
    trades: Mapping[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] | None = None,
    sub_areas: Mapping[str, Iterable[tuple[str, str, str]]] | None = None,
) -> Taxonomy:
    """A Taxonomy from plain data. `weights` are rows of sector_weights.csv (key, sector, weight, isco)."""
    trades = dict(trades or {})
    concept_sector: dict[str, dict[str, float]] = defaultdict(dict)
    concept_occupation: dict[str, dict[str, str]] = defaultdict(dict)
    isco_rows: dict[str, dict[str, float]] = defaultdict(dict)
    term_weights: dict[str, float] = {}
    concept_vote: dict[str, float] = {}
    for row in weights:
        key, sector = row["key"].strip(), (row.get("sector") or "").strip()
        weight = float(row.get("weight") or 1.0)
        isco = (row.get("isco") or "").strip()
        if key.startswith("term:"):
            term_weights[_norm(key[5:])] = weight
        elif key.startswith("vote:"):
            concept_vote[key[5:]] = weight
        elif key.startswith("isco:"):
            isco_rows[key[5:]][sector] = weight
        else:
            if sector not in sectors:
                raise ValueError(f"sector_weights: unknown sector {sector!r} for {key!r}")
            concept_sector[key][sector] = weight
            if isco:
                concept_occupation[key][sector] = isco

    occupation_sector = {isco: row[2] for isco, row in occupations.items()}
    occupation_sectors: dict[str, set[str]] = defaultdict(set)
    for isco, sector in occupation_sector.items():
        occupation_sectors[isco].add(sector)
    for isco, dist in isco_rows.items():
        occupation_sector[isco] = max(dist, key=dist.__getitem__)
        occupation_sectors[isco] = set(dist)
    for _en, _ja, codes, trade_sectors in trades.values():
        for isco in codes:
            if isco not in isco_rows:
                occupation_sectors[isco].update(trade_sectors)
    for by_sector in concept_occupation.values():
        for sector, isco in by_sector.items():
            if isco not in isco_rows:
                occupation_sectors[isco].add(sector)

    partial = Taxonomy(
        occupations=dict(occupations),
        synonyms={k: list(v) for k, v in synonyms.items()},
        sectors=dict(sectors),
        concept_sector=dict(concept_sector),
        concept_occupation=dict(concept_occupation),
        occupation_sector=occupation_sector,
        occupation_sectors={k: frozenset(v) for k, v in occupation_sectors.items()},
        term_weights=term_weights,
        concept_vote=concept_vote,
        trades=trades,
        sub_areas={k: list(v) for k, v in (sub_areas or {}).items()},
    )
    terms = _compile_terms(partial, isco_rows)
    latin_index: dict[str, list[_Term]] = defaultdict(list)
    japanese: list[_Term] = []
    for term in terms:
        if term.japanese:
            japanese.append(term)
        else:
            latin_index[term.tokens[0]].append(term)
    return Taxonomy(
        occupations=partial.occupations,
        synonyms=partial.synonyms,
        sectors=partial.sectors,
        concept_sector=partial.concept_sector,
        concept_occupation=partial.concept_occupation,
        occupation_sector=partial.occupation_sector,
        occupation_sectors=partial.occupation_sectors,
        term_weights=term_weights,
        concept_vote=concept_vote,
        trades=trades,
        sub_areas=partial.sub_areas,
        terms=tuple(terms),
        _latin_index={k: tuple(v) for k, v in latin_index.items()},
        _japanese=tuple(sorted(japanese, key=lambda t: -len(t.text))),
    )


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


_AGENT = re.compile(r"(?:er|or|ist|ian|ant|man|men|smith|worker|hand)$")


def _occupation_terms_en(name: str) -> list[str]:
    """Ways a posting names an ISCO unit group: 'Welders and flamecutters' → welder.

    The first segment is the head noun ("Cooks", "Heavy truck …"): kept when it names a person.
    Later segments are kept only with two or more words ("lorry drivers"): a lone "fitters" or
    "repairers" says little.
    """
    out = [name]
    for index, part in enumerate(re.split(r",\s*|\s+and\s+|\s+or\s+", name)):
        part = part.strip()
        words = part.split()
        if not words or " in " in f" {part} " or "n.e.c" in part or words[0].lower() in {"other", "related"}:
            continue
        if index > 0 and len(words) < 2:
            continue
        last = singular(words[-1].lower())
        if _AGENT.search(last):
            out.append(" ".join(words[:-1] + [last]))
    return out


def _name_parts_ja(name: str) -> list[str]:
    """'介護職員・看護助手' → 介護職員, 看護助手 (parenthesised qualifiers dropped, parts of 3+ characters)."""
    bare = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    return [part for part in re.split(r"[・／/、]", bare) if len(part) >= 3 and part != bare]


def _occupation_terms_ja(name: str) -> list[str]:
    bare = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    return list(dict.fromkeys([name, bare, *_name_parts_ja(name)]))


def _sub_area_terms(tax: Taxonomy) -> dict[str, str]:
    """Task-area names (sub_areas.csv) that name one sector only: term → sector.

    Names are split (育林・素材生産 → 育林, 素材生産; "Silviculture and log production" →
    silviculture, log production; a later English part needs two words). A part is dropped when it
    also occurs inside a name or term of another sector (仕上げ is in 金型工・仕上げ工, "building" in
    "building cleaning").
    """
    candidates: dict[str, str] = {}
    for sector, rows in tax.sub_areas.items():
        if sector == OTHER:
            continue
        for _code, en, ja in rows:
            en_bare = re.sub(r"\([^)]*\)", "", en).strip()
            parts = re.split(r",\s*|\s+and\s+", en_bare)
            for index, part in enumerate([en_bare, *parts]):
                # as for occupation names: a later segment needs two words ("facilities" is too vague)
                if part.strip() and (index <= 1 or len(part.split()) >= 2):
                    candidates.setdefault(_norm(part), sector)
            ja_bare = re.sub(r"[（(][^）)]*[）)]", "", ja).strip()
            for part in [ja_bare, *re.split(r"[・／/、]", ja_bare)]:
                if len(part) >= 2:
                    candidates.setdefault(_norm(part), sector)
    # Every name or term with the sectors it belongs to.
    owners: list[tuple[str, frozenset[str]]] = []
    for code, (en, ja) in tax.sectors.items():
        owners += [(_norm(en), frozenset({code})), (_norm(ja), frozenset({code}))]
    for sector, rows in tax.sub_areas.items():
        for _code, en, ja in rows:
            owners += [(_norm(en), frozenset({sector})), (_norm(ja), frozenset({sector}))]
    for isco, (en, ja, _sector) in tax.occupations.items():
        sectors = tax.occupation_sectors.get(isco, frozenset())
        owners += [(_norm(en), sectors), (_norm(ja), sectors)]
    for concept, terms in tax.synonyms.items():
        sectors = frozenset(tax.concept_sector.get(concept, {}))
        if sectors:
            owners += [(_norm(term), sectors) for term, _lang in terms]
    out: dict[str, str] = {}
    for term, sector in candidates.items():
        if any(term in text and sector not in sectors for text, sectors in owners):
            continue
        latin = not _HAS_CJK.search(term)
        if latin and len(term) < 4:
            continue
        out[term] = sector
    return out


def _compile_terms(tax: Taxonomy, isco_rows: Mapping[str, Mapping[str, float]]) -> list[_Term]:
    meanings: dict[str, set[Meaning]] = defaultdict(set)
    raw_forms: dict[str, str] = {}

    def add(term: str, meaning: Meaning) -> None:
        norm = _norm(term)
        if not norm or not (_HAS_CJK.search(norm) or _LATIN_WORD.search(norm)):
            return
        meanings[norm].add(meaning)
        raw_forms.setdefault(norm, unicodedata.normalize("NFKC", term).strip())

    for concept, terms in tax.synonyms.items():
        for term, _lang in terms:
            add(term, Meaning("concept", concept))
    for isco, (en, ja, _sector) in tax.occupations.items():
        for term in _occupation_terms_en(en):
            add(term, Meaning("occupation", isco))
        for term in _occupation_terms_ja(ja):
            add(term, Meaning("occupation", isco))
    for code, (en, ja, _codes, _sectors) in tax.trades.items():
        for term in [en, *_occupation_terms_ja(ja)]:
            if "(" not in term and "/" not in term:
                add(term, Meaning("trade", code))
    for code, (en, ja) in tax.sectors.items():
        if code == OTHER:
            continue  # "other" / その他 are ordinary words
        add(en, Meaning("sector", code))
        add(ja, Meaning("sector", code))
    for term, sector in _sub_area_terms(tax).items():
        add(term, Meaning("sub_area", sector))

    compiled: list[_Term] = []
    for norm, means in meanings.items():
        japanese = bool(_HAS_CJK.search(norm))
        raw = raw_forms[norm]
        if japanese:
            tokens: tuple[str, ...] = ()
            raw_tokens: tuple[str, ...] = ()
            case_sensitive: tuple[bool, ...] = ()
            length = len(norm)
            spec = 1.0 if length <= 2 else 1.25 if length == 3 else 1.5
        else:
            raw_tokens = tuple(_LATIN_WORD.findall(raw))
            tokens = tuple(t.casefold() for t in raw_tokens)
            case_sensitive = tuple(t.isalpha() and t.isupper() and len(t) <= 4 for t in raw_tokens)
            spec = 1.0 if len(tokens) == 1 else 1.5
        spec *= tax.term_weights.get(norm, 1.0)

        # Sector evidence: concept rows and sector names first; task areas next; names of
        # occupations and trades only when the term has nothing better.
        sector_w: dict[str, float] = {}

        def put(sector: str, w: float) -> None:
            sector_w[sector] = max(sector_w.get(sector, 0.0), w)

        for m in means:
            if m.kind == "concept":
                for sector, w in tax.concept_sector.get(m.key, {}).items():
                    put(sector, w)
            elif m.kind == "sector":
                put(m.key, SECTOR_NAME_WEIGHT)
        primary = bool(sector_w) or any(m.kind == "concept" for m in means)
        if not sector_w:
            for m in means:
                if m.kind == "sub_area":
                    put(m.key, SUB_AREA_WEIGHT)
        if not sector_w:
            for m in means:
                if m.kind == "occupation":
                    dist = isco_rows.get(m.key) or {tax.occupation_sector[m.key]: 1.0}
                    for sector, w in dist.items():
                        put(sector, OCCUPATION_NAME_WEIGHT * w)
                elif m.kind == "trade" and len(tax.trades[m.key][3]) == 1:
                    put(tax.trades[m.key][3][0], OCCUPATION_NAME_WEIGHT)

        votes: dict[tuple[str, str], float] = {}
        for m in means:
            if m.kind == "concept":
                for sector, isco in tax.concept_occupation.get(m.key, {}).items():
                    # A trade word names the occupation wherever context puts it (塗装 in a shipyard is
                    # a painter); a workplace word (造船所, 工場) only hints at it: `vote:` rows.
                    w = tax.concept_vote.get(m.key, 1.0)
                    votes[(sector, isco)] = max(votes.get((sector, isco), 0.0), 0.5 * w)
            elif m.kind in ("occupation", "trade"):
                codes = (m.key,) if m.kind == "occupation" else tax.trades[m.key][2][:1]
                for isco in codes:
                    for sector in tax.occupation_sectors.get(isco, ()):
                        votes[(sector, isco)] = max(votes.get((sector, isco), 0.0), 1.0)
        if not sector_w and not votes:
            continue
        compiled.append(_Term(
            text=norm, tokens=tokens, case_sensitive=case_sensitive, raw_tokens=raw_tokens,
            japanese=japanese, specificity=spec, primary=primary,
            sectors=tuple(sorted(sector_w.items(), key=lambda kv: -kv[1])),
            occupations=tuple((s, i, v) for (s, i), v in sorted(votes.items())),
            meanings=tuple(sorted(means, key=lambda m: (m.kind, m.key))),
        ))
    return compiled


# -------------------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Match:
    term: _Term
    start: int
    end: int
    surface: str


def _plural_forms(word: str) -> set[str]:
    forms = {word}
    if word.endswith("s") and len(word) > 2:
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
    return forms


def _katakana_glued(text: str, start: int, end: int) -> bool:
    """A short katakana term sitting inside a longer katakana word (バス|タオル, ユ|ニット)."""
    left = right = ""
    i = start
    while i > 0 and _KATAKANA.match(text[i - 1]):
        i -= 1
    left = text[i:start]
    j = end
    while j < len(text) and _KATAKANA.match(text[j]):
        j += 1
    right = text[end:j]
    if left and not any(left.endswith(w) for w in _KATAKANA_JOINS):
        return True
    if right and not any(right.startswith(w) for w in _KATAKANA_JOINS):
        return True
    return False


_FIRST_CHAR_INDEX: dict[int, tuple[Taxonomy, dict[str, list]]] = {}


def _japanese_by_first_char(tax: Taxonomy) -> dict[str, list]:
    cached = _FIRST_CHAR_INDEX.get(id(tax))
    if cached is None or cached[0] is not tax:
        index: dict[str, list] = defaultdict(list)
        for term in tax._japanese:
            index[term.text[0]].append(term)
        cached = _FIRST_CHAR_INDEX[id(tax)] = (tax, dict(index))
    return cached[1]


def _find(tax: Taxonomy, text: str) -> list[_Match]:
    nfkc = unicodedata.normalize("NFKC", text)
    low = nfkc.casefold()
    found: list[_Match] = []

    # Latin: whole words, plural allowed, acronyms in upper case only.
    words = [(m.group(), m.start(), m.end()) for m in _LATIN_WORD.finditer(low)]
    words = [w for w in words if not _HAS_CJK.search(w[0])]
    raw_words = [m.group() for m in _LATIN_WORD.finditer(nfkc) if not _HAS_CJK.search(m.group())]
    if len(raw_words) != len(words):
        raw_words = [""] * len(words)
    forms = [_plural_forms(w[0]) for w in words]
    for i in range(len(words)):
        candidates: set[_Term] = set()
        for form in forms[i]:
            candidates.update(tax._latin_index.get(form, ()))
        for term in candidates:
            n = len(term.tokens)
            if i + n > len(words):
                continue
            ok = True
            for k in range(n):
                if term.case_sensitive[k]:
                    if raw_words[i + k] != term.raw_tokens[k]:
                        ok = False
                        break
                elif term.tokens[k] not in forms[i + k]:
                    ok = False
                    break
            if ok:
                start, end = words[i][1], words[i + n - 1][2]
                found.append(_Match(term, start, end, nfkc[start:end] if len(nfkc) == len(low) else low[start:end]))

    # Japanese: substrings of the normalised text. Only terms whose first character occurs in the
    # text can match, so look those up instead of searching for every term (10× faster on imports).
    if _HAS_CJK.search(low):
        by_first = _japanese_by_first_char(tax)
        candidates = [term for char in set(low).intersection(by_first) for term in by_first[char]]
        for term in candidates:
            t = term.text
            pos = low.find(t)
            while pos != -1:
                end = pos + len(t)
                ok = True
                if _LATIN_CHAR.match(t[0]) and pos > 0 and _LATIN_CHAR.match(low[pos - 1]):
                    ok = False  # NC旋盤 inside CNC旋盤
                elif len(t) <= 3 and _ALL_KATAKANA.fullmatch(t) and _katakana_glued(low, pos, end):
                    ok = False
                if ok:
                    found.append(_Match(term, pos, end, low[pos:end]))
                pos = low.find(t, pos + 1)

    # Longest match wins where matches overlap. Concept terms and sector names compete among
    # themselves, names of occupations/trades/task areas among themselves: 林業機械オペレーター (an
    # occupation name) does not hide 林業 (a concept term) inside it.
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
    kept: list[_Match] = []
    for m in found:
        pool = taken[m.term.primary]
        if any(m.start < e and s < m.end for s, e in pool):
            continue
        pool.append((m.start, m.end))
        kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


# ----------------------------------------------------------------------------------- classifying


def _parse_code(taxonomy: Taxonomy, value: str | None) -> tuple[str, str, str] | None:
    """(isco, kind, what was read) from an occupational category, or None."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value)
    for m in _ONET.finditer(text):
        base = f"{m.group(1)}-{m.group(2)}"
        full = f"{base}.{m.group(3)}" if m.group(3) else base
        isco = ONET_TO_ISCO.get(full) or ONET_TO_ISCO.get(base)
        if isco and isco in taxonomy.occupations:
            return isco, "onet", m.group(0)
    for m in _ISCO.finditer(text):
        if m.group(1) in taxonomy.occupations:
            return m.group(1), "isco", m.group(0)
    return None


def _without_codes(value: str) -> str:
    text = unicodedata.normalize("NFKC", value)
    return _ISCO.sub(" ", _ONET.sub(" ", text)).replace("ISCO-08", " ").strip()


def _score_text(taxonomy: Taxonomy, fields: list[tuple[str, str]]):
    """Sector scores, occupation votes and evidence lines from (field, text) pairs."""
    sector_scores: dict[str, float] = defaultdict(float)
    occ_scores: dict[tuple[str, str], float] = defaultdict(float)
    evidence: list[tuple[float, str, dict[str, float]]] = []
    for field_name, text in fields:
        weight = FIELD_WEIGHTS[field_name]
        # A meaning counts once per field: its most specific term.
        best: dict[Meaning | str, tuple[float, _Match]] = {}
        for match in _find(taxonomy, text):
            key: Meaning | str = match.term.meanings[0] if len(match.term.meanings) == 1 else match.term.text
            for m in match.term.meanings:
                if m.kind == "concept":
                    key = m
                    break
            prev = best.get(key)
            if prev is None or match.term.specificity > prev[0]:
                best[key] = (match.term.specificity, match)
        for spec, match in best.values():
            contrib = weight * spec
            added: dict[str, float] = {}
            for sector, w in match.term.sectors:
                sector_scores[sector] += contrib * w
                added[sector] = contrib * w
            for sector, isco, vote in match.term.occupations:
                occ_scores[(sector, isco)] += contrib * vote
            label = ", ".join(_describe(m) for m in match.term.meanings)
            evidence.append((max(added.values(), default=0.0), f'{field_name}: "{match.surface}" ({label})', added))
    return sector_scores, occ_scores, evidence


def _describe(meaning: Meaning) -> str:
    return {
        "concept": meaning.key,
        "occupation": f"ISCO {meaning.key}",
        "trade": f"trade {meaning.key}",
        "sector": f"name of {meaning.key}",
        "sub_area": f"task area of {meaning.key}",
    }[meaning.kind]


def _confidence(best: float, second: float) -> float:
    if best <= 0:
        return 0.0
    margin = (best - second) / best
    strength = 1 - math.exp(-best / 3)
    return round(0.9 * strength * (0.5 + 0.5 * margin), 3)


def _evidence_lines(evidence, sector: str, limit: int = 8) -> tuple[str, ...]:
    ranked = sorted(evidence, key=lambda e: (-e[2].get(sector, 0.0), -e[0]))
    lines = []
    for _top, text, added in ranked[:limit]:
        parts = ", ".join(f"{s} +{v:.2f}" for s, v in sorted(added.items(), key=lambda kv: -kv[1])[:3])
        lines.append(f"{text} → {parts}" if parts else f"{text} → occupation only")
    return tuple(lines)


# ------------------------------------------------------------------------------ staff corrections


@dataclass(frozen=True)
class LearnedLabels:
    """Labels staff gave to posting texts (the correction table), keyed by the text's fingerprint.

    A posting whose text matches a corrected text exactly (after NFKC, case and white space are
    normalised) gets the staff's label: the same job imported again, or copied to another board."""

    by_fingerprint: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.by_fingerprint)


_SPACE = re.compile(r"\s+")


def text_fingerprint(titles: Iterable[str | None], descriptions: Iterable[str | None]) -> str:
    import hashlib

    parts = ["\n".join(v for v in titles if v and v.strip()), "\n".join(v for v in descriptions if v and v.strip())]
    text = "\x00".join(_SPACE.sub("", unicodedata.normalize("NFKC", part).casefold()) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def learn(examples: Iterable[tuple[str | None, str | None, str, str | None]]) -> LearnedLabels:
    """LearnedLabels from (title, description, sector, occupation) in the order staff gave them (later wins)."""
    labels: dict[str, tuple[str, str | None]] = {}
    for title, description, sector, occupation in examples:
        labels[text_fingerprint([title], [description])] = (sector, occupation)
    return LearnedLabels(labels)


def classify(
    taxonomy: Taxonomy,
    *,
    title: str | None = None,
    description: str | None = None,
    occupational_category: str | None = None,
    title_en: str | None = None,
    title_ja: str | None = None,
    description_en: str | None = None,
    description_ja: str | None = None,
    learned: LearnedLabels | None = None,
) -> Classification:
    """Sector, occupation, confidence and evidence for one posting (see the module docstring).

    With `learned` (staff corrections), a text staff have corrected gets their label (source "correction")."""
    if learned:
        key = text_fingerprint((title, title_en, title_ja), (description, description_en, description_ja))
        if key in learned.by_fingerprint:
            sector, occupation = learned.by_fingerprint[key]
            return Classification(sector, occupation, 0.99, ("staff corrected a posting with this text",),
                                  "correction")
    fields: list[tuple[str, str]] = []
    for value in (title, title_en, title_ja):
        if value and value.strip():
            fields.append(("title", value))
    code = _parse_code(taxonomy, occupational_category)
    if code is None and occupational_category and _without_codes(occupational_category):
        fields.append(("category", _without_codes(occupational_category)))  # "Construction", "介護・福祉"
    for value in (description, description_en, description_ja):
        if value and value.strip():
            fields.append(("description", value))

    sector_scores, occ_scores, evidence = _score_text(taxonomy, fields)
    ranked = sorted(sector_scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best_sector, best = ranked[0] if ranked else (OTHER, 0.0)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    text_conf = _confidence(best, second)
    scores = tuple((s, round(v, 2)) for s, v in ranked[:4])

    if code is not None:
        isco, kind, read = code
        home = taxonomy.occupation_sector[isco]
        confidence = CODE_CONFIDENCE[kind]
        name = taxonomy.occupations[isco][0]
        via = f"O*NET {read} → ISCO-08 {isco}" if kind == "onet" else f"ISCO-08 {isco}"
        lines = [f'occupational_category: "{occupational_category}" = {via} ({name}) → {home}']
        sector = home
        allowed = taxonomy.occupation_sectors.get(isco, frozenset({home}))
        if (
            ranked and best_sector != home and best_sector in allowed
            and best >= MIN_SCORE and text_conf >= MIN_CONFIDENCE
            and sector_scores.get(best_sector, 0.0) > sector_scores.get(home, 0.0)
        ):
            sector = best_sector
            confidence -= CONTEXT_PENALTY
            lines.append(f"the text points to {best_sector}, where {name.lower()} also work")
            lines.extend(_evidence_lines(evidence, best_sector, limit=4))
        return Classification(sector, isco, round(confidence, 3), tuple(lines), "code", scores)

    if not ranked or best < MIN_SCORE or text_conf < MIN_CONFIDENCE:
        lines = _evidence_lines(evidence, best_sector) if evidence else ("no term of the taxonomy found",)
        return Classification(OTHER, None, text_conf if ranked else 0.0, lines, "none", scores)

    occupation = None
    candidates = [(v, isco) for (s, isco), v in occ_scores.items() if s == best_sector and v > 0]
    if candidates:
        occupation = max(candidates, key=lambda c: (c[0], c[1]))[1]
    return Classification(best_sector, occupation, text_conf, _evidence_lines(evidence, best_sector), "text", scores)


def classify_record(taxonomy: Taxonomy, record: Mapping[str, object]) -> Classification:
    """classify() for a dict with title/description/occupational_category (and _en/_ja variants)."""
    keys = ("title", "description", "occupational_category", "title_en", "title_ja", "description_en", "description_ja")
    kwargs = {k: record.get(k) for k in keys if isinstance(record.get(k), str)}
    return classify(taxonomy, **kwargs)
