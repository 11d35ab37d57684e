"""End to end: the real supervisor and judge, real child processes as the student uid (and the
reference solution as the reference uid), one signed result frame."""

import json
import os
import shutil
import subprocess
import sys
import time
import unittest

from helpers import HARNESS, TEST_UID, grade, graded, make_task, needs_root, run_supervisor


class FixtureScores(unittest.TestCase):
    """The sample exercises: correct solutions get full marks, leaking ones lose exactly the
    memory tests, with feedback that names the problem."""

    def test_cache_correct(self):
        r = graded("cache", "correct.py")
        self.assertEqual(r.doc["status"], "ok")
        self.assertEqual((r.score, r.doc["max_score"]), (4, 4))
        self.assertEqual(r.doc["out_of_process"][0]["passed"], True)
        self.assertLess(r.doc["out_of_process"][0]["growth_mib"], 5)
        self.assertEqual(r.test("process keeps no reference to its record")["measurements"]["leaked"], 0)
        for t in r.doc["tests"]:       # every point comes from answers the judge compared
            self.assertEqual(t["status"], "passed")
            self.assertGreater(t["evidence"]["answers"], 0)
            self.assertTrue(t["evidence"]["answers_match"])
        self.assertEqual(r.doc["verdict"], "ok")
        self.assertEqual(r.doc["warnings"], [])
        self.assertEqual(r.doc["flags"], [])

    def test_cache_leaking(self):
        r = graded("cache", "leaking.py")
        self.assertEqual(r.score, 1)
        t = r.test("process keeps no reference to its record")
        self.assertFalse(t["passed"])
        self.assertEqual(t["measurements"]["leaked"], 100)
        self.assertEqual(t["measurements"]["refcount_delta"], 1)
        self.assertIn("module-level variable `_seen`", t["message"])
        self.assertTrue(r.test("refcount delta is zero")["hidden"])
        oop = r.doc["out_of_process"][0]
        self.assertFalse(oop["passed"])
        self.assertGreater(oop["growth_mib"], 60)
        self.assertEqual(r.flags("contradiction"), [])   # in-process already failed: no contradiction
        self.assertEqual(r.flags("evidence"), [])        # its answers are right: only memory points lost
        self.assertEqual({t["name"]: t["status"] for t in r.doc["tests"]},
                         {"process keeps no reference to its record": "failed",
                          "process returns the payload size": "passed", "refcount delta is zero": "failed"})

    def test_tree(self):
        good = grade("tree", "correct.py")
        self.assertEqual(good.score, 5)
        self.assertTrue(all(t["evidence"]["answers_match"] for t in good.doc["tests"]))
        bad = grade("tree", "leaking.py")
        self.assertEqual(bad.score, 2)
        self.assertEqual(bad.test("tree is freed by reference counting")["status"], "failed")
        t = bad.test("tree is freed by reference counting")
        self.assertIn("reference cycles", t["message"])
        self.assertIn(".parent", t["message"])
        self.assertGreater(bad.doc["out_of_process"][0]["growth_mib"], 30)

    def test_pipeline(self):
        good = grade("pipeline", "correct.py")
        self.assertEqual(good.score, 6, [t["message"] for t in good.doc["tests"]])
        mem = good.test("pipeline stays under budget")["measurements"]["memory"]
        self.assertEqual(mem["method"], "rss")
        self.assertGreater(len(mem["samples"]), 0)
        self.assertTrue(all(t["evidence"]["answers_match"] for t in good.doc["tests"]))
        bad = grade("pipeline", "leaking.py")
        self.assertEqual(bad.score, 1)
        self.assertEqual(bad.flags("evidence"), [])
        t = bad.test("pipeline stays under budget")
        self.assertGreater(t["measurements"]["memory"]["peak_mib"], 30)
        self.assertIn("reference solution", t["message"])
        self.assertIn("__slots__", bad.test("points use __slots__")["message"])


