"""The map fits itself to the dataset: extent, initial view, base map, labels, grid and "Elsewhere"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data import query as q
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from conflict_timeline.data.query import FilterSpec
from conflict_timeline.figures.countries import WORLD_FRAME, clip_ring, countries_for, frame_for
from conflict_timeline.figures.deck import (
    LABEL_PLACES,
    REGION_BBOX,
    build_deck,
    density_cell,
    initial_view,
    label_places,
)
from tests.conftest import make_dataset

BENIN_DIR = REPO_ROOT / "tests" / "fixtures" / "benin"
BENIN_BOX = (0.77, 6.14, 3.84, 12.42)  # Benin's own bounding box (Natural Earth)
COTONOU, KANDI, PARIS = (2.4183, 6.3654), (2.9386, 11.1342), (2.3488, 48.8534)  # lon, lat
APP = str(REPO_ROOT / "dashboard" / "app.py")


def inside(extent, lon: float, lat: float) -> bool:
    return extent[0] <= lon <= extent[2] and extent[1] <= lat <= extent[3]


def span(extent) -> tuple[float, float]:
    return extent[2] - extent[0], extent[3] - extent[1]


@pytest.fixture(scope="module")
def shipped():
    return load_dataset(REPO_ROOT / "data")


@pytest.fixture(scope="module")
def benin():
    return load_dataset(BENIN_DIR)


def test_shipped_extent_is_the_caucasus_not_its_far_venues(shipped):
    extent = q.map_extent(shipped)
    # a quarter of the curated events are elsewhere (Moscow, Brussels, New York…): none stretches it
    assert all(abs(a - b) <= 0.5 for a, b in zip(extent, REGION_BBOX)), extent
    places = shipped.places
    for place in ("moscow", "brussels", "new-york", "washington", "paris", "ankara", "tehran"):
        assert not inside(extent, places.at[place, "longitude"], places.at[place, "latitude"]), place
    for place in LABEL_PLACES:
        assert inside(extent, places.at[place, "longitude"], places.at[place, "latitude"]), place


def test_benin_extent_and_elsewhere(benin):
    extent = q.map_extent(benin)
    assert inside(extent, *COTONOU) and inside(extent, *KANDI) and not inside(extent, *PARIS)
    assert span(extent)[0] < 6 and span(extent)[1] < 10
    outside = q.events_in_box(benin, FilterSpec(), extent, inside=False)
    assert list(outside["place_id"]) == ["paris"]
    assert q.count_in_box(benin, FilterSpec(), extent, True) == benin.n_events - 1


def _dataset(tmp_path: Path, name: str, spots: list[tuple[float, float, int]]):
    """A dataset with ``n`` events at each (lon, lat, n[, country]) spot (default country: US in the
    Americas, else XX)."""
    places, events = [], []
    for i, (lon, lat, n, *given) in enumerate(spots):
        country = given[0] if given else "US" if lon < -30 else "XX"
        places.append((f"p{i}", f"Place {i}", "", "", "", str(lat), str(lon), "invented", "", country))
        for j in range(n):
            day = f"2020-{1 + j % 12:02d}-{1 + i % 28:02d}"
            events.append(
                (f"{day}-e{i}-{j}", day, "", "day", f"Event {i}.{j}", "Invented.", "armed_clash", "az-mod:initiator",
                 f"p{i}", "exact", "", "", "", "", "confirmed")
            )  # fmt: skip
    return load_dataset(make_dataset(tmp_path / name, events=events, places=places))


CITIES = [(-99.1, 19.4), (-46.6, -23.5), (-0.1, 51.5), (31.2, 30.0), (36.8, -1.3), (77.2, 28.6),
          (116.4, 39.9), (151.2, -33.9), (-74.0, 40.7), (28.0, -26.2), (106.8, -6.2), (139.7, 35.7)]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "spots", "expect"),
    [
        # events spread over the world: no cluster dominates, the map is the world
        ("worldwide", [(x, y, 5) for x, y in CITIES], lambda e: span(e)[0] == 360 and span(e)[1] > 80),
        # two fronts (eastern Ukraine and Gaza, several cells each) and a venue (New York): both fronts
        (
            "two-fronts",
            [(37.8, 48.0, 30), (36.2, 49.9, 20), (39.3, 48.6, 10), (34.45, 31.5, 20), (34.3, 31.3, 10),
             (35.2, 31.8, 10), (-74.0, 40.7, 5)],
            lambda e: inside(e, 37.8, 48.0) and inside(e, 34.45, 31.5) and not inside(e, -74.0, 40.7),
        ),
        # one town: a box around it, never a point
        ("one-town", [(2.42, 6.37, 4)], lambda e: inside(e, 2.42, 6.37) and min(span(e)) >= 2),
        # a stray event a little outside the theatre, in another country, is trimmed, not drawn to
        ("stray", [(30.5, 50.45, 150), (31.3, 49.0, 150), (33.1, 47.0, 149), (37.6, 44.1, 1, "RU")],
         lambda e: inside(e, 30.5, 50.45) and not inside(e, 37.6, 44.1)),
    ],  # fmt: skip
)
def test_extent_of_synthetic_datasets(tmp_path, name, spots, expect):
    extent = q.map_extent(_dataset(tmp_path, name, spots))
    assert expect(extent), extent


def test_mini_extent_keeps_moscow_and_washington_elsewhere(mini):
    extent = q.map_extent(mini)
    assert inside(extent, 46.7528, 39.8177)  # Stepanakert
    assert not inside(extent, 37.6178, 55.7520) and not inside(extent, -77.0364, 38.8951)


def test_benin_deck_draws_benin_and_centres_on_it(benin):
    extent = q.map_extent(benin)
    points = q.events_in_box(benin, FilterSpec(), extent, True)
    busiest = q.counts_by_place(benin, FilterSpec(), 200)
    spec = json.loads(
        build_deck(points, None, benin.places, extent=extent, label_ids=label_places(benin.places, busiest, extent))
        .to_json()
    )
    countries = next(layer for layer in spec["layers"] if layer["id"] == "countries")
    names = {f["properties"]["name"] for f in countries["data"]["features"]}
    assert {"Benin", "Togo", "Nigeria", "Niger", "Burkina Faso"} <= names
    assert "Armenia" not in names and "France" not in names
    view = spec["initialViewState"]
    assert inside(BENIN_BOX, view["longitude"], view["latitude"]) and 5 <= view["zoom"] <= 7.5
    water = next(layer for layer in spec["layers"] if layer["id"] == "water")
    x0, y0 = water["data"][0]["polygon"][0]
    x1, y1 = water["data"][0]["polygon"][2]
    assert x0 < extent[0] and y0 < extent[1] and x1 > extent[2] and y1 > extent[3]  # sea under the whole view
    labels = next(layer for layer in spec["layers"] if layer["id"] == "labels")
    shown = {row["label"] for row in labels["data"]}
    assert {"Kandi", "Cotonou"} <= shown and "Paris" not in shown


def test_labels_are_the_curated_towns_when_the_dataset_has_them(shipped):
    extent = q.map_extent(shipped)
    busiest = q.counts_by_place(shipped, FilterSpec(), 200)
    assert label_places(shipped.places, busiest, extent) == LABEL_PLACES


def test_busiest_labels_are_bounded_and_spaced(benin):
    extent = q.map_extent(benin)
    ids = label_places(benin.places, q.counts_by_place(benin, FilterSpec(), 200), extent)
    assert 0 < len(ids) <= 12 and "paris" not in ids
    assert label_places(benin.places, q.counts_by_place(benin, FilterSpec(), 0), extent) == ()


@pytest.mark.parametrize(
    ("extent", "cell"),
    [
        (REGION_BBOX, 0.1),  # the curated region keeps its 0.1° grid
        ((-180.0, -60.0, 180.0, 75.0), 5.0),
        ((22.0, 44.0, 40.0, 52.5), 0.25),  # Ukraine
        ((34, 31, 35, 32), 0.02),
    ],
)
def test_density_cell_scales_with_the_extent(extent, cell):
    assert density_cell(extent) == cell


def test_initial_view_fits_the_extent():
    caucasus = initial_view(REGION_BBOX)
    assert 46 < caucasus["longitude"] < 48 and 39.5 < caucasus["latitude"] < 41 and 5.5 < caucasus["zoom"] < 7
    assert initial_view((-180.0, -60.0, 180.0, 75.0))["zoom"] < 1.5
    assert initial_view((2.0, 6.0, 2.5, 6.5))["zoom"] > initial_view(REGION_BBOX)["zoom"]


def test_world_extent_draws_every_country_from_the_coarse_map():
    world = countries_for((-180.0, -60.0, 180.0, 75.0))
    assert tuple(world["bbox"]) == WORLD_FRAME and len(world["features"]) > 170
    regional = countries_for(REGION_BBOX)
    assert {"Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey"} <= {f["properties"]["name"] for f in
                                                                      regional["features"]}  # fmt: skip
    x0, y0, x1, y1 = frame_for(REGION_BBOX)
    for feature in regional["features"]:  # clipped to the frame: nothing of Russia's Pacific coast
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in ring), feature["properties"]["name"]


@pytest.mark.parametrize(
    ("ring", "expected"),
    [
        ([(0, 0), (4, 0), (4, 4), (0, 4)], {(1, 1), (3, 1), (3, 3), (1, 3)}),  # cut on every side
        ([(1.5, 1.5), (2.5, 1.5), (2.5, 2.5)], {(1.5, 1.5), (2.5, 1.5), (2.5, 2.5)}),  # wholly inside
        ([(5, 5), (6, 5), (6, 6)], set()),  # wholly outside
    ],
)
def test_clip_ring(ring, expected):
    assert set(clip_ring(ring, (1, 1, 3, 3))) == expected


def test_map_page_renders_the_benin_fixture(monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(BENIN_DIR))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.switch_page("views/map.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
        countries = next(layer for layer in deck["layers"] if layer["id"] == "countries")
        assert "Benin" in {f["properties"]["name"] for f in countries["data"]["features"]}
        events = next(layer for layer in deck["layers"] if layer["id"] == "events")
        assert len(events["data"]) == 12
        view = deck["initialViewState"]
        assert inside(BENIN_BOX, view["longitude"], view["latitude"])
        elsewhere = at.dataframe(key="outside-table").value
        assert list(elsewhere["place"]) == ["Paris"]
        assert any("(1 event outside the mapped area)" in m.value for m in at.markdown)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


@pytest.mark.parametrize("resolution", ["110m", "50m"])
def test_no_border_jumps_across_the_antimeridian(resolution):
    """A ring jumping from 180° to -180° (Chukotka, Fiji) would draw a band around the world."""
    from conflict_timeline.figures.countries import world_countries

    jumping = {
        feature["properties"]["name"]
        for feature in world_countries(resolution)["features"]
        for polygon in feature["geometry"]["coordinates"]
        for ring in polygon
        if any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:]))
    }
    assert jumping <= {"Antarctica"}  # its ring runs along the pole's edge, off the map
    names = {feature["properties"]["name"] for feature in world_countries(resolution)["features"]}
    assert {"Russia", "Fiji", "United States of America", "Benin", "Ukraine"} <= names


def test_antimeridian_polygon_is_split():
    from conflict_timeline.tools.basemap import across_antimeridian

    ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    pieces = across_antimeridian([ring])
    assert len(pieces) == 3 and all(abs(b[0] - a[0]) <= 180 for p in pieces for a, b in zip(p[0], p[0][1:]))
    polar = [(-180.0, -80.0), (0.0, -80.0), (180.0, -80.0), (180.0, -90.0), (-180.0, -90.0), (-180.0, -80.0)]
    assert across_antimeridian([polar]) == [[polar]]


def test_an_outlying_town_of_the_theatre_country_stays_on_the_map(tmp_path):
    # Kenya: most events around Nairobi and the coast, one in Mandera (the north-east corner)
    spots = [(36.82, -1.28, 20), (39.66, -4.05, 10), (34.76, -0.10, 8), (41.86, 3.94, 1), (-74.0, 40.7, 3)]
    extent = q.map_extent(_dataset(tmp_path, "kenya", spots))
    assert inside(extent, 41.86, 3.94) and not inside(extent, -74.0, 40.7)
