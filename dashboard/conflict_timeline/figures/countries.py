"""The bundled country borders, cut to the part of the world a dataset's map shows.

The assets (``figures/assets``, built by ``conflict_timeline.tools.basemap``) are Natural Earth
admin-0 countries (public domain) decoded from the world-atlas package (ISC): the whole world at
1:110m for world-scale maps and at 1:50m for regional ones. A map draws only the countries near
its extent, clipped to a frame around it, so the browser receives a few hundred kilobytes at most.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets"
WORLD_FRAME = (-180.0, -85.0, 180.0, 85.0)  # Web Mercator stops short of the poles
# Past this many degrees across, a frame is drawn from the 1:110m borders (1:50m is too heavy).
COARSE_SPAN = 90.0

Point = tuple[float, float]
BBox = tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


@cache
def world_countries(resolution: str) -> dict:
    """The bundled world borders at ``"110m"`` or ``"50m"`` (a GeoJSON FeatureCollection)."""
    return json.loads((ASSETS / f"world_countries_{resolution}.geojson").read_text())


def clip_ring(ring: list[Point], bbox: BBox) -> list[Point]:
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


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_polygons(polygons: list, bbox: BBox, digits: int) -> list:
    """A MultiPolygon's coordinates clipped to ``bbox`` (closed rings, rounded; empty rings dropped)."""
    clipped = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            points = clip_ring([(x, y) for x, y in ring], bbox)
            points = _dedupe([(round(x, digits), round(y, digits)) for x, y in points])
            if len(points) >= 3:
                rings.append([list(p) for p in points] + [list(points[0])])
        if rings and len(rings[0]) >= 4:  # a polygon whose outer ring vanished has nothing to draw
            clipped.append(rings)
    return clipped


def _dedupe(points: list[Point]) -> list[Point]:
    """Drop repeats that rounding made (consecutive, and a closing point equal to the first)."""
    out: list[Point] = []
    for point in points:
        if not out or point != out[-1]:
            out.append(point)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def frame_for(extent: BBox) -> BBox:
    """The area the base map covers around a map extent: a span on every side, so panning or
    zooming out a little still shows land and sea (the whole world past COARSE_SPAN)."""
    x0, y0, x1, y1 = extent
    margin = max(x1 - x0, y1 - y0, 6.0)
    frame = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    if max(frame[2] - frame[0], frame[3] - frame[1]) > COARSE_SPAN:
        return WORLD_FRAME
    # rounded like the clipped coordinates, so a border cut at the frame lies exactly on it
    return (
        round(max(frame[0], -180.0), 3),
        round(max(frame[1], -85.0), 3),
        round(min(frame[2], 180.0), 3),
        round(min(frame[3], 85.0), 3),
    )


def _overlaps(a: BBox, b: list[float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@lru_cache(maxsize=32)
def countries_for(extent: BBox) -> dict:
    """The countries around ``extent``, clipped to its frame; ``bbox`` is the frame (the sea under them)."""
    frame = frame_for(extent)
    world = world_countries("110m" if frame == WORLD_FRAME else "50m")
    features = []
    for feature in world["features"]:
        if not _overlaps(frame, feature["bbox"]):
            continue
        coordinates = clip_polygons(feature["geometry"]["coordinates"], frame, 3)
        if coordinates:
            features.append({**feature, "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    return {"type": "FeatureCollection", "bbox": list(frame), "features": features}
