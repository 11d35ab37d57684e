"""Tampering student modules (tests/fixtures/tamper/) earn nothing they did not earn honestly.

Each case runs the real supervisor: children as the student uid, signed frames, the
out-of-process checks.  The honest scores are: cache leaking 1/4, tree leaking 2/5."""

import time
import unittest

from helpers import grade, needs_root


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
        self.assertTrue(r.flags("channel", "result-channel-tampered"))
        self.assertTrue(r.stdout.startswith(b"MEMGRADE1 "))  # the one frame (student text only inside it)

    def test_early_exit(self):
        r = grade("cache", "early_exit.py")
        self.assertEqual(r.score, 0)
        for t in r.doc["tests"]:
            self.assertEqual(t["status"], "crashed")
        self.assertFalse(r.doc["out_of_process"][0]["passed"])


class FrameWalkingForger(unittest.TestCase):
    """The forger of MEASUREMENTS.md: a SIGALRM handler walks f_back to the harness's test
    runner and sends a signed pass on its channel.  In-process it succeeds; the static scan
    flags it and the out-of-process check contradicts the forged pass."""

    def test_forger_caught_out_of_process(self):
        r = grade("cache", "forger.py")
        t = r.test("process keeps no reference to its record")
        self.assertFalse(t["passed"])
        self.assertEqual(t["status"], "contradicted")
        self.assertIn("out-of-process", t["message"])
        self.assertEqual(t["measurements"]["leaked"], 0)          # the forged in-process figure
        self.assertGreater(r.doc["out_of_process"][0]["growth_mib"], 60)
        codes = {(f["kind"], f["code"]) for f in r.doc["flags"]}
        for c in (("static", "import-signal"), ("static", "frame-access"), ("runtime", "async-hooks"),
                  ("contradiction", "out-of-process-contradiction")):
            self.assertIn(c, codes)
        # The hidden refcount test is not backed out of process: its forged pass stands (flagged).
        self.assertEqual(r.score, 2)

    def test_forger_with_every_test_backed(self):
        def back_all(plan):
            for t in plan["tests"]:
                t["backed_by"] = ["process-rss"]
        r = grade("cache", "forger.py", plan_patch=back_all)
        self.assertLessEqual(r.score, 1)   # the honest leaking solution scores 1
        self.assertFalse(r.test("refcount delta is zero")["passed"])


@needs_root
class Processes(unittest.TestCase):
    def test_daemon_is_reaped(self):
        t0 = time.monotonic()
        r = grade("cache", "daemon.py")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(r.score, 4)
        self.assertTrue(r.flags("static", "fork"))

    def test_cannot_kill_supervisor(self):
        r = grade("cache", "kill_others.py")
        self.assertEqual(r.score, 1)
        self.assertIn("PermissionError", r.doc["student_output"]["stdout"])
        self.assertNotIn("kill 1: None", r.doc["student_output"]["stdout"])


if __name__ == "__main__":
    unittest.main()
