"""Cycle assertions.  Never assert exact gc.collect() counts (they vary with materialised
``__dict__``s and across versions): assert liveness, or ``>=`` the student's own objects.
Each check first runs gc.collect() (the first collection returns import leftovers) and keeps
the collector disabled while it looks."""

import collections
import types

from . import _trusted
from ._paths import describe_holder, find_cycle
from .api import context
from .errors import HarnessUsageError, MemgradeFailure

__all__ = ["reachable", "assert_freed_by_refcount", "assert_collected_by_gc", "collected_count",
           "assert_gc_finds_at_least", "assert_finalizers_ran", "assert_no_uncollectable"]

_SKIP = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
         types.CodeType, types.FrameType)
_CONTAINERS = (list, tuple, dict, set, frozenset, collections.deque)


def _describe(fn):
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    return "the structure" if not name or "<lambda>" in name else "the structure built by %s()" % name


def reachable(root, limit=100000):
    """Objects reachable from *root* that can be weak-referenced (instances of user classes,
    weak-referenceable containers), not crossing modules, classes or functions."""
    out = []
    seen = set()
    stack = [root]
    while stack and len(seen) < limit:
        o = stack.pop()
        if id(o) in seen or isinstance(o, _SKIP):
            continue
        seen.add(id(o))
        if not isinstance(o, _CONTAINERS) or type(o) not in _CONTAINERS:
            try:
                _trusted.weakref_ref(o)
                out.append(o)
            except TypeError:
                pass
        stack.extend(_trusted.gc_get_referents(o))
    return out


def _track(build):
    root = build()
    nodes = reachable(root)
    if not nodes:
        raise HarnessUsageError("the built structure contains no object the grader can track "
                                "(no weak-referenceable instances)")
    refs = [_trusted.weakref_ref(n) for n in nodes]
    types_ = collections.Counter(type(n).__name__ for n in nodes)
    return root, nodes, refs, types_


def _names(counter):
    return ", ".join("%s×%d" % (k, v) for k, v in counter.most_common(3))


def assert_freed_by_refcount(build):
    """The structure returned by ``build()`` is freed by reference counting alone: with the
    collector disabled, every object in it dies when the last reference is dropped.

    >>> cycles.assert_freed_by_refcount(lambda: m.make_tree(depth=5))
    """
    _trusted.gc_collect()
    with _trusted.collector_paused():
        try:
            root, nodes, refs, kinds = _track(build)
            n = len(refs)
            del root, nodes
            alive = [w() for w in refs]
            survivors = [o for o in alive if o is not None]
            del alive
            example = None
            if survivors:
                ids = {id(o) for o in survivors}
                example = find_cycle(survivors[0], ids)
            k = len(survivors)
            del survivors
        finally:
            _trusted.gc_collect()
    context().record({"objects": n, "alive_after_del": k, "types": dict(kinds)})
    if k:
        msg = ("%s is kept alive by reference cycles: %d of its %d objects (%s) survived after the last "
               "reference was dropped; only the cycle collector would free them."
               % (_describe(build), k, n, _names(kinds)))
        if example:
            msg += " One cycle: %s." % example
        msg += " Use weakref (e.g. weakref.ref or WeakValueDictionary) for back-references."
        raise MemgradeFailure(msg, measurements={"alive_after_del": k, "objects": n})


def assert_collected_by_gc(build, require_cycle=True):
    """The structure is garbage the collector frees: after the last reference is dropped,
    gc.collect() leaves none of its objects alive.  With *require_cycle* (default) it must
    also need the collector (something survives refcounting alone).

    >>> cycles.assert_collected_by_gc(lambda: m.make_graph(10))
    """
    _trusted.gc_collect()
    with _trusted.collector_paused():
        root, nodes, refs, kinds = _track(build)
        n = len(refs)
        del root, nodes
        after_del = sum(1 for w in refs if w() is not None)
        found = _trusted.gc_collect()
        alive = [w() for w in refs]
        survivors = [o for o in alive if o is not None]
        del alive
        holder = describe_holder(survivors[0]) if survivors else None
        k = len(survivors)
        del survivors
    context().record({"objects": n, "alive_after_del": after_del, "alive_after_collect": k,
                      "collected_by_gc": found})
    if k:
        raise MemgradeFailure("%s is not garbage: %d of its %d objects are still alive after gc.collect(); %s." % (
            _describe(build), k, n, holder))
    if require_cycle and after_del == 0:
        raise MemgradeFailure("%s was freed by reference counting alone: it contains no reference cycle."
                              % _describe(build))


def collected_count(build):
    """What gc.collect() reports after the structure from ``build()`` is dropped (after a
    flushing collection).  Includes anything else that became garbage: compare with ``>=``."""
    _trusted.gc_collect()
    with _trusted.collector_paused():
        root = build()
        del root
        return _trusted.gc_collect()


def assert_gc_finds_at_least(build, n):
    """gc.collect() finds at least *n* unreachable objects once the structure is dropped.

    >>> cycles.assert_gc_finds_at_least(lambda: m.make_ring(5), 5)
    """
    found = collected_count(build)
    context().record({"collected_by_gc": found, "expected_at_least": n})
    if found < n:
        raise MemgradeFailure("the cycle collector found %d unreachable objects after %s was dropped; "
                              "expected at least %d." % (found, _describe(build), n))


def assert_finalizers_ran(build, cls, at_least=1, collect=True):
    """``cls.__del__`` actually ran (counted by wrapping it, not by weakrefs: a resurrecting
    __del__ clears weakrefs while the object lives) once the structure is dropped (and, with
    *collect*, gc.collect() ran).  PEP 442: finalizers in cycles run; gc.garbage stays empty.

    >>> cycles.assert_finalizers_ran(lambda: m.open_pair(), m.Handle, at_least=2)
    """
    original = cls.__dict__.get("__del__")
    if original is None:
        raise HarnessUsageError("%s defines no __del__ of its own" % cls.__name__)
    calls = [0]

    def counting_del(self, _orig=original):
        calls[0] += 1
        return _orig(self)

    _trusted.gc_collect()
    with _trusted.collector_paused():
        setattr(cls, "__del__", counting_del)
        try:
            root = build()
            del root
            if collect:
                _trusted.gc_collect()
        finally:
            setattr(cls, "__del__", original)
    context().record({"finalizers_ran": calls[0], "expected_at_least": at_least})
    if calls[0] < at_least:
        raise MemgradeFailure("%s.__del__ ran %d time(s); expected at least %d once the structure was dropped%s." % (
            cls.__name__, calls[0], at_least, " and gc.collect() ran" if collect else ""))


def assert_no_uncollectable(build=None):
    """gc.garbage stays empty (after dropping ``build()``'s structure, if given, and a collection).

    >>> cycles.assert_no_uncollectable(lambda: m.make_graph(10))
    """
    garbage = _trusted.gc_garbage
    start = len(garbage)
    if build is not None:
        build()         # the structure is dropped as soon as it is built
    _trusted.gc_collect()
    new = garbage[start:]
    context().record({"uncollectable": len(new)})
    if new:
        kinds = collections.Counter(type(o).__name__ for o in new)
        del new
        raise MemgradeFailure("the collector could not free %d objects (%s): they are in gc.garbage." % (
            sum(kinds.values()), _names(kinds)))
