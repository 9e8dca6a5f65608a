"""Compile a data directory into a columnar store: validated, typed Parquet, one file per table.

The CSV files stay the human-edited source of truth. Compiling validates them in bounded chunks
(cross-table rules run in the query engine over the whole file), then writes Parquet under the
cache directory, keyed by the dataset version and this code's version, never inside the data
directory (it may be read-only). Every process reuses a compiled store; with
``CONFLICT_TIMELINE_CACHE=off`` each process compiles into its own temporary directory.
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from conflict_timeline.data import control as control_table
from conflict_timeline.data.engine import THREADS, new_connection
from conflict_timeline.data.paths import dataset_version
from conflict_timeline.data.profile import read_profile
from conflict_timeline.data.schema import COLUMNS
from conflict_timeline.data.text import fold, fold_series
from conflict_timeline.data.validate import (
    KEYS,
    Problem,
    check_events_chunk,
    check_reference_tables,
    check_sources_chunk,
    explode_pairs,
    iter_table,
    read_table,
)

CACHE_ENV = "CONFLICT_TIMELINE_CACHE"
FORMAT = 1
Progress = Callable[[str, int, int], None]  # (what, done, total)

# the event columns kept as text in the chunk parts ("actors" becomes the long event_actors table)
EVENT_TEXT = tuple(c for c in COLUMNS["events.csv"] if c != "actors")
# The events table is sorted and written this many events at a time, in date order, then joined
# into one file: one sort of ten million wide rows ran out of DuckDB's 1 GB; a batch fits.
EVENT_BATCH = 250_000
ROW_GROUP = 100_000


def cache_root() -> Path | None:
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "conflict-timeline"


@cache
def code_version() -> str:
    """Changes whenever the data layer's code does, so a store from older code is never reused."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def _process_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="conflict-timeline-store-"))
    atexit.register(shutil.rmtree, path, True)
    return path


