"""Showing untrusted data text: markdown-escaped text, http(s)-only links, no bidi overrides.

``plain`` (no bidi overrides) lives with the other text helpers in ``data.text``, where the
figure builders can use it too.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from conflict_timeline.data.text import WORD_JOINER, plain, plain_frame  # noqa: F401 - re-exported

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")
# Streamlit draws `:material/name:` and `:emoji_name:` shortcodes as icons even when the colons are
# backslash-escaped; a word joiner (invisible) after the colon leaves no shortcode to find.
_SHORTCODE_START = re.compile(r":(?=[\w+-])")
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
