"""Compare: match the events of two datasets in the project's format (say the curated record and a
UCDP import of the same conflict) — which events both record, and which only one does.

Two events match when

- **dates**: their spans (the days a day-, week-, month- or year-precision date covers, see the
  store's ``span_start``/``span_end``) lie at most ``days`` days apart (0 when they overlap);
- **places**, the first rule that applies:

  1. *area* — either event is placed only to a country (``geo_precision`` ``country``): both
     places are in the same country; the country's centre point means nothing;
  2. *same_place* — the two places share a name (any of name, Armenian- and Azerbaijani-derived
     names, alt_names, compared folded: 'Xankəndi' = 'xankendi'), are in the same country (when
     both say) and lie at most ``SAME_NAME_KM`` apart (so that two villages sharing a name are not
     taken for one; different gazetteers' coordinates of one town differ by far less);
  3. *distance* — both are placed to a point (``exact``, ``near`` or ``district``) at most ``km``
     apart (great-circle distance);
  4. *area* — either is placed to a ``region``: same country and the same district (folded, without
     words like 'district' or 'rayon') or within max(``km``, ``REGION_KM``) of the region's centre;
  5. *area* — either is placed to a ``district``: same country and the same district.

The **score** (0..1, higher is a surer match) is ``date_part × place_part``:

- ``date_part = w × (1 − d / (2·(days + 1)))`` where ``d`` is the days between the spans (0 when
  they overlap: a month-precision event and a day inside that month) and ``w`` the weight of the
  coarser precision of the two (``PRECISION_WEIGHT``: day 1, week 0.9, month 0.7, year 0.4) — a
  day-precision pair on the same day gives 1, and inside the tolerance it never falls under w/2;
- ``place_part`` = 1 for same_place; ``1 − km / (2·K)`` for distance (1 at 0 km, 0.5 at the limit
  K; 1 when K is 0); 0.5 for a district or region area; 0.3 for a country area.

Each event of A may match several events of B (and the reverse): every pair is kept with its
score, and ``best`` marks each A event's best match (highest score, then fewest days, then
nearest). Everything runs as SQL in one DuckDB connection over both stores' Parquet files: a join
on the padded date window (an inequality join, no per-day expansion), a coarse latitude/longitude
band before any trigonometry, then the haversine distance — so B may hold a million events.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from conflict_timeline.data import engine
from conflict_timeline.data.export import _FORMULA_START  # the one list of formula-starting characters
from conflict_timeline.data.load import Dataset
from conflict_timeline.data.text import fold

DEFAULT_DAYS = 1
DEFAULT_KM = 20.0
MAX_DAYS = 3660
MAX_KM = 20_000.0
REGION_KM = 100.0  # a region-precision event's generous radius around the region's centre
SAME_NAME_KM = 100.0  # two places sharing a name further apart than this are taken for namesakes
CARD_LIMIT = 20  # matches listed on an event card
PRECISION_WEIGHT = {"day": 1.0, "week": 0.9, "month": 0.7, "year": 0.4}  # any other precision: year's
POINT = ("exact", "near", "district")
AREA_WEIGHT = {"region": 0.5, "district": 0.5, "country": 0.3}
HOW = ("same_place", "distance", "area")
OUT_FILES = ("matches.csv", "a_only.csv", "b_only.csv", "per_month.csv")
MATCH_COLUMNS = ("a_event_id", "b_event_id", "score", "days_apart", "km_apart", "how", "a_title", "b_title", "best")
ONLY_COLUMNS = (
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "title",
    "place",
    "country",
    "geo_precision",
    "fatalities",
)
_EARTH_KM = 6371.0088
_KM_PER_DEGREE = 110.0  # a little under the 111.2 km of a degree of latitude: the band errs wide
# words that say what kind of unit a district is, not which: 'Shusha District' = 'Şuşa rayonu'
_DISTRICT_WORDS = re.compile(
    r"\b(district|rayon|rayonu|raion|region|province|marz|city|municipality|oblast|uezd|county)\b"
)


def check_tolerances(days: object, km: object) -> tuple[int, float]:
    """``days`` as a whole number 0..MAX_DAYS and ``km`` as a number 0..MAX_KM, else ValueError."""
    try:
        n_days = int(str(days).strip())
    except ValueError:
        raise ValueError(f"--days must be a whole number of days (0 to {MAX_DAYS}), not {days!r}") from None
    if not 0 <= n_days <= MAX_DAYS:
        raise ValueError(f"--days must be between 0 and {MAX_DAYS}, not {n_days}")
    try:
        n_km = float(str(km).strip())
    except ValueError:
        raise ValueError(f"--km must be a distance in kilometres (0 to {MAX_KM:,.0f}), not {km!r}") from None
    if not (math.isfinite(n_km) and 0 <= n_km <= MAX_KM):
        raise ValueError(f"--km must be between 0 and {MAX_KM:,.0f}, not {km}")
    return n_days, n_km


def district_key(district: object) -> str:
    """A district's name for comparison: folded, without punctuation or words like 'district'."""
    if not isinstance(district, str):  # a missing value is no district (never the word 'nan')
        return ""
    text = re.sub(r"[^\w\s]", " ", fold(district))
    return " ".join(_DISTRICT_WORDS.sub(" ", text).split())


