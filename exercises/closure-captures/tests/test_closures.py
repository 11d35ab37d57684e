"""Grader for closure-captures.  Samples and records come from `rng` (seeded afresh every run);
what the student's code returns is `answer`ed to the judge, which compares it with the reference
solution's answers (floats rounded to 9 decimals, so that any correct formula agrees)."""
import math

from memgrade_harness import ProbeList, answer, fail, record, refcount, rng, student, test


def _samples(i, n=50, base=0):
    return ProbeList(float(((base + i) * 7 + k * 13) % 101) for k in range(n))


def _expected_scale(samples, x):
    mean = sum(samples) / len(samples)
    std = math.sqrt(sum((v - mean) ** 2 for v in samples) / len(samples))
    return (x - mean) / std


@test("scalers compute the right values", points=1)
def _():
    m = student("solution")
    s = ProbeList(float(rng.randint(0, 100)) for _ in range(rng.randint(5, 50)))
    s.append(s[0] + 1.0)                          # never all equal
    f = m.make_scaler(s)
    for x in (0.0, float(rng.randint(1, 99)), 100.0):
        got = f(x)
        exp = _expected_scale(s, x)
        if not isinstance(got, float) or abs(got - exp) > 1e-9:
            fail("make_scaler(samples)(%r) returned %r; expected %r ((x - mean) / population standard deviation)."
                 % (x, got, exp))
        answer("scale(%r)" % x, round(got, 9))


@test("a scaler does not keep its samples alive", points=2)
def _():
    m = student("solution")
    scalers = []                                  # the grader keeps every scaler alive

    def make_scaler(samples):
        scalers.append(m.make_scaler(samples))
    make_scaler.__qualname__ = "make_scaler"
    base = rng.randint(0, 1000)
    res = refcount.count_leaks(make_scaler, calls=50, make=lambda i: _samples(i, base=base))
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
    last = scalers[-1]                            # built from the last call's list
    assert abs(last(50.0) - _expected_scale(_samples(49, base=base), 50.0)) < 1e-9, (
        "a scaler gave a different value once its sample list was gone")
    answer("scale(50.0)", round(last(50.0), 9))


@test("collect does not keep records by default", points=2)
def _():
    m = student("solution")
    refcount.assert_no_leak(m.collect, calls=100)


@test("collect appends to a batch given by the caller", points=1, hidden=True)
def _():
    m = student("solution")
    first = rng.token()
    batch = [first]
    a, b = rng.token(), rng.token()
    r = m.collect(a, batch)
    assert r is batch and batch == [first, a], "collect(record, batch) must append to the caller's batch and return it"
    one = m.collect(b)
    two = m.collect(a)
    assert one == [b] and two == [a] and one is not two, (
        "collect(record) without a batch must return a new one-element list each time (got %r then %r)" % (one, two))
    answer("batch", batch)
    answer("one", one)
    answer("two", two)


@test("a scaler ignores later changes to its samples", points=1, hidden=True)
def _():
    m = student("solution")
    low, step = rng.randint(-50, 50), rng.randint(1, 9)
    s = [float(low), float(low + step), float(low + 2 * step)]
    mid = s[1]
    f = m.make_scaler(s)
    before, below = f(mid), f(s[0])
    s.append(1000.0)
    s[0] = -50.0
    assert f(mid) == before == 0.0, ("make_scaler(%r)(%r) should be 0.0 and stay 0.0 after the caller changed the "
                                     "list: the scaler should use the statistics of the samples it was built from"
                                     % ([low, low + step, low + 2 * step], mid))
    answer("at the mean", f(mid))
    answer("below, then after the change", [round(below, 9), round(f(float(low)), 9)])
