"""Events page: the filtered events as a sortable, paged table, with downloads."""

import math
from functools import partial

import pandas as pd
import streamlit as st

from conflict_timeline.data.export import export, export_command
from conflict_timeline.figures.timeline import date_labels
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.safe import plain_frame, safe_url
from conflict_timeline.ui.selection import chart_key, pick

PAGE_SIZE = 100
# In-app downloads are built only when clicked, and only up to this many events (Streamlit keeps
# a download's bytes in server memory for the session); larger exports go through the CLI.
DOWNLOAD_CAP = 100_000
SORTS = {
    "Date (oldest first)": "date",
    "Date (newest first)": "date_desc",
    "Fatalities (most first)": "fatalities",
    "Title (A–Z)": "title",
}

ctx = page_header("Events")
data, spec = ctx.data, ctx.spec

downloads = st.columns(3)
for column, fmt, label, mime in zip(
    downloads,
    ("csv", "json", "geojson"),
    ("CSV", "JSON", "GeoJSON"),
    ("text/csv", "application/json", "application/geo+json"),
):
    column.download_button(
        f"Download {label} ({ctx.count:,})",
        data=partial(export, data, spec, fmt, DOWNLOAD_CAP),  # built on click, never on a rerun
        file_name=f"conflict-timeline-{data.version}.{fmt}",
        mime=mime,
        key=f"download-{fmt}",
        width="stretch",
        disabled=ctx.count > DOWNLOAD_CAP or ctx.count == 0,
        on_click="ignore",
    )
if ctx.count > DOWNLOAD_CAP:
    st.caption(
        f"{ctx.count:,} events are more than the {DOWNLOAD_CAP:,} a download in the app can hold. "
        "The same export from the command line (it streams, whatever the size):"
    )
    st.code(export_command(spec, "csv"), language="bash")

if ctx.count == 0:
    st.info(
        "No events match these filters. Widen the date range or reset the filters in the sidebar.",
        icon=":material/search_off:",
    )
else:
    sort = st.selectbox("Sort by", list(SORTS), key="events-sort")
    table_slot = st.container()  # the table goes above the pager, clear of the table's toolbar
    pages = max(1, math.ceil(ctx.count / PAGE_SIZE))
    page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, step=1, key="events-page")
    shown = ctx.q("apply_filters", spec, PAGE_SIZE, (page - 1) * PAGE_SIZE, SORTS[sort])
    table = pd.DataFrame(
        {
            "event_id": shown["event_id"],
            "date": date_labels(shown),  # as precise as the record: "1988", "Nov 2007", "11 Oct 2020"
            "title": shown["title"],
            "verification": shown["verification"].astype(str),
            "fatalities": shown["fatalities"].astype("string").fillna("—"),  # "—": unknown, never zero
            "type": shown["type_label"],
            "place": shown["place_label"],
            "actors": shown["actor_names"].fillna(""),
            "source": shown["first_url"].map(safe_url),
            "more sources": (shown["n_sources"].fillna(1) - 1).clip(lower=0).astype(int),
        }
    )
    picked = table_slot.dataframe(
        plain_frame(table),
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
        f"Showing {len(shown)} of {ctx.count:,} events (page {page:,} of {pages:,}). "
        "Select a row to open its card, which lists every source."
    )
    rows = picked.selection.rows if picked else []
    pick("events", table.iloc[rows[0]]["event_id"] if rows else None)
