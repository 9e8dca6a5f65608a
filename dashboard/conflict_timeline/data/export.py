"""Export filtered events as CSV, JSON or GeoJSON, with formula-safe CSV text cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shlex
from typing import TextIO

import pandas as pd

from conflict_timeline.data import engine
from conflict_timeline.data.load import Dataset
from conflict_timeline.data.query import FilterSpec, export_query, sources_of

CHUNK = 20_000  # events per streamed batch: an export of a million events holds one batch at a time

EXPORT_COLUMNS = (
    "event_id",
    "date_start",
    "date_end",
    "date_precision",
    "title",
    "summary",
    "event_type",
    "actor_ids",
    "actors",
    "place",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "fatalities_low",
    "fatalities_high",
    "claimed_by",
    "verification",
    "sources",
    "dataset_version",
)
EXTRA_COLUMNS = ("actor_roles", "place_id", "place_names", "acled_event_type", "source_publishers")
# Everything but these numbers is text and gets formula-neutralised (a negative longitude stays a number).
NUMERIC_COLUMNS = ("latitude", "longitude", "fatalities", "fatalities_low", "fatalities_high")
FORMATS = ("csv", "json", "geojson")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _date(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _int(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _ids(cell) -> list[str]:
    return [] if not isinstance(cell, str) or not cell else [part for part in cell.split(";") if part]


def _list(cell) -> list:
    return [] if cell is None or (not isinstance(cell, list) and pd.isna(cell) is True) else list(cell)


def export_records(events: pd.DataFrame, version: str, places: pd.DataFrame) -> list[dict]:
    """One plain dict per event (rows of ``query.export_query``), list fields as lists, in column order."""
    names = places["all_names"].to_dict()
    records = []
    for row in events.itertuples(index=False):
        actor_ids, roles = _ids(row.actor_ids), _ids(row.actor_roles)
        records.append(
            {
                "event_id": row.event_id,
                "date_start": _date(row.date_start),
                "date_end": _date(row.date_end),
                "date_precision": str(row.date_precision),
                "title": row.title,
                "summary": row.summary,
                "event_type": str(row.event_type),
                "actor_ids": actor_ids,
                "actors": (row.actor_names or "").split(", ") if row.actor_names else [],
                "place": row.place_name,
                "latitude": float(row.latitude),
                "longitude": float(row.longitude),
                "geo_precision": str(row.geo_precision),
                "fatalities": _int(row.fatalities),
                "fatalities_low": _int(row.fatalities_low),
                "fatalities_high": _int(row.fatalities_high),
                "claimed_by": _ids(row.claimed_by),
                "verification": str(row.verification),
                "sources": _list(row.source_urls),
                "dataset_version": version,
                "actor_roles": [f"{a}:{r}" for a, r in zip(actor_ids, roles)],
                "place_id": row.place_id,
                "place_names": list(names.get(row.place_id, [])),
                "acled_event_type": row.acled_event_type,
                "source_publishers": _list(row.source_publishers),
            }
        )
    return records


def neutralise_formula(text: str) -> str:
    """Prefix a quote so spreadsheets show, rather than run, a cell like '=HYPERLINK(...)'."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_rows(records: list[dict]) -> list[list]:
    columns = [*EXPORT_COLUMNS, *EXTRA_COLUMNS]
    rows = []
    for record in records:
        row = []
        for column in columns:
            value = record[column]
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            if value is None:
                value = ""
            if column not in NUMERIC_COLUMNS:
                value = neutralise_formula(str(value))
            row.append(value)
        rows.append(row)
    return rows


def _feature(record: dict) -> dict:
    properties = {k: v for k, v in record.items() if k not in ("latitude", "longitude")}
    return {
        "type": "Feature",
        "id": record["event_id"],
        "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
        "properties": properties,
    }


