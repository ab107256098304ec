"""The run report: each ingest flow run publishes a markdown and a table artifact that agree with the data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from flows.ingest import ingest
from tasks.commit import COMMIT_ITEMS
from tasks.config import load_config


@pytest.fixture(scope="module")
def reported_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    dest = tmp_path_factory.mktemp("report") / "data"
    summary = ingest(load_config(dest=str(dest), batch_size=10))
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(summary["flow_run_id"])]))
        )
    return dest, summary, {a.type: a for a in artifacts}


def _rows(sql: str) -> list[tuple[Any, ...]]:
    return duckdb.sql(sql).fetchall()


def test_one_markdown_and_one_table_artifact_with_valid_keys(
    reported_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    _, summary, artifacts = reported_run
    assert set(artifacts) == {"markdown", "table"}
    for artifact in artifacts.values():
        assert artifact.key and re.fullmatch(r"[a-z0-9-]+", artifact.key), artifact.key
    markdown = str(artifacts["markdown"].data)
    assert summary["run_id"] in markdown and summary["dest"] in markdown


def test_stage_table_counts_and_timings(reported_run: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    _, summary, artifacts = reported_run
    data = artifacts["table"].data
    rows = {r["stage"]: r for r in (data if isinstance(data, list) else json.loads(data))}
    assert list(rows) == ["discover", "prepare-batch", "resolve-duplicates", "commit-batch", "commit-run"]
    assert rows["discover"]["count"] == summary["counts"]["input_files"]
    assert rows["prepare-batch"]["count"] == summary["counts"]["items_in"]
    assert rows["prepare-batch"]["tasks"] > 1, "batch_size=10 over the sample set makes several batches"
    # The sample set is one commit group (tasks.commit.COMMIT_ITEMS items a task): one commit task for its batches.
    assert summary["counts"]["items_in"] < COMMIT_ITEMS and rows["commit-batch"]["tasks"] == 1
    for stage in ("discover", "prepare-batch", "resolve-duplicates", "commit-batch", "commit-run"):
        assert 0 < rows[stage]["wall_seconds"] <= summary["elapsed_seconds"] + 1
    assert rows["prepare-batch"]["items_per_second"] > 0


def test_rejects_duplicates_and_publishers_match_the_committed_data(
    reported_run: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    dest, _, artifacts = reported_run
    markdown = str(artifacts["markdown"].data)
    for reason, n in _rows(f"SELECT reason, count(*) FROM read_parquet('{dest}/rejects/**/*.parquet') GROUP BY 1"):
        assert f"| {reason} | {n} |" in markdown
    for method, n in _rows(f"SELECT method, count(*) FROM read_parquet('{dest}/duplicates/**/*.parquet') GROUP BY 1"):
        assert f"| {method} | {n} |" in markdown
    top = _rows(
        f"SELECT coalesce(publisher, '(unknown)'), count(*) AS n FROM read_parquet('{dest}/articles/**/*.parquet') "
        "GROUP BY 1 ORDER BY n DESC LIMIT 3"
    )
    assert top, "the sample set has publishers"
    for publisher, n in top:
        assert f"| {publisher} | {n} |" in markdown
