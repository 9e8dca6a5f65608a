"""Text folding so that searches ignore case and accents (Xankəndi finds Xankendi)."""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {"ə": "e", "Ə": "e", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ʻ": "", "ʼ": "", "’": "", "'": ""}
)


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes: 'Şuşa' -> 'susa', 'Xankəndi' -> 'xankendi'."""
    text = str(text).translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()
