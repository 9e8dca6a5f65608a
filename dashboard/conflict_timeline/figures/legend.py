"""A compact legend of event-type colours, drawn beside the map and the timeline."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from conflict_timeline.data.text import plain
from conflict_timeline.figures.palette import type_color


def _text(label: object) -> str:
    return html.escape(plain(label), quote=False)


def build_type_legend(
    event_types: pd.DataFrame, present: list[str], extra: list[tuple[str, str]] | None = None
) -> go.Figure:
    """One coloured marker per event type present (circles: violence, diamonds: politics), then
    ``extra`` (label, colour) squares such as the fatality bars' colours. One trace: it is fast."""
    rows = event_types[event_types["event_type"].isin(present)]
    # Plotly text takes a little HTML: escape <, > and & only (it shows &quot; and &#x27; literally)
    labels = [_text(label) for label in rows["label"]] + [_text(label) for label, _ in extra or []]
    colours = [type_color(t) for t in rows["event_type"]] + [colour for _, colour in extra or []]
    symbols = ["circle" if c == "violence" else "diamond" for c in rows["category"]] + ["square"] * len(extra or [])
    count = len(labels)
    fig = go.Figure(
        go.Scatter(
            x=[0] * count,
            y=[-i for i in range(count)],
            mode="markers+text",
            text=labels,
            textposition="middle right",
            marker={"size": 11, "color": colours, "symbol": symbols},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False, range=[-0.05, 1])
    fig.update_yaxes(visible=False, range=[-max(count, 1) + 0.5, 0.5])
    fig.update_layout(
        height=max(60, 20 * count + 10),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig
