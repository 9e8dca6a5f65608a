"""The timeline figure: events by lane over time, era bands, key events, and counts per bin beneath."""

from __future__ import annotations

import copy
import html
import zlib
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflict_timeline.data.query import BIN_LABELS
from conflict_timeline.data.text import plain
from conflict_timeline.figures.frozen import FrozenFigure, dates, when
from conflict_timeline.figures.memo import TextMemo, remembered_texts
from conflict_timeline.figures.palette import ERA_FILL, VERIFICATION_COLORS, type_color

# Past this many events the top panel shows binned counts instead of one marker per event.
POINT_LIMIT = 4000
KEY_EVENT_TYPES = ("ceasefire_agreement",)
MAX_ANNOTATIONS = 8


def _esc(text: object) -> str:
    # Plotly renders a small HTML subset; escaping <, > and & keeps data text out of it.
    return html.escape(plain(text), quote=False)


# Short lane names leave the plot room on a phone.
LANE_LABELS = {
    "armenian": "Armenian side",
    "azerbaijani": "Azerbaijani side",
    "international": "International",
    "third-party": "Third parties",
    "civilian": "Civilians",
}


def lane_of(events: pd.DataFrame, lane: str, labels: dict[str, str] | None = None) -> pd.Series:
    return lane_names(events["type_label" if lane == "type" else "side"], lane, labels)


def lane_names(values: pd.Series, lane: str, labels: dict[str, str] | None = None) -> pd.Series:
    """Lane labels for the values of ``query.lane_column`` (a side id, or a type label); ``labels``
    are the dataset's own sides (sides.csv), the curated five by default."""
    if lane == "type":
        return values.astype(str)
    return values.astype(str).map(labels or LANE_LABELS).fillna("Other")


def recorded_fatalities(events: pd.DataFrame) -> pd.Series:
    """The figure drawn: the best estimate, else the lowest reported (as ``query.RECORDED``)."""
    return events["fatalities"].astype("Float64").fillna(events["fatalities_low"].astype("Float64"))


def _jitter(ids: pd.Series) -> np.ndarray:
    """Deterministic vertical spread inside a lane so that same-day events do not hide each other."""
    return np.array([(zlib.crc32(i.encode()) % 1000) / 1000 * 0.6 - 0.3 for i in ids])


def marker_size(fatalities: pd.Series) -> np.ndarray:
    values = fatalities.astype("Float64").fillna(0).to_numpy(dtype=float)  # recorded_fatalities()
    return np.clip(7 + 3.2 * np.sqrt(values), 7, 34)


def _esc_series(texts: pd.Series) -> pd.Series:
    texts = texts.astype(str).map(plain)  # no bidi overrides: they could show text reversed
    return texts.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")


FORMATS = {"day": "%d %b %Y", "month": "%b %Y", "year": "%Y"}


def date_labels(events: pd.DataFrame) -> pd.Series:
    """Dates as precise as the record: '11 Oct 2020', 'Nov 2007', '1988', with spans as ranges."""
    precision = events["date_precision"].astype(str)
    out = pd.Series("", index=events.index, dtype=object)
    for name, fmt in FORMATS.items():
        chosen = precision == name
        start = events.loc[chosen, "date_start"].dt.strftime(fmt)
        end = events.loc[chosen, "date_end"].dt.strftime(fmt)
        out[chosen] = start.where(end.isna() | (end == start), start + " – " + end)
    return out


def hover_text(events: pd.DataFrame) -> list[str]:
    """Escaped hover lines: date, title, place, actors (data text never reaches Plotly unescaped)."""
    if events.empty:
        return []
    date = date_labels(events)
    verification = events["verification"].astype(str)
    best = events["fatalities"].astype("string")
    span = (
        events["fatalities_low"].astype("string").fillna("?")
        + "–"
        + events["fatalities_high"].astype("string").fillna("?")
    )
    span = span.where(events["fatalities_low"].notna() | events["fatalities_high"].notna())
    figure = best.fillna(span).where(best.isna() | span.isna(), best + " (range " + span + ")")
    toll = ("<br>Fatalities: " + figure + " (" + verification + ")").fillna("")
    text = (
        "<b>"
        + _esc_series(events["title"])
        + "</b><br>"
        + date
        + " · "
        + _esc_series(events["type_label"])
        + "<br>"
        + _esc_series(events["place_label"])
        + "<br>"
        + _esc_series(events["actor_names"].fillna(""))
        + "<br>Verification: "
        + verification
        + toll
    )
    return text.tolist()


@cache
def _frame_layout(freq: str) -> dict:
    """The three-panel layout (domains, shared date axis, panel titles) as a plain dict, made once:
    assembling the figure from dicts validates it once instead of once per added trace."""
    return make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.04,
        row_heights=[0.62, 0.19, 0.19],
        subplot_titles=(
            "",
            f"Events per {BIN_LABELS[freq]}",
            f"Fatalities recorded in events per {BIN_LABELS[freq]}, by verification (not a full toll)",
        ),
    ).layout.to_plotly_json()


