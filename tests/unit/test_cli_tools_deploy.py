"""deploy/prefect.yaml: every flow has a deployment, and `newsetl serve` builds the same deployments from it."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect import Flow

from flows.cli import main
from flows.cli_deploy import PREFECT_FILE, load_deployments

REPO = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = yaml.safe_load(PREFECT_FILE.read_text())


def _flows_in_package() -> dict[str, str]:
    """entrypoint (`flows/x.py:attr`) -> flow name, for every flow defined in a module of flows/."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "flows").glob("*.py")):
        module = importlib.import_module(f"flows.{path.stem}")
        for attr, value in vars(module).items():
            if isinstance(value, Flow) and getattr(value.fn, "__module__", None) == module.__name__:
                found[f"flows/{path.name}:{attr}"] = value.name
    return found


def test_every_flow_in_flows_has_a_deployment() -> None:
    flows = _flows_in_package()
    assert "flows/ingest.py:ingest" in flows, "the scan must find the ingest flow"
    deployed = {d["entrypoint"] for d in SPEC["deployments"]}
    missing = sorted(set(flows) - deployed)
    assert not missing, f"flows without a deployment in deploy/prefect.yaml: {missing}"
    assert not deployed - set(flows), "a deployment points at an entrypoint that is no flow"


def test_ingest_deployment_never_overlaps_and_has_named_source_schedules() -> None:
    (ingest,) = [d for d in SPEC["deployments"] if d["entrypoint"] == "flows/ingest.py:ingest"]
    assert ingest["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}
    assert ingest["enforce_parameter_schema"] is True
    slugs = [s["slug"] for s in ingest["schedules"]]
    assert len(slugs) == len(set(slugs)) >= 1
    assert all(s["cron"] and s["parameters"]["config"]["sources"] for s in ingest["schedules"])
    assert SPEC["pull"], "pull steps must be explicit"


def test_serve_builds_the_deployments_of_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"NEWSETL_DEST": str(tmp_path / "data"), "NEWSETL_INBOX": str(tmp_path / "inbox")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    built = {f"{d.flow_name}/{d.name}": d for d in load_deployments()}
    expected = {f"{name}/{d['name']}" for d, name in zip(SPEC["deployments"], _entry_flow_names(), strict=True)}
    assert set(built) == expected
    ingest = built["ingest/scheduled"]
    assert ingest.concurrency_limit == 1
    assert ingest.concurrency_options is not None
    assert ingest.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    assert ingest.parameters == {"config": {"dest": env["NEWSETL_DEST"]}}
    first = ingest.schedules[0]
    assert first.parameters["config"]["sources"][0].startswith(env["NEWSETL_INBOX"] + "/")
    assert "{{" not in repr([d.parameters for d in built.values()]), "a placeholder was left unfilled"


def _entry_flow_names() -> list[str]:
    flows = _flows_in_package()
    return [flows[d["entrypoint"]] for d in SPEC["deployments"]]


def test_deploy_needs_a_dest_and_a_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NEWSETL_DEST", raising=False)
    monkeypatch.delenv("NEWSETL_INBOX", raising=False)
    assert main(["deploy", "--inbox", str(tmp_path)]) == 2
    assert "NEWSETL_DEST" in capsys.readouterr().err
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr("flows.cli_deploy._profile_api_url", lambda: None)  # nor from a profile or test harness
    assert main(["deploy", "--dest", str(tmp_path), "--inbox", str(tmp_path)]) == 2
    assert "PREFECT_API_URL" in capsys.readouterr().err
