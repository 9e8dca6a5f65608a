"""Validation: every problem reported with file, line, field and reason; nothing dropped silently.

``check_tables`` takes the raw text tables (as ``read_tables`` gives them), runs the
declared pandera schemas and the cross-table rules, and returns every problem plus, per
file, the row positions to reject. ``load`` keeps the rest.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow  # "pa" is pandera here
import pyarrow.compute as pc

from conflict_timeline.data.profile import CURATED, Profile
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


# Rows checked at a time: 250,000 rows of text held ~1 GB as Python objects at 1,000,000 events;
# 100,000 peak at about 0.6 GB, and the compile runs no slower.
CHUNK_ROWS = 100_000
TEXT = "string[pyarrow]"
MAX_CELL = 128 * 1024  # bytes; a longer cell is a problem, never a crash
_NOT_UTF8 = re.compile(r"[\udc80-\udcff]")


def _header(name: str, raw: list[str], problems: list[Problem]) -> list[str]:
    """The header with problems named: empty file, wrong delimiter, duplicated columns."""
    expected = COLUMNS[name]
    header = [h.strip() for h in raw]
    if not header:
        problems.append(Problem(name, 1, None, "the file is empty: it needs a header row"))
        return list(expected)
    if len(header) == 1 and len(expected) > 1:
        for sep, label in ((";", "';'"), ("\t", "tab"), ("|", "'|'")):
            if sep in header[0]:
                problems.append(
                    Problem(
                        name, 1, None, f"this looks like a {label}-separated file; the files must be comma-separated"
                    )
                )
                break
    seen: set[str] = set()
    for i, column in enumerate(header):
        if column in seen:
            problems.append(Problem(name, 1, column, "the column appears twice in the header; the second is ignored"))
            header[i] = f"{column}__duplicate_{i}"
        seen.add(column)
    for column in expected:
        if column not in header:
            problems.append(Problem(name, 1, column, "column is missing from the header"))
    return header


def iter_table(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[Table]:
    """Read one CSV as text in chunks of at most ``chunk_rows`` rows (every cell a str).

    Rows that cannot be taken apart (wrong field count, bytes that are not UTF-8, an oversized
    cell) become problems, not rows; nothing is dropped silently. The first chunk is yielded even
    when the file has no rows, so that header problems are reported.
    """
    name = path.name
    csv.field_size_limit(max(MAX_CELL * 8, csv.field_size_limit()))
    problems: list[Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] = []
    try:
        utf8 = is_utf8(path)
        # surrogateescape: a stray Latin-1 byte is located (file, line, column) instead of failing the file
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = _header(name, next(reader, []), problems)
                start = reader.line_num + 1
                for record in reader:
                    if not record or (len(record) == 1 and not record[0].strip()):
                        start = reader.line_num + 1
                        continue  # blank line
                    bad = _record_problem(name, header, record, start, utf8)
                    if bad is not None:
                        problems.append(bad)
                    else:
                        rows.append(record)
                        lines.append(start)
                    start = reader.line_num + 1
                    if len(rows) >= chunk_rows:
                        yield _table(name, header, rows, lines, problems)
                        rows, lines, problems = [], [], []
            except csv.Error as exc:
                problems.append(Problem(name, reader.line_num, None, f"cannot be parsed from here on ({exc})"))
    except OSError as exc:
        problems.append(Problem(name, None, None, f"cannot be read: {exc.strerror or exc}"))
    yield _table(name, header or list(COLUMNS[name]), rows, lines, problems)


def _record_problem(name: str, header: list[str], record: list[str], line: int, utf8: bool) -> Problem | None:
    if len(record) != len(header):
        return Problem(name, line, None, f"has {len(record)} fields, the header has {len(header)}")
    # the cheap whole-row tests first: a row is looked at cell by cell only when one of them fails
    if sum(map(len, record)) > MAX_CELL:
        for column, cell in zip(header, record):
            if len(cell) > MAX_CELL:
                return Problem(name, line, column, f"the cell is {len(cell):,} characters long (limit {MAX_CELL:,})")
    if not utf8 and _NOT_UTF8.search("".join(record)):
        column = next(c for c, cell in zip(header, record) if _NOT_UTF8.search(cell))
        return Problem(name, line, column, "contains bytes that are not UTF-8 (save the file as UTF-8)")
    return None


def is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (one fast pass; rows are then not searched for bad bytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _table(name: str, header: list[str], rows: list[list[str]], lines: list[int], problems: list[Problem]) -> Table:
    # Arrow-backed strings: the vectorised checks run in C rather than once per cell in Python
    frame = pd.DataFrame(rows or None, columns=header, dtype=TEXT)
    for column in COLUMNS[name]:
        if column not in frame.columns:
            frame[column] = pd.Series("", index=frame.index, dtype=TEXT)
    return Table(name, frame, lines, problems)


def read_table(path: Path) -> Table:
    """A whole (small) file as one Table."""
    chunks = list(iter_table(path, chunk_rows=10**12))
    return chunks[-1] if len(chunks) == 1 else _concat(chunks)


def _concat(chunks: list[Table]) -> Table:
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    return Table(chunks[0].name, frame, [n for c in chunks for n in c.lines], [p for c in chunks for p in c.problems])


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


def split_column(column: pd.Series, sep: str = ";") -> tuple[np.ndarray, np.ndarray]:
    """Every non-empty ``sep``-separated item of every cell, trimmed, with its row position."""
    values = pa_arrow.array(column.astype(TEXT).array)
    lists = pc.split_pattern(values, sep)
    items = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    rows = pc.list_parent_indices(lists)
    keep = pc.not_equal(items, "")
    return rows.filter(keep).to_numpy(), items.filter(keep).to_numpy(zero_copy_only=False)


def explode_pairs(column: pd.Series) -> pd.DataFrame:
    """'a:initiator; b:target' cells -> one row per pair: row position, actor_id, role, pos."""
    rows, items = split_column(column)
    parts = pc.extract_regex(pa_arrow.array(items, type=pa_arrow.string()), r"^(?P<actor>[^:]*):?(?P<role>.*)$")
    pairs = pd.DataFrame(
        {
            "row": rows,
            "actor_id": pc.utf8_trim_whitespace(parts.field("actor")).to_numpy(zero_copy_only=False),
            "role": pc.utf8_trim_whitespace(parts.field("role")).to_numpy(zero_copy_only=False),
        }
    )
    pairs["pos"] = pairs.groupby("row").cumcount()
    return pairs


def split_ids(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


@dataclass
class Checked:
    problems: list[Problem]
    rejected: dict[str, set[int]]  # file -> row positions


KEYS = {"actors.csv": "actor_id", "places.csv": "place_id", "eras.csv": "era_id", "event_types.csv": "event_type"}


def _duplicates(table: Table, key: str) -> list[tuple[int, str]]:
    """(position, value) of every repeat of a key after its first row: the first one is kept."""
    values = table.frame[key]
    repeats = values.duplicated(keep="first") & (values.str.strip() != "")
    first = {v: table.lines[i] for i, v in reversed(list(enumerate(values)))}
    return [
        (int(pos), f"is duplicated; the first row with this id (line {first[values.iat[pos]]}) is kept")
        for pos in np.flatnonzero(repeats.to_numpy())
    ]


def schemas_for(event_types: tuple[str, ...], profile: Profile) -> dict[str, pa.DataFrameSchema]:
    return build_schemas(
        event_types,
        verifications=profile.verifications,
        date_precisions=profile.date_precisions,
        sides=profile.side_ids,
        url_required=not profile.imported,
    )


def check_reference_tables(tables: dict[str, Table], profile: Profile = CURATED) -> Checked:
    """Actors, places, eras and event types: small tables, checked whole and in memory."""
    problems: list[Problem] = []
    rejected: dict[str, set[int]] = {name: set() for name in KEYS}

    def report(table: Table, pos: int, field_name: str | None, reason: str, value: str = "") -> None:
        problems.append(Problem(table.name, table.lines[pos], field_name, reason, value))
        rejected[table.name].add(pos)

    for name in KEYS:
        problems.extend(tables[name].problems)
    types = tables["event_types.csv"].frame
    schemas = schemas_for(tuple(types["event_type"]), profile)
    for name, key in KEYS.items():
        table = tables[name]
        line_to_pos = {line: pos for pos, line in enumerate(table.lines)}
        for problem in _schema_problems(table, schemas[name]):
            problems.append(problem)
            rejected[name].add(line_to_pos[problem.line])
        for pos, reason in _duplicates(table, key):
            report(table, pos, key, reason, table.frame[key].iat[pos])

    # actors: parents must exist; only the rows that form a loop are set aside (not their descendants)
    actors = tables["actors.csv"]
    ids = actors.frame["actor_id"]
    parents = actors.frame["parent_id"].str.strip()
    parent_of = {a: p for pos, (a, p) in enumerate(zip(ids, parents)) if pos not in rejected["actors.csv"]}
    for pos, (actor_id, parent) in enumerate(zip(ids, parents)):
        if pos in rejected["actors.csv"]:
            continue
        if parent and parent not in parent_of:
            report(actors, pos, "parent_id", "names an actor that does not exist", parent)
            continue
        seen, node = set(), parent
        while node and node not in seen and node != actor_id:
            seen.add(node)
            node = parent_of.get(node, "")
        if node == actor_id:
            report(actors, pos, "parent_id", "makes the actor hierarchy loop back to this actor", parent)

    eras = tables["eras.csv"]
    starts = pd.to_datetime(eras.frame["date_start"], format="%Y-%m-%d", errors="coerce")
    ends = pd.to_datetime(eras.frame["date_end"], format="%Y-%m-%d", errors="coerce")
    for pos in np.flatnonzero((ends < starts).to_numpy()):
        report(eras, int(pos), "date_end", "ends before date_start", eras.frame["date_end"].iat[pos])
    return Checked(problems, rejected)


def accepted_ids(table: Table, key: str, rejected: set[int]) -> set[str]:
    return {value for pos, value in enumerate(table.frame[key]) if pos not in rejected}


def check_events_chunk(
    events: Table,
    event_types: tuple[str, ...],
    good_actors: set[str],
    good_places: set[str],
    today: dt.date,
    profile: Profile = CURATED,
) -> Checked:
    """Every rule that one event row can be judged on alone (ids across chunks and sources are
    checked afterwards, in the query engine, over the whole file)."""
    problems: list[Problem] = list(events.problems)
    rejected: set[int] = set()

    def report(pos: int, field_name: str | None, reason: str, value: str = "") -> None:
        problems.append(Problem(events.name, events.lines[pos], field_name, reason, value))
        rejected.add(pos)

    line_to_pos = {line: pos for pos, line in enumerate(events.lines)}
    for problem in _schema_problems(events, schemas_for(event_types, profile)["events.csv"]):
        problems.append(problem)
        rejected.add(line_to_pos[problem.line])

    frame = events.frame
    today_iso = today.isoformat()

    def flag(mask: pd.Series, field_name: str, reason: str, values: pd.Series | None = None) -> None:
        """Report every row where ``mask`` holds (rules are vectorised: large chunks stay fast)."""
        hits = mask.fillna(False) if isinstance(mask, pd.Series) else mask  # missing numbers compare as NA
        for pos in np.flatnonzero(np.asarray(hits, dtype=bool)):
            report(int(pos), field_name, reason, "" if values is None else str(values.iat[pos]))

    # actors: 'id:role; id:role' exploded to one row per pair (in Arrow: a million rows stay fast)
    pairs = explode_pairs(frame["actors"])
    flag(~frame.index.isin(pairs["row"]), "actors", "lists no actor")
    for pos, value in pairs.loc[~pairs["actor_id"].isin(good_actors), ["row", "actor_id"]].itertuples(index=False):
        report(int(pos), "actors", "names an unknown actor", value)
    bad_roles = pairs.loc[~pairs["role"].isin(ROLES)]
    for pos, actor, role in bad_roles[["row", "actor_id", "role"]].itertuples(index=False):
        report(int(pos), "actors", f"role must be one of: {', '.join(ROLES)}", f"{actor}:{role}")
    rows, claimants = split_column(frame["claimed_by"])
    claimants = pd.Series(claimants, index=rows, dtype=object)
    for pos, value in claimants[~claimants.isin(good_actors)].items():
        report(int(pos), "claimed_by", "names an unknown actor", value)
    flag(
        (frame["verification"] == "claimed") & ~frame.index.isin(claimants.index),
        "claimed_by",
        "is empty, but verification is 'claimed': say who claims it",
    )
    place = frame["place_id"]
    flag((place != "") & ~place.isin(good_places), "place_id", "names an unknown place", place)
    # dates compared as dates, and only where both are real dates (2020-02-30 is reported once)
    start = pd.to_datetime(frame["date_start"], format="%Y-%m-%d", errors="coerce")
    end = pd.to_datetime(frame["date_end"], format="%Y-%m-%d", errors="coerce")
    flag(end < start, "date_end", "ends before date_start", frame["date_end"])
    coarse_at_start = not profile.imported  # an import keeps the source's own date, never moved to the 1st
    flag(
        coarse_at_start & (frame["date_precision"] == "month") & start.notna() & (start.dt.day != 1),
        "date_start",
        "with month precision the day must be 01",
        frame["date_start"],
    )
    flag(
        coarse_at_start
        & (frame["date_precision"] == "year")
        & start.notna()
        & ((start.dt.day != 1) | (start.dt.month != 1)),
        "date_start",
        "with year precision the date must be YYYY-01-01",
        frame["date_start"],
    )
    for name, parsed in (("date_start", start), ("date_end", end)):
        flag(parsed > pd.Timestamp(today_iso), name, f"is in the future (today is {today_iso})", frame[name])
    low, best, high = (
        pd.to_numeric(frame[c].where(frame[c].str.fullmatch(_WHOLE)), errors="coerce")
        for c in ("fatalities_low", "fatalities", "fatalities_high")
    )
    if not profile.imported:  # an import keeps the source's figures as given (UCDP's are not always ordered)
        flag(low > best, "fatalities_low", "is greater than fatalities", frame["fatalities_low"])
        flag(best > high, "fatalities_high", "is less than fatalities", frame["fatalities_high"])
        flag(low > high, "fatalities_high", "is less than fatalities_low", frame["fatalities_high"])
    for column in ("title", "summary"):
        flag(frame[column].str.contains(_CONTROL, regex=True), column, "contains control characters")
    return Checked(problems, {events.name: rejected})


def check_sources_chunk(sources: Table, profile: Profile = CURATED) -> Checked:
    problems: list[Problem] = list(sources.problems)
    rejected: set[int] = set()
    line_to_pos = {line: pos for pos, line in enumerate(sources.lines)}
    for problem in _schema_problems(sources, schemas_for((), profile)["sources.csv"]):
        problems.append(problem)
        rejected.add(line_to_pos[problem.line])
    return Checked(problems, {sources.name: rejected})


_WHOLE = r"\d{1,18}"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
