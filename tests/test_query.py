"""Filter semantics, as a table: each row is a spec and the events it must return."""

import datetime as dt

import pandas as pd
import pytest

from conflict_timeline.data.query import (
    FilterSpec,
    apply_filters,
    choose_bin,
    counterparts,
    counts_by_actor,
    counts_by_place,
    counts_over_time,
    descendants,
)
from tests.conftest import short

D = dt.date
CASES = [
    ("no filter", FilterSpec(), {"e1", "e2", "e3", "e4", "e5", "e6"}),
    ("single day inclusive", FilterSpec(D(2020, 9, 27), D(2020, 9, 27)), {"e1"}),
    ("range ends inclusive", FilterSpec(D(2020, 9, 27), D(2020, 9, 30)), {"e1", "e2"}),
    ("multi-day span overlaps", FilterSpec(D(2020, 10, 9), D(2020, 10, 9)), {"e3", "e4"}),
    ("month precision spans month", FilterSpec(D(2020, 10, 31), D(2020, 11, 5)), {"e4"}),
    ("year precision spans year", FilterSpec(D(1994, 6, 1), D(1994, 6, 30)), {"e5"}),
    ("from only", FilterSpec(date_from=D(2020, 10, 8)), {"e3", "e4", "e6"}),
    ("to only", FilterSpec(date_to=D(2020, 9, 28)), {"e1", "e5"}),
    ("actor any role", FilterSpec(actors=("am-mod",)), {"e1", "e6"}),
    ("actors OR", FilterSpec(actors=("am-mod", "sergey-lavrov")), {"e1", "e2", "e6"}),
    ("parent includes descendants", FilterSpec(actors=("azerbaijan",)), {"e1", "e3", "e4", "e5"}),
    ("grandparent transitive", FilterSpec(actors=("russia",)), {"e2", "e5"}),
    ("claimed_by alone is not involvement", FilterSpec(actors=("az-mod",)), {"e1", "e3"}),
    ("types OR", FilterSpec(types=("shelling", "talks_meeting")), {"e2", "e3"}),
    ("verification OR", FilterSpec(verification=("claimed", "disputed")), {"e1", "e4", "e6"}),
    ("AND across filters", FilterSpec(actors=("azerbaijan",), verification=("confirmed",)), {"e3", "e5"}),
    ("text in title, any case", FilterSpec(text="LAVROV"), {"e2"}),
    ("text finds alt place name", FilterSpec(text="khankendi"), {"e1", "e4"}),
    ("text ignores accents (ə)", FilterSpec(text="Xankəndi"), {"e1", "e4"}),
    ("text ignores accents (ş)", FilterSpec(text="Şuşa"), {"e3"}),
    ("text in actor full name", FilterSpec(text="sergey"), {"e2"}),
    ("text in actor short name", FilterSpec(text="armenian mod"), {"e1", "e6"}),
    ("text words AND", FilterSpec(text="cathedral shushi"), {"e3"}),
    ("text no match", FilterSpec(text="zzzz"), set()),
    ("everything excluded", FilterSpec(D(2001, 1, 1), D(2001, 12, 31)), set()),
]


@pytest.mark.parametrize("name, spec, expected", CASES, ids=[c[0] for c in CASES])
def test_filter_semantics(mini, name, spec, expected):
    assert short(apply_filters(mini, spec)["event_id"]) == expected


def test_descendants(mini):
    assert descendants(mini.actors, ["russia"]) == {"russia", "ru-mfa", "sergey-lavrov"}
    assert descendants(mini.actors, ["sergey-lavrov"]) == {"sergey-lavrov"}


@pytest.mark.parametrize(
    "days, freq", [(0, "D"), (45, "D"), (100, "D"), (101, "W"), (900, "W"), (2000, "M"), (14000, "M")]
)
def test_bin_follows_range(days, freq):

    start = pd.Timestamp("2000-01-01")
    assert choose_bin(start, start + pd.Timedelta(days=days)) == freq


def test_counts_keep_claims_apart(mini):
    october = counts_over_time(mini, FilterSpec(), "M").set_index("period").loc["2020-10-01"]
    assert october["events"] == 3
    assert october["fatalities_claimed"] == 100  # az-mod's claim about enemy losses
    assert october["fatalities_confirmed"] == 0  # never padded by claims
    september = counts_over_time(mini, FilterSpec(), "M").set_index("period").loc["2020-09-01"]
    assert september["fatalities_disputed"] == 10


def test_weekly_bins_start_on_monday(mini):
    weeks = counts_over_time(mini, FilterSpec(), "W")
    assert all(p.weekday() == 0 for p in weeks["period"])
    assert weeks["events"].sum() == mini.n_events


def test_counts_from_the_range_start(mini):
    """An event that began before the range is counted in the range's first bin."""
    days = counts_over_time(mini, FilterSpec(date_from=D(2020, 10, 9)), "D", D(2020, 10, 9))
    assert days.set_index("period").loc["2020-10-09", "events"] == 2  # e3 (8-9 Oct) and e4 (October)


