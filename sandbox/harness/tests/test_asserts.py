"""The assertion library, in process (no sandbox): each function on passing and failing
student code, and the wording of its feedback."""

import os
import shutil
import sys
import tempfile
import textwrap
import unittest

import helpers  # noqa: F401
from memgrade_harness import (HarnessUsageError, MemgradeFailure, _trusted, api, cycles, errors,
                              memory, probe_str, refcount, sizes)

_trusted.load_measurement_tools()


class StudentModuleCase(unittest.TestCase):
    """Writes SOURCE as the student's solution.py and imports it through student()."""

    SOURCE = ""
    REFERENCE = {}

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asserts-")
        path = os.path.join(self.dir, "solution.py")
        with open(path, "w") as f:
            f.write(textwrap.dedent(self.SOURCE))
        errors.set_student_files({path: "solution.py"})
        api._loaded.clear()
        sys.modules.pop("solution", None)
        self.ctx = api.Context(test_name=self.id().split(".")[-1], student_dir=self.dir,
                               student_files=["solution.py"], reference=self.REFERENCE, in_test=True)
        api.set_context(self.ctx)
        self.m = api.student("solution")

    def tearDown(self):
        sys.modules.pop("solution", None)
        api._loaded.clear()
        shutil.rmtree(self.dir, ignore_errors=True)


class RefcountTest(StudentModuleCase):
    SOURCE = """
        _cache = []
        _by_key = {}
        registry = {"items": []}

        class Store:
            def __init__(self):
                self.kept = []
        store = Store()

        def clean(x):
            return 1
        def keep(x):
            _cache.append(x)
        def keep3(x):
            _cache.extend([x, x, x])
        def keep_in_dict(x):
            _by_key[str(x.index)] = x
        def keep_nested(x):
            registry["items"].append(x)
        def keep_in_instance(x):
            store.kept.append(x)
        def keep_default(x, acc=[]):
            acc.append(x)
        def _make():
            seen = []
            def f(x):
                seen.append(x)
            return f
        keep_closure = _make()
        def keep_str(key):
            _cache.append(key)
        def returns_it(x):
            return x
        def cycle_only(x):
            a = []
            a.append(a)
            a.append(x)
    """

    def test_delta(self):
        self.assertEqual(refcount.delta(self.m.clean), 0)
        self.assertEqual(refcount.delta(self.m.keep), 1)
        self.assertEqual(refcount.delta(self.m.keep3), 3)
        self.assertEqual(refcount.delta(self.m.returns_it), 0)
        refcount.assert_delta(self.m.keep, expected=1)
        with self.assertRaises(MemgradeFailure) as cm:
            refcount.assert_delta(self.m.keep)
        self.assertIn("keep() changed its argument's reference count by +1 (expected +0)", cm.exception.message)

    def test_no_leak_passes(self):
        refcount.assert_no_leak(self.m.clean, calls=50)
        refcount.assert_no_leak(self.m.returns_it, calls=50)
        refcount.assert_no_leak(self.m.cycle_only, calls=50)   # freed by the collector: not a leak
        self.assertEqual(self.ctx.measurements["leaked"], 0)
        self.assertEqual(self.ctx.measurements["kept_until_gc_3"], 50)

    def leak_message(self, fn, **kw):
        with self.assertRaises(MemgradeFailure) as cm:
            refcount.assert_no_leak(fn, calls=20, **kw)
        return cm.exception.message

    def test_holder_names(self):
        msg = self.leak_message(self.m.keep)
        self.assertIn("20 of 20 objects", msg)
        self.assertIn("a list in the module-level variable `_cache` (solution.py) still holds it", msg)
        self.assertIn("`_by_key['", self.leak_message(self.m.keep_in_dict))
        self.assertIn("`registry['items'][", self.leak_message(self.m.keep_nested))
        self.assertIn("`store.kept[", self.leak_message(self.m.keep_in_instance))
        self.assertIn("default of parameter `acc`", self.leak_message(self.m.keep_default))
        self.assertIn("closure variable `seen`", self.leak_message(self.m.keep_closure))

    def test_string_probes(self):
        """Functions taking str keys: ProbeStr is a weak-referenceable str (never interned)."""
        msg = self.leak_message(self.m.keep_str, make=probe_str)
        self.assertIn("`_cache`", msg)

    def test_unweakrefable_argument(self):
        with self.assertRaises(HarnessUsageError):
            refcount.assert_no_leak(self.m.clean, make=lambda i: i)


