"""The persistent dedup index (schemas.index): write a run's postings, look keys up, check the hash scheme.

Postings files are Parquet sorted by their uint64 `key` (row-group statistics let any Parquet reader prune).
A lookup binary-searches each file's memory-mapped local copy (tasks.index_cache), so its cost grows with the
number of keys asked for and the number of files (`newsetl compact` merges them), not with the rows indexed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schemas.index import INDEX_TABLES, INDEX_VERSION, SCHEME_METADATA
from tasks.errors import ConfigError
from tasks.index_cache import IndexCache
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, manifests, staged_data_path
from tasks.storage import Storage

INDEX_ROOT = "_index"
ROW_GROUP_ROWS = 65536
SCHEMED_TABLES = ("doc", "hash", "band")  # reject and raw ids do not depend on the hash scheme


def scheme_of(params: DedupParams) -> str:
    """Everything that makes stored keys comparable: change any part and old entries mean something else."""
    return (
        f"index-v{INDEX_VERSION}/content=sha256-normalized/words=alnum-lower/shingle={params.shingle_size}"
        f"/perm={params.num_perm}/bands={params.bands}/seed={params.seed}"
    )


def manifest_table(name: str) -> str:
    return f"index_{name}"


def id_keys(ids: Iterable[str]) -> np.ndarray:
    """The first 64 bits of hex ids (article, content, reject and raw ids are all hex digests)."""
    prefix = "".join(i[:16] for i in ids)
    return np.frombuffer(bytes.fromhex(prefix), dtype=">u8").astype(np.uint64)


def id_keys_of(ids: pa.Array, chunk: int = 65536) -> np.ndarray:
    """`id_keys` of an Arrow string column, a slice at a time (a Python string per id cost ~80 bytes each)."""
    parts = [id_keys(ids.slice(start, chunk).to_pylist()) for start in range(0, len(ids), chunk)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class IndexFiles:
    """The committed index files of each table, and the schemes of the manifests that wrote them."""

    files: dict[str, list[str]]
    schemes: frozenset[str]

    def of(self, name: str) -> list[str]:
        return self.files.get(name, [])

    def paths(self) -> list[str]:
        return [path for paths in self.files.values() for path in paths]


def committed_index(storage: Storage) -> IndexFiles:
    added: dict[str, tuple[str, str]] = {}  # path -> (table, scheme)
    removed: set[str] = set()
    for manifest in manifests(storage):
        for entry in manifest.get("files", []):
            if str(entry["table"]).startswith("index_"):
                added[str(entry["path"])] = (str(entry["table"])[6:], str(manifest.get("index_scheme", "")))
        removed.update(str(p) for p in manifest.get("removed", []))
    files: dict[str, list[str]] = {name: [] for name in INDEX_TABLES}
    schemes: set[str] = set()
    for path in sorted(set(added) - removed):
        table, scheme = added[path]
        files.setdefault(table, []).append(path)
        if table in SCHEMED_TABLES:
            schemes.add(scheme)
    return IndexFiles(files, frozenset(schemes))


def check_scheme(storage: Storage, params: DedupParams, has_articles: bool) -> None:
    """Refuse (before anything is written) to mix index entries of two hash schemes, or to run without one."""
    index = committed_index(storage)
    wanted = scheme_of(params)
    others = sorted(index.schemes - {wanted})
    if others:
        raise ConfigError(
            f"the dedup index of {storage.uri} was built with {', '.join(others)} but this run uses {wanted}. "
            "Run with the index's dedup settings, or rebuild the index for the new ones: "
            "`newsetl reindex DEST` with the same --shingle-size/--num-perm/--bands options"
        )
    if has_articles and not index.of("doc"):
        raise ConfigError(
            f"{storage.uri} holds articles but no dedup index (written by an older newsetl): "
            "run `newsetl reindex DEST` once to build it"
        )


def write_postings(storage: Storage, name: str, table: pa.Table, run_id: str, part: int, scheme: str) -> WrittenFile:
    """Stage one sorted postings file of table `name` for the run; the manifest will list it."""
    schema = INDEX_TABLES[name].with_metadata({SCHEME_METADATA: scheme.encode()})
    if "scheme" in schema.names and "scheme" not in table.column_names:
        # Dictionary-encoded as stored: 4 bytes a row (a string per row was ~80 bytes, 40 band rows an article).
        indices = pa.array(np.zeros(table.num_rows, dtype=np.int32))
        table = table.append_column("scheme", pa.DictionaryArray.from_arrays(indices, pa.array([scheme])))
    ordered = table.select(schema.names)
    keys = ordered.column("key").to_numpy()
    if len(keys) > 1 and not bool(np.all(keys[1:] >= keys[:-1])):  # sorted already (band parts): no copy
        ordered = ordered.sort_by([("key", "ascending")])
    ordered = ordered.cast(schema)
    final = f"{INDEX_ROOT}/{name}/part-{run_id}-{part:05d}.parquet"
    size = storage.write_parquet(staged_data_path(run_id, final), ordered, row_group_size=ROW_GROUP_ROWS)
    return WrittenFile(manifest_table(name), final, ordered.num_rows, size)


def lookup(
    storage: Storage, files: Sequence[str], keys: np.ndarray, columns: list[str], scheme: str | None
) -> pa.Table:
    """Rows of the postings `files` whose key is one of `keys` (with `key` first, then `columns`).

    Reads the machine's memory-mapped copy of each file (tasks.index_cache): a binary search per key.
    `scheme` is checked against each file's; None for tables whose keys do not depend on it (ids)."""
    wanted = np.unique(np.asarray(keys, dtype=np.uint64))
    names = ["key", *columns]
    cache = IndexCache(storage)
    found: list[pa.Table] = []
    for path in files if len(wanted) else []:
        found.extend(cache.find(path, wanted, names, scheme))
    if not found:
        return _empty(names)
    return pa.concat_tables(found).combine_chunks()


def row_groups_holding(parquet: pq.ParquetFile, column: str, wanted: np.ndarray | Sequence[str]) -> list[int]:
    """Row groups whose min/max statistics of `column` can hold one of the sorted `wanted` values (all of them
    when a group has no statistics)."""
    leaves = [parquet.schema.column(i).path for i in range(len(parquet.schema))]
    position = leaves.index(column)
    groups: list[int] = []
    for group in range(parquet.metadata.num_row_groups):
        stats = parquet.metadata.row_group(group).column(position).statistics
        if stats is None or not stats.has_min_max:
            groups.append(group)
            continue
        if isinstance(wanted, np.ndarray):
            first = int(np.searchsorted(wanted, np.uint64(stats.min), side="left"))
        else:
            first = bisect.bisect_left(wanted, stats.min)
        if first < len(wanted) and wanted[first] <= stats.max:
            groups.append(group)
    return groups


def _empty(names: list[str]) -> pa.Table:
    fields = {f.name: f for schema in INDEX_TABLES.values() for f in schema}
    return pa.table({n: pa.array([], fields[n].type) for n in names})


def keys_in(table: pa.Table, column: str, ids: Sequence[str] | pa.Array) -> pa.Table:
    """Rows of a lookup result whose full id matches (a 64-bit key prefix may, very rarely, collide)."""
    value_set = ids if isinstance(ids, pa.Array) else pa.array(list(ids), pa.string())
    return table.filter(pc.is_in(table.column(column), value_set=value_set))
