"""The build: the article extractors (tasks/native_sources.txt) are compiled with mypyc, the same typed code as C.

Building articles is most of a run's CPU, all of it pure Python; compiled, these modules take ~17% less CPU an
article with identical output (tests/unit/test_native.py runs both builds and compares). Everything else stays
Python. `NEWSETL_PURE_PYTHON=1` at build time installs them as plain Python; at run time it runs the sources.
Each compiled source's sha256 goes into `tasks/native_build.json`: `tasks.native` runs the sources instead of a
compiled module whose source has changed since (an edit, a checkout), rather than the old code.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

# The modules compiled: one path a line, read by the Makefile too (it rebuilds when one changes).
NATIVE_SOURCES = Path("tasks/native_sources.txt").read_text().split()
MANIFEST = Path("tasks/native_build.json")


def _ext_modules() -> list[Any]:
    if os.environ.get("NEWSETL_PURE_PYTHON") == "1":
        _remove_compiled()
        return []
    from mypyc.build import mypycify

    hashes = {source: hashlib.sha256(Path(source).read_bytes()).hexdigest() for source in NATIVE_SOURCES}
    MANIFEST.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    return list(mypycify(NATIVE_SOURCES, opt_level="3"))


def _remove_compiled() -> None:
    """An earlier compiled build left in place (editable installs): its modules, their shared library, manifest."""
    MANIFEST.unlink(missing_ok=True)
    for source in NATIVE_SOURCES:
        for compiled in Path(source).parent.glob(Path(source).stem + ".*.so"):
            compiled.unlink()
    for shared in Path(".").glob("*__mypyc.*.so"):
        shared.unlink()


class _OptionalBuildExt(build_ext):
    """Without a working C compiler (a slim container image) the extractors install as Python, with a warning,
    instead of failing the install: the same rows, ~20% more CPU an article."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # CompileError, a missing compiler, a failed link
            _remove_compiled()
            self.warn(f"newsetl: compiling the extractors failed ({exc}); they are installed as Python")


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": _OptionalBuildExt})