class CyclesTest(StudentModuleCase):
    SOURCE = """
        import weakref
        finalized = []

        class Node:
            def __init__(self, parent=None):
                self.parent = parent
                self.children = []

        class WNode:
            def __init__(self, parent=None):
                self._parent = weakref.ref(parent) if parent else None
                self.children = []

        class Handle:
            def __init__(self):
                self.peer = None
            def __del__(self):
                finalized.append(1)

        class Phoenix:
            saved = []
            def __del__(self):
                Phoenix.saved.append(self)      # resurrects itself

        def tree(cls, depth=3, parent=None):
            n = cls(parent)
            if depth:
                n.children = [tree(cls, depth - 1, n) for _ in range(2)]
            return n

        def handles():
            a, b = Handle(), Handle()
            a.peer, b.peer = b, a
            return a

        def phoenix():
            p = Phoenix()
            p.me = p
            return p
    """

    def test_freed_by_refcount(self):
        cycles.assert_freed_by_refcount(lambda: self.m.tree(self.m.WNode))
        self.assertEqual(self.ctx.measurements["objects"], 15)
        with self.assertRaises(MemgradeFailure) as cm:
            cycles.assert_freed_by_refcount(lambda: self.m.tree(self.m.Node))
        self.assertIn("15 of its 15 objects (Node×15)", cm.exception.message)
        self.assertIn("One cycle: Node.", cm.exception.message)
        self.assertIn(".parent", cm.exception.message)

    def test_collected_by_gc(self):
        cycles.assert_collected_by_gc(lambda: self.m.tree(self.m.Node))
        self.assertGreaterEqual(self.ctx.measurements["collected_by_gc"], 15)
        with self.assertRaises(MemgradeFailure) as cm:
            cycles.assert_collected_by_gc(lambda: self.m.tree(self.m.WNode))
        self.assertIn("no reference cycle", cm.exception.message)
        keep = []
        with self.assertRaises(MemgradeFailure) as cm:
            cycles.assert_collected_by_gc(lambda: keep.append(self.m.tree(self.m.Node)) or keep[-1])
        self.assertIn("still alive after gc.collect()", cm.exception.message)

    def test_gc_finds_at_least(self):
        cycles.assert_gc_finds_at_least(lambda: self.m.tree(self.m.Node, depth=2), 7)
        with self.assertRaises(MemgradeFailure):
            cycles.assert_gc_finds_at_least(lambda: self.m.tree(self.m.WNode, depth=2), 7)

    def test_finalizers(self):
        cycles.assert_finalizers_ran(self.m.handles, self.m.Handle, at_least=2)
        self.assertEqual(self.ctx.measurements["finalizers_ran"], 2)
        with self.assertRaises(MemgradeFailure):
            cycles.assert_finalizers_ran(self.m.handles, self.m.Handle, at_least=2, collect=False)
        # A resurrecting __del__ runs (side effect counted) although a weakref would say "dead".
        cycles.assert_finalizers_ran(self.m.phoenix, self.m.Phoenix, at_least=1)
        self.assertEqual(len(self.m.Phoenix.saved), 1)
        cycles.assert_no_uncollectable(self.m.handles)


