"""A commit task writes the decided rows of several staged batches: the rows of committing them one by one, in
fewer files, and the groups cover every batch once, in order."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pyarrow.dataset as ds

from tasks.batch import StagedBatch, prepare_batch
from tasks.commit import commit_batches, commit_groups
from tasks.discover import discover
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, staged_data_path
from tasks.resolve import resolve_duplicates

PARAMS = DedupParams()
CITIES = ["LAGOS", "LIMA", "OSLO", "HANOI"]


def _staged(n: int) -> StagedBatch:
    return StagedBatch(n, f"a-{n}", f"r-{n}", items=4000 + n, articles=4000)


def test_groups_are_consecutive_batches_of_about_the_item_budget() -> None:
    staged = [_staged(n) for n in range(7)]
    groups = commit_groups(staged, items=10_000)
    assert [[b.index for b in g] for g in groups] == [[0, 1], [2, 3], [4, 5], [6]]
    assert [[b.index for b in g] for g in commit_groups(staged, items=1)] == [[n] for n in range(7)]
    assert commit_groups([], items=10_000) == []


def test_groups_hold_at_most_a_batch_budget_of_raw_bytes() -> None:
    # Batches of HTML pages are ~64 MB of raw input each: five in one task would hold five times that.
    pages = [replace(_staged(n), items=300, raw_bytes=40_000_000) for n in range(3)]
    assert [[b.index for b in g] for g in commit_groups(pages, items=10_000, raw_bytes=64_000_000)] == [[0], [1], [2]]
    small = [replace(_staged(n), items=300, raw_bytes=1_000_000) for n in range(3)]
    assert [[b.index for b in g] for g in commit_groups(small, items=10_000, raw_bytes=64_000_000)] == [[0, 1, 2]]


def _write_inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for part in range(2):
        lines = []
        for i in range(30):
            day = 1 + (i % 3)
            text = (
                f"{CITIES[i % 4]} - Dock workers in the port met on day {i + 40 * part} to talk about wages and hours, "
                f"said union leader Grace Mbeki, who has led the union for {i + 3} years.\n\n"
                f'"We want a fair deal for every worker on the docks," Mbeki told reporters on day {i}.'
            )
            if i % 10 == 9:
                text = lines[0]["text"]  # an exact copy of the file's first story: a duplicate row
            lines.append({"url": f"https://news.example/{part}/{i}", "text": text, "published": f"2026-11-0{day}"})
        path = folder / f"part-{part}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines) + "not json\n")  # and a reject
        paths.append(path)
    return paths


def _rows(dest: str, written: list[WrittenFile]) -> dict[str, list[dict[str, object]]]:
    rows = {}
    for table in ("articles", "duplicates", "rejects", "raw"):
        paths = [f"{dest}/{staged_data_path('run-1', w.path)}" for w in written if w.table == table]
        found = ds.dataset(paths, format="parquet").to_table().to_pylist() if paths else []
        rows[table] = sorted(found, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return rows


def test_a_group_commits_the_rows_of_its_batches_in_fewer_files(tmp_path: Path) -> None:
    _write_inputs(tmp_path / "in")
    dest = str(tmp_path / "dest")
    files = discover([str(tmp_path / "in")]).files
    staged = [prepare_batch([f], i, "run-1", dest, PARAMS) for i, f in enumerate(files)]
    decisions = resolve_duplicates(staged, "run-1", dest, PARAMS).decisions_path
    one_by_one = [w for b in staged for w in commit_batches([b], decisions, "run-1", dest)]
    expected = _rows(dest, one_by_one)
    together = commit_batches(staged, decisions, "run-1", dest)  # the same staging, committed as one group
    assert _rows(dest, together) == expected
    assert len(expected["articles"]) > 0 and len(expected["duplicates"]) > 0 and len(expected["rejects"]) == 2
    assert len(together) < len(one_by_one)
    assert {w.path.rsplit("-", 1)[1] for w in together} == {"00000.parquet"}  # named after the group's first batch
