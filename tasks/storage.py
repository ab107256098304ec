"""One storage abstraction for every DEST: paths relative to a dataset root on a pyarrow filesystem.

Local disk today; S3-compatible stores plug in here (pyarrow.fs.S3FileSystem for data, boto3 for object
operations) without the rest of the code changing: callers only ever see relative paths.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from tasks.errors import ConfigError


@dataclass(frozen=True)
class Storage:
    """A dataset root (`uri`) and the filesystem that holds it."""

    uri: str
    root: str
    fs: pafs.FileSystem

    @classmethod
    def open(cls, uri: str) -> Storage:
        parsed = urlparse(uri)
        if parsed.scheme in ("", "file"):
            local = Path(parsed.path if parsed.scheme == "file" else uri).expanduser().resolve()
            return cls(uri=str(local), root=local.as_posix(), fs=pafs.LocalFileSystem())
        raise ConfigError(
            f"DEST {uri!r}: scheme {parsed.scheme!r} is not supported; use a local path (S3 support is planned)"
        )

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}" if relative else self.root

    def check_writable(self) -> None:
        """Fail fast, before any input is read, when DEST cannot be written."""
        probe = f"_probe-{uuid.uuid4().hex}"
        try:
            self.write_bytes(probe, b"")
            self.delete(probe)
        except (OSError, pa.ArrowException) as exc:
            raise ConfigError(f"DEST {self.uri!r} is not writable ({exc}); choose a writable --dest") from exc

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Write a whole object; readers see the old state or the new one, never a partial file."""
        target = self.path(relative)
        self._make_parent(target)
        temporary = _hidden_temporary(target)
        with self.fs.open_output_stream(temporary) as out:
            out.write(data)
        self.fs.move(temporary, target)

    def read_bytes(self, relative: str) -> bytes:
        with self.fs.open_input_stream(self.path(relative)) as stream:
            return bytes(stream.read())

    def exists(self, relative: str) -> bool:
        return bool(self.fs.get_file_info(self.path(relative)).type != pafs.FileType.NotFound)

    def list_files(self, prefix: str, suffix: str = "") -> list[str]:
        """Relative paths of the files below `prefix`, sorted."""
        info = self.fs.get_file_info(pafs.FileSelector(self.path(prefix), recursive=True, allow_not_found=True))
        start = len(self.root) + 1
        found = (i.path[start:] for i in info if i.type == pafs.FileType.File)
        return sorted(p for p in found if p.endswith(suffix))

    def size(self, relative: str) -> int:
        return int(self.fs.get_file_info(self.path(relative)).size or 0)

    def delete(self, relative: str) -> None:
        self.fs.delete_file(self.path(relative))

    def delete_dir(self, relative: str) -> None:
        if self.exists(relative):
            self.fs.delete_dir(self.path(relative))

    def write_parquet(self, relative: str, table: pa.Table) -> int:
        """Write one Parquet file (zstd) with the table's own explicit schema; returns its size in bytes."""
        target = self.path(relative)
        self._make_parent(target)
        temporary = _hidden_temporary(target)
        pq.write_table(table, temporary, filesystem=self.fs, compression="zstd", write_statistics=True)
        self.fs.move(temporary, target)
        return self.size(relative)

    def read_parquet(self, relative: str, columns: list[str] | None = None) -> pa.Table:
        return pq.read_table(self.path(relative), columns=columns, filesystem=self.fs)

    def _make_parent(self, target: str) -> None:
        # Object stores have no directories; creating markers there breaks s3fs-based readers.
        if isinstance(self.fs, pafs.LocalFileSystem):
            os.makedirs(os.path.dirname(target), exist_ok=True)


def _hidden_temporary(target: str) -> str:
    """A sibling name that default dataset readers skip (leading '.') and no glob on the suffix matches."""
    head, _, name = target.rpartition("/")
    return f"{head}/.{name}.{uuid.uuid4().hex}.tmp"
