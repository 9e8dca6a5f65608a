"""The map: a pydeck Deck over a bundled offline base layer, legible with no tile server.

What the map shows is fitted to the dataset: its extent (``query.map_extent``) sets the initial
view, the countries drawn (``countries.countries_for``), the density grid's cell size and which
places are labelled, so a Benin, Ukraine or worldwide dataset draws on its own countries.
"""

from __future__ import annotations

import math

import numpy as np
import orjson
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from conflict_timeline.data.text import WORD_JOINER, fold, plain
from conflict_timeline.figures.countries import ASSETS as ASSETS  # re-exported: the data checks read the assets
from conflict_timeline.figures.countries import BBox, countries_for
from conflict_timeline.figures.memo import TextMemo, remembered_texts
from conflict_timeline.figures.palette import SIDE_COLORS, hex_to_rgb, type_color

# The curated dataset's region (Nagorno-Karabakh, Armenia, Azerbaijan, the Iranian border): its
# computed extent lies close to this box, and the default extent of ``build_deck``.
REGION_BBOX = (43.0, 38.2, 51.0, 42.2)  # lon_min, lat_min, lon_max, lat_max
# The map is 620 px high and about 720 px wide beside the sidebar on a laptop: the initial view fits the extent in that.
VIEW_SIZE = (720, 620)
# Offline mode: pydeck's "__MAP_STYLE__" placeholder with no provider makes Streamlit draw no base
# map at all (for map_style=None it would fetch a Carto tile style); our own layers draw the map.
OFFLINE_STYLE = "__MAP_STYLE__"
TILE_STYLES = {"light": "light", "dark": "dark", "road": "road"}
WATER_RGBA = [207, 224, 238, 255]
# Uncertainty radius (m) by geo_precision: a district report is an area, not a dot.
PRECISION_RADIUS = {"exact": 0, "near": 4_000, "district": 12_000, "region": 30_000, "country": 60_000}
# Labels that would sit on a neighbour's go left of (or above) their town instead.
LABEL_PLACEMENT = {
    "shusha": ("end", [-7, 4]),
    "lachin": ("end", [-7, 0]),
    "goris": ("end", [-7, 0]),
    "tartar": ("end", [-7, 0]),
    "nakhchivan": ("end", [-7, 0]),
    "stepanakert": ("middle", [0, -15]),
}
POINT_LIMIT = 5_000  # past this the page draws the density grid (bounded rows, bounded bytes)
TOOLTIP_STYLE = {"maxWidth": "320px", "whiteSpace": "pre-wrap", "fontSize": "12px"}
# Grid cell sizes (degrees) the density view picks from: about 80 cells across the extent.
DENSITY_CELLS = (0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
DENSITY_CELL_DEG = 0.1  # the curated region's cell
# The curated dataset's main towns, labelled when the dataset has them (ids of data/places.csv).
LABEL_PLACES = (
    "stepanakert",
    "shusha",
    "ganja",
    "barda",
    "tartar",
    "aghdam",
    "fuzuli",
    "jabrayil",
    "lachin",
    "kalbajar",
    "goris",
    "kapan",
    "yerevan",
    "baku",
    "martuni-nk",
    "hadrut",
    "martakert",
    "zangilan",
    "qubadli",
    "tovuz",
    "mingachevir",
    "nakhchivan",
    "jermuk",
    "vardenis",
)
LABEL_BUSIEST = 12  # otherwise, at most this many of the dataset's busiest places


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))


def initial_view(extent: BBox, size: tuple[int, int] = VIEW_SIZE) -> dict:
    """Centre and zoom that fit ``extent`` in a map of ``size`` pixels (Web Mercator, 512-px tiles)."""
    x0, y0, x1, y1 = extent
    width, height = size
    zoom_x = math.log2(width * 360 / (512 * max(x1 - x0, 1e-6)))
    zoom_y = math.log2(height * 2 * math.pi / (512 * max(_mercator_y(y1) - _mercator_y(y0), 1e-6)))
    middle = (_mercator_y(y0) + _mercator_y(y1)) / 2
    return {
        "latitude": round(math.degrees(2 * math.atan(math.exp(middle)) - math.pi / 2), 4),
        "longitude": round((x0 + x1) / 2, 4),
        "zoom": round(min(max(min(zoom_x, zoom_y), 0.0), 12.0), 2),
    }


