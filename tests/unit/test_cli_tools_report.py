"""The run report's pure parts: artifact keys Prefect accepts, and tables that survive odd publisher names."""

from __future__ import annotations

import re
from collections import Counter

from tasks.report import StageTiming, artifact_key, build_report


def test_artifact_keys_are_lower_case_digits_and_dashes() -> None:
    for raw in ("Ingest Run_Report!", "reprocess--run--report", "  ", "compact/2026"):
        key = artifact_key(raw)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), (raw, key)
    assert artifact_key("Ingest Run_Report!") == "ingest-run-report"


def test_report_counts_and_escaping() -> None:
    summary = {
        "run_id": "20261129T000000Z-abcdef12",
        "dest": "s3://news/lake",
        "status": "committed",
        "elapsed_seconds": 12.5,
        "counts": {"input_files": 3, "items_in": 4000, "articles_written": 3900, "rejects_by_reason": {"empty": 2}},
    }
    timings = [
        StageTiming("discover", 1, 0, 0.1),
        StageTiming("prepare-batch", 2, 4000, 8.0),
        StageTiming("x", 1, 0, 1),
    ]
    markdown, table = build_report(summary, timings, Counter({"A | B News": 7}), Counter({"exact": 3}))
    assert [r["stage"] for r in table] == ["discover", "prepare-batch", "x"]
    assert table[0]["count"] == 3 and table[1]["count"] == 4000 and table[1]["items_per_second"] == 500
    assert table[2]["count"] is None
    assert "| A \\| B News | 7 |" in markdown and "| exact | 3 |" in markdown and "| empty | 2 |" in markdown
    assert "s3://news/lake" in markdown and summary["run_id"] in markdown
