"""Synthetic dataset of zlib-compressed samples, deterministic from a seed."""

import random
import zlib

SAMPLE_BYTES = 48 * 1024
"""Size of one decoded sample (a small image-like record)."""

NUM_DISTINCT_SAMPLES = 128
"""Distinct samples kept in memory; the dataset cycles over them."""


def _make_raw_sample(rng: random.Random) -> bytes:
    # Smooth rows with a little noise compress about 3:1, like real media:
    # enough work for zlib to matter, small enough to build quickly.
    row = bytes(rng.randrange(256) for _ in range(256))
    noise = rng.randbytes(SAMPLE_BYTES // 4)
    rows = bytearray()
    while len(rows) < SAMPLE_BYTES:
        rows += row
        row = row[1:] + row[:1]
    rows[::4] = noise[: len(rows[::4])]
    return bytes(rows[:SAMPLE_BYTES])


class SyntheticDataset:
    """An endless sequence of compressed samples.

    Sample i is the compressed form of distinct sample i % NUM_DISTINCT_SAMPLES; the same
    seed always yields the same bytes.
    """

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self._blobs = [zlib.compress(_make_raw_sample(rng), 6) for _ in range(NUM_DISTINCT_SAMPLES)]

    def __getitem__(self, index: int) -> bytes:
        return self._blobs[index % len(self._blobs)]

    def __len__(self) -> int:
        return len(self._blobs)
