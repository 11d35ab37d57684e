"""The grader's deep size (the exact rules of statement.md) and the structures it compares on."""
import sys as _sys

from memgrade_harness import rng

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
    """The grader's structures, their sizes and words drawn from this run's rng."""
    shared = [rng.random(), rng.word()]
    text = rng.word() * rng.randint(2, 20)
    big = 10 ** rng.randint(20, 60)
    return [
        ("a flat list of small ints", [rng.randint(0, 200) for _ in range(rng.randint(3, 12))]),
        ("a list with repeated elements", [text, text, rng.random(), [7, 7], big, big]),
        ("a list holding the same sub-list three times", [shared, shared, (shared, rng.random())]),
        ("a dict of lists and tuples", {rng.word(): [1, 2, 3], rng.word(): (4.0, "x" * rng.randint(1, 80)),
                                        rng.word(): {"k": frozenset(rng.sample(range(1000), rng.randint(1, 9)))}}),
        ("a set and a frozenset", [set(rng.sample(range(1000), rng.randint(1, 12))), frozenset(rng.words(3))]),
        ("objects with __slots__", [Sample(rng.word(), [1.0, 2.0, shared]), SubSample(rng.word(), (5, 6), {"z": shared})]),
    ]


def total_size_problems(total_size):
    """(what is wrong, what total_size returned for each structure)."""
    bad, got_all = [], []
    for label, obj in structures():
        exp = deep_size(obj)
        got = total_size(obj)
        got_all.append(got)
        if got != exp:
            bad.append("%s: %r bytes (expected %d)" % (label, got, exp))
    return bad, got_all
