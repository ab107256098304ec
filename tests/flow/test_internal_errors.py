"""A bug met by every article fails the run and commits nothing; allowed, the items are kept as rejects."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.cli import EXIT_FAILED, EXIT_OK, main
from tasks.errors import MIN_INTERNAL_ERRORS


def _stories(folder: Path, n: int) -> dict[str, bytes]:
    folder.mkdir()
    files = {
        f"story-{i:02d}.txt": f"LAGOS - Story number {i} about the port of Apapa, where dockers met on "
        f"day {i} to discuss wages and shifts with the operators.\n".encode()
        for i in range(n)
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_a_run_where_every_article_hits_a_bug_fails_and_commits_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _stories(tmp_path / "in", MIN_INTERNAL_ERRORS + 5)
    monkeypatch.setenv("NEWSETL_FAULT_AT", "build-article")
    dest = tmp_path / "out"
    assert main(["run", str(tmp_path / "in"), "--dest", str(dest)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"{len(files)} of {len(files)} items failed with an internal error" in err
    assert not list(dest.glob("_runs/*.json")) and not list(dest.glob("rejects/**/*.parquet"))

    # Allowed: the run commits, and every item is a reject with its reason and its exact bytes.
    argv = ["run", str(tmp_path / "in"), "--dest", str(dest), "--max-internal-error-share", "1"]
    assert main(argv) == EXIT_OK
    rows = duckdb.sql(f"SELECT source_uri, reason, raw FROM read_parquet('{dest}/rejects/**/*.parquet')").fetchall()
    assert sorted((uri.rsplit("/", 1)[1], reason, raw) for uri, reason, raw in rows) == sorted(
        (name, "internal_error", data) for name, data in files.items()
    )
