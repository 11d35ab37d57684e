"""Grader for numpy-readings.  numpy is preloaded (plan `preload`), so its import does not count.
The arrays' values (as plain floats, rounded where the order of float operations may differ) are
answers the judge compares with the reference solution's."""
import numpy as np

from memgrade_harness import answer, fail, memory, record, student, test

import readings

N_LOAD = 250000
N_RESCALE = 1000000


def _must_be_array(x, what, dtype=None):
    if not isinstance(x, np.ndarray):
        fail("%s returned a %s; it must return a numpy.ndarray." % (what, type(x).__name__))
    if dtype is not None and x.dtype != dtype:
        fail("%s returned an array of dtype %s; expected %s." % (what, x.dtype, np.dtype(dtype)))


def _sample(x, k=200):
    step = max(1, len(x) // k)
    return [round(float(v), 9) for v in x[::step]]


@test("load_readings builds a float64 array", points=1)
def _():
    m = student("solution")
    sensor = readings.draw()
    x = m.load_readings(readings.lines(1000, sensor), 1000)
    _must_be_array(x, "load_readings(lines, 1000)", np.float64)
    exp = np.array(readings.floats(1000, sensor))
    if x.shape != (1000,) or not np.allclose(x, exp):
        fail("load_readings(lines, 1000) has the wrong values (shape %r; first values %r, expected %r)."
             % (x.shape, x[:3].tolist(), exp[:3].tolist()))
    answer("values", [float(v) for v in x])


@test("load_readings does not go through a Python list", points=2)
def _():
    m = student("solution")
    sensor = readings.draw()
    m.load_readings(readings.lines(10, sensor), 10)
    res = memory.assert_peak_below(lambda: m.load_readings(readings.lines(N_LOAD, sensor), N_LOAD),
                                   relative_to_reference=2.5, absolute_mib=6,
                                   what="load_readings() of 250,000 readings")
    record(array_mib=round(N_LOAD * 8 / 1048576.0, 2))
    _must_be_array(res.retval, "load_readings()", np.float64)
    answer("sample", _sample(res.retval))


@test("rescale_inplace makes no temporary arrays", points=2)
def _():
    m = student("solution")
    x = readings.array(N_RESCALE, readings.draw())
    lo, hi = x.min(), x.max()
    exp_first = (x[:5] - lo) / (hi - lo)
    res = memory.assert_peak_below(lambda: m.rescale_inplace(x), absolute_mib=2,
                                   what="rescale_inplace() of 1,000,000 floats (7.6 MiB)")
    if res.retval is not None and res.retval is not x:
        fail("rescale_inplace(x) returned a new array: it must change x itself and return x (or None).")
    if not np.allclose(x[:5], exp_first) or abs(float(x.min())) > 1e-12 or abs(float(x.max()) - 1.0) > 1e-12:
        fail("after rescale_inplace(x), x should run from 0.0 to 1.0 (got min %r, max %r)." % (float(x.min()), float(x.max())))
    answer("sample", _sample(x))


@test("compact stores 4 bytes per reading", points=1, hidden=True)
def _():
    m = student("solution")
    x = np.array(readings.floats(1000, readings.draw()))
    y = m.compact(x)
    _must_be_array(y, "compact(x)", np.float32)
    assert y.nbytes == 4 * len(x), "compact(x).nbytes should be 4 bytes per reading (%d), got %d" % (4 * len(x), y.nbytes)
    assert np.allclose(y, x, rtol=1e-6), "compact(x) must keep the values (to float32 precision)"
    answer("compact", [int(y.nbytes), [float(v) for v in y]])


def _int(v):
    return int(v) if type(v) is int or isinstance(v, np.integer) else None


@test("bytes_per_reading compares list and array", points=1, hidden=True)
def _():
    m = student("solution")
    got = m.bytes_per_reading()
    if not isinstance(got, dict) or set(got) != {"list", "array"}:
        fail("bytes_per_reading() must return {'list': …, 'array': …}, got %r" % (got,))
    assert got["array"] == 8, "a float64 array costs 8 bytes per reading; bytes_per_reading()['array'] is %r" % got["array"]
    assert got["list"] == 32, ("a list of distinct floats costs a pointer (8 bytes) plus a float object (24 bytes) per "
                               "reading; bytes_per_reading()['list'] is %r" % got["list"])
    answer("bytes", {"list": _int(dict.get(got, "list")), "array": _int(dict.get(got, "array"))})