class ResultDocument(unittest.TestCase):
    def test_shape(self):
        r = graded("cache", "correct.py")
        d = r.doc
        for k in ("format", "status", "score", "max_score", "tests", "flags", "out_of_process",
                  "student_output", "harness_version", "python_version", "warnings", "duration_ms"):
            self.assertIn(k, d)
        for t in d["tests"]:
            for k in ("name", "score", "max_score", "passed", "message", "hidden", "detail",
                      "measurements", "status"):
                self.assertIn(k, t)
        self.assertEqual(d["format"], "memgrade-result/1")
        self.assertEqual(r.stderr, b"")

    def test_stdout_is_only_the_frame_and_output_is_capped(self):
        task = make_task("cache", "import sys\nprint('hello from student')\nsys.stderr.write('err!\\n')\n"
                                  "sys.stderr.write('x' * 300000)\n"
                                  "def process(r):\n    print('called')\n    return len(r.payload or b'')\n")
        r = run_supervisor(task)
        # decode_all in run_supervisor already proved stdout is one frame and nothing else
        out = r.doc["student_output"]
        self.assertIn("hello from student", out["stdout"])
        self.assertIn("called", out["stdout"])
        self.assertIn("err!", out["stderr"])
        self.assertNotIn(b"hello", r.stdout.split(b"\n", 1)[0])
        sections = {s["label"]: s for s in out["sections"]}
        self.assertIn("called", sections["test 2"]["stdout"])
        self.assertTrue(out["truncated"])
        self.assertLessEqual(len(out["stderr"]), 65536 + 100)
        self.assertGreaterEqual(out["bytes"]["stderr"], 300000)
        self.assertEqual(r.score, 4)       # printing costs nothing

    def test_key_required(self):
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": HARNESS}
        p = subprocess.run([sys.executable, "-m", "memgrade_harness", "--task", "/nonexistent"],
                           input=b"short\n", capture_output=True, env=env)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, b"")

    def test_plan_error_is_signed(self):
        task = make_task("cache", "correct.py", plan_patch=lambda p: p.update(tests="nope"))
        r = run_supervisor(task)
        self.assertEqual(r.doc["status"], "plan_error")
        self.assertIn("plan.tests", r.doc["error"])


class CustomWorkload(unittest.TestCase):
    WORKLOAD = """
from memgrade_harness import Probe, student

def storm(n):
    m = student("solution")
    for i in range(n):
        m.process(Probe(i, 4096))
"""

    def patch(self, plan):
        plan["amplified"] = [{"id": "storm", "max_growth_mib": 20,
                              "workload": {"kind": "custom", "module": "workloads", "function": "storm",
                                           "calls": 20000, "warmup": 10}}]
        plan["tests"][0]["backed_by"] = ["storm"]

    def test_custom(self):
        bad = grade("cache", "leaking.py", plan_patch=self.patch, tests={"workloads.py": self.WORKLOAD})
        self.assertGreater(bad.doc["out_of_process"][0]["growth_mib"], 60)
        self.assertEqual(bad.doc["out_of_process"][0]["kind"], "custom")
        good = grade("cache", "correct.py", plan_patch=self.patch, tests={"workloads.py": self.WORKLOAD})
        self.assertTrue(good.doc["out_of_process"][0]["passed"])
        self.assertEqual(good.score, 4)


def no_workload(plan):
    """The fixture's plan without its out-of-process check (for tests about something else)."""
    plan["amplified"] = []
    for t in plan["tests"]:
        t["backed_by"] = []


