"""Where the training loop gets its batches: a loader on threads in this process, a loader in
a subprocess, or a replay of a few cached batches (the headspace run)."""

import multiprocessing
import queue
import threading
import time

from loader import Batch, Loader, LoaderConfig, LoaderStats, sink_stage_index
from stats import QueueStats, stage_label

JOIN_TIMEOUT_S = 2.0
"""How long closing waits for loader threads or the loader process to finish."""


class ThreadSource:
    """The loader runs on threads of the training process and shares its GIL."""

    def __init__(self, config: LoaderConfig) -> None:
        self._stop = threading.Event()
        self._loader = Loader(config, self._stop)
        self._loader.start()

    def get(self) -> Batch:
        return self._loader.sink.get()

    def close(self) -> LoaderStats:
        self._stop.set()
        self._loader.join(JOIN_TIMEOUT_S)
        return self._loader.stats


def _run_loader_process(config: LoaderConfig, batches, results, stop) -> None:
    sink_stats = QueueStats(stage_label(sink_stage_index(config), "sink"))

    def put(batch: Batch) -> bool:
        t0 = time.monotonic()
        while not stop.is_set():
            try:
                batches.put(batch, timeout=0.05)
            except queue.Full:
                continue
            now = time.monotonic()
            sink_stats.record_put(now - t0, now)
            return True
        return False

    local_stop = threading.Event()
    loader = Loader(config, local_stop, put_sink=put)
    loader.start()
    stop.wait()
    local_stop.set()
    loader.join(JOIN_TIMEOUT_S)
    batches.cancel_join_thread()
    results.put((loader.stats, sink_stats))


class ProcessSource:
    """The loader runs in a subprocess with its own GIL; batches are pickled across a pipe."""

    def __init__(self, config: LoaderConfig) -> None:
        context = multiprocessing.get_context("spawn")
        self._batches = context.Queue(config.prefetch)
        self._results = context.Queue()
        self._stop = context.Event()
        self._sink_stats = QueueStats(stage_label(sink_stage_index(config), "sink"))
        self._process = context.Process(
            target=_run_loader_process,
            args=(config, self._batches, self._results, self._stop),
            daemon=True,
        )
        self._process.start()

    def get(self) -> Batch:
        t0 = time.monotonic()
        batch = self._batches.get()
        now = time.monotonic()
        self._sink_stats.record_get(now - t0, now)
        return batch

    def close(self) -> LoaderStats:
        self._stop.set()
        try:
            stats, sink_put_side = self._results.get(timeout=JOIN_TIMEOUT_S)
        except queue.Empty:
            stats, sink_put_side = LoaderStats(), QueueStats(self._sink_stats.label)
        self._process.join(JOIN_TIMEOUT_S)
        if self._process.is_alive():
            self._process.terminate()
        self._sink_stats.merge_put_side(sink_put_side)
        stats.queues.append(self._sink_stats)
        return stats


class CachedSource:
    """Loads a few batches, stops the loader, then replays them forever.

    Step time then shows the compute floor: what training costs when data is always ready.
    """

    def __init__(self, inner, num_batches: int) -> None:
        self._inner = inner
        self._num_batches = num_batches
        self._cache: list[Batch] = []
        self._stats: LoaderStats | None = None
        self._next = 0

    def get(self) -> Batch:
        if len(self._cache) < self._num_batches:
            self._cache.append(self._inner.get())
            if len(self._cache) == self._num_batches:
                # Stopping the loader removes its threads' GIL contention from the replay.
                self._stats = self._inner.close()
            return self._cache[-1]

        batch = self._cache[self._next % self._num_batches]
        self._next += 1
        return batch

    def close(self) -> LoaderStats:
        return self._stats if self._stats is not None else self._inner.close()
