"""Size assertions: sys.getsizeof, deep size of a structure, per-instance size (__slots__ vs __dict__)."""

import collections
import types

from . import _trusted
from .api import context
from .errors import HarnessUsageError, MemgradeFailure

__all__ = ["getsizeof", "deep_size", "assert_deep_size_below", "instance_size",
           "assert_instance_size_below", "assert_uses_slots", "has_instance_dict"]

_SHARED = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
           types.CodeType, types.FrameType)


def getsizeof(obj):
    """sys.getsizeof of *obj* (the object itself, not what it references).

    >>> sizes.getsizeof(m.Point(1, 2))
    """
    return _trusted.getsizeof(obj)


def deep_size(obj, limit=1000000):
    """Bytes of *obj* and everything it references, each object counted once; modules,
    classes and functions (shared, not owned by the structure) are not followed.
    Instances' ``__dict__`` are counted.

    >>> sizes.deep_size(m.build_index(words))
    """
    seen = set()
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, _SHARED):
            continue
        seen.add(id(o))
        if len(seen) > limit:
            raise HarnessUsageError("deep_size: more than %d objects" % limit)
        total += _trusted.getsizeof(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset, collections.deque)):
            stack.extend(o)
        elif isinstance(o, (str, bytes, bytearray, int, float, complex, bool, type(None))):
            pass
        else:
            d = getattr(o, "__dict__", None)
            if isinstance(d, dict):
                stack.append(d)
            for klass in type(o).__mro__:
                slots = klass.__dict__.get("__slots__", ())
                if isinstance(slots, str):
                    slots = (slots,)
                for s in slots:
                    if s in ("__dict__", "__weakref__"):
                        continue
                    try:
                        stack.append(getattr(o, s))
                    except AttributeError:
                        pass
            if not isinstance(d, dict) and not type(o).__mro__[1:-1]:
                stack.extend(_trusted.gc_get_referents(o))
    return total


def assert_deep_size_below(obj, max_bytes, what="the structure"):
    """>>> sizes.assert_deep_size_below(m.build_index(words), 2_000_000)"""
    n = deep_size(obj)
    context().record({"deep_size_bytes": n, "max_bytes": max_bytes})
    if n > max_bytes:
        raise MemgradeFailure("%s takes %s bytes (deep size); the limit is %s bytes."
                              % (what, format(n, ","), format(max_bytes, ",")))
    return n


def instance_size(make, n=1000):
    """Average bytes one instance costs, measured with tracemalloc over *n* instances made by
    ``make(i)`` (includes the instance ``__dict__`` and anything else each instance allocates).
    Robust across 3.11–3.13, where getsizeof(instance) hides lazily created dicts.

    >>> sizes.instance_size(lambda i: m.Point(i, i))
    """
    import tracemalloc
    started = not tracemalloc.is_tracing()
    context().tracemalloc_used = True
    _trusted.gc_collect()
    if started:
        _trusted.tmf("start")(1) if _trusted.tm else tracemalloc.start(1)
    try:
        keep = [None] * n
        cur0, _ = tracemalloc.get_traced_memory()
        for i in range(n):
            keep[i] = make(i)
        cur1, _ = tracemalloc.get_traced_memory()
    finally:
        if started:
            tracemalloc.stop()
    # Each instance's attribute values were made by make(); ints and small strings may be cached.
    del keep
    return (cur1 - cur0) / float(n)


def assert_instance_size_below(make, max_bytes, n=1000, what=None):
    """>>> sizes.assert_instance_size_below(lambda i: m.Point(i, i), 64)"""
    size = instance_size(make, n)
    context().record({"instance_bytes": round(size, 1), "max_bytes": max_bytes})
    if size > max_bytes:
        raise MemgradeFailure("each %s costs %.0f bytes; the limit is %d bytes (hint: __slots__)." % (
            what or "instance", size, max_bytes))
    return size


def has_instance_dict(obj):
    try:
        object.__getattribute__(obj, "__dict__")
        return True
    except AttributeError:
        return False


def assert_uses_slots(cls, sample=None):
    """*cls* and its base classes (other than object) declare ``__slots__``, so instances have
    no ``__dict__``.  With *sample* (an instance), also checks the instance itself.

    >>> sizes.assert_uses_slots(m.Point, sample=m.Point(1, 2))
    """
    missing = [k.__name__ for k in cls.__mro__[:-1] if "__slots__" not in k.__dict__]
    has_dict = sample is not None and has_instance_dict(sample)
    context().record({"slots": not missing and not has_dict})
    if missing:
        raise MemgradeFailure("%s does not define __slots__ (missing in: %s), so each instance carries a __dict__." % (
            cls.__name__, ", ".join(missing)))
    if has_dict:
        raise MemgradeFailure("instances of %s still have a __dict__ (is '__dict__' listed in __slots__?)."
                              % cls.__name__)
