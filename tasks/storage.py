"""One storage abstraction for every DEST: paths relative to a dataset root, local disk or S3-compatible.

Callers only ever see relative paths and the operations below; what differs between providers (conditional
writes, server-side copies, listing, credentials) lives in `tasks.storage_s3` for S3 and here for local disk.
Parquet goes through a pyarrow filesystem in both cases, so `read_parquet`/`write_parquet` share one code path.
"""

from __future__ import annotations

import os
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from tasks.errors import ConfigError
from tasks.parquet_encoding import dictionary_columns
from tasks.storage_options import S3Options


@dataclass(frozen=True)
class Dest:
    """Where a dataset lives: its URI and, for S3, the non-secret connection overrides."""

    uri: str
    s3: S3Options = field(default_factory=S3Options)


class Storage(ABC):
    """A dataset root (`uri`) and the filesystem that holds it."""

    uri: str
    root: str  # the root as a path on `fs`
    fs: pafs.FileSystem

    @staticmethod
    def open(dest: str | Dest) -> Storage:
        target = dest if isinstance(dest, Dest) else Dest(dest)
        parsed = urlparse(target.uri)
        if parsed.scheme in ("", "file"):
            local = Path(parsed.path if parsed.scheme == "file" else target.uri).expanduser().resolve()
            return LocalStorage(local)
        if parsed.scheme in ("s3", "s3a"):
            from tasks.storage_s3 import S3Storage

            return S3Storage(parsed.netloc, parsed.path.strip("/"), target.s3)
        raise ConfigError(
            f"DEST {target.uri!r}: scheme {parsed.scheme!r} is not supported; use a local path or s3://bucket/prefix"
        )

    def path(self, relative: str) -> str:
        """`relative` as a path on `fs` (for pyarrow readers and writers)."""
        return f"{self.root}/{relative}" if relative else self.root

    def check_writable(self) -> None:
        """Fail fast, before any input is read, when DEST cannot be written."""
        probe = f"_probe-{uuid.uuid4().hex}"
        try:
            self.write_bytes(probe, b"")
            self.delete(probe)
        except (OSError, pa.ArrowException) as exc:
            raise ConfigError(f"DEST {self.uri!r} is not writable ({exc}); choose a writable --dest") from exc

    @abstractmethod
    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write a whole object; readers see the old state or the new one, never a partial file."""

    @abstractmethod
    def put_if_absent(self, relative: str, data: bytes) -> bool:
        """Create the object only if nothing exists at that path (the commit point); False if it existed."""

    @abstractmethod
    def list_files(self, prefix: str, suffix: str = "") -> list[str]:
        """Relative paths of the files below `prefix`, sorted."""

    @abstractmethod
    def move(self, source: str, target: str) -> None:
        """Publish `source` at `target` (replacing it) and remove `source`."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> None:
        """Remove every file below `prefix` (no error when there is none)."""

    def read_bytes(self, relative: str) -> bytes:
        with self.open_read(relative) as stream:
            return bytes(stream.read())

    def open_read(self, relative: str) -> pa.NativeFile:
        """A stream of the file's exact bytes (pyarrow would otherwise inflate `.gz` files by their suffix)."""
        return self.fs.open_input_stream(self.path(relative), compression=None)

    def exists(self, relative: str) -> bool:
        return bool(self.fs.get_file_info(self.path(relative)).type == pafs.FileType.File)

    def size(self, relative: str) -> int:
        return int(self.fs.get_file_info(self.path(relative)).size or 0)

    def delete(self, relative: str) -> None:
        self.fs.delete_file(self.path(relative))

    def delete_dir(self, relative: str) -> None:
        self.delete_prefix(relative)

    def write_parquet(self, relative: str, table: pa.Table, row_group_size: int | None = None) -> int:
        """Write one Parquet file (zstd) with the table's own explicit schema; returns its size in bytes."""
        target = self._write_target(relative)
        pq.write_table(
            table,
            target,
            filesystem=self.fs,
            compression="zstd",
            use_dictionary=dictionary_columns(table.schema),
            write_statistics=True,
            row_group_size=row_group_size,
        )
        self._finish_write(target, relative)
        return self.size(relative)

    @contextmanager
    def parquet_writer(self, relative: str, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
        """A streaming Parquet writer whose file appears at `relative` only once it is complete."""
        target = self._write_target(relative)
        dictionary = dictionary_columns(schema)
        with pq.ParquetWriter(
            target, schema, filesystem=self.fs, compression="zstd", use_dictionary=dictionary, write_statistics=True
        ) as out:
            yield out
        self._finish_write(target, relative)

    def read_parquet(self, relative: str, columns: list[str] | None = None) -> pa.Table:
        return pq.read_table(self.path(relative), columns=columns, filesystem=self.fs)

    def parquet_schema_names(self, relative: str) -> list[str]:
        with self.parquet_file(relative) as parquet:
            return list(parquet.schema_arrow.names)

    @contextmanager
    def parquet_file(self, relative: str) -> Iterator[pq.ParquetFile]:
        """Random access to one Parquet file: its footer first, then only the row groups a reader asks for."""
        with self.fs.open_input_file(self.path(relative)) as handle:
            yield pq.ParquetFile(handle)

    def _write_target(self, relative: str) -> str:
        return self.path(relative)

    def _finish_write(self, written: str, relative: str) -> None:  # noqa: B027 - an optional hook
        """Hook for stores where a write is not atomic by itself (local disk renames a temporary file)."""


class LocalStorage(Storage):
    def __init__(self, root: Path) -> None:
        self.uri = str(root)
        self.root = root.as_posix()
        self.fs = pafs.LocalFileSystem()

    def write_bytes(self, relative: str, data: bytes) -> None:
        self._finish_write(self._durable_temporary(relative, data), relative)

    def put_if_absent(self, relative: str, data: bytes) -> bool:
        temporary = self._durable_temporary(relative, data)
        try:
            os.link(temporary, self.path(relative))  # atomic, and fails when the target exists
            return True
        except FileExistsError:
            return False
        finally:
            os.unlink(temporary)

    def _durable_temporary(self, relative: str, data: bytes) -> str:
        """The bytes in a hidden sibling file, flushed to disk, ready to be renamed or linked into place."""
        temporary = self._write_target(relative)
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        return temporary

    def list_files(self, prefix: str, suffix: str = "") -> list[str]:
        info = self.fs.get_file_info(pafs.FileSelector(self.path(prefix), recursive=True, allow_not_found=True))
        start = len(self.root) + 1
        found = (i.path[start:] for i in info if i.type == pafs.FileType.File)
        return sorted(p for p in found if p.endswith(suffix))

    def move(self, source: str, target: str) -> None:
        os.makedirs(os.path.dirname(self.path(target)), exist_ok=True)
        os.replace(self.path(source), self.path(target))

    def delete_prefix(self, prefix: str) -> None:
        if self.fs.get_file_info(self.path(prefix)).type == pafs.FileType.Directory:
            self.fs.delete_dir(self.path(prefix))

    def _write_target(self, relative: str) -> str:
        target = self.path(relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return hidden_temporary(target)

    def _finish_write(self, written: str, relative: str) -> None:
        os.replace(written, self.path(relative))


def hidden_temporary(target: str) -> str:
    """A sibling name that default dataset readers skip (leading '.') and no glob on the suffix matches."""
    head, _, name = target.rpartition("/")
    return f"{head}/.{name}.{uuid.uuid4().hex}.tmp"