_AXES = {1: ("x", "y"), 2: ("x2", "y2"), 3: ("x3", "y3")}


def _trace(kind: str, row: int, **props) -> dict:
    xaxis, yaxis = _AXES[row]
    return {"type": kind, "xaxis": xaxis, "yaxis": yaxis, **props}


def build_timeline(
    points: pd.DataFrame | None,
    grid: pd.DataFrame | None,
    counts: pd.DataFrame,
    eras: pd.DataFrame,
    date_from: pd.Timestamp,
    date_to: pd.Timestamp,
    freq: str,
    lane: str = "side",
    selected: str | None = None,
    key_events: pd.DataFrame | None = None,
    lane_labels: dict[str, str] | None = None,
    hover_memo: TextMemo | None = None,
) -> go.Figure:
    """Three stacked panels sharing one date axis: events, events per bin, fatalities per bin.

    ``points`` are the events to draw one by one; when there are too many, ``grid`` holds the
    binned counts per lane (``query.lane_grid``) instead. ``counts`` is ``query.counts_over_time``.
    ``hover_memo`` remembers events' hover texts between views (``memo.remembered_texts``).
    """
    traces: list[dict] = []
    aggregated = points is None
    if aggregated:
        grid = grid if grid is not None else pd.DataFrame(columns=["lane", "period", "n"])
        lanes = lane_names(grid["lane"], lane, lane_labels)
        names = sorted(lanes.unique())
        lane_pos = {name: i for i, name in enumerate(names)}
        counts_n = grid["n"].to_numpy(dtype=float)
        traces.append(
            _trace(
                "scatter",
                1,
                x=dates(grid["period"]),
                y=lanes.map(lane_pos).to_numpy(dtype=float),
                mode="markers",
                name="events (binned)",
                marker={"size": np.clip(4 + 2.2 * np.sqrt(counts_n), 4, 30), "color": "#0072B2", "opacity": 0.6},
                hovertemplate="%{customdata} events<extra></extra>",
                customdata=grid["n"].to_numpy(dtype=np.int64),
                showlegend=False,
            )
        )
    else:
        # Arrays for every event at once, then one slice per event type: per-group pandas work cost
        # more than the rest of the figure.
        lanes_all = lane_of(points, lane, lane_labels)
        names = sorted(lanes_all.unique()) if len(points) else []
        lane_pos = {name: i for i, name in enumerate(names)}
        ids = points["event_id"].to_numpy(dtype=object)
        # An event that began before the range (a siege, a blockade) is drawn at the range's start.
        xs = dates(points["date_start"].clip(lower=date_from))
        ys = lanes_all.map(lane_pos).to_numpy(dtype=float) + _jitter(points["event_id"])
        sizes = marker_size(recorded_fatalities(points))
        hovers = np.array(remembered_texts(points, hover_text, hover_memo), dtype=object)
        types = points["event_type"].astype(str).to_numpy(dtype=object)
        labels = points["type_label"].astype(str).to_numpy(dtype=object)
        violent = (points["category"].astype(str) == "violence").to_numpy()
        for event_type in sorted(set(types)):
            chosen = types == event_type
            first = int(np.argmax(chosen))
            traces.append(
                _trace(
                    "scatter",
                    1,
                    x=xs[chosen],
                    y=ys[chosen],
                    mode="markers",
                    name=_esc(labels[first]),
                    customdata=ids[chosen].tolist(),
                    hovertext=hovers[chosen].tolist(),
                    hoverinfo="text",
                    marker={
                        "size": sizes[chosen],
                        "color": type_color(event_type),
                        "symbol": "circle" if violent[first] else "diamond",
                        "opacity": 0.85,
                        "line": {"width": 0.6, "color": "white"},
                    },
                    legendgroup=event_type,
                )
            )
        where = np.flatnonzero(ids == selected) if selected is not None else []
        if len(where):
            i = int(where[0])
            traces.append(
                _trace(
                    "scatter",
                    1,
                    x=xs[i : i + 1],
                    y=[float(ys[i])],
                    mode="markers",
                    name="selected",
                    showlegend=False,
                    hoverinfo="skip",
                    customdata=[selected],
                    marker={"size": 22, "color": "rgba(0,0,0,0)", "line": {"width": 2.5, "color": "#000000"}},
                )
            )

    periods = dates(counts["period"])
    traces.append(
        _trace(
            "bar",
            2,
            x=periods,
            y=counts["events"].to_numpy(dtype=np.int64),
            name="events",
            marker={"color": "#56B4E9"},
            showlegend=False,
            hovertemplate="%{x|%d %b %Y}: %{y} events<extra></extra>",
        )
    )
    statuses = ["confirmed", "disputed", "claimed"]
    if "fatalities_reported" in counts and counts["fatalities_reported"].any():
        statuses.append("reported")  # an imported dataset's figures, as its source coded them
    for status in statuses:
        traces.append(
            _trace(
                "bar",
                3,
                x=periods,
                y=counts[f"fatalities_{status}"].to_numpy(dtype=np.int64),
                name=f"fatalities ({status})",
                marker={"color": VERIFICATION_COLORS[status]},
                legendgroup="fatalities",
                hovertemplate=f"%{{x|%d %b %Y}}: %{{y}} {status}<extra></extra>",
            )
        )

    layout = copy.deepcopy(_frame_layout(freq))
    shapes, notes = _era_marks(eras, date_from, date_to)
    if not aggregated and key_events is not None:
        key_shapes, key_notes = _key_event_marks(key_events, date_from, date_to)
        shapes, notes = shapes + key_shapes, notes + key_notes
    pad = pd.Timedelta(days=max(1, (date_to - date_from).days // 50))
    window = [when(date_from - pad), when(date_to + pad)]
    layout["yaxis"].update(
        tickmode="array",
        tickvals=list(range(len(names))),
        ticktext=[_esc(n) for n in names],
        range=[-0.6, max(len(names) - 0.4, 0.6)],
        fixedrange=True,
        showgrid=False,
    )
    fatalities = counts[[f"fatalities_{status}" for status in statuses]].sum(axis=1)
    for axis, values in (("yaxis2", counts["events"]), ("yaxis3", fatalities)):
        layout[axis].update(fixedrange=True, rangemode="tozero", tickformat="d", nticks=4)
        if len(values) == 0 or values.max() <= 4:
            layout[axis]["dtick"] = 1  # small counts: whole steps (Plotly's halves read "0, 1, 1")
    for axis in ("xaxis", "xaxis2"):
        layout[axis]["range"] = window
    layout["xaxis3"].update(
        range=window, type="date", rangeslider={"visible": True, "thickness": 0.06, "range": window}
    )
    layout.update(
        shapes=shapes,
        annotations=[*layout.get("annotations", []), *notes],
        barmode="stack",
        height=660,
        margin={"l": 10, "r": 10, "t": 36, "b": 10},
        clickmode="event+select",
        dragmode="zoom",
        showlegend=False,  # the page draws the legend beside the chart (below it on a phone)
        hoverlabel={"align": "left"},
        uirevision="timeline",
    )
    return FrozenFigure({"data": traces, "layout": layout})


def _era_marks(eras: pd.DataFrame, date_from: pd.Timestamp, date_to: pd.Timestamp) -> tuple[list, list]:
    bands = eras[eras["band"] & (eras["date_end"] >= date_from) & (eras["date_start"] <= date_to)]
    span = max((date_to - date_from).days, 1)
    shapes, notes = [], []
    for era in bands.itertuples(index=False):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": when(era.date_start),
                "x1": when(era.date_end + pd.Timedelta(days=1)),
                "y0": 0,
                "y1": 1,
                "fillcolor": ERA_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
        )
        start = max(era.date_start, date_from)
        visible = (min(era.date_end, date_to) - start).days
        if visible < 0.08 * span:  # too narrow to carry a readable label at this zoom
            continue
        notes.append(
            {
                "x": when(start),
                "y": 1.0,
                "xref": "x",
                "yref": "paper",
                "text": _esc(era.name),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"size": 10, "color": "#555555"},
                "bgcolor": "rgba(255,255,255,0.6)",
            }
        )
    return shapes, notes


