"""Scale of the persistent dedup index: size on disk, lookup time and peak RSS at 100k and 1M indexed articles.

    .venv/bin/python -m bench.index_scale --sizes 100000,1000000 --batch 10000

For each size N it builds a committed DEST synthetically (no pipeline run): N articles over 10 "daily" runs,
each run committed by its manifest (tasks.protocol) with one doc/hash/band postings file
(tasks.dedup_index.write_postings) and articles/published_date=D/ files holding the texts. Every tenth doc
row is a duplicate (doc + hash rows, no band keys, no text). Texts are composed from Reuters-21578
(bench.corpus.compose), band keys are the real MinHash band keys of those texts (--random-bands: random
uint64 instead, faster, same key distribution for the index). The query batch has 20% planted copies of
committed articles (5% exact, 7.5% with 1-4% of words edited, 7.5% truncated to 75-95%) and 80% new
articles. Each measurement runs in a fresh subprocess (`--measure`), so its peak RSS (VmHWM) is its own.
Lookups read the machine's memory-mapped copy of the index (tasks.index_cache, under OUT/cache): the first
measurement of a DEST makes it ("made once s": a run on a new machine pays it once), later ones reuse it;
"lookup s" is the lookup itself, with the copy made.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from bench.corpus import corpora_root, load_wire
from bench.index_scale_build import RUNS, build, query_batch
from bench.index_scale_report import ratios, report
from tasks.dedup_index import scheme_of
from tasks.index_cache import CACHE_ENV, IndexCache
from tasks.minhash import DedupParams
from tasks.storage import Storage


def _rss_mb() -> float:
    """Peak RSS of this process. VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and execve, so a
    child would report the peak of the parent that built the index."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(dest: Path, query: Path, batch: int, profile: bool) -> dict[str, Any]:
    """One measurement (run in a fresh subprocess): index lookups, then clustering, of the first `batch` rows."""
    from tasks import resolve_prior
    from tasks.clustering import Candidate, cluster
    from tasks.dedup_index import committed_index
    from tasks.resolve_prior import load_prior

    rss_start = _rss_mb()
    params = DedupParams()
    table = pq.read_table(query).slice(0, batch)
    items = [
        Candidate(a, h, p, w)
        for a, h, p, w in zip(
            table.column("article_id").to_pylist(),
            table.column("content_hash").to_pylist(),
            table.column("published_at").to_pylist(),
            table.column("word_count").to_pylist(),
            strict=True,
        )
    ]
    texts = table.column("text").to_pylist()
    sigs = np.asarray(table.column("signature").combine_chunks().flatten()).reshape(-1, params.num_perm)
    eligible = np.array([c.text_length >= params.min_shingles for c in items], dtype=bool)
    rss_batch = _rss_mb()

    text_seconds = [0.0]  # time spent reading committed texts (lazily, inside cluster())
    original_load = resolve_prior.CentreTexts._load

    def timed_load(self: resolve_prior.CentreTexts, date: str) -> None:
        t = time.perf_counter()
        original_load(self, date)
        text_seconds[0] += time.perf_counter() - t

    resolve_prior.CentreTexts._load = timed_load  # type: ignore[method-assign]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    storage = Storage.open(str(dest))
    t0 = time.perf_counter()
    index = committed_index(storage)
    t1 = time.perf_counter()
    cache = IndexCache(storage)
    for path in index.paths():  # once per machine: later runs find the copies (see cache_copy_s)
        cache.entry(path)
    t1c = time.perf_counter()
    prior = load_prior(storage, index, scheme_of(params), [c.content_hash for c in items], sigs, eligible, params)
    t2 = time.perf_counter()
    rss_lookup = _rss_mb()
    result = cluster(items, texts, sigs, params, prior)
    t3 = time.perf_counter()
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)

    found = {d.article_id: d.duplicate_of for d in result.decisions}
    kinds = table.column("kind").to_pylist()
    originals = table.column("original").to_pylist()
    ids = table.column("article_id").to_pylist()
    planted = [(i, o) for i, k, o in zip(ids, kinds, originals, strict=True) if k != "new"]
    by_kind: dict[str, list[int]] = {}
    for i, k, o in zip(ids, kinds, originals, strict=True):
        if k != "new":
            by_kind.setdefault(k, []).append(int(found.get(i) == o))
    return {
        "batch": batch,
        "manifests_s": round(t1 - t0, 3),
        "cache_copy_s": round(t1c - t1, 3),
        "cache_mb": round(sum(f.stat().st_size for f in cache.folder.rglob("*.arrow")) / 1e6, 1),
        "lookup_s": round(t2 - t1c, 3),
        "cluster_s": round(t3 - t2, 3),
        "texts_read_s": round(text_seconds[0], 3),
        "centres": len(prior.centres),
        "lsh_pairs": len(prior.pairs),
        "planted": len(planted),
        "recall": round(sum(found.get(i) == o for i, o in planted) / max(len(planted), 1), 4),
        "recall_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
        "wrong_match": sum(1 for i, o in planted if i in found and found[i] != o),
        "new_matched": sum(1 for i, k in zip(ids, kinds, strict=True) if k == "new" and i in found),
        "rss_start_mb": round(rss_start, 1),
        "rss_batch_mb": round(rss_batch, 1),
        "rss_after_lookup_mb": round(rss_lookup, 1),
        "peak_rss_mb": round(_rss_mb(), 1),
    }


