"""Grader for lru-cache-bounds.  Regions, days and portfolios come from `rng` (seeded afresh
every run); what the student's code returns is `answer`ed to the judge, which compares it with
the reference solution's answers."""
from memgrade_harness import answer, fail, memory, record, refcount, rng, student, test

import shared

REGIONS = ("north", "south", "east", "west")


@test("reports are cached", points=1)
def _():
    m = student("solution")
    region, day = rng.choice(REGIONS), rng.randint(0, 999)
    a = m.render_report(region, day)
    b = m.render_report(region, day)
    start = "Report for %s, day %d" % (region, day)
    assert isinstance(a, str) and a.startswith(start), (
        "render_report(%r, %d) should return the report text starting with %r" % (region, day, start))
    assert len(a) >= 2000, "render_report() should return the full report (at least 2,000 characters)"
    assert a is b, ("calling render_report(%r, %d) twice built the report twice: the second call should "
                    "return the cached report (the same object)" % (region, day))
    answer("report", a)


@test("the report cache is bounded", points=2)
def _():
    m = student("solution")
    m.render_report("south", 0)

    def many():
        for day in range(1000):
            m.render_report(REGIONS[day % 4], 1000 + day)

    res = memory.measure(many, method="tracemalloc", top=0)
    region, day = rng.choice(REGIONS), rng.randint(0, 999)
    answer("report", m.render_report(region, day))
    kept = res.retained_mib
    record(retained_after_1000_reports_mib=round(kept, 3))
    if kept > 1.5:
        fail("after 1,000 different reports, %.1f MiB are still held (a report is ≈ 2.7 KiB): the cache keeps every "
             "report for ever. Keep at most 256 (functools.lru_cache(maxsize=256)); the limit is 1.5 MiB." % kept)


@test("a portfolio is freed when its owner drops it", points=2)
def _():
    m = student("solution")

    def value(p):
        return p.value()
    value.__qualname__ = "Portfolio.value"
    base = rng.randint(0, 1000)
    res = refcount.count_leaks(value, calls=100, make=shared.make_portfolio(m, base=base))
    res.pop("example", None)
    record(**res)
    if res["leaked"]:
        fail("%d of 100 portfolios are still alive after their last user dropped them, because value() was called "
             "on them. A functools.lru_cache on a method keys its cache by `self`, so it keeps every portfolio it "
             "has seen alive (up to maxsize). Cache the value on the portfolio itself instead." % res["leaked"])


@test("each portfolio is valued once", points=1, hidden=True)
def _():
    m = student("solution")
    i = rng.randint(0, 1000)
    p = shared.make_portfolio(m)(i)
    before = m.valuations
    v1 = p.value()
    v2 = p.value()
    assert v1 == v2 == shared.expected_value(i), "value() should be the sum of quantity × price (%r), got %r" % (
        shared.expected_value(i), v1)
    answer("value", v1)
    answer("valuations", m.valuations - before)
    assert m.valuations - before == 1, "value() computed the valuation %d times for two calls; it should compute it once" % (
        m.valuations - before)


@test("clear_caches empties the report cache", points=1, hidden=True)
def _():
    m = student("solution")
    region, day = rng.choice(REGIONS), rng.randint(0, 999)
    old = m.render_report(region, day)
    m.clear_caches()
    new = m.render_report(region, day)
    assert new == old and new is not old, (
        "after clear_caches(), render_report(%r, %d) should build a fresh report" % (region, day))
    answer("report", new)
