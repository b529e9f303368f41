"""The data loader: source, decode/augment thread pool, batching, bounded hand-over queue.

Stages and queues mirror an SPDL pipeline, so the stats lines name the same kinds of things:

    src -> decode_augment[N]            -> batch(B) -> sink        (fused, the default)
    src -> decode[N] -> augment         -> batch(B) -> sink        (--split-stages)
"""

import threading
import time
from dataclasses import dataclass, field

import transforms
from dataset import SyntheticDataset
from stats import QueueStats, TaskStats, TimedQueue, stage_label

INNER_QUEUE_SIZE = 2
"""Buffer between inner stages, as SPDL uses; the sink queue's size is the prefetch depth."""


@dataclass(frozen=True)
class LoaderConfig:
    """The loader knobs. Picklable, so a loader subprocess can be started from it."""

    seed: int
    batch_size: int
    num_threads: int
    prefetch: int
    is_split: bool


@dataclass(frozen=True)
class Batch:
    """What the training step consumes; plain data, so it crosses process boundaries."""

    indices: list[int]
    pixels: bytes
    labels: list[int]
    means: list[float]

    @property
    def size(self) -> int:
        return len(self.indices)


@dataclass
class LoaderStats:
    """Every stage's task and queue statistics, in pipeline order."""

    tasks: list[TaskStats] = field(default_factory=list)
    queues: list[QueueStats] = field(default_factory=list)


def collate(samples: list[transforms.Sample]) -> Batch:
    """Joins samples into one batch, as a collate function does."""
    return Batch(
        indices=[s.index for s in samples],
        pixels=b"".join(s.pixels for s in samples),
        labels=[s.label for s in samples],
        means=[s.mean for s in samples],
    )


class Loader:
    """Runs the loading stages on threads; batches come out of `sink`.

    `put_sink` replaces the in-process sink queue when the loader runs in a subprocess.
    """

    def __init__(self, config: LoaderConfig, stop: threading.Event, put_sink=None) -> None:
        self.config = config
        self.stop = stop
        self.stats = LoaderStats()
        self._threads: list[threading.Thread] = []
        self._dataset = SyntheticDataset(config.seed)
        self._put_sink = put_sink

    def start(self) -> None:
        """Builds the stage graph and starts all threads."""
        src_queue = self._queue(stage_label(0, "src"), INNER_QUEUE_SIZE)
        self._spawn(self._run_source, src_queue)
        last_queue = self._add_map_stages(src_queue)
        batch_index = len(self.stats.queues)
        batch_stats = TaskStats(stage_label(batch_index, f"batch({self.config.batch_size})"))
        self.stats.tasks.append(batch_stats)

        # The batch stage hands its output straight to the sink queue, whose size is the
        # prefetch depth: how many batches may wait ready for the training step.
        if self._put_sink is None:
            self.sink = self._queue(stage_label(batch_index + 1, "sink"), self.config.prefetch)
            put = self.sink.put
        else:
            put = self._put_sink
        self._spawn(self._run_batching, last_queue, batch_stats, put)

    def join(self, timeout_s: float) -> None:
        """Waits for the stage threads to notice the stop event."""
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _add_map_stages(self, src_queue: TimedQueue) -> TimedQueue:
        threads = self.config.num_threads
        if not self.config.is_split:
            return self._map_stage(1, "decode_augment", threads, src_queue, _fused)

        # Decode releases the GIL and scales with threads; augment holds it, so one thread
        # does it without contention.
        decoded = self._map_stage(1, "decode", threads, src_queue, _decode)
        return self._map_stage(2, "augment", 1, decoded, transforms.augment)

    def _map_stage(self, index, name, concurrency, inbox, func) -> TimedQueue:
        label = stage_label(index, name, concurrency)
        task_stats = TaskStats(label)
        self.stats.tasks.append(task_stats)
        outbox = self._queue(label, INNER_QUEUE_SIZE)
        for _ in range(concurrency):
            self._spawn(_run_map_worker, inbox, outbox, task_stats, func)
        return outbox

    def _queue(self, label: str, maxsize: int) -> TimedQueue:
        stats = QueueStats(label)
        self.stats.queues.append(stats)
        return TimedQueue(stats, maxsize, self.stop)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _run_source(self, outbox: TimedQueue) -> None:
        index = 0
        while outbox.put((index, self._dataset[index])):
            index += 1

    def _run_batching(self, inbox: TimedQueue, task_stats: TaskStats, put) -> None:
        while True:
            samples = [inbox.get() for _ in range(self.config.batch_size)]
            if any(s is None for s in samples):
                return
            t0 = time.monotonic()
            batch = collate(samples)
            task_stats.record(time.monotonic() - t0)
            if not put(batch):
                return


def _fused(item: tuple[int, bytes]) -> transforms.Sample:
    return transforms.decode_and_augment(*item)


def _decode(item: tuple[int, bytes]) -> tuple[int, bytes]:
    return transforms.decode(*item)


def _run_map_worker(inbox: TimedQueue, outbox: TimedQueue, task_stats: TaskStats, func) -> None:
    while (item := inbox.get()) is not None:
        t0 = time.monotonic()
        result = func(item)
        task_stats.record(time.monotonic() - t0)
        if not outbox.put(result):
            return


def sink_stage_index(config: LoaderConfig) -> int:
    """Index of the sink stage: after src, the map stage(s) and batch."""
    return 4 if config.is_split else 3
