"""Timing helpers for the benchmarks: medians of repeated runs."""

import statistics
import time
from collections.abc import Callable


def median_seconds(run: Callable[[], object], *, repeat: int = 15, warmup: int = 3) -> float:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ratio_line(name: str, ours: float, floor: float, target: str) -> str:
    return (
        f"  {name}: ours {ours * 1000:.1f} ms, floor {floor * 1000:.1f} ms, "
        f"ratio {ours / floor:.2f} (target {target})"
    )