class StudentErrors(unittest.TestCase):
    def test_syntax_error(self):
        r = grade("cache", "x = 1\n\ndef process(r:\n    return 1\n", plan_patch=no_workload)
        self.assertEqual(r.doc["status"], "student_error")
        for t in r.doc["tests"]:
            self.assertFalse(t["passed"])
            self.assertTrue(t["message"].startswith("solution.py, line 3: SyntaxError"), t["message"])
            self.assertIn("def process(r:", t["message"])
            self.assertNotIn("memgrade_harness", t["message"])
        self.assertEqual(r.score, 0)
        self.assertEqual(r.doc["out_of_process"], [])

    def test_import_error(self):
        r = grade("cache", "import os\n\nLIMIT = int(os.environ['NOPE'])\n\ndef process(r):\n    return 0\n",
                  plan_patch=no_workload)
        self.assertEqual(r.doc["status"], "student_error")
        msg = r.doc["tests"][0]["message"]
        self.assertTrue(msg.startswith("solution.py, line 3: KeyError: 'NOPE'"), msg)
        self.assertIn("LIMIT = int(os.environ['NOPE'])", msg)
        self.assertNotIn("memgrade_harness", msg + (r.doc["tests"][0]["detail"] or ""))
        self.assertNotIn("importlib", msg + (r.doc["tests"][0]["detail"] or ""))

    def test_missing_module_import(self):
        r = grade("cache", "import numpy_not_there\n", plan_patch=no_workload)
        msg = r.doc["tests"][0]["message"]
        self.assertIn("solution.py, line 1: ModuleNotFoundError", msg)

    def test_missing_file(self):
        r = grade("cache", None, files={"other.py": "x = 1\n"}, plan_patch=no_workload)
        self.assertEqual(r.doc["status"], "student_error")
        self.assertIn("missing", r.doc["tests"][0]["message"])

    def test_exit_at_import(self):
        r = grade("cache", "import sys\nsys.exit(3)\n", plan_patch=no_workload)
        self.assertIn("exit", r.doc["tests"][0]["message"])
        self.assertEqual(r.score, 0)

    def test_runtime_error_points_at_student_line(self):
        src = "def helper(d):\n    return d['missing']\n\ndef process(r):\n    return helper({})\n"
        r = grade("cache", src, plan_patch=no_workload)
        t = r.test("process returns the payload size")
        self.assertEqual(t["status"], "error")
        self.assertTrue(t["message"].startswith("solution.py, line 2, in helper: KeyError: 'missing'"), t["message"])
        self.assertIn('File "solution.py", line 5, in process', t["detail"])
        self.assertNotIn("memgrade_harness", t["detail"])

    def test_endless_import(self):
        r = grade("cache", "while True:\n    pass\n",
                  plan_patch=lambda p: (no_workload(p), p.setdefault("defaults", {}).update(time_limit_s=1)))
        self.assertIn("did not finish", r.doc["tests"][0]["message"])


class CpuTime(unittest.TestCase):
    """Time limits count the CPU time a process used, read by the judge from /proc."""

    def test_cpu_seconds_follow_the_work(self):
        from memgrade_harness import procs
        before = procs.cpu_seconds(os.getpid())
        started = time.process_time()
        while time.process_time() - started < 0.3:
            pass
        after = procs.cpu_seconds(os.getpid())
        assert before is not None and after is not None     # this process is alive
        used = after - before
        self.assertGreater(used, 0.2)
        self.assertLess(used, 1.0)
        self.assertIsNone(procs.cpu_seconds(2 ** 22 + 1))

    def test_run_queue_time_is_read(self):
        from memgrade_harness import procs
        self.assertIsInstance(procs.run_queue_seconds(os.getpid()), float)
        self.assertIsNone(procs.run_queue_seconds(2 ** 22 + 1))


