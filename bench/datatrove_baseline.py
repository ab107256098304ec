"""datatrove's MinHash deduplication (stages 1-4, one core) on the benchmark's wire articles, in a venv of its own.

    .venv/bin/python -m bench.datatrove_baseline --articles 2000 [--venv DIR] [--work DIR]

datatrove pins other versions than ours (numpy 2, huggingface-hub, `xxhash<4`), so it gets its own venv, built
on first use at bench/out/datatrove-venv (git-ignored). bench/datatrove_runner.py runs inside it and times the
four stages; this module writes the texts, runs it and returns a small dict for the report, or {"skipped": why}
when the venv cannot be built or the run fails: the baseline never fails the benchmark.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_VENV = REPO / "bench" / "out" / "datatrove-venv"
RUNNER = REPO / "bench" / "datatrove_runner.py"
# The least that runs the MinHash stages offline. datatrove's dedup package imports HF `tokenizers` (for its
# exact-substring step), its text normalization needs `regex`, JsonlReader needs `orjson`, and its English word
# tokenizer is spaCy's blank "en" pipeline (rules only: no model to download). The [processing] extra would add
# trafilatura<1.12, nltk, fasttext... that MinHash does not use.
PACKAGES = ("datatrove>=0.10.1,<0.11", "xxhash<4", "spacy>=3.8,<4", "regex", "orjson", "tokenizers")
_READY = ".newsetl-ready.json"  # written once the install succeeded: its package list must match PACKAGES


def ensure_venv(venv: Path) -> dict[str, Any]:
    """Build the venv unless a complete one with the same packages exists; {"install_seconds": ...} or
    {"skipped": reason}."""
    marker = venv / _READY
    if marker.is_file():
        ready = json.loads(marker.read_text())
        if ready.get("packages") == list(PACKAGES) and (venv / "bin" / "python").is_file():
            return {"install_seconds": ready["install_seconds"], "venv_reused": True}
    started = time.perf_counter()
    try:
        # sys.executable may itself be a venv's python: `-m venv` then builds from its base interpreter.
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True, text=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--disable-pip-version-check", "-q", *PACKAGES],
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except subprocess.CalledProcessError as error:
        tail = (error.stderr or "").strip().splitlines()[-3:] if isinstance(error.stderr, str) else []
        return {"skipped": f"datatrove venv install failed (exit {error.returncode}): {' | '.join(tail)}"}
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"skipped": f"datatrove venv install failed: {error}"}
    seconds = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps({"packages": list(PACKAGES), "install_seconds": seconds}))
    return {"install_seconds": seconds, "venv_reused": False}


def run_runner(
    venv: Path,
    folder: Path,
    glob: str,
    id_key: str,
    work: Path,
    limit: int = -1,
    timeout: float | None = None,
    bands: tuple[int, int] = (42, 3),
) -> dict[str, Any]:
    """The runner's result dict (with removed_ids), or {"skipped": reason}; its log goes to work/datatrove.log."""
    out, log = work / "datatrove-result.json", work / "datatrove.log"
    command = [str(venv / "bin" / "python"), str(RUNNER), "--input", str(folder), "--glob", glob]
    command += ["--id-key", id_key, "--limit", str(limit), "--work", str(work / "datatrove-run"), "--out", str(out)]
    command += ["--buckets", str(bands[0]), "--rows", str(bands[1])]
    try:
        with log.open("w") as stderr:
            # datatrove logs every task to stderr: kept in a file, not mixed into the benchmark's output.
            done = subprocess.run(command, stdout=stderr, stderr=stderr, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return {"skipped": f"datatrove run failed: {error} (log: {log})"}
    if done.returncode != 0 or not out.is_file():
        last = log.read_text().strip().splitlines()[-1:] or [""]
        return {"skipped": f"datatrove run failed (exit {done.returncode}): {last[0]} (log: {log})"}
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def datatrove_rates(
    texts: list[str],
    work: Path,
    venv: Path | None = None,
    timeout: float | None = None,
    buckets: int = 42,
    rows: int = 3,
) -> dict[str, Any]:
    """datatrove's four MinHash stages on `texts`, one core: documents, seconds per stage, documents/s for the
    signatures and for all four stages, duplicates removed, install time; {"skipped": why} on any failure.

    42 buckets x 3 hashes is our own banding (tasks.minhash.DedupParams: 42 bands x 3 rows of 128
    permutations, 126 used). datatrove has no verification step after LSH: every candidate pair is removed."""
    if not texts:
        return {"skipped": "no texts to deduplicate"}
    try:
        installed = ensure_venv(venv or DEFAULT_VENV)
        if "skipped" in installed:
            return installed
        folder = work / "datatrove-input"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "texts.jsonl").open("w") as lines:
            for i, text in enumerate(texts):
                lines.write(json.dumps({"text": text, "id": str(i)}) + "\n")
        result = run_runner(
            venv or DEFAULT_VENV, folder, "texts.jsonl", "id", work, timeout=timeout, bands=(buckets, rows)
        )
    except Exception as error:  # the baseline is optional: whatever breaks, the benchmark goes on without it
        return {"skipped": f"datatrove baseline failed: {type(error).__name__}: {error}"}
    if "skipped" not in result:
        result.pop("removed_ids", None)
        result |= installed
    return result


def label_check(corpus: Path, count: int, removed_ids: list[str]) -> dict[str, int]:
    """How the removals compare with the corpus labels: each labelled group (an original and its copies)
    should lose all but one member, and no article outside such a group should go."""
    labels = [json.loads(line) for line, _ in zip((corpus / "labels.jsonl").open(), range(count), strict=False)]
    group_sizes = Counter(label["original"] for label in labels)
    removed = [labels[int(i)] for i in removed_ids]
    return {
        "labelled_copies": sum(size - 1 for size in group_sizes.values()),
        "removed_from_labelled_groups": sum(group_sizes[label["original"]] > 1 for label in removed),
        "removed_outside_labelled_groups": sum(group_sizes[label["original"]] == 1 for label in removed),
    }


def main() -> None:
    from bench.corpus import corpora_root, load_wire, read_texts, write_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--venv", default=str(DEFAULT_VENV))
    parser.add_argument("--buckets", type=int, default=42, help="LSH bands (datatrove's default: 14)")
    parser.add_argument("--rows", type=int, default=3, help="hashes per band (datatrove's default: 8)")
    parser.add_argument("--work", help="scratch folder (default: a temporary one, removed at the end)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsetl-datatrove-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        corpus = work / f"corpus-{args.articles}"
        write_corpus(corpus, args.articles, load_wire(corpora_root()))
        texts = read_texts(corpus, args.articles)
        result = datatrove_rates(texts, work, Path(args.venv), buckets=args.buckets, rows=args.rows)
        if "skipped" not in result:
            # the runner's full output, still in work, names the removed articles: compare them with the labels
            removed = json.loads((work / "datatrove-result.json").read_text())["removed_ids"]
            result["labels"] = label_check(corpus, len(texts), removed)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
