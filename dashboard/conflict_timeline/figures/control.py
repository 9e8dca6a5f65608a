"""The control band: how many tracked places each side held over the range, with the changes."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from conflict_timeline.figures.frozen import FrozenFigure, dates, when
from conflict_timeline.figures.palette import SIDE_COLORS

SIDES = {"armenian": "Armenian side", "azerbaijani": "Azerbaijani side"}
SYMBOLS = {"confirmed": "circle", "claimed": "circle-open", "disputed": "x-thin-open"}


def _esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def build_control_band(counts: pd.DataFrame, changes: pd.DataFrame, date_from, date_to) -> go.Figure:
    """Step lines of places held per side (``control.counts_over_time``) and one marker per change
    (``query.control_changes``) at the gaining side's count, carrying its event id for the card."""
    # plain trace dicts, assembled without plotly's per-property validation (the keys are fixed here)
    traces: list[dict] = []
    traces.append(
        dict(
            type="scatter",
            x=dates(counts["date"]),
            y=counts["tracked"].to_numpy(dtype=np.int64),
            mode="lines",
            line={"shape": "hv", "color": "#888888", "width": 1.5, "dash": "dot"},
            name="places tracked (record begun)",
            hovertemplate="%{x|%d %b %Y}: %{y} places tracked<extra></extra>",
        )
    )
    for side, label in SIDES.items():
        traces.append(
            dict(
                type="scatter",
                x=dates(counts["date"]),
                y=counts[side].to_numpy(dtype=np.int64),
                mode="lines",
                line={"shape": "hv", "color": SIDE_COLORS[side], "width": 2.5},
                name=f"places held: {label}",
                hovertemplate=f"%{{x|%d %b %Y}}: %{{y}} places held by the {label}<extra></extra>",
            )
        )
    if not changes.empty:
        level = counts.set_index("date")
        for verification, group in changes.groupby("verification", sort=True):
            ys = [
                int(level[side].asof(pd.Timestamp(day))) if not level.empty else 0
                for side, day in zip(group["side"], group["date"])
            ]
            hover = [
                f"{_esc(place)}: {SIDES.get(prev, 'start')} → {SIDES.get(side, side)}<br>"
                f"{pd.Timestamp(day):%d %b %Y} · {verification}<br>{_esc(title)}"
                for place, prev, side, day, title in zip(
                    group["place"], group["previous"], group["side"], group["date"], group["title"]
                )
            ]
            traces.append(
                dict(
                    type="scatter",
                    x=dates(group["date"]),
                    y=ys,
                    mode="markers",
                    name=f"change ({verification})",
                    marker={
                        "symbol": SYMBOLS.get(verification, "circle"),
                        "size": 9,
                        "color": [SIDE_COLORS.get(s, "#888888") for s in group["side"]],
                        "line": {"width": 1.5, "color": "#333333"},
                    },
                    customdata=group["event_id"].astype(str).tolist(),
                    hovertext=hover,
                    hoverinfo="text",
                )
            )
    layout = dict(
        height=240,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": "Tracked places held by each side (control of territory)", "font": {"size": 13}},
        xaxis={"range": [when(date_from), when(date_to)], "type": "date"},
        yaxis={"title": "places", "rangemode": "tozero", "fixedrange": True},
        legend={"orientation": "h", "y": -0.25},
        clickmode="event+select",
        hoverlabel={"align": "left"},
    )
    return FrozenFigure({"data": traces, "layout": layout})


def band_over(band: FrozenFigure, date_from, date_to) -> FrozenFigure:
    """The same band showing another date range: only the axis range differs (the spec is shared)."""
    spec = band.to_dict()
    layout = {**spec["layout"], "xaxis": {**spec["layout"]["xaxis"], "range": [when(date_from), when(date_to)]}}
    return FrozenFigure({"data": spec["data"], "layout": layout})
