"""Discovery, batching and reading of input files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tasks.discover import discover, file_format, plan_batches
from tasks.errors import ConfigError, Reject
from tasks.read import RawItem, read_items


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_file_format_by_suffix_with_optional_gzip() -> None:
    assert file_format("/a/b.TXT") == ("text", False)
    assert file_format("/a/b.jsonl.gz") == ("jsonl", True)
    assert file_format("/a/b.htm") == ("html", False)
    assert file_format("/a/b.pdf") == ("unsupported", False)


def test_discover_walks_folders_globs_and_files_once_each(tmp_path: Path) -> None:
    a = _write(tmp_path / "in" / "a.txt", b"x")
    b = _write(tmp_path / "in" / "deep" / "er" / "b.jsonl.gz", b"x")
    _write(tmp_path / "in" / ".hidden" / "c.txt", b"x")
    _write(tmp_path / "in" / "notes.md", b"x")
    found = discover([str(tmp_path / "in"), str(tmp_path / "in" / "*.txt"), str(a)])
    assert [f.path for f in found.files] == sorted([str(a), str(b)])
    assert found.skipped == [str(tmp_path / "in" / "notes.md")]


def test_discover_fails_fast_on_a_source_that_matches_nothing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="matches no file"):
        discover([str(tmp_path / "missing" / "*.txt")])


def test_plan_batches_respects_count_and_bytes(tmp_path: Path) -> None:
    files = discover([str(_write(tmp_path / f"{i:02d}.txt", b"x" * 10)) for i in range(7)]).files
    assert [len(b) for b in plan_batches(files, batch_size=3)] == [3, 3, 1]
    assert [len(b) for b in plan_batches(files, batch_size=100, batch_bytes=25)] == [2, 2, 2, 1]


def _items(path: Path) -> list[RawItem | Reject]:
    (f,) = discover([str(path)]).files
    return list(read_items(f, max_item_bytes=10_000))


def test_jsonl_lines_become_items_and_a_malformed_line_a_reject(tmp_path: Path) -> None:
    good = {"text": "Body one.", "title": "One", "date_publish": "2026-03-02", "authors": ["A B", "C D"]}
    lines = [json.dumps(good).encode(), b"", b"{not json", json.dumps({"title": "no text"}).encode()]
    items = _items(_write(tmp_path / "x.jsonl", b"\n".join(lines)))
    assert len(items) == 3
    first, bad, textless = items
    assert isinstance(first, RawItem) and first.text == "Body one."
    assert first.source_uri.endswith("x.jsonl#L1")
    assert first.fields["published_at"] == "2026-03-02" and first.fields["authors"] == "A B; C D"
    assert isinstance(bad, Reject) and bad.reason == "malformed_json" and bad.raw == b"{not json"
    assert bad.source_uri.endswith("#L3")
    assert isinstance(textless, Reject) and textless.reason == "missing_text"


def test_json_array_items_are_addressed_by_index(tmp_path: Path) -> None:
    doc = [{"text": "First body."}, {"html": "<p>Second</p>"}, 3]
    items = _items(_write(tmp_path / "arr.json", json.dumps(doc).encode()))
    assert [type(i).__name__ for i in items] == ["RawItem", "RawItem", "Reject"]
    assert [i.source_uri.rsplit("#", 1)[1] for i in items] == ["0", "1", "2"]
    assert isinstance(items[1], RawItem) and items[1].format == "html"


def test_gzip_is_decompressed_and_a_bomb_is_capped(tmp_path: Path) -> None:
    ok = _items(_write(tmp_path / "a.txt.gz", gzip.compress(b"Hello wire world", mtime=0)))
    assert isinstance(ok[0], RawItem) and ok[0].raw == b"Hello wire world"
    bomb = _items(_write(tmp_path / "b.txt.gz", gzip.compress(b"\0" * 50_000, mtime=0)))
    assert isinstance(bomb[0], Reject) and bomb[0].reason == "too_large"
    broken = _items(_write(tmp_path / "c.txt.gz", b"\x1f\x8b\x08\x00garbage"))
    assert isinstance(broken[0], Reject) and broken[0].reason == "unreadable"


def test_an_explicitly_named_unsupported_file_is_a_reject_with_its_bytes(tmp_path: Path) -> None:
    items = _items(_write(tmp_path / "doc.pdf", b"%PDF-1.7"))
    assert isinstance(items[0], Reject) and items[0].reason == "unsupported_format" and items[0].raw == b"%PDF-1.7"