def store_path(data_path: Path, version: str, today: dt.date | None = None) -> Path:
    root = cache_root()
    if root is None:
        root = _process_dir()
    key = f"{data_path}|{version}|{code_version()}|{today.isoformat() if today else ''}"
    return root / f"store-{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def read_meta(store: Path) -> dict | None:
    try:
        meta = json.loads((store / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    return meta if meta.get("format") == FORMAT else None


def _fresh(meta: dict | None, today: dt.date) -> bool:
    """A store is reused unless it set aside future-dated rows on an earlier day (they may be due now)."""
    return meta is not None and not (meta.get("future_rejections") and meta.get("compiled_on") != today.isoformat())


def open_store(data_path: Path, today: dt.date | None = None, progress: Progress | None = None) -> tuple[Path, dict]:
    """The compiled store of ``data_path``, compiling it first if needed (one compiler at a time)."""
    version = dataset_version(data_path)
    target = store_path(data_path, version, today)
    day = today or dt.date.today()
    meta = read_meta(target)
    if _fresh(meta, day):
        return target, meta
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (target.parent / (target.name + ".lock")).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process compiling the same store: wait, then reuse it
        meta = read_meta(target)
        if _fresh(meta, day):
            return target, meta
        work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
        try:
            meta = compile_store(data_path, work, version, day, progress)
            if target.exists():
                shutil.rmtree(target)
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target, meta


def _count_lines(path: Path) -> int:
    total = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            total += block.count(b"\n")
    return max(total - 1, 0)


def _problem_frame(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": [p.file for p in problems],
            "line": pd.array([p.line for p in problems], dtype="Int64"),
            "field": [p.field or "" for p in problems],
            "reason": [p.reason for p in problems],
            "value": [p.value[:300] for p in problems],
        }
    )


def compile_store(data_path: Path, out: Path, version: str, today: dt.date, progress: Progress | None) -> dict:
    """Validate ``data_path`` chunk by chunk and write the store into ``out``; returns its metadata."""
    report = progress or (lambda what, done, total: None)
    parts = out / "parts"
    parts.mkdir(parents=True)
    con = new_connection()
    con.execute(f"SET temp_directory = '{(out / 'tmp').as_posix()}'")
    con.execute("SET preserve_insertion_order = false")  # every COPY that needs an order says ORDER BY

    def write(frame: pd.DataFrame, name: str) -> None:
        # explicit types: an empty chunk would otherwise give columns of type NULL
        columns = ", ".join(
            f'"{c}"::BIGINT AS "{c}"' if c in ("line", "pos") else f'"{c}"::VARCHAR AS "{c}"' for c in frame.columns
        )
        con.register("_frame", frame)
        con.execute(f"COPY (SELECT {columns} FROM _frame) TO '{(parts / name).as_posix()}' (FORMAT parquet)")
        con.unregister("_frame")

    problems: list[Problem] = []
    counts: dict[str, dict[str, int]] = {}

    # 1. the reference tables: small, checked whole
    profile = read_profile(data_path)
    problems += [Problem(text.split(":", 1)[0], None, None, text.split(": ", 1)[-1]) for text in profile.problems]
    tables = {name: read_table(data_path / name) for name in KEYS}
    checked = check_reference_tables(tables, profile)
    problems += checked.problems
    accepted = {}
    for name, table in tables.items():
        frame = table.frame.drop(index=sorted(checked.rejected[name])).reset_index(drop=True)
        accepted[name] = frame
        rows_in = len(table.frame) + sum(1 for p in table.problems if p.line and p.line > 1)
        counts[name] = {"rows_in": rows_in, "accepted": len(frame), "rejected": rows_in - len(frame)}
    actors, places = accepted["actors.csv"], accepted["places.csv"]
    types = tuple(accepted["event_types.csv"]["event_type"])
    good_actors, good_places = set(actors["actor_id"]), set(places["place_id"])
    actors_frame = actors.assign(folded=[fold(f"{s} {n}") for s, n in zip(actors["short_name"], actors["name"])])
    actor_info = actors_frame.set_index("actor_id")[["side", "short_name", "folded"]]

    # 2. events, chunk by chunk: rules on each row, then the text kept as Parquet parts
    total = _count_lines(data_path / "events.csv")
    done = rows_in = 0
    report("Validating events", 0, total)
    for i, chunk in enumerate(iter_table(data_path / "events.csv")):
        result = check_events_chunk(chunk, types, good_actors, good_places, today, profile)
        problems += result.problems
        rejected = result.rejected["events.csv"]
        rows_in += len(chunk.frame) + sum(1 for p in chunk.problems if p.line and p.line > 1)
        frame = chunk.frame[list(EVENT_TEXT)].assign(line=chunk.lines, actors=chunk.frame["actors"])
        write(frame.iloc[sorted(rejected)][["event_id", "line"]], f"rejected-{i}.parquet")
        frame = frame.drop(index=sorted(rejected))
        frame["own_text"] = fold_series(frame["title"] + " " + frame["summary"]) if len(frame) else ""
        pairs = explode_pairs(frame["actors"])
        pair_frame = pd.DataFrame(
            {
                "event_id": frame["event_id"].to_numpy()[pairs["row"].to_numpy()],
                "actor_id": pairs["actor_id"],
                "role": pairs["role"],
                "line": frame["line"].to_numpy()[pairs["row"].to_numpy()],
                "pos": pairs["pos"],
            }
        )
        frame = _with_actor_columns(con, frame, pairs, actor_info)
        write(frame.drop(columns="actors"), f"events-{i}.parquet")
        write(pair_frame, f"pairs-{i}.parquet")
        done += len(chunk.frame)
        report("Validating events", done, total)

    # 3. sources, chunk by chunk
    src_total = _count_lines(data_path / "sources.csv")
    src_in = 0
    for i, chunk in enumerate(iter_table(data_path / "sources.csv")):
        result = check_sources_chunk(chunk, profile)
        problems += result.problems
        src_in += len(chunk.frame) + sum(1 for p in chunk.problems if p.line and p.line > 1)
        frame = chunk.frame[["event_id", "url", "publisher", "published"]].assign(line=chunk.lines)
        write(frame.drop(index=sorted(result.rejected["sources.csv"])), f"sources-{i}.parquet")
        report("Validating sources", src_in, src_total)

    # 4. rules across whole files, in the engine: duplicate ids, sources and their events
    report("Checking links between tables", 0, 1)
    con.execute(f"CREATE VIEW ev_raw AS SELECT * FROM read_parquet('{parts.as_posix()}/events-*.parquet')")
    con.execute(f"CREATE VIEW ev_rej AS SELECT * FROM read_parquet('{parts.as_posix()}/rejected-*.parquet')")
    con.execute(f"CREATE VIEW pairs_raw AS SELECT * FROM read_parquet('{parts.as_posix()}/pairs-*.parquet')")
    con.execute(f"CREATE VIEW src_raw AS SELECT * FROM read_parquet('{parts.as_posix()}/sources-*.parquet')")
    cross: list[Problem] = []
    dups = con.execute(
        """SELECT line, event_id, first FROM (
               SELECT line, event_id, min(line) OVER (PARTITION BY event_id) AS first FROM ev_raw)
           WHERE line > first"""
    ).fetchall()
    cross += [
        Problem(
            "events.csv", line, "event_id", f"is duplicated; the first row with this id (line {first}) is kept", eid
        )
        for line, eid, first in dups
    ]
    # a source repeated for the same event (event_id, url): the first row is kept, the repeat reported
    src_key = "event_id, url, publisher" if profile.imported else "event_id, url"
    repeats = con.execute(
        f"""SELECT line, url, first FROM (
               SELECT line, url, min(line) OVER (PARTITION BY {src_key}) AS first FROM src_raw)
           WHERE line > first"""
    ).fetchall()
    cross += [
        Problem("sources.csv", line, "url", f"repeats the source on line {first} for the same event", url or "(none)")
        for line, url, first in repeats
    ]
    con.execute(
        "CREATE TEMP TABLE src_ok AS SELECT * FROM src_raw WHERE line NOT IN "
        f"(SELECT line FROM (SELECT line, min(line) OVER (PARTITION BY {src_key}) f FROM src_raw) WHERE line > f)"
    )
    con.execute(
        "CREATE TEMP TABLE ev_ok AS SELECT event_id, line FROM ev_raw "
        "WHERE line NOT IN (SELECT line FROM (SELECT line, min(line) OVER (PARTITION BY event_id) f FROM ev_raw) "
        "WHERE line > f)"
    )
    orphan = con.execute(
        """SELECT s.line, s.event_id, r.line FROM src_ok s
           LEFT JOIN ev_ok o ON o.event_id = s.event_id
           LEFT JOIN (SELECT event_id, min(line) AS line FROM ev_rej GROUP BY event_id) r ON r.event_id = s.event_id
           WHERE o.event_id IS NULL AND s.event_id <> ''"""
    ).fetchall()
    for line, eid, rejected_line in orphan:
        if rejected_line is None:
            cross.append(Problem("sources.csv", line, "event_id", "names an event that does not exist", eid))
        else:
            cross.append(
                Problem(
                    "sources.csv",
                    line,
                    "event_id",
                    f"belongs to an event that was set aside (events.csv:{rejected_line})",
                    eid,
                )
            )
    unsourced = con.execute(
        "SELECT line, event_id FROM ev_ok WHERE event_id NOT IN (SELECT event_id FROM src_ok) ORDER BY line"
    ).fetchall()
    cross += [Problem("events.csv", line, "sources", "has no valid source in sources.csv") for line, _ in unsourced]
    con.execute("DELETE FROM ev_ok WHERE event_id NOT IN (SELECT event_id FROM src_ok)")
    # an integer key in date order: joins between events, their actors and sources compare integers
    con.execute(
        """CREATE TEMP TABLE ev_id AS SELECT o.line, o.event_id,
               (row_number() OVER (ORDER BY e.date_start, o.event_id) - 1)::BIGINT AS eid
           FROM ev_ok o JOIN ev_raw e ON e.line = o.line"""
    )
    problems += cross

    # 5. the typed, joined tables
    report("Writing the columnar store", 0, 1)
    places_frame = _typed_places(places)
    con.register("actors_in", actors_frame)
    con.register("places_in", places_frame)
    con.register("types_in", accepted["event_types.csv"])
    con.execute("CREATE TEMP TABLE actors_t AS SELECT * FROM actors_in")
    con.execute("CREATE TEMP TABLE places_t AS SELECT * FROM places_in")
    con.execute("CREATE TEMP TABLE types_t AS SELECT * FROM types_in")

    def copy(sql: str, target: str | Path) -> None:
        path = (out / target).as_posix()  # a file name in the store, or a full path
        con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP})")

    def copy_wide(sql: str, target: Path) -> None:
        try:
            copy(sql, target)
        except duckdb.OutOfMemoryException:
            # two threads' sort runs and Parquet row groups of long texts (an ACLED import, ~1.2 KB an
            # event) ran out of the 1 GB limit at 1,000,000 events; on one thread the same copy fits
            con.execute("SET threads = 1")
            copy(sql, target)
            con.execute(f"SET threads = {THREADS}")

    copy(
        # first_role: an actor named twice in one event (two roles) counts once, without count(DISTINCT),
        # which took two thirds of the Actors page at 10,000,000 events
        """SELECT i.eid, p.event_id, p.actor_id, p.role, p.pos::INTEGER AS pos,
                  row_number() OVER (PARTITION BY i.eid, p.actor_id ORDER BY p.pos) = 1 AS first_role
           FROM pairs_raw p JOIN ev_id i ON i.line = p.line ORDER BY i.eid, p.pos""",
        "event_actors.parquet",
    )
    copy(
        """SELECT i.eid, s.event_id, s.url, s.publisher,
                  TRY_STRPTIME(NULLIF(s.published, ''), '%Y-%m-%d')::DATE AS published,
                  row_number() OVER (PARTITION BY s.event_id ORDER BY s.line)::INTEGER AS pos
           FROM src_ok s JOIN ev_id i ON i.event_id = s.event_id ORDER BY i.eid, pos""",
        "sources.parquet",
    )
    sources_file = (out / "sources.parquet").as_posix()
    n_ids = con.execute("SELECT count(*) FROM ev_id").fetchall()[0][0]
    batches = [(lo, lo + EVENT_BATCH) for lo in range(0, max(n_ids, 1), EVENT_BATCH)]
    written: list[Path] = []
    (out / "batches").mkdir()  # apart from the parts: the parts' views read events-*.parquet there
    for k, (lo, hi) in enumerate(batches):
        report("Writing the columnar store", lo, n_ids)  # events written so far
        # one batch of eids (date order): the sources file is in eid order, so its range is read alone
        target = out / "events.parquet" if len(batches) == 1 else out / "batches" / f"events-{k:05d}.parquet"
        copy_wide(
            f"""WITH ids AS (SELECT line, eid FROM ev_id WHERE eid >= {lo} AND eid < {hi}),
                ev AS (
                  SELECT e.*, ids.eid, strptime(e.date_start, '%Y-%m-%d')::DATE AS ds,
                         TRY_STRPTIME(NULLIF(e.date_end, ''), '%Y-%m-%d')::DATE AS de
                  FROM ev_raw e JOIN ids ON ids.line = e.line),
                src AS (SELECT eid, url, pos FROM read_parquet('{sources_file}') WHERE eid >= {lo} AND eid < {hi}),
                src_n AS (SELECT eid, count(*) AS n_sources FROM src GROUP BY eid),
                src_1 AS (SELECT eid, url AS first_url FROM src WHERE pos = 1)
               SELECT ev.eid, ev.event_id, ev.ds AS date_start, ev.de AS date_end, ev.date_precision, ev.title,
                      ev.summary, ev.event_type, t.label AS type_label, t.acled_event_type, t.category,
                      ev.place_id, pl.name AS place_name, pl.label AS place_label, pl.latitude, pl.longitude,
                      pl.country AS place_country, ev.geo_precision,
                      NULLIF(ev.fatalities, '')::BIGINT AS fatalities,
                      NULLIF(ev.fatalities_low, '')::BIGINT AS fatalities_low,
                      NULLIF(ev.fatalities_high, '')::BIGINT AS fatalities_high,
                      ev.claimed_by, ev.verification,
                      {_span_sql(profile.imported)},
                      ev.side, ev.actor_names, ev.actor_ids, ev.actor_roles,
                      src_n.n_sources, src_1.first_url,
                      ev.own_text || ' ' || coalesce(pl.folded_names, '') || ' ' || coalesce(ev.actor_text, '')
                          AS search_text,
                      ev.line
               FROM ev JOIN places_t pl ON pl.place_id = ev.place_id
                       JOIN types_t t ON t.event_type = ev.event_type
                       LEFT JOIN src_n ON src_n.eid = ev.eid
                       LEFT JOIN src_1 ON src_1.eid = ev.eid
               ORDER BY ev.eid""",
            target,
        )
        written.append(target)
    if len(batches) > 1:
        _join_parquet(written, out / "events.parquet")
    copy("SELECT * EXCLUDE (folded) FROM actors_t", "actors.parquet")
    copy("SELECT * FROM places_t", "places.parquet")
    copy("SELECT * FROM types_t", "event_types.parquet")
    con.register("eras_in", accepted["eras.csv"])
    copy("SELECT * FROM eras_in", "eras.parquet")

    # 6. control of territory (optional, small)
    events_file = (out / "events.parquet").as_posix()

    def spans_of(ids: set[str]) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
        rows = con.execute(
            f"SELECT event_id, span_start, span_end FROM read_parquet('{events_file}') "
            "WHERE list_contains(?, event_id)",
            [sorted(ids)],
        ).fetchall()
        return {e: (pd.Timestamp(s), pd.Timestamp(t)) for e, s, t in rows}

    control = control_table.read_control(data_path, good_places, spans_of, good_actors)
    problems += control.problems
    con.register("control_in", control.rows)
    copy("SELECT * FROM control_in", "control.parquet")
    if control.present:
        counts[control_table.FILE] = {
            "rows_in": control.rows_in,
            "accepted": len(control.rows),
            "rejected": control.rows_in - len(control.rows),
        }

    accepted_events = con.execute("SELECT count(*) FROM ev_ok").fetchall()[0][0]
    counts["events.csv"] = {"rows_in": rows_in, "accepted": accepted_events, "rejected": rows_in - accepted_events}
    accepted_sources = con.execute(f"SELECT count(*) FROM read_parquet('{(out / 'sources.parquet').as_posix()}')")
    n_sources = accepted_sources.fetchall()[0][0]
    counts["sources.csv"] = {"rows_in": src_in, "accepted": n_sources, "rejected": src_in - n_sources}
    problems.sort(key=lambda p: (p.file, p.line or 0))
    con.register("problems_in", _problem_frame(problems))
    copy("SELECT * FROM problems_in", "problems.parquet")
    bounds = con.execute(
        f"SELECT min(span_start), max(span_end) FROM read_parquet('{(out / 'events.parquet').as_posix()}')"
    ).fetchall()[0]
    con.close()
    shutil.rmtree(parts, ignore_errors=True)
    shutil.rmtree(out / "batches", ignore_errors=True)
    shutil.rmtree(out / "tmp", ignore_errors=True)
    meta = {
        "format": FORMAT,
        "version": version,
        "data_path": str(data_path),
        "compiled_on": today.isoformat(),
        "future_rejections": sum(1 for p in problems if "in the future" in p.reason),
        "counts": {name: counts[name] for name in sorted(counts)},
        "events": accepted_events,
        "problems": len(problems),
        "date_min": bounds[0].isoformat() if bounds[0] else None,
        "date_max": bounds[1].isoformat() if bounds[1] else None,
        "control": control.present,
        "imported": profile.imported,
        "source_dataset": profile.source,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    report("Ready", 1, 1)
    return meta


def _join_parquet(parts: list[Path], target: Path) -> None:
    """The row groups of ``parts``, in order, as one Parquet file: one row group in memory at a time."""
    writer = None
    try:
        for part in parts:
            reader = pq.ParquetFile(part)
            for i in range(reader.num_row_groups):
                group = reader.read_row_group(i)
                if writer is None:
                    writer = pq.ParquetWriter(target, group.schema, compression="snappy")
                writer.write_table(group, row_group_size=ROW_GROUP)
            part.unlink()  # the disk holds the parts and the joined file only one part at a time
    finally:
        if writer is not None:
            writer.close()


def _span_sql(imported: bool) -> str:
    """The days an event may have happened on. Curated coarse dates start on the 1st (validated);
    an import keeps the source's own date, which ACLED codes mid-week or mid-month, so without a
    date_end the span is the whole week around it, or its calendar month or year."""
    if not imported:
        return """ev.ds AS span_start,
                  greatest(coalesce(ev.de, ev.ds), CASE ev.date_precision WHEN 'day' THEN ev.ds
                       WHEN 'month' THEN last_day(ev.ds) ELSE make_date(year(ev.ds), 12, 31) END) AS span_end"""
    return """CASE WHEN ev.de IS NOT NULL THEN ev.ds ELSE CASE ev.date_precision WHEN 'week' THEN ev.ds - 3
                       WHEN 'month' THEN date_trunc('month', ev.ds)::DATE WHEN 'year' THEN make_date(year(ev.ds), 1, 1)
                       ELSE ev.ds END END AS span_start,
                  coalesce(ev.de, CASE ev.date_precision WHEN 'week' THEN ev.ds + 3
                       WHEN 'month' THEN last_day(ev.ds) WHEN 'year' THEN make_date(year(ev.ds), 12, 31)
                       ELSE ev.ds END) AS span_end"""


def _typed_places(frame: pd.DataFrame) -> pd.DataFrame:
    places = frame.copy()
    places["latitude"] = places["latitude"].astype(float)
    places["longitude"] = places["longitude"].astype(float)
    names = [
        _names(row)
        for row in places[["name", "name_armenian", "name_azerbaijani", "alt_names"]].itertuples(index=False)
    ]
    places["all_names"] = ["|".join(n) for n in names]
    places["folded_names"] = [fold(" ".join(n)) for n in names]
    places["label"] = [
        place_label(n, hy, az) for n, hy, az in zip(places["name"], places["name_armenian"], places["name_azerbaijani"])
    ]
    return places


def _names(row) -> list[str]:
    out: list[str] = []
    for name in (row.name, row.name_armenian, row.name_azerbaijani, *row.alt_names.split("|")):
        name = name.strip()
        if name and name not in out:
            out.append(name)
    return out


def place_label(name: str, armenian: str, azerbaijani: str) -> str:
    """'Stepanakert (Xankəndi)': the primary name with the other side's name where it differs."""
    others = [n for n in (armenian, azerbaijani) if n and n != name]
    return f"{name} ({' / '.join(others)})" if others else str(name)


def _with_actor_columns(con, frame: pd.DataFrame, pairs: pd.DataFrame, info: pd.DataFrame) -> pd.DataFrame:
    """Per event (row position): the lane side (the initiator's, else the first actor's), actor ids,
    roles and short names in order, and the actors' folded names for search — aggregated in the
    engine one chunk at a time, so no aggregate over millions of events is held at once."""
    con.register("_pairs", pairs.join(info, on="actor_id"))
    who = con.execute(
        """SELECT "row",
                  arg_min(side, (CASE WHEN role = 'initiator' THEN 0 ELSE 1 END, pos)) AS side,
                  string_agg(short_name, ', ' ORDER BY pos) AS actor_names,
                  string_agg(actor_id, ';' ORDER BY pos) AS actor_ids,
                  string_agg(role, ';' ORDER BY pos) AS actor_roles,
                  string_agg(folded, ' ' ORDER BY pos) AS actor_text
           FROM _pairs GROUP BY "row"
        """
    ).df()
    con.unregister("_pairs")
    who = who.set_index("row").reindex(range(len(frame)))
    texts = ("actor_names", "actor_ids", "actor_roles", "actor_text")
    return frame.assign(
        side=who["side"].fillna("international").to_numpy(dtype=object),
        **{c: who[c].fillna("").to_numpy(dtype=object) for c in texts},
    )
