import csv
import io
import json

import pytest

from conflict_timeline.data.export import EXPORT_COLUMNS, export, neutralise_formula
from conflict_timeline.data.load import load_dataset
from tests.conftest import EVENTS, make_dataset


def test_csv_first_columns_exactly(mini):
    text = export(mini.events, mini.version, "csv")
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(EXPORT_COLUMNS)] == list(EXPORT_COLUMNS)
    assert EXPORT_COLUMNS[0] == "event_id" and EXPORT_COLUMNS[-1] == "dataset_version"


def test_csv_cells(mini):
    rows = list(csv.DictReader(io.StringIO(export(mini.events, mini.version, "csv"))))
    e1 = next(r for r in rows if r["event_id"] == "e1")
    assert e1["actor_ids"] == "az-mod; am-mod"
    assert e1["actors"] == "Azerbaijani MoD; Armenian MoD"
    assert e1["fatalities"] == "10" and e1["fatalities_low"] == "8"
    assert e1["dataset_version"] == mini.version
    e2 = next(r for r in rows if r["event_id"] == "e2")
    assert e2["fatalities"] == ""  # unknown stays empty, never 0
    e6 = next(r for r in rows if r["event_id"] == "e6")
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
    rows = list(csv.DictReader(io.StringIO(export(data.events, data.version, "csv"))))
    e1 = next(r for r in rows if r["event_id"] == "e1")
    assert e1["title"].startswith("'=")
    assert e1["summary"].startswith("'@")
    e6 = next(r for r in rows if r["event_id"] == "e6")
    assert e6["longitude"] == "-77.0364"


def test_no_match_prints_only_the_header(mini):
    text = export(mini.events.iloc[0:0], mini.version, "csv")
    assert text.count("\n") == 1 and text.startswith("event_id,")


def test_json_and_geojson(mini):
    records = json.loads(export(mini.events, mini.version, "json"))
    assert len(records) == len(mini.events)
    assert records[0]["sources"][0].startswith("https://")
    collection = json.loads(export(mini.events, mini.version, "geojson"))
    assert collection["type"] == "FeatureCollection"
    feature = next(f for f in collection["features"] if f["id"] == "e6")
    assert feature["geometry"]["coordinates"] == [-77.0364, 38.8951]
    assert feature["properties"]["dataset_version"] == mini.version


def test_unknown_format(mini):
    with pytest.raises(ValueError, match="csv, json, geojson"):
        export(mini.events, mini.version, "xlsx")
