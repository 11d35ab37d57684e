"""Grader for slots-and-sizes.  Instance sizes are measured with tracemalloc over 1,000
instances (exact, and robust across 3.11-3.13, where sys.getsizeof hides instance dicts).
Attribute values, total sizes and getsizeof are answers the judge compares with the reference
solution's."""
from memgrade_harness import answer, fail, record, rng, sizes, student, test

import sizecheck

PIXEL_LIMIT = 90         # bytes: __slots__ 72, __dict__ 107-115 (3.11-3.13)
ALPHA_LIMIT = 96         # bytes: __slots__ 80, __dict__ in the subclass 116-432


def _values(k):
    return tuple(rng.randint(0, 255) for _ in range(k))


@test("Pixel uses __slots__", points=1)
def _():
    m = student("solution")
    v = _values(5)
    p = m.Pixel(*v)
    assert (p.x, p.y, p.r, p.g, p.b) == v, "Pixel%r must have x, y, r, g, b = %s" % (v, ", ".join(map(str, v)))
    answer("fields", (p.x, p.y, p.r, p.g, p.b))
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
    v = _values(5)
    sizes.assert_instance_size_below(lambda i: m.Pixel(*v), PIXEL_LIMIT, what="Pixel")
    p = m.Pixel(*v)
    answer("fields", (p.x, p.y, p.r, p.g, p.b))


@test("total_size counts each object once", points=2)
def _():
    m = student("solution")
    bad, got = sizecheck.total_size_problems(m.total_size)
    record(wrong_structures=len(bad))
    if bad:
        fail("total_size() differs from the expected deep size for %d of %d structures: %s. Count sys.getsizeof of "
             "every reachable object exactly once (remember ids of objects already counted)."
             % (len(bad), len(got), "; ".join(bad)))
    answer("sizes", got)


@test("AlphaPixel keeps the savings", points=2, hidden=True)
def _():
    m = student("solution")
    v = _values(6)
    a = m.AlphaPixel(*v)
    assert isinstance(a, m.Pixel) and a.a == v[5] and a.x == v[0], \
        "AlphaPixel%r must be a Pixel with a = %d" % (v, v[5])
    answer("fields", (a.x, a.y, a.r, a.g, a.b, a.a))
    sizes.assert_uses_slots(m.AlphaPixel, sample=a)
    sizes.assert_instance_size_below(lambda i: m.AlphaPixel(*v), ALPHA_LIMIT, what="AlphaPixel")


@test("getsizeof of a Pixel", points=1, hidden=True)
def _():
    m = student("solution")
    got = m.pixel_getsizeof()
    exp = sizes.getsizeof(m.Pixel(1, 2, 3, 4, 5))
    assert got == exp, "pixel_getsizeof() returned %r; sys.getsizeof of a Pixel is %d here" % (got, exp)
    # The answer is whether it is sys.getsizeof of *your* Pixel (its value depends on your class).
    answer("is getsizeof", type(got) is int and got == exp)
