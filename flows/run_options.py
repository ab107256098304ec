"""`newsetl run` options for how a run executes and shows itself: --runner, --dask-address, --quiet.

Validation happens before Prefect is imported, so a bad option costs nothing; the Dask runner is imported
only when asked for.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any
from urllib.parse import urlparse

from tasks.errors import ConfigError

DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")


def add_run_options(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--runner",
        choices=["thread", "dask"],
        default="thread",
        help="where batch tasks run: threads in this process, or Dask workers (default: %(default)s)",
    )
    run.add_argument(
        "--dask-address",
        metavar="tcp://HOST:PORT",
        help="scheduler of an existing Dask cluster; without it, --runner dask starts a LocalCluster of --workers",
    )
    run.add_argument("--quiet", action="store_true", help="no progress and no log lines: errors and the summary only")


def check_run_options(args: argparse.Namespace) -> None:
    """Raise ConfigError for inconsistent options (exit code 2, nothing read or written)."""
    if args.dask_address is None:
        return
    if args.runner != "dask":
        raise ConfigError("--dask-address needs --runner dask")
    parsed = urlparse(args.dask_address)
    if parsed.scheme not in DASK_SCHEMES or not parsed.hostname or not parsed.port:
        raise ConfigError(
            f"--dask-address {args.dask_address!r}: expected SCHEME://HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )


def configure_output(args: argparse.Namespace) -> None:
    """Choose progress display and console log level; call before the flow runs (and before importing Prefect)."""
    if args.quiet:
        # Console only: the run's logs still reach the Prefect API (and its UI). The variable covers a Prefect
        # not yet imported; the loop the console handler an earlier import already set up.
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "WARNING"
        from prefect.logging.handlers import PrefectConsoleHandler

        for handler in logging.getLogger().handlers:
            if isinstance(handler, PrefectConsoleHandler):
                handler.setLevel(logging.WARNING)
    from flows import progress

    if args.quiet:
        progress.use(progress.QuietReporter)
    elif sys.stderr.isatty():
        progress.use(progress.TerminalReporter)
    else:
        progress.use(progress.LogReporter)


def task_runner(args: argparse.Namespace, workers: int) -> Any:
    """The Prefect task runner for this run."""
    if args.runner == "dask":
        from prefect_dask.task_runners import DaskTaskRunner

        logging.getLogger("distributed").setLevel(logging.WARNING)  # Dask's INFO lines drown the run's own
        if args.dask_address:
            from prefect.settings import PREFECT_API_URL

            if not PREFECT_API_URL.value():
                print(
                    "newsetl: warning: no PREFECT_API_URL: each Dask worker will start a Prefect server of its own;"
                    " set PREFECT_API_URL here and on the workers to one server",
                    file=sys.stderr,
                )
            return DaskTaskRunner(address=args.dask_address)
        share_embedded_server()
        # One single-threaded worker process per --workers: the batch stages are CPU-bound Python.
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    from flows.ingest import thread_runner

    return thread_runner(workers)


def share_embedded_server() -> None:
    """Without PREFECT_API_URL, start the embedded server now and hand its URL to the LocalCluster's workers.

    Otherwise each worker process starts an embedded server of its own (10-15 s each, and task runs recorded
    in throwaway databases). Workers of an existing cluster need PREFECT_API_URL set where they run.
    """
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    server = SubprocessASGIServer()  # the same instance the flow's own client will use
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url  # read by the worker processes the cluster spawns
