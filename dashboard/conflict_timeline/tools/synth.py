"""Write a valid synthetic dataset with the real schema, for benchmarks and stress tests.

It reuses the shipped actors, places, eras and event types (so real ids work in links) and adds
synthetic places spread over the region so that the map is really stressed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from conflict_timeline.data.paths import resolve_data_dir
from conflict_timeline.data.schema import COLUMNS, GEO_PRECISIONS, ROLES

SYNTHETIC_PLACES = 400
REGION = (44.0, 38.5, 49.5, 41.8)  # lon_min, lat_min, lon_max, lat_max


def write_synthetic(out: str | Path, events: int, seed: int = 20200927, base: str | Path | None = None) -> Path:
    """Write ``events`` synthetic events into the new or empty directory ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; synth writes into a new or empty directory")
    if events < 1:
        raise ValueError("--events must be at least 1")
    out.mkdir(parents=True, exist_ok=True)
    base_dir = resolve_data_dir(base)
    rng = np.random.default_rng(seed)
    for name in ("actors.csv", "eras.csv", "event_types.csv"):
        shutil.copy(base_dir / name, out / name)
    places = pd.read_csv(base_dir / "places.csv", dtype=str, keep_default_na=False)
    lon0, lat0, lon1, lat1 = REGION
    extra = pd.DataFrame(
        {
            "place_id": [f"synth-place-{i:04d}" for i in range(SYNTHETIC_PLACES)],
            "name": [f"Synthetic place {i}" for i in range(SYNTHETIC_PLACES)],
            "name_armenian": "",
            "name_azerbaijani": "",
            "alt_names": "",
            "latitude": np.round(rng.uniform(lat0, lat1, SYNTHETIC_PLACES), 4).astype(str),
            "longitude": np.round(rng.uniform(lon0, lon1, SYNTHETIC_PLACES), 4).astype(str),
            "coord_source": "synthetic",
            "district": "",
            "country": "AZ",
        }
    )
    places = pd.concat([places, extra], ignore_index=True)
    places.to_csv(out / "places.csv", index=False, columns=list(COLUMNS["places.csv"]), lineterminator="\n")

    actor_ids = pd.read_csv(base_dir / "actors.csv", dtype=str, keep_default_na=False)["actor_id"].to_numpy()
    types = pd.read_csv(base_dir / "event_types.csv", dtype=str)["event_type"].to_numpy()
    place_ids = places["place_id"].to_numpy()
    # written in chunks, so that ten million events need no more memory than one chunk
    for first in range(0, events, CHUNK):
        n = min(CHUNK, events - first)
        frame, sources = _chunk(rng, first, n, actor_ids, types, place_ids)
        header = first == 0
        frame.to_csv(out / "events.csv", index=False, lineterminator="\n", mode="w" if header else "a", header=header)
        mode = "w" if header else "a"
        sources.to_csv(out / "sources.csv", index=False, lineterminator="\n", mode=mode, header=header)
    return out


CHUNK = 250_000


def _chunk(rng, first: int, events: int, actor_ids, types, place_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    start = np.datetime64("1988-02-20")
    days = int((np.datetime64("2025-12-01") - start).astype(int))
    # weight the years of war, as real records are
    offsets = np.where(rng.random(events) < 0.5, rng.integers(0, days, events), rng.integers(11_907, 11_952, events))
    dates = pd.to_datetime(start + offsets.astype("timedelta64[D]")).strftime("%Y-%m-%d")
    ids = dates + "-synth-" + pd.Index(np.arange(first, first + events)).astype(str)
    n_actors = rng.integers(1, 4, events)
    actors = [
        ";".join(f"{a}:{ROLES[r]}" for a, r in zip(rng.choice(actor_ids, k, replace=False), rng.integers(0, 4, k)))
        for k in n_actors
    ]
    verification = rng.choice(["confirmed", "claimed", "disputed"], events, p=[0.5, 0.3, 0.2])
    claimed_by = np.where(verification == "claimed", rng.choice(actor_ids, events), "")
    fatalities = np.where(rng.random(events) < 0.4, rng.integers(0, 60, events).astype(str), "")
    numbers = np.arange(first, first + events).astype(str)
    frame = pd.DataFrame(
        {
            "event_id": ids,
            "date_start": dates,
            "date_end": "",
            "date_precision": "day",
            "title": np.char.add("Synthetic event ", numbers),
            "summary": "A synthetic event for benchmarks; it did not happen.",
            "event_type": rng.choice(types, events),
            "actors": actors,
            "place_id": rng.choice(place_ids, events),
            "geo_precision": rng.choice(GEO_PRECISIONS, events, p=[0.6, 0.15, 0.15, 0.07, 0.03]),
            "fatalities": fatalities,
            "fatalities_low": "",
            "fatalities_high": "",
            "claimed_by": claimed_by,
            "verification": verification,
        }
    )
    sources = pd.DataFrame(
        {
            "event_id": ids,
            "url": "https://example.org/synthetic/" + pd.Index(ids),
            "publisher": "Synthetic",
            "published": "",
        }
    )
    return frame, sources
