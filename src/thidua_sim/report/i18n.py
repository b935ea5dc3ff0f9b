"""Labels in Vietnamese and English, and numbers written the way each language writes them.

Every label, title, axis and table header of a brief, of the command line and of the planner
goes through :func:`t`; the one table of labels is :mod:`thidua_sim.report._labels`. An unknown
key is an error (:class:`UnknownLabel`), never the key shown as text, so a missing translation
cannot slip into what a planner reads. Vietnamese is the default language.

Numbers: Vietnamese groups thousands with a dot and uses a decimal comma (``1.234,5``;
percent ``12,3 %``); English uses ``1,234.5`` and ``12.3%``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..errors import UnknownLabel  # noqa: F401 (re-exported: callers import it from here)
from ._labels import LABELS

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "UnknownLabel",
    "check_language",
    "t",
    "has_label",
    "lower_first",
    "format_number",
    "format_percent",
    "format_points",
    "format_signed",
]

LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def check_language(lang: str) -> str:
    """``lang`` if it is a known language; ValueError naming the choices otherwise."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


def has_label(key: str) -> bool:
    """True if ``key`` has a label."""
    return key in LABELS


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The label ``key`` in ``lang`` ("vi" or "en"), with ``{name}`` fields filled from ``values``.

    >>> t("poor", "vi"), t("poor", "en")
    ('Hộ nghèo', 'Poor households')
    """
    check_language(lang)
    try:
        entry: Mapping[str, str] = LABELS[key]
    except KeyError:
        raise UnknownLabel(f"no label {key!r}; add it to thidua_sim/report/_labels.py") from None
    text = entry[lang]
    return text.format(**values) if values else text


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, for a label used inside a sentence; the rest
    is kept, so an abbreviation stays upper case.

    >>> lower_first("Theo số hộ nghèo DTTS")
    'theo số hộ nghèo DTTS'
    """
    return text[:1].lower() + text[1:]


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


def format_number(x: float | int | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """``x`` with thousands grouped and ``decimals`` decimals: vi ``1.234,5``, en ``1,234.5``.

    None and NaN give an en dash; -0 is written 0.

    >>> format_number(1234.5, "vi", 1), format_number(1234.5, "en", 1)
    ('1.234,5', '1,234.5')
    """
    check_language(lang)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    # half up, the way people round (Python alone rounds exact halves to even, and a float a hair
    # below a half would flip between runs): nudge by a relative 1e-12, far below any shown digit
    text = f"{abs(x) * (1 + 1e-12):.{int(decimals)}f}"
    whole, _, frac = text.partition(".")
    negative = x < 0 and any(c not in "0." for c in text)
    thousands, point = (".", ",") if lang == "vi" else (",", ".")
    body = _group(whole, thousands) + (point + frac if frac else "")
    return ("-" if negative else "") + body


def format_percent(x: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A percentage (``x`` already in percent): vi ``12,3 %``, en ``12.3%``."""
    text = format_number(x, lang, decimals)
    if text == "–":
        return text
    return f"{text} %" if lang == "vi" else f"{text}%"


def format_points(x: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 2) -> str:
    """Percentage points: vi ``2,15 điểm %``, en ``2.15 points``."""
    text = format_number(x, lang, decimals)
    if text == "–":
        return text
    return f"{text} {t('unit_points', lang)}"


def format_signed(x: float | None, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A number with its sign always shown (``+12``, ``-3,5``): margins and differences."""
    text = format_number(x, lang, decimals)
    if text in ("–", "∞") or text.startswith("-") or round(float(x), int(decimals)) == 0:
        return "+" + text if text == "∞" else text
    return "+" + text
