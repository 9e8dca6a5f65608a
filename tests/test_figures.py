import json

import pandas as pd
import pytest

from conflict_timeline.figures.deck import build_deck, density_frame, in_region, label_frame, tooltip_text
from conflict_timeline.figures.timeline import build_timeline, hover_text
from tests.conftest import EVENTS, make_dataset


def _xss(tmp_path):
    from conflict_timeline.data.load import load_dataset

    events = [list(e) for e in EVENTS]
    events[0][4] = '<img src=x onerror="alert(1)">'
    return load_dataset(make_dataset(tmp_path / "x", events=events))


def test_timeline_points_follow_the_filter(mini):
    ev = mini.events[mini.events["event_type"] == "shelling"]
    fig = build_timeline(ev, mini.eras, pd.Timestamp("2020-09-01"), pd.Timestamp("2020-11-30"), "W")
    points = [t for t in fig.data if t.type == "scatter" and t.customdata is not None and t.name != "selected"]
    assert [list(t.customdata) for t in points] == [["e3"]]
    bars = [t for t in fig.data if t.type == "bar" and t.name == "events"]
    assert int(sum(bars[0].y)) == 1


def test_timeline_eras_and_range_slider(mini):
    fig = build_timeline(mini.events, mini.eras, pd.Timestamp("2020-09-20"), pd.Timestamp("2020-11-15"), "D")
    spec = json.loads(fig.to_json())
    assert any(a["text"] == "44-day war" for a in spec["layout"]["annotations"])
    assert spec["layout"]["xaxis3"]["rangeslider"]["visible"] is True


def test_timeline_aggregates_past_the_limit(mini):
    fig = build_timeline(
        mini.events, mini.eras, pd.Timestamp("1994-01-01"), pd.Timestamp("2020-12-31"), "M", point_limit=3
    )
    assert fig.data[0].name == "events (binned)"


def test_timeline_selected_marker(mini):
    fig = build_timeline(
        mini.events, mini.eras, pd.Timestamp("2020-09-01"), pd.Timestamp("2020-11-01"), "W", selected="e2"
    )
    assert any(t.name == "selected" and list(t.customdata) == ["e2"] for t in fig.data)


def test_hover_escapes_markup(tmp_path):
    data = _xss(tmp_path)
    text = " ".join(hover_text(data.events))
    assert "<img" not in text and "&lt;img" in text


def test_deck_layers_and_offline_style(mini):
    deck, mode = build_deck(mini.events[in_region(mini.events)], mini.places)
    spec = json.loads(deck.to_json())
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[:2] == ["water", "countries"] and "events" in ids and "labels" in ids
    assert spec["mapStyle"] == "__MAP_STYLE__" and mode == "points"
    assert spec["views"][0]["@@type"] == "MapView"
    labels = next(layer for layer in spec["layers"] if layer["id"] == "labels")
    assert "ə" in labels["characterSet"] and "J" in labels["characterSet"]
    assert deck._tooltip["text"] == "{tooltip}" and "html" not in deck._tooltip  # plain text, never html


def test_uncertainty_layer_for_vague_places(mini):
    deck, _ = build_deck(mini.events[in_region(mini.events)], mini.places)
    spec = json.loads(deck.to_json())
    vague = next(layer for layer in spec["layers"] if layer["id"] == "uncertainty")
    # e1 and e4 are both placed at region level on Stepanakert: one shared uncertainty circle
    assert len(vague["data"]) == 1 and vague["data"][0]["event_id"] in {"e1", "e4"}
    assert vague["data"][0]["uncertainty"] == 30_000


@pytest.mark.parametrize("limit, expected", [(100, "points"), (1, "density")])
def test_density_fallback(mini, limit, expected):
    _, mode = build_deck(mini.events, mini.places, point_limit=limit)
    assert mode == expected


def test_density_is_binned_on_the_server(mini):
    cells = density_frame(mini.events)
    assert cells["events"].sum() == len(mini.events)
    assert len(cells) < len(mini.events)


def test_outside_region(mini):
    outside = set(mini.events.loc[~in_region(mini.events), "event_id"])
    assert outside == {"e2", "e5", "e6"}  # Moscow and Washington


def test_labels_carry_both_names(mini):
    labels = set(label_frame(mini.places)["label"])
    assert "Stepanakert / Xankəndi" in labels and "Shusha / Shushi / Şuşa" in labels


def test_tooltip_is_plain_text(tmp_path):
    data = _xss(tmp_path)
    assert any('<img src=x onerror="alert(1)">' in t for t in tooltip_text(data.events))
    deck, _ = build_deck(data.events, data.places)
    assert "html" not in deck._tooltip
