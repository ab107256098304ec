"""The default run over the bundled sample set, through the Prefect engine, read back with DuckDB and pandas.

Expected outcomes come from tests/fixtures/sample_labels.json, written by hand with the sample articles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from flows.ingest import ingest
from schemas import ARTICLES, DUPLICATES, REJECTS, SCHEMA_VERSION
from tasks.config import load_config

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "flows" / "sample_data"
LABELS: dict[str, Any] = json.loads((REPO / "tests" / "fixtures" / "sample_labels.json").read_text())


def _key(source_uri: str) -> str:
    prefix = SAMPLE.as_uri() + "/"
    assert source_uri.startswith(prefix), source_uri
    return source_uri[len(prefix) :]


def _query(sql: str) -> list[tuple[Any, ...]]:
    return duckdb.sql(sql).fetchall()


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    dest = tmp_path_factory.mktemp("sample") / "data"
    config = load_config(dest=str(dest))
    first = ingest(config)
    second = ingest(config)
    return dest, first, second


def _table(dest: Path, name: str) -> pd.DataFrame:
    return duckdb.sql(f"SELECT * FROM read_parquet('{dest}/{name}/**/*.parquet', hive_partitioning=true)").df()


def test_every_input_item_lands_in_exactly_one_table(
    sample_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    dest, summary, _ = sample_run
    seen = [_key(u) for name in ("articles", "duplicates", "rejects") for u in _table(dest, name)["source_uri"]]
    assert sorted(seen) == sorted(LABELS["items"]), "an item was lost or written twice"
    assert summary["counts"]["items_in"] == len(LABELS["items"])


def test_rejects_have_reasons_and_raw_bytes(sample_run: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    dest, summary, _ = sample_run
    rejects = _table(dest, "rejects")
    expected = {k for k, v in LABELS["items"].items() if v["kind"] == "reject"}
    assert {_key(u) for u in rejects["source_uri"]} == expected
    assert summary["counts"]["rejects"] == len(expected)
    assert all(isinstance(r, str) and r for r in rejects["reason"])
    for uri, raw in zip(rejects["source_uri"], rejects["raw"], strict=True):
        key = _key(uri)
        if "#" not in key and not key.endswith(".gz"):
            assert raw == (SAMPLE / key).read_bytes()


def test_each_cluster_has_its_labelled_canonical_and_the_copies_point_at_it(
    sample_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    dest, _, _ = sample_run
    articles = _table(dest, "articles")
    duplicates = _table(dest, "duplicates")
    id_of = {_key(u): i for u, i in zip(articles["source_uri"], articles["article_id"], strict=True)}
    dup_of = {
        _key(u): (d, m)
        for u, d, m in zip(duplicates["source_uri"], duplicates["duplicate_of"], duplicates["method"], strict=True)
    }
    clusters: dict[str, list[str]] = {}
    for key, label in LABELS["items"].items():
        if label["kind"] in ("exact", "near"):
            clusters.setdefault(label["original"], [label["original"]]).append(key)
    assert clusters, "the sample set must contain duplicates"
    for original, members in clusters.items():
        canonical = [m for m in members if LABELS["items"][m].get("canonical")]
        assert len(canonical) == 1, f"labels name one canonical for {original}"
        assert canonical[0] in id_of, f"{canonical[0]} should be written as the cluster's article"
        for member in members:
            if member == canonical[0]:
                continue
            assert member in dup_of, f"{member} should be a duplicate of {canonical[0]}"
            duplicate_of, method = dup_of[member]
            assert duplicate_of == id_of[canonical[0]], member
            if LABELS["items"][member]["kind"] == "exact":
                assert method == "exact", member


def test_same_event_articles_are_not_duplicates(
    sample_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    dest, _, _ = sample_run
    written = {_key(u) for u in _table(dest, "articles")["source_uri"]}
    assert LABELS["same_event_pairs"]
    for a, b in LABELS["same_event_pairs"]:
        assert a in written and b in written, (a, b)


def test_duckdb_sees_the_declared_schema_and_partitions(
    sample_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    dest, summary, _ = sample_run
    for name, schema in (("articles", ARTICLES), ("duplicates", DUPLICATES), ("rejects", REJECTS)):
        columns = [
            c[0]
            for c in _query(
                f"DESCRIBE SELECT * FROM read_parquet('{dest}/{name}/**/*.parquet', hive_partitioning=true)"
            )
        ]
        assert columns[: len(schema.names)] == schema.names
    rows = _query(
        f"SELECT count(*), count(DISTINCT article_id), "
        f"count(*) FILTER (WHERE published_date <> coalesce(CAST(published_at AS DATE), CAST(fetched_at AS DATE))) "
        f"FROM read_parquet('{dest}/articles/**/*.parquet', hive_partitioning=true)"
    )
    total, distinct, misplaced = rows[0]
    assert total == distinct == summary["counts"]["articles_written"]
    assert misplaced == 0
    types = dict(
        _query(
            f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
            f"read_parquet('{dest}/articles/**/*.parquet'))"
        )
    )
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["quotes"] == 'STRUCT(speaker VARCHAR, "text" VARCHAR)[]'
    assert types["word_count"] == "INTEGER"


def test_files_carry_the_explicit_schema_and_pandas_reads_them(
    sample_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    import pyarrow.parquet as pq

    dest, summary, _ = sample_run
    files = sorted((dest / "articles").rglob("*.parquet"))
    assert files and all(f.parent.name.startswith("published_date=") for f in files)
    for f in files:
        schema = pq.read_schema(f)
        assert schema.equals(ARTICLES, check_metadata=False)
        assert pq.ParquetFile(f).metadata.row_group(0).column(0).compression == "ZSTD"
    frame = pd.read_parquet(dest / "articles")
    assert len(frame) == summary["counts"]["articles_written"]
    assert frame["text"].str.len().min() > 0


def test_manifest_records_the_run(sample_run: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    dest, summary, _ = sample_run
    manifest = json.loads((dest / "_runs" / f"{summary['run_id']}.json").read_text())
    assert manifest["counts"] == summary["counts"]
    assert manifest["config_hash"] and manifest["code_version"] and manifest["schema_version"] == SCHEMA_VERSION
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {str(p.relative_to(dest)) for p in dest.rglob("*.parquet") if summary["run_id"] in p.name}
    assert listed == on_disk
    assert not (dest / "_staging").exists() or not any((dest / "_staging").iterdir())


def test_rerun_adds_nothing(sample_run: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    dest, first, second = sample_run
    counts = second["counts"]
    assert (counts["articles_written"], counts["duplicates_written"], counts["rejects_written"]) == (0, 0, 0)
    assert counts["already_ingested"] == first["counts"]["articles_written"] + first["counts"]["duplicates_written"]
    total = _query(f"SELECT count(*) FROM read_parquet('{dest}/articles/**/*.parquet')")[0][0]
    assert total == first["counts"]["articles_written"]
