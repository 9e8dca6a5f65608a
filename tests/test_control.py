"""Control of territory: the table's rules, 'state at date', and the layer on the Map page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conflict_timeline.data import control
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from tests.conftest import eid, make_dataset, write_csv

E1, E3 = eid("e1"), eid("e3")  # 27 Sep 2020 at Stepanakert; 8-9 Oct 2020 at Shusha
INITIAL = ("shusha", "1992-01-01", "month", "azerbaijani", "initial", "", "confirmed", "", "https://example.org/s")


def with_control(tmp_path, rows, events=None):
    directory = make_dataset(tmp_path / "d", events=events)
    write_csv(directory / "control.csv", control.COLUMNS, rows)
    return load_dataset(directory)


RULES = [
    ("unknown place", ("atlantis", "2020-10-08", "day", "armenian", "captured", E3, "confirmed", "", ""), "place_id"),
    (
        "unknown event",
        ("shusha", "2020-10-08", "day", "armenian", "captured", "2020-10-08-nope", "confirmed", "", ""),
        "event_id",
    ),
    (
        "no event on a change",
        ("shusha", "2020-10-08", "day", "armenian", "captured", "", "confirmed", "", ""),
        "event_id",
    ),
    (
        "outside the event's span",
        ("shusha", "2020-10-11", "day", "armenian", "captured", E3, "confirmed", "", ""),
        "date",
    ),
    ("same side again", ("shusha", "2020-10-08", "day", "azerbaijani", "captured", E3, "confirmed", "", ""), "side"),
    ("a third side", ("shusha", "2020-10-08", "day", "russian", "captured", E3, "confirmed", "", ""), "side"),
    ("unknown how", ("shusha", "2020-10-08", "day", "armenian", "bought", E3, "confirmed", "", ""), "how"),
    (
        "claim without claimant",
        ("shusha", "2020-10-08", "day", "armenian", "captured", E3, "claimed", "", ""),
        "claimed_by",
    ),
    ("bad date", ("shusha", "2020-02-30", "day", "armenian", "captured", E3, "confirmed", "", ""), "date"),
    ("second initial", INITIAL, "how"),
]


@pytest.mark.parametrize("name, row, field", RULES, ids=[r[0] for r in RULES])
def test_rules_name_file_line_and_field(tmp_path, name, row, field):
    data = with_control(tmp_path, [INITIAL, row])
    found = [p for p in data.problems if p.file == "control.csv"]
    assert found and found[0].line == 3 and found[0].field == field, [str(p) for p in found]
    assert data.counts["control.csv"].rejected == 1 and data.counts["control.csv"].accepted == 1


def test_a_reannouncement_to_the_same_side_is_allowed_when_noted(tmp_path):
    row = ("shusha", "2020-10-08", "day", "azerbaijani", "captured", E3, "confirmed", "", "Re-announcement of ...")
    assert with_control(tmp_path, [INITIAL, row]).ok


def test_changes_without_an_initial_row_are_reported(tmp_path):
    data = with_control(tmp_path, [("shusha", "2020-10-08", "day", "armenian", "captured", E3, "confirmed", "", "")])
    assert any("no initial row" in p.reason for p in data.problems)


def test_a_dataset_without_control_opens_with_the_layer_hidden(mini):
    assert not mini.has_control and mini.control.empty and "control.csv" not in mini.counts


def test_control_is_part_of_the_version(tmp_path, mini):
    assert with_control(tmp_path, [INITIAL]).version != mini.version


HISTORY = [
    ("shusha", "1992-01-01", "month", "azerbaijani", "initial", "", "confirmed", "", "https://example.org/s"),
    ("shusha", "2020-09-27", "day", "armenian", "captured", E1, "claimed", "az-mod", ""),
    ("shusha", "2020-10-08", "day", "azerbaijani", "captured", E3, "disputed", "", "announced and denied"),
    ("shusha", "2020-10-09", "day", "armenian", "withdrawn", E3, "confirmed", "", ""),
]


@pytest.mark.parametrize(
    "day, side, verification",
    [
        ("1991-12-31", None, None),  # before its record begins, nothing is said
        ("1992-01-01", "azerbaijani", "confirmed"),
        ("2020-09-26", "azerbaijani", "confirmed"),
        ("2020-09-27", "armenian", "claimed"),
        ("2020-10-08", "azerbaijani", "disputed"),  # a capture announced and denied: held as disputed
        ("2020-10-09", "armenian", "confirmed"),
        ("2030-01-01", "armenian", "confirmed"),
    ],
)
def test_state_at_a_date_for_a_place_that_changed_hands_several_times(tmp_path, day, side, verification):
    data = with_control(tmp_path, HISTORY)
    assert data.ok, [str(p) for p in data.problems]
    state = control.state_at(data.control, pd.Timestamp(day)).set_index("place_id")
    assert state["side"].get("shusha") == side
    assert state["verification"].get("shusha") == verification


def test_holders_counts_and_changes(tmp_path):
    data = with_control(tmp_path, HISTORY)
    held = control.holders(data.control, data.places, pd.Timestamp("2020-10-08"), pd.Timestamp("2020-10-01"))
    row = held.set_index("place_id").loc["shusha"]
    assert row["side"] == "azerbaijani" and row["previous"] == "armenian" and bool(row["changed"])
    counts = control.counts_over_time(data.control, pd.Timestamp("2020-09-01"), pd.Timestamp("2020-10-31"))
    assert list(counts["armenian"]) == [0, 1, 0, 1, 1] and list(counts["tracked"]) == [1, 1, 1, 1, 1]
    assert len(control.changed_by(data.control, E3)) == 2


def test_control_export_at_a_date(tmp_path, capsys):
    from conflict_timeline.cli import main

    with_control(tmp_path, HISTORY)
    assert main(["export", "--data", str(tmp_path / "d"), "--format", "control-csv", "--at", "2020-10-08"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("place_id,name,name_armenian,name_azerbaijani,latitude,longitude,side")
    assert out[1].startswith("shusha,Shusha,Shushi,Şuşa,39.7601,46.7499,azerbaijani,2020-10-08")
    assert main(["export", "--data", str(tmp_path / "d"), "--format", "control-geojson", "--at", "1994-01-01"]) == 0
    assert '"side": "azerbaijani"' in capsys.readouterr().out


# --- the layer in the app (shipped data) ------------------------------------------------------


@pytest.fixture
def shipped_app(monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(REPO_ROOT / "data"))
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(params: dict) -> AppTest:
        at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page("views/map.py")
        return at.run()

    return run


def holder_of(at: AppTest, place: str) -> str:
    table = at.dataframe(key="control-table").value
    return table.set_index("place").loc[place, "held by"]


@pytest.mark.parametrize(
    "to, place, side",
    [
        ("2020-11-07", "Shusha (Shushi / Şuşa)", "Armenian side"),
        ("2020-11-10", "Shusha (Shushi / Şuşa)", "Azerbaijani side"),
        ("2020-11-19", "Aghdam (Akna / Ağdam)", "Armenian side"),
        ("2020-11-21", "Aghdam (Akna / Ağdam)", "Azerbaijani side"),
        ("1992-05-07", "Shusha (Shushi / Şuşa)", "Azerbaijani side"),
        ("1994-05-12", "Shusha (Shushi / Şuşa)", "Armenian side"),
    ],
)
def test_the_control_table_follows_the_date(shipped_app, to, place, side):
    at = shipped_app({"to": to})
    assert not at.exception, [e.value for e in at.exception]
    assert holder_of(at, place) == side
    deck = at.get("deck_gl_json_chart")[0].proto.json
    assert '"id": "control"' in deck or '"id":"control"' in deck


def test_asof_moves_inside_the_range_and_is_in_the_url(shipped_app):
    at = shipped_app({"from": "2020-09-27", "to": "2020-11-30", "asof": "2020-11-07"})
    assert holder_of(at, "Shusha (Shushi / Şuşa)") == "Armenian side"
    assert at.query_params["asof"] in ("2020-11-07", ["2020-11-07"])
    at.slider(key="map-asof").set_value(dt.date(2020, 11, 25)).run()
    assert holder_of(at, "Aghdam (Akna / Ağdam)") == "Azerbaijani side"
    assert at.query_params["asof"] in ("2020-11-25", ["2020-11-25"])


def test_asof_outside_the_range_is_ignored_with_a_notice(shipped_app):
    at = shipped_app({"from": "2020-09-27", "to": "2020-11-10", "asof": "2021-01-01"})
    assert any("asof" in w.value for w in at.warning)
    assert holder_of(at, "Shusha (Shushi / Şuşa)") == "Azerbaijani side"  # the end of the range


def test_the_layer_can_be_hidden_from_the_link(shipped_app):
    at = shipped_app({"to": "2020-11-10", "control": "off"})
    assert not at.exception
    assert not [d for d in at.dataframe if d.key == "control-table"]
    assert '"id": "control"' not in at.get("deck_gl_json_chart")[0].proto.json


def test_a_card_lists_the_places_its_event_changed(shipped_app):
    at = shipped_app({"event": "2020-11-20-aghdam-handover"})
    text = " ".join(m.value for m in at.markdown)
    assert "Control changed in" in text and "Aghdam" in text


def test_no_control_table_means_a_note_not_an_error(monkeypatch, mini_dir):
    monkeypatch.setenv(ENV_VAR, str(mini_dir))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.switch_page("views/map.py")
    at.run()
    assert not at.exception
    assert any("no control-of-territory table" in c.value for c in at.caption)


def test_shipped_control_table_coverage():
    data = load_dataset(REPO_ROOT / "data")
    changes = data.control[data.control["how"] != "initial"]
    assert data.control["place_id"].nunique() >= 120 and len(changes) >= 200
    assert (changes["event_id"] != "").all()
    events = set(data.all_events()["event_id"])
    assert set(changes["event_id"]) <= events


def test_every_capture_or_handover_changes_control_or_says_why():
    data = load_dataset(REPO_ROOT / "data")
    ev = data.all_events()
    moves = ev[ev["event_type"].isin(["territory_change", "handover"])]
    linked = set(data.control["event_id"])
    silent = [
        e
        for e, s in zip(moves["event_id"], moves["summary"])
        if e not in linked and "no tracked place changed hands" not in s.lower()
    ]
    assert not silent, silent


def test_control_layers_size_in_pixels_not_a_js_expression(tmp_path):
    """A bare string prop becomes a deck.gl expression ('@@=pixels') and blanked the whole map."""
    import json

    from conflict_timeline.data import query
    from conflict_timeline.figures.deck import build_deck, control_frame

    data = with_control(tmp_path, HISTORY)
    holders = query.control_holders(data, dt.date(2020, 10, 8), dt.date(2020, 10, 1))
    deck = json.loads(build_deck(None, None, data.places, control=control_frame(holders, {})).to_json())
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert layers["control"]["radiusUnits"] == "pixels" and layers["control-changed"]["radiusUnits"] == "pixels"


@pytest.mark.parametrize(
    "asof, since",
    [
        ("2020-10-08", "2020-10-01"),  # the capture is inside the range
        ("2020-10-08", "2020-10-09"),  # the range begins after it
        ("2020-09-30", "2020-09-01"),  # before it
        ("2020-10-08", None),  # from the start of the record
    ],
)
def test_holders_from_two_cached_answers_equal_the_one_query(tmp_path, asof, since):
    # the pages ask for the holders on a day and the changes in a range apart (both cached), so a
    # new range reuses the day's holders: together they must say what the one query says
    from conflict_timeline.data import query
    from conflict_timeline.ui.data_access import control_holders

    data = with_control(tmp_path, HISTORY)
    day, start = dt.date.fromisoformat(asof), since and dt.date.fromisoformat(since)
    pd.testing.assert_frame_equal(control_holders(data, day, start), query.control_holders(data, day, start))


def test_the_compile_reads_the_spans_of_only_the_events_the_table_names(tmp_path, monkeypatch):
    # a dataset may hold ten million events and the table a few hundred rows: reading every event's
    # span into a dict held gigabytes during a 10,000,000-event compile
    asked, answered = [], []
    real = control.read_control

    def spy(path, places, spans_of, actors):
        def recording(ids):
            asked.append(set(ids))
            answered.append(spans_of(ids))
            return answered[-1]

        return real(path, places, recording, actors)

    monkeypatch.setattr(control, "read_control", spy)
    data = with_control(tmp_path, HISTORY)
    assert data.ok, [str(p) for p in data.problems]
    assert asked == [{E1, E3}] and set(answered[0]) == {E1, E3}
    assert data.n_events > 2  # the other events' spans were never read
