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


def paired_median_seconds(
    ours: Callable[[], object], floor: Callable[[], object], *, repeat: int = 9, warmup: int = 2
) -> tuple[float, float]:
    """Medians of our code and its floor, timed alternately so that drift hits both alike."""
    for _ in range(warmup):
        ours()
        floor()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for run, into in ((ours, times[0]), (floor, times[1])):
            start = time.perf_counter()
            run()
            into.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def ratio_line(name: str, ours: float, floor: float, target: str) -> str:
    return (
        f"  {name}: ours {ours * 1000:.1f} ms, floor {floor * 1000:.1f} ms, "
        f"ratio {ours / floor:.2f} (target {target})"
    )


def best_seconds(run: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> float:
    """The fastest of repeated runs: for pure computations, where the noise only adds time."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)
