"""Turning chart selections (Plotly, pydeck, dataframe) into the selected ``event``."""

from __future__ import annotations

import streamlit as st

from conflict_timeline.ui import url_state

_GENERATION = "_selection_generation"


def chart_key(name: str) -> str:
    """A selectable chart's widget key; a new one after a card closes clears the old selection,
    so that clicking the same event again reopens it with one click."""
    generation = st.session_state.get(_GENERATION, 0)
    return name if generation == 0 else f"{name}-{generation}"


def reset_selections() -> None:
    st.session_state[_GENERATION] = st.session_state.get(_GENERATION, 0) + 1
    for key in [k for k in st.session_state if str(k).startswith("_last_pick_")]:
        del st.session_state[key]


def pick(source: str, event_id: str | None) -> None:
    """Select an event once per new click: a chart keeps reporting its last selection on every rerun."""
    marker = f"_last_pick_{source}"
    if event_id == st.session_state.get(marker):
        return
    st.session_state[marker] = event_id
    if event_id and event_id != st.session_state.get(url_state.EVENT_KEY):
        url_state.select_event(event_id)
        st.rerun()


def plotly_event_id(selection) -> str | None:
    points = (selection or {}).get("selection", {}).get("points", []) if isinstance(selection, dict) else []
    if not points and selection is not None and hasattr(selection, "selection"):
        points = selection.selection.get("points", [])
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list):
            data = data[0] if data else None
        if isinstance(data, str):
            return data
    return None


def deck_event_id(selection, layer: str = "events") -> str | None:
    try:
        objects = selection.selection.objects.get(layer, [])
    except AttributeError:
        objects = ((selection or {}).get("selection", {}) or {}).get("objects", {}).get(layer, [])
    for obj in objects or []:
        if isinstance(obj, dict) and isinstance(obj.get("event_id"), str):
            return obj["event_id"]
    return None
