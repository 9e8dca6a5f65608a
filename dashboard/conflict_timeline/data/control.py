"""Control of territory: who held a tracked place on a given day (``control.csv``, optional).

One row per change of control of one place; the holder on a day is the latest row dated on or
before it. ``initial`` rows give the starting state and do not count as changes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from conflict_timeline.data.schema import DATE_PRECISIONS, VERIFICATIONS
from conflict_timeline.data.validate import Problem, split_ids

FILE = "control.csv"
COLUMNS = ("place_id", "date", "date_precision", "side", "how", "event_id", "verification", "claimed_by", "note")
CONTROL_SIDES = ("armenian", "azerbaijani")
HOW = ("initial", "captured", "handed_over", "withdrawn", "surrendered")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"https?://\S+")


@dataclass
class Control:
    """The accepted control rows (typed, sorted by place and date) and the problems found."""

    rows: pd.DataFrame
    problems: list[Problem]
    rows_in: int

    @property
    def present(self) -> bool:
        return self.rows_in > 0 or not self.rows.empty


EMPTY = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS}).assign(date=pd.Series(dtype="datetime64[ns]"))


def event_ids(path: Path) -> set[str]:
    """The event ids that ``control.csv`` names (to look up only their spans)."""
    target = path / FILE
    if not target.is_file():
        return set()
    try:
        with target.open(encoding="utf-8-sig", newline="") as handle:
            return {(row.get("event_id") or "").strip() for row in csv.DictReader(handle)} - {""}
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()


def read_control(
    path: Path,
    places: set[str],
    event_spans: Callable[[set[str]], dict[str, tuple[pd.Timestamp, pd.Timestamp]]],
    actors: set[str],
) -> Control:
    """Read and check ``control.csv`` in ``path``; a missing file is an empty, valid table.

    ``event_spans(ids)`` gives the span of each of the accepted events among ``ids`` (the events the
    table names: a dataset may hold millions, the table a few hundred)."""
    target = path / FILE
    if not target.is_file():
        return Control(EMPTY.copy(), [], 0)
    problems: list[Problem] = []
    good: list[dict[str, str]] = []
    lines: list[int] = []
    try:
        with target.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in COLUMNS if c not in header]
            for column in missing:
                problems.append(Problem(FILE, 1, column, "column is missing from the header"))
            start = reader.line_num + 1
            records = []
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    start = reader.line_num + 1
                    continue
                if len(record) != len(header):
                    problems.append(
                        Problem(FILE, start, None, f"has {len(record)} fields, the header has {len(header)}")
                    )
                elif not missing:
                    records.append((start, dict(zip(header, (v.strip() for v in record)))))
                start = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return Control(EMPTY.copy(), [Problem(FILE, None, None, f"cannot be read: {exc}")], 1)
    rows_in = len(records) + sum(1 for p in problems if p.line and p.line > 1)

    def bad(line: int, field_name: str, reason: str, value: str = "") -> None:
        problems.append(Problem(FILE, line, field_name, reason, value))

    spans = event_spans({row["event_id"] for _, row in records if row["event_id"]})
    initial_seen: dict[str, int] = {}
    for line, row in records:
        before = len(problems)
        place, date, how, event = row["place_id"], row["date"], row["how"], row["event_id"]
        if place not in places:
            bad(line, "place_id", "names an unknown place", place)
        parsed = pd.to_datetime(date, format="%Y-%m-%d", errors="coerce") if _DATE.match(date) else pd.NaT
        if pd.isna(parsed):
            bad(line, "date", "must be a real date written YYYY-MM-DD", date)
        if row["date_precision"] not in DATE_PRECISIONS:
            bad(line, "date_precision", f"must be one of: {', '.join(DATE_PRECISIONS)}", row["date_precision"])
        if row["side"] not in CONTROL_SIDES:
            bad(line, "side", f"must be one of: {', '.join(CONTROL_SIDES)}", row["side"])
        if how not in HOW:
            bad(line, "how", f"must be one of: {', '.join(HOW)}", how)
        if row["verification"] not in VERIFICATIONS:
            bad(line, "verification", f"must be one of: {', '.join(VERIFICATIONS)}", row["verification"])
        claimants = split_ids(row["claimed_by"])
        for actor in claimants:
            if actor not in actors:
                bad(line, "claimed_by", "names an unknown actor", actor)
        if row["verification"] == "claimed" and not claimants:
            bad(line, "claimed_by", "is empty, but verification is 'claimed': say who claims it")
        if how == "initial":
            if place in initial_seen:
                bad(line, "how", f"a second initial row for this place (the first is on line {initial_seen[place]})")
            else:
                initial_seen[place] = line
            if not event and not _URL.search(row["note"]):
                bad(line, "note", "an initial row without event_id must name its source (an http(s) URL) in note")
        elif not event:
            bad(line, "event_id", "is required on every row except initial ones")
        if event:
            span = spans.get(event)
            if span is None:
                bad(line, "event_id", "names an event that does not exist (or was set aside)", event)
            elif not pd.isna(parsed) and not (span[0] <= parsed <= span[1]):
                bad(line, "date", f"lies outside its event's span ({span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d})", date)
        if len(problems) == before:
            good.append({**row, "date": parsed, "_line": line})
            lines.append(line)

    frame = pd.DataFrame(good, columns=[*COLUMNS, "_line"]) if good else EMPTY.assign(_line=pd.Series(dtype=int))
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.sort_values(["place_id", "date", "_line"], kind="stable").reset_index(drop=True)
    # A change to the side that already holds the place (unless noted as a re-announcement).
    keep = []
    for _, group in frame.groupby("place_id", sort=False):
        holder = None
        for index, row in group.iterrows():
            if row["how"] != "initial" and row["side"] == holder and "re-announcement" not in row["note"].lower():
                bad(row["_line"], "side", f"the place is already held by the {holder} side on this date", row["side"])
                continue
            holder = row["side"]
            keep.append(index)
    frame = frame.loc[keep].reset_index(drop=True)
    missing_initial = sorted(set(frame["place_id"]) - set(frame.loc[frame["how"] == "initial", "place_id"]))
    for place in missing_initial:
        first = frame.loc[frame["place_id"] == place, "_line"].min()
        bad(int(first), "place_id", "has changes but no initial row", place)
    problems.sort(key=lambda p: p.line or 0)
    return Control(frame.drop(columns="_line"), problems, rows_in)


def state_at(rows: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Per tracked place, the row in force on ``when`` (the latest dated on or before it).

    Places whose record begins after ``when`` are left out: nothing is said about them yet.
    """
    if rows.empty:
        return rows.iloc[0:0]
    upto = rows[rows["date"] <= pd.Timestamp(when)]
    return upto.sort_values(["place_id", "date"], kind="stable").groupby("place_id", sort=True).tail(1)


