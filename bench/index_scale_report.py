"""Report and ratios of bench.index_scale (Markdown table, ratios against the smallest size and batch)."""

from __future__ import annotations

from typing import Any


def report(results: dict[str, Any], command: str, description: str) -> str:
    lines = [
        "# Dedup index scale: size on disk, lookup time, peak RSS",
        "",
        f"`{command}`",
        "",
        description,
        "",
    ]
    lines += [
        "| indexed articles | batch | index rows (doc / hash / band) | index files | index MB | articles MB | build s "
        "| manifests s | lookup s | cluster s (texts read s) | centres / LSH pairs "
        "| peak RSS MB (start, batch, after lookup) "
        "| recall of planted copies (by kind) | wrong / new matched | local copy: made once s, MB |",
        "|" + "---|" * 15,
    ]
    for size, entry in results["sizes"].items():
        d = entry["disk"]
        rows = f"{d['doc']['rows']:,} / {d['hash']['rows']:,} / {d['band']['rows']:,}"
        files = sum(d[t]["files"] for t in ("doc", "hash", "band"))
        mb = sum(d[t]["mb"] for t in ("doc", "hash", "band"))
        for m in entry["measurements"]:
            kinds = ", ".join(f"{k} {v:.3f}" for k, v in m["recall_by_kind"].items())
            lines.append(
                f"| {int(size):,} | {m['batch']:,} | {rows} | {files} | {mb:.1f} | {d['articles']['mb']:.1f} "
                f"| {entry['build_s']} | {m['manifests_s']} | {m['lookup_s']} | {m['cluster_s']} ({m['texts_read_s']}) "
                f"| {m['centres']:,} / {m['lsh_pairs']:,} | {m['peak_rss_mb']:.0f} ({m['rss_start_mb']:.0f}, "
                f"{m['rss_batch_mb']:.0f}, {m['rss_after_lookup_mb']:.0f}) | {m['recall']:.4f} ({kinds}) "
                f"| {m['wrong_match']} / {m['new_matched']} | {m['cache_copy_s']}, {m['cache_mb']} |"
            )
    lines += ["", "## Ratios", ""] + [f"- {k}: {v}" for k, v in results["ratios"].items()]
    return "\n".join(lines) + "\n"


def ratios(results: dict[str, Any], sizes: list[int], batch: int) -> dict[str, float]:
    def get(size: int, b: int) -> dict[str, Any] | None:
        return next((m for m in results["sizes"][str(size)]["measurements"] if m["batch"] == b), None)

    out: dict[str, float] = {}
    small, large = min(sizes), max(sizes)
    a, b = get(small, batch), get(large, batch)
    if a and b and small != large:
        out[f"lookup s at {large:,} / at {small:,} (batch {batch:,}; index x{large // small})"] = round(
            b["lookup_s"] / a["lookup_s"], 2
        )
        out[f"cluster s at {large:,} / at {small:,}"] = round(b["cluster_s"] / a["cluster_s"], 2)
        out[f"peak RSS at {large:,} / at {small:,}"] = round(b["peak_rss_mb"] / a["peak_rss_mb"], 2)
    for smaller in (1000, 100):
        c = get(large, smaller)
        if b and c and smaller < batch:
            out[f"lookup s batch {batch:,} / batch {smaller:,} at {large:,} (batch x{batch // smaller})"] = round(
                b["lookup_s"] / c["lookup_s"], 2
            )
    return out
