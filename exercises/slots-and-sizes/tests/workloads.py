"""Out-of-process workloads: n instances kept alive in a list (peak RSS ≈ n × instance size);
each returns sums of the kept instances' attributes, which the judge compares with the reference
solution's (small ints: no memory of their own)."""
from memgrade_harness import rng, student

import sizecheck


def _sums(keep, names):
    return [sum(getattr(p, name) for p in keep) for name in names]


def pixels(n):
    m = student("solution")
    x, y, g, b = (rng.randint(0, 255) for _ in range(4))
    keep = [None] * n
    for i in range(n):
        keep[i] = m.Pixel(x, y, i & 255, g, b)
    return _sums(keep, ("x", "y", "r", "g", "b"))


def alpha_pixels(n):
    m = student("solution")
    x, y, r, g, b = (rng.randint(0, 255) for _ in range(5))
    keep = [None] * n
    for i in range(n):
        keep[i] = m.AlphaPixel(x, y, r, g, b, i & 255)
    return _sums(keep, ("x", "y", "r", "g", "b", "a"))


def check_slots(n):
    from memgrade_harness import sizes
    m = student("solution")
    v = [rng.randint(0, 255) for _ in range(5)]
    p = m.Pixel(*v)
    sizes.assert_uses_slots(m.Pixel, sample=p)
    return [p.x, p.y, p.r, p.g, p.b]


def check_total_size(n):
    return sizecheck.total_size_problems(student("solution").total_size)[1]
