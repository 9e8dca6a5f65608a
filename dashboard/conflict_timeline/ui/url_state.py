"""The URL is the state: read, validate and write the query parameters.

Parameters: ``from``, ``to`` (YYYY-MM-DD), ``q`` (text), and ``actor``, ``type``,
``verification``, ``event`` carrying ids (repeatable), plus ``v`` (dataset version).
``parse_params`` and ``to_params`` are pure; ``restore`` and ``write`` talk to Streamlit.
A bad value is ignored with a notice naming it, and the rest of the link still applies.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from conflict_timeline.data.load import Dataset
from conflict_timeline.data.query import FilterSpec, existing_event_ids
from conflict_timeline.data.versions import changes_since
from conflict_timeline.importers.uploads import is_upload
from conflict_timeline.ui.safe import no_shortcodes

PARAMS = ("from", "to", "q", "actor", "type", "verification", "event", "lane", "view", "control", "asof", "v", "data")
# Page-level choices that belong to the view too (widget key, allowed values; the first is the default).
CHOICES = {
    "lane": ("lane", ("side", "type")),
    "view": ("map-mode", ("points", "density")),
    "control": ("map-control", ("on", "off")),  # the control-of-territory layer
}
ASOF_KEY = "map-asof"  # the map's "as of" date inside the range (absent: the end of the range)
# The date widgets' limits: a link outside them is ignored with a notice (Streamlit would raise).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_TEXT = 200
# A notice shows at most this many characters of a value, and a link gets at most this many notices.
MAX_SHOWN = 60
MAX_NOTICES = 6
# Parameters that take one value: an earlier repeat is ignored with a notice, the last one applies.
SINGLE = ("from", "to", "event", "lane", "view", "control", "asof", "v", "data")
# A link made while viewing an uploaded file says so; the file itself never travels in a link.
UPLOAD_MARKER = "upload"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Widget keys in st.session_state, one per parameter.
KEYS = {
    "from": "f_from",
    "to": "f_to",
    "q": "f_q",
    "actor": "f_actor",
    "type": "f_type",
    "verification": "f_verification",
}
EVENT_KEY = "event"


@dataclass
class ViewState:
    date_from: dt.date
    date_to: dt.date
    text: str = ""
    actors: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    verification: list[str] = field(default_factory=list)
    event: str | None = None
    lane: str = "side"
    view: str = "points"
    control: str = "on"
    asof: dt.date | None = None  # None: the end of the range

    def spec(self) -> FilterSpec:
        return FilterSpec(
            self.date_from, self.date_to, tuple(self.actors), tuple(self.types), tuple(self.verification), self.text
        )


def data_range(data: Dataset) -> tuple[dt.date, dt.date]:
    """The default date range: first event start to last event end (or today for an empty dataset)."""
    if data.date_min is None or data.date_max is None:
        today = dt.date.today()
        return today, today
    return data.date_min, data.date_max


def default_state(data: Dataset) -> ViewState:
    start, end = data_range(data)
    return ViewState(start, end)


def _parse_date(raw: str) -> dt.date | None:
    """Only the documented form, YYYY-MM-DD (Python would also take 20201001 and 2020-W40-1)."""
    raw = raw.strip()
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _visible(text: str) -> str:
    """Control, format (bidi) and line-break characters as escapes."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in text
    )


def code(text: object, limit: int = MAX_SHOWN) -> str:
    """Untrusted text as a markdown code span it cannot break out of, cut to ``limit`` characters.

    Inside a code span nothing renders (no emphasis, links, images, headings, KaTeX, icons); the
    fence is one backtick longer than the longest run of backticks in the text.
    """
    text = str(text)
    cut = len(text) > limit
    shown = _visible(text[:limit])
    if len(shown) > 2 * limit:  # escapes make text longer: bound that too
        shown, cut = shown[: 2 * limit], True
    # Streamlit rewrites `:material/` even inside code spans: leave it no shortcode to find
    shown = no_shortcodes(shown)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}" + (f"… ({len(text):,} characters)" if cut else "")


def _ignored(name: str, value: str, why: str) -> str:
    if not value.strip():  # blank: show it as the link spells it (%20, %09)
        value = quote(value)
    return f"Ignored {code(f'{name}={value}')}: {why}."


def _bounded(notices: list[str]) -> list[str]:
    if len(notices) <= MAX_NOTICES:
        return notices
    rest = len(notices) - (MAX_NOTICES - 1)
    return [*notices[: MAX_NOTICES - 1], f"… and {rest} more values in this link were ignored."]


