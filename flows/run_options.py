"""`newsetl run` options for how a run executes and shows itself: --runner, --dask-address, --quiet.

Validation happens before Prefect is imported, so a bad option costs nothing; the Dask runner is imported
only when asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Iterator
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


@contextlib.contextmanager
def configured_output(args: argparse.Namespace) -> Iterator[None]:
    """Progress display and console log level for one run; call before the flow runs. What it changes in this
    process (the environment, the console handler's level, the progress reporter) is put back on exit, so a
    program that calls `flows.cli.main` twice, or starts subprocesses afterwards, does not inherit --quiet."""
    from prefect.logging.handlers import PrefectConsoleHandler

    from flows import progress

    saved_env = os.environ.get(_CONSOLE_LEVEL)
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, PrefectConsoleHandler)]
    saved_levels = [handler.level for handler in handlers]
    saved_reporter = progress.current()
    if args.quiet:
        # Console only: the run's logs still reach the Prefect API (and its UI). The variable reaches processes
        # the run starts (Dask workers); the handlers are the ones an earlier import of Prefect set up here.
        os.environ[_CONSOLE_LEVEL] = "WARNING"
        for handler in handlers:
            handler.setLevel(logging.WARNING)
        progress.use(progress.QuietReporter)
    elif sys.stderr.isatty():
        progress.use(progress.TerminalReporter)
    else:
        progress.use(progress.LogReporter)
    try:
        yield
    finally:
        progress.use(saved_reporter)
        for handler, level in zip(handlers, saved_levels, strict=True):
            handler.setLevel(level)
        if saved_env is None:
            os.environ.pop(_CONSOLE_LEVEL, None)
        else:
            os.environ[_CONSOLE_LEVEL] = saved_env


_CONSOLE_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"


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
