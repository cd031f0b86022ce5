"""The machine a benchmark ran on, in one line, so figures from different days can be compared.

The virtual machines these benchmarks run on change speed from day to day (the same plain Python loop has
taken from 1.0 s to 3.2 s), so each benchmark prints, beside the cores and the load, how long a fixed loop of
20 million additions takes in this process: a figure measured on a day the loop took 3 s is not a regression
of one measured when it took 1 s.
"""

from __future__ import annotations

import os
import platform
import time

LOOP = 20_000_000


def loop_seconds() -> float:
    """Seconds a plain Python loop of ``LOOP`` additions takes here (the best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(LOOP):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def describe() -> str:
    """``vm x86_64, 2 CPUs, Python 3.11.7, load 0.70, 20M-addition loop 1.03 s``."""
    return (
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}, {LOOP // 1_000_000}M-addition loop {loop_seconds():.2f} s"
    )
