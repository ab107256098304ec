"""The newsetl error tree.

    NewsetlError
    ├── ConfigError        bad configuration: raised before anything is read or written (exit code 2)
    ├── TransientError     worth retrying: network blips, throttling, 5xx (retried by the task wrappers)
    └── TerminalError      retrying will not help: the run fails with one clear message (exit code 1)

Bad *input* is not an error: it becomes a row in the rejects table (see `Reject`). An input that meets a bug
becomes a reject too (reason `internal_error`, with its raw bytes); but when most of a run's items do, the
bug is ours, not the inputs': `check_internal_errors` fails the run before anything is committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class NewsetlError(Exception):
    """Base of every error newsetl raises on purpose."""


class ConfigError(NewsetlError):
    """The configuration is wrong; the message says what to fix."""


class TransientError(NewsetlError):
    """A failure that may go away when retried."""


class TerminalError(NewsetlError):
    """A failure that retrying will not fix."""


@dataclass(frozen=True)
class Reject:
    """An input that could not become an article, with a reason code and its raw bytes."""

    source_uri: str
    reason: str
    detail: str
    raw: bytes


class RejectedInput(Exception):
    """Raised inside the per-item parsing code to turn the current item into a `Reject`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


INTERNAL_ERROR = "internal_error"  # reject reason of an item that met a bug
MIN_INTERNAL_ERRORS = 20  # fewer is a handful of odd inputs, whatever their share of a small run


def check_internal_errors(rejects_by_reason: Mapping[str, int], items: int, max_share: float) -> None:
    """Fail the run when more than `max_share` of its items hit an internal error: a broken extractor or a
    bad upgrade, which would otherwise turn a whole archive into rejects under a run that looks successful."""
    internal = rejects_by_reason.get(INTERNAL_ERROR, 0)
    if internal >= MIN_INTERNAL_ERRORS and internal > max_share * items:
        raise TerminalError(
            f"{internal} of {items} items failed with an internal error (a bug in newsetl or a dependency, "
            f"not bad input), more than the allowed share {max_share:g}: nothing was committed. The log has "
            "each error with its traceback; fix or upgrade and rerun, or set --max-internal-error-share 1 "
            "to commit them as rejects"
        )
