"""The statistics are computed up front — but the inner function still mentions `samples`
(for a sanity check), so the closure keeps the whole list alive."""
import math


def make_scaler(samples):
    n = len(samples)
    mean = sum(samples) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in samples) / n)

    def scale(x):
        if not samples:
            raise ValueError("no samples")
        return (x - mean) / std

    return scale


def collect(record, batch=None):
    if batch is None:
        batch = []
    batch.append(record)
    return batch
