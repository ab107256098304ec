"""`newsetl status/inspect/query/schema` over a dataset written here with the real schemas and manifests.

The dataset holds two committed runs, a file a compaction manifest removed, and a leftover file no manifest
lists: the tools must see exactly the committed files.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows import data_dictionary
from flows.cli import main
from schemas import ARTICLES, REJECTS, SCHEMA_VERSION, TABLES

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _article(article_id: str, publisher: str, run_id: str) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "source_uri": f"file:///in/{article_id}.txt",
        "text": f"Body of {article_id}.\nSecond line.",
        "publisher": publisher,
        "published_at": T0,
        "authors": ["A. Writer"],
        "credits": [],
        "cited_sources": [],
        "persons": [],
        "places": [],
        "organizations": [],
        "quotes": [{"speaker": "Ann Lee", "text": "We will rebuild."}],
        "word_count": 5,
        "content_hash": "h" + article_id,
        "fetched_at": T0,
        "run_id": run_id,
    }


def _reject(reject_id: str, reason: str, run_id: str) -> dict[str, Any]:
    return {
        "reject_id": reject_id,
        "source_uri": f"file:///in/{reject_id}.bin",
        "reason": reason,
        "detail": "detail",
        "raw": b"\x00\xffraw",
        "run_id": run_id,
        "rejected_at": T0,
    }


def _write(dest: Path, path: str, rows: list[dict[str, Any]], schema: pa.Schema) -> dict[str, Any]:
    target = dest / path
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), target)
    table = path.split("/")[0]
    return {"table": table, "path": path, "rows": len(rows), "bytes": target.stat().st_size}


def _manifest(dest: Path, run_id: str, started: str, files: list[dict[str, Any]], **extra: Any) -> None:
    counts = {
        "items_in": sum(f["rows"] for f in files),
        "articles_written": sum(f["rows"] for f in files if f["table"] == "articles"),
        "duplicates_written": 0,
        "already_ingested": 0,
        "rejects": sum(f["rows"] for f in files if f["table"] == "rejects"),
    }
    manifest = {
        "run_id": run_id,
        "started_at": started,
        "finished_at": started,
        "elapsed_seconds": 1.5,
        "schema_version": SCHEMA_VERSION,
        "counts": counts,
        "sources": ["/in"],
        "files": files,
        **extra,
    }
    (dest / "_runs").mkdir(parents=True, exist_ok=True)
    (dest / "_runs" / f"{run_id}.json").write_text(json.dumps(manifest))


@pytest.fixture()
def dataset(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    r1, r2 = "20261101T120000Z-aaaaaaaa", "20261102T120000Z-bbbbbbbb"
    a1 = [_article("a1", "Courier", r1), _article("a2", "Courier", r1)]
    a2 = [_article("a3", "Times", r2)]
    removed = _write(
        dest, f"articles/published_date=2026-11-01/part-{r1}-00001.parquet", [_article("gone", "X", r1)], ARTICLES
    )
    _manifest(
        dest,
        r1,
        "2026-11-01T12:00:00+00:00",
        [
            _write(dest, f"articles/published_date=2026-11-01/part-{r1}-00000.parquet", a1, ARTICLES),
            removed,
            _write(
                dest, f"rejects/rejected_date=2026-11-01/part-{r1}-00000.parquet", [_reject("r1", "empty", r1)], REJECTS
            ),
        ],
    )
    _manifest(
        dest,
        r2,
        "2026-11-02T12:00:00+00:00",
        [
            _write(dest, f"articles/published_date=2026-11-02/part-{r2}-00000.parquet", a2, ARTICLES),
            _write(
                dest,
                f"rejects/rejected_date=2026-11-02/part-{r2}-00000.parquet",
                [_reject("r2", "binary", r2), _reject("r3", "empty", r2)],
                REJECTS,
            ),
        ],
        removed=[removed["path"]],
    )
    # A killed run's leftover: on disk, in a partition folder, listed by no manifest.
    _write(
        dest,
        "articles/published_date=2026-11-03/part-killed-00000.parquet",
        [_article("ghost", "X", "killed")],
        ARTICLES,
    )
    return dest


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_sees_only_committed_files(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "query", str(dataset), "SELECT article_id FROM articles ORDER BY 1", "--format", "json")
    assert code == 0
    assert [r["article_id"] for r in json.loads(out)] == ["a1", "a2", "a3"]
    # A plain glob over DEST does see the leftover and the removed file: the difference is the manifests.
    everything = duckdb.sql(f"SELECT count(*) FROM read_parquet('{dataset}/articles/**/*.parquet')").fetchall()
    assert everything == [(5,)]


def test_query_partition_columns_are_dates_and_csv_keeps_whole_values(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = "SELECT published_date, publisher, quotes FROM articles WHERE published_date = DATE '2026-11-02'"
    code, out, _ = _run(capsys, "query", str(dataset), sql, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [
        {
            "published_date": "2026-11-02",
            "publisher": "Times",
            "quotes": json.dumps([{"speaker": "Ann Lee", "text": "We will rebuild."}]),
        }
    ]


def test_query_table_output_and_bytes(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT reason, count(*) AS n, any_value(raw) AS raw FROM rejects GROUP BY 1 ORDER BY 1"
    code, out, _ = _run(capsys, "query", str(dataset), sql)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["reason", "n", "raw"]
    assert lines[2].split()[:2] == ["binary", "1"] and lines[3].split()[:2] == ["empty", "2"]
    assert "<5 bytes>" in lines[2]
    assert lines[-1] == "(2 rows)"
    code, out, _ = _run(
        capsys, "query", str(dataset), "SELECT raw FROM rejects WHERE reject_id = 'r1'", "--format", "json"
    )
    assert json.loads(out) == [{"raw": "AP9yYXc="}]  # base64 of b"\x00\xffraw"


def test_bad_sql_and_missing_dest_exit_2(dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "query", str(dataset), "SELECT nope FROM articles")
    assert code == 2 and "nope" in err
    code, _, err = _run(capsys, "status", str(tmp_path / "no-such-dataset"))
    assert code == 2 and "no newsetl dataset" in err


def test_status_lists_runs_newest_first(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "status", str(dataset), "--json")
    runs = json.loads(out)
    assert code == 0
    assert [r["run_id"] for r in runs] == ["20261102T120000Z-bbbbbbbb", "20261101T120000Z-aaaaaaaa"]
    assert (runs[0]["articles"], runs[0]["rejects"]) == (1, 2)
    code, out, _ = _run(capsys, "status", str(dataset), "--limit", "1")
    assert "20261102T120000Z-bbbbbbbb" in out and "20261101T120000Z-aaaaaaaa" not in out


def test_inspect_counts_committed_partitions_and_rejects(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "inspect", str(dataset), "--json")
    view = json.loads(out)
    assert code == 0
    assert view["runs"] == 2 and view["schema_versions"] == {str(SCHEMA_VERSION): 2}
    assert view["totals"]["articles"]["rows"] == 3 and view["totals"]["rejects"]["rows"] == 3
    parts = {(p["table"], p["value"]): p["rows"] for p in view["partitions"]}
    assert parts == {
        ("articles", "2026-11-01"): 2,
        ("articles", "2026-11-02"): 1,
        ("rejects", "2026-11-01"): 1,
        ("rejects", "2026-11-02"): 2,
    }
    assert view["rejects_by_reason"] == {"empty": 2, "binary": 1}
    assert view["uncommitted_files"] == 2  # the leftover and the file the second manifest removed
    code, out, _ = _run(capsys, "inspect", str(dataset))
    assert code == 0 and "2 data files are listed by no manifest" in out


def test_schema_json_describes_every_field_of_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "schema", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and set(doc["tables"]) == set(TABLES)
    for name, schema in TABLES.items():
        fields = doc["tables"][name]["fields"]
        assert [f["name"] for f in fields] == schema.names
        assert all(f["description"] for f in fields), f"{name}: a field without a description"


def test_readme_data_dictionary_is_the_generated_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert data_dictionary.readme_section(readme) == data_dictionary.to_markdown(), (
        "README data dictionary is stale: run `newsetl schema --update-readme README.md`"
    )


def test_update_readme_replaces_only_the_marked_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# T\n\nbefore\n\n{data_dictionary.BEGIN}\nstale\n{data_dictionary.END}\n\nafter\n")
    code, _, _ = _run(capsys, "schema", "--update-readme", str(readme))
    text = readme.read_text()
    assert code == 0 and "stale" not in text
    assert text.startswith("# T\n\nbefore\n\n") and text.endswith(f"{data_dictionary.END}\n\nafter\n")
    assert data_dictionary.readme_section(text) == data_dictionary.to_markdown()
    readme.write_text("no markers")
    code, _, err = _run(capsys, "schema", "--update-readme", str(readme))
    assert code == 2 and "markers" in err


def test_partition_dates_parse(dataset: Path) -> None:
    from tasks.catalog import run_query
    from tasks.storage import Storage

    _, rows = run_query(Storage.open(str(dataset)), "SELECT DISTINCT rejected_date FROM rejects ORDER BY 1")
    assert rows == [(date(2026, 11, 1),), (date(2026, 11, 2),)]


def test_query_and_inspect_an_s3_dest(
    dataset: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from s3_servers import moto_endpoint

    with moto_endpoint() as endpoint:
        for name, value in endpoint.env().items():
            monkeypatch.setenv(name, value)
        bucket = endpoint.new_bucket()
        s3 = endpoint.client()
        for path in sorted(p for p in dataset.rglob("*") if p.is_file()):
            s3.upload_file(str(path), bucket, f"lake/{path.relative_to(dataset)}")  # type: ignore[attr-defined]
        dest = f"s3://{bucket}/lake"
        sql = "SELECT article_id, published_date FROM articles ORDER BY 1"
        code, out, err = _run(capsys, "query", dest, sql, "--format", "json", "--s3-endpoint-url", endpoint.url)
        assert code == 0, err
        assert json.loads(out) == [
            {"article_id": "a1", "published_date": "2026-11-01"},
            {"article_id": "a2", "published_date": "2026-11-01"},
            {"article_id": "a3", "published_date": "2026-11-02"},
        ]
        code, out, err = _run(capsys, "inspect", dest, "--json")
        assert code == 0, err
        assert json.loads(out)["rejects_by_reason"] == {"empty": 2, "binary": 1}
