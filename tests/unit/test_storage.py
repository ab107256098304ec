"""The storage contract, held by local disk and by two S3 endpoints on 127.0.0.1 (moto and SeaweedFS)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from s3_servers import S3Endpoint, use_s3

from tasks.errors import ConfigError
from tasks.storage import Dest, LocalStorage, Storage
from tasks.storage_options import S3Options


@pytest.fixture(params=["local", "moto", "seaweedfs"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return Storage.open(str(tmp_path / "data"))
    endpoint = use_s3(request, request.param)
    return Storage.open(f"s3://{endpoint.new_bucket()}/datasets/news")


def test_bytes_round_trip_and_listing_is_relative_sorted_and_bounded_by_the_prefix(storage: Storage) -> None:
    storage.write_bytes("a/b/c.json", b"{}")
    storage.write_bytes("a/d.txt", b"x")
    storage.write_bytes("ab/e.json", b"[]")  # shares the prefix "a" as a string, not as a folder
    assert storage.list_files("a") == ["a/b/c.json", "a/d.txt"]
    assert storage.list_files("a", ".json") == ["a/b/c.json"]
    assert storage.read_bytes("a/b/c.json") == b"{}"
    assert storage.exists("a/d.txt") and not storage.exists("a/zzz")
    storage.delete_prefix("a")
    assert storage.list_files("a") == [] and storage.list_files("ab") == ["ab/e.json"]


def test_put_if_absent_creates_once(storage: Storage) -> None:
    assert storage.put_if_absent("_runs/r1.json", b"first")
    assert not storage.put_if_absent("_runs/r1.json", b"second")
    assert storage.read_bytes("_runs/r1.json") == b"first"
    assert storage.list_files("_runs") == ["_runs/r1.json"]  # no temporary left behind


def test_move_publishes_and_removes_the_source(storage: Storage) -> None:
    storage.write_bytes("_staging/r/data/articles/p=1/f.parquet", b"payload")
    storage.write_bytes("articles/p=1/f.parquet", b"stale")
    storage.move("_staging/r/data/articles/p=1/f.parquet", "articles/p=1/f.parquet")
    assert storage.read_bytes("articles/p=1/f.parquet") == b"payload"
    assert not storage.exists("_staging/r/data/articles/p=1/f.parquet")


def test_parquet_keeps_the_explicit_schema(storage: Storage) -> None:
    schema = pa.schema([pa.field("id", pa.string(), nullable=False), pa.field("n", pa.int32())])
    table = pa.table({"id": ["a", "b"], "n": pa.array([1, None], pa.int32())}, schema=schema)
    size = storage.write_parquet("t/part=x/f.parquet", table)
    assert size == storage.size("t/part=x/f.parquet") > 0
    back = storage.read_parquet("t/part=x/f.parquet")
    assert back.schema.equals(schema) and back.to_pylist() == table.to_pylist()


def test_s3_writes_no_directory_markers(s3_store: S3Endpoint) -> None:
    bucket = s3_store.new_bucket()
    storage = Storage.open(f"s3://{bucket}/root")
    storage.write_parquet("articles/published_date=2026-11-28/part-1.parquet", pa.table({"x": [1]}))
    storage.write_bytes("_runs/r.json", b"{}")
    keys = [o["Key"] for o in s3_store.client().list_objects_v2(Bucket=bucket)["Contents"]]  # type: ignore[attr-defined]
    assert sorted(keys) == ["root/_runs/r.json", "root/articles/published_date=2026-11-28/part-1.parquet"]


def test_s3_settings_come_from_the_standard_aws_environment(moto_store: S3Endpoint) -> None:
    bucket = moto_store.new_bucket()
    # Only AWS_ENDPOINT_URL and the env keys point at the store: nothing newsetl-specific is configured.
    Storage.open(f"s3://{bucket}").check_writable()


def test_explicit_endpoint_override_wins_over_the_environment(
    moto_s3: S3Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in moto_s3.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    bucket = moto_s3.new_bucket()
    Storage.open(Dest(f"s3://{bucket}/x", S3Options(endpoint_url=moto_s3.url))).check_writable()


def test_bad_s3_configuration_fails_with_what_to_fix(moto_store: S3Endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"not writable.*bucket name"):
        Storage.open("s3://newsetl-no-such-bucket/x").check_writable()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ConfigError, match="no AWS credentials"):
        Storage.open("s3://other-bucket-name/x")
    with pytest.raises(ConfigError, match="profile"):
        Storage.open(Dest("s3://bucket-name/x", S3Options(profile="no-such-profile")))


def test_unknown_scheme_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="local path or s3://"):
        Storage.open("ftp://example/x")


def test_local_storage_leaves_no_temporaries(tmp_path: Path) -> None:
    storage = Storage.open(str(tmp_path))
    assert isinstance(storage, LocalStorage)
    storage.write_parquet("a/f.parquet", pa.table({"x": [1]}))
    storage.write_bytes("a/g.json", b"{}")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["f.parquet", "g.json"]


def test_transient_and_terminal_errors_are_told_apart() -> None:
    import botocore.exceptions

    from tasks.errors import ConfigError as Config
    from tasks.errors import TransientError
    from tasks.lease import LeaseLost
    from tasks.retry import is_transient

    def client_error(status: int, code: str) -> botocore.exceptions.ClientError:
        reply = {"Error": {"Code": code, "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return botocore.exceptions.ClientError(reply, "PutObject")  # type: ignore[arg-type]

    transient = [
        TransientError("x"),
        ConnectionResetError(),
        TimeoutError(),
        botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
        client_error(503, "SlowDown"),
        client_error(500, "InternalError"),
        OSError("When uploading part: AWS Error NETWORK_CONNECTION during UploadPart operation: curl error"),
    ]
    terminal = [Config("bad"), LeaseLost("gone"), client_error(403, "AccessDenied"), ValueError("bug"), OSError("disk")]
    assert [is_transient(e) for e in transient] == [True] * len(transient)
    assert [is_transient(e) for e in terminal] == [False] * len(terminal)


def test_a_repeated_identical_commit_is_the_same_commit(tmp_path: Path) -> None:
    from tasks.protocol import CommitConflict, commit

    storage = Storage.open(str(tmp_path))
    manifest = {"run_id": "r1", "files": []}
    assert commit(storage, manifest) == commit(storage, manifest)  # a retry after a lost reply
    with pytest.raises(CommitConflict):
        commit(storage, {"run_id": "r1", "files": [], "other": True})


def test_every_task_that_writes_to_the_destination_retries_transient_errors_only() -> None:
    from flows.reindex import rebuild_index_task
    from tasks.batch import prepare_archived_batch_task, prepare_batch_task
    from tasks.commit import commit_batches_task, commit_run_task
    from tasks.compact import merge_group_task
    from tasks.resolve import resolve_duplicates_task
    from tasks.retry import RETRIES, RETRY_DELAYS, retry_transient

    tasks = [prepare_batch_task, prepare_archived_batch_task, resolve_duplicates_task, commit_batches_task]
    tasks += [commit_run_task, merge_group_task, rebuild_index_task]
    settings = [(t.name, t.retries, t.retry_delay_seconds, t.retry_condition_fn) for t in tasks]
    assert settings == [(t.name, RETRIES, RETRY_DELAYS, retry_transient) for t in tasks]
