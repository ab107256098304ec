"""The newsetl error tree.

    NewsetlError
    ├── ConfigError        bad configuration: raised before anything is read or written (exit code 2)
    ├── TransientError     worth retrying: network blips, throttling, 5xx (retried by the task wrappers)
    └── TerminalError      retrying will not help: the run fails with one clear message (exit code 1)

Bad *input* is not an error: it becomes a row in the rejects table (see `Reject`).
"""

from __future__ import annotations

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
