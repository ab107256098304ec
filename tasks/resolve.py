"""The run-level dedup step: staged articles -> one decision per staged article, and the run's index entries.

Decisions, keyed by the staged row's source_uri: `article` (written to articles, with its story cluster),
`duplicate` (exact or near, within the run or against committed articles) and `skip` (the very same item, by
article_id, is already committed or repeated in this run: writing it again would break idempotence).
What is committed is asked of the persistent index (tasks.dedup_index), never by scanning the dataset; the
index entries of everything this run writes are staged here and committed by the same manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from prefect import task

from schemas import SUPERSEDED
from tasks.batch import StagedBatch
from tasks.clustering import Candidate, Supersession, cluster
from tasks.dedup_index import IndexFiles, committed_index, id_keys, keys_in, lookup, scheme_of
from tasks.index_cache import IndexCache
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, staged_data_path, staging_dir
from tasks.resolve_index import index_postings, repeated_ids_path
from tasks.resolve_prior import load_prior
from tasks.resolve_texts import LazyTexts, agency_own, read_keys
from tasks.retry import RETRY_TRANSIENT
from tasks.storage import Dest, Storage

DECISIONS_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),  # the staged row this decision is about
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("action", pa.string(), nullable=False),  # "article", "duplicate" or "skip"
        pa.field("duplicate_of", pa.string()),
        pa.field("method", pa.string()),
        pa.field("similarity", pa.float64()),
        pa.field("cluster_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class Resolution:
    decisions_path: str
    exact: int
    near: int
    already_committed: int
    rejects_already_committed: int
    superseded: int = 0
    files: list[WrittenFile] = field(default_factory=list)  # index entries and superseded rows, staged
    index_scheme: str = ""


def resolve_duplicates(
    staged: list[StagedBatch], run_id: str, dest: str | Dest, params: DedupParams, fresh: bool = False
) -> Resolution:
    """`fresh` ignores what is committed: a reprocessing run rebuilds the derived tables and their index."""
    storage = Storage.open(dest)
    scheme = scheme_of(params)
    index = IndexFiles({}, frozenset()) if fresh else committed_index(storage)
    IndexCache(storage).prune(index.paths())  # cached copies of compacted or replaced index files
    keys = read_keys(storage, staged, params)
    ids: list[str] = keys.column("article_id").to_pylist()
    hashes: list[str] = keys.column("content_hash").to_pylist()
    uris: list[str] = keys.column("source_uri").to_pylist()

    known = set(
        keys_in(lookup(storage, index.of("doc"), id_keys(ids), ["article_id"], scheme), "article_id", ids)
        .column("article_id")
        .to_pylist()
    )
    keep = np.ones(len(ids), dtype=bool)
    seen: set[str] = set()
    for i, article_id in enumerate(ids):
        keep[i] = article_id not in known and article_id not in seen
        seen.add(article_id)
    rows = np.flatnonzero(keep)

    published = keys.column("published_at").to_pylist()
    words = keys.column("word_count").to_pylist()
    own = agency_own(keys)
    candidates = [Candidate(ids[i], hashes[i], published[i], words[i], own[i]) for i in rows]
    all_sigs = np.asarray(keys.column("signature").combine_chunks().flatten()) if keys.num_rows else np.zeros(0)
    sigs = all_sigs.reshape(-1, params.num_perm)[keep] if keys.num_rows else np.zeros((0, params.num_perm), np.uint32)
    eligible = np.array([c.text_length >= params.min_shingles for c in candidates], dtype=bool)
    prior = load_prior(storage, index, scheme, [c.content_hash for c in candidates], sigs, eligible, params)
    result = cluster(candidates, LazyTexts(storage, staged, keys, keep), sigs, params, prior)

    decided = {d.article_id: d for d in result.decisions}
    decisions: list[dict[str, object]] = []
    for i in range(len(ids)):
        if not keep[i]:
            decisions.append(_decision(uris[i], ids[i], "skip"))
            continue
        d = decided.get(ids[i])
        action = "duplicate" if d else "article"
        cluster_id = result.cluster_of[ids[i]]
        decisions.append(
            _decision(
                uris[i],
                ids[i],
                action,
                d.duplicate_of if d else None,
                d.method if d else None,
                d.similarity if d else None,
                cluster_id,
            )
        )
    table = pa.Table.from_pylist(decisions, schema=DECISIONS_SCHEMA)
    path = f"{staging_dir(run_id)}/decisions.parquet"
    storage.write_parquet(path, table)

    repeated_rejects, files = index_postings(storage, index, staged, keys, table, run_id, scheme, params)
    files += _write_superseded(storage, result.supersessions, result.cluster_of, run_id)
    methods = [d.method for d in result.decisions]
    return Resolution(
        path,
        methods.count("exact"),
        methods.count("near"),
        int((~keep).sum()),
        repeated_rejects,
        len(result.supersessions),
        files,
        scheme,
    )


def _write_superseded(
    storage: Storage, found: list[Supersession], cluster_of: dict[str, str], run_id: str
) -> list[WrittenFile]:
    if not found:
        return []
    rows = [
        {
            "article_id": s.article_id,
            "superseded_by": s.superseded_by,
            "method": s.method,
            "similarity": s.similarity,
            "cluster_id": cluster_of[s.superseded_by],
            "run_id": run_id,
        }
        for s in found
    ]
    final = f"superseded/superseded_date={datetime.now(UTC).date().isoformat()}/part-{run_id}.parquet"
    table = pa.Table.from_pylist(rows, schema=SUPERSEDED)
    size = storage.write_parquet(staged_data_path(run_id, final), table)
    return [WrittenFile("superseded", final, table.num_rows, size)]


def repeated_rejects_path(run_id: str) -> str:
    return repeated_ids_path(run_id, "reject")


def repeated_raw_path(run_id: str) -> str:
    return repeated_ids_path(run_id, "raw")


def _decision(
    source_uri: str,
    article_id: str,
    action: str,
    duplicate_of: str | None = None,
    method: str | None = None,
    similarity: float | None = None,
    cluster_id: str | None = None,
) -> dict[str, object]:
    return {
        "source_uri": source_uri,
        "article_id": article_id,
        "action": action,
        "duplicate_of": duplicate_of,
        "method": method,
        "similarity": similarity,
        "cluster_id": cluster_id,
    }


@task(
    name="resolve-duplicates",
    **RETRY_TRANSIENT,
)
def resolve_duplicates_task(
    staged: list[StagedBatch], run_id: str, dest: str | Dest, params: DedupParams, fresh: bool = False
) -> Resolution:
    return resolve_duplicates(staged, run_id, dest, params, fresh)