def _names(places: pd.DataFrame) -> pd.DataFrame:
    """(place_id, name, country): every name of every place, folded; names under 3 letters skipped."""
    rows = [
        (place_id, folded, country)
        for place_id, names, country in zip(places["place_id"], places["all_names"], places["country"])
        for folded in {fold(n).strip() for n in names}
        if len(folded) >= 3
    ]
    return pd.DataFrame(rows, columns=["place_id", "name", "country"])


def same_name_places(a_places: pd.DataFrame, b_places: pd.DataFrame) -> pd.DataFrame:
    """(a_place_id, b_place_id) pairs that share a folded name and do not lie in different countries."""
    pairs = _names(a_places).merge(_names(b_places), on="name", suffixes=("_a", "_b"))
    keep = (pairs["country_a"] == pairs["country_b"]) | (pairs["country_a"] == "") | (pairs["country_b"] == "")
    pairs = pairs[keep]
    out = pd.DataFrame({"a_place_id": pairs["place_id_a"], "b_place_id": pairs["place_id_b"]})
    return out.drop_duplicates().reset_index(drop=True).astype(str)


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


_lock = threading.Lock()
_connections: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}
_MAX_CONNECTIONS = 8


def _connection(a: Dataset, b: Dataset) -> duckdb.DuckDBPyConnection:
    """One connection per (A store, B store) and process, with both stores' events as ``a_ev`` and
    ``b_ev``, their sources, and the place pairs sharing a name; each query runs on its own cursor."""
    key = (str(a.store), str(b.store))
    with _lock:
        con = _connections.get(key)
        if con is not None:
            return con
        con = engine.new_connection()
        con.execute("SET enable_progress_bar = false")  # the CLI's stderr is for messages
        for side, data in (("a", a), ("b", b)):
            keys = pd.DataFrame(
                {
                    "place_id": data.places["place_id"].astype(str),
                    "district_key": data.places["district"].map(district_key),
                }
            )
            con.register("_keys", keys)
            con.execute(f"CREATE TABLE {side}_places AS SELECT * FROM _keys")  # noqa: S608 - side is 'a' or 'b'
            con.unregister("_keys")
            con.execute(
                f"""CREATE VIEW {side}_ev AS
                    SELECT e.eid, e.event_id, e.title, e.place_id, e.place_label, e.date_start, e.date_end,
                           e.date_precision, e.span_start, e.span_end, e.latitude AS lat, e.longitude AS lon,
                           e.geo_precision, coalesce(e.place_country, '') AS country, e.fatalities,
                           coalesce(p.district_key, '') AS district_key
                    FROM read_parquet({_quoted(data.store / "events.parquet")}) e
                    LEFT JOIN {side}_places p ON p.place_id = e.place_id"""  # noqa: S608 - fixed names and paths
            )
            con.execute(
                f"CREATE VIEW {side}_sources AS SELECT * FROM read_parquet({_quoted(data.store / 'sources.parquet')})"  # noqa: S608
            )
        con.register("_same", same_name_places(a.places, b.places))
        con.execute("CREATE TABLE same_places AS SELECT * FROM _same")
        con.unregister("_same")
        if len(_connections) >= _MAX_CONNECTIONS:
            # let the oldest pair go, unclosed: a query of another session may still run on a cursor of
            # it (a cursor keeps the database alive); it is freed with its last cursor
            del _connections[next(iter(_connections))]
        _connections[key] = con
        return con


