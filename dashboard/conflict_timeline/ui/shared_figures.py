"""Figures built once per (dataset, view) and shared by every session that shows that view.

Ten readers opening the same shared link get the same figure object: building a Plotly figure
for a thousand events costs more than every query behind it. The figures are never mutated after
they are built (Streamlit only serialises them), so sharing them across sessions is safe.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from conflict_timeline.data import query
from conflict_timeline.data.query import FilterSpec
from conflict_timeline.figures.control import band_over, build_control_band
from conflict_timeline.figures.deck import POINT_COLUMNS, FrozenDeck, build_deck, control_frame, freeze, label_places
from conflict_timeline.figures.deck import POINT_LIMIT as MAP_POINT_LIMIT
from conflict_timeline.figures.frozen import FrozenFigure
from conflict_timeline.figures.legend import build_type_legend
from conflict_timeline.figures.memo import TextMemo
from conflict_timeline.figures.timeline import KEY_EVENT_TYPES, POINT_LIMIT, build_timeline
from conflict_timeline.ui.data_access import control_holders, dataset_for, q


@st.cache_resource(max_entries=256, show_spinner=False)
def timeline(
    store: str,
    spec: FilterSpec,
    freq: str,
    lane: str,
    selected: str | None,
    date_from: dt.date,
    date_to: dt.date,
    count: int,
) -> go.Figure:
    data = dataset_for(store)
    one_by_one = count <= POINT_LIMIT
    return build_timeline(
        query.apply_filters(data, spec, POINT_LIMIT) if one_by_one else None,
        None if one_by_one else query.lane_grid(data, spec, freq, lane, date_from),
        query.counts_over_time(data, spec, freq, date_from),
        data.eras,
        pd.Timestamp(date_from),
        pd.Timestamp(date_to),
        freq,
        lane=lane,
        selected=selected,
        key_events=query.key_events(data, spec, KEY_EVENT_TYPES) if one_by_one else None,
        lane_labels={s.side: s.lane for s in data.profile.sides},
        hover_memo=text_memo(store, "hover"),
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def text_memo(store: str, kind: str) -> TextMemo:
    """Events' hover ("hover") or tooltip ("tooltip") texts made so far for one dataset version,
    shared by every session (``memo.remembered_texts``)."""
    return {}


@st.cache_resource(max_entries=256, show_spinner=False)
def type_legend(store: str, types: tuple[str, ...], extra: tuple[tuple[str, str], ...]) -> go.Figure:
    return build_type_legend(dataset_for(store).event_types, list(types), list(extra))


@st.cache_resource(max_entries=64, show_spinner=False)
def control_band(store: str, date_from: dt.date, date_to: dt.date) -> tuple[go.Figure, int]:
    """The band of one date range: the whole record's band (built once) shown over that range, and
    how many changes fall inside it. Only the axis range depends on the view."""
    whole, dates = _whole_control_band(store)
    figure = band_over(whole, date_from, date_to)
    inside = int(((dates >= pd.Timestamp(date_from)) & (dates <= pd.Timestamp(date_to))).sum())
    return figure, inside


@st.cache_resource(max_entries=8, show_spinner=False)
def _whole_control_band(store: str) -> tuple[FrozenFigure, pd.Series]:
    data = dataset_for(store)
    start, end = data.date_min, data.date_max
    changes = query.control_changes(data, start, end)
    counts = query.control_counts(data, start, end)
    band = build_control_band(counts, changes, pd.Timestamp(start), pd.Timestamp(end))
    return band, pd.to_datetime(changes["date"]) if len(changes) else pd.Series(dtype="datetime64[ns]")


@st.cache_resource(max_entries=128, show_spinner=False)
def map_deck(
    store: str,
    spec: FilterSpec,
    drawn: str,
    cell: float,
    basemap: str,
    selected: str | None,
    asof: dt.date | None,
    date_from: dt.date,
) -> FrozenDeck:
    """The map of one view, built and serialised once for every session showing it (``asof`` None:
    no control layer)."""
    data = dataset_for(store)
    # through the shared query cache: the page asks the same questions (points, holders) beside the map
    extent = q(data, "map_extent")
    points = None
    if drawn == "points":
        points = q(data, "events_in_box", spec, extent, True, MAP_POINT_LIMIT, 0, POINT_COLUMNS)
    cells = q(data, "density_cells", spec, extent, cell) if drawn == "density" else None
    control = None
    if asof is not None:
        holders = control_holders(data, asof, date_from)
        control = control_frame(holders, dict(zip(holders["event_id"], holders["event_title"])))
    deck = build_deck(
        points,
        cells,
        data.places,
        basemap=basemap,
        selected=selected,
        control=control,
        extent=extent,
        # the dataset's busiest places, not the filtered ones: the labels stay put while filtering
        label_ids=label_places(data.places, q(data, "counts_by_place", FilterSpec(), 200), extent),
        tooltip_memo=text_memo(store, "tooltip"),
    )
    return freeze(deck)
