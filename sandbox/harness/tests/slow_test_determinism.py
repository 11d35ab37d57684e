"""SLOW (≈ 1–2 min): the same submission gets the same result 30 times in a row.

Not part of the default suite (its file name does not match test*.py).  Run it with:

    cd sandbox/harness && /usr/bin/python3 -m unittest discover -s tests -p 'slow_test_*.py' -v
"""

import os
import unittest

from helpers import make_task, run_supervisor

RUNS = int(os.environ.get("MEMGRADE_DETERMINISM_RUNS", "30"))


def fingerprint(doc):
    return (doc["status"], doc["score"],
            tuple((t["name"], t["status"], t["score"], t["passed"]) for t in doc["tests"]),
            tuple((o["id"], o["passed"]) for o in doc["out_of_process"]))


class Determinism(unittest.TestCase):
    def check(self, fixture, solution, expected_score):
        task = make_task(fixture, solution)
        prints = set()
        figures = []
        for _ in range(RUNS):
            doc = run_supervisor(task).doc
            prints.add(fingerprint(doc))
            figures.append([o["growth_mib"] for o in doc["out_of_process"]])
        self.assertEqual(len(prints), 1, prints)
        self.assertEqual(next(iter(prints))[1], expected_score)
        return figures

    def test_cache_correct(self):
        self.check("cache", "correct.py", 4)

    def test_cache_leaking(self):
        self.check("cache", "leaking.py", 1)

    def test_pipeline_correct(self):
        self.check("pipeline", "correct.py", 6)

    def test_pipeline_leaking(self):
        self.check("pipeline", "leaking.py", 1)

    def test_tree_leaking(self):
        self.check("tree", "leaking.py", 2)


if __name__ == "__main__":
    unittest.main()