def _weight(column: str) -> str:
    cases = " ".join(f"WHEN '{p}' THEN {w}" for p, w in PRECISION_WEIGHT.items())
    return f"CASE {column} {cases} ELSE {min(PRECISION_WEIGHT.values())} END"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


_HAVERSINE = (
    f"2 * {_EARTH_KM} * asin(sqrt(least(1.0, pow(sin(radians(b.lat - a.lat) / 2), 2)"
    " + cos(radians(a.lat)) * cos(radians(b.lat)) * pow(sin(radians(b.lon - a.lon) / 2), 2))))"
)


def pairs_sql(a_filter: str = "TRUE") -> str:
    """The matching pairs as SQL over ``a_ev``, ``b_ev`` and ``same_places`` (see the module doc);
    parameters ``$days`` and ``$km``, and whatever ``a_filter`` (a condition on ``a``) binds."""
    area = tuple(AREA_WEIGHT)
    country = "(a_geo = 'country' OR b_geo = 'country')"
    region = "(a_geo = 'region' OR b_geo = 'region')"
    district = "(a_geo = 'district' OR b_geo = 'district')"
    both_points = f"({_in('a_geo', POINT)} AND {_in('b_geo', POINT)})"
    return f"""
    WITH cand AS (
        SELECT a.eid AS a_eid, b.eid AS b_eid, a.event_id AS a_event_id, b.event_id AS b_event_id,
               a.title AS a_title, b.title AS b_title,
               b.date_start AS b_date_start, b.date_end AS b_date_end, b.date_precision AS b_date_precision,
               b.place_label AS b_place, b.geo_precision AS b_geo, a.geo_precision AS a_geo,
               greatest(0, date_diff('day', a.span_end, b.span_start), date_diff('day', b.span_end, a.span_start))
                   AS days_apart,
               {_HAVERSINE} AS km,
               sp.a_place_id IS NOT NULL AS same_name,
               a.country <> '' AND a.country = b.country AS same_country,
               a.district_key <> '' AND a.district_key = b.district_key AS same_district,
               least({_weight("a.date_precision")}, {_weight("b.date_precision")}) AS date_weight
        FROM a_ev a
        JOIN b_ev b ON b.span_start <= a.span_end + $days::INTEGER AND b.span_end >= a.span_start - $days::INTEGER
        LEFT JOIN same_places sp ON sp.a_place_id = a.place_id AND sp.b_place_id = b.place_id
        WHERE ({a_filter}) AND (
              sp.a_place_id IS NOT NULL
           OR (a.country <> '' AND a.country = b.country AND ({_in("a.geo_precision", area)}
                                                               OR {_in("b.geo_precision", area)}))
           -- the coarse band: no trigonometry for pairs that cannot be within $km
           OR ({_in("a.geo_precision", POINT)} AND {_in("b.geo_precision", POINT)}
               AND abs(b.lat - a.lat) <= $km / {_KM_PER_DEGREE}
               AND least(abs(b.lon - a.lon), 360 - abs(b.lon - a.lon))
                   <= $km / ({_KM_PER_DEGREE} * greatest(cos(radians(least(abs(a.lat) + $km / {_KM_PER_DEGREE}, 90))),
                                                         0.01)))
        )
    ),
    classed AS (
        SELECT *, CASE
            WHEN {country} THEN CASE WHEN same_country THEN 'area' END
            WHEN same_name AND km <= {SAME_NAME_KM} THEN 'same_place'
            WHEN {both_points} AND km <= $km THEN 'distance'
            WHEN {region} AND same_country AND (same_district OR km <= greatest($km, {REGION_KM})) THEN 'area'
            WHEN {district} AND same_country AND same_district THEN 'area'
        END AS how
        FROM cand
    )
    SELECT *, round(date_weight * (1 - days_apart / (2.0 * ($days + 1)))
                    * CASE how WHEN 'same_place' THEN 1.0
                               WHEN 'distance' THEN CASE WHEN $km > 0 THEN 1 - km / (2.0 * $km) ELSE 1.0 END
                               ELSE CASE WHEN {country} THEN {AREA_WEIGHT["country"]}
                                         ELSE {AREA_WEIGHT["region"]} END END, 3) AS score,
           CASE WHEN {country} THEN NULL ELSE round(km, 1) END AS km_apart  -- a country's centre means nothing
    FROM classed WHERE how IS NOT NULL"""  # noqa: S608 - fixed fragments; every value is a bound parameter