def disk(dest: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in ("doc", "hash", "band"):
        files = sorted((dest / "_index" / table).glob("*.parquet"))
        rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
        out[table] = {"files": len(files), "rows": rows, "mb": round(sum(f.stat().st_size for f in files) / 1e6, 1)}
    articles = list((dest / "articles").rglob("*.parquet"))
    out["articles"] = {"files": len(articles), "mb": round(sum(f.stat().st_size for f in articles) / 1e6, 1)}
    return out


def _child(dest: Path, query: Path, batch: int, profile: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.index_scale", "--measure", str(dest), "--query", str(query)]
    command += ["--batch", str(batch)] + (["--profile"] if profile else [])
    # The machine's copy of the index is made by the first measurement of a DEST and reused by the next ones.
    env = {**os.environ, CACHE_ENV: str(dest.parent / "cache")}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode or profile:
        print(done.stderr, file=sys.stderr)
    done.check_returncode()
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--out", default="bench/out/index_scale", help="folder for the built DESTs (reused)")
    parser.add_argument("--results", default="bench/results/index_scale")
    parser.add_argument("--random-bands", action="store_true", help="random band keys instead of real MinHash")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest measurement (stderr)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--query", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.query, args.batch, args.profile)))
        return
    params = DedupParams()
    sizes = [int(s) for s in args.sizes.split(",")]
    wire = load_wire(corpora_root())
    results: dict[str, Any] = {"sizes": {}}
    for size in sizes:
        dest = Path(args.out) / f"dest-{size}{'-random' if args.random_bands else ''}"
        built = dest / "_runs" / f"bench-{RUNS - 1:02d}.json"
        stamp = Path(args.out) / f"build-{dest.name}.json"  # build seconds, kept for reruns that reuse the DEST
        if not (built.exists() and stamp.exists()):
            stamp.write_text(json.dumps(build(dest, size, wire, params, args.random_bands)))
        entry: dict[str, Any] = json.loads(stamp.read_text())
        query = Path(args.out) / f"query-{size}-{args.batch}.parquet"
        query_batch(query, size, args.batch, wire, params)
        batches = [args.batch] + ([b for b in (1000, 100) if b < args.batch] if size == max(sizes) else [])
        entry["disk"] = disk(dest)
        entry["measurements"] = [
            _child(dest, query, b, args.profile and size == max(sizes) and b == args.batch) for b in batches
        ]
        results["sizes"][str(size)] = entry
        print(json.dumps(entry), flush=True)
    results["ratios"] = ratios(results, sizes, args.batch)
    command = "python -m bench.index_scale " + " ".join(sys.argv[1:])
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    Path(args.results + ".json").write_text(json.dumps(results, indent=2) + "\n")
    Path(args.results + ".md").write_text(report(results, command, __doc__.split("\n\n", 2)[2]))
    print(report(results, command, __doc__.split("\n\n", 2)[2]))


if __name__ == "__main__":
    main()
