# ruff: noqa: E501 - test data: one row per line, like the CSV files
"""Compare two datasets (issue 9): matching rules, scores, the four CSV files, the CLI and the card."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from conflict_timeline.cli import main
from conflict_timeline.data import compare
from conflict_timeline.data.export import neutralise_formula
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT
from tests.conftest import make_dataset
from tests.test_app import APP, TIMEOUT, use_data  # noqa: F401 - a fixture

# Two small datasets of one conflict, as the curated record (A) and an import (B) would hold it.
# Each scenario has dates of its own, so that no scenario matches another's events.
# fmt: off
A_PLACES = [
    ("ganja", "Ganja", "Gandzak", "Gəncə", "", "40.6828", "46.3606", "geonames:1", "Ganja (city)", "AZ"),
    ("stepanakert", "Stepanakert", "Stepanakert", "Xankəndi", "Khankendi|Ստեփանակերտ", "39.8177", "46.7528", "geonames:2", "", "AZ"),
    ("tartar", "Tartar", "", "Tərtər", "", "40.3418", "46.9322", "geonames:3", "Tartar District", "AZ"),
    ("lachin", "Lachin", "Berdzor", "Laçın", "", "39.6374", "46.5498", "geonames:4", "Lachin District", "AZ"),
    ("aghdam", "Aghdam", "Akna", "Ağdam", "", "39.9930", "46.9300", "geonames:5", "Aghdam District", "AZ"),
    ("azerbaijan", "Azerbaijan", "", "Azərbaycan", "", "40.4093", "49.8671", "geonames:6", "", "AZ"),
    ("nagorno-karabakh", "Nagorno-Karabakh", "Artsakh", "Dağlıq Qarabağ", "", "39.8500", "46.7500", "geonames:7", "", "AZ"),
    ("tartar-district", "Tartar District", "", "Tərtər rayonu", "", "40.3400", "46.9300", "geonames:8", "Tartar District", "AZ"),
    ("moscow", "Moscow", "", "", "Moskva", "55.7520", "37.6178", "geonames:9", "", "RU"),
]
B_PLACES = [
    ("b-ganja", "Ganja", "", "", "", "40.6828", "46.3606", "ucdp", "Ganja", "AZ"),
    # Khankendi is one of Stepanakert's names, but this gazetteer puts it 26 km further north
    ("b-khankendi", "Khankendi", "", "", "", "40.0500", "46.7500", "ucdp", "", "AZ"),
    ("b-tartar", "Terter", "", "", "", "40.3418", "46.9322", "ucdp", "Terter", "AZ"),
    ("b-lachin", "Lachin", "", "", "", "39.6374", "46.5498", "ucdp", "Lachin", "AZ"),
    ("b-village", "Kengerli", "", "", "", "39.9930", "47.0004", "ucdp", "", "AZ"),  # 6 km east of Aghdam
    ("b-yerevan", "Yerevan", "", "", "", "40.1811", "44.5136", "ucdp", "Yerevan", "AM"),
    ("b-far-tartar", "Far village", "", "", "", "41.5000", "46.9300", "ucdp", "Tartar rayon", "AZ"),  # 130 km
    ("b-far-other", "Other village", "", "", "", "41.5000", "46.9300", "ucdp", "Other", "AZ"),
]


def _event(eid, date, precision, title, place, geo="exact"):
    return (eid, date, "", precision, title, f"{title}.", "armed_clash", "az-mod:initiator", place, geo, "", "", "", "", "confirmed")


A_EVENTS = [
    _event("2020-10-11-a1", "2020-10-11", "day", "Ganja strike", "ganja"),
    _event("2020-10-02-a2", "2020-10-02", "day", "Stepanakert shelled", "stepanakert"),
    _event("2020-10-17-a3", "2020-10-17", "day", "Tartar shelled", "tartar"),
    _event("2020-11-01-a4", "2020-11-01", "month", "Fighting near Lachin in November", "lachin"),
    _event("2020-10-25-a5", "2020-10-25", "day", "Clash at Aghdam", "aghdam"),
    _event("2020-12-15-a6", "2020-12-15", "day", "Azerbaijan reports shelling", "azerbaijan", "country"),
    _event("2020-09-30-a7", "2020-09-30", "day", "Talks in Moscow", "moscow"),
    _event("2021-01-10-a8", "2021-01-10", "day", "Incidents in Karabakh", "nagorno-karabakh", "region"),
    _event("2021-02-05-a9", "2021-02-05", "day", "Incidents in Tartar district", "tartar-district", "region"),
]
B_EVENTS = [
    _event("2020-10-11-b1", "2020-10-11", "day", "Missile hits Ganja", "b-ganja"),
    _event("2020-10-02-b2", "2020-10-02", "day", "Shelling of Khankendi", "b-khankendi"),
    _event("2020-10-19-b3", "2020-10-19", "day", "Shelling of Terter", "b-tartar"),
    _event("2020-11-20-b4", "2020-11-20", "day", "Clash at Lachin", "b-lachin"),
    _event("2020-12-02-b4x", "2020-12-02", "day", "Clash at Lachin in December", "b-lachin"),
    _event("2020-10-25-b5", "2020-10-25", "day", "Clash at Kengerli", "b-village"),
    _event("2020-12-15-b6", "2020-12-15", "day", "Shelling of Ganja", "b-ganja"),
    _event("2020-12-15-b6x", "2020-12-15", "day", "Protest in Yerevan", "b-yerevan"),
    _event("2021-03-01-b7", "2021-03-01", "day", "Rally in Yerevan", "b-yerevan"),
    _event("2021-01-10-b8", "2021-01-10", "day", "Shots near Khankendi", "b-khankendi"),
    _event("2021-01-10-b8x", "2021-01-10", "day", "Arrests in Yerevan", "b-yerevan"),
    _event("2021-02-05-b9", "2021-02-05", "day", "Shelling far north", "b-far-tartar"),
    _event("2021-02-05-b9x", "2021-02-05", "day", "Fire far north", "b-far-other"),
]
# fmt: on
B_SOURCES = [(e[0], f"https://ucdp.example.org/{e[0]}", "UCDP GED", "2021-04-01") for e in B_EVENTS]
B_SOURCES[0] = (B_EVENTS[0][0], "https://ucdp.example.org/ganja", "BBC via UCDP", "2020-10-11")


@pytest.fixture
def dirs(tmp_path):
    a = make_dataset(tmp_path / "curated", events=A_EVENTS, places=A_PLACES)
    b = make_dataset(tmp_path / "ucdp", events=B_EVENTS, places=B_PLACES, sources=B_SOURCES)
    return a, b


@pytest.fixture
def datasets(dirs):
    a, b = (load_dataset(d) for d in dirs)
    assert a.ok and b.ok, (a.problems, b.problems)
    return a, b


def tag(event_id: str) -> str:
    return event_id.rsplit("-", 1)[1]


def matched(a, b, days=1, km=20.0) -> dict[str, list[tuple[str, str]]]:
    """A's short id -> [(B's short id, how)] for every A event with a match."""
    out: dict[str, list[tuple[str, str]]] = {}
    for event in A_EVENTS:
        frame = compare.matches_for_event(a, event[0], b, days, km)
        if len(frame):
            out[tag(event[0])] = [(tag(e), h) for e, h in zip(frame["event_id"], frame["how"])]
    return out


def test_every_scenario_at_the_default_tolerances(datasets):
    a, b = datasets
    assert matched(*datasets) == {
        "a1": [("b1", "same_place")],  # same day, same place
        "a2": [("b2", "same_place")],  # Khankendi = Stepanakert, 26 km apart in the two gazetteers
        "a4": [("b4", "same_place")],  # a month-precision event and a day inside that month
        "a5": [("b5", "distance")],  # 6 km apart, under different names
        "a6": [("b6", "area")],  # a country-precision event: anywhere in Azerbaijan, not in Armenia
        "a8": [("b8", "area")],  # a region-precision event: within the generous radius, same country
        "a9": [("b9", "area")],  # a region-precision event: same district, 130 km from its centre
    }


@pytest.mark.parametrize(
    "event, days, km, expected",
    [
        ("2020-10-17-a3", 1, 20, []),  # two days apart
        ("2020-10-17-a3", 2, 20, [("b3", 2)]),
        ("2020-11-01-a4", 1, 20, [("b4", 0)]),  # 2 December is two days after the month's end
        ("2020-11-01-a4", 2, 20, [("b4", 0), ("b4x", 2)]),
        ("2020-10-25-a5", 1, 5, []),  # 6 km apart
        ("2020-10-25-a5", 1, 6.5, [("b5", 0)]),
        ("2020-10-02-a2", 1, 0, [("b2", 0)]),  # the same place whatever the distance allowed
        ("2020-09-30-a7", 30, 500, []),  # nothing near Moscow
    ],
)
def test_days_and_km_tolerances(datasets, event, days, km, expected):
    frame = compare.matches_for_event(datasets[0], event, datasets[1], days, km)
    assert sorted((tag(e), d) for e, d in zip(frame["event_id"], frame["days_apart"])) == expected


def test_alternate_name_matches_despite_coordinates(datasets):
    a, b = datasets
    row = compare.matches_for_event(a, "2020-10-02-a2", b, 1, 10).iloc[0]
    assert row["how"] == "same_place" and 25 < row["km_apart"] < 27 and row["score"] == 1.0


@pytest.mark.parametrize(
    "event, b_event, score",
    [
        ("2020-10-11-a1", "b1", 1.0),  # same day, same place
        ("2020-11-01-a4", "b4", 0.7),  # month precision weighs 0.7
        ("2020-10-25-a5", "b5", 0.85),  # 6 km of 20: 1 - 6/40
        ("2020-12-15-a6", "b6", 0.3),  # a country area
        ("2021-01-10-a8", "b8", 0.5),  # a region area
    ],
)
def test_scores(datasets, event, b_event, score):
    frame = compare.matches_for_event(datasets[0], event, datasets[1], 1, 20)
    row = frame[frame["event_id"].map(tag) == b_event].iloc[0]
    assert row["score"] == pytest.approx(score, abs=0.006)
    assert 0 < row["score"] <= 1


def test_a_country_match_has_no_distance(datasets):
    row = compare.matches_for_event(datasets[0], "2020-12-15-a6", datasets[1]).iloc[0]
    assert row["how"] == "area" and row["km_apart"] != row["km_apart"]  # NaN: the country's centre means nothing


def test_the_card_query_is_bounded_and_counts_all(datasets):
    a, b = datasets
    frame = compare.matches_for_event(a, "2020-11-01-a4", b, 2, 20, limit=1)
    assert len(frame) == 1 and frame["n_total"].iloc[0] == 2 and tag(frame["event_id"].iloc[0]) == "b4"


def read(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_compare_writes_pairs_only_and_per_month(datasets, tmp_path):
    a, b = datasets
    result = compare.compare(a, b, tmp_path / "out", 1, 20)
    assert [p.name for p in result.files] == list(compare.OUT_FILES)
    pairs = read(tmp_path / "out" / "matches.csv")
    assert list(pairs[0]) == list(compare.MATCH_COLUMNS)
    assert {(tag(p["a_event_id"]), tag(p["b_event_id"])) for p in pairs} == {
        ("a1", "b1"), ("a2", "b2"), ("a4", "b4"), ("a5", "b5"), ("a6", "b6"), ("a8", "b8"), ("a9", "b9"),
    }  # fmt: skip
    assert all(p["best"] == "true" for p in pairs)
    assert {tag(r["event_id"]) for r in read(tmp_path / "out" / "a_only.csv")} == {"a3", "a7"}
    assert {tag(r["event_id"]) for r in read(tmp_path / "out" / "b_only.csv")} == {
        "b3", "b4x", "b6x", "b7", "b8x", "b9x",
    }  # fmt: skip
    months = {r["month"]: tuple(int(r[c]) for c in list(r)[1:]) for r in read(tmp_path / "out" / "per_month.csv")}
    assert list(read(tmp_path / "out" / "per_month.csv")[0]) == [
        "month",
        "a_events",
        "b_events",
        "a_matched",
        "b_matched",
    ]
    assert months == {
        "2020-09": (1, 0, 0, 0),
        "2020-10": (4, 4, 3, 3),
        "2020-11": (1, 1, 1, 1),
        "2020-12": (1, 3, 1, 1),
        "2021-01": (1, 2, 1, 1),
        "2021-02": (1, 2, 1, 1),
        "2021-03": (0, 1, 0, 0),
    }
    assert (result.a_matched, result.b_matched, result.pairs) == (7, 7, 7)
    assert result.by_how == {"same_place": 3, "distance": 1, "area": 3}


def test_several_matches_and_the_best_marked(datasets, tmp_path):
    a, b = datasets
    compare.compare(a, b, tmp_path / "out", 2, 20)
    rows = [r for r in read(tmp_path / "out" / "matches.csv") if tag(r["a_event_id"]) == "a4"]
    assert [(tag(r["b_event_id"]), r["best"]) for r in rows] == [("b4", "true"), ("b4x", "false")]
    assert float(rows[0]["score"]) > float(rows[1]["score"])


def test_csv_is_formula_safe(dirs, tmp_path):
    a_dir, b_dir = dirs
    events = [list(e) for e in A_EVENTS]
    events[0][4] = '=HYPERLINK("http://evil.example")'
    make_dataset(a_dir, events=[tuple(e) for e in events], places=A_PLACES)
    compare.compare(load_dataset(a_dir), load_dataset(b_dir), tmp_path / "out")
    titles = [r["a_title"] for r in read(tmp_path / "out" / "matches.csv")]
    assert '\'=HYPERLINK("http://evil.example")' in titles


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "plain", "", "a=b"])
def test_sql_neutralisation_agrees_with_the_export_helper(text):
    sql = f"SELECT {compare._safe('t')} FROM (SELECT ? AS t)"
    assert duckdb.connect().execute(sql, [text]).fetchall()[0][0] == neutralise_formula(text)


@pytest.mark.parametrize(
    "district, key",
    [
        ("Shusha District", "shusha"),
        ("Şuşa rayonu", "susa"),
        ("Khankendi (city)", "khankendi"),
        ("Syunik Province", "syunik"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_district_key(district, key):
    assert compare.district_key(district) == key


def test_same_name_places_need_the_same_country():
    import pandas as pd

    def places(rows):
        return pd.DataFrame(rows, columns=["place_id", "all_names", "country"])

    a = places([("martuni-nk", ["Martuni", "Khojavend"], "AZ"), ("x", ["Ab"], "AZ")])
    b = places([("martuni-am", ["Martuni"], "AM"), ("khojavend", ["Xocavənd", "Khojavend"], "AZ"), ("y", ["Ab"], "AZ")])
    assert compare.same_name_places(a, b).values.tolist() == [["martuni-nk", "khojavend"]]  # "Ab": too short


# --- the command line ---


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_end_to_end(capsys, dirs, tmp_path):
    a, b = dirs
    out = tmp_path / "comparison"
    code, stdout, err = run(capsys, "compare", "--data", str(a), "--with", str(b), "--days", "1", "--km", "20",
                            "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(compare.OUT_FILES)
    assert "matched: A 7 of 9 (78%), B 7 of 13 (54%); 7 pair(s)" in stdout
    assert "only in A: 2; only in B: 6" in stdout
    assert len(read(out / "matches.csv")) == 7


def test_cli_reads_the_data_variable(capsys, dirs, tmp_path, monkeypatch):
    a, b = dirs
    monkeypatch.setenv(ENV_VAR, str(a))
    code, stdout, _ = run(capsys, "compare", "--with", str(b), "--out", str(tmp_path / "o"))
    assert code == 0 and "A 7 of 9" in stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--with", "{tmp}/nowhere"], "data directory not found"),
        (["--data", "{tmp}/nowhere"], "data directory not found"),
        (["--days", "two"], "--days must be a whole number"),
        (["--days", "-1"], "--days must be between 0"),
        (["--days", "1.5"], "--days must be a whole number"),
        (["--km", "far"], "--km must be a distance in kilometres"),
        (["--km", "-3"], "--km must be between 0"),
        (["--km", "nan"], "--km must be between 0"),
        (["--out", "{a}"], "is a data directory"),
        (["--out", "{a}/events.csv"], "is a file"),
        (["--out", "{a}/events.csv/inside"], "the directory cannot be created"),
    ],
)
def test_cli_errors_are_clear(capsys, dirs, tmp_path, args, message):
    a, b = dirs
    base = {"--data": str(a), "--with": str(b), "--out": str(tmp_path / "o")}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value.format(tmp=tmp_path, a=a)
    code, out, err = run(capsys, "compare", *[x for pair in base.items() for x in pair])
    assert code == 2 and message in err and "Traceback" not in err, err
    assert err.startswith("conflict-timeline compare: error:")


# --- the event card ---


def run_card(event_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["event"] = event_id
    return at.run()


def test_card_lists_the_matches_with_their_sources(use_data, dirs, monkeypatch):  # noqa: F811
    a, b = dirs
    monkeypatch.setenv("CONFLICT_TIMELINE_COMPARE", str(b))
    use_data(a)
    at = run_card("2020-10-11-a1")
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "In ucdp: 1 matching event" in text
    assert "Missile hits Ganja" in text and "11 October 2020" in text
    assert "[BBC via UCDP](https://ucdp.example.org/ganja)" in text
    assert "dates overlap, same place" in text


def test_card_without_matches_says_so(use_data, dirs, monkeypatch):  # noqa: F811
    a, b = dirs
    monkeypatch.setenv("CONFLICT_TIMELINE_COMPARE", str(b))
    use_data(a)
    at = run_card("2020-09-30-a7")
    assert not at.exception
    assert "In ucdp: 0 matching events" in " ".join(m.value for m in at.markdown)


def test_card_with_an_invalid_comparison_directory_says_so(use_data, dirs, tmp_path, monkeypatch):  # noqa: F811
    a, _ = dirs
    monkeypatch.setenv("CONFLICT_TIMELINE_COMPARE", str(tmp_path / "no-such-dir"))
    use_data(a)
    at = run_card("2020-10-11-a1")
    assert not at.exception, [e.value for e in at.exception]
    assert any("comparison dataset" in w.value and "not found" in w.value for w in at.warning)
    assert "Ganja strike" in " ".join(m.value for m in at.markdown)  # the card itself still shows


def test_card_is_unchanged_without_a_comparison(use_data, dirs, monkeypatch):  # noqa: F811
    a, _ = dirs
    monkeypatch.delenv("CONFLICT_TIMELINE_COMPARE", raising=False)
    use_data(a)
    at = run_card("2020-10-11-a1")
    assert not at.exception
    assert "matching event" not in " ".join(m.value for m in at.markdown)


def test_card_escapes_the_other_datasets_text(use_data, dirs, monkeypatch):  # noqa: F811
    a, b = dirs
    events = [list(e) for e in B_EVENTS]
    events[0][4] = "**Bold** [link](javascript:alert(1)) :material/warning: <img src=x onerror=alert(1)>"
    places = [list(p) for p in B_PLACES]
    places[0][1] = "Ganja_<b>"
    places[0][4] = "Ganja"  # still the same place as A's Ganja, by this other name
    sources = list(B_SOURCES)
    sources[0] = (B_EVENTS[0][0], "https://ucdp.example.org/ganja", "*Publisher* `x`", "2020-10-11")
    make_dataset(b, events=[tuple(e) for e in events], places=[tuple(p) for p in places], sources=sources)
    monkeypatch.setenv("CONFLICT_TIMELINE_COMPARE", str(b))
    use_data(a)
    at = run_card("2020-10-11-a1")
    assert not at.exception, [e.value for e in at.exception]
    text = next(m.value for m in at.markdown if "matching event" in m.value)
    assert r"\*\*Bold\*\* \[link\]\(javascript\:" in text
    assert r"\<img" in text and not re.search(r"(?<!\\)<img", text)  # shown as text, never as HTML
    assert ":material/warning" not in text  # the shortcode is broken up, not drawn as an icon
    assert r"Ganja\_\<b\>" in text
    assert r"[\*Publisher\* \`x\`](https://ucdp.example.org/ganja)" in text


def test_a_pair_connection_let_go_still_serves_a_running_query(datasets, monkeypatch):
    """Sessions share the pair connections: dropping the oldest must not close a cursor in use."""
    a, b = datasets
    monkeypatch.setattr(compare, "_connections", {})
    monkeypatch.setattr(compare, "_MAX_CONNECTIONS", 1)
    cursor = compare._connection(a, b).cursor()
    compare._connection(b, a)  # lets (a, b) go
    assert (a.store.as_posix(), b.store.as_posix()) not in compare._connections
    assert cursor.execute("SELECT count(*) FROM b_ev").fetchall()[0][0] == len(B_EVENTS)


def test_two_imports_compare_on_the_card(use_data, tmp_path, monkeypatch):  # noqa: F811
    """Two ACLED imports: week precision, publisher-only sources, the import's title on the card."""
    from conflict_timeline.importers import import_files

    fixtures = REPO_ROOT / "tests" / "fixtures" / "imports"
    first, later = tmp_path / "acled-first", tmp_path / "acled-later"
    import_files("acled", [fixtures / "acled-export-kenya.csv"], first)
    import_files("acled", [fixtures / "acled-export-kenya-later.csv"], later)
    a, b = load_dataset(first), load_dataset(later)
    week = compare.matches_for_event(a, "2023-03-14-acled-ken9002", b).iloc[0]  # a week-precision event
    assert (week["event_id"], week["how"], week["score"]) == ("2023-03-14-acled-ken9002", "same_place", 0.9)
    monkeypatch.setenv("CONFLICT_TIMELINE_COMPARE", str(later))
    use_data(first)
    at = run_card("2023-03-28-acled-ken9003")
    assert not at.exception, [e.value for e in at.exception]
    text = next(m.value for m in at.markdown if "matching event" in m.value)
    assert r"In ACLED export \(acled\-later\): 1 matching event" in text
    assert "28 March 2023" in text and "Sources: Kenya News Agency" in text  # no URL: the publisher alone


