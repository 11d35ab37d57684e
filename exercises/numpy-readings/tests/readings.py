"""Sensor readings as text lines, produced lazily, from parameters drawn from this run's rng."""
from memgrade_harness import rng


def draw():
    """This run's sensor: (start, base, step)."""
    return rng.randint(0, 10 ** 6), rng.randint(-30, 40), rng.choice([0.01, 0.02, 0.05])


def reading(i, sensor=(0, 20, 0.01)):
    start, base, step = sensor
    k = start + i
    return round(base + (k % 1000) * step - (k % 7) * 0.5, 2)


def lines(n, sensor):
    return ("%.2f\n" % reading(i, sensor) for i in range(n))


def floats(n, sensor):
    return [float("%.2f" % reading(i, sensor)) for i in range(n)]


def array(n, sensor):
    """The first n readings as a float64 array, built without a Python list."""
    import numpy as np
    start, base, step = sensor
    k = start + np.arange(n)
    return np.round(base + (k % 1000) * step - (k % 7) * 0.5, 2)
