"""Schema evolution: a newer schema may add nullable columns (old and new files read together); a removed
column or a changed type is refused before anything is written, with a message that says what changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.cli import main
from flows.ingest import ingest
from schemas import ARTICLES
from tasks.config import load_config
from tasks.protocol import committed_files
from tasks.schema_evolution import incompatibilities
from tasks.storage import Storage

STORY = (
    "OSLO - Ferry operators on the western fjords said on Monday they would add two electric boats to the "
    "Bergen route next spring, citing lower running costs and a new port charging station.\n\n"
    "The operators said the boats would carry up to 300 passengers each and cut the crossing by ten minutes."
)


def _rewrite_committed_articles(dest: Path, change: Callable[[pa.Table], pa.Table]) -> None:
    storage = Storage.open(str(dest))
    for path in committed_files(storage, "articles"):
        pq.write_table(change(pq.read_table(dest / path)), dest / path)


def _first_run(tmp_path: Path) -> Path:
    src = tmp_path / "first"
    src.mkdir()
    (src / "ferries.txt").write_text(STORY)
    dest = tmp_path / "data"
    assert ingest(load_config(sources=[str(src)], dest=str(dest)))["counts"]["articles_written"] == 1
    return dest


def _second_source(tmp_path: Path) -> Path:
    src = tmp_path / "second"
    src.mkdir()
    (src / "other.txt").write_text(STORY.replace("OSLO", "BERGEN").replace("electric", "hydrogen") + " More later.")
    return src


def test_files_of_an_older_schema_without_a_new_nullable_column_read_together_with_new_ones(tmp_path: Path) -> None:
    dest = _first_run(tmp_path)
    # The first run's files predate the nullable `dateline_place` column: what a schema upgrade leaves behind.
    _rewrite_committed_articles(dest, lambda t: t.drop_columns(["dateline_place"]))
    assert main(["run", str(_second_source(tmp_path)), "--dest", str(dest)]) == 0
    rows = duckdb.sql(
        f"SELECT source_uri LIKE '%/ferries.txt' AS old, dateline_place "
        f"FROM read_parquet('{dest}/articles/**/*.parquet', hive_partitioning=true, union_by_name=true)"
    ).fetchall()
    assert sorted(rows) == [(False, "Bergen"), (True, None)]


def test_a_changed_column_type_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = _first_run(tmp_path)
    _rewrite_committed_articles(dest, lambda t: t.set_column(t.schema.get_field_index("word_count"), "word_count",
                                                             t.column("word_count").cast(pa.int64())))  # fmt: skip
    before = sorted(p.relative_to(dest) for p in dest.rglob("*") if p.is_file())
    assert main(["run", str(_second_source(tmp_path)), "--dest", str(dest)]) == 2
    message = capsys.readouterr().err
    assert "articles: column 'word_count' changed type from int64 to int32" in message
    assert "newsetl reprocess" in message
    assert sorted(p.relative_to(dest) for p in dest.rglob("*") if p.is_file()) == before


def test_the_rules_name_every_incompatibility() -> None:
    old = pa.schema([pa.field("a", pa.string()), pa.field("b", pa.int32()), pa.field("gone", pa.string())])
    new = pa.schema([pa.field("b", pa.int64()), pa.field("a", pa.string()), pa.field("must", pa.string(), False),
                     pa.field("may", pa.string())])  # fmt: skip
    assert incompatibilities(old, new) == [
        "column 'b' changed type from int32 to int64",
        "column 'gone' (string) was removed",
        "new column 'must' is not nullable",
    ]
    assert incompatibilities(ARTICLES, ARTICLES) == []
