"""A run whose items mostly meet a bug fails before committing; a handful of odd inputs never stops a run."""

from __future__ import annotations

import pytest

from tasks.config import load_config
from tasks.errors import INTERNAL_ERROR, MIN_INTERNAL_ERRORS, ConfigError, TerminalError, check_internal_errors


def test_a_run_whose_items_mostly_hit_internal_errors_fails() -> None:
    with pytest.raises(TerminalError, match="30 of 40 items failed with an internal error"):
        check_internal_errors({INTERNAL_ERROR: 30, "empty_text": 5}, 40, 0.5)


def test_a_few_internal_errors_are_kept_as_rejects() -> None:
    check_internal_errors({INTERNAL_ERROR: MIN_INTERNAL_ERRORS - 1}, MIN_INTERNAL_ERRORS - 1, 0.5)  # tiny run
    check_internal_errors({INTERNAL_ERROR: 50}, 100, 0.5)  # at the share, not over it
    check_internal_errors({INTERNAL_ERROR: 100}, 100, 1.0)  # the user chose to commit them all
    check_internal_errors({"empty_text": 100}, 100, 0.0)  # bad input is never a reason to fail


def test_the_share_is_validated_and_does_not_change_the_config_hash() -> None:
    assert load_config(max_internal_error_share=1.0).config_hash() == load_config().config_hash()
    with pytest.raises(ConfigError, match="max_internal_error_share"):
        load_config(max_internal_error_share=1.5)
