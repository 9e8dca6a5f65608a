import csv
import io
import json

import pytest

from conflict_timeline.data.export import EXPORT_COLUMNS, export, neutralise_formula
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.query import FilterSpec
from tests.conftest import EVENTS, eid, make_dataset


def test_csv_first_columns_exactly(mini):
    text = export(mini, FilterSpec(), "csv")
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(EXPORT_COLUMNS)] == list(EXPORT_COLUMNS)
    assert EXPORT_COLUMNS[0] == "event_id" and EXPORT_COLUMNS[-1] == "dataset_version"


def test_csv_cells(mini):
    rows = list(csv.DictReader(io.StringIO(export(mini, FilterSpec(), "csv"))))
    e1 = next(r for r in rows if r["event_id"] == eid("e1"))
    assert e1["actor_ids"] == "az-mod; am-mod"
    assert e1["actors"] == "Azerbaijani MoD; Armenian MoD"
    assert e1["fatalities"] == "10" and e1["fatalities_low"] == "8"
    assert e1["dataset_version"] == mini.version
    e2 = next(r for r in rows if r["event_id"] == eid("e2"))
    assert e2["fatalities"] == ""  # unknown stays empty, never 0
    e6 = next(r for r in rows if r["event_id"] == eid("e6"))
    assert e6["longitude"] == "-77.0364"  # a negative number stays a number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_formula(text, expected):
    assert neutralise_formula(text) == expected


def test_formulas_neutralised_in_text_columns_only(tmp_path):
    events = [list(e) for e in EVENTS]
    events[0][4] = "=cmd|' /C calc'!A0"
    events[0][5] = "@SUM(1+1)"
    data = load_dataset(make_dataset(tmp_path / "d", events=events))
    rows = list(csv.DictReader(io.StringIO(export(data, FilterSpec(), "csv"))))
    e1 = next(r for r in rows if r["event_id"] == eid("e1"))
    assert e1["title"].startswith("'=")
    assert e1["summary"].startswith("'@")
    e6 = next(r for r in rows if r["event_id"] == eid("e6"))
    assert e6["longitude"] == "-77.0364"


def test_no_match_prints_only_the_header(mini):
    text = export(mini, FilterSpec(text="zzzz"), "csv")
    assert text.count("\n") == 1 and text.startswith("event_id,")


def test_json_and_geojson(mini):
    records = json.loads(export(mini, FilterSpec(), "json"))
    assert len(records) == mini.n_events
    assert records[0]["sources"][0].startswith("https://")
    collection = json.loads(export(mini, FilterSpec(), "geojson"))
    assert collection["type"] == "FeatureCollection"
    feature = next(f for f in collection["features"] if f["id"] == eid("e6"))
    assert feature["geometry"]["coordinates"] == [-77.0364, 38.8951]
    assert feature["properties"]["dataset_version"] == mini.version


def test_unknown_format(mini):
    with pytest.raises(ValueError, match="csv, json, geojson"):
        export(mini, FilterSpec(), "xlsx")


def test_cli_export_streams_in_chunks(tmp_path, monkeypatch):
    """The export is written batch by batch (a million events never sit in memory at once)."""
    import conflict_timeline.data.export as export_module
    from conflict_timeline.data.load import load_dataset

    monkeypatch.setattr(export_module, "CHUNK", 2)
    batches = []
    real = export_module.export_records
    monkeypatch.setattr(export_module, "export_records", lambda e, v, p: batches.append(len(e)) or real(e, v, p))
    data = load_dataset(make_dataset(tmp_path / "d"))
    out = io.StringIO()
    assert export_module.write_export(data, FilterSpec(), "json", out) == len(EVENTS)
    assert len(json.loads(out.getvalue())) == len(EVENTS)
    assert max(batches) <= 2048 and len(batches) >= 1  # DuckDB hands over whole vectors at the least


def test_in_app_export_is_capped(mini):
    assert len(json.loads(export(mini, FilterSpec(), "json", limit=2))) == 2


def test_export_command_matches_the_filters():
    import datetime as dt

    from conflict_timeline.data.export import export_command

    spec = FilterSpec(dt.date(2020, 9, 27), None, ("az-mod", "russia"), (), ("claimed",), "Şuşa; rm -rf /")
    command = export_command(spec, "csv")
    assert command == (
        "conflict-timeline export --format csv --from 2020-09-27 --actor az-mod russia "
        "--verification claimed --query 'Şuşa; rm -rf /' > events.csv"
    )