def density_cell(extent: BBox) -> float:
    """The grid cell (degrees) for an extent: the listed size nearest to 1/80 of its longer side."""
    target = max(extent[2] - extent[0], extent[3] - extent[1]) / 80
    return min(DENSITY_CELLS, key=lambda cell: abs(math.log(cell / target)))


def label_places(places: pd.DataFrame, busiest: pd.DataFrame, extent: BBox) -> tuple[str, ...]:
    """Which places to label: the curated towns where the dataset has them; otherwise up to
    ``LABEL_BUSIEST`` of its busiest places inside the extent (``busiest``: place_id, latitude,
    longitude, busiest first), skipping any too close to one already labelled."""
    curated = tuple(p for p in LABEL_PLACES if p in places.index)
    if curated:
        return curated
    x0, y0, x1, y1 = extent
    gap = max(x1 - x0, y1 - y0) / 25  # labels closer than this would overlap at the initial zoom
    chosen: list[tuple[str, float, float]] = []
    for row in busiest.itertuples(index=False):
        if not (x0 <= row.longitude <= x1 and y0 <= row.latitude <= y1) or row.place_id not in places.index:
            continue
        if all(abs(row.longitude - x) > gap or abs(row.latitude - y) > gap for _, x, y in chosen):
            chosen.append((row.place_id, row.longitude, row.latitude))
        if len(chosen) == LABEL_BUSIEST:
            break
    return tuple(p for p, _, _ in chosen)


def deck_text(text: object) -> str:
    """Data text for a map layer: deck.gl's JSON converter reads a string starting with "@@" as an
    expression or class reference (one such title would replace the map with an error), so such
    a string gets an invisible word joiner in front; bidi overrides are dropped."""
    text = plain(text)
    return WORD_JOINER + text if text.startswith("@@") else text


# What ``point_frame`` and its tooltips read: the map asks the engine for these columns only.
POINT_COLUMNS = (
    "event_id, date_start, title, event_type, type_label, place_label, latitude, longitude, geo_precision, "
    "fatalities, verification, actor_names"
)


def tooltip_text(events: pd.DataFrame) -> list[str]:
    """Plain text (the tooltip uses 'text', never 'html', so data cannot inject markup)."""
    out = []
    for row in events.itertuples(index=False):
        toll = "" if pd.isna(row.fatalities) else f"\nFatalities: {int(row.fatalities)} ({row.verification})"
        precision = "" if row.geo_precision == "exact" else f" (location: {row.geo_precision})"
        out.append(
            deck_text(
                f"{row.title}\n{row.date_start:%d %b %Y} · {row.type_label}\n{row.place_label}{precision}"
                f"\n{row.actor_names or ''}\nVerification: {row.verification}{toll}"
            )
        )
    return out


def point_frame(events: pd.DataFrame, tooltip_memo: TextMemo | None = None) -> pd.DataFrame:
    """One row per event to draw; tooltips taken from ``tooltip_memo`` where already made."""
    fat = events["fatalities"].astype("Float64").fillna(0).to_numpy(dtype=float)
    types = events["event_type"].astype(str).tolist()
    colors = {t: hex_to_rgb(type_color(t), 215) for t in set(types)}  # shared lists: never mutated
    frame = pd.DataFrame(
        {
            "event_id": events["event_id"].to_numpy(),
            "lon": events["longitude"].to_numpy(),
            "lat": events["latitude"].to_numpy(),
            "radius": np.clip(1500 + 900 * np.sqrt(fat), 1500, 15000),
            "uncertainty": events["geo_precision"].astype(str).map(PRECISION_RADIUS).to_numpy(),
            "color": [colors[t] for t in types],
            "tooltip": remembered_texts(events, tooltip_text, tooltip_memo),
        }
    )
    return frame


