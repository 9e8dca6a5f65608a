"""Dataset versions people can cite: what changed between two versions, and the shipped history.

``diff`` compares the events of two data directories: added, removed, and changed (with the
fields that changed, sources included). ``versions.csv`` in the data directory records each
shipped version — its date, counts and the ids that changed — and stays out of the version hash
(or the hash could never name itself). Event ids are never reused: a removed id stays reserved.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from conflict_timeline.data.paths import REPO_ROOT, dataset_version

FILE = "versions.csv"
COLUMNS = ("version", "date", "events", "added", "changed", "removed", "added_ids", "changed_ids", "removed_ids")
COMPARED = (
    "date_start", "date_end", "date_precision", "title", "summary", "event_type", "actors", "place_id",
    "geo_precision", "fatalities", "fatalities_low", "fatalities_high", "claimed_by", "verification",
)


@dataclass
class Diff:
    old_version: str
    new_version: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # event id -> fields that changed

    @property
    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"


def _events(path: Path) -> dict[str, dict[str, str]]:
    with (path / "events.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["event_id"]: row for row in csv.DictReader(handle) if row.get("event_id")}


def _sources(path: Path) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    with (path / "sources.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row.get("event_id", ""), set()).add((row.get("url", ""), row.get("publisher", "")))
    return out


def diff(old: Path, new: Path) -> Diff:
    """Events added, removed and changed (which fields; ``sources`` when its sources changed)."""
    before, after = _events(old), _events(new)
    src_before, src_after = _sources(old), _sources(new)
    result = Diff(dataset_version(old), dataset_version(new))
    result.added = sorted(set(after) - set(before))
    result.removed = sorted(set(before) - set(after))
    for event_id in sorted(set(before) & set(after)):
        fields = [c for c in COMPARED if before[event_id].get(c, "") != after[event_id].get(c, "")]
        if src_before.get(event_id, set()) != src_after.get(event_id, set()):
            fields.append("sources")
        if fields:
            result.changed[event_id] = fields
    return result


def checkout(revision: str, into: Path, repo: Path = REPO_ROOT) -> Path:
    """The data directory as it was at a git revision (``git archive``), written under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", revision, "data"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise ValueError(f"{revision!r} is neither a data directory nor a git revision of this repository")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into / "data"


def resolve(spec: str, workdir: Path) -> Path:
    """A data directory from ``spec``: a directory path, or a git revision (``HEAD~3``, a tag, a hash)."""
    path = Path(spec).expanduser()
    if path.is_dir():
        return path
    target = workdir / spec.replace("/", "_").replace("~", "-")
    target.mkdir(parents=True)
    return checkout(spec, target)


def diff_specs(old: str, new: str) -> Diff:
    with tempfile.TemporaryDirectory() as tmp:
        return diff(resolve(old, Path(tmp)), resolve(new, Path(tmp)))


def history(path: Path) -> list[dict[str, str]]:
    """The shipped versions recorded in ``versions.csv`` (oldest first); empty when there is none."""
    target = path / FILE
    if not target.is_file():
        return []
    try:
        with target.open(encoding="utf-8-sig", newline="") as handle:
            return [row for row in csv.DictReader(handle) if row.get("version")]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def changes_since(path: Path, version: str) -> dict[str, set[str]] | None:
    """Ids added, changed and removed in every recorded version after ``version`` (None: not in history)."""
    rows = history(path)
    versions = [row["version"] for row in rows]
    if version not in versions:
        return None
    out: dict[str, set[str]] = {"added": set(), "changed": set(), "removed": set()}
    for row in rows[versions.index(version) + 1 :]:
        for kind in out:
            out[kind].update(i for i in row.get(f"{kind}_ids", "").split(";") if i)
    out["changed"] -= out["added"]
    return out


def record(path: Path, result: Diff, date: str, events: int) -> None:
    """Append ``result`` as the entry of the version now in ``path`` (idempotent per version)."""
    rows = history(path)
    if any(row["version"] == result.new_version for row in rows):
        return
    if not rows:
        rows.append({c: "" for c in COLUMNS} | {"version": result.old_version, "date": "", "events": ""})
    rows.append(
        {
            "version": result.new_version,
            "date": date,
            "events": str(events),
            "added": str(len(result.added)),
            "changed": str(len(result.changed)),
            "removed": str(len(result.removed)),
            "added_ids": ";".join(result.added),
            "changed_ids": ";".join(result.changed),
            "removed_ids": ";".join(result.removed),
        }
    )
    with (path / FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)

