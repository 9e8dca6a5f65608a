import csv
import re

import pytest

from conflict_timeline.cli import main
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import REPO_ROOT
from conflict_timeline.importers import import_files
from conflict_timeline.tools.synth import ACLED_HEADER, SYNTHETIC_PLACES, write_acled_csv, write_synthetic


def test_synthetic_data_is_valid_and_reuses_real_ids(tmp_path):
    data = load_dataset(write_synthetic(tmp_path / "s", 500))
    assert data.ok, [str(p) for p in data.problems[:10]]
    assert len(data.all_events()) == 500
    shipped = load_dataset(REPO_ROOT / "data")
    assert set(shipped.actors.index) == set(data.actors.index)
    assert len(data.places) == len(shipped.places) + SYNTHETIC_PLACES


def test_fixed_seed_is_reproducible(tmp_path):
    a = write_synthetic(tmp_path / "a", 200)
    b = write_synthetic(tmp_path / "b", 200)
    c = write_synthetic(tmp_path / "c", 200, seed=1)
    assert (a / "events.csv").read_bytes() == (b / "events.csv").read_bytes()
    assert (a / "events.csv").read_bytes() != (c / "events.csv").read_bytes()


def test_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("keep me")
    assert main(["synth", "--events", "10", "--out", str(tmp_path / "full")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "full" / "x.txt").read_text() == "keep me"


def test_rejects_zero_events(tmp_path):
    with pytest.raises(ValueError):
        write_synthetic(tmp_path / "z", 0)


# --- the ACLED export layout (issue 9: the importer's scale test) ------------------------------
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "imports" / "acled-export-kenya.csv"


@pytest.fixture(scope="module")
def acled_file(tmp_path_factory):
    return write_acled_csv(tmp_path_factory.mktemp("acled") / "acled.csv", 3_000)


def test_acled_layout_matches_a_real_export_header(acled_file):
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with acled_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == header == list(ACLED_HEADER)
    assert len(rows) == 3_001 and all(len(row) == 31 for row in rows)
    body = [dict(zip(header, row)) for row in rows[1:]]
    assert all(re.fullmatch(r"\d{2} [A-Z][a-z]+ \d{4}", r["event_date"]) for r in body)
    assert all(r["timestamp"].isdigit() and r["inter1"].isdigit() for r in body)
    assert any("\n" in r["notes"] for r in body) and any('"' in r["notes"] for r in body)
    assert any(";" in r["assoc_actor_1"] for r in body) and any(r["actor2"] == "NA" for r in body)
    assert sum(r["fatalities"] == "0" for r in body) > len(body) / 2
    assert all(150 <= len(r["notes"]) <= 450 for r in body)


def test_acled_file_is_reproducible_and_refuses_to_overwrite(tmp_path, acled_file):
    again = write_acled_csv(tmp_path / "again.csv", 3_000)
    other = write_acled_csv(tmp_path / "other.csv", 3_000, seed=1)
    assert again.read_bytes() == acled_file.read_bytes() != other.read_bytes()
    with pytest.raises(FileExistsError):
        write_acled_csv(again, 10)


def test_acled_file_imports_with_its_duplicates_replaced(tmp_path, acled_file):
    report = import_files("auto", [acled_file], tmp_path / "import")
    assert (report.rows_in, report.rejected) == (3_000, 0)
    assert 0.01 * 3_000 < report.n_duplicates < 0.06 * 3_000  # exported twice, the later copy kept
    assert report.imported == 3_000 - report.n_duplicates
    assert load_dataset(tmp_path / "import").ok


def test_cli_synth_acled_writes_one_csv(tmp_path, capsys):
    assert main(["synth", "--format", "acled", "--events", "50", "--out", str(tmp_path / "a.csv")]) == 0
    assert "50 synthetic events" in capsys.readouterr().err
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 51
