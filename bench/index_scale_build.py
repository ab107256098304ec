"""Builds the DESTs and query batches of bench.index_scale: committed runs written synthetically, no pipeline."""

from __future__ import annotations

import hashlib
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bench.corpus import Wire, compose, edit_words, truncate
from schemas import ARTICLES, SCHEMA_VERSION
from tasks.commit import ROW_GROUP_ROWS, files_for_manifest
from tasks.dedup import band_keys
from tasks.dedup_index import id_keys, scheme_of, write_postings
from tasks.minhash import DedupParams, signatures
from tasks.protocol import WrittenFile, commit, publish, staged_data_path
from tasks.storage import Storage

RUNS = 10
DAYS = 28
EPOCH = datetime(2026, 10, 1, tzinfo=UTC)
SEED = 21578
_CHUNK = 20_000  # articles composed and hashed at a time while building (bounds the builder's memory)


def _hex(label: str, i: int) -> str:
    return hashlib.sha256(f"{label}:{i}".encode()).hexdigest()


def _published(i: int) -> datetime:
    return EPOCH + timedelta(days=i % DAYS, minutes=(i * 7919) % (24 * 60))


def _text(wire: Wire, i: int) -> str:
    return compose(wire, random.Random(f"{SEED}:{i}"))[1]


def _dictionary(value: str, n: int) -> pa.DictionaryArray:
    """A constant `scheme` column, built without n Python strings."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([value]))


def _articles_table(
    ids: list[str], texts: list[str], hashes: list[str], published: list[datetime], run_id: str
) -> pa.Table:
    n = len(ids)
    given: dict[str, Any] = {
        "article_id": ids,
        "source_uri": [f"bench://index-scale/{a[:12]}" for a in ids],
        "text": texts,
        "published_at": published,
        "word_count": [len(t.split()) for t in texts],
        "content_hash": hashes,
        "fetched_at": [EPOCH] * n,
        "run_id": [run_id] * n,
        "cluster_id": ids,
    }
    columns = []
    for f in ARTICLES:
        if f.name in given:
            columns.append(pa.array(given[f.name], f.type))
        elif f.nullable:
            columns.append(pa.nulls(n, f.type))
        else:  # the non-null list columns (authors, persons, ...): empty lists
            columns.append(pa.array([[] for _ in range(n)], f.type))
    return pa.Table.from_arrays(columns, schema=ARTICLES)


def build(dest: Path, n: int, wire: Wire, params: DedupParams, random_bands: bool) -> dict[str, Any]:
    """Write and commit the N-article DEST; returns build seconds."""
    storage = Storage.open(str(dest))
    scheme = scheme_of(params)
    started = time.perf_counter()
    per_run = n // RUNS
    rng = np.random.default_rng(SEED)
    for run in range(RUNS):
        run_id = f"bench-{run:02d}"
        first, last = run * per_run, (run + 1) * per_run if run < RUNS - 1 else n
        idx = np.arange(first, last)
        ids = [_hex("article", int(i)) for i in idx]
        hashes = [_hex("content", int(i)) for i in idx]
        is_dup = idx % 10 == 9
        dup_of = [ids[k - 1] if d else None for k, d in enumerate(is_dup.tolist())]
        centre = [d or a for a, d in zip(ids, dup_of, strict=True)]
        published = [_published(int(i)) for i in idx]
        written: list[WrittenFile] = []
        doc = pa.table(
            {
                "key": id_keys(ids),
                "article_id": ids,
                "content_key": id_keys(hashes),
                "duplicate_of": pa.array(dup_of, pa.string()),
                "cluster_id": centre,
                "published_at": pa.array(published, pa.timestamp("us", tz="UTC")),
                "agency_own": np.zeros(len(idx), bool),
                "word_count": pa.array(np.full(len(idx), 600, np.int32)),
                "published_date": [p.date().isoformat() for p in published],
                "run_id": [run_id] * len(idx),
                "scheme": _dictionary(scheme, len(idx)),
            }
        )
        hash_table = pa.table(
            {
                "key": id_keys(hashes),
                "content_hash": hashes,
                "article_id": centre,
                "method": pa.array(np.where(is_dup, "near", "exact")),
                "similarity": np.where(is_dup, 0.9, 1.0),
            }
        )
        centres = np.flatnonzero(~is_dup)
        band_parts, text_tables = [], []
        for lo in range(0, len(centres), _CHUNK):
            chunk = centres[lo : lo + _CHUNK]
            texts = [_text(wire, int(idx[k])) for k in chunk]
            if random_bands:
                bands = rng.integers(0, 2**64, (len(chunk), params.bands), dtype=np.uint64)
            else:
                bands = band_keys(signatures(texts, params), params)
            doc_keys = np.repeat(id_keys([ids[k] for k in chunk]), params.bands)
            band_parts.append(pa.table({"key": bands.reshape(-1), "doc": doc_keys}))
            text_tables.append(
                _articles_table(
                    [ids[k] for k in chunk], texts, [hashes[k] for k in chunk], [published[k] for k in chunk], run_id
                )
            )
            text_tables[-1] = text_tables[-1].append_column(
                "published_date", pa.array([published[k].date().isoformat() for k in chunk])
            )
        band = pa.concat_tables(band_parts)
        band = band.append_column("scheme", _dictionary(scheme, band.num_rows))
        written.append(write_postings(storage, "doc", doc, run_id, 0, scheme))
        written.append(write_postings(storage, "hash", hash_table, run_id, 0, scheme))
        written.append(write_postings(storage, "band", band, run_id, 0, scheme))
        written += _write_articles(storage, pa.concat_tables(text_tables), run_id)
        manifest = {
            "run_id": run_id,
            "status": "committed",
            "index_scheme": scheme,
            "schema_version": SCHEMA_VERSION,
            "files": files_for_manifest(written),
        }
        commit(storage, manifest)
        publish(storage, manifest)
        print(f"  N={n}: run {run + 1}/{RUNS} committed ({time.perf_counter() - started:.0f} s)", flush=True)
    return {"build_s": round(time.perf_counter() - started, 1)}


def _write_articles(storage: Storage, table: pa.Table, run_id: str) -> list[WrittenFile]:
    out = []
    dates = table.column("published_date").to_numpy(zero_copy_only=False)
    for date in sorted(set(dates.tolist())):
        part = table.filter(pa.array(dates == date)).drop_columns(["published_date"]).sort_by("article_id")
        path = f"articles/published_date={date}/part-{run_id}-00000.parquet"
        # Row groups as the pipeline writes them (tasks.commit.ROW_GROUP_ROWS), so text reads prune alike.
        rows = ROW_GROUP_ROWS["articles"]
        size = storage.write_parquet(staged_data_path(run_id, path), part, row_group_size=rows)
        out.append(WrittenFile("articles", path, part.num_rows, size))
    return out


def query_batch(path: Path, n: int, batch: int, wire: Wire, params: DedupParams) -> None:
    """The batch (planted copies first decided by a seeded shuffle), saved for the measuring subprocess."""
    rng = random.Random(f"{SEED}:query:{n}")
    kinds = ["exact"] * (batch // 20) + ["edit"] * (3 * batch // 40) + ["truncate"] * (3 * batch // 40)
    kinds += ["new"] * (batch - len(kinds))
    rng.shuffle(kinds)
    originals = rng.sample([i for i in range(n) if i % 10 != 9], sum(k != "new" for k in kinds))
    rows: dict[str, list[Any]] = {
        c: [] for c in ("article_id", "content_hash", "published_at", "text", "kind", "original")
    }
    for q, kind in enumerate(kinds):
        copy_rng = random.Random(f"{SEED}:copy:{q}")
        if kind == "new":
            text, original, published = compose(wire, copy_rng)[1], None, _published(q) + timedelta(days=1)
        else:
            i = originals.pop()
            text, original = _text(wire, i), _hex("article", i)
            published = _published(i) + timedelta(minutes=copy_rng.randint(5, 600))
            if kind == "edit":
                text = edit_words(text, copy_rng, share=copy_rng.uniform(0.01, 0.04))
            elif kind == "truncate":
                text = truncate(text, copy_rng)
        rows["article_id"].append(_hex("query", q))
        rows["content_hash"].append(_hex("content", i) if kind == "exact" else _hex("query-content", q))
        rows["published_at"].append(published)
        rows["text"].append(text)
        rows["kind"].append(kind)
        rows["original"].append(original)
    table = pa.table(rows).append_column("word_count", pa.array([len(t.split()) for t in rows["text"]], pa.int32()))
    sigs = signatures(rows["text"], params)
    table = table.append_column(
        "signature", pa.FixedSizeListArray.from_arrays(pa.array(sigs.reshape(-1)), params.num_perm)
    )
    pq.write_table(table, path)
