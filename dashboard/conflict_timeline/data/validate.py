"""Validation: every problem reported with file, line, field and reason; nothing dropped silently.

``check_tables`` takes the raw text tables (as ``read_tables`` gives them), runs the
declared pandera schemas and the cross-table rules, and returns every problem plus, per
file, the row positions to reject. ``load`` keeps the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from conflict_timeline.data.schema import COLUMNS, ROLES, build_schemas


@dataclass(frozen=True, order=True)
class Problem:
    """One reason one row (or one file) cannot be accepted."""

    file: str
    line: int | None
    field: str | None
    reason: str
    value: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.field}: " if self.field else ""
        shown = f" (got {self.value!r})" if self.value else ""
        return f"{where}: {what}{self.reason}{shown}"


@dataclass
class Table:
    """A file read as text: every cell a str, plus the file line where each row starts."""

    name: str
    frame: pd.DataFrame
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)


def read_table(path: Path) -> Table:
    """Read one CSV as text. Rows with the wrong number of fields become problems, not rows."""
    name = path.name
    expected = COLUMNS[name]
    problems: list[Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            header = []
        header = [h.strip() for h in header]
        missing = [c for c in expected if c not in header]
        for column in missing:
            problems.append(Problem(name, 1, column, "column is missing from the header"))
        start = reader.line_num + 1
        for record in reader:
            if not record or (len(record) == 1 and not record[0].strip()):
                start = reader.line_num + 1
                continue  # blank line
            if len(record) != len(header):
                problems.append(Problem(name, start, None, f"has {len(record)} fields, the header has {len(header)}"))
            else:
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    # object dtype: the checks below loop in Python, and iterating Arrow-backed strings is slow
    frame = pd.DataFrame(rows, columns=header if header else list(expected), dtype=object)
    for column in missing:
        frame[column] = ""
    return Table(name, frame, lines, problems)


def _schema_problems(table: Table, schema: pa.DataFrameSchema) -> list[Problem]:
    try:
        schema.validate(table.frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        out = []
        for case in errors.failure_cases.itertuples(index=False):
            index = case.index
            if index is None or pd.isna(index):
                continue  # file-level failures (missing columns) are reported by read_table
            check = str(case.check)
            reason = "is duplicated (ids must be unique)" if check == "field_uniqueness" else check
            out.append(Problem(table.name, table.lines[int(index)], str(case.column), reason, str(case.failure_case)))
        return out
    return []


def parse_actor_roles(cell: str) -> list[tuple[str, str]]:
    """'a:initiator; b:target' -> [('a', 'initiator'), ('b', 'target')]; a missing role is ''."""
    pairs = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            continue
        actor, _, role = part.partition(":")
        pairs.append((actor.strip(), role.strip()))
    return pairs


def split_ids(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


@dataclass
class Checked:
    problems: list[Problem]
    rejected: dict[str, set[int]]  # file -> row positions


def check_tables(tables: dict[str, Table], today: dt.date | None = None) -> Checked:
    """Run every rule over every table; collect all problems rather than stop at the first."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    rejected: dict[str, set[int]] = {name: set() for name in tables}

    def report(table: Table, pos: int, field_name: str | None, reason: str, value: str = "") -> None:
        problems.append(Problem(table.name, table.lines[pos], field_name, reason, value))
        rejected[table.name].add(pos)

    for table in tables.values():
        problems.extend(table.problems)

    types = tables["event_types.csv"].frame
    schemas = build_schemas(tuple(types["event_type"]))
    line_to_pos = {name: {line: pos for pos, line in enumerate(t.lines)} for name, t in tables.items()}
    for name, table in tables.items():
        for problem in _schema_problems(table, schemas[name]):
            problems.append(problem)
            rejected[name].add(line_to_pos[name][problem.line])

    # actors: parents must exist and the hierarchy must not loop
    actors = tables["actors.csv"]
    parent_of = dict(zip(actors.frame["actor_id"], actors.frame["parent_id"].str.strip()))
    for pos, (actor_id, parent) in enumerate(zip(actors.frame["actor_id"], actors.frame["parent_id"].str.strip())):
        if parent and parent not in parent_of:
            report(actors, pos, "parent_id", "names an actor that does not exist", parent)
            continue
        seen, node = {actor_id}, parent
        while node:
            if node in seen:
                report(actors, pos, "parent_id", "makes the actor hierarchy loop", parent)
                break
            seen.add(node)
            node = parent_of.get(node, "")

    eras = tables["eras.csv"]
    for pos, (start, end) in enumerate(zip(eras.frame["date_start"], eras.frame["date_end"])):
        if start and end and start > end:
            report(eras, pos, "date_end", "ends before date_start", end)

    good_actors = {a for pos, a in enumerate(actors.frame["actor_id"]) if pos not in rejected["actors.csv"]}
    places = tables["places.csv"]
    good_places = {p for pos, p in enumerate(places.frame["place_id"]) if pos not in rejected["places.csv"]}

    events = tables["events.csv"]
    event_ids = set(events.frame["event_id"])
    sources = tables["sources.csv"]
    for pos, event_id in enumerate(sources.frame["event_id"]):
        if event_id and event_id not in event_ids:
            report(sources, pos, "event_id", "names an event that does not exist", event_id)
    sourced = {e for pos, e in enumerate(sources.frame["event_id"]) if pos not in rejected["sources.csv"]}

    frame = events.frame
    today_iso = today.isoformat()

    def flag(mask: pd.Series, field_name: str, reason: str, values: pd.Series | None = None) -> None:
        """Report every row where ``mask`` holds (rules are vectorised: 100,000 rows stay fast)."""
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            report(events, int(pos), field_name, reason, "" if values is None else str(values.iat[pos]))

    # actors: 'id:role; id:role' exploded to one row per pair
    pairs = frame["actors"].str.split(";").explode().str.strip()
    pairs = pairs[pairs.fillna("") != ""]
    flag(~frame.index.isin(pairs.index), "actors", "lists no actor")
    actor_id = pairs.str.partition(":")[0].str.strip()
    role = pairs.str.partition(":")[2].str.strip()
    for pos, value in actor_id[~actor_id.isin(good_actors)].items():
        report(events, int(pos), "actors", "names an unknown actor", value)
    for pos, value in pairs[~role.isin(ROLES)].items():
        report(events, int(pos), "actors", f"role must be one of: {', '.join(ROLES)}", value.replace(" ", ""))
    claimants = frame["claimed_by"].str.split(";").explode().str.strip()
    claimants = claimants[claimants.fillna("") != ""]
    for pos, value in claimants[~claimants.isin(good_actors)].items():
        report(events, int(pos), "claimed_by", "names an unknown actor", value)
    flag(
        (frame["verification"] == "claimed") & ~frame.index.isin(claimants.index),
        "claimed_by",
        "is empty, but verification is 'claimed': say who claims it",
    )
    place = frame["place_id"]
    flag((place != "") & ~place.isin(good_places), "place_id", "names an unknown place", place)
    start, end = frame["date_start"], frame["date_end"]
    flag((end != "") & (start != "") & (end < start), "date_end", "ends before date_start", end)
    for name in ("date_start", "date_end"):
        value = frame[name]
        flag((value.str.len() == 10) & (value > today_iso), name, f"is in the future (today is {today_iso})", value)
    low, best, high = (
        pd.to_numeric(frame[c], errors="coerce") for c in ("fatalities_low", "fatalities", "fatalities_high")
    )
    flag(low > best, "fatalities_low", "is greater than fatalities", frame["fatalities_low"])
    flag(best > high, "fatalities_high", "is less than fatalities", frame["fatalities_high"])
    flag(low > high, "fatalities_high", "is less than fatalities_low", frame["fatalities_high"])
    flag((frame["event_id"] != "") & ~frame["event_id"].isin(sourced), "sources", "has no valid source in sources.csv")
    problems.sort(key=lambda p: (p.file, p.line or 0))
    return Checked(problems, rejected)
