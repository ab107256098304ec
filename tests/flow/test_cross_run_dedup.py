"""Deduplication across runs through the persistent index: reprints, earlier originals, reruns, scheme changes.

Stories are the invented wire copy of tests/unit/test_dedup.py, ingested by the real flow into a local DEST
and read back with DuckDB through `newsetl query`'s catalog.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flows.ingest import ingest
from flows.reindex import reindex
from tasks.catalog import run_query
from tasks.config import load_config
from tasks.errors import ConfigError
from tasks.storage import Storage
from tests.unit.test_dedup import FOOTER, PORT_STRIKE, PORT_STRIKE_OTHER_OUTLET, RAILWAY, mistyped, trimmed

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def write_items(folder: Path, items: dict[str, tuple[str, datetime, str]]) -> Path:
    folder.mkdir(parents=True)
    with (folder / "items.jsonl").open("w") as out:
        for name, (text, published, publisher) in items.items():
            record = {"url": f"https://news.test/{name}", "title": name, "text": text, "publisher": publisher}
            out.write(json.dumps(record | {"published_at": published.isoformat()}) + "\n")
    return folder


def query(dest: Path, sql: str) -> list[tuple[Any, ...]]:
    return run_query(Storage.open(str(dest)), sql)[1]


def ids_by_url(dest: Path) -> dict[str, str]:
    rows = query(dest, "SELECT url, article_id FROM articles UNION ALL SELECT url, article_id FROM duplicates")
    return {url.rsplit("/", 1)[1]: article_id for url, article_id in rows}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any], dict[str, Any]]:
    root = tmp_path_factory.mktemp("cross-run")
    first = write_items(
        root / "day1",
        {
            "port-original": (PORT_STRIKE, T0, "Northwire"),
            "railway-reprint": (RAILWAY + "\n\n" + FOOTER, T0 + timedelta(hours=6), "Daily Courier"),
        },
    )
    second = write_items(
        root / "day2",
        {
            "port-trimmed": (trimmed(PORT_STRIKE, 0.5), T0 + timedelta(days=1), "Harbour Times"),
            "port-typos": (mistyped(PORT_STRIKE, 0.04, seed=3), T0 + timedelta(days=1), "Coast Echo"),
            "port-other-story": (PORT_STRIKE_OTHER_OUTLET, T0 + timedelta(hours=2), "Bay Gazette"),
            "railway-original": (RAILWAY, T0, "Railwire"),
        },
    )
    dest = root / "dest"
    one = ingest(load_config(sources=[str(first)], dest=str(dest)))
    two = ingest(load_config(sources=[str(second)], dest=str(dest)))
    return dest, second, one, two


def test_reprints_in_a_later_run_are_duplicates_of_the_committed_original(two_runs: Any) -> None:
    dest, _, _, two = two_runs
    ids = ids_by_url(dest)
    rows = query(
        dest,
        "SELECT url, duplicate_of, method, similarity, run_id, cluster_id FROM duplicates ORDER BY url",
    )
    assert [(r[0].rsplit("/", 1)[1], r[1], r[2], r[4], r[5]) for r in rows] == [
        ("port-trimmed", ids["port-original"], "near", two["run_id"], ids["port-original"]),
        ("port-typos", ids["port-original"], "near", two["run_id"], ids["port-original"]),
    ]
    assert all(0.7 <= r[3] <= 1.0 for r in rows)
    assert two["counts"]["duplicates_near"] == 2 and two["counts"]["articles_written"] == 2


def test_an_earlier_original_supersedes_the_committed_reprint_without_rewriting_it(two_runs: Any) -> None:
    dest, _, one, two = two_runs
    ids = ids_by_url(dest)
    assert query(dest, "SELECT article_id, superseded_by, method, cluster_id, run_id FROM superseded") == [
        (ids["railway-reprint"], ids["railway-original"], "near", ids["railway-reprint"], two["run_id"])
    ]
    # Both stay in articles (run 1's row untouched); the story keeps its cluster id and now leads with the original.
    articles = dict(query(dest, "SELECT url, run_id FROM articles WHERE url LIKE '%railway%'"))
    assert articles == {
        "https://news.test/railway-reprint": one["run_id"],
        "https://news.test/railway-original": two["run_id"],
    }
    clusters = query(
        dest,
        "SELECT original_id, copies, publishers, runs FROM story_clusters WHERE cluster_id = "
        f"'{ids['railway-reprint']}'",
    )
    assert clusters == [(ids["railway-original"], 2, ["Daily Courier", "Railwire"], 2)]
    assert two["counts"]["superseded"] == 1


def test_story_clusters_answer_who_reprinted_a_story_and_when(two_runs: Any) -> None:
    dest, _, _, _ = two_runs
    ids = ids_by_url(dest)
    [(original, copies, publishers, first, last)] = query(
        dest,
        "SELECT original_id, copies, publishers, first_published, last_published FROM story_clusters "
        f"WHERE cluster_id = '{ids['port-original']}'",
    )
    assert (original, copies, publishers) == (ids["port-original"], 3, ["Coast Echo", "Harbour Times", "Northwire"])
    assert (first, last) == (T0, T0 + timedelta(days=1))
    other = query(dest, f"SELECT copies FROM story_clusters WHERE cluster_id = '{ids['port-other-story']}'")
    assert other == [(1,)]  # another outlet's own story of the same strike stays a story of its own


def test_a_rerun_writes_nothing_and_a_crashless_index_matches_the_data(two_runs: Any) -> None:
    dest, second, _, _ = two_runs
    again = ingest(load_config(sources=[str(second)], dest=str(dest)))
    counts = again["counts"]
    assert (counts["articles_written"], counts["duplicates_written"], counts["already_ingested"]) == (0, 0, 4)
    assert again["files"] == []
    # Every committed article and duplicate has exactly one doc entry in the index.
    docs = query(dest, "SELECT count(*) FROM articles")[0][0] + query(dest, "SELECT count(*) FROM duplicates")[0][0]
    manifests = [json.loads(p.read_text()) for p in (dest / "_runs").glob("*.json")]
    assert sum(f["rows"] for m in manifests for f in m["files"] if f["table"] == "index_doc") == docs


def test_a_changed_hash_scheme_fails_fast_until_the_index_is_rebuilt(two_runs: Any, tmp_path: Path) -> None:
    dest, _, _, _ = two_runs
    runs_before = sorted(p.name for p in (dest / "_runs").iterdir())
    scheme = {"num_perm": 64, "bands": 21}
    new = write_items(
        tmp_path / "day3", {"port-footer": (PORT_STRIKE + "\n\n" + FOOTER, T0 + timedelta(days=3), "Isle Post")}
    )
    with pytest.raises(ConfigError, match="newsetl reindex"):
        ingest(load_config(sources=[str(new)], dest=str(dest), dedup=scheme))
    assert sorted(p.name for p in (dest / "_runs").iterdir()) == runs_before  # nothing written
    summary = reindex(load_config(dest=str(dest), dedup=scheme))
    assert "perm=64" in summary["index_scheme"] and summary["counts"]["index_doc_rows"] == 6
    three = ingest(load_config(sources=[str(new)], dest=str(dest), dedup=scheme))
    ids = ids_by_url(dest)
    assert query(dest, f"SELECT duplicate_of, method FROM duplicates WHERE run_id = '{three['run_id']}'") == [
        (ids["port-original"], "near")  # found through the rebuilt index's 64-permutation band keys
    ]


def test_compaction_merges_the_index_and_lookups_still_find_the_original(tmp_path: Path) -> None:
    from flows.compact import compact
    from tasks.dedup_index import committed_index

    dest = tmp_path / "dest"
    days = [
        {"port-original": (PORT_STRIKE, T0, "Northwire")},
        {"railway": (RAILWAY, T0 + timedelta(days=1), "Railwire")},
        {"other": (PORT_STRIKE_OTHER_OUTLET, T0 + timedelta(days=1), "Bay Gazette")},
    ]
    for n, items in enumerate(days):
        ingest(load_config(sources=[str(write_items(tmp_path / f"day{n}", items))], dest=str(dest)))
    storage = Storage.open(str(dest))
    assert len(committed_index(storage).of("band")) == 3
    compact(str(dest))
    index = committed_index(storage)
    assert [len(index.of(t)) for t in ("doc", "hash", "band", "raw")] == [1, 1, 1, 1]
    later = write_items(
        tmp_path / "day9", {"port-trim": (trimmed(PORT_STRIKE, 0.6), T0 + timedelta(days=5), "Isle Post")}
    )
    ingest(load_config(sources=[str(later)], dest=str(dest)))
    ids = ids_by_url(dest)
    assert query(dest, "SELECT article_id, duplicate_of FROM duplicates") == [(ids["port-trim"], ids["port-original"])]
