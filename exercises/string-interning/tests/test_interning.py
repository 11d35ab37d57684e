"""Grader for string-interning: sharing is checked by identity (id), sizes with tracemalloc.
The rows' values are answers the judge compares with the reference solution's."""
from memgrade_harness import answer, fail, memory, record, student, test

import data

LIMIT = 100          # bytes per row: shared strings ≈ 64 (a 3-slot Row + a list slot), unshared ≈ 190


def _rows(m, n, layout):
    rows = m.load_rows(data.lines(n, layout))
    if type(rows) is not list or len(rows) != n:
        fail("load_rows() should return a list of %d rows for %d lines." % (n, n))
    return rows


@test("rows hold the right values", points=1)
def _():
    m = student("solution")
    layout = data.draw()
    got = [(r.country, r.city, r.amount) for r in _rows(m, 500, layout)]
    for i, (g, e) in enumerate(zip(got, data.expected(500, layout))):
        if g != e:
            fail("row %d is %r; expected %r (the city in title case, the amount an int)." % (i, g, e))
    answer("rows", got)


@test("equal strings are one object", points=2)
def _():
    m = student("solution")
    layout = data.draw()
    rows = _rows(m, 5000, layout)
    countries = len({id(r.country) for r in rows})
    cities = len({id(r.city) for r in rows})
    distinct = (len({r.country for r in rows}), len({r.city for r in rows}))
    record(country_objects=countries, city_objects=cities)
    if (countries, cities) != distinct:
        fail("5,000 rows hold %d different country string objects (%d distinct values) and %d city objects "
             "(%d distinct values): equal strings should be one shared object."
             % (countries, distinct[0], cities, distinct[1]))
    answer("objects", [countries, cities])


@test("a row costs at most 100 bytes", points=2, hidden=True)
def _():
    m = student("solution")
    layout = data.draw()
    _rows(m, 100, layout)
    res = memory.measure(lambda: m.load_rows(data.lines(20000, layout)), method="tracemalloc", top=0)
    per_row = res.retained_mib * 1048576 / 20000
    record(bytes_per_row=round(per_row, 1))
    if per_row > LIMIT:
        fail("each row keeps %.0f bytes alive; the limit is %d." % (per_row, LIMIT))
    rows = res.retval if type(res.retval) is list else []
    answer("rows", [len(rows)] + [(r.country, r.city, r.amount) for r in rows[::1000]])


@test("values read in separate calls are shared too", points=1, hidden=True)
def _():
    m = student("solution")
    layout = data.draw()
    a = _rows(m, 50, layout)
    b = _rows(m, 50, layout)
    assert a[3].country is b[3].country and a[3].city is b[3].city, (
        "two load_rows() calls should share their strings as well")
    answer("row", (b[3].country, b[3].city, b[3].amount))
