"""Events page: the filtered events as a sortable, paged table, with downloads."""

import math

import pandas as pd
import streamlit as st

from conflict_timeline.data.export import export
from conflict_timeline.figures.timeline import date_labels
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.safe import safe_url
from conflict_timeline.ui.selection import chart_key, pick

PAGE_SIZE = 100
SORTS = {
    "Date (oldest first)": (["date_start", "event_id"], [True, True]),
    "Date (newest first)": (["date_start", "event_id"], [False, False]),
    "Fatalities (most first)": (["fatalities", "date_start"], [False, True]),
    "Title (A–Z)": (["title"], [True]),
}

ctx = page_header("Events")
events = ctx.events

downloads = st.columns(3)
for column, fmt, label, mime in zip(
    downloads,
    ("csv", "json", "geojson"),
    ("CSV", "JSON", "GeoJSON"),
    ("text/csv", "application/json", "application/geo+json"),
):
    column.download_button(
        f"Download {label} ({len(events)})",
        data=export(events, ctx.data.version, fmt),
        file_name=f"conflict-timeline-{ctx.data.version}.{fmt}",
        mime=mime,
        key=f"download-{fmt}",
        width="stretch",
    )

if events.empty:
    st.info(
        "No events match these filters. Widen the date range or reset the filters in the sidebar.",
        icon=":material/search_off:",
    )
else:
    sort = st.selectbox("Sort by", list(SORTS), key="events-sort")
    table_slot = st.container()  # the table goes above the pager, clear of the table's toolbar
    pages = max(1, math.ceil(len(events) / PAGE_SIZE))
    page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1, key="events-page")
    by, ascending = SORTS[sort]
    ordered = events.sort_values(by, ascending=ascending, na_position="last", kind="stable")
    shown = ordered.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    table = pd.DataFrame(
        {
            "event_id": shown["event_id"],
            "date": date_labels(shown),  # as precise as the record: "1988", "Nov 2007", "11 Oct 2020"
            "title": shown["title"],
            "verification": shown["verification"].astype(str),
            "fatalities": shown["fatalities"].astype("string").fillna("—"),  # "—": unknown, never zero
            "type": shown["type_label"],
            "place": shown["place_label"],
            "actors": shown["actor_names"].map(", ".join),
            "source": shown["sources"].map(lambda s: next((safe_url(x["url"]) for x in s if safe_url(x["url"])), None)),
            "more sources": shown["sources"].map(lambda s: max(len(s) - 1, 0)),
        }
    )
    picked = table_slot.dataframe(
        table,
        key=chart_key("events-table"),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        width="stretch",
        height=min(38 + 35 * len(table), 720),
        column_config={
            "event_id": None,
            "date": st.column_config.TextColumn(width=125),
            "title": st.column_config.TextColumn(width="medium"),
            "verification": st.column_config.TextColumn(width="small"),
            "fatalities": st.column_config.TextColumn(width="small", help="— means unknown, never zero"),
            "source": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/]+)"),
        },
    )
    st.caption(
        f"Showing {len(shown)} of {len(events)} events (page {page} of {pages}). "
        "Select a row to open its card, which lists every source."
    )
    rows = picked.selection.rows if picked else []
    pick("events", table.iloc[rows[0]]["event_id"] if rows else None)
