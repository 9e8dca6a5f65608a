"""Shared fixtures: a small hand-made dataset whose every row the tests know."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.data.schema import COLUMNS

SHIPPED = REPO_ROOT / "data"

# fmt: off
ACTORS = [
    ("armenia", "Republic of Armenia", "Armenia", "state", "AM", "armenian", "", "#E69F00"),
    ("am-mod", "Ministry of Defence of Armenia", "Armenian MoD", "ministry", "AM", "armenian", "armenia", "#E69F00"),
    ("azerbaijan", "Republic of Azerbaijan", "Azerbaijan", "state", "AZ", "azerbaijani", "", "#0072B2"),
    ("az-mod", "Ministry of Defence of Azerbaijan", "Azerbaijani MoD", "ministry", "AZ", "azerbaijani", "azerbaijan", "#0072B2"),
    ("russia", "Russian Federation", "Russia", "state", "RU", "international", "", "#009E73"),
    ("ru-mfa", "Ministry of Foreign Affairs of Russia", "Russian MFA", "ministry", "RU", "international", "russia", "#009E73"),
    ("sergey-lavrov", "Sergey Lavrov", "Lavrov", "government_official", "RU", "international", "ru-mfa", "#009E73"),
]
PLACES = [
    ("stepanakert", "Stepanakert", "Stepanakert", "Xankəndi", "Khankendi|Ստեփանակերտ", "39.8177", "46.7528", "geonames:146970", "", "AZ"),
    ("shusha", "Shusha", "Shushi", "Şuşa", "Susa", "39.7601", "46.7499", "geonames:147105", "", "AZ"),
    ("moscow", "Moscow", "", "", "Moskva", "55.7520", "37.6178", "geonames:524901", "", "RU"),
    ("washington", "Washington, D.C.", "", "", "", "38.8951", "-77.0364", "geonames:4140963", "", "US"),
]
# event_id, date_start, date_end, date_precision, title, summary, event_type, actors, place_id,
# geo_precision, fatalities, fatalities_low, fatalities_high, claimed_by, verification
EVENTS = [
    ("2020-09-27-e1", "2020-09-27", "", "day", "Fighting erupts", "Heavy fighting along the front.", "armed_clash", "az-mod:initiator;am-mod:target", "stepanakert", "region", "10", "8", "12", "", "disputed"),
    ("2020-09-30-e2", "2020-09-30", "", "day", "Lavrov calls ministers", "Calls for talks.", "talks_meeting", "sergey-lavrov:mediator", "moscow", "exact", "", "", "", "", "confirmed"),
    ("2020-10-08-e3", "2020-10-08", "2020-10-09", "day", "Cathedral hit", "The cathedral in Shushi was struck.", "shelling", "az-mod:initiator", "shusha", "exact", "", "", "", "", "confirmed"),
    ("2020-10-01-e4", "2020-10-01", "", "month", "October losses claimed", "A ministry claims enemy losses.", "statement_accusation", "azerbaijan:initiator", "stepanakert", "region", "100", "", "", "az-mod", "claimed"),
    ("1994-01-01-e5", "1994-01-01", "", "year", "Ceasefire year", "A ceasefire was agreed.", "ceasefire_agreement", "armenia:participant;azerbaijan:participant;russia:mediator", "moscow", "exact", "", "", "", "", "confirmed"),
    ("2020-10-10-e6", "2020-10-10", "", "day", "Claim about Russia", "Armenian MoD statement.", "statement_accusation", "am-mod:initiator", "washington", "exact", "", "", "", "russia", "claimed"),
]
# fmt: on


def eid(short: str) -> str:
    """The full id of a fixture event from its short name: 'e1' -> '2020-09-27-e1'."""
    return next(e[0] for e in EVENTS if e[0].endswith("-" + short))


def short(ids) -> set[str]:
    """Fixture event ids by their short names ('2020-09-27-e1' -> 'e1'), to compare with the tables."""
    return {i.rsplit("-", 1)[1] for i in ids}


def write_csv(path: Path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def make_dataset(directory: Path, events=None, sources=None, actors=None, places=None) -> Path:
    """Write a complete data directory; event types and eras are the shipped vocabulary."""
    directory.mkdir(parents=True, exist_ok=True)
    events = EVENTS if events is None else events
    if sources is None:
        sources = [(e[0], f"https://example.org/{e[0]}", "Example News", "2020-10-01") for e in events]
    write_csv(directory / "events.csv", COLUMNS["events.csv"], events)
    write_csv(directory / "sources.csv", COLUMNS["sources.csv"], sources)
    write_csv(directory / "actors.csv", COLUMNS["actors.csv"], ACTORS if actors is None else actors)
    write_csv(directory / "places.csv", COLUMNS["places.csv"], PLACES if places is None else places)
    for name in ("event_types.csv", "eras.csv"):
        shutil.copy(SHIPPED / name, directory / name)
    return directory


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    return make_dataset(tmp_path / "mini")


@pytest.fixture
def mini(mini_dir: Path):
    from conflict_timeline.data.load import load_dataset

    return load_dataset(mini_dir)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Tests never write the on-disk dataset cache into the user's home."""
    monkeypatch.setenv("CONFLICT_TIMELINE_CACHE", str(tmp_path_factory.getbasetemp() / "dataset-cache"))
