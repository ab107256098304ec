"""The mypyc-compiled extractors (setup.py) run only while they are current, and build the articles the Python
sources build: every field of every row, on real news from the shared corpora."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import tasks
from tasks.native import MANIFEST, select_build

REPO = Path(__file__).resolve().parents[2]

# Builds the articles of the corpora's Reuters stories, Giveme5W1H records and Mozilla pages (plain text, JSON,
# HTML) and prints the build that ran, then one JSON row (or reject) a line.
_BUILD_ALL = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path

import tasks
from tasks.article import build_article
from tasks.errors import Reject
from tasks.metadata_corpora import giveme_records, mozilla_pages, reuters_stories
from tasks.read import RawItem, items_from_bytes

root = Path(sys.argv[1])
fetched = datetime(2026, 1, 2, tzinfo=UTC)
items = [RawItem(f"reuters/{n}", "text", s.body.encode(), fetched) for n, s in enumerate(reuters_stories(root, 2))]
for article_id, data, _ in giveme_records(root):
    items.extend(items_from_bytes(f"giveme/{article_id}", "json", data, fetched))
items.extend(RawItem(f"mozilla/{page.name}", "html", page.html, fetched) for page in list(mozilla_pages(root))[:25])
print(tasks.BUILD)
for item in items:
    built = item if isinstance(item, Reject) else build_article(item, "run", False)
    row = vars(built) if isinstance(built, Reject) else built
    print(json.dumps(row, default=str, sort_keys=True))
"""


def _build_all(corpora: Path, pure: bool) -> tuple[str, list[str]]:
    env = {key: value for key, value in os.environ.items() if key != "NEWSETL_PURE_PYTHON"}
    if pure:
        env["NEWSETL_PURE_PYTHON"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_ALL, str(corpora)], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    build, *rows = done.stdout.splitlines()
    return build, rows


def test_compiled_and_source_extractors_build_the_same_rows(corpora: Path) -> None:
    if tasks.BUILD != "compiled":
        pytest.skip(f"the extractors are not compiled in this install ({tasks.BUILD}): `make` compiles them")
    compiled_build, compiled = _build_all(corpora, pure=False)
    source_build, source = _build_all(corpora, pure=True)
    assert (compiled_build, source_build) == ("compiled", "python")
    assert len(compiled) == len(source) > 1000
    assert sum('"article_id"' in row and '"quotes": [{' in row for row in source) > 100  # quotes were found
    for compiled_row, source_row in zip(compiled, source, strict=True):
        assert compiled_row == source_row


def _package(tmp_path: Path, name: str, source: str, compiled: bytes | None, manifest_source: str | None) -> Path:
    """A package `name` with a module `mod` (its source), a file where its compiled build would be, and the
    manifest the build writes (the hash of `manifest_source`)."""
    directory = tmp_path / name
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    (directory / "mod.py").write_text(source)
    if compiled is not None:
        (directory / f"mod{EXTENSION_SUFFIXES[0]}").write_bytes(compiled)
    if manifest_source is not None:
        digest = hashlib.sha256(manifest_source.encode()).hexdigest()
        (directory / MANIFEST).write_text(json.dumps({f"{name}/mod.py": digest}))
    return directory


@pytest.fixture
def isolated_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # the finder select_build adds goes with the test
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("NEWSETL_PURE_PYTHON", raising=False)


@pytest.mark.usefixtures("isolated_imports")
def test_a_current_build_runs_compiled(tmp_path: Path) -> None:
    directory = _package(tmp_path, "native_current", "VALUE = 1\n", b"not a real library", "VALUE = 1\n")
    finders = list(sys.meta_path)
    assert select_build("native_current", directory) == "compiled"
    assert sys.meta_path == finders  # nothing stands between the import and the compiled file


@pytest.mark.usefixtures("isolated_imports")
def test_a_changed_source_runs_from_source_with_a_warning(tmp_path: Path) -> None:
    # The compiled file is no library: importing it would fail, so the import must take the source.
    directory = _package(tmp_path, "native_stale", "VALUE = 'edited'\n", b"not a real library", "VALUE = 1\n")
    with pytest.warns(RuntimeWarning, match="mod changed since native_stale was compiled"):
        assert select_build("native_stale", directory) == "stale"
    from native_stale import mod  # type: ignore[import-not-found]

    assert mod.VALUE == "edited"


@pytest.mark.usefixtures("isolated_imports")
def test_a_compiled_file_without_its_manifest_is_not_trusted(tmp_path: Path) -> None:
    directory = _package(tmp_path, "native_unknown", "VALUE = 2\n", b"not a real library", None)
    with pytest.warns(RuntimeWarning, match="mod changed"):
        assert select_build("native_unknown", directory) == "stale"
    from native_unknown import mod  # type: ignore[import-not-found]

    assert mod.VALUE == 2


@pytest.mark.usefixtures("isolated_imports")
def test_pure_python_asked_for_or_nothing_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _package(tmp_path, "native_pure", "VALUE = 3\n", b"not a real library", "VALUE = 3\n")
    monkeypatch.setenv("NEWSETL_PURE_PYTHON", "1")
    assert select_build("native_pure", directory) == "python"
    from native_pure import mod  # type: ignore[import-not-found]

    assert mod.VALUE == 3
    monkeypatch.delenv("NEWSETL_PURE_PYTHON")
    plain = _package(tmp_path, "native_plain", "VALUE = 4\n", None, None)
    assert select_build("native_plain", plain) == "python"
