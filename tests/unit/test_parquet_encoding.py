"""Dictionary pages only where values repeat: distinct-valued columns are written plain, the rest keep theirs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.dataset import ARTICLES
from schemas.index import INDEX_BAND
from tasks.parquet_encoding import DISTINCT_VALUED, dictionary_columns
from tasks.storage import Storage


def _encodings(path: Path) -> dict[str, tuple[str, ...]]:
    group = pq.ParquetFile(path).metadata.row_group(0)
    return {group.column(i).path_in_schema: group.column(i).encodings for i in range(group.num_columns)}


def _articles(n: int) -> pa.Table:
    rows = []
    for i in range(n):
        row: dict[str, object] = {f.name: None for f in ARTICLES}
        row |= {
            "article_id": f"id-{i:06d}",
            "source_uri": f"file:///in/{i}.txt",
            "text": f"Story number {i} told in its own words, sentence {i * 7}.",
            "language": "en",
            "publisher": ["Wire A", "Wire B"][i % 2],
            "places": [["Tehran"], ["London", "Paris"]][i % 2],
            "run_id": "run-1",
            "word_count": 10,
            "content_hash": f"{i:064x}",
            "fetched_at": datetime(2026, 11, 29, tzinfo=UTC),
            "authors": [],
            "credits": [],
            "cited_sources": [],
            "persons": [],
            "organizations": [],
            "quotes": [],
        }
        rows.append(row)
    return pa.Table.from_pylist(rows, schema=ARTICLES)


def test_distinct_columns_are_plain_and_repeating_ones_keep_a_dictionary(tmp_path: Path) -> None:
    table = _articles(500)
    Storage.open(str(tmp_path)).write_parquet("articles.parquet", table)
    encodings = _encodings(tmp_path / "articles.parquet")
    for column in ("article_id", "source_uri", "text"):
        assert "RLE_DICTIONARY" not in encodings[column], column
    for column in ("language", "publisher", "places.list.element", "run_id"):
        assert "RLE_DICTIONARY" in encodings[column], column
    assert pq.read_table(tmp_path / "articles.parquet").equals(table)
    query = f"SELECT count(*), count(DISTINCT publisher) FROM read_parquet('{tmp_path / 'articles.parquet'}')"
    assert duckdb.connect().execute(query).fetchall() == [(500, 2)]


def test_streaming_writer_follows_the_same_rule(tmp_path: Path) -> None:
    table = _articles(50)
    with Storage.open(str(tmp_path)).parquet_writer("streamed.parquet", ARTICLES) as writer:
        writer.write_table(table)
    encodings = _encodings(tmp_path / "streamed.parquet")
    assert "RLE_DICTIONARY" not in encodings["text"]
    assert "RLE_DICTIONARY" in encodings["language"]


def test_nested_leaves_are_named_as_parquet_names_them() -> None:
    paths = dictionary_columns(ARTICLES)
    assert "persons.list.element" in paths and "persons" not in paths
    assert not any(path.split(".")[0] in DISTINCT_VALUED for path in paths)
    # The band index's keys are distinct; its dictionary-typed scheme column repeats.
    assert dictionary_columns(INDEX_BAND) == ["scheme"]
