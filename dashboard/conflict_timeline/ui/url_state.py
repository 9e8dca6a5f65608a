"""The URL is the state: read, validate and write the query parameters.

Parameters: ``from``, ``to`` (YYYY-MM-DD), ``q`` (text), and ``actor``, ``type``,
``verification``, ``event`` carrying ids (repeatable), plus ``v`` (dataset version).
``parse_params`` and ``to_params`` are pure; ``restore`` and ``write`` talk to Streamlit.
A bad value is ignored with a notice naming it, and the rest of the link still applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import streamlit as st

from conflict_timeline.data.load import Dataset
from conflict_timeline.data.query import FilterSpec
from conflict_timeline.data.schema import VERIFICATIONS

PARAMS = ("from", "to", "q", "actor", "type", "verification", "event", "lane", "view", "v")
# Page-level choices that belong to the view too (widget key, allowed values; the first is the default).
CHOICES = {"lane": ("lane", ("side", "type")), "view": ("map-mode", ("points", "density"))}
# The date widgets' limits: a link outside them is ignored with a notice (Streamlit would raise).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_TEXT = 200
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

    def spec(self) -> FilterSpec:
        return FilterSpec(
            self.date_from, self.date_to, tuple(self.actors), tuple(self.types), tuple(self.verification), self.text
        )


def data_range(data: Dataset) -> tuple[dt.date, dt.date]:
    """The default date range: first event start to last event end (or today for an empty dataset)."""
    if data.events.empty:
        today = dt.date.today()
        return today, today
    return data.events["span_start"].min().date(), data.events["span_end"].max().date()


def default_state(data: Dataset) -> ViewState:
    start, end = data_range(data)
    return ViewState(start, end)


def _parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def parse_params(raw: Mapping[str, Sequence[str]], data: Dataset) -> tuple[ViewState, list[str]]:
    """Validate raw query parameters into a view state; every ignored value gets a notice."""
    state = default_state(data)
    notices: list[str] = []

    def values(name: str) -> list[str]:
        return [v for v in raw.get(name, []) if v is not None]

    dates: dict[str, dt.date] = {}
    for name in ("from", "to"):
        given = values(name)
        if not given or not given[-1].strip():
            continue
        parsed = _parse_date(given[-1])
        if parsed is None:
            notices.append(f"Ignored `{name}={given[-1]}`: not a date (expected YYYY-MM-DD).")
        elif not MIN_DATE <= parsed <= MAX_DATE:
            notices.append(f"Ignored `{name}={given[-1]}`: dates run from {MIN_DATE} to {MAX_DATE}.")
        else:
            dates[name] = parsed
    if "from" in dates and "to" in dates and dates["from"] > dates["to"]:
        notices.append(f"Ignored `from={dates['from']}` and `to={dates['to']}`: the start is after the end.")
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
        "verification": (set(VERIFICATIONS), "expected confirmed, claimed or disputed"),
    }
    for name, (known, why) in vocabularies.items():
        good: list[str] = []
        for value in values(name):
            value = value.strip()
            if value in known:
                if value not in good:
                    good.append(value)
            elif value:
                notices.append(f"Ignored `{name}={value}`: {why}.")
        setattr(state, {"actor": "actors", "type": "types"}.get(name, name), good)

    event = values("event")
    if event and event[-1].strip():
        if event[-1].strip() in set(data.events["event_id"]):
            state.event = event[-1].strip()
        else:
            notices.append(f"Ignored `event={event[-1]}`: no such event in this dataset.")

    for name, (_, allowed) in CHOICES.items():
        given = values(name)
        if given and given[-1].strip():
            if given[-1].strip() in allowed:
                setattr(state, name, given[-1].strip())
            else:
                notices.append(f"Ignored `{name}={given[-1]}`: expected {' or '.join(allowed)}.")

    version = values("v")
    if version and version[-1] and version[-1] != data.version:
        notices.append(
            f"This link was made with dataset version `{version[-1]}`; the current data is version "
            f"`{data.version}`, so some events may have changed."
        )
    for name in raw:
        if name not in PARAMS:
            notices.append(f"Ignored unknown parameter `{name}`.")
    return state, notices


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


def restore(data: Dataset) -> list[str]:
    """On a session's first run, load the view from the URL; later runs keep the widgets' state.

    If the data changes under a running session, the user's view stays; unknown ids are dropped
    with a notice, as for a link.
    """
    loaded_for = st.session_state.get("_url_loaded_for")
    if loaded_for == data.version:
        return st.session_state.get("url_notices", [])
    if loaded_for is None:
        state, notices = parse_params(_raw_query(), data)
    else:
        state, notices = parse_params(to_params(current(data), data), data)
        notices = [n for n in notices if "dataset version" not in n]
        notices.insert(0, "The data was updated while you were browsing; your view was kept.")
    put_state(state)
    st.session_state["_url_loaded_for"] = data.version
    st.session_state["url_notices"] = notices
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
    )


def _choice(name: str) -> str:
    key, allowed = CHOICES[name]
    value = st.session_state.get(key)
    return value if value in allowed else allowed[0]


def write(state: ViewState, data: Dataset) -> None:
    """Mirror the view into the URL (also after a page switch, which clears the query string)."""
    params = to_params(state, data)
    if params != _raw_query():
        st.query_params.from_dict(params)


def select_event(event_id: str | None) -> None:
    st.session_state[EVENT_KEY] = event_id
