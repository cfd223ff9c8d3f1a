"""Identifiers staff verify. Pure functions."""

from __future__ import annotations

import unicodedata


def corporate_number_check_digit(base12: str) -> int:
    """Check digit of a Japanese corporate number (法人番号) from its last 12 digits.

    National Tax Agency rule: 9 − (Σ Pn × Qn mod 9), n counted from the right, Qn = 1 for odd n
    and 2 for even n.
    """
    if len(base12) != 12 or not base12.isdigit():
        raise ValueError("base must be 12 digits")
    total = sum(int(digit) * (2 if n % 2 == 0 else 1) for n, digit in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    number = number.strip()
    if len(number) != 13 or not number.isascii() or not number.isdigit():
        return False
    return int(number[0]) == corporate_number_check_digit(number[1:])


def normalise_identifier(value: str | None) -> str | None:
    """As people type them: full-width digits and letters become ASCII; spaces and dashes go."""
    if value is None:
        return None
    value = unicodedata.normalize("NFKC", value)
    value = "".join(ch for ch in value if not ch.isspace() and ch not in "-‐‑‒–—―−ー")
    return value or None


#: The National Tax Agency's corporate-number publication site (国税庁法人番号公表サイト).
NTA_SITE = "https://www.houjin-bangou.nta.go.jp/"


def nta_url(number: str | None) -> str | None:
    """The publication site's page for one corporate number (its name, address and history), or
    None for a number that is not a valid corporate number."""
    if not number or not is_valid_corporate_number(number):
        return None
    return f"{NTA_SITE}henkorireki-johoto.html?selHouzinNo={number}"