class Isolation(unittest.TestCase):
    """A crash, timeout or memory blow-up in one test fails that test only."""

    TESTS = '''
from memgrade_harness import answer, student, test

@test("fine", points=1)
def _():
    assert student("solution").ok() == 1
    answer("ok", student("solution").ok())

@test("slow", points=1)
def _():
    student("solution").spin()

@test("hog", points=1)
def _():
    student("solution").hog()

@test("segfault", points=1)
def _():
    student("solution").crash()

@test("exits", points=1)
def _():
    student("solution").leave()

@test("sleeps", points=1)
def _():
    student("solution").sleep()

@test("fine again", points=1)
def _():
    assert student("solution").ok() == 1
    answer("ok", student("solution").ok())
'''
    SOLUTION = '''
import os
def ok():
    return 1
def spin():
    while True:
        pass
def hog():
    blocks = []
    while True:
        blocks.append(b"x" * (16 << 20))
def sleep():
    import time
    time.sleep(3600)
def crash():
    import faulthandler
    faulthandler._sigsegv()
def leave():
    os._exit(0)
'''

    # The reference runs every test in one process: it must come back from each.
    REFERENCE = "def ok():\n    return 1\n\n\ndef spin():\n    pass\n\n\nhog = crash = leave = sleep = spin\n"

    def patch(self, plan):
        plan["tests"] = [{"module": "test_iso", "name": n, "points": 1} for n in
                         ("fine", "slow", "hog", "segfault", "exits", "sleeps", "fine again")]
        plan["tests"][1]["time_limit_s"] = 1
        plan["tests"][5]["time_limit_s"] = 1
        plan["tests"][2]["memory_mib"] = 64
        plan["amplified"] = []

    def test_isolation(self):
        r = grade("cache", self.SOLUTION, plan_patch=self.patch, tests={"test_iso.py": self.TESTS},
                  reference=self.REFERENCE)
        st = {t["name"]: t for t in r.doc["tests"]}
        self.assertTrue(st["fine"]["passed"])
        self.assertTrue(st["fine again"]["passed"])
        self.assertEqual(st["slow"]["status"], "timeout")
        self.assertIn("time limit of 1 s", st["slow"]["message"])
        self.assertEqual(st["hog"]["status"], "memory_limit")
        self.assertIn("memory ceiling is 64 MiB", st["hog"]["message"])
        self.assertIn("solution.py, line 11, in hog", st["hog"]["message"])
        self.assertEqual(st["segfault"]["status"], "crashed")
        self.assertIn("SIGSEGV", st["segfault"]["message"])
        self.assertEqual(st["exits"]["status"], "crashed")
        self.assertIn("os._exit()", st["exits"]["message"])
        # Time limits count CPU time; a test that sleeps is stopped by the clock, at twice the limit.
        self.assertEqual(st["sleeps"]["status"], "timeout")
        self.assertIn("without using the CPU", st["sleeps"]["message"])
        self.assertEqual(r.score, 2)
        self.assertEqual(r.doc["verdict"], "ok")      # failures of several kinds: no single verdict


