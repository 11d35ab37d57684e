"""The instructor-facing registry: ``@test``, ``student()``, and the current test context."""

import importlib.util
import os
import sys

from .errors import HarnessUsageError, StudentError, format_student_exception, format_syntax_error

_REGISTRY = {}          # module name -> {test name: TestDef}
_loading_module = [None]


class TestDef:
    def __init__(self, func, name, points, hidden, time_limit_s, memory_mib, module):
        self.func = func
        self.name = name
        self.points = points
        self.hidden = hidden
        self.time_limit_s = time_limit_s
        self.memory_mib = memory_mib
        self.module = module

    def meta(self):
        out = {"name": self.name, "module": self.module, "points": self.points, "hidden": self.hidden}
        if self.time_limit_s is not None:
            out["time_limit_s"] = self.time_limit_s
        if self.memory_mib is not None:
            out["memory_mib"] = self.memory_mib
        return out


def test(name, points=1, hidden=False, time_limit_s=None, memory_mib=None):
    """Register a graded test.  ``plan.json`` is authoritative for points and limits;
    the values given here are what ``python3 -m memgrade_harness collect`` writes into a plan."""
    if not isinstance(name, str) or not name.strip():
        raise HarnessUsageError("@test needs a non-empty name")

    def decorate(func):
        module = func.__module__
        tests = _REGISTRY.setdefault(module, {})
        if name in tests:
            raise HarnessUsageError("two tests named %r in module %s" % (name, module))
        tests[name] = TestDef(func, name, points, hidden, time_limit_s, memory_mib, module)
        return func

    return decorate


def registered(module=None):
    if module is None:
        return [t for m in _REGISTRY.values() for t in m.values()]
    return list(_REGISTRY.get(module, {}).values())


# ---------------------------------------------------------------- test context


class Context:
    """Per-test state: configuration from the plan and the measurements being recorded."""

    def __init__(self, test_name="", student_dir=None, student_files=(), reference=None,
                 memory_mib=None, in_test=False, observe_only=False):
        self.test_name = test_name
        self.student_dir = student_dir
        self.student_files = list(student_files)
        self.reference = reference or {}
        self.memory_mib = memory_mib
        self.measurements = {}
        self.notes = []
        self.key_counts = {}
        self.tracemalloc_used = False
        self.in_test = in_test
        # The reference run: measurements are taken but only the answers count, and the process is
        # shared by every test, so checks that depend on a fresh process only note their findings.
        self.observe_only = observe_only

    def record(self, values):
        for k, v in values.items():
            key = k
            n = 2
            while key in self.measurements:
                key = "%s_%d" % (k, n)
                n += 1
            self.measurements[key] = v

    def note(self, text):
        self.notes.append(text)

    def next_key(self, base):
        n = self.key_counts.get(base, 0) + 1
        self.key_counts[base] = n
        return base if n == 1 else "%s#%d" % (base, n)


_ctx = [Context()]
_loaded = {}
_import_s = [0.0]       # time spent importing student modules in this process (for `timings`)


def import_seconds():
    return _import_s[0]


def context():
    return _ctx[0]


def set_context(ctx):
    _ctx[0] = ctx


def student(name="solution"):
    """Import the student's module *name* (e.g. ``"solution"`` for ``solution.py``).

    The import runs in the test's own child process, as the student's uid.  A syntax error or
    an exception at import time fails the test with a message pointing at the student's file
    and line.  Repeated calls return the same module."""
    if name.endswith(".py"):
        name = name[:-3]
    if name in _loaded:
        mod = _loaded[name]
        if isinstance(mod, StudentError):
            raise mod
        return mod
    ctx = context()
    if ctx.student_dir is None:
        raise HarnessUsageError("student() called outside a grading run")
    fname = name.replace(".", "/") + ".py"
    if ctx.student_files and fname not in ctx.student_files:
        raise HarnessUsageError("student(%r): %s is not one of the plan's student_files %r"
                                % (name, fname, ctx.student_files))
    path = os.path.join(ctx.student_dir, fname)
    if not os.path.exists(path):
        err = StudentError("%s is missing from your submission" % fname, kind="missing")
        _loaded[name] = err
        raise err
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise HarnessUsageError("student(%r): %s cannot be loaded as a module" % (name, fname))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    from ._trusted import perf_counter
    started = perf_counter()
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        err = StudentError(format_syntax_error(exc, fname), kind="syntax")
        _loaded[name] = err
        raise err from None
    except SystemExit as exc:
        sys.modules.pop(name, None)
        err = StudentError("%s called exit() / sys.exit(%r) while being imported" % (fname, exc.code),
                           kind="import")
        _loaded[name] = err
        raise err from None
    except BaseException as exc:  # noqa: BLE001 - any failure of student code
        sys.modules.pop(name, None)
        from .guard import BlockedOperation
        formatted = ((exc.message + " (while importing %s)" % fname, None) if isinstance(exc, BlockedOperation)
                     else format_student_exception(exc, phase="import"))
        if formatted is None:
            msg, detail = ("%s: importing it failed: %s: %s" % (fname, type(exc).__name__, exc), None)
        else:
            msg, detail = formatted
        err = StudentError(msg, detail=detail, kind="import")
        _loaded[name] = err
        raise err from None
    finally:
        _import_s[0] += perf_counter() - started
    _loaded[name] = module
    return module


def forget_students():
    """Drop the imported student modules, so that the next student() imports them afresh (the
    reference run does every test in one process, each as if it were the first)."""
    for name in list(_loaded):
        sys.modules.pop(name, None)
    _loaded.clear()


def reference(key=None):
    """The plan's reference figures for *key* (default: the current test's name)."""
    ctx = context()
    return ctx.reference.get(key or ctx.test_name)
