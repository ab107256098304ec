"""The run-level dedup step: staged articles -> one decision per article that is not written as new.

Decisions, keyed by the staged row's source_uri: `duplicate` (exact or near, within the run or against
committed articles) and `skip` (the very same item, by article_id, is already committed or repeated in this
run: writing it again would break idempotence). Signatures are read from staging; texts are read only for
the batches that need verifying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import pyarrow as pa
from prefect import task

from tasks.batch import StagedBatch
from tasks.dedup import Candidate, Decision, DedupParams, deduplicate
from tasks.ledger import Committed, load_committed
from tasks.protocol import staging_dir
from tasks.retry import RETRIES, RETRY_DELAYS, retry_transient
from tasks.storage import Dest, Storage

DECISIONS_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),  # the staged row this decision is about
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("action", pa.string(), nullable=False),  # "duplicate" or "skip"
        pa.field("duplicate_of", pa.string()),
        pa.field("method", pa.string()),
        pa.field("similarity", pa.float64()),
    ]
)
_KEY_COLUMNS = ["source_uri", "article_id", "content_hash", "published_at", "word_count", "signature"]


@dataclass(frozen=True)
class Resolution:
    decisions_path: str
    exact: int
    near: int
    already_committed: int
    rejects_already_committed: int


class _LazyTexts(Sequence[str]):
    """Texts of the staged articles, read batch by batch on first access."""

    def __init__(self, storage: Storage, staged: list[StagedBatch], offsets: list[int], keep: np.ndarray) -> None:
        self._storage, self._staged, self._offsets = storage, staged, offsets
        self._positions = np.flatnonzero(keep)  # candidate index -> row index over all staged rows
        self._loaded: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = int(self._positions[index])
        batch = int(np.searchsorted(self._offsets, row, side="right")) - 1
        if batch not in self._loaded:
            table = self._storage.read_parquet(self._staged[batch].articles_path, ["text"])
            self._loaded[batch] = table.column("text").to_pylist()
        return self._loaded[batch][row - self._offsets[batch]]


def resolve_duplicates(
    staged: list[StagedBatch], run_id: str, dest: str | Dest, params: DedupParams, fresh: bool = False
) -> Resolution:
    """`fresh` ignores what is committed: a reprocessing run rebuilds the derived tables from scratch."""
    storage = Storage.open(dest)
    committed = Committed(set(), set(), set(), set(), {}) if fresh else load_committed(storage)
    tables = [storage.read_parquet(b.articles_path, _KEY_COLUMNS) for b in staged]
    offsets = list(np.cumsum([0] + [t.num_rows for t in tables[:-1]])) if tables else [0]
    keys = pa.concat_tables(tables) if tables else pa.table({c: [] for c in _KEY_COLUMNS})
    ids: list[str] = keys.column("article_id").to_pylist()
    hashes: list[str] = keys.column("content_hash").to_pylist()
    uris: list[str] = keys.column("source_uri").to_pylist()

    decisions: list[dict[str, object]] = []
    keep = np.ones(len(ids), dtype=bool)
    seen: set[str] = set()
    for i, (article_id, content_hash) in enumerate(zip(ids, hashes, strict=True)):
        if article_id in committed.article_ids or article_id in committed.duplicate_ids or article_id in seen:
            keep[i] = False
            decisions.append(_skip(uris[i], article_id))
        elif content_hash in committed.canonical_by_hash:
            keep[i] = False
            decision = Decision(article_id, committed.canonical_by_hash[content_hash], "exact", 1.0)
            decisions.append(_row(uris[i], decision))
        seen.add(article_id)
    already = sum(1 for d in decisions if d["action"] == "skip")

    published = keys.column("published_at").to_pylist()
    words = keys.column("word_count").to_pylist()
    candidates = [Candidate(ids[i], hashes[i], published[i], words[i]) for i in np.flatnonzero(keep)]
    sig_column = keys.column("signature").combine_chunks() if keys.num_rows else None
    sigs = (
        np.asarray(sig_column.flatten()).reshape(-1, params.num_perm)[keep]
        if sig_column is not None
        else np.zeros((0, params.num_perm), dtype=np.uint32)
    )
    found = deduplicate(candidates, _LazyTexts(storage, staged, offsets, keep), sigs, params)
    uri_of = {ids[i]: uris[i] for i in np.flatnonzero(keep)}
    decisions.extend(_row(uri_of[d.article_id], d) for d in found)

    path = f"{staging_dir(run_id)}/decisions.parquet"
    storage.write_parquet(path, pa.Table.from_pylist(decisions, schema=DECISIONS_SCHEMA))
    # Rejects already committed by an earlier run are not written again (idempotent reruns).
    repeated_rejects = sorted(
        r
        for batch in staged
        for r in storage.read_parquet(batch.rejects_path, ["reject_id"]).column("reject_id").to_pylist()
        if r in committed.reject_ids
    )
    storage.write_parquet(
        repeated_rejects_path(run_id), pa.table({"reject_id": pa.array(repeated_rejects, pa.string())})
    )
    # Likewise the raw archive keeps each exact input once, however often it is fetched again.
    repeated_raw = sorted(
        r
        for batch in staged
        if batch.raw_path is not None
        for r in storage.read_parquet(batch.raw_path, ["raw_id"]).column("raw_id").to_pylist()
        if r in committed.raw_ids
    )
    storage.write_parquet(repeated_raw_path(run_id), pa.table({"raw_id": pa.array(repeated_raw, pa.string())}))
    methods = [d["method"] for d in decisions]
    return Resolution(path, methods.count("exact"), methods.count("near"), already, len(repeated_rejects))


def repeated_rejects_path(run_id: str) -> str:
    return f"{staging_dir(run_id)}/repeated-rejects.parquet"


def repeated_raw_path(run_id: str) -> str:
    return f"{staging_dir(run_id)}/repeated-raw.parquet"


def _skip(source_uri: str, article_id: str) -> dict[str, object]:
    return {
        "source_uri": source_uri,
        "article_id": article_id,
        "action": "skip",
        "duplicate_of": None,
        "method": None,
        "similarity": None,
    }


def _row(source_uri: str, d: Decision) -> dict[str, object]:
    return {
        "source_uri": source_uri,
        "article_id": d.article_id,
        "action": "duplicate",
        "duplicate_of": d.duplicate_of,
        "method": d.method,
        "similarity": d.similarity,
    }


@task(name="resolve-duplicates", retries=RETRIES, retry_delay_seconds=RETRY_DELAYS, retry_condition_fn=retry_transient)
def resolve_duplicates_task(
    staged: list[StagedBatch], run_id: str, dest: str | Dest, params: DedupParams, fresh: bool = False
) -> Resolution:
    return resolve_duplicates(staged, run_id, dest, params, fresh)
