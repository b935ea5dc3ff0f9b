"""Text keys: how names and headers are compared (ASCII, lower case, no spaces).

One rule for every loader: a header, a commune name or a yes/no word written with or without
diacritics, in any case and spacing, reduces to the same key.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "name_key"]

# Prefixes of unit names, longest first (compared on keys, i.e. without diacritics or spaces).
_PREFIXES = ("thitran", "phuong", "tinh", "tt", "xa")
# Spelling variants that are the same place: applied to keys (ASCII, lower case, no spaces).
_VARIANTS = ((r"oo", "o"),)


def fold(text: str) -> str:
    """Lower case ASCII without diacritics; đ -> d."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def name_key(name: str, strip_prefix: bool = False) -> str:
    """The matching key of a name: ASCII, lower case, no spaces, hyphens or apostrophes.

    >>> name_key("Đăk Roong") == name_key("Đak Rong") == name_key("dak rong")
    True
    >>> name_key("Xã Kông Bờ La", strip_prefix=True) == name_key("Kông Bơ La")
    True
    """
    key = fold(name)
    key = re.sub(r"[\s\-_'’`´.,/()]+", "", key)
    if strip_prefix:
        for prefix in _PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                key = key[len(prefix):]
                break
    for pattern, repl in _VARIANTS:
        key = re.sub(pattern, repl, key)
    return key
