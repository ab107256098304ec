"""Compiled or Python extractors: which build of the modules setup.py compiles with mypyc runs.

The build records each compiled module's source hash in `native_build.json`. A compiled module whose source
changed since (an edit, a checkout, a pull) would run the old code, so then every compiled module of the package
is imported from its Python source instead, with a warning to rebuild (`make` does it). All of them, not only
the changed one: compiled modules call each other's functions directly, past the Python module. The check
hashes ~150 KB of source once per process (under a millisecond). `NEWSETL_PURE_PYTHON=1` runs the sources too.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.util
import json
import os
import sys
import warnings
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Literal

MANIFEST = "native_build.json"
Build = Literal["compiled", "python", "stale"]


class _SourcesFirst(importlib.abc.MetaPathFinder):
    """Finds the listed modules as their .py sources, ahead of the compiled files beside them."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(self, fullname: str, path: object = None, target: ModuleType | None = None) -> ModuleSpec | None:
        source = self.sources.get(fullname)
        return importlib.util.spec_from_file_location(fullname, source) if source is not None else None


def select_build(package: str, directory: Path) -> Build:
    """Decide, before any of `package`'s modules is imported, whether its compiled modules may run; where not,
    make their imports take the sources. "python" when nothing is compiled or NEWSETL_PURE_PYTHON=1 asks for
    the sources, "stale" when a source differs from the one compiled."""
    compiled = {path.name.split(".", 1)[0] for suffix in EXTENSION_SUFFIXES for path in directory.glob("*" + suffix)}
    compiled = {name for name in compiled if (directory / f"{name}.py").exists()}
    if not compiled:
        return "python"
    manifest = directory / MANIFEST
    recorded: dict[str, str] = json.loads(manifest.read_text()) if manifest.exists() else {}
    recorded = {Path(source).stem: digest for source, digest in recorded.items()}
    stale = sorted(
        name
        for name in compiled
        if recorded.get(name) != hashlib.sha256((directory / f"{name}.py").read_bytes()).hexdigest()
    )
    if not stale and os.environ.get("NEWSETL_PURE_PYTHON") != "1":
        return "compiled"
    sys.meta_path.insert(0, _SourcesFirst({f"{package}.{name}": directory / f"{name}.py" for name in compiled}))
    if not stale:
        return "python"
    warnings.warn(
        f"{', '.join(stale)} changed since {package} was compiled: running the Python sources of its compiled "
        "modules (slower). Rebuild with `make` (or `pip install -e .`) to compile them again.",
        RuntimeWarning,
        stacklevel=2,
    )
    return "stale"
