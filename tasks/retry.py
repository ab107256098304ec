"""Which failures are worth retrying, for the `retry_condition_fn` of the batch tasks.

Transient: network errors, timeouts, throttling and 5xx from S3 (after boto3's and pyarrow's own retries gave
up), and our own TransientError. Everything else (bad configuration, a lost lease, a bug) is terminal: it fails
the run at once with its message, and nothing is committed.
"""

from __future__ import annotations

from typing import Any

import botocore.exceptions

from tasks.errors import TransientError

RETRIES = 3
RETRY_DELAYS = [2.0, 10.0, 30.0]  # backoff between task attempts, in seconds
_TRANSIENT_STATUS = {429, 500, 502, 503, 504}
# How pyarrow's S3 filesystem words the errors of a store that is down or throttling.
_PYARROW_TRANSIENT = ("NETWORK_CONNECTION", "SLOW_DOWN", "SERVICE_UNAVAILABLE", "INTERNAL_FAILURE", "REQUEST_TIMEOUT",
                      "Connection refused", "Couldn't connect", "Timeout was reached")  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientError | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, botocore.exceptions.ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status in _TRANSIENT_STATUS or exc.response.get("Error", {}).get("Code") in ("SlowDown", "Throttling")
    if isinstance(exc, botocore.exceptions.ConnectionError | botocore.exceptions.HTTPClientError):
        return True  # EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError
    if isinstance(exc, OSError) and any(marker in str(exc) for marker in _PYARROW_TRANSIENT):
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and is_transient(cause)


def retry_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect's retry condition: retry the task only when it failed with a transient error."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:  # the result could not be read: do not guess
        return False
    return isinstance(exc, BaseException) and is_transient(exc)


# The retry settings of every task that touches the destination, in one place: `@task(name=..., **RETRY_TRANSIENT)`.
RETRY_TRANSIENT: dict[str, Any] = {
    "retries": RETRIES,
    "retry_delay_seconds": RETRY_DELAYS,
    "retry_condition_fn": retry_transient,
}
