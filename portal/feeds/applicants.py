"""Who an imported posting takes, read from its text: people abroad, only people already in Japan,
or unknown. Also whether the worker is dispatched by an agency (派遣), and the business category
(業務区分) of the posting's field. Pure: no Flask, no SQLAlchemy, no I/O.

Why it matters: a worker in Pakistan can only take a job whose employer brings people from abroad
through a Certificate of Eligibility (matching.engine, `applicants_from`). Most Japanese job boards
list jobs for residents; they say so in a few set phrases, which are read here in both languages.

How the text decides (`infer_applicants_from`), first rule that applies:

1. A phrase that shuts out applicants abroad ("海外からの応募不可", "no visa sponsorship",
   "applicants outside Japan are not accepted") → in_japan_only.
2. A phrase that welcomes them ("海外からの応募可", "overseas applicants welcome", a Certificate of
   Eligibility, "we will bring you from Pakistan", 来日前の…) → abroad.
3. A phrase that asks for a life in Japan already ("国内在住の方", "在留資格をお持ちの方",
   "must be living in Japan", "valid work visa required", students, permanent residents) → in_japan_only.
4. The employment type: part-time, day labour and internships cannot bring a worker from abroad
   (no work visa is given for them) → in_japan_only.
5. Otherwise → unknown: the verdict then tells the seeker to ask the employer.

Text is compared after NFKC normalisation (full-width letters and digits become ASCII) and case
folding. The phrases are deliberately few and specific; bench/applicants_from.py prints how many of
the labelled examples in tests/fixtures/applicants_from/ they get right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["infer_applicants_from", "infer_dispatch", "infer_sub_area"]

_REFUSE_ABROAD = re.compile("|".join([
    # Japanese: applications from abroad are not accepted
    r"海外(?:在住|居住)?(?:の方|者)?(?:から)?の(?:ご)?応募(?:は)?(?:不可|できません|お断り|受け付けて(?:おり)?ません|不可能)",
    r"海外(?:在住|居住)(?:の方|者)(?:は)?(?:不可|対象外|応募できません|ご遠慮)",
    r"国内在住(?:の方|者)のみ|日本国内(?:に)?在住(?:の方|者)?のみ|日本在住(?:の方|者)?のみ",
    r"ビザ(?:の)?(?:サポート|スポンサー|申請支援)(?:は)?(?:なし|不可|できません|行っておりません|ありません)",
    # English
    r"no\s+visa\s+(?:sponsorship|support)",
    r"(?:do|does|will|can)\s*(?:not|n't)\s+(?:provide\s+|offer\s+)?(?:sponsor|support)\s+(?:work\s+)?visas?",
    r"(?:unable|not\s+able)\s+to\s+sponsor",
    r"(?:not|no)\s+(?:accept(?:ing)?\s+)?(?:applications?|applicants?)\s+from\s+(?:abroad|overseas|outside\s+(?:of\s+)?japan)",
    r"(?:applicants?|candidates?|applications?)\s+(?:from\s+)?(?:abroad|overseas|outside\s+(?:of\s+)?japan)\s+(?:are|will)\s+not",
    r"(?:only|exclusively)\s+(?:for\s+)?(?:applicants?|candidates?|people|those|residents?)\s+(?:who\s+are\s+)?(?:already\s+)?(?:living|residing|based)\s+in\s+japan",
    r"japan\s+residents?\s+only|in\s+japan\s+only",
]))

_WELCOME_ABROAD = re.compile("|".join([
    # Japanese
    r"海外(?:在住|居住)?(?:の方|者)?(?:から)?の(?:ご)?応募(?:も)?(?:可|歓迎|OK|ok|大歓迎|受け付けます|お待ち)",
    r"海外(?:在住|居住)(?:の方|者)(?:も)?(?:歓迎|可|応募可|OK|ok)",
    r"在留資格認定証明書|呼び寄せ|来日前|入国前|渡航費|航空券(?:代)?(?:支給|負担|会社負担)",
    r"現地(?:で)?(?:の)?(?:面接|選考)|オンライン面接.{0,20}海外|パキスタン(?:から|在住|で)",
    r"ビザ(?:の)?(?:サポート|スポンサー|申請(?:支援|サポート|代行))(?:あり|有|します|いたします|を行います)",
    # English
    r"(?:overseas|international|foreign)\s+applicants?\s+(?:are\s+)?welcome",
    r"(?:applicants?|candidates?|applications?)\s+from\s+(?:abroad|overseas|outside\s+(?:of\s+)?japan|pakistan)\s+(?:are\s+)?(?:welcome|accepted|can\s+apply|may\s+apply)",
    r"(?:we\s+)?(?:accept|welcome)\s+(?:applications?|applicants?)\s+from\s+(?:abroad|overseas|outside\s+(?:of\s+)?japan|pakistan)",
    r"apply\s+from\s+(?:abroad|overseas|pakistan|your\s+(?:home\s+)?country)",
    r"certificate\s+of\s+eligibility",
    r"(?<!no\s)visa\s+(?:sponsorship|support)\s+(?:is\s+)?(?:provided|available|offered|included)",
    r"(?:we|the\s+company|the\s+employer)\s+(?:will\s+)?(?:sponsor|support)\s+(?:your\s+)?(?:work\s+)?visa",
    r"(?:we|the\s+company|the\s+employer)\s+(?:will\s+)?(?:pay|pays|cover|covers)\s+(?:for\s+)?(?:your\s+)?(?:air\s*fare|flight)",
    r"(?:hire|hiring|recruit|recruiting|bring)\s+(?:workers\s+|you\s+|staff\s+)?(?:directly\s+)?from\s+(?:pakistan|abroad|overseas)",
    r"interviews?\s+(?:in|from)\s+pakistan|(?:before|after)\s+(?:coming|arriving|arrival)\s+(?:to|in)\s+japan",
]))

_LIVES_IN_JAPAN = re.compile("|".join([
    # Japanese
    r"国内在住|日本(?:国内)?(?:に)?在住|日本に(?:住んで|お住まい|居住)",
    r"在留資格(?:を|が)?(?:お持ち|持って|有する|保有|ある方)|就労(?:可能な|可能の|できる)?在留資格|在留カード(?:を)?(?:お持ち|持って)",
    r"就労ビザ(?:を)?(?:お持ち|持って|保有)|就労制限(?:の)?(?:ない|なし)|身分系(?:の)?在留資格",
    r"永住者|定住者|日本人の配偶者|留学生|資格外活動|来日済み|転職(?:希望)?の(?:特定技能|外国人)",
    # English
    r"(?:must|should|need\s+to)\s+(?:already\s+)?(?:be\s+)?(?:living|live|residing|reside|based)\s+in\s+japan",
    r"(?:currently|already)\s+(?:living|residing|based|in)\s+(?:in\s+)?japan",
    r"(?:residents?|people|those|candidates?|applicants?)\s+(?:living|residing|based)\s+in\s+japan",
    r"(?:valid|current)\s+(?:japanese\s+)?(?:work\s+)?(?:visa|residence\s+(?:card|status)|status\s+of\s+residence)",
    r"(?:must|should)\s+(?:already\s+)?(?:have|hold)\s+(?:a\s+)?(?:japanese\s+)?(?:work\s+)?(?:visa|residence)",
    r"permanent\s+residents?|spouse\s+(?:of\s+a\s+japanese\s+national\s+)?visa|long[\s-]term\s+residents?",
    r"international\s+students?|student\s+visa|working\s+holiday",
]))

#: Employment types no worker abroad can be hired for (no work visa is given for them).
RESIDENTS_ONLY_TYPES = frozenset({"PART_TIME", "PER_DIEM", "INTERN"})


def _text(texts: Iterable[str | None]) -> str:
    joined = "\n".join(t for t in texts if t)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", joined)).casefold()


def infer_applicants_from(texts: Iterable[str | None], employment_type: str | None = None) -> str:
    """"abroad", "in_japan_only" or "unknown" for a posting's texts (titles, descriptions,
    requirements, in any language; HTML is fine) and its schema.org employment type."""
    text = _text(texts)
    if _REFUSE_ABROAD.search(text):
        return "in_japan_only"
    if _WELCOME_ABROAD.search(text):
        return "abroad"
    if _LIVES_IN_JAPAN.search(text):
        return "in_japan_only"
    if employment_type in RESIDENTS_ONLY_TYPES:
        return "in_japan_only"
    return "unknown"


_DISPATCH = re.compile(r"派遣(?:社員|労働者|スタッフ|就業|先|会社|元|契約|で(?:の)?勤務|として)|人材派遣|労働者派遣"
                       r"|(?<![a-z])(?:dispatch(?:ed)?\s+(?:worker|staff|employee|employment|agency|contract|to)"
                       r"|temp(?:orary)?\s+(?:staffing\s+)?agency\s+(?:worker|staff|employment)|staffing\s+agency)")
_NOT_DISPATCH = re.compile(r"派遣(?:ではありません|ではない|なし|不可)|直接雇用|not\s+(?:a\s+)?dispatch|direct\s+employment|directly\s+employed")


def infer_dispatch(texts: Iterable[str | None]) -> bool:
    """Whether the text says the worker is employed by an agency and sent to another company (派遣).
    "直接雇用" / "direct employment" anywhere wins."""
    text = _text(texts)
    return bool(_DISPATCH.search(text)) and not _NOT_DISPATCH.search(text)


#: Words that name a business category besides its name in sub_areas.csv (lower case, NFKC).
SUB_AREA_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("agriculture", "crops"): ("耕種", "野菜", "果樹", "収穫", "cabbage", "vegetable", "greenhouse", "harvest"),
    ("agriculture", "livestock"): ("畜産", "酪農", "養豚", "養鶏", "牛", "dairy", "poultry", "cattle", "pig farm"),
    ("fishery", "fishing"): ("漁船", "漁業", "fishing boat", "fishing vessel"),
    ("fishery", "aquaculture"): ("養殖", "aquaculture", "fish farm", "oyster", "scallop"),
    ("construction", "civil_engineering"): ("土木", "道路", "トンネル", "civil engineering", "road work"),
    ("construction", "building"): ("建築", "型枠", "鉄筋", "とび", "鳶", "足場", "内装", "scaffold", "formwork",
                                   "rebar", "carpent"),
    ("construction", "lifelines"): ("ライフライン", "配管", "電気工事", "空調", "plumb", "electrical work", "piping"),
    ("automobile_transport", "truck"): ("トラック", "truck", "lorry"),
    ("automobile_transport", "taxi"): ("タクシー", "taxi"),
    ("automobile_transport", "bus"): ("バス運転", "バスドライバー", "bus driver"),
    ("aviation", "ground_handling"): ("グランドハンドリング", "ground handling"),
    ("aviation", "aircraft_maintenance"): ("航空機整備", "aircraft maintenance"),
    ("wood_industry", "sawmill"): ("製材", "sawmill"),
    ("wood_industry", "plywood"): ("合板", "plywood"),
}


def infer_sub_area(sector: str | None, texts: Iterable[str | None],
                   sub_areas: Iterable[tuple[str, str, str, str]]) -> str | None:
    """The business category of a posting in `sector`: the field's only one, or the one whose name
    (English or Japanese, sub_areas.csv) or words (SUB_AREA_WORDS) the text names — when exactly
    one is named. `sub_areas` are (sector, code, name_en, name_ja) rows; None when undecided."""
    rows = [row for row in sub_areas if row[0] == sector]
    if not rows:
        return None
    if len(rows) == 1:
        return rows[0][1]
    text = _text(texts)
    named = set()
    for _sector, code, name_en, name_ja in rows:
        words = (name_en, name_ja, *SUB_AREA_WORDS.get((sector, code), ()))
        if any(word and unicodedata.normalize("NFKC", word).casefold() in text for word in words):
            named.add(code)
    return named.pop() if len(named) == 1 else None
