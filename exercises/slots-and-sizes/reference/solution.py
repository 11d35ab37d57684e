"""Per-instance size with __slots__, and a deep size built on sys.getsizeof."""
import sys


class Pixel:
    __slots__ = ("x", "y", "r", "g", "b")

    def __init__(self, x, y, r, g, b):
        self.x, self.y, self.r, self.g, self.b = x, y, r, g, b


class AlphaPixel(Pixel):
    __slots__ = ("a",)          # only the new attribute: the others come from Pixel

    def __init__(self, x, y, r, g, b, a):
        Pixel.__init__(self, x, y, r, g, b)
        self.a = a


def pixel_getsizeof():
    return sys.getsizeof(Pixel(1, 2, 3, 4, 5))


def _slot_names(cls):
    names = []
    for klass in cls.mro():
        slots = klass.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        names.extend(n for n in slots if n not in ("__weakref__", "__dict__"))
    return names


def total_size(obj):
    """sys.getsizeof of obj and of everything reachable from it through lists, tuples, sets,
    frozensets, dict keys and values, and __slots__ attributes — each object once."""
    seen = set()
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += sys.getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        else:
            for name in _slot_names(type(o)):
                try:
                    stack.append(getattr(o, name))
                except AttributeError:      # a slot that was never set
                    pass
    return total
