"""datatrove's MinHash deduplication (stages 1-4) on one core, timed stage by stage; run by the datatrove venv's python.

    bench/out/datatrove-venv/bin/python bench/datatrove_runner.py --input DIR --glob 'part-*.jsonl' \
        --work WORK --out result.json [--id-key url] [--limit N]

Runs in its own venv (bench/datatrove_baseline.py builds it), so it imports datatrove and never newsetl.
Every stage runs on a LocalPipelineExecutor with workers=1: one core, as the issue's 170 docs/s figure.
Stage 2 must run one task per bucket (datatrove asserts tasks % num_buckets == 0); with workers=1 they run
one after another in this process. spaCy's start-up is timed apart, before stage 1.
Writes a JSON dict of documents, seconds per stage and rates to --out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.word_tokenizers import SpaCyTokenizer


def step_seconds(logs: Path) -> dict[str, float]:
    """Seconds each pipeline step spent, summed over the stage's tasks (datatrove's own stats.json)."""
    stats = json.loads((logs / "stats.json").read_text())
    seconds: dict[str, float] = {}
    for step in stats:
        timed = step.get("time_stats", 0)  # a bare 0 when the step never ran (no documents)
        seconds[_plain(step["name"])] = round(timed["total"] if isinstance(timed, dict) else float(timed), 3)
    return seconds


def _plain(name: str) -> str:
    """'📖 - READER: 🐿 Jsonl' -> 'READER: Jsonl': the step names without their emoji."""
    return " ".join(part for part in name.encode("ascii", "ignore").decode().split() if part != "-")


def step_counter(logs: Path, name_part: str, key: str) -> int:
    stats = json.loads((logs / "stats.json").read_text())
    for step in stats:
        if name_part in step["name"]:
            value = step.get("stats", {}).get(key, 0)
            return int(value["total"] if isinstance(value, dict) else value)
    return 0


def _rate(documents: int, seconds: float) -> float | None:
    return round(documents / seconds, 1) if documents and seconds else None


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)  # executors skip tasks whose completion marker exists: start clean
    work.mkdir(parents=True)
    # 42 buckets x 3 hashes = 126 hashes: the same banding as ours (42 bands x 3 rows of 128 permutations).
    config = MinhashConfig(n_grams=args.n_grams, num_buckets=args.buckets, hashes_per_bucket=args.rows)

    def reader() -> JsonlReader:
        return JsonlReader(
            str(args.input), glob_pattern=args.glob, text_key="text", id_key=args.id_key, limit=args.limit
        )

    stages = {
        "1_signatures": LocalPipelineExecutor(
            pipeline=[reader(), MinhashDedupSignature(output_folder=str(work / "signatures"), config=config)],
            tasks=1,
            workers=1,
            logging_dir=str(work / "logs" / "1"),
        ),
        "2_buckets": LocalPipelineExecutor(
            pipeline=[
                MinhashDedupBuckets(
                    input_folder=str(work / "signatures"), output_folder=str(work / "buckets"), config=config
                )
            ],
            tasks=config.num_buckets,
            workers=1,
            logging_dir=str(work / "logs" / "2"),
        ),
        "3_cluster": LocalPipelineExecutor(
            pipeline=[
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"), output_folder=str(work / "remove"), config=config
                )
            ],
            tasks=1,
            workers=1,
            logging_dir=str(work / "logs" / "3"),
        ),
        "4_filter": LocalPipelineExecutor(
            pipeline=[
                reader(),
                MinhashDedupFilter(
                    input_folder=str(work / "remove"),
                    exclusion_writer=JsonlWriter(str(work / "removed"), compression=None),
                ),
                JsonlWriter(str(work / "deduplicated"), compression=None),
            ],
            tasks=1,
            workers=1,
            logging_dir=str(work / "logs" / "4"),
        ),
    }
    # spaCy is imported (about 1 s) and its blank English pipeline built on stage 1's first document: a fixed
    # start-up, timed here apart on a throwaway tokenizer, so stage 1 keeps only the per-document cost (and the
    # ~0.1 s rebuild of the blank pipeline for the step's own tokenizer), as our start-up is reported apart.
    started = time.perf_counter()
    SpaCyTokenizer("en").word_tokenize("Warm up.")
    spacy_start = round(time.perf_counter() - started, 3)
    seconds: dict[str, float] = {}
    steps: dict[str, dict[str, float]] = {}
    for name, executor in stages.items():
        started = time.perf_counter()
        executor.run()
        seconds[name] = round(time.perf_counter() - started, 3)
        steps[name] = step_seconds(work / "logs" / name[0])
    documents = step_counter(work / "logs" / "1", "stage 1", "total")
    removed = step_counter(work / "logs" / "4", "stage 4", "dropped")
    removed_ids = [
        json.loads(line)["id"] for path in sorted((work / "removed").glob("*.jsonl")) for line in path.open()
    ]
    signature_step = next((v for k, v in steps["1_signatures"].items() if "stage 1" in k), 0.0)
    total = sum(seconds.values())
    result: dict[str, Any] = {
        "documents": documents,
        "config": {
            "n_grams": config.n_grams,
            "buckets": config.num_buckets,
            "hashes_per_bucket": config.hashes_per_bucket,
        },
        "seconds_per_stage": seconds,
        "step_seconds": steps,
        "signatures_per_second": _rate(documents, seconds["1_signatures"]),
        "signature_step_only_per_second": _rate(documents, signature_step),
        "four_stages_per_second": _rate(documents, total),
        "spacy_start_seconds": spacy_start,
        "duplicates_removed": removed,
        "removed_ids": removed_ids,
    }
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="folder of JSONL files")
    parser.add_argument("--glob", default="*.jsonl", help="which files of --input to read")
    parser.add_argument("--id-key", default="id")
    parser.add_argument("--limit", type=int, default=-1, help="documents to read (-1: all)")
    parser.add_argument("--work", required=True, help="scratch folder (emptied first)")
    parser.add_argument("--out", required=True, help="where to write the result JSON")
    parser.add_argument("--n-grams", type=int, default=3)
    parser.add_argument("--buckets", type=int, default=42)
    parser.add_argument("--rows", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    result = run(args)
    Path(args.out).write_text(json.dumps(result))
    print(json.dumps({k: v for k, v in result.items() if k != "removed_ids"}), file=sys.stderr)


if __name__ == "__main__":
    main()
