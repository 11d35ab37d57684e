"""Out-of-process workloads for numpy-readings (numpy is imported by the student's module in
both the baseline and the amplified run, so its cost cancels out)."""
import numpy as np

from memgrade_harness import student

import readings


def load(n):
    m = student("solution")
    x = m.load_readings(readings.lines(n), n)
    del x


def check_compact(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    m = student("solution")
    x = np.array([readings.reading(i) for i in range(1000)])
    y = m.compact(x)
    if not isinstance(y, np.ndarray) or y.dtype != np.float32 or y.nbytes != 4 * len(x) or not np.allclose(y, x, rtol=1e-6):
        raise AssertionError("compact(x) is not a float32 copy of x")


def rescale(n):
    m = student("solution")
    x = np.linspace(-5.0, 5.0, n)
    m.rescale_inplace(x)
    del x