@pytest.mark.parametrize(
    "precision, start, end, text",
    [
        ("day", "2020-10-11", None, "11 October 2020"),
        ("day", "2020-10-11", "2020-10-13", "11 October 2020 – 13 October 2020"),
        ("week", "2023-03-14", None, "week of 14 March 2023"),
        ("month", "2020-11-01", None, "November 2020"),
        ("year", "1994-01-01", None, "1994"),
    ],
)
def test_match_dates_on_the_card(precision, start, end, text):
    from types import SimpleNamespace

    import pandas as pd

    from conflict_timeline.ui.card import _match_date

    match = SimpleNamespace(date_precision=precision, date_start=pd.Timestamp(start), date_end=pd.Timestamp(end))
    assert _match_date(match) == text


def test_cli_notes_a_dataset_with_problems(capsys, dirs, tmp_path):
    a, b = dirs
    events = [*B_EVENTS, _event("2021-03-02-bad", "2021-13-02", "day", "Bad date", "b-yerevan")]
    make_dataset(b, events=events, places=B_PLACES, sources=[*B_SOURCES, ("2021-03-02-bad", "https://x.org", "X", "")])
    code, out, err = run(capsys, "compare", "--data", str(a), "--with", str(b), "--out", str(tmp_path / "o"))
    assert code == 0 and "note: B has" in err and "rows set aside are not compared" in err
    assert "B 7 of 13" in out  # the bad row is not counted
