"""Per-sample work of the loader: decode (mostly GIL-free) and augment (GIL-bound)."""

import hashlib
import zlib
from dataclasses import dataclass

AUGMENT_STRIDE = 12
"""Augment visits one byte in this many with Python code, as hand-written preprocessing does."""


@dataclass(frozen=True)
class Sample:
    """A decoded, augmented sample: what a model would consume."""

    index: int
    pixels: bytes
    mean: float
    label: int


def decode(index: int, blob: bytes) -> tuple[int, bytes]:
    """Decompresses a sample and checks its integrity.

    zlib and hashlib release the GIL on buffers this large, so several decode threads run
    in parallel on several cores.
    """
    raw = zlib.decompress(blob)
    hashlib.sha256(raw).digest()
    return index, raw


def augment(decoded: tuple[int, bytes]) -> Sample:
    """Normalizes and jitters a decoded sample in pure Python.

    This holds the GIL for its whole duration, like the pure-Python transforms of many
    real loaders, so it does not speed up with more threads.
    """
    index, raw = decoded
    total = 0
    histogram = [0] * 16
    for value in raw[::AUGMENT_STRIDE]:
        total += value
        histogram[value >> 4] += 1
    mean = total / (len(raw) // AUGMENT_STRIDE)
    shift = (index * 7) % 5
    table = bytes(min(255, (b + shift)) for b in range(256))
    label = histogram.index(max(histogram))
    return Sample(index=index, pixels=raw.translate(table), mean=mean, label=label)


def decode_and_augment(index: int, blob: bytes) -> Sample:
    """Both steps fused into one task, as a single map function would do them."""
    return augment(decode(index, blob))
