"""Where a run's time goes (the document's ``timings``) and what makes it short: one zygote for
both lanes, the harness's code objects found once in the zygote."""

import subprocess
import sys
import unittest

from helpers import HARNESS, graded


class Timings(unittest.TestCase):
    def test_every_process_is_timed_in_plan_order(self):
        d = graded("cache", "correct.py").doc
        t = d["timings"]
        labels = [p["label"] for p in t["processes"] if p["lane"] == "student"]
        tests = ["test %d" % (i + 1) for i in range(len(d["tests"]))]
        checks = ["check %s (%s)" % (c["id"], phase)
                  for c in d["out_of_process"] for phase in ("baseline", "amplified")]
        self.assertEqual(labels, ["import check"] + tests + checks)
        self.assertEqual([p["label"] for p in t["processes"] if p["lane"] == "reference"], ["reference"])
        for p in t["processes"]:
            self.assertGreater(p["wall_ms"], 0)
            self.assertGreaterEqual(p["wall_ms"], p["startup_ms"])
            for k in ("harden_ms", "preload_ms", "cpu_ms"):
                self.assertIn(k, p)
        for k in ("judge_start_ms", "prepare_ms", "zygote_ms", "reference_wait_ms", "decide_ms", "total_ms"):
            self.assertIn(k, t)
        self.assertGreaterEqual(t["total_ms"], d["duration_ms"])
        # the reference's items are timed too, labelled like the student's (never a test's name)
        self.assertEqual([r["label"] for r in t["reference_items"]],
                         tests + ["check %s" % c["id"] for c in d["out_of_process"]])

    def test_one_zygote_serves_both_lanes(self):
        d = graded("cache", "correct.py").doc
        self.assertNotIn("reference_zygote_ms", d["timings"])
        self.assertFalse([w for w in d["warnings"] if "zygote" in w], d["warnings"])
        self.assertEqual(d["score"], d["max_score"])


class HarnessCodesCache(unittest.TestCase):
    def test_the_zygotes_set_is_the_one_a_fork_would_find(self):
        # In a fresh interpreter: warm up as the zygote does, remember, then compare with a full
        # search, and check that a newly imported harness module invalidates the cache.
        code = ("from memgrade_harness import zygote, guard\n"
                "zygote._warm([])\n"
                "cached = guard.harness_codes()\n"
                "assert cached is guard._codes_cache[0][1]\n"
                "guard._codes_cache[:] = []\n"
                "fresh = frozenset(guard.harness_codes())\n"
                "assert fresh == cached, (len(fresh), len(cached))\n"
                "guard.remember_harness_codes()\n"
                "from memgrade_harness import frame, plan\n"
                "after = guard.harness_codes()\n"
                "assert after is not guard._codes_cache[0][1] and after > cached\n"
                "print('ok')\n")
        out = subprocess.run([sys.executable, "-B", "-c", code], capture_output=True, timeout=120,
                             env={"PATH": "/usr/bin:/bin", "PYTHONPATH": HARNESS}, cwd="/")
        self.assertEqual(out.stdout.strip(), b"ok", out.stderr.decode()[-2000:])


if __name__ == "__main__":
    unittest.main()
