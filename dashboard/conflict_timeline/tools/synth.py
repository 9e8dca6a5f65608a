"""Write a valid synthetic dataset with the real schema, for benchmarks and stress tests.

It reuses the shipped actors, places, eras and event types (so real ids work in links) and adds
synthetic places spread over the region so that the map is really stressed.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from conflict_timeline.data.paths import resolve_data_dir
from conflict_timeline.data.schema import COLUMNS, GEO_PRECISIONS, ROLES
from conflict_timeline.importers.acled import EXPORT_COLUMNS

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


# --- ACLED export layout (issue 9): a large file for the importer's scale test ------------------
# Invented rows in the 31-column Data Export Tool layout, shaped like real exports: dates as
# '28 December 2022', literal NA cells, numeric inter codes, several outlets per source, notes with
# commas, quotes and the odd newline, Unix timestamps, and a few events exported twice.

ACLED_HEADER = EXPORT_COLUMNS
# name, ISO numeric, ISO3, (lon_min, lat_min, lon_max, lat_max): a few neighbours, as one export holds
ACLED_COUNTRIES = (
    ("Benin", "204", "BEN", (1.0, 6.3, 3.6, 12.3)),
    ("Burkina Faso", "854", "BFA", (-5.4, 9.5, 2.3, 15.0)),
    ("Mali", "466", "MLI", (-12.0, 10.2, 4.2, 24.9)),
    ("Niger", "562", "NER", (0.2, 11.7, 15.9, 23.4)),
    ("Nigeria", "566", "NGA", (2.7, 4.3, 14.6, 13.8)),
)
ACLED_LOCATIONS = 10_000
ACLED_ACTORS = 3_000
ACLED_OUTLETS = 400
ACLED_DUPLICATES = 0.03  # share of rows that repeat an earlier event with a later timestamp
ACLED_CHUNK = 20_000
# (disorder, event type, sub-event type, inter codes of actor 1, of actor 2 (0: none), weight)
ACLED_TYPES = (
    ("Political violence", "Battles", "Armed clash", (1, 2, 3, 4), (1, 2, 3, 4), 18),
    ("Political violence", "Battles", "Government regains territory", (1,), (2, 3), 1),
    ("Political violence", "Battles", "Non-state actor overtakes territory", (2, 3), (1,), 1),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", (2, 3), (1, 7), 5),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", (1, 8), (2, 3, 7), 3),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack", (1, 2), (1, 2), 2),
    ("Political violence", "Violence against civilians", "Attack", (1, 2, 3, 4), (7,), 20),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance", (2, 3, 4), (7,), 6),
    ("Political violence", "Violence against civilians", "Sexual violence", (3, 4), (7,), 1),
    ("Demonstrations", "Protests", "Peaceful protest", (6,), (0,), 15),
    ("Demonstrations", "Protests", "Protest with intervention", (6,), (1,), 3),
    ("Demonstrations", "Riots", "Mob violence", (5,), (7, 5), 12),
    ("Demonstrations", "Riots", "Violent demonstration", (5,), (0, 1), 4),
    ("Strategic developments", "Strategic developments", "Arrests", (1,), (7, 2, 3), 5),
    ("Strategic developments", "Strategic developments", "Looting/property destruction", (2, 3, 4), (7,), 2),
    ("Strategic developments", "Strategic developments", "Change to group/activity", (2, 3), (0,), 1),
    ("Strategic developments", "Strategic developments", "Other", (1, 2), (0,), 1),
)
_SYLLABLES = [
    "ba",
    "ko",
    "ta",
    "ri",
    "ma",
    "dou",
    "sa",
    "ni",
    "ga",
    "lo",
    "be",
    "ke",
    "zi",
    "an",
    "ou",
    "yo",
    "fa",
    "tchi",
    "gou",
    "ra",
    "di",
    "mo",
    "na",
    "we",
    "ka",
    "bo",
]
_GROUPS = {  # inter code → name patterns for that actor category ({c}: country, {n}: an invented name)
    1: ("Military Forces of {c} ({y}-)", "Police Forces of {c} ({y}-)", "Gendarmerie of {c} ({y}-)"),
    2: ("{n} Liberation Front", "{n} Revolutionary Army", "Islamic State {n} Province"),
    3: ("Unidentified Armed Group ({c})", "{n} Militia", "Vigilante Group ({c})", "{n} Self-Defence Group"),
    4: ("{n} Communal Militia ({c})", "{n} Ethnic Militia ({c})", "Dozo Communal Militia ({c})"),
    5: ("Rioters ({c})", "{n} Youth Rioters ({c})"),
    6: ("Protesters ({c})", "{n} Students ({c})", "Teachers ({c})", "Traders ({c})"),
    7: ("Civilians ({c})", "Farmers ({c})", "Pastoralists ({c})", "{n} Ethnic Group ({c})", "Women ({c})"),
    8: ("Unidentified Military Forces", "{n} Private Security Forces", "MINUSMA: United Nations Mission ({y}-)"),
}
_NOTE_PARTS = (
    "Armed men on motorbikes attacked the village of {loc}, {adm}",
    'Residents said the assailants "came at night" and set fire to several huts',
    "Security forces were deployed to the area, and an investigation was opened",
    "The report, which could not be independently verified, gives no further detail",
    "One person was reported wounded; others fled towards {loc}",
    'A local official described the situation as "tense but under control"',
    "The attackers took livestock, motorbikes and food stocks before leaving",
    "Traders closed their shops, citing the insecurity on the road to {loc}",
    "Demonstrators blocked the main road, demanding the release of a detained leader",
    "The group claimed responsibility in a statement, saying it targeted 'collaborators'",
    "Fatalities are coded as reported by the source; figures may differ elsewhere",
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _acled_name(rng: np.random.Generator) -> str:
    return "".join(rng.choice(_SYLLABLES, rng.integers(2, 4))).capitalize()


def _acled_world(rng: np.random.Generator) -> dict:
    """Locations, actors and outlets, drawn once: their ids are reused by every row."""
    regions = [[_acled_name(rng) for _ in range(12)] for _ in ACLED_COUNTRIES]  # admin1 names per country
    places = []
    for i in range(ACLED_LOCATIONS):
        country = int(rng.integers(0, len(ACLED_COUNTRIES)))
        lon0, lat0, lon1, lat1 = ACLED_COUNTRIES[country][3]
        places.append(
            (
                country,
                regions[country][int(rng.integers(0, 12))],
                f"{_acled_name(rng)} Department",
                "NA" if rng.random() < 0.8 else f"{_acled_name(rng)} Commune",
                _acled_name(rng) + (f" {i}" if rng.random() < 0.3 else ""),
                f"{rng.uniform(lat0, lat1):.4f}",
                f"{rng.uniform(lon0, lon1):.4f}",
            )
        )
    actors: dict[tuple[int, int], list[str]] = {}  # (inter, country) → names, each pair given at least one
    pairs = [(i, c) for i in _GROUPS for c in range(len(ACLED_COUNTRIES))]
    distinct: set[str] = set()
    while len(distinct) < ACLED_ACTORS:  # generic names ('Civilians (Mali)') recur, and so weigh more
        k = len(distinct)
        inter, country = pairs[k] if k < len(pairs) else (int(rng.integers(1, 9)), int(rng.integers(0, 5)))
        pattern = rng.choice(_GROUPS[inter])
        name = pattern.format(c=ACLED_COUNTRIES[country][0], n=_acled_name(rng), y=rng.choice([2016, 2019, 2021]))
        actors.setdefault((inter, country), []).append(name)
        distinct.add(name)
    outlets = [f"{_acled_name(rng)} {rng.choice(['Info', 'FM', 'Matin', 'Times', 'Press'])}" for _ in range(60)]
    outlets += [f"{_acled_name(rng)} Radio {i}" for i in range(ACLED_OUTLETS - 60)]
    outlets[:3] = ["Undisclosed Source", "AFP", "Xinhua"]
    return {"places": places, "actors": actors, "outlets": outlets}


def write_acled_csv(out: str | Path, events: int, seed: int = 20200927) -> Path:
    """Write ``events`` invented rows in ACLED's 31-column export layout to the CSV file ``out``.

    Streamed in chunks: ten million rows need no more memory than one chunk.
    """
    import csv

    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists; synth writes a new file")
    if events < 1:
        raise ValueError("--events must be at least 1")
    rng = np.random.default_rng(seed)
    world = _acled_world(rng)
    places, actors, outlets = world["places"], world["actors"], world["outlets"]
    weights = np.array([t[-1] for t in ACLED_TYPES], float)
    weights /= weights.sum()
    first_day, last_day = dt.date(2018, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal()
    issued: list[list[str]] = []  # a sample of rows written, each exported again once at most
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ACLED_HEADER)
        for start in range(0, events, ACLED_CHUNK):
            n = min(ACLED_CHUNK, events - start)
            rows = _acled_chunk(rng, start, n, events, places, actors, outlets, weights, first_day, last_day)
            again, later, more = rng.random(n).tolist(), rng.integers(3_600, 90 * 86_400, n).tolist(), rng.random(n)
            for k, row in enumerate(rows):
                if issued and again[k] < ACLED_DUPLICATES:  # an earlier event exported again, amended later
                    pick = int(later[k]) % len(issued)
                    issued[pick], issued[-1] = issued[-1], issued[pick]
                    old = list(issued.pop())
                    old[30] = str(int(old[30]) + later[k])
                    old[28] = str(int(old[28]) + int(more[k] < 0.3))
                    rows[k] = old
                elif again[k] > 0.95 and len(issued) < 50_000:
                    issued.append(row)
            writer.writerows(rows)
    return out


def _acled_chunk(rng, start, n, total, places, actors, outlets, weights, first_day, last_day) -> list[list[str]]:
    # every random draw for the chunk at once (a draw per cell in Python would take minutes)
    ordinal = last_day - ((np.arange(start, start + n) * (last_day - first_day)) // max(total, 1))  # newest first
    types = rng.choice(len(ACLED_TYPES), n, p=weights)
    where = rng.integers(0, len(places), n)
    fatalities = np.where(rng.random(n) < 0.72, 0, rng.geometric(0.25, n)).tolist()
    delay = rng.integers(86_400, 60 * 86_400, n).tolist()  # coded a day to two months after the event
    u = rng.random((n, 8)).tolist()
    picks = rng.integers(0, 1 << 30, (n, 6)).tolist()
    outlet = (rng.zipf(1.6, (n, 3)) % len(outlets)).tolist()
    n_outlets = rng.integers(1, 4, n).tolist()
    n_parts = rng.integers(2, 5, n).tolist()
    order = np.argsort(rng.random((n, len(_NOTE_PARTS))), axis=1)[:, :4].tolist()
    precision = rng.integers(2, 4, (n, 2)).tolist()
    rows = []
    for i in range(n):
        disorder, etype, sub, inters1, inters2, _ = ACLED_TYPES[types[i]]
        country, admin1, admin2, admin3, location, lat, lon = places[where[i]]
        cname, iso, iso3, _ = ACLED_COUNTRIES[country]
        day = dt.date.fromordinal(int(ordinal[i]))
        r, pk = u[i], picks[i]
        inter1 = inters1[pk[0] % len(inters1)]
        inter2 = inters2[pk[1] % len(inters2)]
        actor1 = _pick_actor(actors, inter1, country, pk[2])
        actor2 = _pick_actor(actors, inter2, country, pk[3]) if inter2 else "NA"
        assoc1 = _assoc(actors, inter1, country, pk[4], r[0] < 0.3, r[1] < 0.2)
        assoc2 = _assoc(actors, inter2, country, pk[5], inter2 and r[2] < 0.4, r[1] < 0.2)
        interaction = f"{min(inter1, inter2)}{max(inter1, inter2)}" if inter2 else f"{inter1}0"
        source = "; ".join(dict.fromkeys(outlets[j] for j in outlet[i][: n_outlets[i]]))
        text = ". ".join(_NOTE_PARTS[p].format(loc=location, adm=admin2) for p in order[i][: n_parts[i]])
        date = f"{day.day:02d} {_MONTHS[day.month - 1]} {day.year}"
        sep = "\n" if r[3] < 0.02 else " "
        notes = f"On {date},{sep}{text[0].lower()}{text[1:]}. [size=no report]"
        rows.append(
            [
                f"{iso3}{start + i + 1}",
                date,
                str(day.year),
                "1" if r[4] < 0.9 else str(precision[i][0]),
                disorder,
                etype,
                sub,
                actor1,
                assoc1,
                str(inter1),
                actor2,
                assoc2,
                str(inter2),
                interaction,
                "Civilian targeting" if etype == "Violence against civilians" else "NA",
                iso,
                "Western Africa",
                cname,
                admin1,
                admin2,
                admin3,
                location,
                lat,
                lon,
                "1" if r[5] < 0.75 else str(precision[i][1]),
                source,
                _SCALES[int(r[6] * len(_SCALES))],
                notes,
                str(fatalities[i]),
                "crowd size=no report" if etype == "Protests" else "NA",
                str((int(ordinal[i]) - _EPOCH) * 86_400 + delay[i]),
            ]
        )
    return rows


_SCALES = ("National", "Local partner-Other", "Subnational", "International", "National-Regional")
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _pick_actor(actors, inter: int, country: int, pick: int) -> str:
    names = actors[(inter, country)]
    return names[pick % len(names)]


def _assoc(actors, inter: int, country: int, pick: int, present: bool, two: bool) -> str:
    if not present:
        return "NA"
    names = [_pick_actor(actors, inter, country, pick)]
    if two:
        names.append(_pick_actor(actors, 7, country, pick >> 8))
    return "; ".join(dict.fromkeys(names))
