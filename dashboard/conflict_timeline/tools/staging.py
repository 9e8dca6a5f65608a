"""Curation staging: check a helper's folder against the core tables, and merge it in.

A staging folder holds events.csv and sources.csv, plus actors.csv and places.csv with
only the rows that the core tables lack. ``check`` merges them into a temporary copy of
data/ and runs the validator; ``merge`` appends them to data/ for real.

    python -m conflict_timeline.tools.staging check data/staging/p4-war-a
    python -m conflict_timeline.tools.staging merge data/staging/p4-war-a [...]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import DATA_FILES, default_data_dir

MERGED = ("events.csv", "sources.csv", "actors.csv", "places.csv")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        return [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def merge_into(target: Path, staging: Path) -> list[str]:
    """Append the staging rows to ``target``.

    Actors and places already present are skipped (a differing definition is reported, the existing
    row kept); a repeated source is skipped; events are always appended, so a clashing event id is
    left for the validator to report.
    """
    notes = []
    for name in MERGED:
        header, existing = _rows(target / name)
        _, new = _rows(staging / name)
        key = {"actors.csv": "actor_id", "places.csv": "place_id"}.get(name)
        known = {row[key]: row for row in existing} if key else {}
        seen_sources = {(r["event_id"], r["url"]) for r in existing} if name == "sources.csv" else set()
        added = []
        for row in new:
            row = {column: (row.get(column) or "").strip() for column in header}
            if key and row[key] in known:
                if known[row[key]] != row:
                    notes.append(f"{name}: {row[key]} already exists with different values; kept the existing row")
                continue
            if name == "sources.csv":
                if (row["event_id"], row["url"]) in seen_sources:
                    continue
                seen_sources.add((row["event_id"], row["url"]))
            if key:
                known[row[key]] = row
            added.append(row)
        with (target / name).open("a", encoding="utf-8", newline="") as handle:
            csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerows(added)
        notes.append(f"{name}: +{len(added)} rows")
    return notes


def check(staging: Path, core: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in DATA_FILES:
            shutil.copy(core / name, work / name)
        for note in merge_into(work, staging):
            print(note)
        data = load_dataset(work)
    staged = {row["event_id"] for row in _rows(staging / "events.csv")[1]}
    mine = data.problems
    for problem in mine:
        print(problem)
    accepted = int(data.events["event_id"].isin(staged).sum())
    print(f"{len(staged)} staged events, {accepted} accepted, {len(mine)} problems")
    return 1 if mine else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="staging")
    parser.add_argument("command", choices=["check", "merge"])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args(argv)
    status = 0
    for folder in args.folders:
        print(f"== {folder}")
        if args.command == "check":
            status |= check(folder, args.data)
        else:
            for note in merge_into(args.data, folder):
                print(note)
    return status


if __name__ == "__main__":
    sys.exit(main())
