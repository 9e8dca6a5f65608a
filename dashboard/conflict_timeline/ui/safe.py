"""Showing untrusted data text in Streamlit: markdown-escaped text and http(s)-only links."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def md(text: object) -> str:
    """Escape every markdown (and LaTeX/HTML) metacharacter so data renders as plain text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


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
