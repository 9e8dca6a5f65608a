"""Versions people can cite: diff of two datasets, the versions file, and links from older versions."""

from __future__ import annotations

import csv
import subprocess

import pytest

from conflict_timeline.cli import main
from conflict_timeline.data import versions
from conflict_timeline.data.paths import DATA_FILES, OPTIONAL_FILES, REPO_ROOT, dataset_version
from tests.conftest import EVENTS, eid, make_dataset


@pytest.fixture
def two(tmp_path):
    old = make_dataset(tmp_path / "old")
    events = [list(e) for e in EVENTS if not e[0].endswith("-e6")]  # e6 removed
    events[0][4] = "Fighting breaks out"  # e1: title changed
    events[2][10] = "3"  # e3: fatalities changed
    events.append(["2020-11-01-e7", "2020-11-01", "", "day", "New", "A new event.", "talks_meeting",
                   "russia:mediator", "moscow", "exact", "", "", "", "", "confirmed"])
    sources = [(e[0], f"https://example.org/{e[0]}", "Example News", "2020-10-01") for e in events]
    sources.append((eid("e2"), "https://example.org/more", "Another", ""))  # e2: a source added
    new = make_dataset(tmp_path / "new", events=events, sources=sources)
    return old, new


def test_diff_lists_added_changed_and_removed(two):
    result = versions.diff(*two)
    assert result.added == ["2020-11-01-e7"] and result.removed == [eid("e6")]
    assert result.changed == {eid("e1"): ["title"], eid("e2"): ["sources"], eid("e3"): ["fatalities"]}
    assert result.summary == "1 added, 3 changed, 1 removed"


def test_cli_diff_and_record(two, capsys):
    old, new = two
    assert main(["diff", str(old), str(new), "--record"]) == 0
    out = capsys.readouterr().out
    assert "1 added, 3 changed, 1 removed" in out and f"~ {eid('e1')}: title" in out and f"- {eid('e6')}" in out
    rows = versions.history(new)
    assert [r["version"] for r in rows] == [dataset_version(old), dataset_version(new)]
    assert rows[1]["removed_ids"] == eid("e6") and rows[1]["added"] == "1"
    assert main(["diff", str(old), str(new), "--record"]) == 0  # recording twice adds nothing
    assert len(versions.history(new)) == 2
    since = versions.changes_since(new, dataset_version(old))
    assert since == {"added": {"2020-11-01-e7"}, "changed": {eid("e1"), eid("e2"), eid("e3")}, "removed": {eid("e6")}}
    assert versions.changes_since(new, "000000000000") is None


def test_versions_file_stays_out_of_the_hash(two):
    old, new = two
    before = dataset_version(new)
    versions.record(new, versions.diff(old, new), "2026-12-01", 6)
    assert versions.FILE not in DATA_FILES + OPTIONAL_FILES
    with (new / versions.FILE).open() as handle:
        assert len(list(csv.DictReader(handle))) == 2
    assert dataset_version(new) == before


def test_diff_against_a_git_revision(capsys):
    if subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.fail("the repository's git history is needed for this test")
    assert main(["diff", "HEAD", str(REPO_ROOT / "data"), "--json"]) == 0
    assert '"old_version"' in capsys.readouterr().out


def test_shipped_history_is_consistent():
    rows = versions.history(REPO_ROOT / "data")
    assert rows and rows[-1]["version"] == dataset_version(REPO_ROOT / "data"), "record the version: diff --record"
    current = {r["event_id"] for r in csv.DictReader((REPO_ROOT / "data" / "events.csv").open(encoding="utf-8"))}
    removed = {i for r in rows for i in r["removed_ids"].split(";") if i}
    assert not removed & current, "a removed id was reused"


def test_the_version_hash_reads_files_in_blocks_not_whole(tmp_path, monkeypatch):
    # a 10,000,000-event events.csv is 2.2 GB: reading it whole to hash it doubled the compile's memory
    import hashlib
    from pathlib import Path

    from conflict_timeline.data import paths

    directory = make_dataset(tmp_path / "d")
    expected = hashlib.sha256()  # the data files' names and bytes, in order (no optional files here)
    for name in DATA_FILES:
        expected.update(name.encode())
        expected.update((directory / name).read_bytes())

    def whole_file(self):
        raise AssertionError(f"{self.name} was read whole")

    monkeypatch.setattr(Path, "read_bytes", whole_file)
    paths._content_hash.cache_clear()
    assert dataset_version(directory) == expected.hexdigest()[:12]  # the same version as before
