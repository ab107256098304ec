"""`newsetl run` output as people see it: progress lines in a log, bars on a terminal, silence with --quiet.

Each case runs the real console script against the session's Prefect server (PREFECT_API_URL), so no
process starts a server of its own.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

NEWSETL = str(Path(sys.executable).with_name("newsetl"))
STAGES = ["discover", "prepare-batch", "resolve-duplicates", "commit-batch", "commit-run"]


def _env(api_url: str) -> dict[str, str]:
    return {**os.environ, "PREFECT_API_URL": api_url, "NO_COLOR": "1"}


def test_progress_lines_when_not_on_a_terminal(prefect_harness: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [NEWSETL, "run", "--dest", str(tmp_path / "d"), "--batch-size", "8"],
        env=_env(prefect_harness),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if " - progress " in line]
    finished = [re.search(r"progress ([a-z-]+):", line).group(1) for line in lines if "done in" in line]  # type: ignore[union-attr]
    assert finished == STAGES
    (prepared,) = [line for line in lines if "prepare-batch:" in line and "done in" in line]
    batches = re.search(r"(\d+)/(\d+) tasks, (\d+) items, \d+ items/s", prepared)
    assert batches and batches.group(1) == batches.group(2) and int(batches.group(2)) > 1
    assert int(batches.group(3)) == 51  # the bundled sample set's items
    assert done.stdout.startswith("run ") and "committed" in done.stdout


def test_quiet_prints_only_the_summary(prefect_harness: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [NEWSETL, "run", "--dest", str(tmp_path / "d"), "--quiet", "--json"],
        env=_env(prefect_harness),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "INFO" not in done.stderr and "progress" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["counts"]["items_in"] == 51


def test_bars_on_a_terminal(prefect_harness: str, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [NEWSETL, "run", "--dest", str(tmp_path / "d"), "--batch-size", "8"],
        env=_env(prefect_harness),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        screen += chunk
    stdout, _ = process.communicate(timeout=300)
    os.close(controller)
    text = screen.decode(errors="replace")
    assert process.returncode == 0, text[-3000:]
    assert "\x1b[" in text, "a terminal gets a live display (cursor movement)"
    assert " - progress " not in text, "no plain progress lines on a terminal"
    final = text[max(0, text.rindex("commit-run") - 2000) :]
    for stage in STAGES:
        assert stage in final
    assert "51 items" in text
    assert stdout.decode().startswith("run ")


def test_quiet_in_process_leaves_the_caller_as_it_was(prefect_harness: str, tmp_path: Path) -> None:
    """A program calling `main` in-process keeps its environment, console log level and progress display."""
    import logging

    from prefect.logging.handlers import PrefectConsoleHandler

    from flows import progress
    from flows.cli import main

    key = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    levels, reporter, env = [h.level for h in handlers], progress.current(), os.environ.get(key)
    assert main(["run", "--dest", str(tmp_path / "d"), "--quiet", "--json", "--batch-size", "100"]) == 0
    assert os.environ.get(key) == env
    assert [h.level for h in handlers] == levels
    assert progress.current() is reporter
