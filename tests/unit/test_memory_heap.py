"""bound_heap: large arrays freed after a large temporary go back to the system instead of staying resident."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# In a process of its own: the allocator setting is process-wide and the test process should keep its own.
SCRIPT = """
import sys
import numpy as np
from tasks.memory import bound_heap
def rss_mb():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
if sys.argv[1] == "bound":
    assert bound_heap()
big = np.ones(24 << 20, dtype=np.uint8)
del big  # a large temporary freed: unbounded, glibc now serves blocks up to 24 MB from its heap
before = rss_mb()
arrays, kept = [], []
for _ in range(25):
    arrays.append(np.ones(8 << 20, dtype=np.uint8))  # 200 MB of 8 MB arrays (over the bound's 4 MB)
    kept.append(bytearray(64 << 10))  # with small long-lived blocks between them, as in a real step
arrays.clear()
print(rss_mb() - before)
"""


def _resident_after_free(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=REPO, capture_output=True, text=True, check=True, timeout=120
    )
    return int(done.stdout.strip())


GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="the setting is glibc's (mallopt); other C libraries are left alone")
def test_freed_large_arrays_leave_the_process_once_the_heap_is_bound() -> None:
    bound = _resident_after_free("bound")
    unbound = _resident_after_free("unbound")
    assert bound < 50, f"{bound} MB of freed arrays still resident with bound_heap"
    assert unbound > bound + 100, f"without bound_heap only {unbound} MB stayed: the case no longer shows the problem"
