"""Timeline page: events over time by lane, with counts and fatalities per bin beneath."""

import streamlit as st

from conflict_timeline.data.query import BIN_LABELS
from conflict_timeline.figures.legend import build_type_legend
from conflict_timeline.figures.palette import VERIFICATION_COLORS
from conflict_timeline.figures.timeline import POINT_LIMIT, build_timeline
from conflict_timeline.ui.context import page_header
from conflict_timeline.ui.selection import chart_key, pick, plotly_event_id

ctx = page_header("Timeline")
lane = st.segmented_control(
    "Lanes",
    ["side", "type"],
    key="lane",
    persist_state="session",  # kept across pages, and in the URL as `lane`
    format_func=lambda v: {"side": "By actor side", "type": "By event type"}[v],
)
if ctx.events.empty:
    st.info(
        "No events match these filters. Widen the date range, remove an actor or type, or use "
        "**Reset all filters** in the sidebar.",
        icon=":material/search_off:",
    )
else:
    fig = build_timeline(
        ctx.events,
        ctx.data.eras,
        ctx.date_from,
        ctx.date_to,
        ctx.freq,
        lane=lane or "side",
        selected=ctx.view.event,
    )
    chart_col, legend_col = st.columns([4, 1])
    with legend_col:
        st.markdown("**Event types**")
        fatality_keys = [(f"fatalities ({v})", VERIFICATION_COLORS[v]) for v in ("confirmed", "disputed", "claimed")]
        st.plotly_chart(
            build_type_legend(ctx.data.event_types, sorted(set(ctx.events["event_type"].astype(str))), fatality_keys),
            key="timeline-legend",
            config={"staticPlot": True},
            width="stretch",
        )
    chosen = chart_col.plotly_chart(
        fig,
        key=chart_key("timeline-chart"),
        on_select="rerun",
        selection_mode="points",
        width="stretch",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
    )
    notes = [
        f"Counts are per {BIN_LABELS[ctx.freq]} (the bin follows the selected date range).",
        "Marker size grows with fatalities; circles are violence, diamonds politics.",
        "Fatalities are stacked by verification, so claims never pad confirmed tolls; they count each event's"
        " best figure (else the lowest reported) and leave out running totals, so they understate the wars.",
    ]
    if len(ctx.events) > POINT_LIMIT:
        notes.insert(
            0,
            f"{len(ctx.events)} events are too many to draw one by one: the top panel shows "
            f"binned counts per lane. Narrow the filters below {POINT_LIMIT} events to click events.",
        )
    else:
        notes.insert(0, "Click an event to open its card.")
    st.caption(" ".join(notes))
    pick("timeline", plotly_event_id(chosen))
