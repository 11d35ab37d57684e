"""Sizes of objects.  Complete the TODOs and make pixels small (see statement.md)."""
import sys


class Pixel:
    def __init__(self, x, y, r, g, b):
        self.x, self.y, self.r, self.g, self.b = x, y, r, g, b


class AlphaPixel(Pixel):
    def __init__(self, x, y, r, g, b, a):
        Pixel.__init__(self, x, y, r, g, b)
        self.a = a


def pixel_getsizeof():
    return sys.getsizeof(Pixel(1, 2, 3, 4, 5))


def total_size(obj):
    return sys.getsizeof(obj)     # TODO: only the outer object is counted
