"""Answers: the plain values a test sends to the judge, and the seeded inputs they come from.

A test earns its points only when the judge finds the student's answers identical to the
reference solution's answers for the same inputs (judge.py).  The inputs come from ``rng``, seeded
afresh for every grading run, so the answers cannot be known in advance; the reference solution
runs in another process, under another uid, with the same seed.

    @test("the cache returns the document it built", points=1)
    def _():
        m = student("solution")
        name, size = rng.word(), rng.randint(16, 4096)
        doc = m.load_document(name, size)
        answer("name", doc.name)
        answer("size", len(doc.body))

``plain()`` turns a value into JSON-able data using exact types only (``type(v) is int``, never
``isinstance``), so that a student's object that subclasses ``str`` or "equals everything" turns
into a marker that matches nothing.  ``same()`` is the judge's comparison: type and value,
recursively; it never calls a student's ``__eq__`` (the judge never holds a student object).
"""

import hashlib
import math
import random as _random
from typing import Any

MAX_ANSWERS = 200
MAX_DEPTH = 20
MAX_ITEMS = 100_000
_UNREPRESENTABLE = "!unrepresentable"


class SeededRandom(_random.Random):
    """``random.Random`` plus a few helpers for test inputs; reseeded by the harness per test."""

    _LETTERS = "abcdefghijklmnopqrstuvwxyz"

    def word(self, low=5, high=12):
        return "".join(self.choice(self._LETTERS) for _ in range(self.randint(low, high)))

    def words(self, n, low=5, high=12):
        return [self.word(low, high) for _ in range(n)]

    def token(self):
        """A short string that no two calls in one run share (with overwhelming probability)."""
        return "%s-%08x" % (self.word(4, 6), self.getrandbits(32))


rng = SeededRandom(0)


def seed_for(run_seed, key):
    """The seed of one test (or workload) in one run: the same in the student's and the reference's
    process, different for every run and every test."""
    digest = hashlib.sha256(("%s\0%s" % (run_seed, key)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def reseed(run_seed, key):
    rng.seed(seed_for(run_seed, key))


class _Answers:
    def __init__(self):
        self.items = []      # [[label, plain value], …] in order
        self.overflow = False

    def clear(self):
        self.items = []
        self.overflow = False


_answers = _Answers()


def answer(label, value):
    """Send *value* (plain data: None, bool, int, float, str, bytes, list, tuple, dict with str keys)
    to the judge under *label*.  The judge compares it with the reference solution's answer."""
    if not isinstance(label, str):
        from .errors import HarnessUsageError
        raise HarnessUsageError("answer() needs a string label, got %r" % (label,))
    if len(_answers.items) >= MAX_ANSWERS:
        _answers.overflow = True
        return
    _answers.items.append([label, plain(value)])


def answers():
    return {"items": list(_answers.items), "overflow": _answers.overflow}


def clear_answers():
    _answers.clear()


def plain(value, _depth=0, _budget=None) -> Any:     # JSON data: its shape is the value's
    """JSON data for *value*, by exact type.  Anything else (a subclass, an object with its own
    ``__eq__``) becomes ``{"!unrepresentable": "<type name>"}``, which no reference answer equals."""
    if _budget is None:
        _budget = [MAX_ITEMS]
    _budget[0] -= 1
    if _budget[0] < 0 or _depth > MAX_DEPTH:
        return {_UNREPRESENTABLE: "too large"}
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        if math.isnan(value) or math.isinf(value):
            return {"!float": repr(value)}
        return value
    if t is bytes or t is bytearray:
        return {"!bytes": bytes(value).hex()}
    if t is list or t is tuple:
        return [plain(v, _depth + 1, _budget) for v in list.__iter__(value)] if t is list else \
            {"!tuple": [plain(v, _depth + 1, _budget) for v in tuple.__iter__(value)]}
    if t is dict:
        out = {}
        for k in dict.keys(value):
            if type(k) is not str:
                return {_UNREPRESENTABLE: "dict with a %s key" % type(k).__name__}
            out[k] = plain(dict.__getitem__(value, k), _depth + 1, _budget)
        return {"!dict": out}
    if t is set or t is frozenset:
        items = [plain(v, _depth + 1, _budget) for v in set.__iter__(value)] if t is set else \
            [plain(v, _depth + 1, _budget) for v in frozenset.__iter__(value)]
        try:
            items.sort(key=_sort_key)
        except TypeError:
            return {_UNREPRESENTABLE: "unsortable set"}
        return {"!set": items}
    return {_UNREPRESENTABLE: _type_name(t)}


def _sort_key(v):
    import json
    return json.dumps(v, sort_keys=True)


def _type_name(t):
    try:
        name = type.__getattribute__(t, "__qualname__")
        return name if type(name) is str else "object"
    except Exception:  # noqa: BLE001 - a metaclass of the student's
        return "object"


def same(expected, got):
    """Exact comparison of two values as parsed from JSON (the judge's side): same type, same value."""
    te, tg = type(expected), type(got)
    if te is not tg:
        return False
    if te is list:
        return len(expected) == len(got) and all(same(a, b) for a, b in zip(expected, got))
    if te is dict:
        return (len(expected) == len(got) and all(type(k) is str for k in got)
                and all(k in got and same(v, got[k]) for k, v in expected.items()))
    return expected == got      # None, bool, int, float, str: built-in types on both sides


def first_difference(expected_items, got_items):
    """(label, expected, got) of the first answer that differs, or None when all are the same."""
    got_by_label = {}
    for item in got_items or []:
        if type(item) is list and len(item) == 2 and type(item[0]) is str:
            got_by_label.setdefault(item[0], []).append(item[1])
    seen = {}
    for label, value in expected_items:
        i = seen.get(label, 0)
        seen[label] = i + 1
        values = got_by_label.get(label, [])
        if i >= len(values):
            return (label, value, None, "missing")
        if not same(value, values[i]):
            return (label, value, values[i], "differs")
    extra = sum(len(v) for v in got_by_label.values()) - len(expected_items)
    if extra > 0:
        return (None, None, None, "extra")
    return None


def describe(value, limit=120):
    """A short readable form of an answer for feedback."""
    import json
    if isinstance(value, dict) and len(value) == 1:
        (k, v), = value.items()
        if k == "!tuple":
            text = "(" + ", ".join(describe(x, limit) for x in v) + ("," if len(v) == 1 else "") + ")"
        elif k == "!dict":
            text = "{" + ", ".join("%r: %s" % (a, describe(b, limit)) for a, b in v.items()) + "}"
        elif k == "!set":
            text = "{" + ", ".join(describe(x, limit) for x in v) + "}" if v else "set()"
        elif k == "!bytes":
            text = "bytes of length %d" % (len(v) // 2)
        elif k == _UNREPRESENTABLE:
            text = "an object of type %s (not a plain value)" % v
        elif k == "!float":
            text = v
        else:
            text = json.dumps(value)
    elif isinstance(value, list):
        text = "[" + ", ".join(describe(x, limit) for x in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
