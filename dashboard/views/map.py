"""Map page: events over an offline base map of the South Caucasus, with a density view."""

import pandas as pd
import streamlit as st

from conflict_timeline.figures.deck import DENSITY_CELL_DEG, POINT_LIMIT, REGION_BBOX, build_deck
from conflict_timeline.figures.legend import build_type_legend
from conflict_timeline.figures.timeline import date_labels
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.selection import chart_key, deck_event_id, pick

ctx = page_header("Map")
left, right = st.columns([2, 1])
mode = left.segmented_control(
    "View",
    ["points", "density"],
    key="map-mode",
    persist_state="session",  # kept across pages, and in the URL as `view`
    format_func=lambda v: {"points": "Events", "density": "Density (grid)"}[v],
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
n_inside = ctx.q("count_in_box", ctx.spec, REGION_BBOX, True)
n_outside = ctx.count - n_inside
if ctx.count == 0:
    st.info(
        "No events match these filters, so the map is empty. Widen the filters or reset them in the sidebar.",
        icon=":material/search_off:",
    )
wanted = mode or "points"
drawn = "points" if wanted == "points" and n_inside <= POINT_LIMIT else "density"
points = ctx.q("events_in_box", ctx.spec, REGION_BBOX, True, POINT_LIMIT) if drawn == "points" else None
cells = ctx.q("density_cells", ctx.spec, REGION_BBOX, DENSITY_CELL_DEG) if drawn == "density" else None
deck = build_deck(points, cells, ctx.data.places, basemap=basemap, selected=ctx.view.event)
map_col, side_col = st.columns([3, 1])
with map_col:
    chosen = st.pydeck_chart(
        deck, key=chart_key("map-chart"), on_select="rerun", selection_mode="single-object", height=620
    )
    if drawn == "density":
        scale = "Darker cells hold more events (pale: one or two; dark red: the busiest cell)."
        notes = [
            f"{n_inside:,} events are too many to draw as points (limit {POINT_LIMIT:,}): counts per 0.1° cell, "
            f"binned on the server. {scale}"
            if wanted == "points"
            else f"Counts per 0.1° grid cell, binned on the server. {scale}"
        ]
    else:
        notes = [
            "Click a point to open its card. Faint circles mark events located only to a district, region or "
            "country, not a precise spot."
        ]
    if basemap != "offline":
        notes.append("Tiles come from Carto; without internet only the borders show.")
    st.caption(" ".join(notes) + " Borders: Natural Earth, internationally recognised boundaries.")
with side_col:
    present = sorted(set(points["event_type"])) if points is not None else []
    if present and drawn == "points":
        st.markdown("**Event types**")
        st.plotly_chart(
            build_type_legend(ctx.data.event_types, present),
            key="map-legend",
            config={"staticPlot": True},
            width="stretch",
        )
    st.markdown(f"**Elsewhere** ({n_outside:,} events outside the region)")
    outside = ctx.q("events_in_box", ctx.spec, REGION_BBOX, False, OUTSIDE_ROWS) if n_outside else None
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
            table,
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
pick("map", deck_event_id(chosen))
