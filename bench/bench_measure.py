"""What bench/run_bench.py measures with besides clocks: stage timings from the flow's progress module, peak
RSS while a run is under way, and the Markdown report. Run as a module, the one-batch measurement alone:

    .venv/bin/python -m bench.bench_measure [--articles 2000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Stages:
    """Stage wall times of the flow runs in this process, captured as a progress reporter (flows/progress.py)."""

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}
        self._lock = threading.Lock()
        self.current = ""  # the stage that started last, to which PeakRss attributes the memory peak
        self.on_change: Callable[[str, str], None] | None = None  # (stage that ends, stage that starts)

    @classmethod
    def install(cls) -> Stages:
        from flows import progress

        stages = cls()

        class Capture:
            def update(self, stats: progress.StageStats) -> None:
                if stats.finished is None:
                    if stats.stage != stages.current and stages.on_change is not None:
                        stages.on_change(stages.current, stats.stage)
                    stages.current = stats.stage
                else:
                    with stages._lock:
                        stages._seconds[stats.stage] = round(stats.elapsed(), 3)

            def close(self) -> None:
                pass

        progress.use(Capture)
        return stages

    def clear(self) -> None:
        with self._lock:
            self._seconds.clear()
        self.current = ""

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return dict(self._seconds)


_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_mb(field: str) -> float:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field):
            return round(int(line.split()[1]) * 1024 / 1e6, 1)  # kB (KiB) -> MB, as psutil's bytes were reported
    raise KeyError(field)


class PeakRss:
    """Peak resident memory of this process while the block runs, in MB; with `stages`, also the peak within each
    stage (the stage that started last).

    The kernel's own high-water mark (VmHWM), reset at the block's start and at each stage change by writing 5 to
    /proc/self/clear_refs: exact, and free. A thread sampling every 20 ms (psutil) missed what peaked between
    samples and took 3% of a core from the run it measured (py-spy, 100k articles). Prefect's embedded server is
    another process and is not counted. Where the mark cannot be reset: the process's lifetime peak
    (getrusage), which includes whatever ran before."""

    def __init__(self, stages: Stages | None = None) -> None:
        self.before_mb = 0.0
        self.peak_mb = 0.0
        self.stage_peak_mb: dict[str, float] = {}
        self._stages = stages
        self._resettable = False

    def __enter__(self) -> PeakRss:
        try:
            self.before_mb = _status_mb("VmRSS:")
            _CLEAR_REFS.write_text("5")
        except (OSError, KeyError):
            return self
        self._resettable = True
        if self._stages is not None:
            self._stages.on_change = lambda ended, started: self._close_stage(ended or "before-stages")
        return self

    def _close_stage(self, stage: str) -> None:
        """The peak since the last reset goes to `stage`; the mark restarts from the current RSS."""
        mb = _status_mb("VmHWM:")
        self.stage_peak_mb[stage] = max(self.stage_peak_mb.get(stage, 0.0), mb)
        self.peak_mb = max(self.peak_mb, mb)
        _CLEAR_REFS.write_text("5")

    def __exit__(self, *exc: object) -> None:
        if not self._resettable:
            self.peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, 1)
            return
        if self._stages is not None:
            self._stages.on_change = None
        self._close_stage((self._stages.current if self._stages else "") or "before-stages")


def markdown(r: dict[str, Any]) -> str:
    lines = [
        "# newsetl pipeline benchmark",
        "",
        f"{r['cpus']} CPUs (shared); extractors {r.get('extractors', 'python')} (setup.py). "
        "Prefect start-up (an empty flow run), not counted below: "
        f"{r['prefect_startup_seconds']} s; a one-article run after start-up: "
        f"{r['one_article_run_after_startup_seconds']} s (fixed cost per flow run, included below).",
        "",
        "## End to end (`ingest`, local DEST) beside the signature baselines on the same texts",
        "",
        "Each size runs in a fresh process (bench/run_child.py), as `newsetl run` would: its RSS is that "
        "process's alone (Prefect's server and the build workers are processes of their own; the workers' "
        "peaks are listed below). datasketch sig/s: the mean of two measurements on the same sample, before and "
        "after the run (in brackets).",
        "",
        "| articles | input MB | seconds | articles/s | MB/s | RSS before / peak MB | datasketch sig/s "
        "| datasketch+LSH/s | our sig/s | **ours e2e / datasketch sig** | our sig / datasketch sig |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in r["runs"]:
        i, d, o, q = run["ingest"], run["datasketch"], run["ours_signatures"], run["ratios"]
        lines.append(
            f"| {run['articles']:,} | {run['input_bytes'] / 1e6:.1f} | {i['seconds']} | {i['articles_per_second']} "
            f"| {i['input_mb_per_second']} | {i['rss_before_mb']} / {i['peak_rss_mb']} "
            f"| {_with_drift(d)} "
            f"| {d.get('with_lsh_per_second', 'skipped')} | {o['signatures_per_second']} "
            f"| **{q['ours_end_to_end_over_datasketch_signatures']}** "
            f"| {q['ours_signatures_over_datasketch_signatures']} |"
        )
    for small, large in zip(r["runs"], r["runs"][1:], strict=False):
        growth = large["ingest"]["seconds"] / small["ingest"]["seconds"]
        lines.append(
            f"\nGrowth {small['articles']:,} -> {large['articles']:,} articles "
            f"(x{large['articles'] / small['articles']:g}): end-to-end seconds x{growth:.2f} "
            "(issue 8: 1M at most 11 times 100k)."
        )
    for run in r["runs"]:
        q, one = run["ratios"], run.get("ingest_one_process")
        if one:
            lines.append(
                f"\n{run['articles']:,} articles, built in the batch tasks' own process (`--processes 1`): "
                f"{one['seconds']} s, {one['articles_per_second']} articles/s "
                f"({q['ours_end_to_end_one_process_over_datasketch_signatures']} of datasketch); the pool's "
                f"speed-up: {q['pool_speedup']}x."
            )
    for run in r["runs"]:
        workers = run["ingest"]["build_workers_peak_rss_mb"]
        lines.append(
            f"\n{run['articles']:,} articles, peak RSS of each build worker (MB): {workers}; the run's process "
            f"and its workers together at most {run['ingest']['peak_rss_mb'] + sum(workers):.0f} MB."
        )
        by_stage = run["ingest"].get("peak_rss_mb_by_stage") or {}
        if by_stage:
            cells = ", ".join(f"{stage} {mb:.0f}" for stage, mb in by_stage.items())
            lines.append(f"\n{run['articles']:,} articles, peak RSS within each stage (MB): {cells}.")
    lines += datatrove_markdown(r)
    skipped = {run["datasketch"]["skipped"] for run in r["runs"] if "skipped" in run["datasketch"]}
    lines += [f"\ndatasketch column skipped: {s}" for s in skipped]
    lines += [
        "",
        "Target (issue 8): ours end to end / datasketch signatures >= 1.7.",
        "",
        "## Stages (wall seconds)",
        "",
    ]
    names = list(dict.fromkeys(s for run in r["runs"] for s in run["ingest"]["stages"]))
    lines += ["| articles | " + " | ".join(names) + " | flow overhead |", "|---" * (len(names) + 2) + "|"]
    for run in r["runs"]:
        stages = run["ingest"]["stages"]
        overhead = run["ingest"]["seconds"] - sum(stages.values())
        cells = " | ".join(str(stages.get(n, "")) for n in names)
        lines.append(f"| {run['articles']:,} | {cells} | {overhead:.2f} |")
    lines += ["", "## Output and deduplication", ""]
    lines += ["| articles | output bytes per input article, by table | files | labelled exact / near "
              "| found exact / near | rejects |", "|---|---|---|---|---|---|"]  # fmt: skip
    for run in r["runs"]:
        i, labels, c = run["ingest"], run["labels"], run["ingest"]["counts"]
        per = ", ".join(f"{t} {b}" for t, b in i["output_bytes_per_input_article"].items())
        near = labels["near_edit"] + labels["near_truncated"]
        lines.append(
            f"| {run['articles']:,} | {per} | {i['output_files']} | {labels['exact']} / {near} "
            f"| {c['duplicates_exact']} / {c['duplicates_near']} | {c['rejects']} |"
        )
    lines += batch_markdown(r["batch"])
    return "\n".join(lines)


def _with_drift(d: dict[str, Any]) -> str:
    if "signatures_per_second" not in d:
        return "skipped"
    if "before" not in d:  # a report written before the baseline was measured twice
        return str(d["signatures_per_second"])
    before, after = d["before"]["signatures_per_second"], d["after"]["signatures_per_second"]
    return f"{d['signatures_per_second']} ({before} / {after})"


def datatrove_markdown(r: dict[str, Any]) -> list[str]:
    """datatrove's MinHash dedup (its four stages, one core, our 42 x 3 banding) on the first size's texts."""
    d = r.get("datatrove")
    if not d:
        return []
    if "skipped" in d:
        return [f"\ndatatrove column skipped: {d['skipped']}"]
    same = r.get("datatrove_sample_datasketch", {}).get("signatures_per_second")
    ratios = ", ".join(
        f"{run['articles']:,}: {run['ratios'].get('ours_end_to_end_over_datatrove')}x" for run in r["runs"]
    )
    return [
        f"\ndatatrove's MinHash dedup (signatures, buckets, clusters, filter; one core; "
        f"42 buckets x 3 hashes) on {d['documents']:,} of the same texts: {d['four_stages_per_second']} documents/s "
        f"(signatures alone {d['signatures_per_second']}/s; datasketch on those texts {same} sig/s). "
        f"Ours end to end over datatrove: {ratios}. datatrove removes every LSH candidate (no verification): "
        f"{d['duplicates_removed']} removed."
    ]


def batch_markdown(b: dict[str, Any]) -> list[str]:
    """The report's one-batch section: prepare_batch's steps timed one by one, then its cProfile."""
    lines = [
        "",
        f"## One batch: prepare_batch on one file of {b['articles']} articles",
        "",
        f"{b['prepare_batch_seconds']} s, {b['articles_per_second']} articles/s. Steps timed one by one:",
        "",
        "| step | seconds | share |",
        "|---|---|---|",
    ]
    total = sum(b["steps_seconds"].values()) or 1.0
    lines += [f"| {k} | {v} | {v / total:.0%} |" for k, v in b["steps_seconds"].items()]
    lines += ["", "cProfile of prepare_batch, top 15 by tottime:", "", "```", b["profile_top15_tottime"], "```", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Only the one-batch measurement of `make bench`, on fresh corpus files (no Prefect, about 30 s):

    .venv/bin/python -m bench.bench_measure [--articles 2000]
    """
    from bench.corpus import articles_dir, corpora_root, load_wire, write_corpus
    from bench.run_bench import batch_breakdown  # here: bench.run_bench imports this module

    parser = argparse.ArgumentParser(description="prepare_batch on a file of wire articles: steps and cProfile")
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsetl-batch-") as tmp:
        corpus = Path(tmp) / "corpus"
        # Four files of that size: a warm-up, the timed steps, the whole batch and the profile each read their own.
        write_corpus(corpus, 4 * args.articles, load_wire(corpora_root()), per_file=args.articles)
        parts = sorted(articles_dir(corpus).glob("part-*.jsonl"))
        batch = batch_breakdown(parts, Path(tmp) / "plain")
    print("\n".join(batch_markdown(batch)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
