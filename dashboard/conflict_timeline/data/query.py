"""Query: the one place where events are filtered and aggregated.

The dashboard and the CLI both build a ``FilterSpec`` and call ``apply_filters``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from conflict_timeline.data.load import Dataset
from conflict_timeline.data.text import fold


@dataclass(frozen=True)
class FilterSpec:
    """What the user asked for. Empty tuples and None mean 'no constraint'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    text: str = ""


def descendants(actors: pd.DataFrame, actor_ids: tuple[str, ...] | list[str]) -> set[str]:
    """The actors themselves plus every actor below them via parent_id, transitively."""
    children: dict[str, list[str]] = {}
    for actor_id, parent in zip(actors["actor_id"], actors["parent_id"]):
        if parent:
            children.setdefault(parent, []).append(actor_id)
    found: set[str] = set()
    stack = list(actor_ids)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def apply_filters(data: Dataset, spec: FilterSpec) -> pd.DataFrame:
    """Events matching every constraint of ``spec`` (AND across filters, OR within each).

    - dates: the event's span [span_start, span_end] overlaps [date_from, date_to], ends inclusive;
    - actors: involvement in any role, an actor including its descendants; claimed_by alone does not count;
    - text: every word occurs in the title, summary, actor names or any name of the place,
      ignoring case and accents; a place name also finds the place's other names (``search_terms``).
    """
    events = data.events
    mask = pd.Series(True, index=events.index)
    if spec.date_from:
        mask &= events["span_end"] >= pd.Timestamp(spec.date_from)
    if spec.date_to:
        mask &= events["span_start"] <= pd.Timestamp(spec.date_to)
    if spec.types:
        mask &= events["event_type"].isin(spec.types)
    if spec.verification:
        mask &= events["verification"].isin(spec.verification)
    if spec.actors:
        wanted = descendants(data.actors, spec.actors)
        ea = data.event_actors
        involved = set(ea.loc[ea["actor_id"].isin(wanted), "event_id"])
        mask &= events["event_id"].isin(involved)
    for alternatives in search_terms(data, spec.text):
        found = pd.Series(False, index=events.index)
        for term in sorted(alternatives):
            found |= events["search_text"].str.contains(term, regex=False)
        mask &= found
    return events[mask]


def search_terms(data: Dataset, text: str) -> list[frozenset[str]]:
    """The search as groups of alternatives, all groups required: a place name (a whole query such
    as 'Mir Bashir', or one word) stands for every name of that place, in whichever side's form."""
    query = " ".join(fold(text).split())
    if not query:
        return []
    if query in data.place_synonyms:
        return [data.place_synonyms[query]]
    return [data.place_synonyms.get(word, frozenset([word])) for word in query.split()]


def choose_bin(date_from: pd.Timestamp, date_to: pd.Timestamp) -> str:
    """Day bins up to ~3 months, weeks up to ~3 years, months beyond (Streamlit gets no zoom events)."""
    days = (date_to - date_from).days
    if days <= 100:
        return "D"
    if days <= 3 * 366:
        return "W"
    return "M"


BIN_LABELS = {"D": "day", "W": "week", "M": "month"}


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """The start of each date's day, week (Monday) or month bin."""
    if freq == "D":
        return dates.dt.normalize()
    if freq == "W":
        return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()
    return dates.dt.to_period("M").dt.to_timestamp()


def recorded_fatalities(events: pd.DataFrame) -> pd.Series:
    """The figure to count: the best estimate, else the lowest reported (never a guess above it)."""
    return events["fatalities"].astype("Float64").fillna(events["fatalities_low"].astype("Float64"))


def fatality_columns(events: pd.DataFrame) -> pd.DataFrame:
    """Recorded fatalities split by verification, so claims never pad confirmed tolls."""
    out = pd.DataFrame(index=events.index)
    best = recorded_fatalities(events)
    for status in ("confirmed", "claimed", "disputed"):
        out[f"fatalities_{status}"] = best.where(events["verification"] == status).fillna(0).astype("int64")
    return out


def counts_over_time(events: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Events and fatalities (by verification) per day, week or month, on each period's start."""
    columns = ["period", "events", "fatalities_confirmed", "fatalities_claimed", "fatalities_disputed"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    frame = fatality_columns(events)
    frame["period"] = period_start(events["date_start"], freq)
    frame["events"] = 1
    return frame.groupby("period", as_index=False)[columns[1:]].sum()[columns]


def counts_by_actor(data: Dataset, events: pd.DataFrame) -> pd.DataFrame:
    """Per actor: events involved in, first and last date; sorted by count."""
    if events.empty:
        return pd.DataFrame(columns=["actor_id", "events", "first", "last", "name", "short_name", "side", "kind"])
    ea = data.event_actors[data.event_actors["event_id"].isin(events["event_id"])]
    dates = events.set_index("event_id")["date_start"]
    ea = ea.assign(date=ea["event_id"].map(dates))
    grouped = ea.groupby("actor_id").agg(events=("event_id", "nunique"), first=("date", "min"), last=("date", "max"))
    grouped = grouped.join(data.actors[["name", "short_name", "side", "kind"]])
    return grouped.sort_values("events", ascending=False).reset_index()


def counts_by_place(events: pd.DataFrame) -> pd.DataFrame:
    """Per place: events and fatalities by verification."""
    columns = [
        "place_id",
        "place_label",
        "latitude",
        "longitude",
        "events",
        "fatalities_confirmed",
        "fatalities_claimed",
        "fatalities_disputed",
    ]
    if events.empty:
        return pd.DataFrame(columns=columns)
    frame = fatality_columns(events)
    frame[["place_id", "place_label", "latitude", "longitude"]] = events[
        ["place_id", "place_label", "latitude", "longitude"]
    ]
    frame["events"] = 1
    keys = ["place_id", "place_label", "latitude", "longitude"]
    return frame.groupby(keys, as_index=False)[columns[4:]].sum().sort_values("events", ascending=False)[columns]


def counterparts(data: Dataset, events: pd.DataFrame, actor_ids: set[str]) -> pd.DataFrame:
    """Actors that appear in the same events as ``actor_ids`` (outside that set), most frequent first."""
    ea = data.event_actors[data.event_actors["event_id"].isin(events["event_id"])]
    shared = set(ea.loc[ea["actor_id"].isin(actor_ids), "event_id"])
    others = ea[ea["event_id"].isin(shared) & ~ea["actor_id"].isin(actor_ids)]
    out = others.groupby("actor_id").agg(events=("event_id", "nunique")).join(data.actors[["short_name", "side"]])
    return out.sort_values("events", ascending=False).reset_index()
