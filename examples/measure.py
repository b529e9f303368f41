"""Measures the example pipeline: defaults, the best configuration found, and the seed runs.

Run from the repository root: python3 examples/measure.py [--repeats 3] [--duration-s 4]

Each configuration runs --repeats times, interleaved so that drift in machine load spreads
over all of them. Prints a markdown table of median throughput (samples/s) with its spread,
steady step time, and speedup over the defaults.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TRAIN_SCRIPT = Path(__file__).resolve().parent / "pipeline" / "train.py"

WARMUP_FRACTION = 0.1
"""Share of the first steps left out of steady-state figures (at least MIN_WARMUP_STEPS)."""

MIN_WARMUP_STEPS = 5

BEST_FLAGS = ["--loader-process", "--num-threads", "3", "--prefetch", "4", "--batch-size", "64"]
"""The best configuration found by a hand sweep; see examples/README.md."""

BEST_IN_PROCESS_FLAGS = ["--num-threads", "3", "--prefetch", "4", "--batch-size", "64"]
"""The same knobs with the loader on threads of the training process."""

CONFIGURATIONS = [
    ("defaults", []),
    ("best found", BEST_FLAGS),
    ("best knobs, loader in-process", BEST_IN_PROCESS_FLAGS),
    ("subprocess seed", ["--loader-process"]),
    ("headspace (defaults)", ["--cache-batches", "8"]),
    ("headspace (best)", BEST_FLAGS + ["--cache-batches", "8"]),
]

BATCH_SIZE = re.compile(r"^\[autoresearch\] batch_size=(\d+)$")
STEP = re.compile(
    r"^\[autoresearch\] step=(\d+) step_time_ms=([0-9.]+) "
    r"fetch_time_ms=([0-9.]+) compute_time_ms=([0-9.]+)$"
)


@dataclass(frozen=True)
class RunResult:
    """Steady-state figures of one run."""

    throughput_samples_per_s: float
    steady_step_time_ms: float
    wall_s: float


def parse_run(stdout: str, wall_s: float) -> RunResult:
    """Reads batch size and step times from the [autoresearch] lines of one run."""
    batch_size, step_times_ms = None, []
    for line in stdout.splitlines():
        if match := BATCH_SIZE.match(line):
            batch_size = int(match[1])
        elif match := STEP.match(line):
            step_times_ms.append(float(match[2]))
    if batch_size is None or len(step_times_ms) <= MIN_WARMUP_STEPS:
        raise ValueError(f"expected batch_size and more than {MIN_WARMUP_STEPS} step lines")

    # Throughput over all steady steps (not 1/median), so slow steps count as they cost.
    warmup = max(MIN_WARMUP_STEPS, int(len(step_times_ms) * WARMUP_FRACTION))
    steady_ms = step_times_ms[warmup:]
    return RunResult(
        throughput_samples_per_s=batch_size * len(steady_ms) / (sum(steady_ms) / 1000),
        steady_step_time_ms=statistics.median(steady_ms),
        wall_s=wall_s,
    )


MAX_STEPS = 100_000
"""Step limit high enough that --duration-s ends every run, whatever its step time."""


def run_once(flags: list[str], duration_s: float) -> RunResult:
    limits = ["--steps", str(MAX_STEPS), "--duration-s", str(duration_s)]
    command = [sys.executable, str(TRAIN_SCRIPT), *limits, *flags]
    started_s = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-500:]}")
    return parse_run(done.stdout, time.monotonic() - started_s)


def spread(values: list[float]) -> str:
    median = statistics.median(values)
    half_range = (max(values) - min(values)) / 2
    return f"{median:.0f} ± {half_range:.0f} ({100 * half_range / median:.0f}%)"


def table(results: dict[str, list[RunResult]]) -> list[str]:
    base = statistics.median(r.throughput_samples_per_s for r in results["defaults"])
    rows = [
        "| configuration | flags | throughput (samples/s), median ± half-range | "
        "steady step time (ms) | speedup vs defaults | run wall time (s) |",
        "|---|---|---|---|---|---|",
    ]
    for name, flags in CONFIGURATIONS:
        runs = results[name]
        throughputs = [r.throughput_samples_per_s for r in runs]
        step_ms = statistics.median(r.steady_step_time_ms for r in runs)
        wall_s = statistics.median(r.wall_s for r in runs)
        shown_flags = f"`{' '.join(flags)}`" if flags else "(none)"
        rows.append(
            f"| {name} | {shown_flags} | {spread(throughputs)} | {step_ms:.1f} | "
            f"{statistics.median(throughputs) / base:.2f}× | {wall_s:.1f} |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per configuration (default 3)")
    parser.add_argument(
        "--duration-s", type=float, default=4.0, help="training time per run (default 4)"
    )
    args = parser.parse_args()

    results: dict[str, list[RunResult]] = {name: [] for name, _ in CONFIGURATIONS}
    for repeat in range(args.repeats):
        for name, flags in CONFIGURATIONS:
            results[name].append(run_once(flags, args.duration_s))
        print(f"repeat {repeat + 1}/{args.repeats} done", file=sys.stderr, flush=True)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    cores = os.cpu_count()
    print(f"{args.repeats} runs each, {args.duration_s:g} s of training per run, {cores} cores")
    print(f"load average after the runs: {load}\n")
    print("\n".join(table(results)))

    best = statistics.median(r.throughput_samples_per_s for r in results["best found"])
    base = statistics.median(r.throughput_samples_per_s for r in results["defaults"])
    verdict = "met" if best >= 2 * base else "NOT met"
    print(f"\nTarget (best ≥ 2× defaults' throughput): {verdict} ({best / base:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