def test_counts_by_actor_and_place(mini):
    by_actor = counts_by_actor(mini, FilterSpec()).set_index("actor_id")
    assert by_actor.loc["az-mod", "events"] == 2
    by_place = counts_by_place(mini, FilterSpec()).set_index("place_id")
    assert by_place.loc["stepanakert", "events"] == 2
    assert by_place.loc["stepanakert", "fatalities_claimed"] == 100


def test_counterparts(mini):
    partners = counterparts(mini, FilterSpec(), frozenset({"az-mod"})).set_index("actor_id")
    assert partners.loc["am-mod", "events"] == 1


def test_an_actor_named_twice_in_one_event_counts_it_once(tmp_path):
    # the engine counts each link's first role instead of count(DISTINCT eid): same answer, a third of the time
    from conflict_timeline.data.load import load_dataset
    from tests.conftest import EVENTS, make_dataset

    events = [list(e) for e in EVENTS]
    events[0][7] = "az-mod:initiator;am-mod:target;az-mod:target"  # e1: az-mod in two roles
    data = load_dataset(make_dataset(tmp_path / "twice", events=events))
    assert data.ok, [str(p) for p in data.problems]
    assert counts_by_actor(data, FilterSpec()).set_index("actor_id").loc["az-mod", "events"] == 2
    assert counterparts(data, FilterSpec(), frozenset({"am-mod"})).set_index("actor_id").loc["az-mod", "events"] == 1


def test_empty_aggregates(mini):
    none = FilterSpec(text="zzzz")
    assert counts_over_time(mini, none, "D").empty
    assert counts_by_place(mini, none).empty
    assert counts_by_actor(mini, none).empty


@pytest.mark.parametrize(
    "spec, page, sort, expected",
    [
        (FilterSpec(), (2, 0), "date", ["e5", "e1"]),
        (FilterSpec(), (2, 2), "date", ["e2", "e4"]),
        (FilterSpec(), (1, 0), "date_desc", ["e6"]),
        (FilterSpec(), (2, 0), "fatalities", ["e4", "e1"]),
        (FilterSpec(verification=("claimed",)), (10, 0), "title", ["e6", "e4"]),
    ],
)
def test_a_page_of_events_sorted_in_the_engine(mini, spec, page, sort, expected):
    limit, offset = page
    rows = apply_filters(mini, spec, limit=limit, offset=offset, sort=sort)
    assert [short([i]).pop() for i in rows["event_id"]] == expected


def test_queries_from_several_threads_at_once(mini):
    """Streamlit runs each session in a thread: the engine's shared connection serves them all."""
    from concurrent.futures import ThreadPoolExecutor

    specs = [spec for _, spec, _ in CASES] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda spec: short(apply_filters(mini, spec)["event_id"]), specs))
    assert results == [expected for _, _, expected in CASES] * 8


@pytest.mark.parametrize("text", ["Xankəndi", "Şuşa", "Füzuli", "Ağdərə", "Ստեփանակերտ", "Cəbrayıl", "ÉLAN"])
def test_vectorised_fold_matches_fold(text):

    from conflict_timeline.data.text import fold, fold_series

    assert fold_series(pd.Series([text]))[0] == fold(text)


@pytest.mark.parametrize("name", ["Stepanakert", "Khankendi", "Xankəndi", "xankendi", "Ստեփանակերտ"])
def test_every_name_of_a_place_finds_the_same_events(mini, name):
    assert short(apply_filters(mini, FilterSpec(text=name))["event_id"]) == {"e1", "e4"}


def test_place_names_in_text_count_too(tmp_path):
    from conflict_timeline.data.load import load_dataset
    from tests.conftest import EVENTS, make_dataset

    events = [list(e) for e in EVENTS]
    events[1][5] = "Calls for talks after the shelling of Stepanakert."  # placed in Moscow
    data = load_dataset(make_dataset(tmp_path / "d", events=events))
    for name in ("Stepanakert", "Khankendi", "Xankəndi"):
        assert "e2" in short(apply_filters(data, FilterSpec(text=name))["event_id"]), name


def test_recorded_fatalities_fall_back_to_the_lowest_figure(tmp_path):
    from conflict_timeline.data.load import load_dataset
    from tests.conftest import EVENTS, make_dataset

    events = [list(e) for e in EVENTS]
    events[0][10:13] = ["", "161", "613"]  # a range only, like Khojaly
    data = load_dataset(make_dataset(tmp_path / "d", events=events))
    september = counts_over_time(data, FilterSpec(), "M").set_index("period").loc["2020-09-01"]
    assert september["fatalities_disputed"] == 161
    by_place = counts_by_place(data, FilterSpec(text="fighting")).set_index("place_id")
    assert by_place.loc["stepanakert", "fatalities_disputed"] == 161
