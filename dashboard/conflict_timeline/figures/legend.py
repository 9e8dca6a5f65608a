"""A compact legend of event-type colours, for the map (pydeck draws none of its own)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from conflict_timeline.figures.palette import type_color


def build_type_legend(
    event_types: pd.DataFrame, present: list[str], extra: list[tuple[str, str]] | None = None
) -> go.Figure:
    """One coloured marker per event type that occurs in the current events, then ``extra``
    (label, colour) squares, e.g. the fatality bars' verification colours."""
    rows = event_types[event_types["event_type"].isin(present)]
    fig = go.Figure()
    for i, (label, colour) in enumerate(extra or []):
        fig.add_trace(
            go.Scatter(
                x=[0],
                y=[-(len(rows) + i)],
                mode="markers+text",
                text=[html.escape(label)],
                textposition="middle right",
                marker={"size": 11, "color": colour, "symbol": "square"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    for i, row in enumerate(rows.itertuples(index=False)):
        fig.add_trace(
            go.Scatter(
                x=[0],
                y=[-i],
                mode="markers+text",
                text=[html.escape(row.label)],
                textposition="middle right",
                marker={
                    "size": 11,
                    "color": type_color(row.event_type),
                    "symbol": "circle" if row.category == "violence" else "diamond",
                },
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.update_xaxes(visible=False, range=[-0.05, 1])
    fig.update_yaxes(visible=False, range=[-max(len(rows), 1) + 0.5, 0.5])
    fig.update_layout(
        height=max(60, 20 * len(rows) + 10),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig
