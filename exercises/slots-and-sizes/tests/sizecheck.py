"""The grader's deep size (the exact rules of statement.md) and the structures it compares on."""
import sys as _sys

_getsizeof = _sys.getsizeof


class Sample:
    """The grader's own class with __slots__ (one slot left unset on purpose)."""
    __slots__ = ("label", "values", "spare")

    def __init__(self, label, values):
        self.label = label
        self.values = values


class SubSample(Sample):
    __slots__ = ("extra",)

    def __init__(self, label, values, extra):
        Sample.__init__(self, label, values)
        self.extra = extra


def _slots_of(cls):
    names = []
    for klass in cls.__mro__:
        s = klass.__dict__.get("__slots__", ())
        if isinstance(s, str):
            s = (s,)
        names.extend(n for n in s if n not in ("__weakref__", "__dict__"))
    return names


def deep_size(obj):
    seen = set()
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        total += _getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        else:
            for name in _slots_of(type(o)):
                try:
                    stack.append(getattr(o, name))
                except AttributeError:
                    pass
    return total


def structures():
    shared = [1.5, "shared"]
    text = "abc" * 10
    return [
        ("a flat list of small ints", [1, 2, 3, 4, 5]),
        ("a list with repeated elements", [text, text, 2.5, [7, 7], 10 ** 20, 10 ** 20]),
        ("a list holding the same sub-list three times", [shared, shared, (shared, 3.25)]),
        ("a dict of lists and tuples", {"alpha": [1, 2, 3], "beta": (4.0, "x" * 40), "gamma": {"k": frozenset({9, 10})}}),
        ("a set and a frozenset", [{1, 2, 3, 400, 500}, frozenset({"p", "q"})]),
        ("objects with __slots__", [Sample("s", [1.0, 2.0, shared]), SubSample("t", (5, 6), {"z": shared})]),
    ]


def total_size_problems(total_size):
    bad = []
    for label, obj in structures():
        exp = deep_size(obj)
        got = total_size(obj)
        if got != exp:
            bad.append("%s: %r bytes (expected %d)" % (label, got, exp))
    return bad
