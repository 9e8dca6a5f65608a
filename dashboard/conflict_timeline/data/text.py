"""Text folding so that searches ignore case and accents (Xankəndi finds Xankendi)."""

from __future__ import annotations

import re
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


# Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): data carrying them
# can show text reversed (U+202E). The implicit marks (LRM, RLM, ALM) cannot, and are kept.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """Data text for any display (tables, tooltips, charts): without bidi override characters."""
    return _BIDI_CONTROLS.sub("", str(text))


def plain_frame(frame):
    """A table for display (``st.dataframe``) with bidi overrides dropped from its text cells;
    rows, index and other values unchanged."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for column in out.columns:
        if is_object_dtype(out[column].dtype) or is_string_dtype(out[column].dtype):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    return out
