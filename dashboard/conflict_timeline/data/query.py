"""Query: the one place where events are filtered and aggregated — SQL in the DuckDB engine.

The dashboard and the CLI build a ``FilterSpec``; every function here turns it into one WHERE
clause (``where``) with bound parameters and returns a bounded pandas frame: a page of events,
counts per bin, grid cells, per-actor or per-place totals. Nothing here loads every event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from conflict_timeline.data import control, engine
from conflict_timeline.data.load import Dataset
from conflict_timeline.data.text import fold

# The columns a card, a hover or a table row needs (never the search text).
EVENT_COLUMNS = (
    "event_id, date_start, date_end, date_precision, title, summary, event_type, type_label, acled_event_type, "
    "category, place_id, place_name, place_label, latitude, longitude, geo_precision, fatalities, fatalities_low, "
    "fatalities_high, claimed_by, verification, span_start, span_end, side, actor_names, actor_ids, actor_roles, "
    "n_sources, first_url"
)
RECORDED = "coalesce(fatalities, fatalities_low)"  # best figure, else the lowest reported: never a guess above it


@dataclass(frozen=True)
class FilterSpec:
    """What the user asked for. Empty tuples and None mean 'no constraint'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    verification: tuple[str, ...] = ()
    text: str = ""


def descendants(actors: pd.DataFrame, actor_ids: tuple[str, ...] | list[str]) -> set[str]:
    """The actors themselves plus every actor below them via parent_id, transitively."""
    children: dict[str, list[str]] = {}
    for actor_id, parent in zip(actors["actor_id"], actors["parent_id"]):
        if parent:
            children.setdefault(parent, []).append(actor_id)
    found: set[str] = set()
    stack = list(actor_ids)
    while stack:
        node = stack.pop()
        if node in found:
            continue
        found.add(node)
        stack.extend(children.get(node, []))
    return found


def search_terms(data: Dataset, text: str) -> list[frozenset[str]]:
    """The search as groups of alternatives, all groups required: a place name (a whole query such
    as 'Mir Bashir', or one word) stands for every name of that place, in whichever side's form."""
    query = " ".join(fold(text).split())
    if not query:
        return []
    if query in data.place_synonyms:
        return [data.place_synonyms[query]]
    return [data.place_synonyms.get(word, frozenset([word])) for word in query.split()]


def where(data: Dataset, spec: FilterSpec, alias: str = "", family: frozenset[str] | None = None) -> tuple[str, list]:
    """The WHERE clause of ``spec`` and its bound parameters (AND across filters, OR within each).

    - dates: the event's span [span_start, span_end] overlaps [date_from, date_to], ends inclusive;
    - actors: involvement in any role, an actor including its descendants; claimed_by alone does not count;
    - text: every word occurs in the title, summary, actor names or any name of the place,
      ignoring case and accents; a place name also finds the place's other names (``search_terms``).
    """
    p = f"{alias}." if alias else ""
    clauses, params = ["TRUE"], []
    if spec.date_from:
        clauses.append(f"{p}span_end >= ?")
        params.append(spec.date_from)
    if spec.date_to:
        clauses.append(f"{p}span_start <= ?")
        params.append(spec.date_to)
    if spec.types:
        clauses.append(f"list_contains(?, {p}event_type)")
        params.append(list(spec.types))
    if spec.verification:
        clauses.append(f"list_contains(?, {p}verification)")
        params.append(list(spec.verification))
    if spec.actors:
        clauses.append(f"{p}eid IN (SELECT eid FROM event_actors WHERE list_contains(?, actor_id))")
        params.append(sorted(descendants(data.actors, spec.actors)))
    for alternatives in search_terms(data, spec.text):
        terms = sorted(alternatives)
        clauses.append("(" + " OR ".join(f"contains({p}search_text, ?)" for _ in terms) + ")")
        params.extend(terms)
    if family is not None:  # an inspected actor and its descendants, on top of the filters
        clauses.append(f"{p}eid IN (SELECT eid FROM event_actors WHERE list_contains(?, actor_id))")
        params.append(sorted(family))
    return " AND ".join(clauses), params


