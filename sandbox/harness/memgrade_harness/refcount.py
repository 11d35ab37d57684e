"""Reference-count assertions, robust across CPython 3.11–3.13.

They never assert absolute counts of shared objects (3.12+ makes None, True, small ints and
some strings immortal, so a leak of them reads as delta 0).  They pass the grader's own fresh
objects (``Probe``: a ``__weakref__`` slot, never immortal) and check liveness with weakrefs,
with the collector disabled while they look; the exact refcount delta is kept as a secondary
figure in the measurements.
"""

from . import _trusted
from ._paths import describe_holder
from .api import context
from .errors import HarnessUsageError, MemgradeFailure
from .probes import Probe

__all__ = ["delta", "assert_delta", "assert_no_leak", "count_leaks", "holder", "describe"]


def describe(fn):
    """'lookup()' for a student function, 'the call' for a lambda."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if not name or "<lambda>" in name:
        return "the tested call"
    return name + "()"


def _make(make):
    if make is None:
        return lambda i: Probe(i)
    if isinstance(make, type):
        cls = make
        return lambda i: cls(i)
    return make


def _weak(obj):
    try:
        return _trusted.weakref_ref(obj)
    except TypeError:
        raise HarnessUsageError(
            "the tracked argument (%s) cannot be weak-referenced; use memgrade_harness.Probe, "
            "ProbeStr or a class with a __weakref__ slot" % type(obj).__name__) from None


def delta(fn, make=None, warmup=1):
    """Refcount change of a fresh object across one call ``fn(obj)``.

    >>> refcount.delta(m.remember)        # 1 if remember() stores its argument
    """
    mk = _make(make)
    for i in range(warmup):
        r = fn(mk(-1 - i))
        del r
    obj = mk(0)
    _trusted.gc_collect()
    with _trusted.collector_paused():
        before = _trusted.getrefcount(obj)
        r = fn(obj)
        del r
        after = _trusted.getrefcount(obj)
    return after - before


def assert_delta(fn, expected=0, make=None, warmup=1):
    """Assert the refcount change of a fresh argument across one call.

    >>> refcount.assert_delta(m.remember, expected=1)
    """
    d = delta(fn, make, warmup)
    context().record({"refcount_delta": d, "expected_refcount_delta": expected})
    if d != expected:
        raise MemgradeFailure(
            "%s changed its argument's reference count by %+d (expected %+d)" % (describe(fn), d, expected),
            measurements={"refcount_delta": d})


def count_leaks(fn, calls=100, make=None, warmup=1):
    """Call ``fn(obj)`` with *calls* fresh objects; return a dict of what survived.

    ``kept`` — still alive after the calls with the collector disabled;
    ``leaked`` — still alive even after gc.collect() (something holds them);
    ``refcount_delta`` — the refcount change of the first object across its call;
    ``example`` — one surviving object (or None)."""
    mk = _make(make)
    for i in range(warmup):
        r = fn(mk(-1 - i))
        del r
    _trusted.gc_collect()
    refs = []
    first_delta = None
    with _trusted.collector_paused():
        for i in range(calls):
            obj = mk(i)
            refs.append(_weak(obj))
            before = _trusted.getrefcount(obj)
            r = fn(obj)
            del r
            if first_delta is None:
                first_delta = _trusted.getrefcount(obj) - before
            del obj
        kept = sum(1 for w in refs if w() is not None)
    _trusted.gc_collect()
    alive = [w() for w in refs]
    survivors = [o for o in alive if o is not None]
    example = survivors[0] if survivors else None
    return {"calls": calls, "kept": kept, "leaked": len(survivors), "refcount_delta": first_delta,
            "example": example}


def assert_no_leak(fn, calls=100, make=None, warmup=1, allow=0):
    """Assert that ``fn(obj)`` keeps no reference to its argument, over *calls* fresh objects.

    The feedback names the container that still holds one, e.g. "it is still reachable as
    `_cache[0]` in solution.py (held by a list ...)".

    >>> refcount.assert_no_leak(m.lookup, calls=100)
    >>> refcount.assert_no_leak(lambda p: m.lookup(key=p), make=memgrade_harness.probe_str)
    """
    res = count_leaks(fn, calls, make, warmup)
    example = res.pop("example")
    context().record({"calls": res["calls"], "leaked": res["leaked"], "refcount_delta": res["refcount_delta"],
                      "kept_until_gc": res["kept"] - res["leaked"]})
    if res["leaked"] > allow:
        where = describe_holder(example, ignore=())
        del example
        msg = ("%s keeps a reference to its argument: %d of %d objects passed to it are still alive after the calls "
               "(refcount delta %+d per call); %s."
               % (describe(fn), res["leaked"], calls, res["refcount_delta"] or 0, where))
        raise MemgradeFailure(msg, measurements=res)
    del example


def holder(obj):
    """A sentence naming what holds *obj*, e.g. for your own messages."""
    return describe_holder(obj)
