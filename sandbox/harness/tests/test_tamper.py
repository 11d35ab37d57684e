"""Tampering student modules (tests/fixtures/tamper/) earn nothing they did not earn honestly.

Each case runs the real supervisor and judge: children as the student uid, the reference run,
the out-of-process checks.  The honest scores are: cache leaking 1/4, tree leaking 2/5.
The repository's attack suite (test/fixtures/attacks) is graded in test_judge.py."""

import time
import unittest

from helpers import fixture_source, grade, needs_root


class Monkeypatching(unittest.TestCase):
    def test_refcount_tools_patched(self):
        r = grade("cache", "patch_refcount.py")
        self.assertEqual(r.score, 1)
        t = r.test("process keeps no reference to its record")
        self.assertEqual(t["measurements"]["leaked"], 100)
        self.assertEqual(t["measurements"]["refcount_delta"], 1)
        codes = {(f["kind"], f["code"]) for f in r.doc["flags"]}
        self.assertIn(("static", "monkeypatch"), codes)
        self.assertIn(("runtime", "monkeypatch"), codes)
        runtime = r.flags("runtime", "monkeypatch")[0]["message"]
        for name in ("sys.getrefcount", "gc.collect", "weakref.ref"):
            self.assertIn(name, runtime)

    def test_gc_patched(self):
        r = grade("tree", "patch_gc.py")
        self.assertEqual(r.score, 2)
        self.assertIn("reference cycles", r.test("tree is freed by reference counting")["message"])
        self.assertTrue(r.flags("runtime", "monkeypatch"))

    def test_memory_tools_patched(self):
        r = grade("pipeline", "patch_memory.py")
        rss = r.test("pipeline stays under budget")
        self.assertFalse(rss["passed"])
        self.assertGreater(rss["measurements"]["memory"]["peak_mib"], 30)
        tm = r.test("pipeline allocates little (tracemalloc)")
        self.assertFalse(tm["passed"])
        self.assertGreater(tm["measurements"]["memory"]["peak_mib"], 1)
        self.assertEqual(r.score, 2)   # only the two non-memory tests, which it passes honestly
        self.assertIn("memory_profiler.memory_usage", r.flags("runtime", "monkeypatch")[0]["message"])


class FakeResults(unittest.TestCase):
    def test_fake_stdout_stderr(self):
        r = grade("cache", "fake_output.py")      # run_supervisor checks stdout is exactly one signed frame
        self.assertEqual(r.score, 1)
        self.assertIn("MEMGRADE1", r.doc["student_output"]["stdout"])
        self.assertIn('"score": 4', r.doc["student_output"]["stderr"])

    def test_bruteforce_fds(self):
        r = grade("cache", "fd_bruteforce.py")
        self.assertEqual(r.score, 0)
        self.assertTrue(r.flags("channel", "message-channel-garbled"))
        self.assertTrue(r.stdout.startswith(b"MEMGRADE1 "))  # the one frame (student text only inside it)

    def test_early_exit(self):
        r = grade("cache", "early_exit.py")
        self.assertEqual(r.score, 0)
        for t in r.doc["tests"]:
            self.assertEqual(t["status"], "crashed")
        self.assertFalse(r.doc["out_of_process"][0]["passed"])


class FrameWalkingForger(unittest.TestCase):
    """The forger of MEASUREMENTS.md: a SIGALRM handler that walks f_back to the harness's test
    runner and sends a pass on its channel.  Signal handlers are refused before it can arm one
    (guard.py), so its import fails with a message naming the line."""

    def test_forger_is_refused_a_signal_handler(self):
        def back_all(plan):         # as before: even with every test backed out of process
            for t in plan["tests"]:
                t["backed_by"] = ["process-rss"]
        r = grade("cache", "forger.py", plan_patch=back_all)
        self.assertEqual(r.score, 0)
        self.assertEqual(r.doc["verdict"], "import_error")
        line = fixture_line("forger.py", "signal.signal(")
        for t in r.doc["tests"]:
            self.assertFalse(t["passed"])
            self.assertTrue(t["message"].startswith("solution.py, line %d: " % line), t["message"])
            self.assertIn("signal.signal() is not available in submissions", t["message"])
        blocked = r.flags("blocked", "blocked-signal")
        self.assertEqual([(f["file"], f["line"], f["severity"]) for f in blocked], [("solution.py", line, "high")])
        codes = {(f["kind"], f["code"]) for f in r.doc["flags"]}
        for c in (("static", "import-signal"), ("static", "frame-access")):
            self.assertIn(c, codes)


def fixture_line(name, needle):
    for i, line in enumerate(fixture_source("cache", name).splitlines(), 1):
        if needle in line:
            return i
    raise KeyError(needle)


@needs_root
class Processes(unittest.TestCase):
    def test_student_cannot_fork(self):
        r = grade("cache", "daemon.py")
        self.assertEqual(r.score, 0)
        line = fixture_line("daemon.py", "os.fork()")
        self.assertIn("solution.py, line %d: os.fork() is not available in submissions" % line,
                      r.doc["tests"][0]["message"])
        self.assertEqual([(f["file"], f["line"]) for f in r.flags("blocked", "blocked-os.fork")],
                         [("solution.py", line)])
        self.assertTrue(r.flags("static", "fork"))

    # Student code cannot fork any more; the instructor's code still may (a test process may
    # fork), so a daemon left behind by a test shows that the judge kills it before the next
    # process: it holds the output pipes and prints for a minute.
    DAEMON_TESTS = '''
import os, sys, time
from memgrade_harness import answer, student, test

@test("leaves a daemon", points=1)
def _():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(600):
                print("daemon still here", flush=True)
                time.sleep(0.1)
        os._exit(0)
    time.sleep(0.3)
    answer("ok", 1)

@test("next test", points=1)
def _():
    time.sleep(0.3)
    answer("ok", 1)
'''

    def test_daemon_is_killed_before_the_next_process(self):
        def patch(plan):
            plan["tests"] = [{"module": "test_daemon", "name": n} for n in ("leaves a daemon", "next test")]
            plan["amplified"] = []
        t0 = time.monotonic()
        r = grade("cache", "correct.py", plan_patch=patch, tests={"test_daemon.py": self.DAEMON_TESTS})
        self.assertLess(time.monotonic() - t0, 15)
        self.assertEqual(r.score, 2, [t["message"] for t in r.doc["tests"]])
        sections = {s["label"]: s["stdout"] for s in r.doc["student_output"]["sections"]}
        self.assertIn("daemon still here", sections["test 1"])
        self.assertLess(sections["test 1"].count("daemon still here"), 20)
        self.assertNotIn("daemon still here", sections.get("test 2", ""))

    def test_cannot_kill_supervisor(self):
        r = grade("cache", "kill_others.py")
        self.assertEqual(r.score, 1)
        self.assertIn("PermissionError", r.doc["student_output"]["stdout"])
        self.assertNotIn("kill 1: None", r.doc["student_output"]["stdout"])


if __name__ == "__main__":
    unittest.main()
