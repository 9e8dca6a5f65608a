"""The shared filters in the sidebar, drawn on every page, with the live event count."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from conflict_timeline.data.load import Dataset
from conflict_timeline.ui import url_state
from conflict_timeline.ui.safe import plain
from conflict_timeline.ui.url_state import KEYS, MAX_DATE, MIN_DATE, ViewState

ALL = "__all__"
CUSTOM = "__custom__"


def presets(data: Dataset) -> dict[str, tuple[str, dt.date, dt.date]]:
    """Preset id -> (label, from, to): the whole record, then the eras marked as presets."""
    start, end = url_state.data_range(data)
    out = {ALL: ("Whole record", start, end)}
    for era in data.eras[data.eras["preset"]].itertuples(index=False):
        out[era.era_id] = (era.name, era.date_start.date(), era.date_end.date())
    return out


def _apply_preset(options: dict[str, tuple[str, dt.date, dt.date]]) -> None:
    chosen = st.session_state.get("f_preset")
    if chosen in options:
        _, start, end = options[chosen]
        st.session_state[KEYS["from"]] = start
        st.session_state[KEYS["to"]] = end


def _reset(data: Dataset) -> None:
    url_state.put_state(url_state.default_state(data))


# (actors frame, sorted ids, labels) per dataset: an import names thousands of actors, and labels
# built row by row on every rerun cost 0.4 s at 3,000 (the frame is kept so its id is not reused)
_ACTOR_LISTS: dict[int, tuple[object, list[str], dict[str, str]]] = {}


def _actor_list(data: Dataset) -> tuple[list[str], dict[str, str]]:
    actors = data.actors
    hit = _ACTOR_LISTS.get(id(actors))
    if hit is None or hit[0] is not actors:
        order = {side: i for i, side in enumerate(data.profile.side_ids)}
        rows = list(zip(actors.index, actors["side"].astype(str), actors["short_name"], actors["kind"]))
        labels = {
            a: plain(f"{data.profile.side_label(s)} · {short} ({kind.replace('_', ' ')})") for a, s, short, kind in rows
        }
        ids = [r[0] for r in sorted(rows, key=lambda r: (order.get(r[1], 99), r[2].lower()))]
        if len(_ACTOR_LISTS) >= 8:
            _ACTOR_LISTS.clear()
        hit = _ACTOR_LISTS[id(actors)] = (actors, ids, labels)
    return hit[1], hit[2]


def actor_label(data: Dataset, actor_id: str) -> str:
    return _actor_list(data)[1][actor_id]


def sorted_actor_ids(data: Dataset) -> list[str]:
    return list(_actor_list(data)[0])


def draw(data: Dataset, count_slot) -> ViewState:
    """Draw the filter widgets (state already restored from the URL) and return the view."""
    options = presets(data)
    state = url_state.current(data)
    match = next((pid for pid, (_, s, e) in options.items() if s == state.date_from and e == state.date_to), CUSTOM)
    st.session_state["f_preset"] = match
    sidebar = st.sidebar
    sidebar.button(
        "Reset all filters", on_click=_reset, args=(data,), key="reset", icon=":material/restart_alt:", width="stretch"
    )
    sidebar.selectbox(
        "Period",
        [*options, CUSTOM],
        key="f_preset",
        on_change=_apply_preset,
        args=(options,),
        format_func=lambda pid: "Custom range" if pid == CUSTOM else plain(options[pid][0]),
    )
    sidebar.date_input("From", key=KEYS["from"], min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD")
    sidebar.date_input("To", key=KEYS["to"], min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD")
    sidebar.multiselect(
        "Actors",
        sorted_actor_ids(data),
        key=KEYS["actor"],
        format_func=lambda a: actor_label(data, a),
        placeholder="Any actor (type to search)",
        help="An actor includes the actors under it (Russia includes its Foreign Ministry and Lavrov).",
    )
    sidebar.multiselect(
        "Event types",
        list(data.event_types.index),
        key=KEYS["type"],
        format_func=lambda t: plain(data.event_types.at[t, "label"]),
        placeholder="Any type",
    )
    sidebar.multiselect(
        "Verification",
        list(data.profile.verifications),
        key=KEYS["verification"],
        placeholder="Any",
        help="confirmed: not in dispute · claimed: one side's announcement · disputed: sources disagree"
        + (" · reported: as the imported dataset coded it" if data.imported else ""),
    )
    sidebar.text_input(
        "Search",
        key=KEYS["q"],
        placeholder="Title, summary, actor or any place name",
        help="Ignores case and accents; finds every name of a place (Khankendi, Xankəndi → Stepanakert).",
    )
    state = url_state.current(data)
    if (
        st.session_state.get(KEYS["from"])
        and st.session_state.get(KEYS["to"])
        and (st.session_state[KEYS["from"]] > st.session_state[KEYS["to"]])
    ):
        sidebar.warning("'From' is after 'To': the two dates were swapped.")
    return state


def draw_count(slot, shown: int, total: int) -> None:
    slot.markdown(f"**{shown:,} of {total:,} events**")
