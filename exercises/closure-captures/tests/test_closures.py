"""Grader for closure-captures."""
import math

from memgrade_harness import Probe, ProbeList, fail, record, refcount, student, test


def _samples(i, n=50):
    return ProbeList(float((i * 7 + k * 13) % 101) for k in range(n))


def _expected_scale(samples, x):
    mean = sum(samples) / len(samples)
    std = math.sqrt(sum((v - mean) ** 2 for v in samples) / len(samples))
    return (x - mean) / std


@test("scalers compute the right values", points=1)
def _():
    m = student("solution")
    s = _samples(3)
    f = m.make_scaler(s)
    for x in (0.0, 50.0, 100.0):
        got = f(x)
        exp = _expected_scale(s, x)
        if not isinstance(got, float) or abs(got - exp) > 1e-9:
            fail("make_scaler(samples)(%r) returned %r; expected %r ((x - mean) / population standard deviation)."
                 % (x, got, exp))


@test("a scaler does not keep its samples alive", points=2)
def _():
    m = student("solution")
    scalers = []                                  # the grader keeps every scaler alive

    def make_scaler(samples):
        scalers.append(m.make_scaler(samples))
    make_scaler.__qualname__ = "make_scaler"
    res = refcount.count_leaks(make_scaler, calls=50, make=_samples)
    res.pop("example", None)
    record(**res)
    if res["leaked"]:
        f = scalers[0]
        names = [n for n, c in zip(getattr(f.__code__, "co_freevars", ()), f.__closure__ or ())
                 if isinstance(getattr(c, "cell_contents", None), list)]
        where = (" (closure variable %s)" % ", ".join("`%s`" % n for n in names)) if names else ""
        fail("%d of 50 sample lists are still alive while their scalers live: the function returned by "
             "make_scaler() keeps the whole list%s. Compute what the scaler needs (two floats) before you define "
             "it, and do not mention the list inside it." % (res["leaked"], where))
    last = scalers[-1]                            # built from _samples(49), the last call's list
    assert abs(last(50.0) - _expected_scale(_samples(49), 50.0)) < 1e-9, (
        "a scaler gave a different value once its sample list was gone")


@test("collect does not keep records by default", points=2)
def _():
    m = student("solution")
    refcount.assert_no_leak(m.collect, calls=100)


@test("collect appends to a batch given by the caller", points=1, hidden=True)
def _():
    m = student("solution")
    batch = []
    a, b = Probe(1), Probe(2)
    r = m.collect(a, batch)
    assert r is batch and batch == [a], "collect(record, batch) must append to the caller's batch and return it"
    one = m.collect(b)
    two = m.collect(a)
    assert one == [b] and two == [a] and one is not two, (
        "collect(record) without a batch must return a new one-element list each time (got %r then %r)" % (one, two))


@test("a scaler ignores later changes to its samples", points=1, hidden=True)
def _():
    m = student("solution")
    s = [1.0, 2.0, 3.0]
    f = m.make_scaler(s)
    before = f(2.0)
    s.append(1000.0)
    s[0] = -50.0
    assert f(2.0) == before == 0.0, ("make_scaler([1, 2, 3])(2.0) should be 0.0 and stay 0.0 after the caller "
                                     "changed the list: the scaler should use the statistics of the samples it was built from")
