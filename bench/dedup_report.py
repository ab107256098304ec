"""Markdown rendering of a bench/dedup_quality.py report (kept apart so the harness module stays readable)."""

from __future__ import annotations

import statistics
from typing import Any


def _prf(result: dict[str, Any]) -> str:
    return f"{result['precision']:.3f} / {result['recall']:.3f} / {result['f1']:.3f}"


def _misses(misses: list[dict[str, Any]]) -> str:
    if not misses:
        return "none"
    verified = [m["verified"] for m in misses]
    jaccard = [m["jaccard"] for m in misses]
    return (
        f"{len(misses)}: verified {min(verified):.2f}-{max(verified):.2f} (median {statistics.median(verified):.2f}),"
        f" Jaccard {min(jaccard):.2f}-{max(jaccard):.2f}"
    )


def render(report: dict[str, Any]) -> str:
    modes: dict[str, Any] = report["modes"]
    sketch = report["datasketch"]
    columns = [*(f"ours, {m}" for m in modes), "datasketch MinHashLSH (0.5, 128)"]
    results = [*modes.values(), sketch]
    lines = [
        "# Dedup quality: labelled Reuters reprints and Giveme5W1H event pairs",
        "",
        f"`.venv/bin/python -m bench.dedup_quality --stories {report['stories']} --seed {report['seed']}`",
        "",
        f"Items: {report['items']}. Giveme5W1H within-event pairs that must stay apart (containment < 0.2): "
        f"{sketch['giveme_apart_pairs']}; pairs we measure as copies (containment >= 0.5): "
        f"{report['giveme_measured_copies']}.",
        "",
        "two-run: originals and Giveme5W1H committed by a first run, reprints by a second one (matched across runs);"
        " single-run: all items in one run. Pairs are scored inside clusters (connected components of the links).",
        "",
        "| | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
        "| pair precision / recall / F1 | " + " | ".join(_prf(r["overall"]) for r in results) + " |",
        "| predicted pairs (false) | "
        + " | ".join(f"{r['overall']['predicted_pairs']} ({r['overall']['false_pairs']})" for r in results)
        + " |",
        "| cluster ARI (Reuters items) | " + " | ".join(f"{r['ari_reuters']:.4f}" for r in results) + " |",
        "| Giveme5W1H apart pairs merged | " + " | ".join(str(r["giveme_apart_merged"]) for r in results) + " |",
        "| Giveme5W1H other pairs linked (wire copies) | "
        + " | ".join(str(len(r["giveme_found"])) for r in results)
        + " |",
        "| seconds (per run) | " + " | ".join(str(r.get("run_seconds", r.get("seconds"))) for r in results) + " |",
        "",
        "## Per kind of reprint: precision / recall / F1",
        "",
        "| kind | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for kind in sketch["per_kind"]:
        lines.append(f"| {kind} | " + " | ".join(_prf(r["per_kind"][kind]) for r in results) + " |")
    lines += ["", "## Similarities: committed for found reprints, measured for misses (normalized text)", ""]
    lines += ["| mode | kind | found: min / median / max similarity | misses |", "|---|---|---|---|"]
    for mode, result in modes.items():
        for kind, sims in result["similarities"].items():
            spread = sims["found_similarity"]
            shown = f"{spread['min']} / {spread['median']} / {spread['max']}" if spread else "-"
            lines.append(f"| {mode} | {kind} | {shown} | {_misses(sims['misses'])} |")
    lines += ["", "Lowest-scoring misses (generation parameters: edit share, truncation keep, promo line ...):", ""]
    for mode, result in modes.items():
        for kind, sims in result["similarities"].items():
            for miss in sorted(sims["misses"], key=lambda m: m["verified"])[:3]:
                lines.append(
                    f"- {mode} {kind}: verified {miss['verified']}, Jaccard {miss['jaccard']}, containment "
                    f"{miss['containment']}, shingles {miss['shingles']}, {miss['params']}"
                )
    lines += ["", "## Giveme5W1H articles linked as copies of one another", ""]
    for mode, result in modes.items():
        lines.append(f"{mode}:")
        lines.append("")
        for found in result["giveme_found"] or [{"pair": None}]:
            if found["pair"] is None:
                lines.append("- none")
                continue
            (title_a, outlet_a, event_a), (title_b, outlet_b, event_b) = found["pair"]
            events = f"event {event_a}" if event_a == event_b else f"DIFFERENT events {event_a}, {event_b}"
            measured = found["jaccard_containment"]
            shown = f"Jaccard {measured[0]}, containment {measured[1]}"
            lines.append(f'- {outlet_a} "{title_a}" = {outlet_b} "{title_b}" ({events}; measured {shown})')
        lines.append("")
    floors = ", ".join(f"{m}: {f}" for m, f in report["floors"].items())
    for mode, result in modes.items():
        short = [f"{k} {result['overall'][k]}" for k, v in report["target"].items() if result["overall"][k] < v]
        lines.append(f"{mode}: {'BELOW TARGET: ' + ', '.join(short) if short else 'meets the targets'}.")
    lines.append("")
    lines += [f"Targets {report['target']}; floors pinned in bench/dedup_quality.py FLOORS: {floors}.", ""]
    return "\n".join(lines)
