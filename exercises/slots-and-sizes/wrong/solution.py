"""Pixel has __slots__ — but AlphaPixel does not declare its own, so every AlphaPixel gets a
__dict__ again; and total_size counts shared objects once per reference."""
import sys


class Pixel:
    __slots__ = ("x", "y", "r", "g", "b")

    def __init__(self, x, y, r, g, b):
        self.x, self.y, self.r, self.g, self.b = x, y, r, g, b


class AlphaPixel(Pixel):
    def __init__(self, x, y, r, g, b, a):
        Pixel.__init__(self, x, y, r, g, b)
        self.a = a


def pixel_getsizeof():
    return sys.getsizeof(Pixel(1, 2, 3, 4, 5))


def total_size(obj):
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        for k, v in obj.items():
            size += total_size(k) + total_size(v)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for item in obj:
            size += total_size(item)
    else:
        for klass in type(obj).mro():
            for name in klass.__dict__.get("__slots__", ()):
                if hasattr(obj, name):
                    size += total_size(getattr(obj, name))
    return size
