"""Closures that capture only what they need, and no mutable default arguments."""
import math


def make_scaler(samples):
    """A function x -> (x - mean) / std of `samples` (population standard deviation)."""
    n = len(samples)
    mean = sum(samples) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in samples) / n)

    def scale(x):
        return (x - mean) / std      # captures two floats, not the list

    return scale


def collect(record, batch=None):
    """Append record to batch (a new list if none is given) and return the batch."""
    if batch is None:
        batch = []                   # a fresh list per call, not one shared default
    batch.append(record)
    return batch
