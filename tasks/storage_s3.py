"""S3-compatible storage: every provider quirk lives here (AWS, MinIO, Ceph RGW, R2, SeaweedFS).

boto3 does the object operations (conditional puts, copies, listings, deletes) and resolves the standard AWS
configuration: `AWS_ENDPOINT_URL`, `AWS_PROFILE`, env keys, shared config and credentials files. pyarrow's
S3FileSystem reads and writes Parquet with the very same endpoint, region and credentials, handed to it
explicitly, so both clients always talk to one store. No directory-marker objects are ever written.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.exceptions
import pyarrow as pa
import pyarrow.fs as pafs
from botocore.config import Config

from tasks.errors import ConfigError
from tasks.storage import Storage
from tasks.storage_options import S3Options

# Settings that change what boto3 resolves; part of the client cache key so tests and tools may switch stores.
_AWS_ENV = (
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
)  # fmt: skip
_DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys


class S3Storage(Storage):
    def __init__(self, bucket: str, prefix: str, options: S3Options) -> None:
        if not bucket:
            raise ConfigError("S3 DEST needs a bucket: use s3://bucket/prefix")
        self.bucket, self.prefix = bucket, prefix
        self.uri = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
        self.root = f"{bucket}/{prefix}" if prefix else bucket
        env = tuple(os.environ.get(name) for name in _AWS_ENV)
        self.client, self.fs = _clients(options, env)
        self.conditional_writes = options.conditional_writes

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def check_writable(self) -> None:
        try:
            super().check_writable()
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise ConfigError(
                f"DEST {self.uri!r} is not writable ({_describe(exc)}); check the bucket name, the endpoint "
                "(AWS_ENDPOINT_URL or s3.endpoint_url) and the credentials (AWS_PROFILE or the AWS_* keys)"
            ) from None

    def write_bytes(self, relative: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.key(relative), Body=data)  # a PUT is atomic

    def put_if_absent(self, relative: str, data: bytes) -> bool:
        if not self.conditional_writes:
            if self.exists(relative):
                return False
            self.write_bytes(relative, data)
            return True
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.key(relative), Body=data, IfNoneMatch="*")
            return True
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 412:
                return False
            raise

    def put_lease(self, relative: str, data: bytes, expected_etag: str | None) -> str | None:
        """Write the lease object if it is absent (None) or still holds `expected_etag`; its new ETag, or None."""
        condition: dict[str, str] = {"IfMatch": expected_etag} if expected_etag else {"IfNoneMatch": "*"}
        try:
            reply = self.client.put_object(Bucket=self.bucket, Key=self.key(relative), Body=data, **condition)
            return str(reply["ETag"])
        except botocore.exceptions.ClientError as exc:
            if _status(exc) in (409, 412, 404):  # 409: a concurrent conditional write won the race
                return None
            raise

    def read_with_etag(self, relative: str) -> tuple[bytes, str] | None:
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self.key(relative))
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 404:
                return None
            raise
        return reply["Body"].read(), str(reply["ETag"])

    def delete_if_match(self, relative: str, etag: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(relative), IfMatch=etag)
        except botocore.exceptions.ClientError as exc:
            if _status(exc) not in (404, 412):
                raise

    def read_bytes(self, relative: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=self.key(relative))["Body"].read()
        return body

    def exists(self, relative: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(relative))
            return True
        except botocore.exceptions.ClientError as exc:
            if _status(exc) == 404:
                return False
            raise

    def size(self, relative: str) -> int:
        return int(self.client.head_object(Bucket=self.bucket, Key=self.key(relative))["ContentLength"])

    def list_files(self, prefix: str, suffix: str = "") -> list[str]:
        start = self.key(prefix).rstrip("/") + "/" if prefix else (f"{self.prefix}/" if self.prefix else "")
        strip = len(self.prefix) + 1 if self.prefix else 0
        found: list[str] = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            found.extend(o["Key"][strip:] for o in page.get("Contents", []) if o["Key"].endswith(suffix))
        return sorted(p for p in found if p and not p.endswith("/"))

    def move(self, source: str, target: str) -> None:
        # Server-side copy (multipart above 5 GB, handled by boto3), then remove the source.
        self.client.copy({"Bucket": self.bucket, "Key": self.key(source)}, self.bucket, self.key(target))
        self.client.delete_object(Bucket=self.bucket, Key=self.key(source))

    def delete(self, relative: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(relative))

    def delete_prefix(self, prefix: str) -> None:
        keys = [self.key(p) for p in self.list_files(prefix)]
        for i in range(0, len(keys), _DELETE_BATCH):
            chunk = [{"Key": k} for k in keys[i : i + _DELETE_BATCH]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})


@lru_cache(maxsize=16)
def _clients(options: S3Options, env: tuple[str | None, ...]) -> tuple[Any, pafs.S3FileSystem]:
    try:
        session = boto3.Session(profile_name=options.profile, region_name=options.region)
    except botocore.exceptions.ProfileNotFound as exc:
        raise ConfigError(f"S3: {exc}; set AWS_PROFILE or s3.profile to a profile in your AWS config") from None
    credentials = session.get_credentials()
    if credentials is None:
        raise ConfigError(
            "S3: no AWS credentials found; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, "
            "or run where an instance role is available"
        )
    custom = options.endpoint_url is not None or _configured_endpoint(session) is not None
    style = options.addressing_style if options.addressing_style != "auto" else ("path" if custom else "virtual")
    config = Config(
        retries={"max_attempts": options.max_attempts, "mode": "standard"},
        s3={"addressing_style": style},
        connect_timeout=10,
        read_timeout=60,
    )
    client = session.client("s3", endpoint_url=options.endpoint_url, config=config)
    frozen = credentials.get_frozen_credentials()
    region = client.meta.region_name or "us-east-1"
    arguments: dict[str, Any] = {
        "access_key": frozen.access_key,
        "secret_key": frozen.secret_key,
        "session_token": frozen.token,
        "region": region,
        "retry_strategy": pafs.AwsStandardS3RetryStrategy(max_attempts=options.max_attempts),
        "connect_timeout": 10,
        "request_timeout": 60,
        "allow_bucket_creation": False,
        "allow_bucket_deletion": False,
    }
    if custom:
        endpoint = urlparse(client.meta.endpoint_url)
        arguments |= {"endpoint_override": endpoint.netloc, "scheme": endpoint.scheme or "https"}
        arguments["force_virtual_addressing"] = style == "virtual"
    return client, pafs.S3FileSystem(**arguments)


def _configured_endpoint(session: boto3.Session) -> str | None:
    value = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if value:
        return value
    profile: dict[str, Any] = session._session.get_scoped_config()  # the active profile's settings
    s3_section = profile.get("s3")
    nested = s3_section.get("endpoint_url") if isinstance(s3_section, dict) else None
    found = nested or profile.get("endpoint_url")
    return str(found) if found else None


def _status(exc: botocore.exceptions.ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _describe(exc: Exception) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
    return type(exc).__name__ if isinstance(exc, pa.ArrowException) else str(exc)