def _run(data: Dataset, sql: str, params: list) -> pd.DataFrame:
    return engine.query(data.store, sql, params)


def count(data: Dataset, spec: FilterSpec) -> int:
    clause, params = where(data, spec)
    return int(engine.scalar(data.store, f"SELECT count(*) FROM events WHERE {clause}", params))


SORTS = {
    "date": "eid",  # eid is the (date_start, event_id) order
    "date_desc": "eid DESC",
    "fatalities": "fatalities DESC NULLS LAST, date_start, event_id",
    "title": "title, event_id",
}


def apply_filters(
    data: Dataset,
    spec: FilterSpec,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "date",
    columns: str = EVENT_COLUMNS,
) -> pd.DataFrame:
    """The events matching ``spec``, sorted, one page at a time (``limit`` None: all — CLI and tests)."""
    clause, params = where(data, spec)
    sql = f"SELECT {columns} FROM events WHERE {clause} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?"
    return _run(data, sql, [*params, limit if limit is not None else 2**62, offset])


def event_by_id(data: Dataset, event_id: str) -> pd.Series | None:
    frame = _run(data, f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ?", [event_id])
    return None if frame.empty else frame.iloc[0]


def event_sources(data: Dataset, event_id: str) -> pd.DataFrame:
    return _run(data, "SELECT url, publisher, published FROM sources WHERE event_id = ? ORDER BY pos", [event_id])


def existing_event_ids(data: Dataset, ids: list[str]) -> set[str]:
    frame = _run(data, "SELECT event_id FROM events WHERE list_contains(?, event_id)", [ids])
    return set(frame["event_id"])


def choose_bin(date_from: pd.Timestamp, date_to: pd.Timestamp) -> str:
    """Day bins up to ~3 months, weeks up to ~3 years, months beyond (Streamlit gets no zoom events)."""
    days = (date_to - date_from).days
    if days <= 100:
        return "D"
    if days <= 3 * 366:
        return "W"
    return "M"


BIN_LABELS = {"D": "day", "W": "week", "M": "month"}
_TRUNC = {"D": "day", "W": "week", "M": "month"}  # DuckDB's weeks start on Monday (ISO)


def _binned_date(freq: str, clip_from: dt.date | None) -> tuple[str, list]:
    """An event's bin: the start of its day, week or month — drawn at the range start if it began before."""
    if clip_from is None:
        return f"date_trunc('{_TRUNC[freq]}', date_start)", []
    return f"date_trunc('{_TRUNC[freq]}', greatest(date_start, ?::DATE))", [clip_from]


def counts_over_time(
    data: Dataset,
    spec: FilterSpec,
    freq: str,
    clip_from: dt.date | None = None,
    family: frozenset[str] | None = None,
) -> pd.DataFrame:
    """Events and recorded fatalities (split by verification, so claims never pad confirmed tolls) per bin."""
    clause, params = where(data, spec, family=family)
    period, period_params = _binned_date(freq, clip_from)
    sql = f"""
        SELECT {period}::TIMESTAMP AS period, count(*) AS events,
               coalesce(sum({RECORDED}) FILTER (WHERE verification = 'confirmed'), 0)::BIGINT AS fatalities_confirmed,
               coalesce(sum({RECORDED}) FILTER (WHERE verification = 'claimed'), 0)::BIGINT AS fatalities_claimed,
               coalesce(sum({RECORDED}) FILTER (WHERE verification = 'disputed'), 0)::BIGINT AS fatalities_disputed,
               coalesce(sum({RECORDED}) FILTER (WHERE verification = 'reported'), 0)::BIGINT AS fatalities_reported
        FROM events WHERE {clause} GROUP BY 1 ORDER BY 1"""
    return _run(data, sql, [*period_params, *params])


def lane_column(lane: str) -> str:
    return "type_label" if lane == "type" else "side"


def lane_grid(data: Dataset, spec: FilterSpec, freq: str, lane: str, clip_from: dt.date | None = None) -> pd.DataFrame:
    """Events per lane and bin, for a timeline with too many events to draw one by one."""
    clause, params = where(data, spec)
    period, period_params = _binned_date(freq, clip_from)
    sql = f"""SELECT {lane_column(lane)} AS lane, {period}::TIMESTAMP AS period, count(*) AS n
              FROM events WHERE {clause} GROUP BY 1, 2 ORDER BY 1, 2"""
    return _run(data, sql, [*period_params, *params])


def types_present(data: Dataset, spec: FilterSpec) -> list[str]:
    clause, params = where(data, spec)
    frame = _run(data, f"SELECT DISTINCT event_type FROM events WHERE {clause} ORDER BY 1", params)
    return list(frame["event_type"])


def key_events(data: Dataset, spec: FilterSpec, types: tuple[str, ...], limit: int = 200) -> pd.DataFrame:
    clause, params = where(data, spec)
    sql = f"""SELECT event_id, date_start, title FROM events WHERE {clause} AND list_contains(?, event_type)
              ORDER BY date_start LIMIT ?"""
    return _run(data, sql, [*params, list(types), limit])


def _bbox_clause(bbox: tuple[float, float, float, float] | None, inside: bool) -> tuple[str, list]:
    if bbox is None:
        return ("TRUE", []) if inside else ("FALSE", [])
    lon0, lat0, lon1, lat1 = bbox
    clause = "(longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?)"
    return (clause if inside else f"NOT {clause}"), [lon0, lon1, lat0, lat1]


def count_in_box(data: Dataset, spec: FilterSpec, bbox, inside: bool = True) -> int:
    clause, params = where(data, spec)
    box, box_params = _bbox_clause(bbox, inside)
    return int(
        engine.scalar(data.store, f"SELECT count(*) FROM events WHERE {clause} AND {box}", [*params, *box_params])
    )


def events_in_box(
    data: Dataset,
    spec: FilterSpec,
    bbox,
    inside: bool = True,
    limit: int = 5000,
    offset: int = 0,
    columns: str = EVENT_COLUMNS,
) -> pd.DataFrame:
    """The matching events inside (or outside) ``bbox``, in date order; ``columns`` a constant list
    (a page that reads few columns asks for those: converting text columns is most of the cost)."""
    clause, params = where(data, spec)
    box, box_params = _bbox_clause(bbox, inside)
    sql = f"""SELECT {columns} FROM events WHERE {clause} AND {box}
              ORDER BY date_start, event_id LIMIT ? OFFSET ?"""
    return _run(data, sql, [*params, *box_params, limit, offset])


def density_cells(data: Dataset, spec: FilterSpec, bbox, cell: float, limit: int = 5000) -> pd.DataFrame:
    """Events and recorded fatalities per square grid cell (cell index gx, gy), busiest first."""
    clause, params = where(data, spec)
    box, box_params = _bbox_clause(bbox, True)
    sql = f"""SELECT floor(longitude / ?)::BIGINT AS gx, floor(latitude / ?)::BIGINT AS gy, count(*) AS events,
                     coalesce(sum({RECORDED}), 0)::BIGINT AS fatalities
              FROM events WHERE {clause} AND {box} GROUP BY 1, 2 ORDER BY events DESC LIMIT ?"""
    return _run(data, sql, [cell, cell, *params, *box_params, limit])


def counts_by_actor(data: Dataset, spec: FilterSpec) -> pd.DataFrame:
    """Per actor: events it is involved in (itself, not its sub-actors), first and last date."""
    clause, params = where(data, spec, alias="e")
    sql = f"""SELECT a.actor_id, count(*) FILTER (WHERE a.first_role) AS events, min(e.date_start) AS first,
                     max(e.date_start) AS last
              FROM event_actors a JOIN events e ON e.eid = a.eid
              WHERE {clause} GROUP BY 1 ORDER BY events DESC, a.actor_id"""
    out = _run(data, sql, params)
    return out.join(data.actors[["name", "short_name", "side", "kind"]], on="actor_id")


def actor_summary(data: Dataset, spec: FilterSpec, family: frozenset[str]) -> dict:
    """Matching events that involve any of ``family``: how many, first and last appearance."""
    clause, params = where(data, spec, family=family)
    sql = f"SELECT count(*) AS n, min(date_start) AS first, max(date_start) AS last FROM events WHERE {clause}"
    row = _run(data, sql, params).iloc[0]
    return {"events": int(row["n"]), "first": row["first"], "last": row["last"]}


def counts_by_place(data: Dataset, spec: FilterSpec, limit: int = 5000) -> pd.DataFrame:
    """Per place: events and recorded fatalities by verification, busiest first."""
    clause, params = where(data, spec)
    sql = f"""SELECT place_id, any_value(place_label) AS place_label, any_value(latitude) AS latitude,
                     any_value(longitude) AS longitude, count(*) AS events,
                     coalesce(sum({RECORDED}) FILTER (WHERE verification = 'confirmed'), 0)::BIGINT
                         AS fatalities_confirmed,
                     coalesce(sum({RECORDED}) FILTER (WHERE verification = 'claimed'), 0)::BIGINT AS fatalities_claimed,
                     coalesce(sum({RECORDED}) FILTER (WHERE verification = 'disputed'), 0)::BIGINT
                         AS fatalities_disputed
              FROM events WHERE {clause} GROUP BY place_id ORDER BY events DESC, place_id LIMIT ?"""
    return _run(data, sql, [*params, limit])


def counterparts(
    data: Dataset, spec: FilterSpec, actor_ids: frozenset[str] | set[str], limit: int = 50
) -> pd.DataFrame:
    """Actors that appear in the same events as ``actor_ids`` (outside that set), most frequent first."""
    clause, params = where(data, spec, alias="e")
    sql = f"""SELECT o.actor_id, count(*) FILTER (WHERE o.first_role) AS events
              FROM event_actors o JOIN events e ON e.eid = o.eid
              WHERE {clause} AND NOT list_contains(?, o.actor_id)
                AND o.eid IN (SELECT eid FROM event_actors WHERE list_contains(?, actor_id))
              GROUP BY 1 ORDER BY events DESC, o.actor_id LIMIT ?"""
    family = sorted(actor_ids)
    out = _run(data, sql, [*params, family, family, limit])
    return out.join(data.actors[["short_name", "side"]], on="actor_id")


def claims_by(data: Dataset, spec: FilterSpec, family: frozenset[str], limit: int = 500) -> tuple[int, pd.DataFrame]:
    """Events whose claimed_by names any of ``family`` (under the spec's other filters), newest last."""
    plain = FilterSpec(spec.date_from, spec.date_to, (), spec.types, spec.verification, spec.text)
    clause, params = where(data, plain)
    claim = "list_has_any(string_split(claimed_by, ';'), ?)"
    total = engine.scalar(
        data.store, f"SELECT count(*) FROM events WHERE {clause} AND {claim}", [*params, sorted(family)]
    )
    sql = f"""SELECT event_id, date_start, title, verification FROM events WHERE {clause} AND {claim}
              ORDER BY date_start, event_id LIMIT ?"""
    return int(total), _run(data, sql, [*params, sorted(family), limit])


def place_counts_for(data: Dataset, spec: FilterSpec, family: frozenset[str], limit: int = 12) -> pd.DataFrame:
    clause, params = where(data, spec, family=family)
    sql = f"""SELECT place_label AS place, count(*) AS events FROM events WHERE {clause}
              GROUP BY 1 ORDER BY events DESC, place LIMIT ?"""
    return _run(data, sql, [*params, limit])


def era_coverage(data: Dataset) -> pd.DataFrame:
    """Per era: events overlapping it, and for daily-coverage eras the days with at least one event."""
    rows = []
    for era in data.eras.itertuples(index=False):
        start, end = era.date_start.date(), era.date_end.date()
        n = engine.scalar(
            data.store, "SELECT count(*) FROM events WHERE span_end >= ? AND span_start <= ?", [start, end]
        )
        days = None
        if era.daily_coverage:
            days = engine.scalar(
                data.store,
                """SELECT count(DISTINCT d) FROM (
                       SELECT unnest(generate_series(greatest(span_start, ?::DATE), least(span_end, ?::DATE),
                                                     INTERVAL 1 DAY)) AS d
                       FROM events WHERE span_end >= ? AND span_start <= ?)""",
                [start, end, start, end],
            )
        rows.append(
            {
                "era_id": era.era_id,
                "era": era.name,
                "from": start,
                "to": end,
                "events": int(n),
                "minimum": era.min_events,
                "days": (end - start).days + 1,
                "days_covered": days,
            }
        )
    return pd.DataFrame(rows, columns=["era_id", "era", "from", "to", "events", "minimum", "days", "days_covered"])


def n_sources(data: Dataset) -> int:
    return int(engine.scalar(data.store, "SELECT count(*) FROM sources"))


def export_query(data: Dataset, spec: FilterSpec) -> tuple[str, list]:
    """The SQL of an export: every matching event, in date order.

    No ORDER BY: the store is written in date order (``eid``) and DuckDB keeps a scan's order, so a
    million events stream out without a sort holding them all.
    """
    clause, params = where(data, spec)
    return f"SELECT {EVENT_COLUMNS}, eid FROM events WHERE {clause}", params


def sources_of(data: Dataset, eids: list[int]) -> pd.DataFrame:
    """The sources of a batch of events (by ``eid``), in their order."""
    sql = "SELECT eid, url, publisher FROM sources WHERE list_contains(?, eid) ORDER BY eid, pos"
    return engine.query(data.store, sql, [eids])


def control_holders(data: Dataset, asof: dt.date, since: dt.date | None = None) -> pd.DataFrame:
    """Every tracked place with its holder on ``asof`` (see ``control.holders``), event titles joined
    and claimants as short names; empty when the dataset has no control table."""
    holders = control.holders(data.control, data.places, pd.Timestamp(asof), since and pd.Timestamp(since))
    if holders.empty:
        return holders.assign(event_title=pd.Series(dtype=object))
    ids = sorted({e for e in holders["event_id"] if e})
    titles = _run(data, "SELECT event_id, title FROM events WHERE list_contains(?, event_id)", [ids])
    titled = dict(zip(titles["event_id"], titles["title"]))
    holders["event_title"] = [titled.get(e, "") for e in holders["event_id"]]
    short = data.actors["short_name"].to_dict()
    holders["claimed_by"] = [
        "; ".join(short.get(a, a) for a in str(c).split(";") if a) for c in holders["claimed_by"]
    ]
    return holders


def control_changed(data: Dataset, asof: dt.date, since: dt.date | None) -> frozenset[str]:
    """The tracked places whose holder changed inside (``since``, ``asof``]: ``control_holders``'
    ``changed`` column, asked on its own so the holders on a day are reused across date ranges."""
    return frozenset(control.changed_between(data.control_changes, since and pd.Timestamp(since), pd.Timestamp(asof)))


def control_counts(data: Dataset, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    return control.counts_over_time(data.control, pd.Timestamp(date_from), pd.Timestamp(date_to))


def control_changes(data: Dataset, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """Changes of control inside the range, with the count each side held right after, and titles."""
    rows = control.changes(data.control)
    rows = rows[(rows["date"] >= pd.Timestamp(date_from)) & (rows["date"] <= pd.Timestamp(date_to))]
    if rows.empty:
        return rows.assign(title=pd.Series(dtype=object), place=pd.Series(dtype=object))
    titles = _run(
        data, "SELECT event_id, title FROM events WHERE list_contains(?, event_id)", [sorted(set(rows["event_id"]))]
    )
    titled = dict(zip(titles["event_id"], titles["title"]))
    rows = rows.assign(
        title=[titled.get(e, "") for e in rows["event_id"]],
        place=rows["place_id"].map(data.places["label"].to_dict()),
    )
    return rows.sort_values(["date", "place_id"], kind="stable").reset_index(drop=True)


def control_by_event(data: Dataset, event_id: str) -> pd.DataFrame:
    rows = control.changed_by(data.control, event_id)
    return rows.assign(place=rows["place_id"].map(data.places["label"].to_dict()))


def control_coverage(data: Dataset) -> pd.DataFrame:
    """Per era: changes of control, places that changed hands, and how many rest on claims or disputes."""
    rows = control.changes(data.control)
    out = []
    for era in data.eras.itertuples(index=False):
        inside = rows[(rows["date"] >= era.date_start) & (rows["date"] <= era.date_end)]
        out.append(
            {
                "period": era.name,
                "changes": len(inside),
                "places": inside["place_id"].nunique(),
                "confirmed": int((inside["verification"] == "confirmed").sum()),
                "claimed": int((inside["verification"] == "claimed").sum()),
                "disputed": int((inside["verification"] == "disputed").sum()),
            }
        )
    return pd.DataFrame(out, columns=["period", "changes", "places", "confirmed", "claimed", "disputed"])


def titles_of(data: Dataset, ids: tuple[str, ...]) -> dict[str, str]:
    frame = _run(data, "SELECT event_id, title FROM events WHERE list_contains(?, event_id)", [list(ids)])
    return dict(zip(frame["event_id"], frame["title"]))


# The map's extent: where a dataset's events are, without its far-away venues.
EXTENT_CELL_KEY = "(floor(longitude)::INTEGER + 180) * 1000 + floor(latitude)::INTEGER + 90"  # 1° cells
EXTENT_LINK = 3  # cells at most this many cells apart (on either axis) belong to one cluster
EXTENT_CELLS = 4_000  # the busiest cells considered (a bounded result; the rest are the sparsest)
EXTENT_TRIM = 0.01  # share of the chosen events trimmed off each side
EXTENT_MIN_SPAN = 2.0  # degrees: a one-town dataset still shows its surroundings
WORLD_EXTENT = (-180.0, -60.0, 180.0, 75.0)


def _clusters(cells: dict[int, int]) -> list[tuple[int, list[int]]]:
    """Cells (key -> events) joined into clusters of neighbours: (events, cell keys), busiest first."""
    parent = {key: key for key in cells}

    def root(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    span = range(-EXTENT_LINK, EXTENT_LINK + 1)
    for key in cells:
        for dx in span:
            for dy in span:
                other = key + dx * 1000 + dy
                if other in cells and abs(other % 1000 - key % 1000) <= EXTENT_LINK:
                    parent[root(other)] = root(key)
    groups: dict[int, list[int]] = {}
    for key in cells:
        groups.setdefault(root(key), []).append(key)
    return sorted(((sum(cells[k] for k in keys), sorted(keys)) for keys in groups.values()), reverse=True)


EXTENT_NEAR = 6.0  # degrees beyond the theatre's box where its main countries' towns still count


def map_extent(data: Dataset) -> tuple[float, float, float, float]:
    """The part of the world the dataset's map shows: (lon_min, lat_min, lon_max, lat_max).

    A conflict dataset has a theatre and a few far-away venues (talks in Moscow, a vote in New
    York) that must not stretch the map. Events are counted per 1° cell; neighbouring cells form
    clusters; the map covers the busiest cluster, plus any other holding at least a quarter as many
    events over more than one cell (a second front, not a venue) — or every event when those
    clusters hold under 40% of them (a worldwide dataset). Over the chosen events it spans the 1st
    to 99th percentile of longitude and latitude, padded, at least ``EXTENT_MIN_SPAN`` across.
    """
    located = "longitude IS NOT NULL AND latitude IS NOT NULL"
    frame = _run(
        data,
        f"SELECT {EXTENT_CELL_KEY} AS cell, count(*) AS n FROM events WHERE {located} "
        "GROUP BY 1 ORDER BY n DESC, cell LIMIT ?",
        [EXTENT_CELLS],
    )
    if frame.empty:
        return WORLD_EXTENT
    cells = dict(zip(frame["cell"].astype(int), frame["n"].astype(int)))
    clusters = _clusters(cells)
    main = clusters[0][0]
    chosen = [clusters[0], *((n, keys) for n, keys in clusters[1:] if n >= main / 4 and len(keys) > 1)]
    if sum(n for n, _ in chosen) < 0.4 * sum(cells.values()):
        where_cells, params = "TRUE", []
    else:
        keys = [k for _, cluster in chosen for k in cluster]
        where_cells, params = f"list_contains(?, {EXTENT_CELL_KEY})", [keys]
    trim = [EXTENT_TRIM, 1 - EXTENT_TRIM]
    row = _run(
        data,
        f"SELECT quantile_cont(longitude, ?) AS lon, quantile_cont(latitude, ?) AS lat FROM events "
        f"WHERE {located} AND {where_cells}",
        [trim, trim, *params],
    ).iloc[0]
    x0, x1, y0, y1 = float(row["lon"][0]), float(row["lon"][1]), float(row["lat"][0]), float(row["lat"][1])
    if where_cells != "TRUE":
        # a town of the theatre's main countries (a tenth of the events or more) near the box (Mandera
        # in a Nairobi-heavy Kenya file) stays on the map; a venue abroad, or far off, does not
        near = _run(
            data,
            f"""WITH theatre AS (SELECT place_country FROM events WHERE {located} AND place_country <> 'ZZ'
                    GROUP BY 1 HAVING count(*) FILTER (WHERE list_contains(?, {EXTENT_CELL_KEY})) > 0.5 * count(*)
                                  AND count(*) >= 0.1 * (SELECT count(*) FROM events WHERE {located}))
                SELECT min(longitude) AS x0, max(longitude) AS x1, min(latitude) AS y0, max(latitude) AS y1
                FROM events WHERE {located} AND place_country IN (SELECT place_country FROM theatre)
                  AND longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?""",
            [keys, x0 - EXTENT_NEAR, x1 + EXTENT_NEAR, y0 - EXTENT_NEAR, y1 + EXTENT_NEAR],
        ).iloc[0]
        if not pd.isna(near["x0"]):
            x0, x1 = min(x0, float(near["x0"])), max(x1, float(near["x1"]))
            y0, y1 = min(y0, float(near["y0"])), max(y1, float(near["y1"]))
    return _padded(x0, y0, x1, y1)


def _padded(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    """A margin of 15% and half a degree on every side, at least EXTENT_MIN_SPAN across, inside the world."""

    def side(lo: float, hi: float) -> tuple[float, float]:
        pad = 0.15 * (hi - lo) + 0.5
        grow = max(EXTENT_MIN_SPAN - (hi - lo + 2 * pad), 0) / 2
        return lo - pad - grow, hi + pad + grow

    (x0, x1), (y0, y1) = side(x0, x1), side(y0, y1)
    if x1 - x0 > 200:  # most of the globe: the whole of it
        x0, x1 = -180.0, 180.0
    return (round(max(x0, -180.0), 2), round(max(y0, -80.0), 2), round(min(x1, 180.0), 2), round(min(y1, 84.0), 2))
