"""The run report: one Prefect markdown artifact and one table artifact per flow run.

Counts come from the run's summary (what the manifest records); top publishers and duplicates by method from
the files the run committed; timings per stage from the flow's progress tracking (flows.progress), measured in
the flow process the same way on every task runner (threads or Dask).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from tasks.storage import Dest, Storage

TOP_PUBLISHERS = 10
REPORT_FILES = 256  # committed files read at once for the report
# What each stage's count means, by task name; stages not listed are reported with their timing only.
STAGE_COUNTS: dict[str, tuple[str, str]] = {
    "discover": ("input_files", "input files"),
    "prepare-batch": ("items_in", "items read"),
    "resolve-duplicates": ("duplicates_written", "duplicates found"),
    "commit-batch": ("articles_written", "articles written"),
}


@dataclass(frozen=True)
class StageTiming:
    stage: str
    tasks: int
    items: int  # items the stage's tasks reported (0 when the stage does not count items)
    wall_seconds: float  # from the stage's start to its last task's end, as the flow saw it


def artifact_key(text: str) -> str:
    """Prefect artifact keys allow lower-case letters, digits and dashes only."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-") or "run"


def committed_values(storage: Storage, summary: dict[str, Any], table: str, column: str) -> Counter[str]:
    """How often each value of `column` occurs in the files this run committed to `table`."""
    paths = [storage.path(str(entry["path"])) for entry in summary.get("files", []) if entry["table"] == table]
    only = pa.schema([pa.field(column, pa.string())])
    counts = Counter[str]()
    # Files are read REPORT_FILES at a time as one dataset: pyarrow opens and reads them on its own threads
    # (parallel GETs on S3), where one read per file cost ~1 ms each and a run of a million articles commits
    # ~25,000 files. Not all at once: a dataset keeps every file's footer (~140 KB each here) until it is freed.
    for start in range(0, len(paths), REPORT_FILES):
        files = ds.dataset(paths[start : start + REPORT_FILES], format="parquet", filesystem=storage.fs, schema=only)
        found = pc.value_counts(files.to_table(columns=[column]).column(column).combine_chunks())
        values, numbers = found.field("values").to_pylist(), found.field("counts").to_pylist()
        counts.update({"(unknown)" if v is None else str(v): int(n) for v, n in zip(values, numbers, strict=True)})
    return counts


def build_report(
    summary: dict[str, Any], timings: list[StageTiming], publishers: Counter[str], methods: Counter[str]
) -> tuple[str, list[dict[str, Any]]]:
    """The markdown report and the per-stage table rows."""
    counts: dict[str, Any] = summary.get("counts", {})
    table: list[dict[str, Any]] = []
    for t in timings:
        key, unit = STAGE_COUNTS.get(t.stage, ("", ""))
        table.append(
            {
                "stage": t.stage,
                "count": counts.get(key) if key else None,
                "unit": unit,
                "tasks": t.tasks,
                "wall_seconds": t.wall_seconds,
                "items_per_second": round(t.items / t.wall_seconds) if t.items and t.wall_seconds else None,
            }
        )
    lines = [
        f"# {summary.get('kind', 'ingest')} run `{summary['run_id']}`",
        "",
        f"- **DEST**: `{summary['dest']}`",
        f"- **run id**: `{summary['run_id']}` (manifest `_runs/{summary['run_id']}.json`)",
        f"- **status**: {summary.get('status', '?')} in {summary.get('elapsed_seconds', 0):.1f} s",
        f"- **items in**: {counts.get('items_in', 0)}; **articles**: {counts.get('articles_written', 0)}; "
        f"**duplicates**: {counts.get('duplicates_written', 0)}; **already ingested**: "
        f"{counts.get('already_ingested', 0)}; **rejects**: {counts.get('rejects', 0)}",
        "",
        "## Stages",
        "",
        _markdown_table(
            ["stage", "count", "unit", "tasks", "seconds", "items/s"],
            [
                [r["stage"], r["count"], r["unit"], r["tasks"], r.get("wall_seconds"), r.get("items_per_second")]
                for r in table
            ],
        ),
        "## Rejects by reason",
        "",
        _markdown_table(["reason", "rows"], sorted(counts.get("rejects_by_reason", {}).items(), key=lambda kv: -kv[1])),
        "## Duplicates by method",
        "",
        _markdown_table(["method", "rows"], methods.most_common()),
        f"## Top {TOP_PUBLISHERS} publishers",
        "",
        _markdown_table(["publisher", "articles"], publishers.most_common(TOP_PUBLISHERS)),
    ]
    return "\n".join(lines), table


def _markdown_table(header: list[str], rows: Any) -> str:
    rows = [list(r) for r in rows]
    if not rows:
        return "_none_\n"
    cells = [["" if v is None else str(v).replace("|", "\\|") for v in r] for r in rows]
    return (
        "\n".join(
            ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(r) + " |" for r in cells]
        )
        + "\n"
    )


@task(name="publish-report")
def publish_run_report_task(summary: dict[str, Any], dest: Dest | str, timings: list[StageTiming]) -> str | None:
    """Publish the report artifacts; returns the markdown artifact's key (None when publishing failed)."""
    logger = get_run_logger()
    kind = str(summary.get("kind", "ingest"))
    try:
        storage = Storage.open(dest)
        publishers = committed_values(storage, summary, "articles", "publisher")
        methods = committed_values(storage, summary, "duplicates", "method")
        markdown, table = build_report(summary, timings, publishers, methods)
        key = artifact_key(f"{kind}-run-report")
        create_markdown_artifact(
            markdown=markdown, key=key, description=f"run {summary['run_id']} into {summary['dest']}"
        )
        create_table_artifact(
            table=table, key=artifact_key(f"{kind}-run-stages"), description=f"stages of run {summary['run_id']}"
        )
    except Exception as exc:  # the run is already committed: a missing report must not turn it into a failure
        logger.warning("run %s committed, but its report was not published: %s", summary["run_id"], exc)
        return None
    return key
