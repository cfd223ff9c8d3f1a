"""Take-home pay estimate for a job in Japan. Pure: no Flask, no SQLAlchemy.

Gross monthly pay → employee shares of health insurance, pension and employment insurance, income
tax, resident tax (only from the second year: it is charged on the previous year's income), and the
posting's own deductions (housing and other costs the worker pays) → net, in yen and in rupees.

Every rate is a dated parameter with its source (`Parameter`); staff edit them (portal/guidance/
services.py keeps them in a table). The defaults below are APPROXIMATIONS, to be checked every year:

* health insurance 健康保険: employee half of the Japan Health Insurance Association (協会けんぽ)
  rate, national average 10.0 % in FY2025 → 5.0 % (prefectures differ; 40–64 year olds also pay
  long-term care insurance, not included);
* pension 厚生年金保険: 18.3 % of the standard monthly pay, half each → 9.15 %;
* employment insurance 雇用保険: worker share 5.5/1000 for general businesses in FY2025 → 0.55 %;
* income tax 所得税 (withheld monthly): a flat approximation — 5.105 % (5 % plus the 2.1 %
  reconstruction surtax) of (gross − social insurance − a monthly allowance standing for the
  employment income deduction and the basic deduction, ¥100,000). The real withholding table is
  progressive; for pay up to about ¥400,000 a month the flat 5 % bracket applies (to be checked);
* resident tax 住民税: about 10 % of (gross − social insurance − a monthly allowance of ¥90,000)
  plus a per-capita charge of about ¥5,000 a year, from the second year (to be checked).

Social insurance is computed on the gross pay itself, not on the standard monthly remuneration
bands (標準報酬月額): another approximation. Each amount is rounded to whole yen; the net is the
gross minus the rounded lines, so the breakdown always adds up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = ["DEFAULT_PARAMETERS", "Deduction", "Estimate", "Line", "Parameter", "estimate", "monthly_costs"]


@dataclass(frozen=True, slots=True)
class Parameter:
    key: str
    value: float
    as_of: date
    source: str
    approximate: bool = True


_SOURCES = {
    "kenpo": "Japan Health Insurance Association (協会けんぽ), FY2025 health insurance rates; national average 10.00 % (to be checked)",
    "nenkin": "Japan Pension Service (日本年金機構), employees' pension insurance rate 18.3 % since September 2017",
    "koyo": "MHLW (厚生労働省), FY2025 employment insurance rates: worker share 5.5/1000 for general businesses (to be checked)",
    "nta": "National Tax Agency (国税庁), income tax withholding table; flat 5.105 % approximation of the lowest bracket (to be checked)",
    "jumin": "Municipal resident tax (個人住民税): 10 % income levy and about ¥5,000 per-capita levy; approximation (to be checked)",
}

#: The shipped defaults (key → Parameter). Values are fractions (0.05 = 5 %) or yen.
DEFAULT_PARAMETERS: dict[str, Parameter] = {p.key: p for p in (
    Parameter("health_insurance_rate", 0.05, date(2025, 3, 1), _SOURCES["kenpo"]),
    Parameter("pension_rate", 0.0915, date(2017, 9, 1), _SOURCES["nenkin"], approximate=False),
    Parameter("employment_insurance_rate", 0.0055, date(2025, 4, 1), _SOURCES["koyo"]),
    Parameter("income_tax_rate", 0.05105, date(2025, 1, 1), _SOURCES["nta"]),
    Parameter("income_tax_allowance_monthly", 100000, date(2025, 1, 1), _SOURCES["nta"]),
    Parameter("resident_tax_rate", 0.10, date(2025, 6, 1), _SOURCES["jumin"]),
    Parameter("resident_tax_allowance_monthly", 90000, date(2025, 6, 1), _SOURCES["jumin"]),
    Parameter("resident_tax_per_capita_yearly", 5000, date(2025, 6, 1), _SOURCES["jumin"]),
)}

PARAMETER_KEYS = tuple(DEFAULT_PARAMETERS)


@dataclass(frozen=True, slots=True)
class Deduction:
    """A cost the posting says the worker pays (housing, meals…), per month."""

    label: str
    amount: int


@dataclass(frozen=True, slots=True)
class Line:
    code: str  # health_insurance, pension, employment_insurance, income_tax, resident_tax, posting_cost
    amount: int  # yen per month, ≥ 0
    label: str = ""  # for posting costs: the posting's own words


@dataclass(frozen=True, slots=True)
class Estimate:
    gross: int
    lines: tuple[Line, ...]
    net: int
    net_pkr: int | None
    second_year: bool

    @property
    def total_deductions(self) -> int:
        return sum(line.amount for line in self.lines)


def monthly_costs(worker_costs: Iterable[Mapping], lang: str = "en") -> list[Deduction]:
    """Posting.worker_costs (dicts with item_en/item_ja, amount_jpy, per once|month|year) as monthly
    deductions. One-off costs are not monthly deductions and are left out."""
    result = []
    for cost in worker_costs or ():
        per = cost.get("per") or "once"
        try:
            amount = int(cost.get("amount_jpy") or 0)
        except (TypeError, ValueError):
            continue
        if amount <= 0 or per not in ("month", "year"):
            continue
        label = (cost.get("item_ja") if lang == "ja" else None) or cost.get("item_en") or cost.get("item_ja") or ""
        result.append(Deduction(label, amount if per == "month" else round(amount / 12)))
    return result


def _value(params: Mapping[str, float | Parameter], key: str) -> float:
    value = params.get(key, DEFAULT_PARAMETERS[key])
    return float(value.value if isinstance(value, Parameter) else value)


def estimate(gross_monthly: int, params: Mapping[str, float | Parameter] | None = None, *,
             deductions: Iterable[Deduction] = (), second_year: bool = False,
             pkr_per_jpy: float | None = None) -> Estimate:
    """The monthly take-home pay for a gross monthly wage (see the module docstring)."""
    if gross_monthly < 0:
        raise ValueError("gross pay cannot be negative")
    params = params or {}
    gross = int(gross_monthly)
    health = round(gross * _value(params, "health_insurance_rate"))
    pension = round(gross * _value(params, "pension_rate"))
    employment = round(gross * _value(params, "employment_insurance_rate"))
    social = health + pension + employment
    taxable = max(gross - social - _value(params, "income_tax_allowance_monthly"), 0)
    income_tax = round(taxable * _value(params, "income_tax_rate"))
    lines = [Line("health_insurance", health), Line("pension", pension), Line("employment_insurance", employment),
             Line("income_tax", income_tax)]
    if second_year:
        resident_base = max(gross - social - _value(params, "resident_tax_allowance_monthly"), 0)
        resident = round(resident_base * _value(params, "resident_tax_rate")
                         + _value(params, "resident_tax_per_capita_yearly") / 12)
        lines.append(Line("resident_tax", resident))
    lines += [Line("posting_cost", max(int(d.amount), 0), d.label) for d in deductions]
    net = gross - sum(line.amount for line in lines)
    net_pkr = round(net * pkr_per_jpy) if pkr_per_jpy is not None else None
    return Estimate(gross, tuple(lines), net, net_pkr, second_year)
