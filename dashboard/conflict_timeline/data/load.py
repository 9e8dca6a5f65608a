"""Load: read the data files, validate them, and build typed, joined pandas tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from conflict_timeline.data.paths import DATA_FILES, check_data_dir, dataset_version, resolve_data_dir
from conflict_timeline.data.schema import DATE_PRECISIONS, GEO_PRECISIONS, ROLES, SIDES, VERIFICATIONS
from conflict_timeline.data.text import fold, fold_series
from conflict_timeline.data.validate import Problem, check_tables, parse_actor_roles, read_table, split_ids


@dataclass
class FileCount:
    rows_in: int
    accepted: int
    rejected: int


@dataclass
class Dataset:
    """Everything the app and the CLI need, typed and joined.

    ``events`` has one row per accepted event (indexed by position) with the place joined
    in and derived columns: ``span_start``/``span_end`` (the whole month or year for coarse
    dates), ``actor_ids``, ``actor_names``, ``side`` (the initiator's side, for lanes),
    ``claimed_by_ids``, ``sources`` (list of dicts) and ``search_text`` (folded for search).
    ``event_actors`` is the long table event_id, actor_id, role.
    """

    path: Path
    version: str
    events: pd.DataFrame
    event_actors: pd.DataFrame
    sources: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    eras: pd.DataFrame
    event_types: pd.DataFrame
    problems: list[Problem]
    counts: dict[str, FileCount]
    place_synonyms: dict[str, frozenset[str]]  # folded name -> folded names of the same place

    @property
    def ok(self) -> bool:
        return not self.problems


def load_dataset(data_dir: str | Path | None = None, today: dt.date | None = None) -> Dataset:
    """Read, validate and type the dataset in ``data_dir`` (see ``resolve_data_dir``)."""
    path = resolve_data_dir(data_dir)
    check_data_dir(path)
    tables = {name: read_table(path / name) for name in DATA_FILES}
    checked = check_tables(tables, today=today)
    accepted = {
        name: table.frame.drop(index=sorted(checked.rejected[name])).reset_index(drop=True)
        for name, table in tables.items()
    }
    counts = {
        name: FileCount(
            rows_in=len(table.frame) + sum(1 for p in table.problems if p.line and p.line > 1),
            accepted=len(accepted[name]),
            rejected=len(checked.rejected[name]) + sum(1 for p in table.problems if p.line and p.line > 1),
        )
        for name, table in tables.items()
    }
    actors = _type_actors(accepted["actors.csv"])
    places = _type_places(accepted["places.csv"])
    event_types = accepted["event_types.csv"].set_index("event_type", drop=False).rename_axis(None)
    eras = _type_eras(accepted["eras.csv"])
    sources = accepted["sources.csv"].copy()
    sources["published"] = pd.to_datetime(sources["published"], format="%Y-%m-%d", errors="coerce")
    events, event_actors = _type_events(accepted["events.csv"], actors, places, event_types, sources)
    return Dataset(
        path=path,
        version=dataset_version(path),
        events=events,
        event_actors=event_actors,
        sources=sources,
        actors=actors,
        places=places,
        eras=eras,
        event_types=event_types,
        problems=checked.problems,
        counts=counts,
        place_synonyms=_place_synonyms(places),
    )


def _type_actors(frame: pd.DataFrame) -> pd.DataFrame:
    actors = frame.copy()
    actors["side"] = pd.Categorical(actors["side"], categories=SIDES)
    return actors.set_index("actor_id", drop=False).rename_axis(None)


def _type_places(frame: pd.DataFrame) -> pd.DataFrame:
    places = frame.copy()
    places["latitude"] = places["latitude"].astype(float)
    places["longitude"] = places["longitude"].astype(float)
    places["all_names"] = [
        _place_names(row)
        for row in places[["name", "name_armenian", "name_azerbaijani", "alt_names"]].itertuples(index=False)
    ]
    places["label"] = [
        place_label({"name": n, "name_armenian": hy, "name_azerbaijani": az})
        for n, hy, az in zip(places["name"], places["name_armenian"], places["name_azerbaijani"])
    ]
    return places.set_index("place_id", drop=False).rename_axis(None)


def _place_synonyms(places: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Every name of a place finds every other name of it (Khankendi -> Stepanakert, Xankəndi…)."""
    synonyms: dict[str, set[str]] = {}
    for names in places["all_names"]:
        folded = {fold(n) for n in names if len(fold(n)) >= 3}
        for name in folded:
            synonyms.setdefault(name, set()).update(folded)
    return {name: frozenset(group) for name, group in synonyms.items()}


def _place_names(row) -> list[str]:
    names = [row.name, row.name_armenian, row.name_azerbaijani, *row.alt_names.split("|")]
    out: list[str] = []
    for name in (n.strip() for n in names):
        if name and name not in out:
            out.append(name)
    return out


def place_label(place) -> str:
    """'Stepanakert (Xankəndi)': the primary name with the other side's name where it differs."""
    others = [n for n in (place["name_armenian"], place["name_azerbaijani"]) if n and n != place["name"]]
    return f"{place['name']} ({' / '.join(others)})" if others else str(place["name"])


def _type_eras(frame: pd.DataFrame) -> pd.DataFrame:
    eras = frame.copy()
    for column in ("date_start", "date_end"):
        eras[column] = pd.to_datetime(eras[column], format="%Y-%m-%d")
    for column in ("preset", "band", "daily_coverage"):
        eras[column] = eras[column].str.lower() == "true"
    eras["min_events"] = pd.to_numeric(eras["min_events"]).astype("Int64")
    return eras.set_index("era_id", drop=False).rename_axis(None)


def span_end(start: pd.Series, end: pd.Series, precision: pd.Series) -> pd.Series:
    """Last day an event covers: date_end, else the start's day, month or year."""
    month_end = start + pd.offsets.MonthEnd(0)
    year_end = start + pd.offsets.YearEnd(0)
    implied = start.where(precision == "day", month_end.where(precision == "month", year_end))
    return end.fillna(implied).where(end.isna() | (end >= implied), implied)


def _type_events(
    frame: pd.DataFrame,
    actors: pd.DataFrame,
    places: pd.DataFrame,
    event_types: pd.DataFrame,
    sources: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    ev = frame.copy()
    ev["date_start"] = pd.to_datetime(ev["date_start"], format="%Y-%m-%d")
    ev["date_end"] = pd.to_datetime(ev["date_end"].replace("", None), format="%Y-%m-%d")
    ev["span_start"] = ev["date_start"]
    ev["span_end"] = span_end(ev["date_start"], ev["date_end"], ev["date_precision"])
    for column in ("fatalities", "fatalities_low", "fatalities_high"):
        ev[column] = pd.to_numeric(ev[column].replace("", None)).astype("Int64")
    ev["date_precision"] = pd.Categorical(ev["date_precision"], categories=DATE_PRECISIONS)
    ev["geo_precision"] = pd.Categorical(ev["geo_precision"], categories=GEO_PRECISIONS)
    ev["verification"] = pd.Categorical(ev["verification"], categories=VERIFICATIONS)
    ev["event_type"] = pd.Categorical(ev["event_type"], categories=list(event_types.index))

    pairs = [parse_actor_roles(cell) for cell in ev["actors"]]
    event_actors = pd.DataFrame(
        [(eid, a, r) for eid, plist in zip(ev["event_id"], pairs) for a, r in plist],
        columns=["event_id", "actor_id", "role"],
    )
    event_actors["role"] = pd.Categorical(event_actors["role"], categories=ROLES)
    short = actors["short_name"].to_dict()
    side = actors["side"].astype(str).to_dict()
    ev["actor_ids"] = [[a for a, _ in plist] for plist in pairs]
    ev["actor_roles"] = [[r for _, r in plist] for plist in pairs]
    ev["actor_names"] = [[short.get(a, a) for a, _ in plist] for plist in pairs]
    ev["side"] = pd.Categorical([_lane_side(plist, side) for plist in pairs], categories=SIDES)
    ev["claimed_by_ids"] = [split_ids(cell) for cell in ev["claimed_by"]]

    place_cols = places[
        [
            "name",
            "latitude",
            "longitude",
            "country",
            "district",
            "all_names",
            "name_armenian",
            "name_azerbaijani",
            "label",
        ]
    ].rename(
        columns={"name": "place_name", "country": "place_country", "district": "place_district", "label": "place_label"}
    )
    ev = ev.join(place_cols, on="place_id")
    ev["type_label"] = ev["event_type"].map(event_types["label"].to_dict()).astype(str)
    ev["acled_event_type"] = ev["event_type"].map(event_types["acled_event_type"].to_dict()).astype(str)

    by_event: dict[str, list[dict]] = {}
    for eid, url, publisher, published in zip(
        sources["event_id"], sources["url"], sources["publisher"], sources["published"]
    ):
        by_event.setdefault(eid, []).append({"url": url, "publisher": publisher, "published": published})
    ev["sources"] = [by_event.get(eid, []) for eid in ev["event_id"]]
    # Fold each actor's and place's names once, then the event texts in one vectorised pass.
    actor_text = {a: fold(f"{short.get(a, '')} {n}") for a, n in actors["name"].items()}
    place_text = {p: fold(" ".join(names)) for p, names in places["all_names"].items()}
    own_text = fold_series(ev["title"] + " " + ev["summary"])
    ev["search_text"] = [
        " ".join([own, place_text.get(place, ""), *(actor_text.get(a, "") for a in ids)])
        for own, place, ids in zip(own_text, ev["place_id"], ev["actor_ids"])
    ]
    ev = ev.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)
    return ev, event_actors


def _lane_side(pairs: list[tuple[str, str]], side: dict[str, str]) -> str:
    """The side an event is drawn under: its initiator's, else its first actor's."""
    for actor, role in pairs:
        if role == "initiator" and actor in side:
            return side[actor]
    for actor, _ in pairs:
        if actor in side:
            return side[actor]
    return "international"
