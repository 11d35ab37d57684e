import os
import unittest

from helpers import FIXTURES
from memgrade_harness import plan


def base():
    return {"format": 1, "student_files": ["solution.py"],
            "tests": [{"module": "test_x", "name": "a"}]}


class PlanTest(unittest.TestCase):
    def test_fixtures_valid(self):
        for name in ("cache", "tree", "pipeline"):
            p = plan.load(os.path.join(FIXTURES, name))
            self.assertTrue(p["tests"])

    def test_defaults(self):
        p = plan.validate(base())
        t = p["tests"][0]
        self.assertEqual((t["points"], t["hidden"], t["time_limit_s"], t["memory_mib"]), (1, False, 10.0, 256))
        self.assertEqual(t["id"], "test_x::a")

    def bad(self, mutate, needle):
        raw = base()
        mutate(raw)
        with self.assertRaises(plan.PlanError) as cm:
            plan.validate(raw)
        self.assertIn(needle, str(cm.exception))

    def test_errors(self):
        self.bad(lambda r: r.update(format=2), "plan.format")
        self.bad(lambda r: r.update(student_files=["../x.py"]), "student_files")
        self.bad(lambda r: r.update(tests=[]), "plan.tests")
        self.bad(lambda r: r["tests"][0].update(points=-1), "tests[0].points")
        self.bad(lambda r: r["tests"][0].update(backed_by=["nope"]), "backed_by")
        self.bad(lambda r: r["tests"].append(dict(r["tests"][0])), "listed twice")
        self.bad(lambda r: r.update(amplified=[{"id": "a", "workload": {"kind": "x"}}]), "workload.kind")
        self.bad(lambda r: r["tests"][0].update(hidden="yes"), "hidden")

    def test_amplified_defaults(self):
        raw = base()
        raw["amplified"] = [{"id": "a", "workload": {"kind": "calls", "function": "f"}}]
        a = plan.validate(raw)["amplified"][0]
        self.assertEqual(a["workload"]["calls"], 20000)
        self.assertEqual(a["workload"]["arg_bytes"], 4096)
        self.assertEqual(a["workload"]["module"], "solution")
        self.assertEqual(a["max_growth_mib"], 20)


if __name__ == "__main__":
    unittest.main()
