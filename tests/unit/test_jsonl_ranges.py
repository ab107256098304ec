"""Big JSON Lines files are read in byte ranges: every line exactly once, with the numbering and bytes of the
whole-file reader, however the file is cut."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tasks import jsonl_ranges
from tasks.discover import discover, plan_batches
from tasks.errors import Reject
from tasks.read import RawItem, read_items


def _write(path: Path, count: int, seed: int = 3) -> list[bytes]:
    rng = random.Random(seed)
    lines: list[bytes] = []
    for n in range(count):
        if n % 17 == 5:
            lines.append(b"")  # blank lines count in the numbering
        elif n % 23 == 7:
            lines.append(b"{not json")
        else:
            words = " ".join(
                rng.choice(["port", "strike", "minister", "said", "grain"]) for _ in range(rng.randint(5, 400))
            )
            lines.append(json.dumps({"url": f"https://x.example/{n}", "text": words}).encode())
    path.write_bytes(b"\n".join(lines) + b"\n")
    return lines


def _keys(items: list[RawItem | Reject]) -> list[tuple[str, bytes]]:
    return [(i.source_uri, i.raw) for i in items]


@pytest.mark.parametrize("cut", [1000, 4096, 65536])
def test_ranges_read_every_line_once_as_the_whole_file_reader_does(
    tmp_path: Path, cut: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feed.jsonl"
    _write(path, 600)
    whole = discover([str(path)]).files
    expected = _keys([i for f in whole for i in read_items(f, 10_000_000)])
    monkeypatch.setattr(jsonl_ranges, "MIN_RANGE_BYTES", cut)
    batches = plan_batches(whole, batch_size=10, batch_bytes=cut)
    parts = [f for batch in batches for f in batch]
    assert len(parts) > 1 and all(f.byte_range for f in parts)
    got = _keys([i for f in parts for i in read_items(f, 10_000_000)])
    assert got == expected
    assert sum(1 for uri, _ in got if uri.endswith("#L1")) == 1


def test_a_big_file_becomes_batches_of_about_batch_size_articles(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    lines = _write(path, 20_000)
    batches = plan_batches(discover([str(path)]).files, batch_size=2000)
    assert 5 <= len(batches) <= 40  # ~20,000 lines / 2,000 per batch, estimated from a sample
    assert sum(len(list(read_items(f, 10_000_000))) for b in batches for f in b) == sum(1 for x in lines if x)


def _uniform(path: Path, count: int) -> None:
    line = json.dumps({"text": "grain " * 100}).encode()  # every line alike: the sampled mean is exact
    path.write_bytes(b"".join(line[:-2] + f'{n:06d}"}}'.encode() + b"\n" for n in range(count)))


def _lines_per_batch(path: Path, batch_size: int) -> list[int]:
    batches = plan_batches(discover([str(path)]).files, batch_size=batch_size)
    return [sum(len(list(read_items(f, 10_000_000))) for f in b) for b in batches]


def test_a_file_a_little_over_the_batch_size_is_one_batch_not_a_batch_and_a_remainder(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _uniform(path, 2030 * 4)
    assert _lines_per_batch(path, 2000 * 4) == [2030 * 4]  # was [~8,000, ~120]: a task run for a remainder


def test_a_big_file_is_cut_in_equal_ranges(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _uniform(path, 5100 * 4)
    sizes = _lines_per_batch(path, 2000 * 4)
    assert len(sizes) == 3 and sum(sizes) == 5100 * 4 and max(sizes) - min(sizes) <= 2


def test_an_oversized_line_is_rejected_without_stopping_the_range(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    first = b'{"text": "short one two three four five six seven eight"}\n'
    last = b'{"text": "after the big one there is more text to read here"}\n'
    path.write_bytes(first + b'{"text": "' + b"x" * 5000 + b'"}\n' + last)
    f = discover([str(path)]).files[0]
    ranged = f.__class__(f.path, f.format, f.compressed, f.size, byte_range=(0, f.size))
    items = list(read_items(ranged, 2000))
    assert [type(i).__name__ for i in items] == ["RawItem", "Reject", "RawItem"]
    assert isinstance(items[1], Reject) and items[1].reason == "too_large" and items[1].source_uri.endswith("#L2")
