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
        + [(EVENTS[0][0], f"https://example.org/{EVENTS[0][0]}", "X", "")],
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


def test_control_rows_and_edits_are_checked_and_merged(tmp_path, capsys):
    core = make_dataset(tmp_path / "core")
    staging = tmp_path / "staging"
    staging.mkdir()
    e3 = EVENTS[2][0]  # 8-9 Oct 2020, Shusha
    write_csv(
        staging / "control.csv",
        ("place_id", "date", "date_precision", "side", "how", "event_id", "verification", "claimed_by", "note"),
        [
            ("shusha", "1992-01-01", "month", "azerbaijani", "initial", "", "confirmed", "", "https://example.org/s"),
            ("shusha", "2020-10-09", "day", "armenian", "captured", e3, "confirmed", "", ""),
            ("shusha", "2020-10-12", "day", "azerbaijani", "captured", e3, "confirmed", "", ""),  # outside its span
        ],
    )
    write_csv(staging / "edits.csv", ("event_id", "field", "value", "reason"), [(e3, "verification", "disputed", "x")])
    assert check(staging, core) == 1
    out = capsys.readouterr().out
    assert "control.csv:4: date: lies outside its event's span" in out and "edits.csv: 1 edits applied" in out
    merge_into(core, staging)
    with (core / "control.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 3
    with (core / "events.csv").open() as handle:
        assert next(r for r in csv.DictReader(handle) if r["event_id"] == e3)["verification"] == "disputed"


def test_overlap_check_finds_copied_runs(tmp_path, capsys):
    from conflict_timeline.tools.overlap import check_folder, longest_shared_run

    assert (
        longest_shared_run("The cathedral was struck twice, officials said.", "the Cathedral was struck twice")[0] == 5
    )
    # quoted words are the source's words on purpose: they do not count
    assert (
        longest_shared_run('He said "we will not stop the offensive now".', "we will not stop the offensive now")[0] < 3
    )
    staging = tmp_path / "s"
    (staging / "texts").mkdir(parents=True)
    row = list(EVENTS[0])
    row[5] = "one two three four five six seven eight nine"
    write_csv(staging / "events.csv", COLUMNS["events.csv"], [tuple(row)])
    (staging / "texts" / f"{row[0]}.txt").write_text("zero one two three four five six seven eight nine ten")
    assert check_folder(staging) == 1
    assert "shares 9 words" in capsys.readouterr().out
