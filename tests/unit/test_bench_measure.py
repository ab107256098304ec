"""The benchmark's peak-RSS meter: the kernel's high-water mark, restarted at each stage."""

from __future__ import annotations

import numpy as np

from bench.bench_measure import PeakRss, Stages


def test_each_stage_gets_its_own_peak() -> None:
    stages = Stages()
    with PeakRss(stages) as rss:
        assert stages.on_change is not None  # Linux: the mark can be reset
        stages.on_change("", "big")
        stages.current = "big"
        held = np.ones(40_000_000)  # 320 MB, touched
        del held
        stages.on_change("big", "small")
        stages.current = "small"
        held = np.ones(5_000_000)  # 40 MB
        del held
    big, small = rss.stage_peak_mb["big"], rss.stage_peak_mb["small"]
    assert big - rss.before_mb > 300  # freed before the stage ended, still counted: a peak, not a sample
    assert 30 < small - rss.before_mb < 200  # the big stage's peak is not carried into the next
    assert rss.peak_mb == big
    assert stages.on_change is None
