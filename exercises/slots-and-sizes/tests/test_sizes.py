"""Grader for slots-and-sizes.  Instance sizes are measured with tracemalloc over 1,000
instances (exact, and robust across 3.11-3.13, where sys.getsizeof hides instance dicts)."""
from memgrade_harness import fail, record, sizes, student, test

import sizecheck

PIXEL_LIMIT = 90         # bytes: __slots__ 72, __dict__ 107-115 (3.11-3.13)
ALPHA_LIMIT = 96         # bytes: __slots__ 80, __dict__ in the subclass 116-432


@test("Pixel uses __slots__", points=1)
def _():
    m = student("solution")
    p = m.Pixel(1, 2, 3, 4, 5)
    assert (p.x, p.y, p.r, p.g, p.b) == (1, 2, 3, 4, 5), "Pixel(1, 2, 3, 4, 5) must have x, y, r, g, b = 1, 2, 3, 4, 5"
    sizes.assert_uses_slots(m.Pixel, sample=p)
    try:
        p.z = 1
    except AttributeError:
        pass
    else:
        fail("a Pixel accepted a new attribute `z`: with __slots__ (and no __dict__) it should raise AttributeError")


@test("a Pixel costs at most 90 bytes", points=2)
def _():
    m = student("solution")
    sizes.assert_instance_size_below(lambda i: m.Pixel(1, 2, 3, 4, 5), PIXEL_LIMIT, what="Pixel")


@test("total_size counts each object once", points=2)
def _():
    m = student("solution")
    bad = sizecheck.total_size_problems(m.total_size)
    record(wrong_structures=len(bad))
    if bad:
        fail("total_size() differs from the expected deep size for %d of %d structures: %s. Count sys.getsizeof of "
             "every reachable object exactly once (remember ids of objects already counted)."
             % (len(bad), len(sizecheck.structures()), "; ".join(bad)))


@test("AlphaPixel keeps the savings", points=2, hidden=True)
def _():
    m = student("solution")
    a = m.AlphaPixel(1, 2, 3, 4, 5, 6)
    assert isinstance(a, m.Pixel) and a.a == 6 and a.x == 1, "AlphaPixel(1, 2, 3, 4, 5, 6) must be a Pixel with a = 6"
    sizes.assert_uses_slots(m.AlphaPixel, sample=a)
    sizes.assert_instance_size_below(lambda i: m.AlphaPixel(1, 2, 3, 4, 5, 6), ALPHA_LIMIT, what="AlphaPixel")


@test("getsizeof of a Pixel", points=1, hidden=True)
def _():
    m = student("solution")
    got = m.pixel_getsizeof()
    exp = sizes.getsizeof(m.Pixel(1, 2, 3, 4, 5))
    assert got == exp, "pixel_getsizeof() returned %r; sys.getsizeof of a Pixel is %d here" % (got, exp)
