"""Where a job is: one prefecture, several workplaces, anywhere in Japan, or remote.

A pure core (no Flask, no SQLAlchemy). Real ads say where the work is in many ways: a PostalAddress,
several jobLocation entries, 勤務地：東京都新宿区、大阪府大阪市, 全国各地, "anywhere in Japan",
フルリモート, jobLocationType TELECOMMUTE. `locate()` reads them into a `Location`; nothing here
decides whether an item is kept (the import keeps every item with a title, a text and an employer).

Choices worth knowing (each has a test in tests/unit/test_places.py):

* **What the ad says about its place wins over what its text mentions.** A location field (address,
  region, 勤務地 line) that says 全国 / nationwide makes the job nationwide even when a head office is
  named elsewhere; one that says リモート / remote makes it remote. A remote perk in the body
  (在宅勤務制度あり) of a job with a named prefecture leaves it at that prefecture.
* **Several places**: every prefecture named in the location fields and in the 勤務地 / "Location:"
  lines, in the order written, once each. A designated city (横浜, 名古屋) counts for its prefecture.
* **Nationwide or remote with named places** keeps the places (a remote job of a Tokyo company lists
  Tokyo); the minimum wage it must meet is then the highest in Japan, as the worker may be anywhere.
* **Nothing named** gives kind "unstated", with no prefecture.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from portal.feeds import normalize

PLACE, PLACES, NATIONWIDE, REMOTE, UNSTATED = "place", "places", "nationwide", "remote", "unstated"
LOCATION_KINDS = (PLACE, PLACES, NATIONWIDE, REMOTE, UNSTATED)
# Kinds that may put the worker in any prefecture: found under every prefecture filter.
EVERYWHERE_KINDS = (NATIONWIDE, REMOTE)
MAX_PLACES = 47

_NATIONWIDE = re.compile(
    r"全国(?:各地|一円|どこでも|勤務|転勤|の(?:各)?(?:拠点|事業所|営業所|現場))?|日本全国|日本各地|全都道府県"
    r"|anywhere\s+in\s+japan|all\s+(?:over|across)\s+japan|across\s+japan|throughout\s+japan"
    r"|(?<![a-z])nation[\s-]*wide(?![a-z])|various\s+(?:locations|prefectures)\s+(?:in|across)\s+japan"
)
_REMOTE = re.compile(
    r"フルリモート|完全リモート|リモートワーク|リモート勤務|リモート|テレワーク|完全在宅|在宅勤務|在宅ワーク"
    r"|(?<![a-z])(?:fully\s+|100\s*%\s*|full[\s-]*)?remote(?![a-z])|work\s+from\s+home|(?<![a-z])wfh(?![a-z])"
    r"|telecommut\w*|home[\s-]*based"
)
# In a job's body only these say the whole job is remote (リモート可 or 在宅勤務制度 are perks).
_REMOTE_IN_BODY = re.compile(
    r"フルリモート|完全リモート|完全在宅|(?:勤務地|勤務場所|就業場所)\s*[:：]?\s*(?:\S{0,6})?(?:リモート|在宅|テレワーク)"
    r"|fully\s+remote|100\s*%\s*remote|full[\s-]*remote|remote\s*\(\s*japan\s*\)"
    r"|(?:work\s+)?location\s*:\s*remote"
)
_NATIONWIDE_IN_BODY = re.compile(
    r"全国各地|日本全国|全国の(?:各)?(?:拠点|事業所|営業所|現場)|(?:勤務地|勤務場所|就業場所)\s*[:：]?\s*全国"
    r"|anywhere\s+in\s+japan|all\s+over\s+japan|(?:work\s+)?locations?\s*:\s*(?:nation[\s-]*wide|all\s+over\s+japan)"
)
# The 勤務地 or "Location:" part of a body, up to the next heading or blank line.
_LOCATION_HEADING = re.compile(
    r"(?:【\s*)?(?:勤務地|勤務場所|就業場所|勤務先|work(?:ing)?\s+locations?|places?\s+of\s+work|workplaces?|locations?)"
    r"\s*(?:】|\]|:|：|\n)\s*", re.IGNORECASE
)
_NEXT_HEADING = re.compile(
    r"\n\s*\n|【|(?:\n|^)\s*(?:職種|仕事内容|業務内容|給与|給料|賃金|応募資格|資格|勤務時間|休日|休暇|待遇|福利厚生|雇用形態"
    r"|job\s+title|duties|salary|pay|requirements|qualifications|hours|benefits|holidays|employment)\s*[:：】]",
    re.IGNORECASE,
)
# Remote work offered as an option beside a place (リモート可, 在宅勤務制度あり, "remote OK"): a perk.
_REMOTE_PERK = re.compile(
    r"(?:リモート|テレワーク|在宅)(?:ワーク|勤務)?(?:制度)?\s*(?:も)?\s*(?:可|ok|あり|有|相談|併用|一部|週\d)"
    r"|(?:hybrid|partly|partial(?:ly)?|some)\s+remote|remote\s+(?:ok|possible|option|days?)"
)
_CITY_AFTER = re.compile(r"\s*([\u4e00-\u9fff\u3040-\u30ffー]{1,8}?[市区町村])")


@dataclass
class Place:
    prefecture_code: str
    city: str | None = None


@dataclass
class Location:
    kind: str = UNSTATED
    places: list[Place] = field(default_factory=list)

    @property
    def prefecture_code(self) -> str | None:
        """The primary place: the first one named."""
        return self.places[0].prefecture_code if self.places else None


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def location_lines(text: str | None, limit: int = 600) -> str:
    """The parts of a job text that say where the work is (勤務地：…, Location: …)."""
    if not text:
        return ""
    text = _nfkc(text[:50000])
    parts = []
    for heading in _LOCATION_HEADING.finditer(text):
        rest = text[heading.end():heading.end() + limit]
        end = _NEXT_HEADING.search(rest)
        parts.append(rest[:end.start()] if end else rest[:200])
        if len(parts) >= 5:
            break
    return "\n".join(part.strip() for part in parts if part.strip())


def _romaji_codes(text: str) -> list[tuple[int, str]]:
    key = normalize._romaji_key(text)
    _, _, romaji = normalize._prefectures()
    found = []
    for match in normalize._romaji_re().finditer(key):
        name = normalize._ROMAJI_VARIANTS.get(match.group("name"), match.group("name"))
        if name in romaji:
            found.append((match.start(), romaji[name]))
    for city, code in normalize._CITIES_EN.items():
        for match in re.finditer(rf"(?<![a-z]){re.escape(city)}(?![a-z])", key):
            found.append((match.start(), code))
    return found


def places_in(text: str | None) -> list[Place]:
    """Every prefecture a location text names, in order, once each, with the city written after it."""
    if not text or not text.strip():
        return []
    text = _nfkc(text[:5000])
    full, _, _ = normalize._prefectures()
    found: list[tuple[int, str, str | None]] = []
    taken: list[tuple[int, int]] = []
    for name, code in full.items():
        for match in re.finditer(re.escape(name), text):
            if name == "京都府" or not any(s <= match.start() < e for s, e in taken):
                city = _CITY_AFTER.match(text, match.end())
                found.append((match.start(), code, city.group(1) if city else None))
                taken.append((match.start(), match.end()))
    for city, code in normalize._CITIES.items():
        for match in re.finditer(re.escape(city), text):
            if not any(s <= match.start() < e for s, e in taken):
                found.append((match.start(), code, city if city[-1] in "市区" else None))
    if not found:
        found = [(position, code, None) for position, code in _romaji_codes(text)]
    places: list[Place] = []
    for _, code, city in sorted(found, key=lambda f: f[0]):
        known = next((p for p in places if p.prefecture_code == code), None)
        if known is None:
            places.append(Place(code, city))
        elif known.city is None and city:
            known.city = city
    return places[:MAX_PLACES]


def says_nationwide(text: str | None) -> bool:
    return bool(text) and bool(_NATIONWIDE.search(_nfkc(text).casefold()))


def _without_perks(text: str) -> str:
    return _REMOTE_PERK.sub(" ", _nfkc(text).casefold())


def says_remote(text: str | None) -> bool:
    return bool(text) and bool(_REMOTE.search(_nfkc(text).casefold()))


@dataclass
class Address:
    """One location as a source gives it (any field may be empty)."""

    region: str | None = None
    locality: str | None = None
    street: str | None = None
    postal_code: str | None = None
    text: str | None = None  # free text: a whole address, 全国, リモート…

    def words(self) -> str:
        return " ".join(filter(None, [self.region, self.locality, self.text, self.street]))


def _address_place(address: Address) -> Place | None:
    code = normalize.prefecture_code(region=address.region, address=" ".join(
        filter(None, [address.text, address.street])) or None, locality=address.locality,
        postal_code=address.postal_code)
    if code is None:
        return None
    city = address.locality
    if not city:
        named = places_in(address.words())
        city = named[0].city if named and named[0].prefecture_code == code else None
    return Place(code, city)


def locate(addresses: list[Address], *, remote: bool = False, nationwide: bool = False,
           body: str | None = None) -> Location:
    """The job's places from its addresses (each jobLocation), the source's own remote/nationwide
    signals (jobLocationType TELECOMMUTE, applicantLocationRequirements Japan) and its body text."""
    lines = location_lines(body)
    stated = " ".join([*(a.words() for a in addresses), lines])
    places: list[Place] = []

    def add(place: Place | None) -> None:
        if place is None:
            return
        known = next((p for p in places if p.prefecture_code == place.prefecture_code), None)
        if known is None:
            places.append(place)
        elif not known.city and place.city:
            known.city = place.city

    for address in addresses:
        named = places_in(address.words())
        if len(named) > 1:  # 東京都・大阪府 in one address field
            for place in named:
                add(place)
        else:
            add(_address_place(address))
    for place in places_in(lines):
        add(place)

    plain_body = _nfkc(body or "").casefold()
    if remote or says_remote(_without_perks(stated)) or _REMOTE_IN_BODY.search(_without_perks(plain_body)):
        return Location(REMOTE, places[:MAX_PLACES])
    if says_nationwide(stated) or nationwide or (not places and _NATIONWIDE_IN_BODY.search(plain_body)):
        return Location(NATIONWIDE, places[:MAX_PLACES])
    if not places and body:
        # Thin items (RSS) often name the place only in their text: the first prefecture named.
        code = normalize.prefecture_code(address=body[:20000])
        if code:
            places.append(Place(code, None))
    if not places:
        return Location(UNSTATED, [])
    return Location(PLACE if len(places) == 1 else PLACES, places[:MAX_PLACES])


def minimum_wage_for(kind: str, prefecture_codes: list[str], wages: dict[str, int]) -> tuple[int | None, str | None]:
    """(yen an hour, prefecture) the pay must meet: the highest minimum wage of the places named, or of
    all Japan for a nationwide, remote or unstated job (the worker may be sent anywhere)."""
    codes = list(wages) if kind in (*EVERYWHERE_KINDS, UNSTATED) or not prefecture_codes else prefecture_codes
    best = max(((wages[c], c) for c in codes if wages.get(c)), default=None)
    return (best[0], best[1]) if best else (None, None)
