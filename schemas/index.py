"""Schemas of the persistent dedup index under `DEST/_index/` (internal: readers of the dataset never need it).

The index answers, for a new run, "what is already committed?" without scanning the dataset: article ids
(idempotent reruns), content hashes (exact duplicates), LSH band keys (near-duplicate candidates), reject and
raw-archive ids. Each table is a set of Parquet files sorted by `key` (a uint64); lookups binary-search
a memory-mapped local copy of each file (tasks.index_cache). Index files are listed in the run
manifests like data files, so they are committed in the same write as the rows they describe.

Every file carries the hash scheme it was built with (file metadata SCHEME_METADATA, and a `scheme`
column in `doc` and `band` rows): a run whose scheme differs refuses to start (see `newsetl reindex`).
"""

from __future__ import annotations

import pyarrow as pa

INDEX_VERSION = 2  # 2: hash rows carry the duplicate's method and similarity
SCHEME_METADATA = b"newsetl.index_scheme"  # file metadata key holding the hash scheme
_UTC_US = pa.timestamp("us", tz="UTC")
_SCHEME = pa.dictionary(pa.int32(), pa.string())


def _field(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": doc})


_KEY = "uint64 lookup key; files are sorted by it."

INDEX_DOC = pa.schema(
    [
        _field("key", pa.uint64(), _KEY + " The first 64 bits of article_id.", False),
        _field("article_id", pa.string(), "Committed article or duplicate.", False),
        _field("content_key", pa.uint64(), "The first 64 bits of content_hash.", False),
        _field("duplicate_of", pa.string(), "Null for an article (a cluster centre); else its canonical."),
        _field("cluster_id", pa.string(), "Story cluster the row belongs to.", False),
        _field("published_at", _UTC_US, "Publication time (UTC), for the choice of the original."),
        _field("agency_own", pa.bool_(), "The publisher is the agency named in its own dateline or credit.", False),
        _field("word_count", pa.int32(), "Words in the body text.", False),
        _field("published_date", pa.string(), "Partition of the row in articles/ or duplicates/.", False),
        _field("run_id", pa.string(), "The run that committed the row.", False),
        _field("scheme", _SCHEME, "Hash scheme of the index entry.", False),
    ]
)
INDEX_HASH = pa.schema(
    [
        _field("key", pa.uint64(), _KEY + " The first 64 bits of content_hash.", False),
        _field("content_hash", pa.string(), "Content hash of a committed article or duplicate.", False),
        _field("article_id", pa.string(), "The cluster centre (an article) this exact text belongs to.", False),
        _field("method", pa.string(), "'exact' for an article's own text, else the duplicate's method.", False),
        _field("similarity", pa.float64(), "1.0 for an article's own text, else the duplicate's similarity.", False),
    ]
)
INDEX_BAND = pa.schema(
    [
        _field("key", pa.uint64(), _KEY + " An LSH band key (tasks.dedup.band_keys) of an article.", False),
        _field("doc", pa.uint64(), "The article's doc key (INDEX_DOC.key).", False),
        _field("scheme", _SCHEME, "Hash scheme of the band key.", False),
    ]
)
INDEX_REJECT = pa.schema(
    [
        _field("key", pa.uint64(), _KEY + " The first 64 bits of reject_id.", False),
        _field("reject_id", pa.string(), "A committed reject.", False),
    ]
)
INDEX_RAW = pa.schema(
    [
        _field("key", pa.uint64(), _KEY + " The first 64 bits of raw_id.", False),
        _field("raw_id", pa.string(), "A committed raw-archive row.", False),
    ]
)

INDEX_TABLES: dict[str, pa.Schema] = {
    "doc": INDEX_DOC,
    "hash": INDEX_HASH,
    "band": INDEX_BAND,
    "reject": INDEX_REJECT,
    "raw": INDEX_RAW,
}
# What reprocessing rebuilds from the raw archive (the archive itself, and so its index, stays).
DERIVED_INDEX_TABLES = ("doc", "hash", "band", "reject")
