"""What the committed index knows about a run's articles: the `Prior` that tasks.clustering needs.

Three lookups, each reading only the index row groups its keys fall in: content hashes (exact copies of
committed text), LSH band keys (near-duplicate candidates), then the doc rows of the centres they name. The
texts of those centres are read lazily, one `articles/published_date=D/` partition at a time, only when a
pair needs verifying.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tasks.band_file import BandKeys
from tasks.clustering import Centre, Prior
from tasks.dedup import band_keys
from tasks.dedup_index import IndexFiles, id_keys, id_keys_of, keys_in, lookup, row_groups_holding
from tasks.minhash import DedupParams, concatenated_ranges
from tasks.protocol import committed_files
from tasks.shingle_store import LazySequence
from tasks.storage import Storage

_DOC_COLUMNS = [
    "article_id",
    "duplicate_of",
    "cluster_id",
    "published_at",
    "agency_own",
    "word_count",
    "published_date",
]


class CentreTexts(LazySequence):
    """Texts of committed centres, read a date partition at a time (the last one read is kept)."""

    def __init__(self, storage: Storage, ids: list[str], dates: list[str]) -> None:
        self._storage, self._ids, self._dates = storage, ids, dates
        self._texts: dict[str, str] = {}
        self._date: str | None = None
        self._files: list[str] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def _text(self, index: int) -> str:
        date = self._dates[index]
        if date != self._date:
            self._texts = {}  # dropped before the next partition is read, not after
            self._load(date)
            self._date = date
        return self._texts.get(self._ids[index], "")

    def access_order(self, indices: list[int]) -> list[int]:
        return sorted(indices, key=lambda i: (self._dates[i], i))  # one read per date partition

    def release(self) -> None:
        self._texts, self._date = {}, None

    def _load(self, date: str) -> None:
        if self._files is None:
            self._files = committed_files(self._storage, "articles")
        ids = sorted(i for i, d in zip(self._ids, self._dates, strict=True) if d == date)
        wanted = pa.array(ids, pa.string())
        for path in (p for p in self._files if p.startswith(f"articles/published_date={date}/")):
            with self._storage.parquet_file(path) as parquet:
                # Articles files are sorted by article_id in small row groups: read only those that can hold one.
                groups = row_groups_holding(parquet, "article_id", ids)
                if not groups:
                    continue
                table = parquet.read_row_groups(groups, columns=["article_id", "text"])
            table = table.filter(pc.is_in(table.column("article_id"), value_set=wanted))
            self._texts.update(
                zip(table.column("article_id").to_pylist(), table.column("text").to_pylist(), strict=True)
            )


def load_prior(
    storage: Storage,
    index: IndexFiles,
    scheme: str,
    hashes: Sequence[str] | pa.Array,
    sigs: np.ndarray | None,
    near_eligible: np.ndarray,
    params: DedupParams,
    bands: np.ndarray | BandKeys | None = None,
) -> Prior:
    """Centres that the run's articles (content hashes, signatures) may duplicate, and the pairs to verify.

    `bands`: the articles' LSH band keys, instead of their signatures (`sigs` None)."""
    if not index.of("doc") or not len(hashes):
        return Prior()
    # Unique and sorted as an Arrow column: a Python string per article cost ~110 bytes each.
    unique_hashes = pc.unique(hashes if isinstance(hashes, pa.Array) else pa.array(list(hashes), pa.string())).sort()
    hash_rows = keys_in(
        lookup(
            storage,
            index.of("hash"),
            id_keys_of(unique_hashes),
            ["content_hash", "article_id", "method", "similarity"],
            scheme,
        ),
        "content_hash",
        unique_hashes,
    )
    exact_centre = {r["content_hash"]: (r["article_id"], r["method"], r["similarity"]) for r in hash_rows.to_pylist()}

    rows = np.flatnonzero(near_eligible)
    if not len(rows):
        bands = np.zeros((0, params.bands), dtype=np.uint64)
    elif bands is not None:
        # A band file's rows are read here: the lookup needs every key at once.
        bands = bands.select(rows).materialize() if isinstance(bands, BandKeys) else bands[rows]
    elif sigs is not None:
        bands = band_keys(sigs[rows], params)
    else:
        raise ValueError("load_prior() needs the articles' signatures or their band keys")
    band_rows = lookup(storage, index.of("band"), bands.reshape(-1), ["doc"], scheme)
    pair_keys = band_rows.column("key").to_numpy()
    pair_docs = band_rows.column("doc").to_numpy()

    docs = np.unique(np.concatenate([pair_docs, id_keys(sorted({a for a, _, _ in exact_centre.values()}))]))
    doc_rows = lookup(storage, index.of("doc"), docs, _DOC_COLUMNS, scheme)
    doc_rows = doc_rows.filter(pc.is_null(doc_rows.column("duplicate_of")))  # only articles are centres
    doc_rows = doc_rows.sort_by([("article_id", "ascending")])
    centres = [
        Centre(r["article_id"], r["published_at"], r["word_count"], r["agency_own"], r["cluster_id"])
        for r in doc_rows.select(["article_id", "published_at", "word_count", "agency_own", "cluster_id"]).to_pylist()
    ]
    position = {c.article_id: i for i, c in enumerate(centres)}
    exact = {h: (position[a], method, sim) for h, (a, method, sim) in exact_centre.items() if a in position}

    # Which run article holds each matched band key: sort the run's keys once, then search.
    flat = bands.reshape(-1)
    owner = np.repeat(rows, params.bands)
    order = np.argsort(flat, kind="stable")
    doc_centre = {
        int(k): position[a]
        for k, a in zip(doc_rows.column("key").to_numpy(), doc_rows.column("article_id").to_pylist(), strict=True)
    }
    centre_of_doc = np.array([doc_centre.get(int(d), -1) for d in pair_docs.tolist()], dtype=np.int64)
    sorted_flat = flat[order]
    first = np.searchsorted(sorted_flat, pair_keys, side="left")
    counts = np.searchsorted(sorted_flat, pair_keys, side="right") - first
    counts[centre_of_doc < 0] = 0
    items = owner[order[concatenated_ranges(first, counts)]]
    pair_array = np.unique(np.stack([items, np.repeat(centre_of_doc, counts)], axis=1).reshape(-1, 2), axis=0)
    texts = CentreTexts(storage, [c.article_id for c in centres], doc_rows.column("published_date").to_pylist())
    return Prior(centres, texts, exact, pair_array)
