"""Out-of-process workloads: n instances kept alive in a list (peak RSS ≈ n × instance size)."""
from memgrade_harness import student

import sizecheck


def pixels(n):
    m = student("solution")
    keep = [None] * n
    for i in range(n):
        keep[i] = m.Pixel(1, 2, 3, 4, 5)


def alpha_pixels(n):
    m = student("solution")
    keep = [None] * n
    for i in range(n):
        keep[i] = m.AlphaPixel(1, 2, 3, 4, 5, 6)


def check_slots(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    from memgrade_harness import sizes
    m = student("solution")
    sizes.assert_uses_slots(m.Pixel, sample=m.Pixel(1, 2, 3, 4, 5))


def check_total_size(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    bad = sizecheck.total_size_problems(student("solution").total_size)
    if bad:
        raise AssertionError("total_size differs: %s" % bad)
