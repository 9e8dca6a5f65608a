import json

import pandas as pd

from conflict_timeline.data import query as q
from conflict_timeline.data.query import FilterSpec
from conflict_timeline.figures.deck import (
    DENSITY_CELL_DEG,
    REGION_BBOX,
    build_deck,
    density_frame,
    label_frame,
    tooltip_text,
)
from conflict_timeline.figures.timeline import build_timeline, hover_text
from tests.conftest import EVENTS, eid, make_dataset, short


def _xss(tmp_path):
    from conflict_timeline.data.load import load_dataset

    events = [list(e) for e in EVENTS]
    events[0][4] = '<img src=x onerror="alert(1)">'
    return load_dataset(make_dataset(tmp_path / "x", events=events))


def _timeline(data, spec, start, end, freq, points=True, **kwargs):
    return build_timeline(
        q.apply_filters(data, spec) if points else None,
        None if points else q.lane_grid(data, spec, freq, "side", start.date()),
        q.counts_over_time(data, spec, freq, start.date()),
        data.eras,
        start,
        end,
        freq,
        **kwargs,
    )


def test_timeline_points_follow_the_filter(mini):
    fig = _timeline(mini, FilterSpec(types=("shelling",)), pd.Timestamp("2020-09-01"), pd.Timestamp("2020-11-30"), "W")
    points = [t for t in fig.data if t.type == "scatter" and t.customdata is not None and t.name != "selected"]
    assert [short(t.customdata) for t in points] == [{"e3"}]
    bars = [t for t in fig.data if t.type == "bar" and t.name == "events"]
    assert int(sum(bars[0].y)) == 1


def test_timeline_eras_and_range_slider(mini):
    fig = _timeline(mini, FilterSpec(), pd.Timestamp("2020-09-20"), pd.Timestamp("2020-11-15"), "D")
    spec = json.loads(fig.to_json())
    assert any(a["text"] == "44-day war" for a in spec["layout"]["annotations"])
    assert spec["layout"]["xaxis3"]["rangeslider"]["visible"] is True


def test_timeline_binned_lanes(mini):
    fig = _timeline(mini, FilterSpec(), pd.Timestamp("1994-01-01"), pd.Timestamp("2020-12-31"), "M", points=False)
    assert fig.data[0].name == "events (binned)"
    assert int(sum(fig.data[0].customdata)) == mini.n_events
    assert set(fig.layout.yaxis.ticktext) == {"Azerbaijani side", "Armenian side", "International"}


def test_timeline_selected_marker(mini):
    fig = _timeline(
        mini, FilterSpec(), pd.Timestamp("2020-09-01"), pd.Timestamp("2020-11-01"), "W", selected=eid("e2")
    )
    assert any(t.name == "selected" and list(t.customdata) == [eid("e2")] for t in fig.data)


def test_hover_escapes_markup(tmp_path):
    data = _xss(tmp_path)
    text = " ".join(hover_text(q.apply_filters(data, FilterSpec())))
    assert "<img" not in text and "&lt;img" in text


ALL = FilterSpec()


def _points(data, spec=ALL):
    return q.events_in_box(data, spec, REGION_BBOX, True)


def test_deck_layers_and_offline_style(mini):
    deck = build_deck(_points(mini), None, mini.places)
    spec = json.loads(deck.to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[:2] == ["water", "countries"] and "events" in ids and "labels" in ids
    assert spec["mapStyle"] == "__MAP_STYLE__"
    assert spec["views"][0]["@@type"] == "MapView"
    labels = next(layer for layer in spec["layers"] if layer["id"] == "labels")
    assert "ə" in labels["characterSet"] and "J" in labels["characterSet"]
    assert deck._tooltip["text"] == "{tooltip}" and "html" not in deck._tooltip  # plain text, never html


def test_uncertainty_layer_for_vague_places(mini):
    spec = json.loads(build_deck(_points(mini), None, mini.places).to_json())
    vague = next(layer for layer in spec["layers"] if layer["id"] == "uncertainty")
    # e1 and e4 are both placed at region level on Stepanakert: one shared uncertainty circle
    assert len(vague["data"]) == 1 and short([vague["data"][0]["event_id"]]) <= {"e1", "e4"}
    assert vague["data"][0]["uncertainty"] == 30_000


def test_density_layer_from_engine_cells(mini):
    cells = q.density_cells(mini, FilterSpec(), REGION_BBOX, DENSITY_CELL_DEG)
    spec = json.loads(build_deck(None, cells, mini.places).to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert "density" in ids and "events" not in ids
    frame = density_frame(cells)
    assert frame["events"].sum() == q.count_in_box(mini, FilterSpec(), REGION_BBOX, True)
    assert len(frame) < mini.n_events


def test_outside_region(mini):
    outside = q.events_in_box(mini, FilterSpec(), REGION_BBOX, inside=False)
    assert short(outside["event_id"]) == {"e2", "e5", "e6"}  # Moscow and Washington
    assert q.count_in_box(mini, FilterSpec(), REGION_BBOX, False) == 3


def test_labels_carry_both_names(mini):
    labels = set(label_frame(mini.places)["label"])
    assert "Stepanakert / Xankəndi" in labels and "Shusha / Shushi / Şuşa" in labels


def test_tooltip_is_plain_text(tmp_path):
    data = _xss(tmp_path)
    assert any('<img src=x onerror="alert(1)">' in t for t in tooltip_text(_points(data)))
    deck = build_deck(_points(data), None, data.places)
    assert "html" not in deck._tooltip


def test_a_frozen_deck_serialises_like_pydeck_but_once_and_compact(mini):
    import json

    from conflict_timeline.data.query import FilterSpec, events_in_box, map_extent
    from conflict_timeline.figures.deck import FrozenDeck, build_deck, freeze

    extent = map_extent(mini)
    points = events_in_box(mini, FilterSpec(), extent, True, 100)
    reference = build_deck(points, None, mini.places, extent=extent).to_json()
    frozen = freeze(build_deck(points, None, mini.places, extent=extent))
    assert isinstance(frozen, FrozenDeck)
    assert json.loads(frozen.to_json()) == json.loads(reference)  # the same deck, key for key
    assert len(frozen.to_json()) < len(reference)  # no indentation
    assert all(not hasattr(layer.data, "columns") for layer in frozen.layers)  # nothing left to convert in place