def _key_event_marks(events: pd.DataFrame, date_from: pd.Timestamp, date_to: pd.Timestamp) -> tuple[list, list]:
    key = events.assign(date_start=events["date_start"].clip(lower=date_from))
    if key.empty:
        return [], []
    span = max((date_to - date_from).days, 1)
    # keep labels apart: at least 12% of the visible span between annotated events
    picked, last = [], None
    for row in key.itertuples(index=False):
        if last is None or (row.date_start - last).days >= 0.12 * span:
            picked.append(row)
            last = row.date_start
    shapes, notes = [], []
    for i, row in enumerate(picked[:MAX_ANNOTATIONS]):
        title = row.title if len(row.title) <= 34 else row.title[:32] + "…"
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "y domain",
                "x0": when(row.date_start),
                "x1": when(row.date_start),
                "y0": 0,
                "y1": 1,
                "line": {"width": 1, "dash": "dot", "color": "#009988"},
            }
        )
        notes.append(
            {
                "x": when(row.date_start),
                "y": 0.98 - 0.06 * (i % 3),
                "xref": "x",
                "yref": "y domain",
                "text": _esc(title),
                "showarrow": False,
                "font": {"size": 10, "color": "#006655"},
                "bgcolor": "rgba(255,255,255,0.75)",
                # labels in the right third hang to the left so they never run into the legend
                "xanchor": "right" if (row.date_start - date_from).days > 0.66 * span else "left",
            }
        )
    return shapes, notes