def parse_params(raw: Mapping[str, Sequence[str]], data: Dataset) -> tuple[ViewState, list[str]]:
    """Validate raw query parameters into a view state; every ignored value gets a notice.

    Notices are markdown with each value in a code span (see ``code``), at most ``MAX_NOTICES``.
    """
    state = default_state(data)
    notices: list[str] = []

    def values(name: str) -> list[str]:
        """The given values; blank ones (``actor=%20``) are ignored with a notice, empty ones silently."""
        out = []
        for value in raw.get(name, []):
            if value is None or value == "":
                continue
            if not value.strip():
                notices.append(_ignored(name, value, "the value is blank"))
            else:
                out.append(value)
        return out

    def single(name: str) -> str | None:
        """The last value of a one-value parameter; every earlier repeat gets a notice."""
        given = values(name)
        for value in given[:-1]:
            notices.append(_ignored(name, value, f"`{name}` takes one value and a later one was given"))
        return given[-1] if given else None

    marker = single("data")
    if marker is not None and marker != UPLOAD_MARKER:
        notices.append(_ignored("data", marker, f"the only value is `{UPLOAD_MARKER}`"))
    elif marker == UPLOAD_MARKER and not is_upload(data.path):
        notices.append(
            "This link was made while viewing a file that its sender opened in the app (`data=upload`). "
            "An upload is seen only by the person who opened it, so you are seeing the curated dataset, "
            "not what they saw: ask them for the file and open it on the **Open a file** page."
        )

    dates: dict[str, dt.date] = {}
    for name in ("from", "to"):
        value = single(name)
        if value is None:
            continue
        parsed = _parse_date(value)
        if parsed is None:
            notices.append(_ignored(name, value, "not a date (expected YYYY-MM-DD)"))
        elif not MIN_DATE <= parsed <= MAX_DATE:
            notices.append(_ignored(name, value, f"dates run from {MIN_DATE} to {MAX_DATE}"))
        else:
            dates[name] = parsed
    if "from" in dates and "to" in dates and dates["from"] > dates["to"]:
        start, end = dates["from"], dates["to"]
        notices.append(f"Ignored {code(f'from={start}')} and {code(f'to={end}')}: the start is after the end.")
        dates.clear()
    state.date_from = dates.get("from", state.date_from)
    state.date_to = dates.get("to", state.date_to)

    text = " ".join(values("q")).strip()
    if len(text) > MAX_TEXT:
        notices.append(f"Shortened the search text `q` to {MAX_TEXT} characters.")
        text = text[:MAX_TEXT]
    state.text = text

    vocabularies = {
        "actor": (set(data.actors.index), "no such actor"),
        "type": (set(data.event_types.index), "no such event type"),
        "verification": (set(data.profile.verifications), "expected " + ", ".join(data.profile.verifications)),
    }
    for name, (known, why) in vocabularies.items():
        good: list[str] = []
        for value in values(name):
            if value.strip() in known:
                if value.strip() not in good:
                    good.append(value.strip())
            else:
                notices.append(_ignored(name, value, why))
        setattr(state, {"actor": "actors", "type": "types"}.get(name, name), good)

    event = single("event")
    if event is not None:
        if event.strip() in existing_event_ids(data, [event.strip()]):
            state.event = event.strip()
        else:
            notices.append(_ignored("event", event, "no such event in this dataset"))

    asof = single("asof")
    if asof is not None:
        parsed = _parse_date(asof)
        if parsed is None:
            notices.append(_ignored("asof", asof, "not a date (expected YYYY-MM-DD)"))
        elif not state.date_from <= parsed <= state.date_to:
            notices.append(_ignored("asof", asof, "the date lies outside the selected range"))
        elif parsed != state.date_to:
            state.asof = parsed

    for name, (_, allowed) in CHOICES.items():
        value = single(name)
        if value is not None:
            if value.strip() in allowed:
                setattr(state, name, value.strip())
            else:
                notices.append(_ignored(name, value, f"expected {' or '.join(allowed)}"))

    version = single("v")
    if version is not None and version != data.version:
        since = changes_since(data.path, version.strip())
        if since is None:
            notices.append(
                f"This link was made with dataset version {code(version)}; the current data is version "
                f"`{data.version}`, so some events may have changed."
            )
        else:
            notices.append(
                f"This link was made with dataset version {code(version)}. Since then "
                f"{len(since['added'])} events were added, {len(since['changed'])} changed and "
                f"{len(since['removed'])} removed (current version `{data.version}`): see the list below."
            )
    for name in raw:
        if name not in PARAMS:
            notices.append(f"Ignored unknown parameter {code(name)}.")
    return state, _bounded(notices)


def to_params(state: ViewState, data: Dataset) -> dict[str, list[str]]:
    """Query parameters for a view: ids, not labels; defaults left out; ``v`` pins the data version."""
    default = default_state(data)
    params: dict[str, list[str]] = {}
    if state.date_from != default.date_from:
        params["from"] = [state.date_from.isoformat()]
    if state.date_to != default.date_to:
        params["to"] = [state.date_to.isoformat()]
    if state.text:
        params["q"] = [state.text]
    for name, values in (("actor", state.actors), ("type", state.types), ("verification", state.verification)):
        if values:
            params[name] = list(values)
    if state.event:
        params["event"] = [state.event]
    for name, (_, allowed) in CHOICES.items():
        if getattr(state, name) != allowed[0]:
            params[name] = [getattr(state, name)]
    if state.asof is not None and state.asof != state.date_to:
        params["asof"] = [state.asof.isoformat()]
    if is_upload(data.path):
        params["data"] = [UPLOAD_MARKER]
    if params:
        params["v"] = [data.version]
    return params


