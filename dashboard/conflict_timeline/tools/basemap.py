"""Build the bundled offline base map: Natural Earth country borders clipped to the region.

The map must be legible with no tile server. Natural Earth (public domain) ships in the npm
package world-atlas as TopoJSON; this script decodes it and clips it to the region, writing
``figures/assets/region_countries.geojson`` so nothing needs npm at install or test time::

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz
    python -m conflict_timeline.tools.basemap package/countries-50m.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# lon_min, lat_min, lon_max, lat_max: the South Caucasus with its neighbours' edges.
BBOX = (38.0, 35.5, 53.5, 45.5)
OUT = Path(__file__).resolve().parents[1] / "figures" / "assets" / "region_countries.geojson"


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


def clip_ring(ring: list[tuple[float, float]], bbox: tuple[float, float, float, float]):
    """Sutherland–Hodgman clipping of one ring against the bounding box."""
    x0, y0, x1, y1 = bbox
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cross_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cross_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cross_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cross_y(a, b, y1)),
    ]
    out = ring
    for inside, cross in edges:
        if not out:
            break
        src, out = out, []
        prev = src[-1]
        for point in src:
            if inside(point):
                if not inside(prev):
                    out.append(cross(prev, point))
                out.append(point)
            elif inside(prev):
                out.append(cross(prev, point))
            prev = point
    return out


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def build(topology: dict) -> dict:
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry.get("arcs", [])]
        clipped = []
        for polygon in polygons:
            rings = [clip_ring(ring_from(ring, arcs), BBOX) for ring in polygon]
            rings = [[[round(x, 4), round(y, 4)] for x, y in ring] for ring in rings if len(ring) >= 3]
            if rings:
                for ring in rings:
                    ring.append(ring[0])
                clipped.append(rings)
        if clipped:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": geometry["properties"]["name"], "iso_n3": geometry.get("id", "")},
                    "geometry": {"type": "MultiPolygon", "coordinates": clipped},
                }
            )
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m admin-0 countries (public domain) via world-atlas 2.0.2",
        "bbox": list(BBOX),
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    topology = json.loads(Path(args[0]).read_text())
    collection = build(topology)
    OUT.write_text(json.dumps(collection, separators=(",", ":")))
    names = ", ".join(f["properties"]["name"] for f in collection["features"])
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {names}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
