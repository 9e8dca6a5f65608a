"""ACLED and UCDP imports: every layout and date form, rows in = imported + rejected, faithful ids,
dates, coordinates and fatalities, a round trip through validate and export, and every page."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conflict_timeline.cli import main as cli
from conflict_timeline.data.export import write_export
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import ENV_VAR, REPO_ROOT, dataset_version
from conflict_timeline.data.query import FilterSpec, apply_filters
from conflict_timeline.importers import ImportFileError, detect_format, import_files

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "imports"
KENYA = ["KEN9001", "KEN9002", "KEN9003", "KEN9004", "KEN9005", "KEN9006"]


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_source_id(out: Path) -> dict[str, dict[str, str]]:
    return {row["source_id"]: row for row in rows(out / "events.csv")}


@pytest.fixture(scope="module")
def kenya(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kenya")
    import_files("acled", [FIXTURES / "acled-export-kenya.csv"], out)
    return out


@pytest.mark.parametrize(
    ("name", "source", "rows_in", "imported", "rejected", "order"),
    [
        ("acled-export-kenya.csv", "acled", 6, 6, 0, None),
        ("acled-export-kenya-bom.csv", "acled", 6, 6, 0, None),
        ("acled-api-kenya.csv", "acled", 6, 6, 0, "day-first"),
        ("acled-old-kenya-cp1252.csv", "acled", 6, 6, 0, None),
        ("acled-shortdates-kenya.csv", "acled", 6, 6, 0, None),
        ("acled-isodates-kenya.csv", "acled", 6, 6, 0, None),
        ("acled-cut-kenya.csv", "acled", 6, 5, 1, None),
        ("ucdp-ged-ukraine-excerpt.csv", "ucdp", 8, 8, 0, None),
        ("ucdp-ged-ukraine-resaved-cp1252.csv", "ucdp", 8, 8, 0, "month-first"),
        ("ucdp-ged-ukraine-isotime.csv", "ucdp", 8, 8, 0, None),
    ],
)
def test_rows_in_equal_imported_plus_rejected(tmp_path, name, source, rows_in, imported, rejected, order):
    assert detect_format(FIXTURES / name) == source
    report = import_files("auto", [FIXTURES / name], tmp_path)
    assert (report.rows_in, report.imported, report.rejected) == (rows_in, imported, rejected)
    assert report.rows_in == report.imported + report.rejected + report.n_duplicates
    assert len(rows(tmp_path / "events.csv")) == imported
    if order:
        assert order in " ".join(report.lines())
    data = load_dataset(tmp_path)
    assert data.ok, [str(p) for p in data.problems]
    assert data.n_events == imported and data.imported


@pytest.mark.parametrize(
    "name",
    ["acled-export-kenya-bom.csv", "acled-api-kenya.csv", "acled-shortdates-kenya.csv", "acled-isodates-kenya.csv"],
)
def test_every_acled_layout_gives_the_same_events(tmp_path, kenya, name):
    import_files("acled", [FIXTURES / name], tmp_path)
    fields = ("event_id", "date_start", "date_precision", "event_type", "actors", "place_id", "fatalities")
    expected = {k: {f: v[f] for f in fields} for k, v in by_source_id(kenya).items()}
    got = {k: {f: v[f] for f in fields} for k, v in by_source_id(tmp_path).items()}
    assert got == expected


def test_old_upper_case_cp1252_file(tmp_path):
    report = import_files("acled", [FIXTURES / "acled-old-kenya-cp1252.csv"], tmp_path)
    assert "cp1252" in " ".join(report.lines())
    events = by_source_id(tmp_path)
    assert events["oldken9001"]["date_start"] == "2015-03-03"  # 03-March-2015
    assert "café" in events["oldken9001"]["summary"]
    places = {p["place_id"]: p for p in rows(tmp_path / "places.csv")}
    assert places[events["oldken9001"]["place_id"]]["country"] == "KE"  # GWNO is not ISO: the name decides
    assert "farmers-kenya:target" in events["oldken9003"]["actors"]  # ALLY_ACTOR_2 read as assoc_actor_2


def test_acled_mapping_is_faithful(kenya):
    events = by_source_id(kenya)
    assert [events[k.lower()]["event_id"][:10] for k in KENYA] == [
        "2023-03-03",
        "2023-03-14",
        "2023-03-28",
        "2023-04-07",
        "2023-04-20",
        "2023-05-02",
    ]
    assert events["ken9001"]["event_id"] == "2023-03-03-acled-ken9001"
    # precision: 2 = week, 3 = month, never by moving the date
    assert (events["ken9002"]["date_precision"], events["ken9002"]["date_start"]) == ("week", "2023-03-14")
    assert (events["ken9005"]["date_precision"], events["ken9005"]["date_start"]) == ("month", "2023-04-20")
    assert [events[k]["geo_precision"] for k in ("ken9001", "ken9002", "ken9005")] == ["exact", "near", "region"]
    # ACLED's 0 stays 0
    assert events["ken9002"]["fatalities"] == "0" and events["ken9001"]["fatalities"] == "2"
    # no direction between actor 1 and 2, except civilians targeted in violence against civilians
    assert events["ken9001"]["actors"] == "military-forces-of-kenya-2022:participant; al-shabaab:participant"
    assert events["ken9003"]["actors"] == (
        "unidentified-armed-group-kenya:initiator; civilians-kenya:target; farmers-kenya:target; women-kenya:target"
    )
    assert events["ken9003"]["event_type"] == "violence_against_civilians"
    assert all(e["verification"] == "reported" for e in events.values())
    assert events["ken9001"]["summary"].startswith("Invented row: soldiers") and "\n" in events["ken9001"]["summary"]
    sources = [s for s in rows(kenya / "sources.csv") if s["event_id"] == "2023-03-03-acled-ken9001"]
    assert [(s["url"], s["publisher"]) for s in sources] == [("", "Daily Nation"), ("", "The Star (Kenya)")]
    actors = {a["actor_id"]: a for a in rows(kenya / "actors.csv")}
    assert actors["al-shabaab"]["side"] == "rebel-groups"
    assert actors["military-forces-of-kenya-2022"]["kind"] == "armed_forces"
    provenance = json.loads((kenya / "provenance.json").read_text())
    assert provenance["source_dataset"] == "acled" and provenance["files"][0]["sha256"]
    assert "may not be" in provenance["licence"] and "ACLED" in provenance["citation"]


def test_cut_off_download_rejects_its_last_row(tmp_path):
    report = import_files("acled", [FIXTURES / "acled-cut-kenya.csv"], tmp_path)
    (rejection,) = report.rejections
    assert rejection.file == "acled-cut-kenya.csv" and rejection.line == 8
    assert "cut off" in rejection.reason
    assert "acled-cut-kenya.csv:8" in (tmp_path / "import-report.txt").read_text()


def test_overlapping_exports_keep_the_latest_copy(tmp_path):
    files = [FIXTURES / "acled-export-kenya.csv", FIXTURES / "acled-export-kenya-later.csv"]
    report = import_files("acled", files, tmp_path)
    assert (report.rows_in, report.imported, report.n_duplicates) == (9, 7, 2)
    events = by_source_id(tmp_path)
    assert events["ken9002"]["fatalities"] == "1"  # the later export's revision (newer timestamp)
    assert events["ken9003"]["acled_timestamp"] == "1700000000"  # the later file's copy is older: not kept
    assert "ken9007" in events
    assert any("ken9002" in d and "acled-export-kenya-later.csv" in d for d in report.duplicates)


def test_ucdp_mapping(tmp_path):
    import_files("ucdp", [FIXTURES / "ucdp-ged-ukraine-excerpt.csv"], tmp_path)
    events = by_source_id(tmp_path)
    first = events["147997"]
    assert first["event_id"] == "2014-01-22-ucdp-147997"
    assert (first["fatalities"], first["fatalities_low"], first["fatalities_high"]) == ("5", "5", "5")
    assert first["actors"] == "government-of-ukraine:participant; maidan:participant"
    assert first["ucdp_active_year"] == "true"
    sources = [s for s in rows(tmp_path / "sources.csv") if s["event_id"] == first["event_id"]]
    assert len(sources) == 5
    assert sources[0]["publisher"] == "Agence France Presse: Police disperse Kiev protest, activists say one shot dead"
    assert sources[-1]["published"] == "2014-01-25"
    assert all(s["url"] == "" for s in sources)


@pytest.mark.parametrize("name", ["ucdp-ged-ukraine-resaved-cp1252.csv", "ucdp-ged-ukraine-isotime.csv"])
def test_every_ucdp_form_gives_the_same_events(tmp_path, name):
    a, b = tmp_path / "a", tmp_path / "b"
    import_files("ucdp", [FIXTURES / "ucdp-ged-ukraine-excerpt.csv"], a)
    import_files("ucdp", [FIXTURES / name], b)
    fields = ("event_id", "date_start", "date_end", "fatalities", "fatalities_low", "fatalities_high", "place_id")
    assert [{f: r[f] for f in fields} for r in rows(a / "events.csv")] == [
        {f: r[f] for f in fields} for r in rows(b / "events.csv")
    ]


def test_undecidable_date_order_is_refused(tmp_path):
    with pytest.raises(ImportFileError, match="cannot be decided"):
        import_files("ucdp", [FIXTURES / "ucdp-ambiguous-dates.csv"], tmp_path)


def test_reimport_gives_the_same_ids_and_version(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        import_files("acled", [FIXTURES / "acled-export-kenya.csv"], out)
    assert rows(a / "events.csv") == rows(b / "events.csv")
    assert json.loads((a / "provenance.json").read_text())["imported_at"]
    assert dataset_version(a) == dataset_version(b)


def test_round_trip_import_validate_export(tmp_path, kenya):
    source = {r["event_id_cnty"].lower(): r for r in rows(FIXTURES / "acled-export-kenya.csv")}
    data = load_dataset(kenya)
    assert data.ok
    out = tmp_path / "export.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        write_export(data, FilterSpec(), "csv", handle)
    exported = {r["event_id"].split("-acled-")[1]: r for r in rows(out)}
    assert set(exported) == set(source)
    for key, row in source.items():
        got = exported[key]
        assert float(got["latitude"]) == float(row["latitude"]) and float(got["longitude"]) == float(row["longitude"])
        assert got["fatalities"] == row["fatalities"]
    assert {k: exported[k]["date_start"] for k in ("ken9001", "ken9006")} == {
        "ken9001": "2023-03-03",
        "ken9006": "2023-05-02",
    }
    assert len(apply_filters(data, FilterSpec(verification=("reported",)))) == 6


def test_curated_data_stays_strict(mini_dir):
    small_data = mini_dir
    events = (small_data / "events.csv").read_text().splitlines()
    header = events[0].split(",")
    events[1] = events[1].rsplit(",", 1)[0] + ",reported"
    (small_data / "events.csv").write_text("\n".join(events) + "\n")
    problems = [str(p) for p in load_dataset(small_data).problems]
    assert "verification" in header
    assert any("verification" in p and "confirmed, claimed, disputed" in p for p in problems), problems


def test_cli_import_prints_the_report(tmp_path, capsys):
    assert cli(["import", "acled", str(FIXTURES / "acled-cut-kenya.csv"), "--out", str(tmp_path / "k")]) == 0
    printed = capsys.readouterr().out
    assert "rows in: 6 = imported 5 + rejected 1" in printed and "cut off" in printed
    assert cli(["import", "auto", str(FIXTURES / "ucdp-ambiguous-dates.csv"), "--out", str(tmp_path / "u")]) == 1
    assert "cannot be decided" in capsys.readouterr().err


@pytest.mark.parametrize(
    "page", ["views/timeline.py", "views/map.py", "views/actors.py", "views/events.py", "views/about.py"]
)
@pytest.mark.parametrize("dataset", ["kenya", "ukraine"])
def test_every_page_opens_an_import(tmp_path_factory, monkeypatch, kenya, page, dataset):
    import streamlit as st

    if dataset == "ukraine":
        out = tmp_path_factory.mktemp("ukraine")
        import_files("ucdp", [FIXTURES / "ucdp-ged-ukraine-excerpt.csv"], out)
    else:
        out = kenya
    monkeypatch.setenv(ENV_VAR, str(out))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page == "views/map.py":  # no control table in an import: no switch for that layer
        assert [g.label for g in at.get("button_group")] == ["View"]
    sidebar_text = " ".join(m.value for m in at.sidebar.markdown)
    assert ("6 of 6 events" if dataset == "kenya" else "8 of 8 events") in sidebar_text


def test_the_card_of_an_imported_event(monkeypatch, kenya):
    import streamlit as st

    monkeypatch.setenv(ENV_VAR, str(kenya))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["event"] = "2023-03-14-acled-ken9002"  # week precision, a source without a URL
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "week of 14 March 2023" in " ".join(c.value for c in at.caption)
    assert "Reported" in text
    assert "Capital FM" in text and "unsafe link removed" not in text
