"""The declared schema of the data files: vocabularies and pandera schemas.

Files are read as text (every cell a string, empty = ""), validated here column by
column, and only then typed by ``load``. Cross-table and cross-field rules that
pandera cannot attribute to one field live in ``validate``.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

DATE_PRECISIONS = ("day", "month", "year")
GEO_PRECISIONS = ("exact", "near", "district", "region", "country")
VERIFICATIONS = ("confirmed", "claimed", "disputed")
ROLES = ("initiator", "target", "mediator", "participant")
ACTOR_KINDS = (
    "state",
    "government",
    "ministry",
    "armed_forces",
    "de_facto_authority",
    "government_official",
    "international_organisation",
    "court",
    "non_state_armed_group",
    "civilians",
    "media",
    "other",
)
SIDES = ("armenian", "azerbaijani", "international", "third-party", "civilian")
SIDE_LABELS = {
    "armenian": "Armenian side",
    "azerbaijani": "Azerbaijani side",
    "international": "International / mediators",
    "third-party": "Third parties",
    "civilian": "Civilians",
}
ACLED_EVENT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)

# Columns every file must have (further columns are allowed and kept).
COLUMNS: dict[str, tuple[str, ...]] = {
    "events.csv": (
        "event_id",
        "date_start",
        "date_end",
        "date_precision",
        "title",
        "summary",
        "event_type",
        "actors",
        "place_id",
        "geo_precision",
        "fatalities",
        "fatalities_low",
        "fatalities_high",
        "claimed_by",
        "verification",
    ),
    "sources.csv": ("event_id", "url", "publisher", "published"),
    "actors.csv": ("actor_id", "name", "short_name", "kind", "country", "side", "parent_id", "color"),
    "places.csv": (
        "place_id",
        "name",
        "name_armenian",
        "name_azerbaijani",
        "alt_names",
        "latitude",
        "longitude",
        "coord_source",
        "district",
        "country",
    ),
    "eras.csv": (
        "era_id",
        "name",
        "date_start",
        "date_end",
        "preset",
        "band",
        "min_events",
        "daily_coverage",
        "description",
    ),
    "event_types.csv": ("event_type", "label", "category", "acled_event_type", "description"),
}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_URL = re.compile(r"^https?://[^\s]+$")


def _filled(s: pd.Series) -> pd.Series:
    return s.str.strip() != ""


def _optional(pattern_check):
    """Apply a vectorised check only to non-empty cells."""

    def check(s: pd.Series) -> pd.Series:
        return ~_filled(s) | pattern_check(s)

    return check


def _is_date(s: pd.Series) -> pd.Series:
    return s.str.match(_DATE) & pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()


def _number_between(low: float, high: float):
    def check(s: pd.Series) -> pd.Series:
        return pd.to_numeric(s.astype(object), errors="coerce").between(low, high)

    return check


def _non_negative_int(s: pd.Series) -> pd.Series:
    # digits only, within int64: 'inf', '1e3', '1e309' and '-0' are not whole numbers here
    return s.str.fullmatch(r"\d{1,18}")


REQUIRED = pa.Check(_filled, error="is required but empty")
_EVENT_ID = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9-]+$")
EVENT_ID = pa.Check(
    lambda s: s.str.match(_EVENT_ID), error="must be YYYY-MM-DD-slug (lower-case letters, digits, hyphens)"
)
ID = pa.Check(lambda s: s.str.match(_ID), error="must be lower-case letters, digits and hyphens")
DATE = pa.Check(_is_date, error="must be a real date written YYYY-MM-DD")
OPTIONAL_DATE = pa.Check(_optional(_is_date), error="must be empty or a real date written YYYY-MM-DD")
COUNT = pa.Check(_optional(_non_negative_int), error="must be empty (unknown) or a whole number >= 0, digits only")
BOOL = pa.Check(lambda s: s.str.lower().isin(["true", "false"]), error="must be true or false")


def _one_of(values: tuple[str, ...], optional: bool = False) -> pa.Check:
    allowed = ", ".join(values)
    if optional:
        return pa.Check(_optional(lambda s: s.isin(values)), error=f"must be empty or one of: {allowed}")
    return pa.Check(lambda s: s.isin(values), error=f"must be one of: {allowed}")


def _text(*checks: pa.Check, unique: bool = False) -> pa.Column:
    # No dtype: every cell is read as text already, and pandera's per-cell type check costs seconds at 100k rows.
    return pa.Column(None, checks=list(checks), unique=unique, nullable=False, required=True)


def build_schemas(
    event_types: tuple[str, ...],
    verifications: tuple[str, ...] = VERIFICATIONS,
    date_precisions: tuple[str, ...] = DATE_PRECISIONS,
    sides: tuple[str, ...] = SIDES,
    url_required: bool = True,
) -> dict[str, pa.DataFrameSchema]:
    """Column schemas per file; the event-type vocabulary comes from event_types.csv, and an
    imported dataset's profile widens verification, precision, sides and source URLs."""
    url_check = (
        pa.Check(lambda s: s.str.match(_URL), error="must be an http(s) URL")
        if url_required
        else pa.Check(_optional(lambda s: s.str.match(_URL)), error="must be empty or an http(s) URL")
    )
    return {
        "events.csv": pa.DataFrameSchema(
            {
                "event_id": _text(REQUIRED, EVENT_ID),
                "date_start": _text(DATE),
                "date_end": _text(OPTIONAL_DATE),
                "date_precision": _text(_one_of(date_precisions)),
                "title": _text(REQUIRED),
                "summary": _text(REQUIRED),
                "event_type": _text(_one_of(event_types)),
                "actors": _text(),
                "place_id": _text(REQUIRED),
                "geo_precision": _text(_one_of(GEO_PRECISIONS)),
                "fatalities": _text(COUNT),
                "fatalities_low": _text(COUNT),
                "fatalities_high": _text(COUNT),
                "claimed_by": _text(),
                "verification": _text(_one_of(verifications)),
            },
            strict=False,
        ),
        "sources.csv": pa.DataFrameSchema(
            {
                "event_id": _text(REQUIRED),
                "url": _text(url_check),
                "publisher": _text(REQUIRED),
                "published": _text(OPTIONAL_DATE),
            },
            strict=False,
        ),
        "actors.csv": pa.DataFrameSchema(
            {
                "actor_id": _text(REQUIRED, ID),
                "name": _text(REQUIRED),
                "short_name": _text(REQUIRED),
                "kind": _text(_one_of(ACTOR_KINDS)),
                "country": _text(),
                "side": _text(_one_of(sides)),
                "parent_id": _text(),
                "color": _text(pa.Check(_optional(lambda s: s.str.match(_COLOR)), error="must be empty or #RRGGBB")),
            },
            strict=False,
        ),
        "places.csv": pa.DataFrameSchema(
            {
                "place_id": _text(REQUIRED, ID),
                "name": _text(REQUIRED),
                "name_armenian": _text(),
                "name_azerbaijani": _text(),
                "alt_names": _text(),
                "latitude": _text(pa.Check(_number_between(-90, 90), error="must be a number from -90 to 90")),
                "longitude": _text(pa.Check(_number_between(-180, 180), error="must be a number from -180 to 180")),
                "coord_source": _text(REQUIRED),
                "district": _text(),
                "country": _text(
                    pa.Check(lambda s: s.str.match(r"^[A-Z]{2}$"), error="must be an ISO 3166 alpha-2 code")
                ),
            },
            strict=False,
        ),
        "eras.csv": pa.DataFrameSchema(
            {
                "era_id": _text(REQUIRED, ID),
                "name": _text(REQUIRED),
                "date_start": _text(DATE),
                "date_end": _text(DATE),
                "preset": _text(BOOL),
                "band": _text(BOOL),
                "min_events": _text(COUNT),
                "daily_coverage": _text(BOOL),
                "description": _text(),
            },
            strict=False,
        ),
        "event_types.csv": pa.DataFrameSchema(
            {
                "event_type": _text(
                    REQUIRED, pa.Check(lambda s: s.str.match(r"^[a-z_]+$"), error="must be snake_case")
                ),
                "label": _text(REQUIRED),
                "category": _text(_one_of(("violence", "politics"))),
                "acled_event_type": _text(_one_of(ACLED_EVENT_TYPES)),
                "description": _text(),
            },
            strict=False,
        ),
    }
