"""A local, memory-mapped copy of the committed dedup index, so that a lookup costs a binary search per key.

Why a copy: a run asks ~42 LSH band keys per article, so a 10,000-article batch asks 420,000 keys, more than
the disk pages of a 1M-article band table: any read of the Parquet files by row group or page becomes a scan of
the whole index. Index files are immutable (named after the run that wrote them, replaced only by a new file
under a new name), so each is copied once per machine into uncompressed Arrow IPC segments. A lookup maps a
segment and binary-searches its sorted keys: it touches about one memory page per key asked, never the rows
between, so its cost grows with the keys asked, not with the rows indexed. The Parquet files stay the durable,
portable record on the destination; the cache is derived, per machine, and may be deleted at any time.

Location: `NEWSETL_CACHE_DIR`, else `$XDG_CACHE_HOME/newsetl`, else `~/.cache/newsetl`; one folder per
destination, pruned of files that are no longer committed (after compaction or reindex).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa

from schemas.index import SCHEME_METADATA
from tasks.errors import ConfigError, TerminalError
from tasks.minhash import concatenated_ranges
from tasks.storage import Storage

CACHE_ENV = "NEWSETL_CACHE_DIR"
# Rows per mapped segment: bounds what one lookup keeps mapped (and so resident) at a time to ~20-40 MB.
SEGMENT_ROWS = 1 << 20


def cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsetl"


class IndexCache:
    """The cached copies of one destination's index files."""

    def __init__(self, storage: Storage, root: Path | None = None) -> None:
        self._storage = storage
        self.folder = (root or cache_root()) / "index" / hashlib.sha256(storage.uri.encode()).hexdigest()[:16]

    def check_writable(self) -> None:
        """Fail fast (before a run writes anything) when the cache folder cannot be written."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=self.folder).close()
        except OSError as exc:
            raise ConfigError(
                f"the dedup index cache folder {self.folder} is not writable ({exc.strerror or exc}): "
                f"set {CACHE_ENV} to a writable local folder"
            ) from exc

    def entry(self, path: str) -> Path:
        """The cached copy of committed index file `path`, made on first use (the size guards against a
        destination deleted and rebuilt with a file of the same name)."""
        entry = self.folder / f"{path.replace('/', '~')}~{self._storage.size(path)}"
        if not entry.is_dir():
            self._copy(path, entry)
        return entry

    def find(self, path: str, wanted: np.ndarray, columns: list[str], scheme: str | None) -> list[pa.Table]:
        """Rows of index file `path` whose key is in `wanted` (sorted, unique), as tables copied out of the map.

        `scheme` is checked against the file's; None for tables whose keys do not depend on it (ids)."""
        found: list[pa.Table] = []
        for segment in sorted(self.entry(path).glob("*.arrow")):
            with pa.memory_map(str(segment)) as source:
                table = pa.ipc.open_file(source).read_all()
                stored = (table.schema.metadata or {}).get(SCHEME_METADATA, b"").decode()
                if scheme is not None and stored != scheme:
                    raise TerminalError(f"index file {path} has scheme {stored!r}, expected {scheme!r}")
                if not table.num_rows:
                    continue
                keys = table.column("key").chunk(0).to_numpy()  # zero-copy view of the mapped file
                lo = np.searchsorted(wanted, keys[0], side="left")
                asked = wanted[lo : np.searchsorted(wanted, keys[-1], side="right")]
                first = np.searchsorted(keys, asked, side="left")
                counts = np.searchsorted(keys, asked, side="right") - first
                rows = concatenated_ranges(first, counts)
                if len(rows):
                    found.append(table.select(columns).take(pa.array(rows)))
        return found

    def prune(self, committed: Iterable[str]) -> None:
        """Drop cached copies of files that are no longer committed, and leftovers of interrupted copies."""
        if not self.folder.is_dir():
            return
        keep = {path.replace("/", "~") for path in committed}
        for entry in self.folder.iterdir():
            if entry.name.startswith(".") or entry.name.rsplit("~", 1)[0] not in keep:
                shutil.rmtree(entry, ignore_errors=True)

    def _copy(self, path: str, entry: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".copy-", dir=self.folder))
        try:
            with self._storage.parquet_file(path) as parquet:
                schema = parquet.schema_arrow
                segments = 0
                for batch in parquet.iter_batches(batch_size=SEGMENT_ROWS):
                    _write_segment(building / f"{segments:05d}.arrow", pa.Table.from_batches([batch], schema))
                    segments += 1
                if not segments:
                    _write_segment(building / "00000.arrow", schema.empty_table())
            try:
                building.rename(entry)  # atomic: readers see a whole copy or none
            except OSError:
                if not entry.is_dir():  # not a concurrent copy of the same file winning the race
                    raise
        finally:
            shutil.rmtree(building, ignore_errors=True)


def _write_segment(target: Path, table: pa.Table) -> None:
    """One record batch per segment, so the key column maps to one contiguous numpy array."""
    with pa.ipc.new_file(str(target), table.schema) as writer:
        writer.write_table(table.combine_chunks(), max_chunksize=max(table.num_rows, 1))
