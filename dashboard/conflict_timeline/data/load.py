"""Load: open (compiling first if needed) the columnar store of a data directory.

The returned ``Dataset`` holds the small reference tables (actors, places, eras, event types)
as pandas frames and a handle on the store; events, their actors and sources stay in Parquet and
are reached only through ``query`` (DuckDB), so memory follows what a page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from conflict_timeline.data import control, engine
from conflict_timeline.data.paths import check_data_dir, resolve_data_dir
from conflict_timeline.data.profile import CURATED, Profile, read_profile
from conflict_timeline.data.store import Progress, open_store, place_label
from conflict_timeline.data.text import fold
from conflict_timeline.data.validate import Problem

__all__ = ["Dataset", "FileCount", "load_dataset", "place_label"]


@dataclass
class FileCount:
    rows_in: int
    accepted: int
    rejected: int


@dataclass
class Dataset:
    """A compiled dataset: reference tables in memory, events in the store (see ``query``)."""

    path: Path
    version: str
    store: Path
    n_events: int
    date_min: dt.date | None
    date_max: dt.date | None
    actors: pd.DataFrame
    places: pd.DataFrame
    eras: pd.DataFrame
    event_types: pd.DataFrame
    control: pd.DataFrame
    has_control: bool
    counts: dict[str, FileCount]
    n_problems: int
    place_synonyms: dict[str, frozenset[str]] = field(repr=False)
    profile: Profile = CURATED

    @cached_property
    def control_changes(self) -> pd.DataFrame:
        """``control.changes`` of the control table, worked out once (read on every map rerun)."""
        return control.changes(self.control)

    @property
    def imported(self) -> bool:
        return self.profile.imported

    @property
    def ok(self) -> bool:
        return self.n_problems == 0

    @property
    def problems(self) -> list[Problem]:
        """Every problem found (loaded on demand: the app pages through them instead)."""
        return problems_page(self, 0, None)

    def all_events(self) -> pd.DataFrame:
        """Every accepted event as one frame — for tests and small data only; pages use ``query``."""
        return engine.query(self.store, "SELECT * FROM events ORDER BY date_start, event_id")


def problems_page(data: Dataset, offset: int, limit: int | None) -> list[Problem]:
    frame = engine.query(
        data.store,
        "SELECT * FROM problems ORDER BY file, line NULLS FIRST LIMIT ? OFFSET ?",
        [limit if limit is not None else 2**62, offset],
    )
    return [
        Problem(f, None if pd.isna(line) else int(line), fld or None, reason, value)
        for f, line, fld, reason, value in frame.itertuples(index=False)
    ]


def load_dataset(
    data_dir: str | Path | None = None, today: dt.date | None = None, progress: Progress | None = None
) -> Dataset:
    """Open the dataset in ``data_dir`` (see ``resolve_data_dir``), compiling its store if needed."""
    path = resolve_data_dir(data_dir)
    check_data_dir(path)
    store, meta = open_store(path, today=today, progress=progress)
    return open_dataset(path, store, meta)


def open_dataset(path: Path, store: Path, meta: dict) -> Dataset:
    def table(name: str) -> pd.DataFrame:
        return engine.query(store, f"SELECT * FROM {name}")

    actors = table("actors")
    profile = read_profile(path)
    actors["side"] = pd.Categorical(actors["side"], categories=profile.side_ids)
    actors = actors.set_index("actor_id", drop=False).rename_axis(None)
    places = table("places")
    places["all_names"] = [v.split("|") if isinstance(v, str) and v else [] for v in places["all_names"]]
    places = places.set_index("place_id", drop=False).rename_axis(None)
    eras = table("eras")
    for column in ("date_start", "date_end"):
        eras[column] = pd.to_datetime(eras[column], format="%Y-%m-%d")
    for column in ("preset", "band", "daily_coverage"):
        eras[column] = eras[column].str.lower() == "true"
    eras["min_events"] = pd.to_numeric(eras["min_events"]).astype("Int64")
    eras = eras.set_index("era_id", drop=False).rename_axis(None)
    event_types = table("event_types").set_index("event_type", drop=False).rename_axis(None)
    return Dataset(
        path=path,
        version=meta["version"],
        store=store,
        n_events=int(meta["events"]),
        date_min=dt.date.fromisoformat(meta["date_min"]) if meta["date_min"] else None,
        date_max=dt.date.fromisoformat(meta["date_max"]) if meta["date_max"] else None,
        actors=actors,
        places=places,
        eras=eras,
        event_types=event_types,
        control=table("control"),
        has_control=bool(meta.get("control")),
        counts={name: FileCount(**c) for name, c in meta["counts"].items()},
        n_problems=int(meta["problems"]),
        place_synonyms=_place_synonyms(places),
        profile=profile,
    )


def _place_synonyms(places: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Every name of a place finds every other name of it (Khankendi -> Stepanakert, Xankəndi…)."""
    synonyms: dict[str, set[str]] = {}
    for names in places["all_names"]:
        folded = {fold(n) for n in names if len(fold(n)) >= 3}
        for name in folded:
            synonyms.setdefault(name, set()).update(folded)
    return {name: frozenset(group) for name, group in synonyms.items()}
