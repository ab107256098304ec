"""Configuration is validated up front with messages that say what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.config import load_config, sample_data_dir
from tasks.errors import ConfigError
from tasks.storage import Storage


def test_defaults_ingest_the_bundled_sample() -> None:
    config = load_config()
    assert config.effective_sources() == [sample_data_dir()]
    assert Path(sample_data_dir()).is_dir()


def test_unknown_and_invalid_settings_are_named() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        load_config(batch_size=0)
    with pytest.raises(ConfigError, match="colour"):
        load_config(colour="blue")
    with pytest.raises(ConfigError, match=r"dedup.bands \(200\) must not exceed dedup.num_perm \(128\)"):
        load_config(dedup={"bands": 200})


def test_config_hash_ignores_where_but_not_what(tmp_path: Path) -> None:
    base = load_config(dest=str(tmp_path / "a"))
    assert base.config_hash() == load_config(dest=str(tmp_path / "b")).config_hash()
    assert base.config_hash() != load_config(dest=str(tmp_path / "a"), dedup={"threshold": 0.9}).config_hash()


def test_unwritable_dest_fails_fast(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="not writable"):
        Storage.open(str(blocker / "data")).check_writable()
    with pytest.raises(ConfigError, match="not supported"):
        Storage.open("ftp://host/data")


def test_storage_writes_atomically_and_lists_relative_paths(tmp_path: Path) -> None:
    storage = Storage.open(str(tmp_path))
    storage.write_bytes("a/b/c.json", b"{}")
    storage.write_bytes("a/d.txt", b"x")
    assert storage.list_files("a") == ["a/b/c.json", "a/d.txt"]
    assert storage.list_files("a", ".json") == ["a/b/c.json"]
    assert storage.read_bytes("a/b/c.json") == b"{}"
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    storage.delete_dir("a")
    assert not storage.exists("a/d.txt")
