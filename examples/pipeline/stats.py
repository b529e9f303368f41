"""Per-stage statistics, printed in the format of SPDL's TaskStatsHook and StatsQueue.

The lines match the messages of spdl.pipeline (``_components/_hook.py`` ``_log_stats`` and
``_components/_queue.py`` ``_log_stats``, with ``_time_str`` from ``_components/_common.py``),
so one parser reads both this example and real SPDL pipelines. See examples/README.md.
"""

import math
import threading
import time
from dataclasses import dataclass, field


def time_str(seconds: float) -> str:
    """Formats a duration as SPDL does: 6.1f with a unit of us, ms or sec in brackets."""
    if seconds < 0.0001:
        return f"{seconds * 1e6:6.1f} [ us]"
    if seconds < 1:
        return f"{seconds * 1e3:6.1f} [ ms]"
    return f"{seconds:6.1f} [sec]"


def stage_label(stage_index: int, name: str, concurrency: int = 1) -> str:
    """SPDL's stage identity: pipeline id, stage index, name, and [concurrency] when above 1."""
    suffix = f"[{concurrency}]" if concurrency > 1 else ""
    return f"0:{stage_index}:{name}{suffix}"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class TaskStats:
    """Run times of one stage's tasks."""

    label: str
    durations_s: list[float] = field(default_factory=list)
    num_failures: int = 0

    def record(self, duration_s: float) -> None:
        self.durations_s.append(duration_s)

    def line(self) -> str:
        """The SPDL TaskStatsHook line for this stage."""
        durations = self.durations_s
        num_tasks = len(durations) + self.num_failures
        ave_s = sum(durations) / len(durations) if durations else 0.0
        return (
            f"[{self.label}]\tCompleted {num_tasks:5d} tasks ({self.num_failures:3d} failed). "
            f"Ave task time: {time_str(ave_s)}. P90: {time_str(percentile(durations, 90))}. "
            f"P99: {time_str(percentile(durations, 99))}."
        )


@dataclass
class QueueStats:
    """Put and get waits of one stage's output queue, and when items entered and left it.

    Timestamps come from time.monotonic(), which on Linux is one clock for all processes,
    so the two ends of a queue between processes can be recorded on both sides.
    """

    label: str
    started_s: float = field(default_factory=time.monotonic)
    put_waits_s: list[float] = field(default_factory=list)
    get_waits_s: list[float] = field(default_factory=list)
    put_at_s: list[float] = field(default_factory=list)
    get_at_s: list[float] = field(default_factory=list)

    def record_put(self, wait_s: float, at_s: float) -> None:
        self.put_waits_s.append(wait_s)
        self.put_at_s.append(at_s)

    def record_get(self, wait_s: float, at_s: float) -> None:
        self.get_waits_s.append(wait_s)
        self.get_at_s.append(at_s)

    def merge_put_side(self, other: "QueueStats") -> None:
        """Takes the producer's half recorded in another process."""
        self.started_s = min(self.started_s, other.started_s)
        self.put_waits_s = other.put_waits_s
        self.put_at_s = other.put_at_s

    def occupancy_rate(self, ended_s: float) -> float:
        """Share of the time the queue held at least one item."""
        events = sorted([(t, 1) for t in self.put_at_s] + [(t, -1) for t in self.get_at_s])
        depth, since_s, busy_s = 0, self.started_s, 0.0
        for at_s, delta in events:
            if depth > 0:
                busy_s += at_s - since_s
            depth, since_s = max(0, depth + delta), at_s
        if depth > 0:
            busy_s += ended_s - since_s
        elapsed_s = ended_s - self.started_s
        return 0.0 if elapsed_s <= 0 else min(1.0, busy_s / elapsed_s)

    def line(self, ended_s: float) -> str:
        """The SPDL StatsQueue line for this queue."""
        elapsed_s = ended_s - self.started_s
        num_items = len(self.get_waits_s)
        qps = num_items / elapsed_s if elapsed_s > 0 else 0.0
        put, get = self.put_waits_s, self.get_waits_s
        return (
            f"[{self.label}_queue]\tProcessed {num_items:5d} items in {time_str(elapsed_s)} "
            f"(QPS: {qps:6.1f}) "
            f"Ave wait time: put: {time_str(_mean(put))}, get (by next stage): {time_str(_mean(get))}. "
            f"P90: put: {time_str(percentile(put, 90))}, get: {time_str(percentile(get, 90))}. "
            f"P99: put: {time_str(percentile(put, 99))}, get: {time_str(percentile(get, 99))}. "
            f"Occupancy rate: {int(100 * self.occupancy_rate(ended_s))}%"
        )


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


class TimedQueue:
    """A bounded thread queue that records its waits; get/put give up when stop is set."""

    def __init__(self, stats: QueueStats, maxsize: int, stop: threading.Event) -> None:
        import queue

        self.stats = stats
        self._queue = queue.Queue(maxsize)
        self._stop = stop
        self._empty = queue.Empty
        self._full = queue.Full

    def put(self, item: object) -> bool:
        """Puts an item; False when the pipeline stopped first."""
        t0 = time.monotonic()
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
            except self._full:
                continue
            now = time.monotonic()
            self.stats.record_put(now - t0, now)
            return True
        return False

    def get(self) -> object | None:
        """Gets an item; None when the pipeline stopped first."""
        t0 = time.monotonic()
        while not self._stop.is_set():
            try:
                item = self._queue.get(timeout=0.05)
            except self._empty:
                continue
            now = time.monotonic()
            self.stats.record_get(now - t0, now)
            return item
        return None
