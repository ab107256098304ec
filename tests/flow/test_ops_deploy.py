"""From zero to a deployed run on a real Prefect server: `prefect server start` on 127.0.0.1 (own PREFECT_HOME,
free port), a process work pool, `newsetl deploy`, two `prefect deployment run` triggers and a process worker.

The deployment's concurrency limit (1, CANCEL_NEW) must let exactly one of the two runs write DEST and cancel
the other; the run that completed must be the one the dataset's manifest names.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WIRE = REPO / "flows" / "sample_data" / "wire"
FINAL = {"COMPLETED", "CANCELLED", "FAILED", "CRASHED"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # workers finish their shutdown on SIGINT, not SIGTERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_ENABLED": "false",
        # No scheduled runs during the test: only the runs it triggers.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
    }
    log = (home / "server.log").open("wb")
    command = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, (home / "server.log").read_text()
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("prefect server did not become healthy in 120 s")
        yield env
    finally:
        _stop(process)
        log.close()


def _run(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


def _flow_run_states(env: dict[str, str], ids: list[str]) -> dict[str, str]:
    body = {"flow_runs": {"id": {"any_": ids}}}
    response = httpx.post(f"{env['PREFECT_API_URL']}/flow_runs/filter", json=body, timeout=10)
    response.raise_for_status()
    return {r["id"]: r["state_type"] for r in response.json()}


def test_deploy_trigger_and_run_on_a_real_server(server: dict[str, str], tmp_path: Path) -> None:
    dest, inbox = tmp_path / "data", tmp_path / "inbox"
    inbox.mkdir()
    _run(server, str(BIN / "prefect"), "work-pool", "create", "newsetl", "--type", "process")
    _run(server, str(BIN / "newsetl"), "deploy", "--dest", str(dest), "--inbox", str(inbox))

    params = json.dumps({"config": {"dest": str(dest), "sources": [str(WIRE)]}})
    ids = []
    for _ in range(2):  # both queued before any worker runs: the second collides with the first
        out = _run(server, str(BIN / "prefect"), "deployment", "run", "ingest/scheduled", "--params", params)
        ids.append(re.search(r"UUID: ([0-9a-f-]{36})", out).group(1))  # type: ignore[union-attr]

    worker_log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [str(BIN / "prefect"), "worker", "start", "--pool", "newsetl", "--type", "process"],
        env=server,
        cwd=tmp_path,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 240
        states = _flow_run_states(server, ids)
        while time.monotonic() < deadline and not set(states.values()) <= FINAL:
            time.sleep(1)
            states = _flow_run_states(server, ids)
    finally:
        _stop(worker)
        worker_log.close()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert sorted(states.values()) == ["CANCELLED", "COMPLETED"], log[-4000:]

    (completed,) = [i for i, s in states.items() if s == "COMPLETED"]
    manifests = [json.loads(p.read_text()) for p in sorted((dest / "_runs").glob("*.json"))]
    assert [m["flow_run_id"] for m in manifests] == [completed], "only the completed run may commit"
    assert manifests[0]["sources"] == [str(WIRE)]
    articles = duckdb.sql(f"SELECT count(*) FROM read_parquet('{dest}/articles/**/*.parquet')").fetchall()[0][0]
    assert articles == manifests[0]["counts"]["articles_written"] > 0
    status = json.loads(_run(server, str(BIN / "newsetl"), "status", str(dest), "--json"))
    assert [r["run_id"] for r in status] == [manifests[0]["run_id"]]
