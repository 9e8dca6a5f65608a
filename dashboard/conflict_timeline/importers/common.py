"""What every importer shares: the run (read → map in DuckDB → write), the dates, the report.

An importer (``acled``, ``ucdp``) says which columns it reads and gives the SQL that maps one
staged row to the project's model; this module stages the files, decides each file's date order,
keeps one event per source id, and writes a dataset directory the rest of the app opens like the
curated one (``events.csv`` … plus ``sides.csv``, ``provenance.json`` and ``import-report.txt``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from conflict_timeline.data.paths import DATA_FILES, default_data_dir
from conflict_timeline.data.validate import Problem
from conflict_timeline.importers.reading import FileRead, ImportFileError, read_rows

MAPPING = Path(__file__).resolve().parent / "mapping"
REPORT = "import-report.txt"
PROVENANCE = "provenance.json"
LISTED = 200  # rejections and duplicates listed one by one in the printed report (all are in the file)
Progress = Callable[[str, int, int], None]

# Dates seen in real exports. Numeric day/month forms are added per file once their order is known.
DATE_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%y",  # two-digit years first: %Y would read '9-May-20' as the year 20
    "%d-%B-%Y",
    "%d-%b-%Y",
    "%B %d, %Y",
]
DAY_FIRST = ["%d/%m/%y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
MONTH_FIRST = [
    "%m/%d/%y",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m-%d-%Y",
]
NUMERIC_DATE = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})"


@dataclass
class Report:
    source: str
    files: list[FileRead] = field(default_factory=list)
    rejections: list[Problem] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    fallbacks: dict[str, int] = field(default_factory=dict)
    date_orders: dict[str, str] = field(default_factory=dict)
    imported: int = 0
    rows_in: int = 0
    out: Path | None = None

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def n_duplicates(self) -> int:
        return len(self.duplicates)

    def lines(self, limit: int | None = LISTED) -> list[str]:
        out = [
            f"Import of {self.source.upper()} data into {self.out}",
            f"rows in: {self.rows_in:,} = imported {self.imported:,} + rejected {self.rejected:,}"
            + (f" + replaced by a later copy {self.n_duplicates:,}" if self.duplicates else ""),
        ]
        for read in self.files:
            out.append(f"  {read.name}: {read.rows_in:,} rows, {read.encoding}, sha256 {read.sha256[:16]}…")
        for name, order in self.date_orders.items():
            out.append(f"  {name}: numeric dates read {order}")
        for read in self.files:
            out += [f"  {note}" for note in read.notes]
        if self.fallbacks:
            out.append("Values mapped to a fallback, or kept with a note:")
            out += [f"  {what}: {n:,}" for what, n in sorted(self.fallbacks.items())]
        if self.duplicates:
            out.append(f"Events found more than once ({self.n_duplicates:,}; the latest copy is kept):")
            shown = self.duplicates if limit is None else self.duplicates[:limit]
            out += [f"  {d}" for d in shown]
            if len(shown) < len(self.duplicates):
                out.append(f"  … and {len(self.duplicates) - len(shown):,} more (see {REPORT})")
        if self.rejections:
            out.append(f"Rows rejected ({self.rejected:,}):")
            shown = self.rejections if limit is None else self.rejections[:limit]
            out += [f"  {r}" for r in shown]
            if len(shown) < len(self.rejections):
                out.append(f"  … and {len(self.rejections) - len(shown):,} more (see {REPORT})")
        return out


@dataclass(frozen=True)
class Source:
    """What one source dataset needs from the shared run."""

    name: str  # "acled" | "ucdp"
    title: str
    aliases: dict[str, str]
    required: tuple[str, ...]
    keep: tuple[str, ...]
    date_columns: tuple[str, ...]
    licence: str
    citation: str
    map_sql: Callable[[duckdb.DuckDBPyConnection, dict[int, str]], None]
    sides: list[dict[str, str]]


def decide_date_order(con: duckdb.DuckDBPyConnection, column: str, file_no: int, name: str) -> str | None:
    """'day-first', 'month-first' or None (no numeric dates); refuses a file it cannot decide."""
    first, second, n = con.execute(
        f"""SELECT max(TRY_CAST(regexp_extract({column}, ?, 1) AS INTEGER)),
                   max(TRY_CAST(regexp_extract({column}, ?, 2) AS INTEGER)), count(*)
            FROM staged WHERE file_no = ? AND regexp_matches({column}, ?)""",
        [NUMERIC_DATE, NUMERIC_DATE, file_no, NUMERIC_DATE],
    ).fetchone()
    if not n:
        return None
    if first > 12 and second > 12:
        raise ImportFileError(
            f"{name}: {column} mixes day-first and month-first dates (both a day above 12 in first and in "
            "second place); re-export it with ISO dates (YYYY-MM-DD)"
        )
    if first > 12:
        return "day-first"
    if second > 12:
        return "month-first"
    raise ImportFileError(
        f"{name}: {column} has {n:,} dates such as 05/02/2014 whose order cannot be decided (no day above 12 "
        "settles whether the day or the month comes first); re-export it with ISO dates (YYYY-MM-DD)"
    )


def date_sql(column: str, orders: dict[int, str | None]) -> str:
    """An expression parsing ``column`` with each file's own date order."""

    def parse(formats: list[str]) -> str:
        quoted = ", ".join("'" + f + "'" for f in formats)
        return f"TRY_STRPTIME(trim({column}), [{quoted}])::DATE"

    cases = " ".join(
        f"WHEN {no} THEN {parse(DATE_FORMATS + (DAY_FIRST if order == 'day-first' else MONTH_FIRST))}"
        for no, order in orders.items()
        if order
    )
    plain = parse(DATE_FORMATS)
    return f"(CASE file_no {cases} ELSE {plain} END)" if cases else plain


