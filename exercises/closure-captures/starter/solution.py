"""A scaler factory and a batch collector.  Both keep far more alive than they should
(see statement.md)."""
import math


def make_scaler(samples):
    def scale(x):
        mean = sum(samples) / len(samples)
        std = math.sqrt(sum((v - mean) ** 2 for v in samples) / len(samples))
        return (x - mean) / std

    return scale


def collect(record, batch=[]):
    batch.append(record)
    return batch
