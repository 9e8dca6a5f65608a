import csv

from conflict_timeline.data.schema import COLUMNS
from conflict_timeline.tools.staging import check, merge_into
from tests.conftest import ACTORS, EVENTS, make_dataset, write_csv


def test_merge_appends_new_rows_and_skips_known_ones(tmp_path):
    core = make_dataset(tmp_path / "core", events=EVENTS[:3])
    staging = tmp_path / "staging"
    staging.mkdir()
    write_csv(staging / "events.csv", COLUMNS["events.csv"], EVENTS[3:])
    write_csv(
        staging / "sources.csv",
        COLUMNS["sources.csv"],
        [(e[0], f"https://example.org/{e[0]}", "X", "") for e in EVENTS[3:]]
        + [("e1", "https://example.org/e1", "X", "")],
    )
    changed = list(ACTORS[0])
    changed[1] = "Another name"
    write_csv(staging / "actors.csv", COLUMNS["actors.csv"], [tuple(changed)])
    notes = merge_into(core, staging)
    assert "events.csv: +3 rows" in notes and "sources.csv: +3 rows" in notes
    assert any("armenia already exists with different values" in n for n in notes)
    with (core / "actors.csv").open() as handle:
        assert sum(1 for row in csv.DictReader(handle) if row["actor_id"] == "armenia") == 1


def test_check_reports_problems_of_the_staged_rows(tmp_path, capsys):
    core = make_dataset(tmp_path / "core", events=EVENTS[:3])
    staging = tmp_path / "staging"
    staging.mkdir()
    bad = list(EVENTS[3])
    bad[8] = "atlantis"
    write_csv(staging / "events.csv", COLUMNS["events.csv"], [tuple(bad)])
    write_csv(staging / "sources.csv", COLUMNS["sources.csv"], [(bad[0], "https://example.org/x", "X", "")])
    assert check(staging, core) == 1
    assert "unknown place" in capsys.readouterr().out