def write_export(data: Dataset, spec: FilterSpec, fmt: str, out: TextIO, limit: int | None = None) -> int:
    """Stream the matching events to ``out`` in bounded chunks; returns how many were written.

    CSV text cells are formula-neutralised; JSON is a list of records; GeoJSON a FeatureCollection.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    sql, params = export_query(data, spec)
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    written = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*EXPORT_COLUMNS, *EXTRA_COLUMNS])
    elif fmt == "json":
        out.write("[")
    else:
        out.write('{"type": "FeatureCollection", "dataset_version": ' + json.dumps(data.version) + ', "features": [')
    for chunk in engine.batches(data.store, sql, params, rows=CHUNK):
        sources = sources_of(data, [int(e) for e in chunk["eid"]]).groupby("eid", sort=False)
        urls = sources["url"].agg(list).to_dict()
        publishers = sources["publisher"].agg(list).to_dict()
        chunk = chunk.assign(
            source_urls=[urls.get(e, []) for e in chunk["eid"]],
            source_publishers=[publishers.get(e, []) for e in chunk["eid"]],
        )
        records = export_records(chunk, data.version, data.places)
        if fmt == "csv":
            writer.writerows(_csv_rows(records))
        else:
            for record in records:
                item = record if fmt == "json" else _feature(record)
                out.write(("\n" if written == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
                written += 1
            continue
        written += len(records)
    if fmt == "json":
        out.write("\n]\n")
    elif fmt == "geojson":
        out.write("\n]}\n")
    return written


def export(data: Dataset, spec: FilterSpec, fmt: str, limit: int | None = None) -> str:
    """The export as one string (bounded by ``limit``: the app caps in-app downloads)."""
    buffer = io.StringIO()
    write_export(data, spec, fmt, buffer, limit=limit)
    return buffer.getvalue()


def export_command(spec: FilterSpec, fmt: str) -> str:
    """The ``conflict-timeline export`` command line that writes the same events (shell-quoted)."""
    parts = ["conflict-timeline", "export", "--format", fmt]
    if spec.date_from:
        parts += ["--from", spec.date_from.isoformat()]
    if spec.date_to:
        parts += ["--to", spec.date_to.isoformat()]
    for flag, values in (("--actor", spec.actors), ("--type", spec.types), ("--verification", spec.verification)):
        if values:
            parts += [flag, *values]
    if spec.text:
        parts += ["--query", spec.text]
    return " ".join(shlex.quote(part) for part in parts) + f" > events.{fmt}"


CONTROL_FORMATS = ("control-csv", "control-geojson")
CONTROL_COLUMNS = (
    "place_id",
    "name",
    "name_armenian",
    "name_azerbaijani",
    "latitude",
    "longitude",
    "side",
    "since",
    "since_precision",
    "how",
    "event_id",
    "event_title",
    "verification",
    "claimed_by",
    "note",
    "as_of",
    "dataset_version",
)


def control_records(data: Dataset, at: dt.date) -> list[dict]:
    """Each tracked place with its holder on ``at`` (for QGIS or a newsroom map)."""
    from conflict_timeline.data.query import control_holders

    holders = control_holders(data, at)
    places = data.places
    return [
        {
            "place_id": row.place_id,
            "name": row.name,
            "name_armenian": places.at[row.place_id, "name_armenian"],
            "name_azerbaijani": places.at[row.place_id, "name_azerbaijani"],
            "latitude": float(row.latitude),
            "longitude": float(row.longitude),
            "side": row.side,
            "since": _date(row.date),
            "since_precision": row.date_precision,
            "how": row.how,
            "event_id": row.event_id,
            "event_title": row.event_title,
            "verification": row.verification,
            "claimed_by": row.claimed_by,
            "note": row.note,
            "as_of": at.isoformat(),
            "dataset_version": data.version,
        }
        for row in holders.itertuples(index=False)
    ]


def write_control_export(data: Dataset, at: dt.date, fmt: str, out: TextIO) -> int:
    """Control of territory on ``at`` as CSV (formula-safe) or GeoJSON points; returns the place count."""
    records = control_records(data, at)
    if fmt == "control-csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CONTROL_COLUMNS)
        for record in records:
            writer.writerow(
                [
                    record[c] if c in ("latitude", "longitude") else neutralise_formula(str(record[c]))
                    for c in CONTROL_COLUMNS
                ]
            )
    elif fmt == "control-geojson":
        features = [
            {
                "type": "Feature",
                "id": r["place_id"],
                "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]},
                "properties": {k: v for k, v in r.items() if k not in ("latitude", "longitude")},
            }
            for r in records
        ]
        collection = {"type": "FeatureCollection", "as_of": at.isoformat(), "features": features}
        out.write(json.dumps(collection, ensure_ascii=False) + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(CONTROL_FORMATS)}")
    return len(records)
