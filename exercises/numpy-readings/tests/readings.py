"""Deterministic sensor readings as text lines, produced lazily."""


def reading(i):
    return 20.0 + (i % 1000) * 0.01 - (i % 7) * 0.5


def lines(n):
    for i in range(n):
        yield "%.2f\n" % reading(i)