@needs_root
class Privileges(unittest.TestCase):
    """Student code runs as the student uid/gid with no capabilities and cannot see the supervisor."""

    PROBE = r'''
import os
def report():
    st = {}
    for line in open("/proc/self/status"):
        k, _, v = line.partition(":")
        st[k] = v.split()
    out = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(),
           "CapEff": st["CapEff"][0], "CapPrm": st["CapPrm"][0], "NoNewPrivs": st.get("NoNewPrivs", ["?"])[0]}
    ppid = os.getppid()
    for what in ("environ", "mem", "fd", "maps", "cmdline"):
        try:
            p = "/proc/%d/%s" % (ppid, what)
            os.listdir(p) if what == "fd" else open(p, "rb").read(64)
            out[what] = "readable"
        except OSError as e:
            out[what] = type(e).__name__
    # Every root process above it (the zygote that forked it, the judge, the supervisor).
    out["ancestors"] = {}
    pid, depth = ppid, 1
    while pid > 1:
        status = dict(l.split(":", 1) for l in open("/proc/%d/status" % pid) if ":" in l)
        if status["Uid"].split()[0] != "0":
            break
        for what in ("environ", "mem", "maps"):
            try:
                open("/proc/%d/%s" % (pid, what), "rb").read(64)
                out["ancestors"]["%d %s" % (depth, what)] = "readable"
            except OSError as e:
                out["ancestors"]["%d %s" % (depth, what)] = type(e).__name__
        pid, depth = int(status["PPid"]), depth + 1
    try:
        os.kill(ppid, 0)
        out["kill_parent"] = "allowed"
    except OSError as e:
        out["kill_parent"] = type(e).__name__
    try:
        out["stdin"] = repr(os.read(0, 100))
    except OSError as e:
        out["stdin"] = type(e).__name__
    try:
        open(__file__, "a").write("# modified\n")
        out["write_own_file"] = "allowed"
    except OSError as e:
        out["write_own_file"] = type(e).__name__
    try:
        open("/proc/self/mem", "rb").read(1)
        out["self_mem"] = "readable"
    except OSError as e:
        out["self_mem"] = type(e).__name__
    # The task directory as the platform delivers it: plan.json, tests/ and reference/ are root's.
    out["task"] = {}
    for folder, dirs, files in os.walk("/tmp"):
        if "plan.json" in files and "student" in dirs:
            for what in ("plan.json", "tests", "tests/test_probe.py", "reference", "reference/solution.py"):
                p = os.path.join(folder, what)
                try:
                    os.listdir(p) if os.path.isdir(p) else open(p, "rb").read(16)
                    out["task"][what] = "readable"
                except OSError as e:
                    out["task"][what] = type(e).__name__
            break
    print("PROBE " + __import__("json").dumps(out))
    return 0
'''

    def test_child_identity(self):
        tests = '''
from memgrade_harness import student, test
@test("probe", points=1)
def _():
    student("solution").report()
'''

        def patch(plan):
            plan["tests"] = [{"module": "test_probe", "name": "probe"}]
            plan["amplified"] = []
        # No answer() in the probe test: it scores nothing (grader_error), but its process ran.
        r = grade("cache", self.PROBE, plan_patch=patch, tests={"test_probe.py": tests})
        line = [s for s in r.doc["student_output"]["stdout"].splitlines() if s.startswith("PROBE ")][0]
        info = json.loads(line[6:])
        self.assertEqual((info["uid"], info["euid"], info["gid"], info["groups"]), (TEST_UID, TEST_UID, TEST_UID, []))
        self.assertEqual(int(info["CapEff"], 16), 0)
        self.assertEqual(int(info["CapPrm"], 16), 0)
        self.assertEqual(info["NoNewPrivs"], "1")
        for what in ("environ", "mem", "fd", "maps"):
            self.assertEqual(info[what], "PermissionError", what)
        self.assertEqual(info["kill_parent"], "PermissionError")
        self.assertTrue(info["ancestors"])
        self.assertEqual(set(info["ancestors"].values()), {"PermissionError"}, info["ancestors"])
        self.assertEqual(info["stdin"], "b''")
        self.assertEqual(info["write_own_file"], "PermissionError")
        self.assertEqual(info["self_mem"], "PermissionError")        # non-dumpable (guard.py)
        self.assertEqual(info["task"], {w: "PermissionError" for w in (
            "plan.json", "tests", "tests/test_probe.py", "reference", "reference/solution.py")})


def _has_cap_chown():
    with open("/proc/self/status") as f:
        eff = next(line for line in f if line.startswith("CapEff:")).split()[1]
    return bool(int(eff, 16) & 1)  # CAP_CHOWN is bit 0


@needs_root
@unittest.skipUnless(shutil.which("setpriv"), "needs setpriv (util-linux)")
@unittest.skipUnless(_has_cap_chown(), "already inside the container's capability set (the suite itself runs there)")
class ContainerCapabilities(unittest.TestCase):
    """As in the container: uid 0 with only CAP_SETUID, CAP_SETGID, CAP_KILL and no_new_privs,
    reading a task whose files belong to another user (no CAP_DAC_OVERRIDE)."""

    def test_three_capabilities_only(self):
        task = make_task("cache", "leaking.py")
        for dirpath, dirnames, filenames in os.walk(task):
            os.chown(dirpath, 1234, 1234)
            for fn in filenames:
                os.chown(os.path.join(dirpath, fn), 1234, 1234)
        prefix = ["setpriv", "--bounding-set=-all,+setuid,+setgid,+kill", "--inh-caps=-all", "--no-new-privs"]
        r = run_supervisor(task, prefix=prefix)
        self.assertEqual(r.doc["status"], "ok", r.doc.get("error"))
        self.assertEqual(r.score, 1)
        self.assertGreater(r.doc["out_of_process"][0]["growth_mib"], 60)


if __name__ == "__main__":
    unittest.main()
