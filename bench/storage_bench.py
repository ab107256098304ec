"""Storage benchmark: write throughput to local disk and to a real S3-compatible store (SeaweedFS on 127.0.0.1),
files and bytes per partition before and after compaction, and the cost of recovering a killed run.

    .venv/bin/python -m bench.storage_bench --articles 100000 --out bench/results

Both destinations ingest the same generated corpus in the same process, one after the other, so the S3/local
ratio is meaningful on a noisy shared machine; Prefect's start-up is measured apart (a trivial flow first).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the S3 endpoint helpers the tests use

_WORDS = [
    "minister",
    "said",
    "government",
    "port",
    "ferry",
    "workers",
    "strike",
    "talks",
    "agency",
    "officials",
    "reported",
    "Tuesday",
    "Monday",
    "council",
    "budget",
    "harbour",
    "farmers",
    "prices",
    "export",
    "cocoa",
    "grain",
    "drought",
    "floods",
    "rescue",
    "teams",
    "villages",
    "river",
    "election",
    "commission",
    "ballots",
    "court",
    "ruling",
    "appeal",
    "police",
    "protest",
    "capital",
    "province",
    "governor",
    "spokesman",
    "statement",
    "company",
    "shares",
    "profit",
    "quarter",
    "growth",
    "inflation",
    "central",
    "bank",
    "rate",
    "decision",
    "analysts",
    "expect",
]
_PLACES = ["LONDON", "NAIROBI", "HANOI", "LIMA", "OSLO", "ACCRA", "DHAKA", "BAKU", "SUVA", "QUITO"]


def write_corpus(folder: Path, count: int, seed: int = 7, per_file: int = 2000) -> int:
    """`count` distinct wire-style articles of about 3 KB as JSON Lines files; returns the bytes written."""
    rng = random.Random(seed)
    size = 0
    folder.mkdir(parents=True, exist_ok=True)
    for first in range(0, count, per_file):
        size += _write_file(
            folder / f"part-{first // per_file:05d}.jsonl", range(first, min(count, first + per_file)), rng
        )
    return size


def _write_file(path: Path, numbers: range, rng: random.Random) -> int:
    size = 0
    with path.open("w") as out:
        for n in numbers:
            paragraphs = [
                " ".join(rng.choice(_WORDS) for _ in range(rng.randint(40, 70))).capitalize() + "." for _ in range(7)
            ]
            day = 1 + n % 28
            record = {
                "url": f"https://wire.example/{n}",
                "title": f"Story {n}: {' '.join(rng.choice(_WORDS) for _ in range(6))}",
                "published_at": f"2026-10-{day:02d}T08:00:00Z",
                "publisher": rng.choice(["Wire One", "Coast Daily", "Valley Post"]),
                "text": f"{rng.choice(_PLACES)} (Wire One) - story {n}. " + "\n\n".join(paragraphs),
            }
            line = json.dumps(record) + "\n"
            size += len(line.encode())
            out.write(line)
    return size


def _timed_ingest(sources: list[str], dest: str) -> tuple[float, dict[str, Any]]:
    from flows.ingest import ingest
    from tasks.config import load_config

    started = time.perf_counter()
    summary = ingest(load_config(sources=sources, dest=dest))
    return time.perf_counter() - started, summary


def _partition_stats(dest: str) -> dict[str, tuple[int, int]]:
    from tasks.protocol import committed_entries
    from tasks.storage import Storage

    stats: dict[str, tuple[int, int]] = {}
    for entry in committed_entries(Storage.open(dest), "articles"):
        part = str(entry["path"]).split("/")[1]
        files, size = stats.get(part, (0, 0))
        stats[part] = (files + 1, size + int(entry["bytes"]))
    return stats


def _recovery_cost(sources: list[str], dest: str) -> dict[str, float]:
    """Kill a run mid-publish (SIGKILL, its own process), then time the next run's recovery step alone."""
    from tasks.protocol import recover
    from tasks.storage import Storage

    env = {**os.environ, "NEWSETL_CRASH_AT": "during-publish"}
    script = str(Path(sys.executable).with_name("newsetl"))
    # Its own session: the killed run's embedded Prefect server is killed with it, as a pod eviction would.
    child = subprocess.Popen([script, "run", *sources, "--dest", dest], env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    assert child.wait(timeout=1800) == -signal.SIGKILL
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    storage = Storage.open(dest)
    staged = len(storage.list_files("_staging"))
    started = time.perf_counter()
    recover(storage)
    return {"staged_files_at_kill": staged, "recovery_seconds": round(time.perf_counter() - started, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from s3_servers import seaweedfs_endpoint

    from flows.compact import compact

    report: dict[str, Any] = {"articles": args.articles}
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        report["input_bytes"] = write_corpus(corpus, args.articles)
        tiny = work / "tiny"
        write_corpus(tiny, 1)
        started = time.perf_counter()
        _timed_ingest([str(tiny)], str(work / "warmup"))  # starts Prefect's embedded server: not counted
        report["prefect_startup_and_empty_run_seconds"] = round(time.perf_counter() - started, 1)
        local_seconds, local = _timed_ingest([str(corpus)], str(work / "local"))
        (work / "weed").mkdir()
        with seaweedfs_endpoint(work / "weed") as endpoint:
            os.environ.update(endpoint.env())
            bucket = endpoint.new_bucket()
            s3_seconds, on_s3 = _timed_ingest([str(corpus)], f"s3://{bucket}/bench")
        for name, seconds, summary in (("local", local_seconds, local), ("seaweedfs", s3_seconds, on_s3)):
            report[name] = {
                "seconds": round(seconds, 1),
                "articles_per_second": round(args.articles / seconds),
                "input_mb_per_second": round(report["input_bytes"] / seconds / 1e6, 2),
                "output_bytes": sum(f["bytes"] for f in summary["files"]),
                "files": len(summary["files"]),
            }
        report["s3_over_local_time"] = round(s3_seconds / local_seconds, 2)
        before = _partition_stats(str(work / "local"))
        compacted = compact(str(work / "local"), target_size_bytes=128 * 1024 * 1024)
        after = _partition_stats(str(work / "local"))
        report["compaction"] = {
            "partitions": len(before),
            "files_before": sum(f for f, _ in before.values()),
            "files_after": sum(f for f, _ in after.values()),
            "bytes_before": sum(b for _, b in before.values()),
            "bytes_after": sum(b for _, b in after.values()),
            "seconds": compacted.get("elapsed_seconds"),
        }
        small = work / "small"
        write_corpus(small, min(args.articles, 20_000), seed=11)
        report["recovery"] = _recovery_cost([str(small)], str(work / "crashed"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "storage.json").write_text(json.dumps(report, indent=2))
    (out / "storage.md").write_text(_markdown(report))
    print(_markdown(report))


def _markdown(r: dict[str, Any]) -> str:
    lines = [
        f"# Storage benchmark: {r['articles']:,} articles ({r['input_bytes'] / 1e6:.0f} MB of JSON Lines)",
        "",
        f"Prefect start-up plus an empty run, not counted below: {r['prefect_startup_and_empty_run_seconds']} s",
        "",
        "| DEST | seconds | articles/s | input MB/s | output MB | files |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("local", "seaweedfs"):
        d = r[name]
        lines.append(
            f"| {name} | {d['seconds']} | {d['articles_per_second']} | {d['input_mb_per_second']} "
            f"| {d['output_bytes'] / 1e6:.1f} | {d['files']} |"
        )
    c, k = r["compaction"], r["recovery"]
    lines += [
        "",
        f"S3 time / local time: {r['s3_over_local_time']}",
        "",
        f"Compaction (articles, {c['partitions']} partitions): {c['files_before']} files, "
        f"{c['bytes_before'] / 1e6:.1f} MB -> {c['files_after']} files, {c['bytes_after'] / 1e6:.1f} MB",
        "",
        f"Recovery after SIGKILL mid-publish: {k['staged_files_at_kill']} staged files rolled forward in "
        f"{k['recovery_seconds']} s",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
