"""Expand SOURCE arguments (files, folders, globs) into a sorted list of input files, and plan batches."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from tasks.errors import ConfigError
from tasks.fetch_settings import FetchSettings, RemoteSpec
from tasks.jsonl_ranges import estimated_items, split_jsonl

# The input kinds of this release, by file suffix (before an optional .gz).
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".warc": "warc",
}


@dataclass(frozen=True)
class InputFile:
    path: str  # absolute path
    format: str  # text | html | json | jsonl | unsupported
    compressed: bool  # gzip
    size: int
    remote: RemoteSpec | None = None  # set for a URL (format "url"): fetched by the batch task
    byte_range: tuple[int, int] | None = None  # a part of a big JSON Lines file (see tasks.jsonl_ranges)

    @property
    def uri(self) -> str:
        return self.path if self.remote is not None else Path(self.path).as_uri()


@dataclass(frozen=True)
class Discovery:
    files: list[InputFile]
    skipped: list[str]  # files inside folders that are not of a supported kind: reported, not read


def file_format(path: str) -> tuple[str, bool]:
    name = path.lower()
    compressed = name.endswith(".gz")
    stem = name[:-3] if compressed else name
    return FORMATS.get(os.path.splitext(stem)[1], "unsupported"), compressed


def discover(sources: list[str], fetch: FetchSettings | None = None) -> Discovery:
    """Every SOURCE must match something: a typo in a path is a configuration error, not an empty run.

    URLs, feeds, sitemaps and URL lists are expanded by `tasks.remote_sources` with `fetch` settings.
    """
    from tasks.remote_sources import Expander, handled_here, split_kind

    found: dict[str, InputFile] = {}
    skipped: set[str] = set()
    expander: Expander | None = None
    for named in sources:
        kind, source = split_kind(named)
        if handled_here(kind, source):
            expander = expander or Expander(fetch or FetchSettings())
            found.update((f.path, f) for f in expander.expand(kind, source))
            skipped.update(expander.skipped)
            continue
        matches = _expand(source)
        if not matches:
            raise ConfigError(f"SOURCE {source!r} matches no file or folder; check the path (quote globs)")
        for match in matches:
            if os.path.isdir(match):
                for path in _walk(match):
                    fmt, compressed = file_format(path)
                    if fmt == "unsupported":
                        skipped.add(path)
                    else:
                        found[path] = InputFile(path, fmt, compressed, os.path.getsize(path))
            else:
                # A file named explicitly is always read; an unsupported kind becomes a reject.
                path = os.path.abspath(match)
                fmt, compressed = file_format(path)
                found[path] = InputFile(path, fmt, compressed, os.path.getsize(path))
    return Discovery(files=[found[p] for p in sorted(found)], skipped=sorted(skipped))


def _expand(source: str) -> list[str]:
    expanded = os.path.expanduser(source)
    if glob.has_magic(expanded):
        return sorted(glob.glob(expanded, recursive=True))
    return [expanded] if os.path.exists(expanded) else []


def _walk(folder: str) -> list[str]:
    paths: list[str] = []
    for root, dirs, files in os.walk(os.path.abspath(folder)):
        # Hidden folders and files (.git, .DS_Store) are never inputs.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        paths.extend(os.path.join(root, f) for f in files if not f.startswith("."))
    return paths


def plan_batches(files: list[InputFile], batch_size: int, batch_bytes: int = 64_000_000) -> list[list[InputFile]]:
    """Group inputs into batches of about `batch_size` articles and at most about `batch_bytes` bytes.

    Batches are the unit of a Prefect task: thousands of articles each, never one task per article. Big JSON
    Lines files are split into byte ranges first, so a batch's memory is bounded by the batch, not the file.
    The plan depends only on the sorted inputs, so reruns plan the same batches.
    """
    batches: list[list[InputFile]] = []
    current: list[InputFile] = []
    current_items = current_bytes = 0
    for f in (part for whole in files for part in split_jsonl(whole, batch_size, batch_bytes)):
        start, end = f.byte_range or (0, f.size)
        items = estimated_items(f)
        if current and (current_items + items > batch_size or current_bytes + end - start > batch_bytes):
            batches.append(current)
            current, current_items, current_bytes = [], 0, 0
        current.append(f)
        current_items += items
        current_bytes += end - start
    if current:
        batches.append(current)
    return batches
