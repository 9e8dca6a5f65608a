"""Curation check: the longest run of words each summary shares with the source text read.

Curators save what they read to ``<staging>/texts/<event_id>.txt`` (never committed: it is
others' copyright). A summary must be the curator's own words, so a long shared run outside
quotation marks means a sentence was copied.

    python -m conflict_timeline.tools.overlap data/staging/<name> [--limit 8]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from conflict_timeline.data.text import fold

LIMIT = 8
_WORD = re.compile(r"[a-z0-9]+")
_QUOTED = re.compile(r"[\"“«][^\"”»]*[\"”»]|(?<!\w)'[^']*'(?!\w)")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def longest_shared_run(summary: str, source: str) -> tuple[int, str]:
    """Length and text of the longest run of consecutive words (quoted words left out) found in ``source``."""
    own = words(_QUOTED.sub(" | ", summary))
    theirs = words(source)
    if not own or not theirs:
        return 0, ""
    # n-gram sets grow only as far as the longest match: check lengths upwards until none matches
    best, best_text, n = 0, "", 1
    while n <= len(own):
        grams = {tuple(theirs[i : i + n]) for i in range(len(theirs) - n + 1)}
        found = next((own[i : i + n] for i in range(len(own) - n + 1) if tuple(own[i : i + n]) in grams), None)
        if found is None:
            break
        best, best_text, n = n, " ".join(found), n + 1
    return best, best_text


def check_folder(folder: Path, limit: int = LIMIT) -> int:
    events = folder / "events.csv"
    if not events.is_file():
        print(f"{events}: not found", file=sys.stderr)
        return 2
    with events.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    flagged = missing = 0
    for row in rows:
        text_file = folder / "texts" / f"{row['event_id']}.txt"
        if not text_file.is_file():
            missing += 1
            print(f"{row['event_id']}: no saved source text (texts/{row['event_id']}.txt)")
            continue
        source = text_file.read_text(encoding="utf-8", errors="replace")
        for field_name in ("title", "summary"):
            length, run = longest_shared_run(row[field_name], source)
            if length >= limit:
                flagged += 1
                print(f"{row['event_id']}: {field_name} shares {length} words with the source: “{run}”")
    print(f"{len(rows)} events: {flagged} with a shared run of {limit}+ words, {missing} without a saved text")
    return 1 if flagged else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="overlap", description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=LIMIT, help="flag shared runs of this many words or more")
    args = parser.parse_args(argv)
    return max(check_folder(folder, args.limit) for folder in args.folders)


if __name__ == "__main__":
    sys.exit(main())
