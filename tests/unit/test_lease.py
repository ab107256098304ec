"""One writer per DEST: the local file lock and the S3 lease (taken over only when stale; fencing on loss)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from s3_servers import S3Endpoint

from tasks.lease import LEASE_FILE, DestBusy, LeaseLost, hold
from tasks.storage import Storage
from tasks.storage_s3 import S3Storage


def _storage(kind: str, tmp_path: Path, endpoint: S3Endpoint | None) -> Storage:
    if kind == "local":
        return Storage.open(str(tmp_path / "dest"))
    assert endpoint is not None
    return Storage.open(f"s3://{endpoint.new_bucket()}/ds")


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_second_writer_fails_fast_naming_the_holder(kind: str, tmp_path: Path, moto_store: S3Endpoint) -> None:
    storage = _storage(kind, tmp_path, moto_store)
    with hold(storage, "run-one"):
        started = time.monotonic()
        with pytest.raises(DestBusy, match="run-one") as caught, hold(storage, "run-two"):
            pass
        assert "--wait-lock" in str(caught.value)
        assert time.monotonic() - started < 5
    with hold(storage, "run-three"):  # released on exit
        pass


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_waiting_writer_gets_dest_when_the_holder_finishes(kind: str, tmp_path: Path, moto_store: S3Endpoint) -> None:
    storage = _storage(kind, tmp_path, moto_store)
    order: list[str] = []
    first_holds = threading.Event()

    def first() -> None:
        with hold(storage, "first"):
            first_holds.set()
            time.sleep(1.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_holds.wait(10)
    with hold(storage, "second", wait_seconds=30):
        order.append("second holds")
    thread.join()
    assert order == ["first done", "second holds"]


def test_a_stale_s3_lease_of_a_dead_run_is_taken_over(moto_store: S3Endpoint) -> None:
    storage = _storage("s3", Path("."), moto_store)
    dead = {"run_id": "dead-run", "host": "gone", "pid": 1, "expires_at": time.time() - 5}
    storage.write_bytes(LEASE_FILE, json.dumps(dead).encode())
    with hold(storage, "rescuer"):
        assert json.loads(storage.read_bytes(LEASE_FILE))["run_id"] == "rescuer"
    assert not storage.exists(LEASE_FILE)


def test_a_live_s3_lease_is_not_taken_over(moto_store: S3Endpoint) -> None:
    storage = _storage("s3", Path("."), moto_store)
    alive = {"run_id": "busy-run", "host": "h", "pid": 1, "expires_at": time.time() + 60}
    storage.write_bytes(LEASE_FILE, json.dumps(alive).encode())
    with pytest.raises(DestBusy, match="busy-run"), hold(storage, "intruder", wait_seconds=1):
        pass
    assert json.loads(storage.read_bytes(LEASE_FILE))["run_id"] == "busy-run"


def test_a_run_that_lost_its_lease_is_fenced_off(moto_store: S3Endpoint) -> None:
    storage = _storage("s3", Path("."), moto_store)
    assert isinstance(storage, S3Storage)
    with hold(storage, "slow-run", ttl_seconds=6) as lease:
        # Another writer found the lease stale (say, after a long GC pause here) and replaced it.
        storage.write_bytes(LEASE_FILE, json.dumps({"run_id": "other", "expires_at": time.time() + 60}).encode())
        deadline = time.monotonic() + 10
        while not lease.lost.is_set() and time.monotonic() < deadline:
            time.sleep(0.2)
        with pytest.raises(LeaseLost):
            lease.check()
    assert json.loads(storage.read_bytes(LEASE_FILE))["run_id"] == "other"  # not deleted by the loser
