"""Out-of-process workloads for numpy-readings (numpy is imported by the student's module in
both the baseline and the amplified run, so its cost cancels out).  Each returns a sample of the
student's array (no copy of it), which the judge compares with the reference solution's."""
import numpy as np

from memgrade_harness import student

import readings


def _sample(x, k=200):
    step = max(1, len(x) // k)
    return [len(x), [round(float(v), 9) for v in x[::step]]]


def load(n):
    m = student("solution")
    return _sample(m.load_readings(readings.lines(n, readings.draw()), n))


def check_compact(n):
    m = student("solution")
    x = np.array(readings.floats(1000, readings.draw()))
    y = m.compact(x)
    return [str(y.dtype), int(y.nbytes), [float(v) for v in y[::10]]]


def rescale(n):
    m = student("solution")
    lo = float(readings.draw()[1])
    x = np.linspace(lo, lo + 10.0, n)
    m.rescale_inplace(x)
    return _sample(x)
