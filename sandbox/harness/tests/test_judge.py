"""judge.py: points only from evidence the judge checks itself — the reference solution's answers
for this run's seed, the kernel's memory figures of workloads — and hidden material stays hidden."""

import os
import unittest

from helpers import attack_dir, grade, make_task, run_supervisor
from memgrade_harness import taskdir


class Answers(unittest.TestCase):
    # Right structure, no leak, wrong values: every in-process memory check passes.
    OFF_BY_ONE = "def process(record):\n    return (len(record.payload) if record.payload is not None else 0) + 1\n"

    @classmethod
    def setUpClass(cls):
        cls.r = grade("cache", cls.OFF_BY_ONE)

    def test_disagreeing_answers_score_nothing(self):
        r = self.r
        self.assertEqual(r.score, 0)
        t = r.test("refcount delta is zero")
        self.assertEqual(t["status"], "disagreed")
        self.assertEqual(t["score"], 0)
        self.assertFalse(t["evidence"]["answers_match"])
        self.assertIn("are not those of a working solution", t["message"])
        self.assertRegex(t["message"], r"'size' should be (\d+), but your code gave \d+")
        want, got = (int(x) for x in __import__("re").search(r"should be (\d+), but your code gave (\d+)",
                                                             t["message"]).groups())
        self.assertEqual(got, want + 1)
        self.assertEqual(r.test("process keeps no reference to its record")["status"], "disagreed")
        self.assertEqual(r.test("process returns the payload size")["status"], "failed")

    def test_flags_and_workload(self):
        self.assertEqual(sorted(f["where"] for f in self.r.flags("evidence", "evidence-disagreed")),
                         ["process keeps no reference to its record", "refcount delta is zero"])
        oop = self.r.doc["out_of_process"][0]
        self.assertFalse(oop["passed"])
        self.assertIn("did not produce the results of a working solution", oop["problem"])

    def test_inputs_change_with_the_seed(self):
        # The answers come from inputs drawn afresh each run; the document says which seed.
        self.assertIsInstance(self.r.doc["seed"], int)


class NoEvidence(unittest.TestCase):
    TESTS = '''
from memgrade_harness import Probe, answer, student, test

@test("checks but tells the judge nothing", points=1)
def _():
    assert student("solution").process(Probe(0, 10)) == 10

@test("answers", points=1)
def _():
    answer("size", student("solution").process(Probe(0, 10)))
'''

    def test_no_answers_and_no_backing_is_a_grader_error(self):
        def patch(plan):
            plan["tests"] = [{"module": "test_bare", "name": n}
                             for n in ("checks but tells the judge nothing", "answers")]
            plan["amplified"] = []
        r = grade("cache", "correct.py", plan_patch=patch, tests={"test_bare.py": self.TESTS})
        t = r.test("checks but tells the judge nothing")
        self.assertEqual((t["status"], t["score"]), ("grader_error", 0))
        self.assertIn("not your fault", t["message"])
        self.assertEqual(r.test("answers")["status"], "passed")
        self.assertEqual(r.score, 1)

    def test_no_reference_solution(self):
        def patch(plan):
            plan["amplified"] = []
            for t in plan["tests"]:
                t["backed_by"] = []
        r = grade("cache", "correct.py", reference=False, plan_patch=patch)
        self.assertEqual(r.score, 0)
        self.assertEqual({t["status"] for t in r.doc["tests"]}, {"grader_error"})
        self.assertTrue(any("reference" in w for w in r.doc["warnings"]), r.doc["warnings"])


