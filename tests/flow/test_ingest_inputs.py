"""Bad input never stops a run; bad configuration fails before anything is read; the CLI's contract."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.cli import EXIT_CONFIG, main
from flows.ingest import ingest
from tasks.config import load_config

STORY = (
    "NAIROBI - Kenya's central bank held its benchmark rate at 10.5 percent on Tuesday, citing easing "
    "inflation and a steadier shilling, Governor Amina Wekesa told reporters in the capital.\n\n"
    '"We see price pressures continuing to moderate through the second half," Wekesa said, adding that '
    "the committee would meet again in May.\n"
)


def _bad_inputs(folder: Path) -> dict[str, bytes]:
    rng = random.Random(7)
    files = {
        "empty.txt": b"",
        "garbage.txt": bytes(rng.randrange(256) for _ in range(2048)) + b"\0" * 64,
        "nav.html": b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        "good.txt": STORY.encode(),
        "feed.jsonl": b'{"text": "'
        + STORY.replace("\n", " ").replace('"', '\\"').encode()
        + b'", "url": "https://x.test/a"}\n'
        b'{"text": broken\n',
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def test_bad_inputs_become_rejects_and_the_run_completes(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    files = _bad_inputs(src)
    summary = ingest(load_config(sources=[str(src)], dest=str(tmp_path / "out")))
    counts = summary["counts"]
    assert counts["rejects"] == 4 and counts["articles_written"] == 1 and counts["duplicates_written"] == 1
    rows = duckdb.sql(
        f"SELECT source_uri, reason, raw FROM read_parquet('{tmp_path}/out/rejects/**/*.parquet') ORDER BY source_uri"
    ).fetchall()
    by_name = {uri.rsplit("/", 1)[1]: (reason, raw) for uri, reason, raw in rows}
    assert by_name["empty.txt"] == ("empty", b"")
    assert by_name["garbage.txt"][0] == "binary" and by_name["garbage.txt"][1] == files["garbage.txt"]
    assert by_name["nav.html"][0] == "no_text"
    assert by_name["feed.jsonl#L2"] == ("malformed_json", b'{"text": broken')


def test_unknown_option_fails_before_anything_is_read(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--dest", str(tmp_path / "out"), "--no-such-option"])
    assert exc.value.code == EXIT_CONFIG
    assert not (tmp_path / "out").exists()


def test_unwritable_dest_and_missing_source_fail_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", "--dest", str(blocker / "out")]) == EXIT_CONFIG
    assert "not writable" in capsys.readouterr().err
    assert main(["run", str(tmp_path / "nope"), "--dest", str(tmp_path / "out")]) == EXIT_CONFIG
    assert "matches no file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_console_script_runs_against_a_real_server_and_prints_a_summary(tmp_path: Path, prefect_harness: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "story.txt").write_text(STORY)
    env = {**os.environ, "PREFECT_API_URL": prefect_harness}
    script = Path(sys.executable).with_name("newsetl")
    done = subprocess.run(
        [str(script), "run", str(src), "--dest", str(tmp_path / "out"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["counts"]["articles_written"] == 1 and summary["status"] == "committed"
    plain = subprocess.run(
        [str(script), "run", str(src), "--dest", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert plain.returncode == 0, plain.stderr
    assert "already ingested        1" in plain.stdout and "articles written        0" in plain.stdout
