"""Pipeline benchmark: end-to-end ingest throughput, time per stage, peak RSS and output size, beside datasketch.

    .venv/bin/python -m bench.run_bench --articles 10000 [--sizes 10000,100000] --out bench/results

For each size: a Reuters-composed corpus (bench/corpus.py), then `ingest` of it in a fresh process
(bench/run_child.py: Prefect's start-up measured apart with a one-article warm-up run first; the peak RSS is
that process's, without this harness's data); on a sample of the same texts, before and after the run (the
mean is reported), the baseline, datasketch MinHash (+ MinHashLSH inserts) on one core; and our own
`tasks.minhash.signatures`.
Ratios against the baseline are what to compare across runs: this shared machine is noisy.
A cProfile of `prepare_batch` on one 2,000-article file shows where a batch's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import tasks
from bench.bench_measure import markdown
from bench.corpus import KINDS, articles_dir, corpora_root, load_wire, read_texts, write_corpus
from bench.datatrove_baseline import datatrove_rates

REPO = Path(__file__).resolve().parents[1]
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits, as tasks.minhash splits words


def datasketch_rates(texts: list[str], num_perm: int, size: int) -> dict[str, Any]:
    """Signatures/s of datasketch (tokenize, shingle, update_batch) and of signatures + MinHashLSH insert."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return {"skipped": "datasketch is not installed (`.venv/bin/pip install -e '.[dev]'`)"}
    started = time.perf_counter()
    hashes = []
    for text in texts:
        words = _WORD.findall(text.lower())
        shingles = [" ".join(words[i : i + size]).encode() for i in range(max(1, len(words) - size + 1))]
        minhash = MinHash(num_perm=num_perm)
        minhash.update_batch(shingles)
        hashes.append(minhash)
    signed = time.perf_counter() - started
    lsh = MinHashLSH(threshold=0.7, num_perm=num_perm)
    for i, minhash in enumerate(hashes):
        lsh.insert(str(i), minhash)
    indexed = time.perf_counter() - started
    return {
        "texts": len(texts),
        "signature_seconds": round(signed, 3),
        "signatures_per_second": round(len(texts) / signed, 1),
        "with_lsh_per_second": round(len(texts) / indexed, 1),
    }


def _averaged(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The baseline's rates as the mean of the two measurements, with both kept (`before` / `after` the run)."""
    if "skipped" in before or "skipped" in after:
        return before if "skipped" in before else after
    rates = ("signatures_per_second", "with_lsh_per_second")
    mean = {key: round((before[key] + after[key]) / 2, 1) for key in rates}
    return after | mean | {"before": {k: before[k] for k in rates}, "after": {k: after[k] for k in rates}}


def our_signature_rate(texts: list[str]) -> dict[str, Any]:
    from tasks.minhash import DedupParams, signatures

    params = DedupParams()
    signatures(texts[:10], params)  # power tables and constants: built once per process
    started = time.perf_counter()
    signatures(texts, params)
    seconds = time.perf_counter() - started
    return {"texts": len(texts), "seconds": round(seconds, 3), "signatures_per_second": round(len(texts) / seconds, 1)}


def batch_breakdown(parts: list[Path], dest: Path) -> dict[str, Any]:
    """The plain functions of one batch timed one by one on one file, then prepare_batch whole on another and
    under cProfile on a third: each file is met once, as in a run (the metadata of a body is cached for its
    reprints, so a second pass over one file would be answered from that cache). The models and the
    hashing tables are loaded first, on a fourth."""
    from tasks.article import build_article
    from tasks.batch import prepare_batch
    from tasks.config import load_config
    from tasks.discover import discover
    from tasks.errors import Reject
    from tasks.fetch_read import read_all
    from tasks.minhash import DedupParams, signatures

    def files_of(k: int) -> list[Any]:
        config = load_config(sources=[str(parts[k % len(parts)])], dest=str(dest))
        return list(discover(config.effective_sources(), config.fetch_settings()).files)

    config = load_config(sources=[str(parts[0])], dest=str(dest))
    params = DedupParams(**config.dedup.model_dump())
    head = [i for i in list(read_all(files_of(3), config.max_item_bytes))[:50] if not isinstance(i, Reject)]
    warm = [build_article(item, "bench-warm-up", False) for item in head]
    signatures([r["text"] for r in warm if not isinstance(r, Reject)], params)  # and the hashing tables
    files = files_of(0)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    items = list(read_all(files, config.max_item_bytes))
    steps["read"] = time.perf_counter() - started
    started = time.perf_counter()
    built = [i if isinstance(i, Reject) else build_article(i, "bench", False) for i in items]
    steps["build_article"] = time.perf_counter() - started
    texts = [r["text"] for r in built if not isinstance(r, Reject)]
    started = time.perf_counter()
    signatures(texts, params)
    steps["signatures"] = time.perf_counter() - started
    started = time.perf_counter()
    prepare_batch(files_of(1), 0, "bench-plain", str(dest), params)
    whole = time.perf_counter() - started
    steps["arrow_and_parquet_writes (rest)"] = max(0.0, whole - sum(steps.values()))
    profile = cProfile.Profile()
    profile.enable()
    prepare_batch(files_of(2), 1, "bench-profiled", str(dest), params)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    return {
        "articles": len(items),
        "prepare_batch_seconds": round(whole, 3),
        "articles_per_second": round(len(items) / whole, 1),
        "steps_seconds": {k: round(v, 3) for k, v in steps.items()},
        "profile_top15_tottime": _trim_profile(out.getvalue()),
    }


def _trim_profile(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "function calls" in line), 0)
    return "\n".join(line.replace(str(REPO) + "/", "") for line in lines[start:] if line.strip())


