"""Showing untrusted data text: markdown-escaped text, http(s)-only links, no bidi overrides.

No Streamlit import here: the figure builders use ``plain`` too.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")
# Explicit embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): data carrying them
# can show text reversed (U+202E). The implicit marks (LRM, RLM, ALM) cannot, and are kept.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Streamlit draws `:material/name:` and `:emoji_name:` shortcodes as icons even when the colons are
# backslash-escaped; a word joiner (invisible) after the colon leaves no shortcode to find.
_SHORTCODE_START = re.compile(r":(?=[\w+-])")
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


def no_shortcodes(text: str) -> str:
    return _SHORTCODE_START.sub(":" + WORD_JOINER, text)


def md(text: object) -> str:
    """Escape every markdown (and LaTeX/HTML) metacharacter so data renders as plain text,
    with no bidi overrides and no icon or emoji shortcodes."""
    text = no_shortcodes(plain(text))
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def safe_url(url: str) -> str | None:
    """The URL if it is a plain http(s) address, else None (javascript:, data: … are never links)."""
    url = str(url).strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~")


def md_link(label: object, url: str) -> str:
    """A markdown link for safe URLs, escaped plain text otherwise."""
    target = safe_url(url)
    if target is None:
        return f"{md(label)} (unsafe link removed)"
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{md(label)}]({target})"
