"""`newsetl deploy` and `newsetl serve`: the deployments of deploy/prefect.yaml, on a work pool or served locally.

Both read the same file, so a served deployment has the same schedules, parameters and concurrency limit as
a deployed one. The file's `{{ $VAR }}` placeholders take NEWSETL_DEST, NEWSETL_INBOX and NEWSETL_PROJECT_DIR
from the environment, which --dest and --inbox set.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from tasks.errors import ConfigError

if TYPE_CHECKING:
    from prefect import Flow

PROJECT_DIR = Path(__file__).resolve().parents[1]
PREFECT_FILE = PROJECT_DIR / "deploy" / "prefect.yaml"


def register(commands: Any) -> None:
    deploy = commands.add_parser("deploy", help="create or update the deployments of deploy/prefect.yaml")
    serve = commands.add_parser("serve", help="serve the deployments of deploy/prefect.yaml from this process")
    for parser in (deploy, serve):
        parser.add_argument("--dest", help="dataset root the deployments write to (default: $NEWSETL_DEST)")
        parser.add_argument("--inbox", help="folder of the scheduled sources (default: $NEWSETL_INBOX)")
        parser.add_argument(
            "--name", action="append", default=[], metavar="FLOW/DEPLOYMENT", help="only this one (repeatable)"
        )
    deploy.set_defaults(handler=cmd_deploy)
    serve.set_defaults(handler=cmd_serve)


def deployment_environment(args: argparse.Namespace) -> dict[str, str]:
    """The environment the prefect.yaml placeholders are filled from; ConfigError when one is missing."""
    env = dict(os.environ)
    for option, variable in (("dest", "NEWSETL_DEST"), ("inbox", "NEWSETL_INBOX")):
        value = getattr(args, option) or env.get(variable)
        if not value:
            raise ConfigError(f"no {variable}: pass --{option} or set {variable}")
        is_uri = "://" in value
        env[variable] = value if is_uri else str(Path(value).expanduser().resolve())  # workers run elsewhere
    env.setdefault("NEWSETL_PROJECT_DIR", str(PROJECT_DIR))
    return env


def cmd_deploy(args: argparse.Namespace) -> int:
    env = deployment_environment(args)
    api_url = env.get("PREFECT_API_URL") or _profile_api_url()
    if not api_url:
        raise ConfigError("no Prefect server: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api) to deploy to it")
    env["PREFECT_API_URL"] = api_url  # the server this process is configured for, whatever configured it
    prefect = Path(sys.executable).with_name("prefect")
    command = [str(prefect), "--no-prompt", "deploy", "--prefect-file", str(PREFECT_FILE)]
    command += [a for name in args.name for a in ("--name", name)] or ["--all"]
    # Entry points in prefect.yaml are relative to the project root.
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False).returncode


def _profile_api_url() -> str | None:
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return str(url) if url else None


def load_deployments(names: list[str] | None = None) -> list[Any]:
    """RunnerDeployments built from prefect.yaml, for `prefect.serve`; Prefect fills `{{ $VAR }}` from os.environ."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig
    from prefect.flows import load_flow_from_entrypoint
    from prefect.schedules import Cron
    from prefect.utilities.templating import apply_values

    spec = cast("dict[str, Any]", apply_values(yaml.safe_load(PREFECT_FILE.read_text()), {}, remove_notset=False))
    deployments = []
    for item in spec["deployments"]:
        flow: Flow[..., Any] = load_flow_from_entrypoint(str(PROJECT_DIR / item["entrypoint"]))
        if names and f"{flow.name}/{item['name']}" not in names:
            continue
        limit = item.get("concurrency_limit")
        deployments.append(
            flow.to_deployment(
                name=item["name"],
                description=item.get("description"),
                tags=item.get("tags"),
                parameters=item.get("parameters", {}),
                enforce_parameter_schema=item.get("enforce_parameter_schema", True),
                concurrency_limit=ConcurrencyLimitConfig(**limit) if isinstance(limit, dict) else limit,
                schedules=[
                    Cron(s["cron"], timezone=s.get("timezone"), parameters=s.get("parameters", {}), slug=s.get("slug"))
                    for s in item.get("schedules", [])
                ],
            )
        )
    if names and not deployments:
        raise ConfigError(f"no deployment named {', '.join(names)} in {PREFECT_FILE}")
    return deployments


def cmd_serve(args: argparse.Namespace) -> int:
    env = deployment_environment(args)
    os.environ.update({k: env[k] for k in ("NEWSETL_DEST", "NEWSETL_INBOX", "NEWSETL_PROJECT_DIR")})
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect import serve

    serve(*load_deployments(args.name))  # runs until interrupted
    return 0
