"""Printed amount text ("12,604,173.00", "0", "—", "") → exact Decimal, canonical string and unit conversion.

Only Decimal is used, never float. A printed amount keeps the digits it was printed with
("0.00" stays "0.00", "14,206" becomes "14206"); a blank cell, a dash or a statement such as
"本表无数据" is no value (None), never 0. Converting between 元 and 万元 moves the decimal point
by four places, which is exact: 12,604,173.00 元 → 1260.4173 万元 (trailing zeros beyond two
decimals are dropped, no digit is rounded away).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Optional

# A number as printed: optional minus, digits with or without correct thousands groups, decimals.
NUMBER = re.compile(r"^(?P<sign>-?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?$")
MINUS = str.maketrans({"−": "-", "－": "-", "–": "-"})
# Printed marks that say "no value here": dashes, slashes, an empty set of marks.
NO_VALUE = re.compile(r"^[-—–－/／\\*＊]*$")
# Powers of ten of the amount units a table may print in, relative to one 元.
UNIT_POWER = {"元": 0, "千元": 3, "万元": 4, "亿元": 8}
MIN_DECIMALS = 2  # a converted amount shows at least this many decimals (the 万元 convention)


class NotANumber(ValueError):
    """A cell holds text that is neither an amount nor a mark of no value."""


def squash(text: Optional[str]) -> str:
    """Cell text → NFKC-normalised, stripped, minus signs unified ("1 2" stays two numbers, not 12)."""
    return unicodedata.normalize("NFKC", text or "").strip().translate(MINUS)


def is_number(text: Optional[str]) -> bool:
    """Cell text → whether it is a printed number (what parse_amount returns a Decimal for)."""
    return bool(NUMBER.match(squash(text)))


def parse_amount(text: Optional[str]) -> Optional[Decimal]:
    """Printed amount → Decimal; None for blank, dash or a no-value mark; NotANumber for other text."""
    flat = squash(text)
    if NO_VALUE.match(flat):
        return None
    match = NUMBER.match(flat)
    if not match:
        raise NotANumber(text)
    return Decimal(match["sign"] + match["int"].replace(",", "") + (match["frac"] or ""))


def plain(value: Decimal) -> str:
    """Decimal → its digits without exponent ("1260.4173", "0.00", "-12")."""
    text = format(value, "f")
    return text[1:] if text.startswith("-") and not value else text  # "-0.00" prints as "0.00"


def shift(value: Decimal, places: int) -> Decimal:
    """Decimal and a power of ten → value × 10**places, exactly (only the exponent moves)."""
    return value.scaleb(places)


def trimmed(value: Decimal, keep: int = MIN_DECIMALS) -> str:
    """Decimal → plain string with trailing fractional zeros dropped down to `keep` decimals."""
    text = plain(value)
    if "." not in text:
        return text + "." + "0" * keep if keep else text
    whole, frac = text.split(".")
    frac = frac.rstrip("0")
    frac += "0" * max(0, keep - len(frac))
    return f"{whole}.{frac}" if frac else whole


def factor(printed: str, package: str) -> int:
    """Printed unit and package unit → the power of ten to multiply by (元 → 万元: -4)."""
    try:
        return UNIT_POWER[printed] - UNIT_POWER[package]
    except KeyError as exc:
        raise ValueError(f"unknown amount unit {exc.args[0]!r}; the units are {', '.join(UNIT_POWER)}") from None


def canonical(text: Optional[str], places: int = 0) -> Optional[str]:
    """Printed amount and a power of ten → canonical decimal string in the package's unit, or None.

    places == 0: the printed digits without separators ("14,206" → "14206", "0.00" → "0.00").
    Otherwise the exact shifted value, at least two decimals ("12,604,173.00", -4 → "1260.4173").
    """
    value = parse_amount(text)
    if value is None:
        return None
    if places == 0:
        return plain(value)
    return trimmed(shift(value, places))


def printed_unit(line: str) -> Optional[str]:
    """A line such as "编制部门：… 单位：元" or "金额单位：万元" → the unit it states, else None."""
    units = "|".join(sorted(UNIT_POWER, key=len, reverse=True))
    match = re.search(rf"单位\s*:\s*({units})", unicodedata.normalize("NFKC", line))
    return match[1] if match else None
