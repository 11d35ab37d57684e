"""Naming where an object is still held: paths such as ``_cache[3]`` or ``registry['a'].items[0]``
from the student's module variables, classes, closures and default arguments."""

import collections
import sys
import types

from . import _trusted
from .errors import student_name

_MAX_NODES = 200000


def _short(obj, n=30):
    try:
        r = _trusted._repr(obj)
    except Exception:  # noqa: BLE001
        r = "<%s>" % type(obj).__name__
    return r if len(r) <= n else r[: n - 1] + "…"


def student_modules():
    mods = []
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if isinstance(mod, types.ModuleType) and f and student_name(f):
            mods.append(mod)
    return mods


def _children(obj):
    """(expression suffix, child) pairs for the containers we know how to name."""
    t = type(obj)
    if t is types.ModuleType:  # noqa: E721 - the exact type, as everywhere in the harness
        return []
    out = []
    if isinstance(obj, dict):
        for k, v in list(obj.items())[:100000]:
            out.append(("[%s]" % _short(k), v))
            out.append((".keys() ∋ %s" % _short(k), k))
    elif isinstance(obj, (list, tuple, collections.deque)):
        for i, v in enumerate(list(obj)[:100000]):
            out.append(("[%d]" % i, v))
    elif isinstance(obj, (set, frozenset)):
        for v in list(obj)[:100000]:
            out.append((" ∋ %s" % _short(v), v))
    elif isinstance(obj, types.FunctionType):
        code = obj.__code__
        if obj.__defaults__:
            names = code.co_varnames[:code.co_argcount][-len(obj.__defaults__):]
            for n, v in zip(names, obj.__defaults__):
                out.append((" (default of parameter `%s`)" % n, v))
        if obj.__kwdefaults__:
            for n, v in obj.__kwdefaults__.items():
                out.append((" (default of parameter `%s`)" % n, v))
        if obj.__closure__:
            for n, cell in zip(code.co_freevars, obj.__closure__):
                try:
                    out.append((" (closure variable `%s`)" % n, cell.cell_contents))
                except ValueError:
                    pass
    elif isinstance(obj, type):
        for k, v in list(vars(obj).items()):
            if not (k.startswith("__") and k.endswith("__")):
                out.append((".%s" % k, v))
    elif isinstance(obj, types.GeneratorType) and obj.gi_frame is not None:
        for k, v in obj.gi_frame.f_locals.items():
            out.append((" (suspended generator, local `%s`)" % k, v))
    elif isinstance(obj, (types.MethodType,)):
        out.append((".__self__", obj.__self__))
    else:
        d = getattr(obj, "__dict__", None)
        if isinstance(d, dict):
            for k, v in list(d.items()):
                out.append((".%s" % k, v))
        for klass in t.__mro__:
            slots = klass.__dict__.get("__slots__", ())
            for slot in slots if isinstance(slots, (tuple, list)) else ():
                if slot in ("__weakref__", "__dict__"):
                    continue
                try:
                    out.append((".%s" % slot, getattr(obj, slot)))
                except AttributeError:
                    pass
    return out


_ATOMIC = (int, float, complex, str, bytes, bool, type(None))


def find_path(target, max_depth=6):
    """A readable path from a student module variable to *target*, e.g.
    ("_cache[3]", "solution.py", "list"), or None."""
    roots = []
    for mod in student_modules():
        fname = student_name(mod.__file__)
        for k, v in list(vars(mod).items()):
            if k.startswith("__") and k.endswith("__"):
                continue
            if isinstance(v, types.ModuleType):
                continue
            roots.append((k, fname, v))
    seen = {id(target)}
    frontier = []
    for name, fname, v in roots:
        if v is target:
            return name, fname, "module"
        if id(v) not in seen and not isinstance(v, _ATOMIC):
            seen.add(id(v))
            frontier.append((name, fname, v))
    count = 0
    for _depth in range(max_depth):
        nxt = []
        for expr, fname, obj in frontier:
            for suffix, child in _children(obj):
                count += 1
                if count > _MAX_NODES:
                    return None
                if child is target:
                    return expr + suffix, fname, type(obj).__name__
                if id(child) in seen or isinstance(child, (_ATOMIC, types.ModuleType)):
                    continue
                seen.add(id(child))
                nxt.append((expr + suffix, fname, child))
        frontier = nxt
        if not frontier:
            break
    return None


def referrer_kinds(target, ignore=()):
    """Short descriptions of the direct referrers of *target* (fallback when no path found)."""
    ignore_ids = {id(x) for x in ignore}
    out = []
    frame = sys._getframe()
    for r in _trusted.gc_get_referrers(target):
        if id(r) in ignore_ids or r is frame or isinstance(r, types.FrameType):
            continue
        out.append(type(r).__name__)
    return out


def describe_holder(target, ignore=()):
    """One sentence naming what still holds *target*."""
    p = find_path(target)
    if p:
        expr, fname, kind = p
        if kind == "module":
            return "it is still referenced by the module-level variable `%s` in %s" % (expr, fname)
        root = expr.split("[")[0].split(".")[0].split(" ")[0]
        article = "an" if kind[:1].lower() in "aeiou" else "a"
        if expr[len(root):].count("[") + expr[len(root):].count(".") + expr[len(root):].count("(") + \
                expr[len(root):].count("∋") <= 1:
            return "%s %s in the module-level variable `%s` (%s) still holds it, as `%s`" % (
                article, kind, root, fname, expr)
        return "it is still reachable as `%s` (%s %s, reachable from the module-level variable `%s` in %s)" % (
            expr, article, kind, root, fname)
    kinds = referrer_kinds(target, ignore)
    if kinds:
        return "it is still referenced by: %s (not reachable from your module's variables)" % ", ".join(
            sorted(set(kinds))[:5])
    return "something still references it"


def find_cycle(start, allowed_ids, max_depth=8):
    """A cycle through *start* among objects whose ids are in *allowed_ids* (plus plain
    containers and __dict__s between them), as an expression like ``Node.parent.children[0]``."""
    name = type(start).__name__
    frontier = [(name, start)]
    seen = {id(start)}
    for _ in range(max_depth):
        nxt = []
        for expr, obj in frontier:
            for suffix, child in _children(obj):
                if child is start:
                    return expr + suffix + "  →  back to the same %s" % name
                if id(child) in seen or isinstance(child, (_ATOMIC, types.ModuleType, type, types.FunctionType)):
                    continue
                if id(child) not in allowed_ids and not isinstance(child, (list, dict, tuple, set, collections.deque)):
                    continue
                seen.add(id(child))
                nxt.append((expr + suffix, child))
        frontier = nxt
    return None
