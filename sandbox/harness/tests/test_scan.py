import unittest

import helpers  # noqa: F401
from memgrade_harness.scan import scan_source

SOURCE = '''import sys, gc as g
import signal
import ctypes
from os import _exit
import os

def f(frame):
    x = frame.f_back.f_locals
    y = sys._getframe(1).f_globals
    tb = None
    z = tb.tb_frame
    c = f.__code__
    h = f.__globals__
    s = object.__subclasses__()
    b = __builtins__
    sys.getrefcount = lambda o: 2
    g.collect = lambda: 0
    setattr(sys, "getsizeof", len)
    os._exit(0)
    os.kill(1, 9)
    os.fork()
    eval("1")
    getattr(frame, "f_" + "back")
    import memory_profiler
    memory_profiler.memory_usage = None
    import tracemalloc as t
    t.get_traced_memory = None
    gen = (i for i in [])
    gen.gi_frame
'''


class ScanTest(unittest.TestCase):
    def setUp(self):
        self.flags = scan_source(SOURCE, "solution.py")

    def at(self, line):
        return {(f["code"], f["severity"]) for f in self.flags if f["line"] == line}

    def test_lines(self):
        self.assertIn(("import-signal", "high"), self.at(2))
        self.assertIn(("import-ctypes", "high"), self.at(3))
        self.assertIn(("process-exit", "high"), self.at(4))
        self.assertIn(("frame-access", "high"), self.at(8))
        self.assertIn(("frame-access", "high"), self.at(9))
        self.assertIn(("frame-access", "high"), self.at(11))
        self.assertIn(("introspection", "high"), self.at(12))
        self.assertIn(("introspection", "high"), self.at(13))
        self.assertIn(("introspection", "high"), self.at(14))
        self.assertIn(("introspection", "high"), self.at(15))
        self.assertIn(("monkeypatch", "high"), self.at(16))
        self.assertIn(("monkeypatch", "high"), self.at(17))   # through the alias g
        self.assertIn(("monkeypatch", "high"), self.at(18))   # setattr(sys, ...)
        self.assertIn(("process-exit", "high"), self.at(19))
        self.assertIn(("signal-processes", "high"), self.at(20))
        self.assertIn(("fork", "high"), self.at(21))
        self.assertIn(("dynamic-code", "medium"), self.at(22))
        self.assertIn(("dynamic-getattr", "low"), self.at(23))
        self.assertIn(("monkeypatch", "high"), self.at(25))
        self.assertIn(("monkeypatch", "high"), self.at(27))   # alias t of tracemalloc
        self.assertIn(("frame-access", "high"), self.at(29))

    def test_flag_fields(self):
        f = [f for f in self.flags if f["line"] == 16 and f["code"] == "monkeypatch"][0]
        self.assertEqual(f["file"], "solution.py")
        self.assertEqual(f["text"], "sys.getrefcount = lambda o: 2")
        self.assertEqual(f["kind"], "static")

    def test_clean_solution_has_no_high_flags(self):
        clean = "import weakref\n\nclass Node:\n    def __init__(self):\n        self.parent = None\n"
        self.assertEqual(scan_source(clean, "solution.py"), [])
        gcuse = "import gc\n\ndef f():\n    return gc.get_referrers(f)\n"
        self.assertEqual({f["severity"] for f in scan_source(gcuse, "solution.py")}, {"low"})

    def test_syntax_error_raises(self):
        with self.assertRaises(SyntaxError):
            scan_source("def (:\n", "solution.py")


if __name__ == "__main__":
    unittest.main()
