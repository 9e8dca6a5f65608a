"""Build the bundled offline base maps from Natural Earth country borders.

The map must be legible with no tile server. Natural Earth admin-0 countries (public domain) ship
in the npm package world-atlas (ISC licence, © Michael Bostock) as TopoJSON; this script decodes
them into GeoJSON under ``figures/assets`` so nothing needs npm at install or test time:

- ``world_countries_110m.geojson`` and ``world_countries_50m.geojson``: every country, each with
  its name, ISO 3166 numeric code and bounding box (the map cuts them to a dataset's extent);
- ``region_countries.geojson``: the 1:50m borders clipped to the South Caucasus (the shipped
  dataset's checks test each place against its country with it).

::

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    python -m conflict_timeline.tools.basemap package
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conflict_timeline.figures.countries import ASSETS, clip_polygons

# lon_min, lat_min, lon_max, lat_max: the South Caucasus with its neighbours' edges.
BBOX = (38.0, 35.5, 53.5, 45.5)
OUT = ASSETS / "region_countries.geojson"
SOURCE = "Natural Earth {scale} admin-0 countries (public domain) via world-atlas 2.0.2 (ISC)"
# Rounding: 0.001° is ~110 m, finer than a 1:50m line can place a border.
DIGITS = {"110m": 3, "50m": 3}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale = topology["transform"]["scale"]
    translate = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring_from(arc_ids: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in arc_ids:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points if not ring else points[1:])
    return ring


def across_antimeridian(polygon: list[list[tuple[float, float]]]) -> list[list[list[tuple[float, float]]]]:
    """A polygon that crosses ±180° (Chukotka, Fiji) as copies to clip at ±180°: world-atlas keeps
    such rings unbroken, jumping from 180° to -180°, which a flat map would draw as a band around
    the world. Each ring is made continuous and repeated 360° east and west; clipping to the world
    keeps the right piece of each. A ring around a pole (Antarctica) is left as it is."""
    if not any(abs(b[0] - a[0]) > 180 for ring in polygon for a, b in zip(ring, ring[1:])):
        return [polygon]
    unwrapped = []
    for ring in polygon:
        out = [ring[0]]
        for x, y in ring[1:]:
            x += 360 * round((out[-1][0] - x) / 360)  # the copy of x nearest the previous point
            out.append((x, y))
        if abs(out[-1][0] - out[0][0]) > 180:  # it winds round the globe: a polar ring
            return [polygon]
        unwrapped.append(out)
    return [[[(x + shift, y) for x, y in ring] for ring in unwrapped] for shift in (-360, 0, 360)]


def countries(topology: dict) -> list[tuple[dict, list]]:
    """(properties, MultiPolygon coordinates) of every country of a world-atlas topology."""
    arcs = decode_arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue  # a few tiny entries carry no geometry at this scale
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [
            piece for polygon in polygons for piece in across_antimeridian([ring_from(ring, arcs) for ring in polygon])
        ]
        out.append(({"name": geometry["properties"]["name"], "iso_n3": geometry.get("id", "")}, coordinates))
    return out


def build(
    topology: dict, bbox: tuple[float, float, float, float] = BBOX, digits: int = 4, scale: str = "1:50m"
) -> dict:
    """Every country of ``topology`` clipped to ``bbox``, each with its own bounding box."""
    features = []
    for properties, coordinates in countries(topology):
        clipped = clip_polygons(coordinates, bbox, digits)
        if not clipped:
            continue
        xs = [x for polygon in clipped for ring in polygon for x, _ in ring]
        ys = [y for polygon in clipped for ring in polygon for _, y in ring]
        features.append(
            {
                "type": "Feature",
                "bbox": [min(xs), min(ys), max(xs), max(ys)],
                "properties": properties,
                "geometry": {"type": "MultiPolygon", "coordinates": clipped},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": SOURCE.format(scale=scale),
        "bbox": list(bbox),
        "features": features,
    }


def write(collection: dict, path: Path) -> None:
    path.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size:,} bytes, {len(collection['features'])} countries)")


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    package = Path(args[0])
    world = (-180.0, -90.0, 180.0, 90.0)
    for resolution, digits in DIGITS.items():
        topology = json.loads((package / f"countries-{resolution}.json").read_text())
        write(build(topology, world, digits, f"1:{resolution}"), ASSETS / f"world_countries_{resolution}.geojson")
    write(build(json.loads((package / "countries-50m.json").read_text())), OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