def _safe(column: str) -> str:
    """SQL for ``export.neutralise_formula``: a quote before a cell a spreadsheet would run."""
    starts = ", ".join(f"chr({ord(c)})" for c in _FORMULA_START)
    return f"CASE WHEN left({column}, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END"


@dataclass
class Comparison:
    """What ``compare`` found; the CSV files hold the rows."""

    a_events: int
    b_events: int
    a_matched: int
    b_matched: int
    pairs: int
    by_how: dict[str, int] = field(default_factory=dict)
    files: tuple[Path, ...] = ()

    def summary(self, a_name: str, b_name: str, days: int, km: float) -> str:
        def share(n: int, total: int) -> str:
            return f"{n:,} of {total:,} ({n / total:.0%})" if total else "0 of 0"

        how = ", ".join(f"{name} {self.by_how.get(name, 0):,}" for name in HOW)
        return "\n".join(
            [
                f"Compared {a_name} (A, {self.a_events:,} events) with {b_name} (B, {self.b_events:,} events):"
                f" dates within their precision plus {days} day(s), places within {km:g} km or the same place.",
                f"  matched: A {share(self.a_matched, self.a_events)}, B {share(self.b_matched, self.b_events)};"
                f" {self.pairs:,} pair(s) ({how})",
                f"  only in A: {self.a_events - self.a_matched:,}; only in B: {self.b_events - self.b_matched:,}",
            ]
        )