# --- Streamlit side -------------------------------------------------------------------------


def _raw_query() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def put_state(state: ViewState) -> None:
    """Put a view state into the widgets' session state (before the widgets are drawn)."""
    st.session_state[KEYS["from"]] = state.date_from
    st.session_state[KEYS["to"]] = state.date_to
    st.session_state[KEYS["q"]] = state.text
    st.session_state[KEYS["actor"]] = list(state.actors)
    st.session_state[KEYS["type"]] = list(state.types)
    st.session_state[KEYS["verification"]] = list(state.verification)
    st.session_state[EVENT_KEY] = state.event
    for name, (key, _) in CHOICES.items():
        st.session_state[key] = getattr(state, name)
    st.session_state[ASOF_KEY] = state.asof or state.date_to


def _run_info() -> tuple[bool, str]:
    """(is this run a browser Back/Forward?, the page being run)."""
    ctx = get_script_run_ctx()
    return bool(getattr(ctx, "is_history_navigation", False)), str(getattr(ctx, "page_script_hash", "") or "")


def restore(data: Dataset) -> list[str]:
    """Load the view from the URL on a session's first run and on Back/Forward when the URL
    differs from what the app last wrote; other runs keep the widgets' state (a rerun asked for
    before the app's last URL reached the browser carries a stale query: it must not undo input).

    A page switch clears the query string (not a new URL to read: the view stays and ``write``
    puts it back). That leaves a history entry with the new page and no query; Back onto it
    shows the view that was written right after the switch, not the default view.
    If the data changes under a running session, the user's view stays; unknown ids are dropped
    with a notice, as for a link.
    """
    ss = st.session_state
    raw = _raw_query()
    history, page = _run_info()
    loaded_for = ss.get("_url_loaded_for")
    if loaded_for is None:
        state, notices = parse_params(raw, data)
    elif loaded_for != data.version:
        state, notices = parse_params(to_params(current(data), data), data)
        notices = [n for n in notices if "dataset version" not in n]
        notices.insert(0, "The data was updated while you were browsing; your view was kept.")
    elif history and raw != ss.get("_url_last"):
        if not raw:
            raw = ss.get("_url_after_switch", {}).get(page, raw)
        state, notices = parse_params(raw, data)
    else:
        return ss.get("url_notices", [])
    put_state(state)
    ss["_url_loaded_for"] = data.version
    ss["url_notices"] = notices
    return notices


def current(data: Dataset) -> ViewState:
    """The view as the widgets hold it now; impossible ranges fall back to the data range."""
    default = default_state(data)
    ss = st.session_state
    date_from = ss.get(KEYS["from"]) or default.date_from
    date_to = ss.get(KEYS["to"]) or default.date_to
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return ViewState(
        date_from,
        date_to,
        (ss.get(KEYS["q"]) or "").strip()[:MAX_TEXT],
        list(ss.get(KEYS["actor"]) or []),
        list(ss.get(KEYS["type"]) or []),
        list(ss.get(KEYS["verification"]) or []),
        ss.get(EVENT_KEY),
        *(_choice(name) for name in CHOICES),
        asof=_asof(date_from, date_to),
    )


def _asof(date_from: dt.date, date_to: dt.date) -> dt.date | None:
    value = st.session_state.get(ASOF_KEY)
    if isinstance(value, dt.date) and date_from <= value < date_to:
        return value
    return None


def _choice(name: str) -> str:
    key, allowed = CHOICES[name]
    value = st.session_state.get(key)
    return value if value in allowed else allowed[0]


def write(state: ViewState, data: Dataset) -> None:
    """Mirror the view into the URL, only when the URL does not already show this view.

    So opening a valid link (even one without ``v`` or in another order) adds no history entry,
    and after a page switch, which clears the query string, the view is written back.
    """
    ss = st.session_state
    raw = _raw_query()
    history, page = _run_info()
    params = to_params(state, data)
    same_marker = params.get("data") == (raw.get("data") or None)  # a link must say it was made on an upload
    if params == raw or (same_marker and parse_params(raw, data)[0] == state):
        ss["_url_last"] = raw
        return
    st.query_params.from_dict(params)
    ss["_url_last"] = params
    after_switch = ss.setdefault("_url_after_switch", {})
    if params and not raw and not history:
        after_switch[page] = params  # a page switch: its query-less history entry means this view
    elif not params:
        after_switch.pop(page, None)  # an empty query on this page is now a view of its own


def select_event(event_id: str | None) -> None:
    st.session_state[EVENT_KEY] = event_id
