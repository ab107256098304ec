"""Persons with roles (schema v2 column `person_roles`) and the evolution rules for that column.

All text is invented; expected values are written from reading it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from schemas import ARTICLES, SCHEMA_VERSION
from tasks.metadata import PersonRole, extract_metadata
from tasks.schema_evolution import incompatibilities

STORY = (
    "Rear Admiral Ana Lucia Ferreira, who commands the southern fleet, said the patrol would continue.\n\n"
    '"We will not leave these waters," Ferreira said. The admiral added that the fishermen deserve it.\n\n'
    "Iranian Foreign Minister Abbas Araqchi told reporters the talks would resume. "
    "Secretary of State Antony Blinken said Washington was ready. The minister said nothing more.\n\n"
    "Ministry spokesman Ali Rezaei said the drills were routine. Mr. Durov declined to comment."
)


def _roles(text: str) -> dict[str, tuple[str | None, int]]:
    meta = extract_metadata(text, hints={"language": "en"})
    return {role.name: (role.role, role.mentions) for role in meta.person_roles}


def test_title_kept_apart_from_the_name() -> None:
    roles = _roles(STORY)
    assert roles["Ana Lucia Ferreira"][0] == "Rear Admiral"
    assert roles["Abbas Araqchi"][0] == "Foreign Minister"
    assert roles["Antony Blinken"][0] == "Secretary of State"
    assert roles["Ali Rezaei"][0] == "spokesman"


def test_later_mentions_by_surname_and_role_count_for_the_full_name() -> None:
    roles = _roles(STORY)
    # Full name, "Ferreira said", "The admiral added".
    assert roles["Ana Lucia Ferreira"][1] == 3
    # Full name, "The minister said" (the last minister introduced before it).
    assert roles["Abbas Araqchi"][1] == 2


def test_honorific_is_not_a_role() -> None:
    roles = _roles('"I have nothing to add at this point," Mr. Pavel Durov said. Durov left.')
    assert roles == {"Pavel Durov": (None, 2)}


def test_every_person_has_one_entry_in_persons_order() -> None:
    meta = extract_metadata(STORY, hints={"language": "en"})
    assert tuple(role.name for role in meta.person_roles) == meta.persons
    assert all(isinstance(role, PersonRole) and role.mentions >= 1 for role in meta.person_roles)


def test_schema_v2_adds_person_roles_as_a_nullable_column() -> None:
    assert SCHEMA_VERSION >= 2  # v2 added it; later versions keep it
    field = ARTICLES.field("person_roles")
    assert field.nullable
    assert field.type.value_type.field("role").nullable
    assert (field.metadata or {}).get(b"description")
    v1 = pa.schema([f for f in ARTICLES if f.name != "person_roles"])
    assert incompatibilities(v1, ARTICLES) == []


def _row(article_id: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(ARTICLES.names)
    lists = ("authors", "credits", "cited_sources", "persons", "places", "organizations", "quotes")
    row.update({name: [] for name in lists})
    row.update(
        article_id=article_id,
        source_uri="file:///in.txt",
        text="Body.",
        word_count=1,
        content_hash="h",
        run_id="r",
        fetched_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    return row


def test_v1_files_read_with_null_person_roles(tmp_path: Path) -> None:
    v1 = pa.schema([f for f in ARTICLES if f.name != "person_roles"])
    old = {k: v for k, v in _row("old").items() if k != "person_roles"}
    pq.write_table(pa.Table.from_pylist([old], schema=v1), tmp_path / "v1.parquet")
    new = _row("new") | {"person_roles": [{"name": "Ana Lucia Ferreira", "role": "Rear Admiral", "mentions": 3}]}
    pq.write_table(pa.Table.from_pylist([new], schema=ARTICLES), tmp_path / "v2.parquet")
    table = ds.dataset(tmp_path, schema=ARTICLES).to_table().sort_by("article_id")
    assert table.column("article_id").to_pylist() == ["new", "old"]
    assert table.column("person_roles").to_pylist() == [
        [{"name": "Ana Lucia Ferreira", "role": "Rear Admiral", "mentions": 3}],
        None,
    ]
