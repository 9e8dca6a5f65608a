"""Map page: events over an offline base map fitted to the dataset's extent, with a density view."""

import datetime as dt

import pandas as pd
import streamlit as st

from conflict_timeline.data.text import fold
from conflict_timeline.figures.deck import (
    CONTROL_SIDE_LABELS,
    POINT_COLUMNS,
    POINT_LIMIT,
    density_cell,
)
from conflict_timeline.figures.timeline import date_labels
from conflict_timeline.ui import shared_figures
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.data_access import control_holders
from conflict_timeline.ui.safe import plain_frame
from conflict_timeline.ui.selection import chart_key, deck_event_id, pick
from conflict_timeline.ui.url_state import ASOF_KEY

ctx = page_header("Map")
left, middle, right = st.columns([2, 2, 1])
mode = left.segmented_control(
    "View",
    ["points", "density"],
    key="map-mode",
    persist_state="session",  # kept across pages, and in the URL as `view`
    format_func=lambda v: {"points": "Events", "density": "Density (grid)"}[v],
)
# a dataset without a control table (an ACLED or UCDP import) gets no switch for a layer it lacks
layer_choice = (
    middle.segmented_control(
        "Control of territory",
        ["on", "off"],
        key="map-control",
        persist_state="session",  # kept across pages, and in the URL as `control=off`
        format_func=lambda v: {"on": "Shown", "off": "Hidden"}[v],
        help="Who held each tracked place on the 'as of' date, from the sourced control table.",
    )
    if ctx.data.has_control
    else "off"
)
basemap = right.selectbox(
    "Base map",
    ["offline", "light", "dark"],
    key="basemap",
    format_func=lambda v: {
        "offline": "Borders only (offline)",
        "light": "Tiles: light (needs internet)",
        "dark": "Tiles: dark (needs internet)",
    }[v],
)
OUTSIDE_ROWS = 500  # the "Elsewhere" list shows this many; the caption gives the full count
OUTSIDE_COLUMNS = "event_id, title, place_name, date_start, date_end, date_precision"
# The map covers where the dataset's events are (its far-away venues are listed as "Elsewhere").
extent = ctx.q("map_extent")
cell = density_cell(extent)
n_inside = ctx.q("count_in_box", ctx.spec, extent, True)
n_outside = ctx.count - n_inside
if ctx.count == 0:
    st.info(
        "No events match these filters, so the map is empty. Widen the filters or reset them in the sidebar.",
        icon=":material/search_off:",
    )
wanted = mode or "points"
drawn = "points" if wanted == "points" and n_inside <= POINT_LIMIT else "density"
# the same question as the map's deck asks (one cached answer for both)
points = ctx.q("events_in_box", ctx.spec, extent, True, POINT_LIMIT, 0, POINT_COLUMNS) if drawn == "points" else None
show_control = ctx.data.has_control and (layer_choice or "on") == "on"
holders = None
asof = ctx.view.date_to
if show_control:
    if ctx.view.date_from < ctx.view.date_to:
        # keep the stored date inside the range before the slider is drawn (a new range moves it)
        stored = st.session_state.get(ASOF_KEY)
        if not (isinstance(stored, dt.date) and ctx.view.date_from <= stored <= ctx.view.date_to):
            st.session_state[ASOF_KEY] = ctx.view.date_to
        asof = st.slider(
            "As of",
            min_value=ctx.view.date_from,
            max_value=ctx.view.date_to,
            key=ASOF_KEY,
            persist_state="session",  # kept across pages, and in the URL as `asof`
            format="YYYY-MM-DD",
            help="The control layer shows who held each place on this day (the end of the range unless moved).",
        )
    holders = control_holders(ctx.data, asof, ctx.view.date_from)
