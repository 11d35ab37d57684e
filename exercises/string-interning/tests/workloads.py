"""Out-of-process workload: n rows loaded and kept (≈ 64 bytes per row shared, ≈ 190 unshared)."""
from memgrade_harness import student

import data


def check_shared_across_calls(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    m = student("solution")
    a = m.load_rows(data.lines(50))
    b = m.load_rows(data.lines(50))
    if not (a[3].country is b[3].country and a[3].city is b[3].city):
        raise AssertionError("two load_rows() calls do not share their strings")


def load(n):
    rows = student("solution").load_rows(data.lines(n))
    del rows