class Hidden(unittest.TestCase):
    TESTS = '''
from memgrade_harness import answer, student, test

@test("visible", points=1)
def _():
    answer("v", student("solution").size())   # VISIBLE-MARKER

@test("secret", points=1, hidden=True)
def _():
    answer("s", student("solution").size() + 0)   # SECRET-MARKER
'''
    # Prints every instructor source its process holds (the linecache of the served modules).
    SOLUTION = '''
import linecache
import sys

def size():
    held = [(name, "".join(lines)) for name, (_n, _m, lines, _f) in list(linecache.cache.items())
            if name.startswith("<exercise tests>")]
    mods = [m for m in list(sys.modules) if m.startswith("test_")]
    print("HELD %r %r" % (held, mods))
    return 3
'''

    @classmethod
    def setUpClass(cls):
        def patch(plan):
            plan["tests"] = [{"module": "test_hidden", "name": "visible"},
                             {"module": "test_hidden", "name": "secret", "hidden": True}]
            plan["amplified"] = []
        cls.r = grade("cache", cls.SOLUTION, plan_patch=patch, tests={"test_hidden.py": cls.TESTS},
                      reference="def size():\n    return 3\n")
        cls.sections = {s["label"]: s for s in cls.r.doc["student_output"]["sections"]}

    def test_other_tests_code_is_stripped(self):
        self.assertEqual(self.r.score, 2, [t["message"] for t in self.r.doc["tests"]])
        visible, secret = self.sections["test 1"], self.sections["test 2"]
        self.assertIn("VISIBLE-MARKER", visible["stdout"])
        self.assertNotIn("SECRET-MARKER", visible["stdout"])
        self.assertNotIn('"secret"', visible["stdout"])
        self.assertIn("SECRET-MARKER", secret["stdout"])
        self.assertNotIn("VISIBLE-MARKER", secret["stdout"])
        self.assertTrue(secret["hidden"])
        self.assertFalse(visible["hidden"])

    def test_line_numbers_stay_true(self):
        stripped = taskdir.strip_other_tests(self.TESTS, "secret")
        self.assertEqual(len(stripped.splitlines()), len(self.TESTS.splitlines()))
        self.assertNotIn("VISIBLE", stripped)
        for a, b in zip(self.TESTS.splitlines(), stripped.splitlines()):
            if "SECRET" in a or "secret" in a:
                self.assertEqual(a, b)
        compile(stripped, "x", "exec")
        self.assertNotIn("MARKER", taskdir.strip_other_tests(self.TESTS, None))

    def test_stripping_keywords_and_attribute_decorators(self):
        src = ('import memgrade_harness as mh\n\n@mh.test(name="a")\ndef _():\n    A = 1\n\n\n'
               '@mh.test("b", points=2)\ndef _():\n    B = 2\n')
        self.assertNotIn("B = 2", taskdir.strip_other_tests(src, "a"))
        self.assertIn("A = 1", taskdir.strip_other_tests(src, "a"))
        self.assertNotIn("A = 1", taskdir.strip_other_tests(src, "b"))

    def test_other_tests_reference_figures_are_not_sent(self):
        # plan.json "reference" figures are keyed by test name: a hidden test's figures name it.
        def patch(plan):
            plan["tests"] = [{"module": "test_hidden", "name": "visible"},
                             {"module": "test_hidden", "name": "secret", "hidden": True}]
            plan["amplified"] = []
            plan["reference"] = {"secret": {"rss_peak_mib": 1.25}}
        solution = ("from memgrade_harness import context\n\n\ndef size():\n"
                    "    print('FIGURES %r' % (context().reference,))\n    return 3\n")
        r = grade("cache", solution, plan_patch=patch, tests={"test_hidden.py": self.TESTS},
                  reference="def size():\n    return 3\n")
        visible = {s["label"]: s for s in r.doc["student_output"]["sections"]}["test 1"]
        self.assertIn("FIGURES", visible["stdout"])
        self.assertNotIn("secret", visible["stdout"])

    def test_import_check_holds_no_instructor_code(self):
        self.assertNotIn("MARKER", self.sections.get("import check", {}).get("stdout", ""))


class OrdinarySolutions(unittest.TestCase):
    """A correct solution that uses the standard library as people do loses nothing."""

    SOLUTION = '''import collections
import logging

Stat = collections.namedtuple("Stat", "calls size")
_log = logging.getLogger(__name__)


def process(record):
    size = len(record.payload) if record.payload is not None else 0
    _log.debug("%s", Stat(1, size))
    return size
'''

    def test_namedtuple_and_logging_cost_nothing(self):
        r = grade("cache", self.SOLUTION)
        self.assertEqual(r.flags("blocked"), [])
        self.assertEqual(r.score, 4, [(t["name"], t["status"], t["message"]) for t in r.doc["tests"]])


