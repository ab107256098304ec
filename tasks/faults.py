"""Crash points and fault points: seams for the tests of what a crash or a bug does to a real run.

`NEWSETL_FAULT_AT=<point>` raises a RuntimeError at that point, as a bug in our code or a library would
(`build-article`: in every article's preparation; see tasks.errors.check_internal_errors).

`NEWSETL_CRASH_AT=<point>` makes the process SIGKILL itself when it reaches that point, exactly as an OOM
kill or a pod eviction would, with no cleanup and no Python exception handlers. Unset, it costs one dict
lookup per point; points are per step of a run, never per article.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "after-recovery",  # lease held, nothing of this run written
    "after-first-batch",  # one batch staged, others not
    "before-commit",  # every data file staged, no manifest
    "after-commit",  # manifest written, nothing published
    "during-publish",  # some files published, others still staged
    "before-staging-cleanup",  # all published, staging not yet deleted
)


def crash_point(name: str) -> None:
    if os.environ.get("NEWSETL_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def fault_point(name: str) -> None:
    if os.environ.get("NEWSETL_FAULT_AT") == name:
        raise RuntimeError(f"injected fault at {name} (NEWSETL_FAULT_AT)")
