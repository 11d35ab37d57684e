"""Grader for string-interning: sharing is checked by identity (id), sizes with tracemalloc."""
from memgrade_harness import fail, memory, record, student, test

import data

LIMIT = 100          # bytes per row: shared strings ≈ 64 (a 3-slot Row + a list slot), unshared ≈ 190


def _rows(m, n):
    rows = m.load_rows(data.lines(n))
    if len(rows) != n:
        fail("load_rows() returned %d rows for %d lines." % (len(rows), n))
    return rows


@test("rows hold the right values", points=1)
def _():
    m = student("solution")
    rows = _rows(m, 500)
    got = [(r.country, r.city, r.amount) for r in rows]
    exp = data.expected(500)
    for i, (g, e) in enumerate(zip(got, exp)):
        if g != e:
            fail("row %d is %r; expected %r (the city in title case, the amount an int)." % (i, g, e))


@test("equal strings are one object", points=2)
def _():
    m = student("solution")
    rows = _rows(m, 5000)
    countries = len({id(r.country) for r in rows})
    cities = len({id(r.city) for r in rows})
    record(country_objects=countries, city_objects=cities)
    if countries > 30 or cities > 210:
        fail("5,000 rows hold %d different country string objects (30 distinct values) and %d city objects "
             "(210 distinct values): equal strings should be one shared object." % (countries, cities))


@test("a row costs at most 100 bytes", points=2, hidden=True)
def _():
    m = student("solution")
    _rows(m, 100)
    res = memory.measure(lambda: m.load_rows(data.lines(20000)), method="tracemalloc", top=0)
    per_row = res.retained_mib * 1048576 / 20000
    record(bytes_per_row=round(per_row, 1))
    if per_row > LIMIT:
        fail("each row keeps %.0f bytes alive; the limit is %d." % (per_row, LIMIT))


@test("values read in separate calls are shared too", points=1, hidden=True)
def _():
    m = student("solution")
    a = _rows(m, 50)
    b = _rows(m, 50)
    assert a[3].country is b[3].country and a[3].city is b[3].city, (
        "two load_rows() calls should share their strings as well")