def density_frame(cells: pd.DataFrame, cell: float = DENSITY_CELL_DEG) -> pd.DataFrame:
    """Grid cells binned in the query engine (``query.density_cells``) as coloured squares."""
    if cells.empty:
        return pd.DataFrame(columns=["polygon", "events", "fatalities", "color", "tooltip"])
    grid = cells
    top = max(int(grid["events"].max()), 1)
    frame = pd.DataFrame(
        {
            "polygon": [
                [
                    [x * cell, y * cell],
                    [(x + 1) * cell, y * cell],
                    [(x + 1) * cell, (y + 1) * cell],
                    [x * cell, (y + 1) * cell],
                ]
                for x, y in zip(grid["gx"], grid["gy"])
            ],
            "events": grid["events"],
            "fatalities": grid["fatalities"].astype(int),
        }
    )
    share = np.sqrt(frame["events"] / top)
    # light yellow -> dark red (sequential, colour-blind friendly)
    # yellow -> dark red (sequential, colour-blind friendly), opaque enough to read on the beige land
    frame["color"] = [[int(250 - 110 * s), int(200 - 180 * s), int(60 - 40 * s), int(170 + 80 * s)] for s in share]
    frame["tooltip"] = [
        f"{e} events in this {cell}° cell\n{f} fatalities recorded"
        for e, f in zip(frame["events"], frame["fatalities"])
    ]
    return frame


CONTROL_SIDE_LABELS = {"armenian": "Armenian side", "azerbaijani": "Azerbaijani side"}


