"""Figures handed to Streamlit as JSON-ready specs, and per-event texts remembered across views."""

import json

import orjson
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from conflict_timeline.data import query as q
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.data.query import FilterSpec
from conflict_timeline.figures import memo as memo_module
from conflict_timeline.figures.control import band_over, build_control_band
from conflict_timeline.figures.frozen import FrozenFigure
from conflict_timeline.figures.memo import remembered_texts
from conflict_timeline.figures.timeline import hover_text
from tests.conftest import eid
from tests.test_figures import _timeline as timeline_of

# Plotly's orjson path tries these options first and only cleans the spec (slowly, value by value)
# when orjson refuses it.
PLOTLY_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


@pytest.fixture(scope="module")
def shipped():
    return load_dataset(REPO_ROOT / "data")


def _timeline(data, start, end, freq, points=True, **kwargs):
    """``tests.test_figures._timeline`` over [start, end], with the key events drawn one by one."""
    spec = FilterSpec(date_from=start.date(), date_to=end.date())
    if points:
        kwargs.setdefault("key_events", q.key_events(data, spec, ("ceasefire_agreement",)))
    return timeline_of(data, spec, start, end, freq, points, **kwargs)


def _band(data, start, end):
    return build_control_band(
        q.control_counts(data, start, end), q.control_changes(data, start, end), pd.Timestamp(start), pd.Timestamp(end)
    )


FIGURES = {
    "timeline, one marker per event": lambda d: _timeline(
        d, pd.Timestamp("2020-09-20"), pd.Timestamp("2020-11-15"), "D"
    ),
    "timeline, selected event": lambda d: _timeline(
        d,
        pd.Timestamp("2020-09-20"),
        pd.Timestamp("2020-11-15"),
        "D",
        selected="2020-11-09-trilateral-statement-signed",
    ),
    "timeline, binned lanes": lambda d: _timeline(
        d, pd.Timestamp("1988-01-01"), pd.Timestamp("2026-12-31"), "M", points=False
    ),
    "control band": lambda d: _band(d, d.date_min, d.date_max),
    "control band, another range": lambda d: band_over(
        _band(d, d.date_min, d.date_max), pd.Timestamp("2020-09-27"), pd.Timestamp("2020-11-10")
    ),
}


@pytest.mark.parametrize("name", FIGURES)
def test_a_frozen_figure_is_valid_plotly_and_needs_no_cleaning(shipped, name):
    figure = FIGURES[name](shipped)
    assert isinstance(figure, FrozenFigure)
    raw = orjson.dumps(figure.to_dict(), option=PLOTLY_ORJSON)  # raises TypeError if Plotly had to clean it
    spec = json.loads(raw)
    go.Figure(spec)  # validated: raises on any unknown property or bad value
    assert spec["data"] and json.loads(pio.to_json(figure, validate=False)) == spec


def test_a_frozen_figure_hands_over_its_spec_without_copying_it(shipped):
    figure = FIGURES["control band"](shipped)
    assert figure.to_dict() is figure.to_dict()
    before = orjson.dumps(figure.to_dict(), option=PLOTLY_ORJSON)
    pio.to_json(figure)  # what Streamlit does on every run: must not change the shared spec
    assert orjson.dumps(figure.to_dict(), option=PLOTLY_ORJSON) == before


def test_another_range_of_the_band_leaves_the_first_untouched(shipped):
    whole = FIGURES["control band"](shipped)
    before = whole.to_dict()["layout"]["xaxis"]["range"]
    narrow = band_over(whole, pd.Timestamp("2020-09-27"), pd.Timestamp("2020-11-10"))
    assert whole.to_dict()["layout"]["xaxis"]["range"] == before
    assert [str(d.date()) for d in narrow.to_dict()["layout"]["xaxis"]["range"]] == ["2020-09-27", "2020-11-10"]
    assert narrow.to_dict()["data"] is whole.to_dict()["data"]  # the traces are shared, not copied


def test_the_selected_event_is_ringed_where_it_is_drawn(shipped):
    figure = FIGURES["timeline, selected event"](shipped)
    ring = [t for t in figure.data if t.name == "selected"]
    assert len(ring) == 1 and list(ring[0].customdata) == ["2020-11-09-trilateral-statement-signed"]
    marker = next(
        t
        for t in figure.data
        if t.customdata is not None
        and "2020-11-09-trilateral-statement-signed" in t.customdata
        and t.name != "selected"
    )
    i = list(marker.customdata).index("2020-11-09-trilateral-statement-signed")
    assert (ring[0].x[0], ring[0].y[0]) == (marker.x[i], marker.y[i])


def _make_counting(calls):
    def make(events):
        calls.append(list(events["event_id"]))
        return [f"text of {i}" for i in events["event_id"]]

    return make


def test_remembered_texts_make_only_the_events_not_seen_before():
    calls, memo = [], {}
    make = _make_counting(calls)
    first = remembered_texts(pd.DataFrame({"event_id": ["a", "b"]}), make, memo)
    second = remembered_texts(pd.DataFrame({"event_id": ["b", "c", "a"]}, index=[7, 8, 9]), make, memo)
    assert first == ["text of a", "text of b"]
    assert second == ["text of b", "text of c", "text of a"]
    assert calls == [["a", "b"], ["c"]]


def test_remembered_texts_start_afresh_past_the_limit(monkeypatch):
    monkeypatch.setattr(memo_module, "MEMO_LIMIT", 3)
    calls, memo = [], {}
    make = _make_counting(calls)
    remembered_texts(pd.DataFrame({"event_id": ["a", "b"]}), make, memo)
    assert remembered_texts(pd.DataFrame({"event_id": ["c", "d"]}), make, memo) == ["text of c", "text of d"]
    assert set(memo) == {"c", "d"}  # bounded: the memo never grows past the limit


def test_without_a_memo_the_texts_are_simply_made():
    calls = []
    assert remembered_texts(pd.DataFrame({"event_id": ["a"]}), _make_counting(calls), None) == ["text of a"]
    assert remembered_texts(pd.DataFrame({"event_id": ["a"]}), _make_counting(calls), None) == ["text of a"]
    assert calls == [["a"], ["a"]]


def test_the_timeline_reads_the_same_with_or_without_the_memo(mini):
    memo = {}
    args = (pd.Timestamp("2020-09-01"), pd.Timestamp("2020-11-30"), "W")

    def hovers(**kwargs):
        figure = _timeline(mini, *args, **kwargs)
        return {i: h for t in figure.data if t.hovertext for i, h in zip(t.customdata, t.hovertext)}

    plain = hovers()
    assert hovers(hover_memo=memo) == plain == hovers(hover_memo=memo)
    assert set(memo) == set(plain) and eid("e2") in memo
    events = q.apply_filters(mini, FilterSpec(date_from=args[0].date(), date_to=args[1].date()))
    assert dict(zip(events["event_id"], hover_text(events))) == {i: memo[i] for i in events["event_id"]}


@pytest.mark.parametrize(
    "start, end, whole_steps",
    [
        ("2012-06-01", "2012-06-10", True),  # one or two events a day: 0, 1, 2 — never "0, 1, 1"
        ("2020-09-27", "2020-11-10", False),  # dozens a day: Plotly chooses the steps
    ],
)
def test_small_counts_are_ticked_in_whole_steps(shipped, start, end, whole_steps):
    figure = _timeline(shipped, pd.Timestamp(start), pd.Timestamp(end), "D")
    layout = figure.to_dict()["layout"]
    assert (layout["yaxis2"].get("dtick") == 1) is whole_steps