deck = shared_figures.map_deck(
    str(ctx.data.store),
    ctx.spec,
    drawn,
    cell,
    basemap,
    ctx.view.event,
    asof if show_control else None,
    ctx.view.date_from,
)
map_col, side_col = st.columns([3, 1])
with map_col:
    chosen = st.pydeck_chart(
        deck, key=chart_key("map-chart"), on_select="rerun", selection_mode="single-object", height=620
    )
    if drawn == "density":
        scale = "Darker cells hold more events (pale: one or two; dark red: the busiest cell)."
        notes = [
            f"{n_inside:,} events are too many to draw as points (limit {POINT_LIMIT:,}): counts per {cell:g}° cell, "
            f"binned on the server. {scale}"
            if wanted == "points"
            else f"Counts per {cell:g}° grid cell, binned on the server. {scale}"
        ]
    else:
        notes = [
            "Click a point to open its card. Faint circles mark events located only to a district, region or "
            "country, not a precise spot."
        ]
    if basemap != "offline":
        notes.append("Tiles come from Carto; without internet only the borders show.")
    st.caption(" ".join(notes) + " Borders: Natural Earth, internationally recognised boundaries.")
    if holders is not None:
        held = holders["side"].value_counts()
        st.caption(
            f"**Control of territory as of {asof:%d %B %Y}:** {len(holders)} tracked places — "
            f"{held.get('armenian', 0)} held by the Armenian side (orange), {held.get('azerbaijani', 0)} by the "
            f"Azerbaijani side (blue). A filled circle is a confirmed holding; a hollow one rests on one side's "
            f"claim or is disputed; a dark ring marks a place that changed hands within the selected range "
            f"({int(holders['changed'].sum())}). The layer shows places, not the line of contact between them."
        )
    elif not ctx.data.has_control:
        st.caption("This dataset has no control-of-territory table (control.csv), so the control layer is hidden.")
with side_col:
    present = sorted(set(points["event_type"])) if points is not None else []
    if present and drawn == "points":
        st.markdown("**Event types**")
        st.plotly_chart(
            shared_figures.type_legend(str(ctx.data.store), tuple(present), ()),
            key="map-legend",
            config={"staticPlot": True},
            width="stretch",
        )
    st.markdown(f"**Elsewhere** ({n_outside:,} event{'' if n_outside == 1 else 's'} outside the mapped area)")
    outside = ctx.q("events_in_box", ctx.spec, extent, False, OUTSIDE_ROWS, 0, OUTSIDE_COLUMNS) if n_outside else None
    if outside is None or outside.empty:
        st.caption("None with these filters.")
    else:
        table = pd.DataFrame(
            {
                "event_id": outside["event_id"],
                "event": outside["title"],
                "place": outside["place_name"],
                "date": date_labels(outside),
            }
        )
        picked = st.dataframe(
            plain_frame(table),
            key=chart_key("outside-table"),
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            column_config={"event_id": None, "event": st.column_config.TextColumn(width="medium")},
            height=min(400, 38 + 35 * len(table)),
        )
        if n_outside > OUTSIDE_ROWS:
            st.caption(f"The first {OUTSIDE_ROWS} of {n_outside:,} by date; narrow the filters to see the rest.")
        rows = picked.selection.rows if picked else []
        pick("outside", table.iloc[rows[0]]["event_id"] if rows else None)
if holders is not None:
    st.subheader(f"Who held what on {asof:%d %B %Y}")
    find = st.text_input(
        "Find a tracked place", key="control-find", placeholder="Any of its names: Shushi, Şuşa, Shusha…"
    )
    if find.strip():
        names = ctx.data.places["all_names"].to_dict()
        wanted = fold(find.strip())
        holders = holders[
            [
                any(wanted in fold(n) for n in names.get(p, [])) or wanted in fold(lbl)
                for p, lbl in zip(holders["place_id"], holders["label"])
            ]
        ]
    table = pd.DataFrame(
        {
            "place": holders["label"],
            "held by": holders["side"].map(CONTROL_SIDE_LABELS),
            "since": [
                pd.Timestamp(d).strftime({"day": "%d %b %Y", "month": "%b %Y"}.get(p, "%Y"))
                for d, p in zip(holders["date"], holders["date_precision"])
            ],
            "how": holders["how"].str.replace("_", " ").replace({"initial": "start of record"}),
            "verification": holders["verification"],
            "claimed by": holders["claimed_by"],
            "changed in range": holders["changed"],
            "event": holders["event_title"],
            "note": holders["note"],
        }
    )
    with st.container(key="control-table-box"):  # the grid's text, for screen readers and browser tests
        picked = st.dataframe(
            plain_frame(table.assign(event_id=holders["event_id"].to_numpy())),
            key=chart_key("control-table"),
            hide_index=True,
            width="stretch",
            height=360,
            on_select="rerun",
            selection_mode="single-row",
            column_config={"event_id": None},
        )
    st.caption("Select a row to open the event behind that holding.")
    rows = picked.selection.rows if picked else []
    event_of_row = table.assign(event_id=holders["event_id"].to_numpy()).iloc[rows[0]]["event_id"] if rows else None
    pick("control-table", event_of_row or None)
pick("map", deck_event_id(chosen))
