"""Text folding so that searches ignore case and accents (Xankəndi finds Xankendi)."""

from __future__ import annotations

import unicodedata

import pandas as pd

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


_COMBINING = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def fold_series(texts: pd.Series) -> pd.Series:
    """``fold`` for a whole column at once (vectorised; same result for the marks in use)."""
    return (
        texts.astype(str)
        .str.translate(_SPECIAL)
        .str.normalize("NFKD")
        .str.replace(_COMBINING, "", regex=True)
        .str.casefold()
    )
