"""A training loop over a simulated data loader, for measuring loader configurations.

Run: python3 examples/pipeline/train.py [--num-threads N] [--prefetch N] [--batch-size N]
     [--split-stages] [--loader-process] [--cache-batches N] [--steps N] [--duration-s S] [--seed N]

Prints [autoresearch] lines (cores, batch size, time to first batch, per-step timings) and, at
the end, per-stage statistics in SPDL's format. See examples/README.md.
"""

import argparse
import os
import sys
import time
import zlib

from loader import Batch, LoaderConfig
from sources import CachedSource, ProcessSource, ThreadSource

STEP_FIXED_MS = 8.0
"""Device time of a step that does not depend on batch size (optimizer, small kernels)."""

SAMPLE_MS = 0.3
"""Device time per sample in the batch."""

KERNEL_GROUPS = 8
"""Kernel-launch bursts per step; the host waits for the device between bursts."""

LAUNCH_ITERATIONS = 400
"""Python work per burst, standing for the host-side cost of launching kernels."""


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Training loop over a simulated data loader.")
    parser.add_argument("--num-threads", type=positive_int, default=16,
                        help="loader threads of the decode stage (default 16)")
    parser.add_argument("--prefetch", type=positive_int, default=1,
                        help="batches that may wait ready in the sink queue (default 1)")
    parser.add_argument("--batch-size", type=positive_int, default=8,
                        help="samples per training step (default 8)")
    parser.add_argument("--split-stages", action="store_true",
                        help="decode and augment as separate stages; augment on one thread")
    parser.add_argument("--loader-process", action="store_true",
                        help="run the loader in a subprocess, with its own GIL")
    parser.add_argument("--cache-batches", type=positive_int, default=None, metavar="N",
                        help="headspace mode: load N batches, then replay them")
    parser.add_argument("--steps", type=positive_int, default=200,
                        help="training steps to run (default 200)")
    parser.add_argument("--duration-s", type=positive_float, default=None,
                        help="also stop once this many seconds of training have passed")
    parser.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    return parser.parse_args(argv)


def report(text: str) -> None:
    print(f"[autoresearch] {text}", flush=True)


def cpu_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def launch_kernels() -> int:
    """Host-side Python work of one launch burst; holds the GIL."""
    acc = 0
    for i in range(LAUNCH_ITERATIONS):
        acc = (acc * 1103515245 + i) & 0xFFFF
    return acc


def train_step(batch: Batch) -> int:
    """One step: copy the batch to the device, then launch bursts and wait for the device."""
    checksum = zlib.crc32(batch.pixels)
    wait_s = (STEP_FIXED_MS + SAMPLE_MS * batch.size) / 1000 / KERNEL_GROUPS
    for _ in range(KERNEL_GROUPS):
        checksum ^= launch_kernels()
        time.sleep(wait_s)
    return checksum


def open_source(args: argparse.Namespace):
    config = LoaderConfig(
        seed=args.seed,
        batch_size=args.batch_size,
        num_threads=args.num_threads,
        prefetch=args.prefetch,
        is_split=args.split_stages,
    )
    source = ProcessSource(config) if args.loader_process else ThreadSource(config)
    return CachedSource(source, args.cache_batches) if args.cache_batches else source


def train(args: argparse.Namespace, source) -> None:
    loop_start_s = time.monotonic()
    for step in range(1, args.steps + 1):
        step_start_s = time.monotonic()
        batch = source.get()
        fetched_s = time.monotonic()
        if step == 1:
            report(f"ttfb_s={fetched_s - loop_start_s:.3f}")
        train_step(batch)
        done_s = time.monotonic()
        report(
            f"step={step} step_time_ms={(done_s - step_start_s) * 1e3:.2f} "
            f"fetch_time_ms={(fetched_s - step_start_s) * 1e3:.2f} "
            f"compute_time_ms={(done_s - fetched_s) * 1e3:.2f}"
        )
        if args.duration_s is not None and done_s - loop_start_s >= args.duration_s:
            return


def print_stage_stats(stats) -> None:
    ended_s = time.monotonic()
    for task_stats in stats.tasks:
        print(task_stats.line(), flush=True)
    for queue_stats in stats.queues:
        print(queue_stats.line(ended_s), flush=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    report(f"cpu_cores={cpu_cores()}")
    report(f"batch_size={args.batch_size}")
    source = open_source(args)
    train(args, source)
    print_stage_stats(source.close())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
