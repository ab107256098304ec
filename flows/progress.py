"""Live progress per stage: a bar per stage on a terminal, plain log lines otherwise, nothing with --quiet.

The flow reports through `collect(stage, futures)` (results in submission order, progress in completion order)
and `with stage(name):`; both also time the stage for the run report. What is shown is chosen by the process
(`newsetl run` sets it from the terminal and --quiet); a deployment's run logs plain lines to its run log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from prefect import get_run_logger
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run

from tasks.report import StageTiming

T = TypeVar("T")
LOG_EVERY_SECONDS = 5.0


@dataclass
class StageStats:
    stage: str
    tasks: int
    done: int = 0
    items: int = 0
    started: float = 0.0
    finished: float | None = None

    def elapsed(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    def line(self) -> str:
        """`prepare-batch: 3/10 tasks, 6000 items, 1250 items/s, ETA 5 s`."""
        elapsed = max(self.elapsed(), 1e-9)
        parts = [f"{self.stage}: {self.done}/{self.tasks} tasks" if self.tasks != 1 else f"{self.stage}:"]
        if self.items:
            parts.append(f"{self.items} items, {self.items / elapsed:.0f} items/s")
        if self.finished is not None:
            parts.append(f"done in {elapsed:.1f} s")
        elif 0 < self.done < self.tasks:
            parts.append(f"ETA {elapsed / self.done * (self.tasks - self.done):.0f} s")
        return ", ".join(parts).replace(":,", ":")


class Reporter(Protocol):
    def update(self, stats: StageStats) -> None: ...

    def close(self) -> None: ...


class LogReporter:
    """One log line when a stage starts, every few seconds while it runs, and when it ends."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}

    def update(self, stats: StageStats) -> None:
        now = time.perf_counter()
        if stats.finished is None and (stats.tasks == 1 or now - self._last.get(stats.stage, 0.0) < LOG_EVERY_SECONDS):
            return  # a one-step stage logs when it ends; a stage of many tasks when it starts and every few seconds
        self._last[stats.stage] = now
        get_run_logger().info("progress %s", stats.line())

    def close(self) -> None:
        pass


class QuietReporter:
    def update(self, stats: StageStats) -> None:
        pass

    def close(self) -> None:
        pass


class TerminalReporter:
    """A rich progress bar per stage on stderr; log records print above the bars."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._bars: dict[str, Any] = {}
        self._progress.start()

    def update(self, stats: StageStats) -> None:
        if stats.stage not in self._bars:
            self._bars[stats.stage] = self._progress.add_task(stats.stage, total=stats.tasks, detail="")
        rate = f"{stats.items} items, {stats.items / max(stats.elapsed(), 1e-9):.0f}/s" if stats.items else ""
        done = f"  {stats.elapsed():.1f} s" if stats.finished is not None else ""
        self._progress.update(self._bars[stats.stage], completed=stats.done, detail=rate + done)

    def close(self) -> None:
        self._progress.stop()


_make_reporter: Callable[[], Reporter] = LogReporter
_trackers: dict[str, Tracker] = {}
_lock = threading.Lock()


def use(make_reporter: Callable[[], Reporter]) -> None:
    """Choose how this process shows progress (the CLI calls this before running a flow)."""
    global _make_reporter
    _make_reporter = make_reporter


def current() -> Callable[[], Reporter]:
    """What `use` chose last (so a caller can put it back)."""
    return _make_reporter


class Tracker:
    """The stages of one flow run, in the order they started."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.stages: dict[str, StageStats] = {}

    def start(self, name: str, tasks: int) -> StageStats:
        stats = self.stages[name] = StageStats(name, tasks, started=time.perf_counter())
        self.reporter.update(stats)
        return stats

    def finish(self, stats: StageStats) -> None:
        stats.finished = time.perf_counter()
        self.reporter.update(stats)


def tracker() -> Tracker:
    key = str(flow_run.get_id() or "")
    with _lock:
        if key not in _trackers:
            _trackers[key] = Tracker(_make_reporter())
        return _trackers[key]


def collect(name: str, futures: list[PrefectFuture[T]], items: Callable[[T], int] | None = None) -> list[T]:
    """Wait for `futures`, reporting each as it completes; results come back in submission order."""
    track = tracker()
    stats = track.start(name, len(futures))
    position = {id(f): i for i, f in enumerate(futures)}
    results: list[T | None] = [None] * len(futures)
    for future in as_completed(futures):
        result = future.result()
        results[position[id(future)]] = result
        stats.done += 1
        stats.items += items(result) if items else 0
        track.reporter.update(stats)
    track.finish(stats)
    return results  # type: ignore[return-value]  # every slot was filled above


@contextmanager
def stage(name: str) -> Iterator[StageStats]:
    """Time (and show) a stage that runs as one step in the flow."""
    track = tracker()
    stats = track.start(name, 1)
    yield stats
    stats.done = 1
    track.finish(stats)


def finish_run() -> list[StageTiming]:
    """This flow run's stage timings (for the run report); closes its progress display."""
    with _lock:
        track = _trackers.pop(str(flow_run.get_id() or ""), None)
    if track is None:
        return []
    track.reporter.close()
    return [StageTiming(s.stage, s.tasks, s.items, round(s.elapsed(), 3)) for s in track.stages.values()]


def close_all() -> None:
    """Stop every progress display still open (a failed run never reaches finish_run)."""
    with _lock:
        open_trackers = list(_trackers.values())
        _trackers.clear()
    for track in open_trackers:
        track.reporter.close()
