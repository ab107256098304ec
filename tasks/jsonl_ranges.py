"""Split big JSON Lines files into byte ranges, so one file of a million articles becomes many batches and a
batch task's memory is bounded by its batch, not by the file.

A range `[start, end)` owns every line that *starts* inside it (the Hadoop text-input rule): its reader skips
the partial line at `start` (the previous range owns it) and reads on past `end` to finish its last line. Ranges
are planned from the file size and a 1 MB sample only, so planning never reads the whole file. Compressed files
cannot be entered mid-stream and stay whole.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from tasks.discover import InputFile

SAMPLE_BYTES = 1 << 20
MIN_RANGE_BYTES = 1 << 20
_COUNT_CHUNK = 8 << 20
_TYPICAL_LINE_BYTES = 4096.0


def estimated_items(f: InputFile) -> int:
    """Articles an input holds, roughly: a line per article for JSON Lines, else one."""
    if f.format != "jsonl" or f.remote is not None:
        return 1  # a remote file's lines are not sampled at planning time
    start, end = f.byte_range or (0, f.size)
    return max(1, round((end - start) / _mean_line_bytes(f.path, f.compressed)))


def split_jsonl(f: InputFile, batch_size: int, batch_bytes: int) -> list[InputFile]:
    """`f` as ranges of about `batch_size` lines (and at most `batch_bytes`), or `[f]` when it is small enough."""
    if f.format != "jsonl" or f.compressed or f.remote is not None or f.byte_range is not None:
        return [f]
    target = max(MIN_RANGE_BYTES, min(batch_bytes, int(batch_size * _mean_line_bytes(f.path, False))))
    # Equal ranges, as many as the file holds targets (rounded), and never over batch_bytes: cut at the target
    # itself, a file 1% over it left a remainder batch of ~20 articles (8 of the 100k bench's 58 batches).
    parts = max(round(f.size / target), -(-f.size // batch_bytes))
    if parts <= 1:
        return [f]
    step = -(-f.size // parts)
    return [replace(f, byte_range=(start, min(f.size, start + step))) for start in range(0, f.size, step)]


def read_range(path: str, start: int, end: int, max_line_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for every non-empty line starting in `[start, end)`; the line is None when it is
    longer than `max_line_bytes` (the caller rejects it without holding it in memory)."""
    with open(path, "rb") as stream:
        number = 1 + _newlines_before(stream, start)
        if start > 0:
            stream.seek(start - 1)
            skipped = stream.readline()  # the end of the line the previous range owns (or just its newline)
            if len(skipped) > 1:
                number += 1
        while stream.tell() < end:
            line = stream.readline(max_line_bytes + 1)
            if not line:
                return
            if len(line) > max_line_bytes and not line.endswith(b"\n"):
                while (rest := stream.readline(_COUNT_CHUNK)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of an oversized line
                yield number, None
            elif line.strip():
                yield number, line.rstrip(b"\n")  # as the whole-file reader splits lines
            number += 1


def _newlines_before(stream: BinaryIO, offset: int) -> int:
    stream.seek(0)
    count, remaining = 0, offset
    while remaining > 0:
        chunk = stream.read(min(_COUNT_CHUNK, remaining))
        if not chunk:
            break
        count += chunk.count(b"\n")
        remaining -= len(chunk)
    return count


def _mean_line_bytes(path: str, compressed: bool) -> float:
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as stream:
            sample = stream.read(SAMPLE_BYTES)
    except OSError:
        return _TYPICAL_LINE_BYTES  # unreadable now: the batch task will reject it with the reason
    lines = sample.count(b"\n") or 1
    return max(1.0, len(sample) / lines)