def control_frame(holders: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """Tracked places coloured by holder (``control.holders``), with plain-text tooltips.

    Confirmed holdings are filled; a holding that rests on a claim or is disputed is drawn hollow,
    so the difference never depends on colour alone.
    """
    if holders.empty:
        return pd.DataFrame(columns=["place_id", "lon", "lat", "fill", "line", "changed", "tooltip"])
    firm = holders["verification"] == "confirmed"
    colour = [SIDE_COLORS.get(side, "#888888") for side in holders["side"]]
    tooltips = []
    # plain lists: iterating pandas' Arrow-backed strings row by row costs more than the text itself
    fields = ["label", "side", "previous", "date", "date_precision", "how", "event_id", "verification", "claimed_by"]
    rows = zip(*(holders[f].tolist() for f in fields), holders["changed"].tolist())
    for label, side, previous, date, date_precision, how, event_id, verification, claimed_by, changed in rows:
        since = pd.Timestamp(date).strftime({"day": "%d %b %Y", "month": "%b %Y"}.get(date_precision, "%Y"))
        how = "start of the record" if how == "initial" else how.replace("_", " ")
        lines = [
            str(label),
            f"Held by the {CONTROL_SIDE_LABELS.get(side, side)} since {since} ({how})",
        ]
        if isinstance(previous, str) and previous:
            lines.append(f"Before: {CONTROL_SIDE_LABELS.get(previous, previous)}")
        if event_id:
            lines.append(f"Event: {titles.get(event_id, event_id)}")
        status = verification
        if claimed_by:
            status += f" (claimed by {claimed_by.replace(';', ', ')})"
        lines.append(f"Verification: {status}")
        if changed:
            lines.append("Changed hands within the selected range")
        tooltips.append(deck_text("\n".join(lines)))
    return pd.DataFrame(
        {
            "place_id": holders["place_id"].to_numpy(),
            "lon": holders["longitude"].to_numpy(),
            "lat": holders["latitude"].to_numpy(),
            "fill": [hex_to_rgb(c, 235) if f else [255, 255, 255, 235] for c, f in zip(colour, firm)],
            "line": [hex_to_rgb(c, 255) for c in colour],
            "changed": holders["changed"].to_numpy(),
            "tooltip": tooltips,
        }
    )


def _control_layers(frame: pd.DataFrame) -> list[pdk.Layer]:
    return [
        pdk.Layer(  # a dark ring around places that changed hands within the range
            "ScatterplotLayer",
            data=records(frame[frame["changed"]]),
            id="control-changed",
            get_position=["lon", "lat"],
            get_radius=11,
            radius_units=pdk.types.String("pixels"),  # a bare string would become a JS expression
            filled=False,
            stroked=True,
            get_line_color=[20, 20, 20, 230],
            line_width_min_pixels=2,
            pickable=False,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            data=records(frame),
            id="control",
            get_position=["lon", "lat"],
            get_radius=7,
            radius_units=pdk.types.String("pixels"),  # a bare string would become a JS expression
            get_fill_color="fill",
            get_line_color="line",
            stroked=True,
            line_width_min_pixels=2.5,
            pickable=True,
        ),
    ]


def label_characters(labels: pd.DataFrame) -> str:
    """Every character the labels use (ə, ş, ı, Armenian letters…) plus printable ASCII, for the atlas."""
    ascii_chars = "".join(chr(c) for c in range(32, 127))
    return "".join(sorted(set(ascii_chars + "".join(labels["label"]))))


def label_frame(places: pd.DataFrame, ids: tuple[str, ...] = LABEL_PLACES) -> pd.DataFrame:
    """The places ``ids`` labelled with each of their names, e.g. 'Stepanakert / Xankəndi'."""
    rows = places[places["place_id"].isin(ids)]
    labels = []
    for row in rows.itertuples(index=False):
        # keep a form only if it differs from those before it beyond accents (Fuzuli ≈ Füzuli)
        names: dict[str, str] = {}
        for name in (row.name, getattr(row, "name_armenian", ""), getattr(row, "name_azerbaijani", "")):
            if isinstance(name, str) and name and fold(name) not in names:
                names[fold(name)] = name
        labels.append(deck_text(" / ".join(names.values())))
    placement = [LABEL_PLACEMENT.get(pid, ("start", [7, 0])) for pid in rows["place_id"]]
    return pd.DataFrame(
        {
            "lon": rows["longitude"].to_numpy(),
            "lat": rows["latitude"].to_numpy(),
            "label": labels,
            "anchor": [anchor for anchor, _ in placement],
            "offset": [offset for _, offset in placement],
        }
    )


def build_deck(
    points: pd.DataFrame | None,
    cells: pd.DataFrame | None,
    places: pd.DataFrame,
    basemap: str = "offline",
    selected: str | None = None,
    control: pd.DataFrame | None = None,
    extent: BBox = REGION_BBOX,
    label_ids: tuple[str, ...] = LABEL_PLACES,
    tooltip_memo: TextMemo | None = None,
) -> pdk.Deck:
    """The map deck: one marker per event in ``points``, or the density grid ``cells`` when
    ``points`` is None (``query.density_cells`` with ``density_cell(extent)``: the page decides
    which, from the count). ``extent`` (``query.map_extent``) sets the view and the countries drawn;
    ``label_ids`` are the places to name (``label_places``); ``tooltip_memo`` remembers events'
    tooltips between views (``memo.remembered_texts``)."""
    mode = "points" if points is not None else "density"
    countries = countries_for(tuple(extent))
    layers = []
    if basemap == "offline":  # sea and beyond-the-edge background under the borders
        x0, y0, x1, y1 = countries["bbox"]
        layers.append(
            pdk.Layer(
                "PolygonLayer",
                data=[{"polygon": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]}],
                id="water",
                get_polygon="polygon",
                get_fill_color=WATER_RGBA,
                stroked=False,
                pickable=False,
            )
        )
    layers += [
        pdk.Layer(
            "GeoJsonLayer",
            data=countries,
            id="countries",
            stroked=True,
            filled=True,
            get_fill_color=[246, 244, 238, 255],
            get_line_color=[110, 110, 110, 255],
            line_width_min_pixels=1,
            pickable=False,
        )
    ]
    if control is not None and not control.empty:
        layers += _control_layers(control)  # under the events, so events stay clickable
    if mode == "density":
        layers.append(
            pdk.Layer(
                "PolygonLayer",
                data=records(density_frame(cells if cells is not None else pd.DataFrame(), density_cell(extent))),
                id="density",
                get_polygon="polygon",
                get_fill_color="color",
                stroked=False,
                pickable=True,
            )
        )
    else:
        points = point_frame(points, tooltip_memo)
        # one circle per place and precision: stacked translucent circles would darken with the count
        vague = points[points["uncertainty"] > 0].drop_duplicates(["lon", "lat", "uncertainty"])
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=records(vague),
                id="uncertainty",
                get_position=["lon", "lat"],
                get_radius="uncertainty",
                get_fill_color=[120, 120, 120, 18],
                get_line_color=[90, 90, 90, 70],
                stroked=True,
                line_width_min_pixels=1,
                pickable=False,
            )
        )
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                data=records(points),
                id="events",
                get_position=["lon", "lat"],
                get_radius="radius",
                radius_min_pixels=3,
                radius_max_pixels=30,
                get_fill_color="color",
                get_line_color=[255, 255, 255, 230],
                stroked=True,
                line_width_min_pixels=1,
                pickable=True,
                auto_highlight=True,
            )
        )
        if selected is not None:
            chosen = points[points["event_id"] == selected]
            layers.append(
                pdk.Layer(
                    "ScatterplotLayer",
                    data=records(chosen),
                    id="selected",
                    get_position=["lon", "lat"],
                    get_radius="radius",
                    radius_min_pixels=9,
                    filled=False,
                    stroked=True,
                    get_line_color=[0, 0, 0, 255],
                    line_width_min_pixels=3,
                    pickable=False,
                )
            )
    labels = label_frame(places, label_ids)
    layers.append(
        pdk.Layer(
            "TextLayer",
            data=records(labels),
            id="labels",
            get_position=["lon", "lat"],
            get_text="label",
            get_size=12,
            get_color=[30, 30, 30, 255],
            # pydeck turns bare strings into JS expressions: String() keeps these literal. The atlas
            # lists every character the labels use, so ə, ş, ı and Armenian letters are drawn.
            character_set=pdk.types.String(label_characters(labels)),
            get_text_anchor="anchor",
            get_pixel_offset="offset",
            font_family=pdk.types.String("Noto Sans, DejaVu Sans, Arial, sans-serif"),
            # A plain (non-SDF) atlas on a light box: the SDF atlas dropped thin glyphs (i, ı, J).
            font_settings={"sdf": False, "fontSize": 48, "buffer": 10},
            background=True,
            get_background_color=[255, 255, 255, 190],
            background_padding=[3, 1],
            pickable=False,
        )
    )
    deck = pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**initial_view(extent)),
        map_style=OFFLINE_STYLE if basemap == "offline" else TILE_STYLES.get(basemap, "light"),
        map_provider=None if basemap == "offline" else "carto",
        # plain text (never html), wrapped so it stays inside the map
        tooltip={"text": "{tooltip}", "style": TOOLTIP_STYLE},
    )
    return deck


class FrozenDeck(pdk.Deck):
    """A deck serialised once. Streamlit asks for a deck's JSON on every render; a deck shared by
    every session that shows the same view (``freeze``) answers with the same compact string."""

    _frozen = ""

    def to_json(self) -> str:
        return self._frozen


def records(frame: pd.DataFrame) -> list[dict]:
    """A layer's rows as plain dicts, column by column: pydeck would call ``to_dict("records")``,
    which boxes every cell on its own (the costliest step of a map with a thousand events)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def freeze(deck: pdk.Deck) -> FrozenDeck:
    """``deck`` as a FrozenDeck: its JSON made once and compact (orjson, no indentation: about half
    of pydeck's bytes). Its layers hold plain records (``records``), so nothing is left for
    Streamlit to convert in place when sessions' threads share it."""
    text = orjson.dumps(deck, default=default_serialize, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    deck.__class__ = FrozenDeck
    deck._frozen = text
    return deck