class TraceThroughAFinalizer(unittest.TestCase):
    """A finalizer of the student's that calls sys.settrace runs when the harness collects
    garbage: the audit hook skips the library frame (weakref.finalize) and finds the harness's frame
    above it, so the trace function is installed; it then receives every frame (no audit event)
    and rewrites the test's in-process verdict.  A test that answers before its memory check (as in
    the package docstring) then scores for a leaking solution."""

    TESTS = '''
from memgrade_harness import Probe, answer, refcount, rng, student, test

@test("process returns the payload size", points=1)
def _():
    m = student("solution")
    n = rng.randint(1, 4096)
    answer("size", m.process(Probe(0, n)))
    assert m.process(Probe(1, n)) == n

@test("refcount delta is zero", points=1, hidden=True)
def _():
    m = student("solution")
    answer("size", m.process(Probe(2, rng.randint(1, 4096))))
    refcount.assert_delta(m.process, expected=0)
'''
    SOLUTION = '''
import sys
import weakref

_seen = []


def _local(frame, event, arg):
    res = frame.f_locals.get("result")
    if isinstance(res, dict) and res.get("status") == "failed":
        res.update(status="passed", message="passed")
    return _local


def _tracer(frame, event, arg):
    f = frame
    while f is not None:
        if f.f_code.co_name == "run_test" and "result" in f.f_locals:
            f.f_trace = _local
            break
        f = f.f_back
    return None


def _arm():
    class Box:
        pass
    box = Box()
    box.me = box          # cyclic garbage: freed when the harness runs the collector
    weakref.finalize(box, sys.settrace, _tracer)


_arm()


def process(record):
    _seen.append(record)
    return len(record.payload) if record.payload is not None else 0
'''

    def test_leaking_solution_gains_nothing(self):
        def patch(plan):
            plan["tests"] = [{"module": "test_trace", "name": "process returns the payload size"},
                             {"module": "test_trace", "name": "refcount delta is zero", "hidden": True}]
            plan["amplified"] = []
        r = grade("cache", self.SOLUTION, plan_patch=patch, tests={"test_trace.py": self.TESTS})
        self.assertEqual(r.test("process returns the payload size")["status"], "passed")
        t = r.test("refcount delta is zero")
        self.assertNotEqual(t["status"], "passed", "the leak was hidden by a trace function the hook let in")
        self.assertEqual(r.score, 1)            # what the honest leaking solution earns
        self.assertTrue(r.flags("blocked"), "sys.settrace from the student's finalizer was not refused")


class Attacks(unittest.TestCase):
    """The repository's attack suite (test/fixtures/attacks, one file per technique class): each
    scores 0 on the cache fixture, and leaves at least one flag for an instructor.  (The
    out-of-process check runs 2,000 calls instead of 20,000 here: its answers disagree either way.)"""

    @staticmethod
    def smaller(plan):
        plan["amplified"][0]["workload"]["calls"] = 2000

    def test_each_attack_scores_zero_with_a_flag(self):
        folder = attack_dir()
        names = sorted(n for n in os.listdir(folder) if n.endswith(".py"))
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            with open(os.path.join(folder, name)) as f:
                source = f.read()
            task = make_task("cache", source, plan_patch=self.smaller)
            r = run_supervisor(task)
            with self.subTest(name):
                self.assertIn(r.doc["status"], ("ok", "student_error"), r.doc.get("error"))
                self.assertEqual(r.score, 0, [(t["name"], t["status"], t["message"]) for t in r.doc["tests"]])
                self.assertEqual([t["name"] for t in r.doc["tests"] if t["passed"]], [])
                self.assertTrue(r.doc["flags"], "no flag for %s" % name)
                out = r.doc["student_output"]["stdout"] + r.doc["student_output"]["stderr"]
                for private in ("plan.json", "tests", "reference"):
                    self.assertNotIn(os.path.join(task, private), out)
                self.assertNotIn('"process keeps no reference to its record"', out)


if __name__ == "__main__":
    unittest.main()
