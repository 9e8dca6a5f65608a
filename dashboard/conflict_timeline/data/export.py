"""Export filtered events as CSV, JSON or GeoJSON, with formula-safe CSV text cells."""

from __future__ import annotations

import io
import json

import pandas as pd

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


def export_records(events: pd.DataFrame, version: str) -> list[dict]:
    """One plain dict per event, list fields as lists, in the documented column order."""
    records = []
    for row in events.itertuples(index=False):
        records.append(
            {
                "event_id": row.event_id,
                "date_start": _date(row.date_start),
                "date_end": _date(row.date_end),
                "date_precision": str(row.date_precision),
                "title": row.title,
                "summary": row.summary,
                "event_type": str(row.event_type),
                "actor_ids": list(row.actor_ids),
                "actors": list(row.actor_names),
                "place": row.place_name,
                "latitude": float(row.latitude),
                "longitude": float(row.longitude),
                "geo_precision": str(row.geo_precision),
                "fatalities": _int(row.fatalities),
                "fatalities_low": _int(row.fatalities_low),
                "fatalities_high": _int(row.fatalities_high),
                "claimed_by": list(row.claimed_by_ids),
                "verification": str(row.verification),
                "sources": [s["url"] for s in row.sources],
                "dataset_version": version,
                "actor_roles": [f"{a}:{r}" for a, r in zip(row.actor_ids, row.actor_roles)],
                "place_id": row.place_id,
                "place_names": list(row.all_names),
                "acled_event_type": row.acled_event_type,
                "source_publishers": [s["publisher"] for s in row.sources],
            }
        )
    return records


def neutralise_formula(text: str) -> str:
    """Prefix a quote so spreadsheets show, rather than run, a cell like '=HYPERLINK(...)'."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(events: pd.DataFrame, version: str) -> str:
    columns = [*EXPORT_COLUMNS, *EXTRA_COLUMNS]
    rows = []
    for record in export_records(events, version):
        row = {}
        for column in columns:
            value = record[column]
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            if value is None:
                value = ""
            if column not in NUMERIC_COLUMNS:
                value = neutralise_formula(str(value))
            row[column] = value
        rows.append(row)
    buffer = io.StringIO()
    pd.DataFrame(rows, columns=columns).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def to_json(events: pd.DataFrame, version: str) -> str:
    return json.dumps(export_records(events, version), ensure_ascii=False, indent=1) + "\n"


def to_geojson(events: pd.DataFrame, version: str) -> str:
    features = []
    for record in export_records(events, version):
        properties = {k: v for k, v in record.items() if k not in ("latitude", "longitude")}
        features.append(
            {
                "type": "Feature",
                "id": record["event_id"],
                "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
                "properties": properties,
            }
        )
    collection = {"type": "FeatureCollection", "dataset_version": version, "features": features}
    return json.dumps(collection, ensure_ascii=False) + "\n"


def export(events: pd.DataFrame, version: str, fmt: str) -> str:
    writers = {"csv": to_csv, "json": to_json, "geojson": to_geojson}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return writers[fmt](events, version)
