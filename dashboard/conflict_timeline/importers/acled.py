"""ACLED (Armed Conflict Location & Event Data) exports → the project's data model.

The mapping tables are data, in ``mapping/`` (documented in data/README.md): event and sub-event
types, actor types (``inter`` codes, as numbers or text), time and geo precision codes. ACLED's
codebook says actor 1 and actor 2 imply no direction, so both are participants, except in
violence against civilians, where the civilians are the target and the other actor the initiator.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from conflict_timeline.importers.common import Source, date_sql, mapping, register_mapping, slug_sql

# Older exports say ALLY_ACTOR_1/GWNO; headers are matched case-insensitively.
ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
# The Data Export Tool's 31 columns, in its order (synthetic exports and test fixtures write them too).
EXPORT_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
# What the importer reads: those (but the year, which the date carries) and the API's and older files' codes.
KEEP = (*(c for c in EXPORT_COLUMNS if c != "year"), "iso3", "gwno")
REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "location", "latitude", "longitude")
# Kept on every event as extra columns (the app ignores them; nothing the source said is lost).
EXTRA = (
    "disorder_type",
    "event_type",
    "sub_event_type",
    "inter1",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "time_precision",
    "geo_precision",
    "source_scale",
    "tags",
    "timestamp",
)
LICENCE = (
    "ACLED data are used under ACLED's Terms of Use and Attribution Policy (acleddata.com); they may not be "
    "redistributed. Keep this dataset for your own analysis and credit ACLED in anything you publish."
)
CITATION = (
    "Raleigh, Clionadh, Roudabeh Kishi, and Andrew Linke. 2023. 'Political instability patterns are obscured by "
    "conflict dataset scope conditions, sources, and coding choices.' Humanities and Social Sciences "
    "Communications 10(74). Armed Conflict Location & Event Data (ACLED), acleddata.com."
)


def inter_side(value: str) -> str:
    """The side (actor category) for an ``inter`` cell given as a code (1–8) or as text."""
    value = (value or "").strip().lower()
    for row in mapping("acled_inter.csv"):
        if value and (value == row["code"] or (row["text"] and value.rstrip("s") == row["text"].lower().rstrip("s"))):
            return row["side"]
    return "unknown"


def _value_table(con: duckdb.DuckDBPyConnection, name: str, sql: str, fn) -> None:
    """Map each distinct value in Python (a few dozen), then join: cheaper than a rule per row."""
    values = [v for (v,) in con.execute(sql).fetchall()]
    frame = pd.DataFrame({"value": values, "mapped": [fn(v) for v in values]}, dtype=object)
    con.register(f"{name}_in", frame)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS "
        f"SELECT value::VARCHAR AS value, mapped::VARCHAR AS mapped FROM {name}_in"
    )


def country_code(key: str) -> str | None:
    """ISO alpha-2 from 'numeric|iso3|name' (ACLED gives a numeric ISO code, newer API files iso3)."""
    numeric, iso3, name = (key.split("|") + ["", "", ""])[:3]
    for row in mapping("countries.csv"):
        if (numeric and row["isonumeric"] == numeric.lstrip("0")) or (iso3 and row["iso3"] == iso3.upper()):
            return row["iso2"]
    return country_by_name(name)


def country_by_name(name: str) -> str | None:
    name = (name or "").strip().lower()
    if not name:
        return None
    for table in ("countries.csv", "country_aliases.csv"):
        for row in mapping(table):
            if row["name"].lower() == name:
                return row["iso2"]
    return None


def map_sql(con: duckdb.DuckDBPyConnection, orders: dict[int, str | None]) -> None:
    register_mapping(con, "acled_event_types.csv", "type_map")
    register_mapping(con, "acled_precision.csv", "precision_map")
    _value_table(
        con,
        "inter_sides",
        "SELECT DISTINCT coalesce(inter1, '') FROM staged UNION SELECT DISTINCT coalesce(inter2, '') FROM staged",
        inter_side,
    )
    _value_table(
        con,
        "country_codes",
        "SELECT DISTINCT coalesce(iso, '') || '|' || coalesce(iso3, '') || '|' || coalesce(country, '') FROM staged",
        country_code,
    )
    day = date_sql("event_date", orders)
    extras = ", ".join(f"s.{c} AS src_acled_{c}" for c in EXTRA)
    con.execute(
        f"""CREATE TEMP TABLE base AS SELECT s.*, {day} AS ds,
                   TRY_CAST(s.latitude AS DOUBLE) AS lat, TRY_CAST(s.longitude AS DOUBLE) AS lon,
                   i1.mapped AS side1, i2.mapped AS side2, cc.mapped AS country2
            FROM staged s
            JOIN inter_sides i1 ON i1.value = coalesce(s.inter1, '')
            JOIN inter_sides i2 ON i2.value = coalesce(s.inter2, '')
            JOIN country_codes cc ON cc.value = coalesce(s.iso, '') || '|' || coalesce(s.iso3, '') || '|'
                                                || coalesce(s.country, '')"""
    )
    con.execute(
        f"""CREATE TEMP TABLE mapped AS
        WITH t AS (
            SELECT b.*,
                coalesce(t1.event_type, t2.event_type, t3.event_type) AS mapped_type,
                coalesce(t1.civilians_targeted, t2.civilians_targeted, t3.civilians_targeted) = 'true' AS targeted,
                t1.event_type IS NULL AS type_fallback,
                tp.value AS time_value, gp.value AS geo_value
            FROM base b
            LEFT JOIN type_map t1 ON lower(t1.acled_event_type) = lower(b.event_type)
                                  AND lower(t1.sub_event_type) = lower(b.sub_event_type)
            LEFT JOIN type_map t2 ON lower(t2.acled_event_type) = lower(b.event_type) AND t2.sub_event_type = '*'
            LEFT JOIN type_map t3 ON t3.acled_event_type = '*'
            LEFT JOIN precision_map tp ON tp.field = 'time_precision' AND tp.code = b.time_precision
            LEFT JOIN precision_map gp ON gp.field = 'geo_precision' AND gp.code = b.geo_precision)
        SELECT file_no, line, lower(event_id_cnty) AS source_id,
            strftime(ds, '%Y-%m-%d') || '-acled-' || lower(event_id_cnty) AS event_id,
            ds, NULL::DATE AS de, coalesce(time_value, 'day') AS date_precision,
            coalesce(nullif(sub_event_type, ''), event_type) || ' in ' || location || ': ' || actor1
                || CASE WHEN coalesce(actor2, '') <> '' THEN ' / ' || actor2 ELSE '' END AS title,
            coalesce(nullif(notes, ''), coalesce(nullif(sub_event_type, ''), event_type) || ' in ' || location)
                AS summary,
            mapped_type AS event_type, targeted,
            {slug_sql("location")} || '-' || left(md5(location || '|' || latitude || '|' || longitude), 6)
                AS place_id,
            location, latitude AS lat_text, longitude AS lon_text, 'acled' AS coord_source,
            coalesce(admin1, '') AS admin1, coalesce(country2, 'ZZ') AS country2,
            coalesce(geo_value, 'region') AS geo_precision,
            TRY_CAST(fatalities AS BIGINT) AS fatalities, NULL::BIGINT AS fatalities_low,
            NULL::BIGINT AS fatalities_high,
            coalesce(TRY_CAST("timestamp" AS BIGINT), epoch(TRY_CAST("timestamp" AS TIMESTAMP))::BIGINT) AS stamp,
            side1, side2, actor1, assoc_actor_1, actor2, assoc_actor_2, source,
            type_fallback, time_value IS NULL AS time_fallback, geo_value IS NULL AS geo_fallback,
            country2 IS NULL AS country_fallback, s_event_type, s_sub_event_type, s_time_precision,
            s_geo_precision, s_country, s_iso,
            CASE WHEN coalesce(event_id_cnty, '') = '' THEN 'event_id_cnty'
                 WHEN NOT regexp_full_match(lower(event_id_cnty), '[a-z0-9-]+') THEN 'event_id_cnty'
                 WHEN ds IS NULL THEN 'event_date'
                 WHEN lat IS NULL OR lat NOT BETWEEN -90 AND 90 THEN 'latitude'
                 WHEN lon IS NULL OR lon NOT BETWEEN -180 AND 180 THEN 'longitude'
                 WHEN coalesce(location, '') = '' THEN 'location'
                 WHEN coalesce(actor1, '') = '' THEN 'actor1'
                 WHEN coalesce(fatalities, '') <> '' AND NOT regexp_full_match(fatalities, '\\d{{1,18}}')
                      THEN 'fatalities' END AS reject_field,
            CASE WHEN coalesce(event_id_cnty, '') = '' THEN 'is required but empty'
                 WHEN NOT regexp_full_match(lower(event_id_cnty), '[a-z0-9-]+')
                      THEN 'must hold only letters, digits and hyphens to make an event id'
                 WHEN ds IS NULL THEN 'is not a date in any form this importer reads'
                 WHEN lat IS NULL OR lat NOT BETWEEN -90 AND 90 THEN 'must be a number from -90 to 90'
                 WHEN lon IS NULL OR lon NOT BETWEEN -180 AND 180 THEN 'must be a number from -180 to 180'
                 WHEN coalesce(location, '') = '' THEN 'is required but empty'
                 WHEN coalesce(actor1, '') = '' THEN 'is required but empty'
                 WHEN coalesce(fatalities, '') <> '' AND NOT regexp_full_match(fatalities, '\\d{{1,18}}')
                      THEN 'must be a whole number >= 0' END AS reject_reason,
            CASE WHEN ds IS NULL THEN event_date WHEN lat IS NULL OR lat NOT BETWEEN -90 AND 90 THEN latitude
                 WHEN lon IS NULL OR lon NOT BETWEEN -180 AND 180 THEN longitude
                 WHEN coalesce(fatalities, '') <> '' AND NOT regexp_full_match(fatalities, '\\d{{1,18}}')
                      THEN fatalities ELSE event_id_cnty END AS reject_value,
            {extras}
        FROM (SELECT *, event_type AS s_event_type, sub_event_type AS s_sub_event_type,
                     time_precision AS s_time_precision, geo_precision AS s_geo_precision,
                     country AS s_country, iso AS s_iso FROM t) s"""
    )
    con.execute(
        """CREATE TEMP TABLE fallbacks AS
           SELECT 'event type ' || s_event_type || ' / ' || coalesce(nullif(s_sub_event_type, ''), '(none)')
                  || ' → ' || event_type AS what FROM mapped WHERE reject_reason IS NULL AND type_fallback
           UNION ALL SELECT 'time_precision ' || coalesce(nullif(s_time_precision, ''), '(empty)') || ' → day'
                  FROM mapped WHERE reject_reason IS NULL AND time_fallback
           UNION ALL SELECT 'geo_precision ' || coalesce(nullif(s_geo_precision, ''), '(empty)') || ' → region'
                  FROM mapped WHERE reject_reason IS NULL AND geo_fallback
           UNION ALL SELECT 'country ' || coalesce(nullif(s_country, ''), nullif(s_iso, ''), '(empty)') || ' → ZZ'
                  FROM mapped WHERE reject_reason IS NULL AND country_fallback
           UNION ALL SELECT 'actor type ' || coalesce(nullif(acled_inter1, ''), '(empty)') || ' → unknown'
                  FROM (SELECT src_acled_inter1 AS acled_inter1, side1 FROM mapped WHERE reject_reason IS NULL)
                  WHERE side1 = 'unknown'"""
    )
    # actors: one row per (event row, actor name); assoc actors share their main actor's side
    con.execute(
        """CREATE TEMP TABLE actor_rows AS
        WITH listed AS (
            SELECT file_no, line, targeted, side1, side2, trim(actor1) AS name, side1 AS side, 0 AS pos FROM mapped
            UNION ALL SELECT file_no, line, targeted, side1, side2, trim(unnest(string_split(assoc_actor_1, ';'))),
                side1, unnest(range(1, len(string_split(assoc_actor_1, ';')) + 1))
                FROM mapped WHERE coalesce(assoc_actor_1, '') <> ''
            UNION ALL SELECT file_no, line, targeted, side1, side2, trim(actor2), side2, 100 FROM mapped
                WHERE coalesce(actor2, '') <> ''
            UNION ALL SELECT file_no, line, targeted, side1, side2, trim(unnest(string_split(assoc_actor_2, ';'))),
                side2, unnest(range(101, 101 + len(string_split(assoc_actor_2, ';'))))
                FROM mapped WHERE coalesce(assoc_actor_2, '') <> '')
        SELECT file_no, line, name, side, pos,
               CASE WHEN targeted AND (side1 = 'civilians') <> (side2 = 'civilians')
                    THEN CASE WHEN side = 'civilians' THEN 'target' ELSE 'initiator' END
                    ELSE 'participant' END AS role
        FROM listed WHERE name <> ''"""
    )
    con.execute(
        """CREATE TEMP TABLE source_rows AS
           SELECT file_no, line, NULL::VARCHAR AS url, trim(publisher) AS publisher, NULL::DATE AS published,
                  NULL::VARCHAR AS title, pos
           FROM (SELECT file_no, line,
                        unnest(string_split(coalesce(nullif(source, ''), 'ACLED (no source named)'), ';')) AS publisher,
                        unnest(range(1, len(string_split(coalesce(nullif(source, ''), 'x'), ';')) + 1)) AS pos
                 FROM mapped)
           WHERE trim(publisher) <> ''"""
    )


SOURCE = Source(
    name="acled",
    title="ACLED export",
    aliases=ALIASES,
    required=REQUIRED,
    keep=KEEP,
    date_columns=("event_date",),
    licence=LICENCE,
    citation=CITATION,
    map_sql=map_sql,
    sides=mapping("acled_inter.csv"),
)
