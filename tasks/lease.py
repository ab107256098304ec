"""One writer at a time per DEST: a file lock on local disk, a lease object with owner and expiry on S3.

Local: `DEST/_lock` held with flock; the kernel releases it when the holder dies, so there is never a stale lock.
S3: `DEST/_lease.json` created with If-None-Match and renewed with If-Match by a background thread. A lease
whose expiry has passed belongs to a dead run and is taken over with If-Match on its ETag, so of two runs
taking over at once exactly one wins. Before committing, a run checks it still holds its lease (fencing).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from tasks.errors import NewsetlError
from tasks.storage import LocalStorage, Storage
from tasks.storage_s3 import S3Storage

LOCK_FILE = "_lock"
LEASE_FILE = "_lease.json"
_POLL_SECONDS = 0.5


class DestBusy(NewsetlError):
    """Another run holds DEST; raised when waiting for it is not allowed or takes too long."""


class LeaseLost(NewsetlError):
    """Our lease expired and another run took it over: this run must not commit."""


class Lease:
    def __init__(self, owner: dict[str, object]) -> None:
        self.owner = owner
        self.lost = threading.Event()

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(f"run {self.owner.get('run_id')} lost its lease on DEST; nothing was committed")


def owner_record(run_id: str) -> dict[str, object]:
    return {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid()}


@contextmanager
def hold(storage: Storage, run_id: str, wait_seconds: float = 0.0, ttl_seconds: float = 120.0) -> Iterator[Lease]:
    """Hold DEST for the duration of the block, waiting up to `wait_seconds` for another run to finish."""
    if isinstance(storage, S3Storage):
        with _hold_s3(storage, owner_record(run_id), wait_seconds, ttl_seconds) as lease:
            yield lease
    else:
        assert isinstance(storage, LocalStorage)
        with _hold_local(storage, owner_record(run_id), wait_seconds) as lease:
            yield lease


@contextmanager
def _hold_local(storage: LocalStorage, owner: dict[str, object], wait_seconds: float) -> Iterator[Lease]:
    path = storage.path(LOCK_FILE)
    os.makedirs(storage.root, exist_ok=True)
    handle: IO[str] = open(path, "a+")  # noqa: SIM115 - held open for the whole run
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    raise DestBusy(_busy_message(storage.uri, handle.read(), wait_seconds)) from None
                time.sleep(_POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(owner))
        handle.flush()
        yield Lease(owner)
    finally:
        handle.close()  # releases the flock


@contextmanager
def _hold_s3(storage: S3Storage, owner: dict[str, object], wait_seconds: float, ttl: float) -> Iterator[Lease]:
    lease = Lease(owner)
    etag = _acquire_s3(storage, owner, wait_seconds, ttl)
    stop = threading.Event()
    current = {"etag": etag}

    def renew() -> None:
        renewed_at = time.monotonic()
        while not stop.wait(ttl / 3):
            try:
                renewed = storage.put_lease(LEASE_FILE, _lease_body(owner, ttl), current["etag"])
            except Exception:  # the store is unreachable: keep trying until the lease would expire
                if time.monotonic() - renewed_at > ttl:
                    lease.lost.set()
                    return
                continue
            if renewed is None:
                lease.lost.set()
                return
            current["etag"], renewed_at = renewed, time.monotonic()

    renewer = threading.Thread(target=renew, name="newsetl-lease-renewal", daemon=True)
    renewer.start()
    try:
        yield lease
    finally:
        stop.set()
        renewer.join()
        if not lease.lost.is_set():
            try:
                storage.delete_if_match(LEASE_FILE, current["etag"])
            except Exception:  # never mask the run's own error; the lease expires by itself
                logging.getLogger(__name__).warning("could not release the lease on %s; it expires in %g s",
                                                    storage.uri, ttl)  # fmt: skip


def _acquire_s3(storage: S3Storage, owner: dict[str, object], wait_seconds: float, ttl: float) -> str:
    deadline = time.monotonic() + wait_seconds
    while True:
        etag = storage.put_lease(LEASE_FILE, _lease_body(owner, ttl), None)
        if etag is not None:
            return etag
        found = storage.read_with_etag(LEASE_FILE)
        if found is not None:
            body, stale_etag = found
            if _expired(body):
                taken = storage.put_lease(LEASE_FILE, _lease_body(owner, ttl), stale_etag)
                if taken is not None:
                    return taken
            elif time.monotonic() >= deadline:
                raise DestBusy(_busy_message(storage.uri, body.decode("utf-8", "replace"), wait_seconds))
        time.sleep(_POLL_SECONDS)


def _lease_body(owner: dict[str, object], ttl: float) -> bytes:
    now = time.time()
    return json.dumps({**owner, "renewed_at": now, "expires_at": now + ttl}).encode()


def _expired(body: bytes) -> bool:
    try:
        return float(json.loads(body)["expires_at"]) < time.time()
    except (ValueError, KeyError, TypeError):
        return True  # an unreadable lease protects nothing


def _busy_message(uri: str, holder: str, waited: float) -> str:
    try:
        info = json.loads(holder)
        who = f"run {info.get('run_id')} (host {info.get('host')}, pid {info.get('pid')})"
    except ValueError:
        who = "another run"
    return (
        f"DEST {uri!r} is in use by {who}; waited {waited:g} s. Wait for it to finish, or pass --wait-lock SECONDS"
        " to queue behind it"
    )
