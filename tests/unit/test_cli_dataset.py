"""Argument handling of `newsetl reprocess` and `newsetl compact`: bad settings fail before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import main
from flows.cli_dataset import parse_size
from tasks.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "size"), [("128MB", 128 * 1024**2), ("1g", 1024**3), ("64 KB", 65536), ("4096", 4096)]
)
def test_sizes_take_the_usual_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "MB", "12XB", "10"])
def test_bad_sizes_say_what_to_write(text: str) -> None:
    with pytest.raises(ConfigError, match="target-size"):
        parse_size(text)


def test_maintenance_commands_refuse_a_dest_without_a_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("reprocess", "compact"):
        assert main([command, str(tmp_path / "empty")]) == 2
        assert "holds no committed run" in capsys.readouterr().err


def test_compact_rejects_a_bad_target_size_before_touching_dest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compact", str(tmp_path / "d"), "--target-size", "lots"]) == 2
    assert "--target-size 'lots'" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()