def run_size(count: int, work: Path, wire: Any, baseline_sample: int, one_process_max: int) -> dict[str, Any]:
    corpus = work / f"corpus-{count}"
    started = time.perf_counter()
    input_bytes = write_corpus(corpus, count, wire)
    labels = [json.loads(line)["kind"] for line in (corpus / "labels.jsonl").open()]
    result: dict[str, Any] = {
        "articles": count,
        "input_bytes": input_bytes,
        "corpus_seconds": round(time.perf_counter() - started, 1),
        "labels": {k: labels.count(k) for k in KINDS},
    }
    # The runs are measured in a fresh process (bench/run_child.py), as `newsetl run` would run them.
    # The baseline is measured on either side of the run and averaged: this shared machine's speed drifts over
    # minutes (datasketch's rate moved 690 -> 850 signatures/s between runs of one session), and the run is long.
    sample = read_texts(corpus, min(count, baseline_sample))
    before = datasketch_rates(sample, 128, 3)
    child_work = work / f"run-{count}"
    child_work.mkdir()
    measured = child_work / "result.json"
    command = [sys.executable, "-m", "bench.run_child", "--corpus", str(corpus), "--warmup", str(work / "tiny")]
    command += ["--work", str(child_work), "--out", str(measured)]
    # The comparison run with no pool is skipped above --one-process-max, where it would double a long measurement.
    subprocess.run([*command, *(["--one-process"] if count <= one_process_max else [])], check=True, cwd=REPO)
    child = json.loads(measured.read_text())
    shutil.rmtree(child_work / "dest", ignore_errors=True)
    shutil.rmtree(child_work / "dest-one-process", ignore_errors=True)
    ingest = child["ingest"]
    seconds = ingest["seconds"]
    result["prefect_startup_seconds"] = child["prefect_startup_seconds"]
    result["one_article_run_after_startup_seconds"] = child["one_article_run_after_startup_seconds"]
    by_table = ingest.pop("output_bytes")
    result["ingest"] = ingest | {
        "articles_per_second": round(count / seconds, 1),
        "input_mb_per_second": round(input_bytes / seconds / 1e6, 2),
        "output_bytes_per_input_article": {t: round(b / count) for t, b in sorted(by_table.items())},
    }
    one_seconds = child.get("ingest_one_process_seconds")
    if one_seconds:
        result["ingest_one_process"] = {"seconds": one_seconds, "articles_per_second": round(count / one_seconds, 1)}
    result["datasketch"] = _averaged(before, datasketch_rates(sample, 128, 3))
    result["ours_signatures"] = our_signature_rate(sample)
    e2e = result["ingest"]["articles_per_second"]
    baseline = result["datasketch"].get("signatures_per_second")
    result["ratios"] = {
        "ours_end_to_end_over_datasketch_signatures": round(e2e / baseline, 2) if baseline else None,
        "ours_end_to_end_one_process_over_datasketch_signatures": (
            round(count / one_seconds / baseline, 2) if baseline and one_seconds else None
        ),
        "pool_speedup": round(one_seconds / seconds, 2) if one_seconds else None,
        "ours_signatures_over_datasketch_signatures": (
            round(result["ours_signatures"]["signatures_per_second"] / baseline, 2) if baseline else None
        ),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 10000,100000 (overrides --articles)")
    parser.add_argument("--baseline-sample", type=int, default=10_000, help="texts given to the signature baselines")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    parser.add_argument(
        "--datatrove-sample",
        type=int,
        default=2000,
        help="texts given to datatrove's MinHash dedup, in a venv of its own (bench/datatrove_baseline.py); 0 skips",
    )
    parser.add_argument(
        "--one-process-max",
        type=int,
        default=100_000,
        help="sizes up to this also run with --processes 1, for the pool's speed-up (default: %(default)s)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.articles]
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    wire = load_wire(corpora_root())
    report: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "extractors": tasks.BUILD,  # compiled, python or stale (tasks.native)
        "sizes": sizes,
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
        work = Path(tmp)
        write_corpus(work / "tiny", 1, wire, seed=1)
        for count in sizes:
            report["runs"].append(run_size(count, work, wire, args.baseline_sample, args.one_process_max))
        first = report["runs"][0]
        if args.datatrove_sample:  # a per-document rate on one core: measured once, on the first size's texts
            sample = read_texts(work / f"corpus-{sizes[0]}", args.datatrove_sample)
            report["datatrove"] = datatrove_rates(sample, work / "datatrove")
            report["datatrove_sample_datasketch"] = datasketch_rates(sample, 128, 3)
            for run in report["runs"]:
                rate = report["datatrove"].get("four_stages_per_second")
                run["ratios"]["ours_end_to_end_over_datatrove"] = (
                    round(run["ingest"]["articles_per_second"] / rate, 1) if rate else None
                )
        for key in ("prefect_startup_seconds", "one_article_run_after_startup_seconds"):
            report[key] = first[key]
        parts = sorted(articles_dir(work / f"corpus-{sizes[0]}").glob("part-*.jsonl"))[:4]
        report["batch"] = batch_breakdown(parts, work / "plain")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    text = markdown(report)
    (out / "bench.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
