"""Out-of-process workloads.  Each returns what the student's rows hold, so the judge sees the work
was done: n rows loaded and kept (≈ 64 bytes per row shared, ≈ 190 unshared); two calls sharing."""
import hashlib as _hashlib

from memgrade_harness import student

import data


def _digest(rows):
    h = _hashlib.sha256()
    for r in rows:
        h.update(("%s,%s,%d\n" % (r.country, r.city, r.amount)).encode())
    return [len(rows), h.hexdigest()]


def check_shared_across_calls(n):
    m = student("solution")
    layout = data.draw()
    a = m.load_rows(data.lines(50, layout))
    b = m.load_rows(data.lines(50, layout))
    shared = all(x.country is y.country and x.city is y.city for x, y in zip(a, b))
    return [shared, _digest(b)]


def load(n):
    rows = student("solution").load_rows(data.lines(n, data.draw()))
    return _digest(rows)
