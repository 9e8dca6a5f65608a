"""Timeline page: events over time by lane, with counts and fatalities per bin beneath."""

import streamlit as st

from conflict_timeline.data.query import BIN_LABELS
from conflict_timeline.figures.palette import VERIFICATION_COLORS
from conflict_timeline.figures.timeline import POINT_LIMIT
from conflict_timeline.ui import shared_figures
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.selection import chart_key, pick, plotly_event_id


def clickable_chart(slot, figure, key: str):
    """A Plotly chart whose points open their event's card (read back with ``plotly_event_id``)."""
    return slot.plotly_chart(
        figure,
        key=chart_key(key),
        on_select="rerun",
        selection_mode="points",
        width="stretch",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
    )


ctx = page_header("Timeline")
lane = st.segmented_control(
    "Lanes",
    ["side", "type"],
    key="lane",
    persist_state="session",  # kept across pages, and in the URL as `lane`
    format_func=lambda v: {"side": "By actor side", "type": "By event type"}[v],
)
if ctx.count == 0:
    st.info(
        "No events match these filters. Widen the date range, remove an actor or type, or use "
        "**Reset all filters** in the sidebar.",
        icon=":material/search_off:",
    )
else:
    lane = lane or "side"
    drawn_one_by_one = ctx.count <= POINT_LIMIT
    store = str(ctx.data.store)
    fig = shared_figures.timeline(
        store, ctx.spec, ctx.freq, lane, ctx.view.event, ctx.view.date_from, ctx.view.date_to, ctx.count
    )
    chart_col, legend_col = st.columns([4, 1])
    with legend_col:
        st.markdown("**Event types**")
        statuses = ("reported",) if ctx.data.imported else ("confirmed", "disputed", "claimed")
        fatality_keys = [(f"fatalities ({v})", VERIFICATION_COLORS[v]) for v in statuses]
        st.plotly_chart(
            shared_figures.type_legend(store, tuple(ctx.q("types_present", ctx.spec)), tuple(fatality_keys)),
            key="timeline-legend",
            config={"staticPlot": True},
            width="stretch",
        )
    chosen = clickable_chart(chart_col, fig, "timeline-chart")
    notes = [
        f"Counts are per {BIN_LABELS[ctx.freq]} (the bin follows the selected date range).",
        "Marker size grows with fatalities; circles are violence, diamonds politics.",
        "Fatalities are stacked by verification, so claims never pad confirmed tolls; they count each event's"
        " best figure (else the lowest reported) and leave out running totals, so they understate the wars.",
    ]
    if not drawn_one_by_one:
        notes.insert(
            0,
            f"{ctx.count:,} events are too many to draw one by one: the top panel shows "
            f"binned counts per lane. Narrow the filters below {POINT_LIMIT} events to click events.",
        )
    else:
        notes.insert(0, "Click an event to open its card.")
    st.caption(" ".join(notes))
    pick("timeline", plotly_event_id(chosen))

if ctx.data.has_control:
    band_figure, n_changes = shared_figures.control_band(str(ctx.data.store), ctx.view.date_from, ctx.view.date_to)
    band_col, _ = st.columns([4, 1])  # under the timeline's chart column: the date axes line up
    band = clickable_chart(band_col, band_figure, "control-chart")
    st.caption(
        f"{n_changes} changes of control in this range (click one to open its event). Filled markers are "
        "confirmed, open circles rest on one side's claim, crosses are disputed. The count covers the places the "
        "control table tracks, not the area held; the map shows who held each place on a chosen day."
    )
    pick("control", plotly_event_id(band))
