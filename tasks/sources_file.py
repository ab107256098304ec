"""A TOML sources file naming the sources of scheduled runs; read again at each run, so edits take effect.

    # sources.toml
    [[source]]
    location = "https://example.com/rss.xml"
    kind = "feed"            # optional: page | feed | sitemap | urls | warc (default: detected)

    [[source]]
    location = "crawls/*.warc.gz"   # relative paths are relative to this file

A plain list works too: `sources = ["https://example.com/sitemap.xml", "archive/"]`.
"""

from __future__ import annotations

import os
import tomllib
from typing import Any

from tasks.errors import ConfigError

_KINDS = ("auto", "page", "feed", "sitemap", "urls", "warc")


def read_sources_file(path: str) -> list[str]:
    """SOURCE strings (`KIND:LOCATION` when a kind is given) in file order."""
    try:
        with open(os.path.expanduser(path), "rb") as stream:
            document = tomllib.load(stream)
    except OSError as exc:
        raise ConfigError(f"--sources-file {path!r}: {exc.strerror or exc}; check the path") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"--sources-file {path!r} is not valid TOML: {exc}") from None
    unknown = set(document) - {"source", "sources"}
    if unknown:
        raise ConfigError(f"--sources-file {path!r}: unknown keys {sorted(unknown)}; use [[source]] or sources = [...]")
    base = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    entries: list[Any] = list(document.get("sources", [])) + list(document.get("source", []))
    found = [_source(entry, number, path, base) for number, entry in enumerate(entries, start=1)]
    if not found:
        raise ConfigError(f"--sources-file {path!r} names no source; add [[source]] tables with a location")
    return found


def _source(entry: Any, number: int, path: str, base: str) -> str:
    if isinstance(entry, str):
        entry = {"location": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("location"), str) or not entry["location"].strip():
        raise ConfigError(f"--sources-file {path!r}: source {number} needs a `location` string")
    extra = set(entry) - {"location", "kind"}
    if extra:
        raise ConfigError(f"--sources-file {path!r}: source {number} has unknown keys {sorted(extra)}")
    kind = str(entry.get("kind", "auto")).lower()
    if kind not in _KINDS:
        raise ConfigError(f"--sources-file {path!r}: source {number} kind {kind!r} is not one of {', '.join(_KINDS)}")
    location = entry["location"].strip()
    if "://" not in location and not os.path.isabs(os.path.expanduser(location)):
        location = os.path.join(base, location)
    return location if kind == "auto" else f"{kind}:{location}"