@cache
def mapping(name: str) -> list[dict[str, str]]:
    with (MAPPING / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def register_mapping(con: duckdb.DuckDBPyConnection, name: str, table: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [str(MAPPING / name)],
    )


SLUG = "trim(regexp_replace(lower(strip_accents({x})), '[^a-z0-9]+', '-', 'g'), '-')"


def slug_sql(expr: str, width: int = 48) -> str:
    return f"coalesce(nullif(left({SLUG.format(x=expr)}, {width}), ''), 'x')"


def run_import(
    source: Source,
    files: list[Path],
    out: Path,
    today: dt.date | None = None,
    progress: Progress | None = None,
    memory: str = "1GB",
) -> Report:
    """Import ``files`` of ``source`` into the dataset directory ``out``; returns the report."""
    say = progress or (lambda what, done, total: None)
    today = today or dt.date.today()
    report = Report(source.name, out=out)
    for path in files:
        if not path.is_file():
            raise ImportFileError(f"{path}: no such file")
    out.mkdir(parents=True, exist_ok=True)
    clash = [name for name in DATA_FILES if (out / name).exists()] if not (out / PROVENANCE).exists() else []
    if clash:
        raise ImportFileError(f"{out} already holds a dataset that was not imported ({', '.join(clash)}); choose --out")
    work = Path(tempfile.mkdtemp(prefix="ct-import-", dir=out))
    try:
        stage = work / "stage"
        stage.mkdir()
        for no, path in enumerate(files):
            say(f"Reading {path.name}", 0, 1)
            read = read_rows(
                path,
                no,
                stage,
                source.aliases,
                source.required,
                source.keep,
                lambda n, p=path: say(f"Reading {p.name}", n, 0),
            )
            report.files.append(read)
            report.rows_in += read.rows_in
            report.rejections += read.rejections
        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{memory}'")
        con.execute("SET threads = 2")
        con.execute(f"SET temp_directory = '{(work / 'tmp').as_posix()}'")
        con.execute("SET preserve_insertion_order = false")
        parts = list(stage.glob("part-*.parquet"))
        if parts:
            con.execute(f"CREATE VIEW staged AS SELECT * FROM read_parquet('{stage.as_posix()}/part-*.parquet')")
        else:  # every row was rejected while reading: an empty stage with the right columns
            cols = ", ".join(f"NULL::VARCHAR AS {c}" for c in source.keep)
            con.execute(f"CREATE VIEW staged AS SELECT {cols}, 0::INTEGER AS file_no, 0::BIGINT AS line WHERE false")
        orders: dict[int, str | None] = {}
        for no, read in enumerate(report.files):
            for column in source.date_columns:
                order = decide_date_order(con, column, no, read.name)
                if order:
                    orders[no] = order
                    report.date_orders[f"{read.name} ({column})"] = order
        say("Mapping rows", 0, 1)
        source.map_sql(con, orders)  # creates: mapped, actor_rows, source_rows (see acled.py)
        names = {no: read.name for no, read in enumerate(report.files)}
        _collect_rejections(con, report, names, today)
        _keep_latest(con, report, names)
        say("Writing the dataset", 0, 1)
        _write(con, source, out, today)
        report.imported = con.execute("SELECT count(*) FROM kept").fetchone()[0]
        report.fallbacks = dict(con.execute("SELECT what, count(*) FROM fallbacks GROUP BY what").fetchall())
        con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _write_provenance(source, report, out, today)
    (out / REPORT).write_text("\n".join(report.lines(limit=None)) + "\n", encoding="utf-8")
    report.rejections.sort(key=lambda r: (r.file, r.line or 0))
    say("Done", 1, 1)
    return report


def _collect_rejections(con: duckdb.DuckDBPyConnection, report: Report, names: dict[int, str], today: dt.date) -> None:
    con.execute(
        "UPDATE mapped SET reject_field = 'date', reject_reason = 'is in the future (today is ' || ? || ')' "
        "WHERE reject_reason IS NULL AND ds > ?::DATE",
        [today.isoformat(), today.isoformat()],
    )
    con.execute(
        "UPDATE mapped SET reject_field = 'date', reject_reason = 'is before 1800: not a date of this dataset', "
        "reject_value = strftime(ds, '%Y-%m-%d') WHERE reject_reason IS NULL AND year(ds) < 1800"
    )
    rows = con.execute(
        "SELECT file_no, line, reject_field, reject_reason, reject_value FROM mapped "
        "WHERE reject_reason IS NOT NULL ORDER BY file_no, line"
    ).fetchall()
    report.rejections += [Problem(names[f], line, fld, reason, value or "") for f, line, fld, reason, value in rows]


def _keep_latest(con: duckdb.DuckDBPyConnection, report: Report, names: dict[int, str]) -> None:
    """One event per source id: the latest timestamp, then the later file, then the later line."""
    con.execute(
        """CREATE TEMP TABLE ranked AS SELECT file_no, line, source_id, row_number() OVER (
               PARTITION BY source_id ORDER BY coalesce(stamp, 0) DESC, file_no DESC, line DESC) AS rank,
               first_value(file_no) OVER w AS keep_file, first_value(line) OVER w AS keep_line
           FROM mapped WHERE reject_reason IS NULL
           WINDOW w AS (PARTITION BY source_id ORDER BY coalesce(stamp, 0) DESC, file_no DESC, line DESC)"""
    )
    dups = con.execute(
        "SELECT source_id, file_no, line, keep_file, keep_line FROM ranked WHERE rank > 1 ORDER BY file_no, line"
    ).fetchall()
    report.duplicates = [f"{sid}: {names[f]}:{line} replaced by {names[kf]}:{kl}" for sid, f, line, kf, kl in dups]
    con.execute(
        "CREATE TEMP TABLE kept AS SELECT m.* FROM mapped m JOIN ranked r USING (file_no, line) WHERE r.rank = 1"
    )


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    con.execute(f"COPY ({sql}) TO '{path.as_posix()}' (FORMAT csv, HEADER true, QUOTE '\"', ESCAPE '\"')")


def _write(con: duckdb.DuckDBPyConnection, source: Source, out: Path, today: dt.date) -> None:
    extra = [d[0] for d in con.execute("SELECT * FROM kept LIMIT 0").description if d[0].startswith("src_")]
    extra_sql = "".join(f", {c} AS {c[4:]}" for c in extra)
    # actors: an id per distinct name (slug, with a hash where two names share a slug)
    con.execute(
        f"""CREATE TEMP TABLE actor_ids AS
            WITH names AS (SELECT name, {slug_sql("name", 56)} AS slug FROM (SELECT DISTINCT name FROM actor_rows
                           WHERE (file_no, line) IN (SELECT file_no, line FROM kept)))
            SELECT name, CASE WHEN count(*) OVER (PARTITION BY slug) > 1
                              THEN slug || '-' || left(md5(name), 6) ELSE slug END AS actor_id
            FROM names"""
    )
    con.execute(
        """CREATE TEMP TABLE event_actors AS
           SELECT k.event_id, a.actor_id, r.role, r.pos, r.side FROM actor_rows r
           JOIN kept k USING (file_no, line) JOIN actor_ids a ON a.name = r.name
           QUALIFY row_number() OVER (PARTITION BY k.event_id, a.actor_id ORDER BY r.pos) = 1"""
    )
    _copy(
        con,
        f"""SELECT k.event_id, strftime(k.ds, '%Y-%m-%d') AS date_start,
                   coalesce(strftime(k.de, '%Y-%m-%d'), '') AS date_end, k.date_precision, k.title, k.summary,
                   k.event_type, ea.actors, k.place_id, k.geo_precision,
                   coalesce(k.fatalities::VARCHAR, '') AS fatalities,
                   coalesce(k.fatalities_low::VARCHAR, '') AS fatalities_low,
                   coalesce(k.fatalities_high::VARCHAR, '') AS fatalities_high,
                   '' AS claimed_by, 'reported' AS verification, k.source_id{extra_sql}
            FROM kept k JOIN (SELECT event_id, string_agg(actor_id || ':' || role, '; ' ORDER BY pos) AS actors
                              FROM event_actors GROUP BY event_id) ea USING (event_id)
            ORDER BY k.ds, k.event_id""",
        out / "events.csv",
    )
    _copy(
        con,
        """SELECT k.event_id, coalesce(s.url, '') AS url, s.publisher,
                  coalesce(strftime(s.published, '%Y-%m-%d'), '') AS published, coalesce(s.title, '') AS title
           FROM source_rows s JOIN kept k USING (file_no, line)
           QUALIFY row_number() OVER (PARTITION BY k.event_id, coalesce(s.url, ''), s.publisher ORDER BY s.pos) = 1
           ORDER BY k.ds, k.event_id, s.pos""",
        out / "sources.csv",
    )
    # an actor's side: the side it takes in most of its events (ties: the first side listed)
    side_order = ", ".join(f"('{s['side']}', {i})" for i, s in enumerate(source.sides))
    kinds = ", ".join(f"('{s['side']}', '{s['kind']}')" for s in source.sides)
    _copy(
        con,
        f"""WITH counts AS (SELECT actor_id, side, count(*) AS n FROM event_actors GROUP BY actor_id, side),
                 orders(side, o) AS (VALUES {side_order}), kinds(side, kind) AS (VALUES {kinds}),
                 best AS (SELECT c.actor_id, c.side FROM counts c JOIN orders USING (side)
                          QUALIFY row_number() OVER (PARTITION BY actor_id ORDER BY n DESC, o) = 1)
            SELECT a.actor_id, a.name, left(a.name, 60) AS short_name, kinds.kind, '' AS country, b.side,
                   '' AS parent_id, '' AS color
            FROM actor_ids a JOIN best b USING (actor_id) JOIN kinds USING (side) ORDER BY a.actor_id""",
        out / "actors.csv",
    )
    _copy(
        con,
        """SELECT place_id, any_value(location) AS name, '' AS name_armenian, '' AS name_azerbaijani, '' AS alt_names,
                  any_value(lat_text) AS latitude, any_value(lon_text) AS longitude,
                  any_value(coord_source) AS coord_source, any_value(admin1) AS district, any_value(country2) AS country
           FROM kept GROUP BY place_id ORDER BY place_id""",
        out / "places.csv",
    )
    _copy(
        con,
        """SELECT 'year-' || y AS era_id, y::VARCHAR AS name, y || '-01-01' AS date_start, y || '-12-31' AS date_end,
                  'true' AS preset, 'false' AS band, '' AS min_events, 'false' AS daily_coverage,
                  'Events of ' || y AS description
           FROM (SELECT DISTINCT year(ds)::VARCHAR AS y FROM kept) ORDER BY y""",
        out / "eras.csv",
    )
    _write_event_types(out)
    with (out / "sides.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["side", "label", "lane"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(source.sides)


def _write_event_types(out: Path) -> None:
    """The project's event types (the curated vocabulary) plus those only the source datasets use."""
    rows = []
    for path in (default_data_dir() / "event_types.csv", MAPPING / "extra_event_types.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    with (out / "event_types.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["event_type", "label", "category", "acled_event_type", "description"])
        writer.writeheader()
        writer.writerows({k: row[k] for k in writer.fieldnames} for row in rows)


def _write_provenance(source: Source, report: Report, out: Path, today: dt.date) -> None:
    record = {
        "imported": True,
        "source_dataset": source.name,
        "title": source.title,
        "licence": source.licence,
        "citation": source.citation,
        "files": [
            {"name": r.name, "sha256": r.sha256, "encoding": r.encoding, "rows": r.rows_in} for r in report.files
        ],
        "date_orders": report.date_orders,
        "events": report.imported,
        "imported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    (out / PROVENANCE).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