def compare(a: Dataset, b: Dataset, out: str | Path, days: int = DEFAULT_DAYS, km: float = DEFAULT_KM) -> Comparison:
    """Match A's events with B's and write ``OUT_FILES`` into ``out`` (created if needed)."""
    days, km = check_tolerances(days, km)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cursor = _connection(a, b).cursor()
    try:
        cursor.execute(
            f"""CREATE TEMP TABLE pairs AS SELECT a_eid, b_eid, a_event_id, b_event_id, a_title, b_title, days_apart,
                                                  km, km_apart, how, score FROM ({pairs_sql()})""",  # noqa: S608
            {"days": days, "km": km},
        )
        text = {c: _safe(c) for c in ("a_event_id", "b_event_id", "how", "a_title", "b_title")}
        _copy(
            cursor,
            f"""SELECT {text["a_event_id"]} AS a_event_id, {text["b_event_id"]} AS b_event_id, score, days_apart,
                       km_apart, {text["how"]} AS how, {text["a_title"]} AS a_title, {text["b_title"]} AS b_title,
                       row_number() OVER (PARTITION BY a_eid ORDER BY score DESC, days_apart, km, b_eid) = 1 AS best
                FROM pairs ORDER BY a_eid, score DESC, days_apart, km, b_eid""",  # noqa: S608
            out / "matches.csv",
        )
        for side in ("a", "b"):
            _copy(
                cursor,
                f"""SELECT {_safe("event_id")} AS event_id, date_start, date_end, {_safe("date_precision")}
                               AS date_precision, {_safe("title")} AS title, {_safe("place_label")} AS place,
                           {_safe("country")} AS country, {_safe("geo_precision")} AS geo_precision, fatalities
                    FROM {side}_ev WHERE eid NOT IN (SELECT {side}_eid FROM pairs) ORDER BY eid""",  # noqa: S608
                out / f"{side}_only.csv",
            )
        _copy(
            cursor,
            """WITH a_m AS (SELECT strftime(date_start, '%Y-%m') AS month, count(*) AS a_events,
                                   count(*) FILTER (WHERE eid IN (SELECT a_eid FROM pairs)) AS a_matched
                            FROM a_ev GROUP BY 1),
                    b_m AS (SELECT strftime(date_start, '%Y-%m') AS month, count(*) AS b_events,
                                   count(*) FILTER (WHERE eid IN (SELECT b_eid FROM pairs)) AS b_matched
                            FROM b_ev GROUP BY 1)
               SELECT month, coalesce(a_events, 0) AS a_events, coalesce(b_events, 0) AS b_events,
                      coalesce(a_matched, 0) AS a_matched, coalesce(b_matched, 0) AS b_matched
               FROM a_m FULL OUTER JOIN b_m USING (month) ORDER BY month""",
            out / "per_month.csv",
        )
        totals = cursor.execute(
            """SELECT (SELECT count(*) FROM a_ev), (SELECT count(*) FROM b_ev),
                      (SELECT count(DISTINCT a_eid) FROM pairs), (SELECT count(DISTINCT b_eid) FROM pairs),
                      (SELECT count(*) FROM pairs)"""
        ).fetchone()
        by_how = dict(cursor.execute("SELECT how, count(*) FROM pairs GROUP BY how").fetchall())
        cursor.execute("DROP TABLE pairs")
    finally:
        cursor.close()
    n_a, n_b, a_matched, b_matched, n_pairs = totals
    return Comparison(n_a, n_b, a_matched, b_matched, n_pairs, by_how, tuple(out / name for name in OUT_FILES))


def _copy(cursor: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    cursor.execute(f"COPY ({sql}) TO {_quoted(path)} (FORMAT csv, HEADER true)")


def matches_for_event(
    a: Dataset, event_id: str, b: Dataset, days: int = DEFAULT_DAYS, km: float = DEFAULT_KM, limit: int = CARD_LIMIT
) -> pd.DataFrame:
    """B's events matching A's event ``event_id``, best first, at most ``limit`` rows; ``n_total``
    says how many match in all. Columns: event_id, date_start, date_end, date_precision, title,
    place, geo_precision, days_apart, km_apart, how, score, n_total."""
    days, km = check_tolerances(days, km)
    sql = f"""SELECT b_event_id AS event_id, b_date_start AS date_start, b_date_end AS date_end,
                     b_date_precision AS date_precision, b_title AS title, b_place AS place, b_geo AS geo_precision,
                     days_apart, km_apart, how, score, count(*) OVER () AS n_total
              FROM ({pairs_sql("a.event_id = $event_id")})
              ORDER BY score DESC, days_apart, km, b_eid LIMIT $limit"""  # noqa: S608
    params = {"days": days, "km": km, "event_id": event_id, "limit": int(limit)}
    cursor = _connection(a, b).cursor()
    try:
        return cursor.execute(sql, params).df()
    finally:
        cursor.close()


def match_sources(a: Dataset, b: Dataset, event_ids: list[str]) -> pd.DataFrame:
    """The sources of B's events ``event_ids``, in their order: event_id, url, publisher, published."""
    sql = """SELECT event_id, url, publisher, published FROM b_sources
             WHERE list_contains($ids, event_id) ORDER BY event_id, pos"""
    cursor = _connection(a, b).cursor()
    try:
        return cursor.execute(sql, {"ids": list(event_ids)}).df()
    finally:
        cursor.close()
