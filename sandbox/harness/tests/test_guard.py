"""guard.py: the hardening of every process that runs student code.

Each case runs tests/guard_probe.py, a fresh interpreter hardened as child.py hardens its own
(kernel, seccomp, audit hook), as the student uid when the suite runs as root, importing a
student file whose ``t_*`` functions try one tool each."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from helpers import HARNESS, IS_ROOT, TEST_UID, TESTS, tmp_root

# One function per refused tool; the line that uses it ends in "# <- name" (the expected line).
STUDENT = r'''
import gc
import signal
import subprocess
import sys


def t_getframe():
    return sys._getframe()  # <- t_getframe


def t_current_frames():
    return sys._current_frames()  # <- t_current_frames


def t_settrace():
    sys.settrace(lambda *a: None)  # <- t_settrace


def t_setprofile():
    sys.setprofile(lambda *a: None)  # <- t_setprofile


def t_get_objects():
    return len(gc.get_objects())  # <- t_get_objects


def t_get_referrers():
    return len(gc.get_referrers(sys))  # <- t_get_referrers


def t_get_referents():
    return len(gc.get_referents(sys))  # <- t_get_referents


def t_tb_frame():
    try:
        raise ValueError("x")
    except ValueError as exc:
        return exc.__traceback__.tb_frame  # <- t_tb_frame


def t_gi_frame():
    gen = (i for i in range(3))
    return gen.gi_frame  # <- t_gi_frame


def t_cr_frame():
    async def co():
        pass
    c = co()
    try:
        return c.cr_frame  # <- t_cr_frame
    finally:
        c.close()


def t_ctypes():
    import ctypes  # <- t_ctypes
    return ctypes


def t_ctypes_submodule():
    import ctypes.util  # <- t_ctypes_submodule


def t_addaudithook():
    seen = []
    sys.addaudithook(lambda *a: seen.append(a))  # <- t_addaudithook
    compile("1", "<x>", "eval")
    if not seen:
        raise RuntimeError("refused silently: not added")
    return seen


def t_signal():
    signal.signal(signal.SIGALRM, lambda *a: None)  # <- t_signal


def t_setitimer():
    signal.setitimer(signal.ITIMER_REAL, 0.5)  # <- t_setitimer


def t_alarm():
    signal.alarm(5)  # <- t_alarm


def t_fork():
    import os
    return os.fork()  # <- t_fork


def t_system():
    import os
    return os.system("true")  # <- t_system


def t_subprocess():
    return subprocess.run(["true"])  # <- t_subprocess


def t_replace_code():
    def f():
        return 1

    def g():
        return 2
    f.__code__ = g.__code__  # <- t_replace_code


def t_compile_as_harness():
    import memgrade_harness
    name = memgrade_harness.__file__
    return compile("x = 1", name, "exec")  # <- t_compile_as_harness


def t_compile_as_library():
    import os
    return compile("x = 1", os.__file__, "exec")  # <- t_compile_as_library


def t_code_replace_as_harness():
    import memgrade_harness

    def f():
        return sys._getframe(1)
    return f.__code__.replace(co_filename=memgrade_harness.__file__)  # <- t_code_replace_as_harness


def t_raise_for_harness():
    return {}["missing"]
'''

# Ordinary code that uses frames through the standard library: must keep working, and must
# not count as a refused operation.
ORDINARY = r'''
import collections
import dataclasses
import enum
import logging
import typing

Pair = collections.namedtuple("Pair", "a b")
Color = enum.Enum("Color", "RED GREEN")
T = typing.TypeVar("T")


class Shade(enum.Enum):
    DARK = 1
    LIGHT = 2


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


class Row(typing.NamedTuple):
    key: str
    value: int


log = logging.getLogger("solution")
logging.basicConfig(level=logging.INFO, stream=__import__("io").StringIO())


def t_namedtuple():
    return Pair(1, 2).b + Row("k", 3).value


def t_enum():
    return [Color.GREEN.value, Shade.LIGHT.value, enum.Enum("Local", "A B").B.value]


def t_dataclass():
    return dataclasses.astuple(Point(1, 2))


def t_logging():
    log.info("hello %s", "there")
    log.warning("careful")
    return "logged"
'''

# What the kernel layer refuses when the Python-level layers are stepped around.
KERNEL = r'''
import os


def t_raw_signal():
    import _signal
    _signal.signal(_signal.SIGALRM, lambda *a: None)


def t_trusted_signal():
    from memgrade_harness import _trusted
    _trusted.signal_signal(14, lambda *a: None)


def t_raw_setitimer():
    import _signal
    _signal.setitimer(_signal.ITIMER_REAL, 5.0)


def t_raw_fork():
    import _posixsubprocess
    r, w = os.pipe()
    try:
        # The arguments of CPython 3.11's subprocess.Popen._execute_child (no audit event here).
        pid = _posixsubprocess.fork_exec(["/bin/true"], [b"/bin/true"], True, (w,), None, None,
                                         -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None,
                                         None, None, -1, None, False)
    except OSError:
        os.close(r)
        os.close(w)
        raise
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 200)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return data.decode()      # what the child wrote when exec failed


def t_threads():
    import threading
    box = []
    t = threading.Thread(target=lambda: box.append(1))
    t.start()
    t.join()
    return box


def t_self_mem():
    with open("/proc/self/mem", "rb") as f:
        return f.read(1)


def t_dumpable():
    for line in open("/proc/self/status"):
        if line.startswith("NoNewPrivs"):
            return line.split()[1]


def t_kill_parent():
    os.kill(os.getppid(), 0)
'''


def _line(source, name):
    for i, text in enumerate(source.splitlines(), 1):
        if text.rstrip().endswith("# <- " + name):
            return i
    raise KeyError(name)


def probe(source, processes=False, allow=()):
    d = tempfile.mkdtemp(prefix="guard-", dir=tmp_root())
    os.chmod(d, 0o755)
    path = os.path.join(d, "solution.py")
    with open(path, "w") as f:
        f.write(source)
    os.chmod(path, 0o644)

    def drop():
        os.setgroups([])
        os.setresgid(TEST_UID, TEST_UID, TEST_UID)
        os.setresuid(TEST_UID, TEST_UID, TEST_UID)
    p = subprocess.run([sys.executable, "-B", os.path.join(TESTS, "guard_probe.py"), d,
                        json.dumps({"processes": processes, "allow": list(allow)})],
                       capture_output=True, timeout=60, cwd=d, preexec_fn=drop if IS_ROOT else None,
                       env={"PATH": "/usr/bin:/bin", "PYTHONPATH": HARNESS, "PYTHONDONTWRITEBYTECODE": "1"})
    if p.returncode != 0 or not p.stdout.strip():
        raise AssertionError("guard_probe exited %d: %s" % (p.returncode, p.stderr.decode()[-3000:]))
    return json.loads(p.stdout.decode().strip().splitlines()[-1])


class Refused(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = probe(STUDENT)
        cls.checks = cls.r["checks"]

    def test_layers_loaded(self):
        h = self.r["hardened"]
        self.assertEqual((h["dumpable"], h["no_new_privs"], h["seccomp"], h["audit_hook"]), (True, True, True, True))

    def test_each_tool_names_the_students_file_and_line(self):
        for name, entry in self.checks.items():
            if name == "t_addaudithook":
                # sys.addaudithook() swallows an Exception from a hook: the new hook is not added.
                self.assertEqual(entry.get("text"), "refused silently: not added", entry)
                self.assertEqual([(b["file"], b["line"]) for b in entry["recorded"]],
                                 [("solution.py", _line(STUDENT, name))])
                continue
            with self.subTest(name):
                self.assertIn("blocked", entry, entry)
                line = _line(STUDENT, name)
                self.assertEqual(entry["where"], ["solution.py", line])
                self.assertTrue(entry["blocked"].startswith("solution.py, line %d: " % line), entry["blocked"])
                self.assertTrue(entry["blocked"].endswith("is not available in submissions"), entry["blocked"])
                self.assertNotIn("\n", entry["blocked"])
                self.assertEqual([(b["file"], b["line"]) for b in entry["recorded"]], [("solution.py", line)])

    def test_messages_name_the_tool(self):
        self.assertIn("`ctypes`", self.checks["t_ctypes"]["blocked"])
        self.assertIn("sys._getframe()", self.checks["t_getframe"]["blocked"])
        self.assertIn("gc.get_referrers()", self.checks["t_get_referrers"]["blocked"])
        self.assertIn("tb_frame", self.checks["t_tb_frame"]["blocked"])
        self.assertIn("signal.setitimer()", self.checks["t_setitimer"]["blocked"])
        self.assertIn("os.fork()", self.checks["t_fork"]["blocked"])

    def test_instructor_code_may_use_them(self):
        self.assertEqual(self.r["instructor"], {"getframe": "frame", "referrers": True, "objects": True,
                                                "tb_frame": "frame", "ctypes": 4})

    def test_harness_code_may_use_them(self):
        h = self.r["harness"]
        self.assertIsInstance(h["referrer_kinds"], list)
        self.assertTrue(h["formatted"].startswith("solution.py, line %d, in t_raise_for_harness: KeyError"
                                                  % (STUDENT.splitlines().index("def t_raise_for_harness():") + 2)),
                        h["formatted"])


class Allowed(unittest.TestCase):
    def test_allow_by_name(self):
        r = probe(STUDENT, allow=["gc.get_referrers", "frames"])
        self.assertIn("ok", r["checks"]["t_get_referrers"])
        self.assertIn("ok", r["checks"]["t_tb_frame"])
        self.assertIn("ok", r["checks"]["t_gi_frame"])
        self.assertIn("blocked", r["checks"]["t_get_objects"])
        self.assertIn("blocked", r["checks"]["t_ctypes"])


class OrdinaryCode(unittest.TestCase):
    def test_stdlib_that_looks_at_frames_still_works(self):
        r = probe(ORDINARY)
        self.assertIsNone(r["import_blocked"])
        c = r["checks"]
        self.assertEqual(c["t_namedtuple"]["ok"], "5")
        self.assertEqual(c["t_enum"]["ok"], "[2, 2, 2]")
        self.assertEqual(c["t_dataclass"]["ok"], "(1, 2)")
        self.assertEqual(c["t_logging"]["ok"], "'logged'")

    def test_it_is_not_counted_as_refused(self):
        # A refusal recorded in a test process makes that test "blocked" (0 points, child.run_test):
        # what the standard library asks for on its own behalf and gets over must not be recorded.
        r = probe(ORDINARY)
        self.assertEqual(r["after_import"], [])
        for name, entry in r["checks"].items():
            self.assertEqual(entry["recorded"], [], name)


class Kernel(unittest.TestCase):
    """The seccomp filter and the non-dumpable flag, for what steps around the audit hook."""

    @classmethod
    def setUpClass(cls):
        cls.workload = probe(KERNEL, processes=False)["checks"]
        cls.test = probe(KERNEL, processes=True)["checks"]

    def test_signal_handlers_refused(self):
        for checks in (self.workload, self.test):
            for name in ("t_raw_signal", "t_trusted_signal", "t_raw_setitimer"):
                self.assertIn(checks[name].get("error"), ("PermissionError", "itimer_error"), name)
                self.assertEqual(checks[name].get("errno"), 1, name)      # EPERM from the seccomp filter

    def test_no_new_process_in_a_workload(self):
        self.assertEqual(self.workload["t_raw_fork"].get("error"), "PermissionError", self.workload["t_raw_fork"])

    def test_no_program_in_a_test_process(self):
        # A test process may fork (memory_profiler's monitor) but never exec: the child's execve
        # failed with EPERM ("OSError:1:…" on the error pipe of _posixsubprocess).
        self.assertTrue(self.test["t_raw_fork"].get("ok", "").startswith("'OSError:1:"), self.test["t_raw_fork"])

    def test_threads_still_work(self):
        self.assertEqual(self.workload["t_threads"], {"ok": "[1]", "recorded": []})

    @unittest.skipUnless(IS_ROOT, "the probe runs as the student uid only when the suite is root")
    def test_proc_self_mem_cannot_be_opened(self):
        self.assertEqual(self.workload["t_self_mem"].get("error"), "PermissionError", self.workload["t_self_mem"])
        self.assertEqual(self.workload["t_dumpable"]["ok"], "'1'")

    @unittest.skipUnless(IS_ROOT, "needs the probe to run as another uid than its parent")
    def test_cannot_signal_parent(self):
        self.assertEqual(self.workload["t_kill_parent"].get("error"), "PermissionError")


# A code object claiming a harness file name, built without compile() or code.replace(): the
# marshal format carries co_filename as it is.
FORGED_BY_MARSHAL = r'''
import marshal
import sys

import memgrade_harness


def t_forged_by_marshal():
    real = memgrade_harness.__file__
    fake = real.replace("memgrade_harness", "memgrade_harnesX")
    code = compile("import sys\nframe = sys._getframe(0)\n", fake, "exec")
    forged = marshal.loads(marshal.dumps(code).replace(b"memgrade_harnesX", b"memgrade_harness"))
    assert forged.co_filename == real
    ns = {}
    exec(forged, ns)
    return type(ns["frame"]).__name__ + " from " + ns["frame"].f_code.co_filename
'''


class ForgedCode(unittest.TestCase):
    def test_code_from_marshal_claiming_a_harness_file_is_refused(self):
        entry = probe(FORGED_BY_MARSHAL)["checks"]["t_forged_by_marshal"]
        self.assertNotIn("ok", entry, "student code got a frame through a forged harness code object")
        self.assertIn("blocked", entry, entry)
        # Refused; it is named by the file name the forged code object claims.
        self.assertIn(entry["where"][0], ("solution.py", "__init__.py"))


if __name__ == "__main__":
    unittest.main()