def changes(rows: pd.DataFrame) -> pd.DataFrame:
    """Every change of control (initial rows excluded) with the side it passed from."""
    if rows.empty:
        return rows.assign(previous=pd.Series(dtype=object))
    ordered = rows.sort_values(["place_id", "date"], kind="stable")
    ordered = ordered.assign(previous=ordered.groupby("place_id")["side"].shift(1))
    return ordered[ordered["how"] != "initial"]


def holders(
    rows: pd.DataFrame, places: pd.DataFrame, asof: pd.Timestamp, since: pd.Timestamp | None = None
) -> pd.DataFrame:
    """Each tracked place with its holder on ``asof``: since when, how, on whose word, by which event.

    ``changed`` marks places whose holder changed (a change, not an initial row) after ``since``
    and up to ``asof`` — the changes inside the selected range. ``previous`` is the side before.
    """
    columns = [
        "place_id",
        "name",
        "label",
        "latitude",
        "longitude",
        "side",
        "previous",
        "date",
        "date_precision",
        "how",
        "event_id",
        "verification",
        "claimed_by",
        "note",
        "changed",
    ]
    state = state_at(rows, asof)
    if state.empty:
        return pd.DataFrame(columns=columns)
    window = changes(rows)
    # a plain dict: a MultiIndex lookup per place cost more than the rest of the function
    before = dict(zip(zip(window["place_id"], window["date"]), window["previous"]))
    state = state.assign(
        previous=[
            before.get((p, d)) if h != "initial" else None
            for p, d, h in zip(state["place_id"], state["date"], state["how"])
        ]
    )
    state["changed"] = state["place_id"].isin(changed_between(window, since, asof))
    joined = state.join(places[["name", "label", "latitude", "longitude"]], on="place_id")
    return joined[columns].sort_values(["side", "name"], kind="stable").reset_index(drop=True)


def changed_between(window: pd.DataFrame, since: pd.Timestamp | None, asof: pd.Timestamp) -> set[str]:
    """Places whose holder changed after ``since`` (from the start when None) and up to ``asof``;
    ``window`` is ``changes(rows)``."""
    dates = window["date"]
    inside = dates <= pd.Timestamp(asof)
    if since is not None:
        inside &= dates >= pd.Timestamp(since)
    return set(window.loc[inside, "place_id"])


def counts_over_time(rows: pd.DataFrame, date_from: pd.Timestamp, date_to: pd.Timestamp) -> pd.DataFrame:
    """How many tracked places each side held, as a step series: one row per date the count changed
    inside [date_from, date_to], plus both ends (columns: date, armenian, azerbaijani, tracked — the
    places whose record has begun, so a jump from a newly tracked place is told from a capture)."""
    if rows.empty:
        return pd.DataFrame(columns=["date", *CONTROL_SIDES, "tracked"])
    ordered = rows.sort_values(["date", "place_id"], kind="stable")
    holder: dict[str, str] = {}
    points: dict[pd.Timestamp, dict[str, int]] = {}
    start, end = pd.Timestamp(date_from), pd.Timestamp(date_to)

    def snapshot() -> dict[str, int]:
        values = list(holder.values())
        return {**{side: values.count(side) for side in CONTROL_SIDES}, "tracked": len(values)}

    for date, group in ordered.groupby("date", sort=True):
        if date > end:
            break
        if date >= start and start not in points:
            points[start] = snapshot()
        holder.update(zip(group["place_id"], group["side"]))
        if date >= start:
            points[date] = snapshot()
    if start not in points:
        points[start] = snapshot()
    points[end] = snapshot()
    frame = pd.DataFrame([{"date": d, **c} for d, c in sorted(points.items())])
    return frame[["date", *CONTROL_SIDES, "tracked"]]


def changed_by(rows: pd.DataFrame, event_id: str) -> pd.DataFrame:
    """The control changes an event made (place, from which side to which, date, verification)."""
    return changes(rows).loc[lambda c: c["event_id"] == event_id]
