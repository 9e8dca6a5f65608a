"""Curation staging: check a helper's folder against the core tables, and merge it in.

A staging folder holds events.csv and sources.csv, plus actors.csv and places.csv with
only the rows that the core tables lack, control.csv (control-of-territory rows) and
edits.csv (``event_id,field,value,reason``: corrections to existing events). ``check`` merges
them into a temporary copy of data/ and runs the validator; ``merge`` applies them to data/.

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

from conflict_timeline.data import control
from conflict_timeline.data.load import load_dataset
from conflict_timeline.data.paths import DATA_FILES, default_data_dir
from conflict_timeline.data.schema import COLUMNS

MERGED = ("events.csv", "sources.csv", "actors.csv", "places.csv", "control.csv")
EDITABLE = tuple(c for c in COLUMNS["events.csv"] if c != "event_id")


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
        if name == "control.csv" and not header:
            if not new:
                continue
            header = list(control.COLUMNS)
            (target / name).write_text(",".join(header) + "\n", encoding="utf-8")
        key = {"actors.csv": "actor_id", "places.csv": "place_id"}.get(name)
        known = {row[key]: row for row in existing} if key else {}
        seen_sources = {(r["event_id"], r["url"]) for r in existing} if name == "sources.csv" else set()
        initials = {r["place_id"] for r in existing if r.get("how") == "initial"} if name == "control.csv" else set()
        seen_rows = {tuple(r.get(c, "") for c in header) for r in existing} if name == "control.csv" else set()
        added = []
        for row in new:
            row = {column: (row.get(column) or "").strip() for column in header}
            if name == "control.csv":
                if tuple(row.values()) in seen_rows:
                    continue
                if row["how"] == "initial" and row["place_id"] in initials:
                    notes.append(f"control.csv: {row['place_id']} already has an initial row; kept the existing one")
                    continue
                initials.update([row["place_id"]] if row["how"] == "initial" else [])
                seen_rows.add(tuple(row.values()))
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
    notes.extend(apply_edits(target, staging))
    return notes


def apply_edits(target: Path, staging: Path) -> list[str]:
    """Apply ``edits.csv`` (event_id, field, value, reason) to the events of ``target``."""
    _, edits = _rows(staging / "edits.csv")
    if not edits:
        return []
    header, events = _rows(target / "events.csv")
    by_id = {row["event_id"]: row for row in events}
    notes, applied = [], 0
    for edit in edits:
        event_id, field_name = (edit.get("event_id") or "").strip(), (edit.get("field") or "").strip()
        if event_id not in by_id:
            notes.append(f"edits.csv: {event_id!r} is not an event; edit skipped")
        elif field_name not in EDITABLE:
            notes.append(f"edits.csv: {field_name!r} cannot be edited (one of: {', '.join(EDITABLE)}); edit skipped")
        else:
            by_id[event_id][field_name] = (edit.get("value") or "").strip()
            applied += 1
    with (target / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(events)
    notes.append(f"edits.csv: {applied} edits applied")
    return notes


def check(staging: Path, core: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in (*DATA_FILES, control.FILE):
            if (core / name).is_file():
                shutil.copy(core / name, work / name)
        for note in merge_into(work, staging):
            print(note)
        data = load_dataset(work)
        events = data.all_events()
        spans = dict(zip(events["event_id"], zip(events["span_start"], events["span_end"])))
        checked = control.read_control(work, set(data.places.index), lambda ids: spans, set(data.actors.index))
        problems = [p for p in data.problems if p.file != control.FILE]
    staged = {row["event_id"] for row in _rows(staging / "events.csv")[1]}
    mine = problems + checked.problems
    changes = control.changes(checked.rows)
    print(
        f"control: {checked.rows['place_id'].nunique()} tracked places, {len(changes)} changes accepted "
        f"(in the merged copy)"
    )
    for problem in mine:
        print(problem)
    accepted = int(events["event_id"].isin(staged).sum())
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