class MemoryTest(StudentModuleCase):
    SOURCE = """
        def gen_total(n):
            return sum(i * i for i in range(n))
        def list_total(n):
            squares = [i * i for i in range(n)]
            return sum(squares)
        def boom():
            raise ValueError("bad input")
    """
    REFERENCE = {"test_relative": {"rss_peak_mib": 0.01}, "test_relative#2": {"rss_peak_mib": 0.01}}

    def test_absolute(self):
        m = memory.assert_peak_below(lambda: self.m.gen_total(10 ** 6), absolute_mib=5)
        self.assertLess(m.peak_mib, 1)
        rec = self.ctx.measurements["memory"]
        self.assertEqual(rec["limit_mib"], 5)
        self.assertIn("samples", rec)
        with self.assertRaises(MemgradeFailure) as cm:
            memory.assert_peak_below(lambda: self.m.list_total(10 ** 6), absolute_mib=20)
        self.assertIn("the limit is 20 MiB", cm.exception.message)
        self.assertGreater(cm.exception.measurements["peak_mib"], 30)

    def test_relative(self):
        memory.assert_peak_below(lambda: self.m.gen_total(10 ** 5), relative_to_reference=1.5, absolute_mib=30)
        with self.assertRaises(MemgradeFailure) as cm:
            memory.assert_peak_below(lambda: self.m.list_total(10 ** 6), relative_to_reference=1.5,
                                     absolute_mib=300)
        self.assertIn("reference solution", cm.exception.message)
        self.assertEqual(self.ctx.measurements["memory_2"]["key"], "test_relative#2")

    def test_tracemalloc_and_order(self):
        m = memory.measure(lambda: self.m.list_total(10 ** 5), method="tracemalloc")
        self.assertGreater(m.peak_mib, 3)
        self.assertLess(m.peak_mib, 5)
        with self.assertRaises(HarnessUsageError):
            memory.measure(lambda: None, method="rss")   # RSS after tracemalloc: refused

    def test_top_allocations(self):
        keep = []
        top = memory.top_allocations(lambda: keep.append([str(i) for i in range(10000)]))
        self.assertEqual(top, [])   # the allocation is in the test, not the student's file
        top = memory.top_allocations(lambda: self.m.list_total(10 ** 4) and [self.m.gen_total(10)])
        self.assertIsInstance(top, list)

    def test_exception_propagates(self):
        with self.assertRaises(ValueError):
            memory.measure(self.m.boom)

    def test_no_budget(self):
        with self.assertRaises(HarnessUsageError):
            memory.assert_peak_below(lambda: None)


class SizesTest(StudentModuleCase):
    SOURCE = """
        class Slotted:
            __slots__ = ("x", "y")
            def __init__(self, x, y):
                self.x, self.y = x, y
        class Plain:
            def __init__(self, x, y):
                self.x, self.y = x, y
        class Leaky(Slotted):
            pass
    """

    def test_slots(self):
        sizes.assert_uses_slots(self.m.Slotted, sample=self.m.Slotted(1, 2))
        with self.assertRaises(MemgradeFailure):
            sizes.assert_uses_slots(self.m.Plain)
        with self.assertRaises(MemgradeFailure) as cm:
            sizes.assert_uses_slots(self.m.Leaky)
        self.assertIn("Leaky", cm.exception.message)

    def test_instance_size(self):
        s = sizes.instance_size(lambda i: self.m.Slotted(i, i))
        p = sizes.instance_size(lambda i: self.m.Plain(i, i))
        self.assertLess(s, p)
        sizes.assert_instance_size_below(lambda i: self.m.Slotted(i, i), 80)
        with self.assertRaises(MemgradeFailure):
            sizes.assert_instance_size_below(lambda i: self.m.Plain(i, i), int(s))

    def test_deep_size(self):
        data = {"a": [1, 2, 3], "b": ("x" * 100,)}
        expected = (sys.getsizeof(data) + sys.getsizeof("a") + sys.getsizeof("b") + sys.getsizeof([1, 2, 3])
                    + sum(sys.getsizeof(i) for i in (1, 2, 3)) + sys.getsizeof(("x" * 100,))
                    + sys.getsizeof("x" * 100))
        self.assertEqual(sizes.deep_size(data), expected)
        obj = self.m.Plain([1] * 1000, None)
        self.assertGreater(sizes.deep_size(obj), sys.getsizeof([1] * 1000))
        with self.assertRaises(MemgradeFailure):
            sizes.assert_deep_size_below(obj, 100)
        self.assertGreater(sizes.getsizeof([1] * 1000), 8000)


class StudentImportTest(unittest.TestCase):
    def test_syntax_error_message(self):
        d = tempfile.mkdtemp()
        path = os.path.join(d, "solution.py")
        with open(path, "w") as f:
            f.write("x = 1\nif x\n    pass\n")
        errors.set_student_files({path: "solution.py"})
        api._loaded.clear()
        api.set_context(api.Context(student_dir=d, student_files=["solution.py"]))
        with self.assertRaises(errors.StudentError) as cm:
            api.student("solution")
        msg = cm.exception.message
        self.assertTrue(msg.startswith("solution.py, line 2: SyntaxError: expected ':'"), msg)
        self.assertIn("    if x\n", msg + "\n")
        api._loaded.clear()
        shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
