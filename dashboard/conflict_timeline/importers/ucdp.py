"""UCDP GED (Uppsala Conflict Data Program, Georeferenced Event Dataset) CSV → the project's model.

Side A is the government or first party of a dyad, not the attacker: both sides are participants,
except in one-sided violence (type 3), where side A is the initiator and the civilians the target.
UCDP's best/low/high become fatalities/low/high as given; its date range stays a range.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from conflict_timeline.importers.acled import country_by_name
from conflict_timeline.importers.common import Source, date_sql, mapping, register_mapping, slug_sql

KEEP = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_name",
    "dyad_name",
    "side_a",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "latitude", "longitude", "date_start", "best")
# Every column the mapping does not turn into the model's own is kept as an extra ``ucdp_…`` column.
MAPPED = {"id", "active_year", "source_article", "source_office", "source_date", "source_headline", "latitude",
          "longitude", "date_start", "date_end", "best", "high", "low"}  # fmt: skip
EXTRA = tuple(c for c in KEEP if c not in MAPPED)
LICENCE = "UCDP GED is published under the Creative Commons Attribution 4.0 International licence (CC BY 4.0)."
CITATION = (
    "Sundberg, Ralph, and Erik Melander. 2013. 'Introducing the UCDP Georeferenced Event Dataset.' Journal of "
    "Peace Research 50(4); Davies, Shawn, Therése Pettersson, and Magnus Öberg. 'Organized violence 1989–2024.' "
    "Journal of Peace Research (for the current version)."
)
WHOLE = r"\d{1,18}"


def _country_table(con: duckdb.DuckDBPyConnection) -> None:
    values = [v for (v,) in con.execute("SELECT DISTINCT coalesce(country, '') FROM staged").fetchall()]

    def code(name: str) -> str | None:
        # 'Russia (Soviet Union)', 'Yemen (North Yemen)': the name before the bracket, then the whole
        return country_by_name(name) or country_by_name(name.split("(")[0])

    frame = pd.DataFrame({"value": values, "mapped": [code(v) for v in values]}, dtype=object)
    con.register("country_codes_in", frame)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE country_codes AS "
        "SELECT value::VARCHAR AS value, mapped::VARCHAR AS mapped FROM country_codes_in"
    )


def map_sql(con: duckdb.DuckDBPyConnection, orders: dict[int, str | None]) -> None:
    register_mapping(con, "ucdp_violence.csv", "violence_map")
    register_mapping(con, "ucdp_precision.csv", "precision_map")
    _country_table(con)
    start, end = date_sql("date_start", orders), date_sql("date_end", orders)
    extras = ", ".join(f"s.{c} AS src_ucdp_{c}" for c in EXTRA)
    bad_count = " OR ".join(
        f"(coalesce({c}, '') <> '' AND NOT regexp_full_match({c}, '{WHOLE}'))" for c in ("best", "low", "high")
    )
    con.execute(
        f"""CREATE TEMP TABLE base AS SELECT s.*, {start} AS ds, {end} AS de_raw,
                   TRY_CAST(s.latitude AS DOUBLE) AS lat, TRY_CAST(s.longitude AS DOUBLE) AS lon,
                   cc.mapped AS country2, v.event_type AS mapped_type, v.label AS violence_label,
                   coalesce(v.civilians_targeted, 'false') = 'true' AS targeted,
                   tp.value AS time_value, gp.value AS geo_value,
                   coalesce(nullif(s.where_coordinates, ''), nullif(s.adm_2, ''), nullif(s.adm_1, ''), s.country,
                            'unnamed place') AS location,
                   lower(coalesce(s.active_year, '')) IN ('true', '1', 't', 'yes') AS active
            FROM staged s
            LEFT JOIN country_codes cc ON cc.value = coalesce(s.country, '')
            LEFT JOIN violence_map v ON v.type_of_violence = trim(s.type_of_violence)
            LEFT JOIN precision_map tp ON tp.field = 'date_prec' AND tp.code = trim(s.date_prec)
            LEFT JOIN precision_map gp ON gp.field = 'where_prec' AND gp.code = trim(s.where_prec)"""
    )
    con.execute(
        f"""CREATE TEMP TABLE mapped AS
        SELECT file_no, line, lower(id) AS source_id,
            strftime(ds, '%Y-%m-%d') || '-ucdp-' || lower(id) AS event_id,
            ds, CASE WHEN de_raw IS NOT NULL AND de_raw <> ds THEN de_raw END AS de,
            coalesce(time_value, 'day') AS date_precision,
            coalesce(violence_label, 'Organised violence') || ' in ' || location || ': ' || coalesce(dyad_name,
                side_a || ' - ' || side_b) AS title,
            coalesce(dyad_name, side_a || ' - ' || side_b) || '. UCDP estimate of deaths: best ' || best
                || coalesce(', low ' || nullif(low, ''), '') || coalesce(', high ' || nullif(high, ''), '')
                || ' (side A ' || coalesce(nullif(deaths_a, ''), '?') || ', side B '
                || coalesce(nullif(deaths_b, ''), '?') || ', civilians ' || coalesce(nullif(deaths_civilians, ''), '?')
                || ', unknown ' || coalesce(nullif(deaths_unknown, ''), '?') || ').'
                || coalesce(' Location: ' || nullif(where_description, '') || '.', '') AS summary,
            coalesce(mapped_type, 'armed_clash') AS event_type, targeted,
            {slug_sql("location")} || '-' || left(md5(location || '|' || latitude || '|' || longitude), 6)
                AS place_id,
            location, latitude AS lat_text, longitude AS lon_text, 'ucdp' AS coord_source,
            coalesce(adm_1, '') AS admin1, coalesce(country2, 'ZZ') AS country2,
            coalesce(geo_value, 'region') AS geo_precision,
            TRY_CAST(best AS BIGINT) AS fatalities, TRY_CAST(low AS BIGINT) AS fatalities_low,
            TRY_CAST(high AS BIGINT) AS fatalities_high, NULL::BIGINT AS stamp,
            side_a, side_b, source_article, source_office, source_date,
            mapped_type IS NULL AS type_fallback, time_value IS NULL AS time_fallback,
            geo_value IS NULL AS geo_fallback, country2 IS NULL AS country_fallback,
            TRY_CAST(low AS BIGINT) > TRY_CAST(best AS BIGINT) OR TRY_CAST(high AS BIGINT) < TRY_CAST(best AS BIGINT)
                AS unordered,
            s_type_of_violence, s_date_prec, s_where_prec, s_country,
            CASE WHEN coalesce(id, '') = '' THEN 'id'
                 WHEN NOT regexp_full_match(lower(id), '[a-z0-9-]+') THEN 'id'
                 WHEN ds IS NULL THEN 'date_start'
                 WHEN coalesce(date_end, '') <> '' AND de_raw IS NULL THEN 'date_end'
                 WHEN de_raw < ds THEN 'date_end'
                 WHEN lat IS NULL OR lat NOT BETWEEN -90 AND 90 THEN 'latitude'
                 WHEN lon IS NULL OR lon NOT BETWEEN -180 AND 180 THEN 'longitude'
                 WHEN coalesce(side_a, '') = '' THEN 'side_a'
                 WHEN coalesce(best, '') = '' OR ({bad_count}) THEN 'best' END AS reject_field,
            CASE WHEN coalesce(id, '') = '' THEN 'is required but empty'
                 WHEN NOT regexp_full_match(lower(id), '[a-z0-9-]+')
                      THEN 'must hold only letters, digits and hyphens to make an event id'
                 WHEN ds IS NULL THEN 'is not a date in any form this importer reads'
                 WHEN coalesce(date_end, '') <> '' AND de_raw IS NULL
                      THEN 'is not a date in any form this importer reads'
                 WHEN de_raw < ds THEN 'ends before date_start'
                 WHEN lat IS NULL OR lat NOT BETWEEN -90 AND 90 THEN 'must be a number from -90 to 90'
                 WHEN lon IS NULL OR lon NOT BETWEEN -180 AND 180 THEN 'must be a number from -180 to 180'
                 WHEN coalesce(side_a, '') = '' THEN 'is required but empty'
                 WHEN coalesce(best, '') = '' OR ({bad_count})
                      THEN 'best, low and high must be whole numbers >= 0 (best is required)' END AS reject_reason,
            CASE WHEN ds IS NULL THEN date_start WHEN de_raw IS NULL OR de_raw < ds THEN date_end
                 WHEN lat IS NULL OR lat NOT BETWEEN -90 AND 90 THEN latitude
                 WHEN lon IS NULL OR lon NOT BETWEEN -180 AND 180 THEN longitude
                 ELSE coalesce(best, '') || '/' || coalesce(low, '') || '/' || coalesce(high, '') END AS reject_value,
            CASE WHEN active THEN 'true' ELSE 'false' END AS src_ucdp_active_year,
            {extras}
        FROM (SELECT *, type_of_violence AS s_type_of_violence, date_prec AS s_date_prec,
                     where_prec AS s_where_prec, country AS s_country FROM base) s"""
    )
    con.execute(
        """CREATE TEMP TABLE fallbacks AS
           SELECT 'type_of_violence ' || coalesce(nullif(s_type_of_violence, ''), '(empty)') || ' → armed_clash'
                  AS what FROM mapped WHERE reject_reason IS NULL AND type_fallback
           UNION ALL SELECT 'date_prec ' || coalesce(nullif(s_date_prec, ''), '(empty)') || ' → day'
                  FROM mapped WHERE reject_reason IS NULL AND time_fallback
           UNION ALL SELECT 'where_prec ' || coalesce(nullif(s_where_prec, ''), '(empty)') || ' → region'
                  FROM mapped WHERE reject_reason IS NULL AND geo_fallback
           UNION ALL SELECT 'country ' || coalesce(nullif(s_country, ''), '(empty)') || ' → ZZ'
                  FROM mapped WHERE reject_reason IS NULL AND country_fallback
           UNION ALL SELECT 'best outside low–high in the source (kept as given)'
                  FROM mapped WHERE reject_reason IS NULL AND unordered"""
    )
    con.execute(
        """CREATE TEMP TABLE actor_rows AS
           SELECT file_no, line, trim(side_a) AS name, 'side-a' AS side, 0 AS pos,
                  CASE WHEN targeted THEN 'initiator' ELSE 'participant' END AS role FROM mapped
           UNION ALL
           SELECT file_no, line, trim(side_b), CASE WHEN lower(trim(side_b)) = 'civilians' THEN 'civilians'
                  ELSE 'side-b' END, 1, CASE WHEN targeted THEN 'target' ELSE 'participant' END FROM mapped
           WHERE coalesce(trim(side_b), '') <> ''"""
    )
    # source_article: '"Publisher,YYYY-MM-DD,Headline";"…"' — one source per citation
    con.execute(
        r"""CREATE TEMP TABLE source_rows AS
           WITH cited AS (
               SELECT file_no, line, unnest(string_split(trim(source_article, '" '), '";"')) AS citation,
                      unnest(range(1, len(string_split(trim(source_article, '" '), '";"')) + 1)) AS pos
               FROM mapped WHERE coalesce(source_article, '') <> ''),
           parsed AS (
               SELECT file_no, line, pos, regexp_extract(citation, '^(.*?),(\d{4}-\d{2}-\d{2}),(.*)$', 1) AS pub,
                      regexp_extract(citation, '^(.*?),(\d{4}-\d{2}-\d{2}),(.*)$', 2) AS day,
                      regexp_extract(citation, '^(.*?),(\d{4}-\d{2}-\d{2}),(.*)$', 3) AS headline, citation
               FROM cited)
           SELECT file_no, line, NULL::VARCHAR AS url,
                  -- the headline is part of the name: five articles of one agency stay five sources
                  trim(CASE WHEN pub <> '' THEN pub || coalesce(': ' || nullif(trim(headline), ''), '')
                            ELSE citation END) AS publisher,
                  TRY_CAST(nullif(day, '') AS DATE) AS published, nullif(trim(headline), '') AS title, pos
           FROM parsed WHERE trim(citation) <> ''
           UNION ALL
           SELECT file_no, line, NULL, coalesce(nullif(trim(source_office), ''), 'UCDP GED (no source listed)'),
                  TRY_CAST(left(source_date, 10) AS DATE), NULL, 1
           FROM mapped WHERE coalesce(source_article, '') = ''"""
    )


SOURCE = Source(
    name="ucdp",
    title="UCDP Georeferenced Event Dataset (GED)",
    aliases={},
    required=REQUIRED,
    keep=KEEP,
    date_columns=("date_start", "date_end"),
    licence=LICENCE,
    citation=CITATION,
    map_sql=map_sql,
    sides=mapping("ucdp_sides.csv"),
)
