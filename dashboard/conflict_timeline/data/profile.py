"""What kind of dataset a directory holds: the curated record, or an import of another dataset.

A dataset imported from ACLED or UCDP carries ``provenance.json`` (written by the importer) and is
as the source dataset coded it: its events may be ``reported`` rather than confirmed/claimed/
disputed, a date may be known to the week, a source may be a publisher with no URL, and a coarse
date is never moved to the first of its month. The curated record has no provenance file and
stays strict. ``sides.csv`` (optional, any dataset) names the sides an actor can be on, which are
the timeline's lanes; without it the curated record's five sides apply.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from conflict_timeline.data.schema import DATE_PRECISIONS, SIDE_LABELS, SIDES, VERIFICATIONS

PROVENANCE = "provenance.json"
SIDES_FILE = "sides.csv"
REPORTED = "reported"
WEEK = "week"
# Fields of provenance.json that do not describe the data (re-importing the same files on
# another day must give the same dataset version).
VOLATILE = ("imported_at",)
LANE_LABELS = {
    "armenian": "Armenian side",
    "azerbaijani": "Azerbaijani side",
    "international": "International",
    "third-party": "Third parties",
    "civilian": "Civilians",
}


@dataclass(frozen=True)
class Side:
    side: str
    label: str
    lane: str  # the short name a timeline lane shows
    color: str = ""


@dataclass(frozen=True)
class Profile:
    imported: bool = False
    source: str = "curated"
    title: str = ""
    sides: tuple[Side, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def verifications(self) -> tuple[str, ...]:
        return (*VERIFICATIONS, REPORTED) if self.imported else VERIFICATIONS

    @property
    def date_precisions(self) -> tuple[str, ...]:
        return ("day", WEEK, "month", "year") if self.imported else DATE_PRECISIONS

    @property
    def side_ids(self) -> tuple[str, ...]:
        return tuple(s.side for s in self.sides)

    def side_label(self, side: str) -> str:
        return next((s.label for s in self.sides if s.side == side), side or "Other")

    def lane_label(self, side: str) -> str:
        return next((s.lane for s in self.sides if s.side == side), "Other")


CURATED_SIDES = tuple(Side(s, SIDE_LABELS[s], LANE_LABELS[s]) for s in SIDES)
CURATED = Profile(sides=CURATED_SIDES)


def read_provenance(path: Path) -> dict | None:
    """The provenance record, or None when the directory has none (the curated record)."""
    file = path / PROVENANCE
    if not file.is_file():
        return None
    try:
        value = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {"_error": f"{PROVENANCE}: cannot be read as JSON ({exc.__class__.__name__}: {exc})"}
    return value if isinstance(value, dict) else {"_error": f"{PROVENANCE}: must hold a JSON object"}


def provenance_fingerprint(path: Path) -> bytes | None:
    """The provenance record's bytes as they count toward the dataset version (import date left out)."""
    record = read_provenance(path)
    if record is None:
        return None
    stable = {k: v for k, v in record.items() if k not in VOLATILE}
    return json.dumps(stable, sort_keys=True, ensure_ascii=False).encode()


def _read_sides(path: Path) -> tuple[tuple[Side, ...], list[str]]:
    file = path / SIDES_FILE
    problems: list[str] = []
    sides: list[Side] = []
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                side = (row.get("side") or "").strip()
                if not side:
                    problems.append(f"{SIDES_FILE}:{line}: side: is required but empty")
                    continue
                label = (row.get("label") or "").strip() or side
                lane = (row.get("lane") or "").strip() or label
                sides.append(Side(side, label, lane, (row.get("color") or "").strip()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{SIDES_FILE}: cannot be read ({exc.__class__.__name__}: {exc})")
    return tuple(sides), problems


def read_profile(path: Path) -> Profile:
    record = read_provenance(path)
    problems: list[str] = []
    if record is not None and "_error" in record:
        problems.append(record["_error"])
        record = None
    sides = CURATED_SIDES
    if (path / SIDES_FILE).is_file():
        read, side_problems = _read_sides(path)
        problems += side_problems
        sides = read or CURATED_SIDES
    if record is None:
        return Profile(sides=sides, problems=tuple(problems))
    return Profile(
        imported=bool(record.get("imported", True)),
        source=str(record.get("source_dataset", "imported")),
        title=str(record.get("title", "")),
        sides=sides,
        problems=tuple(problems),
    )
