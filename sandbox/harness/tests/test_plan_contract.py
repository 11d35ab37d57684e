"""The plan corpus (tests/fixtures/plans): every valid plan is accepted and every invalid one is
refused naming its field — by plan.py here, and by exercise.yaml's schema in
src/exercises/format/plan-contract.spec.ts, against the same files, so `memgrade validate` and
the container agree."""

import json
import os
import re
import unittest

from helpers import FIXTURES
from memgrade_harness import guard, plan

CORPUS = os.path.join(FIXTURES, "plans")


def corpus():
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".json"):
            with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
                yield name, json.load(f)


def field_named(field):
    """The field as plan.py names it: a list's entry by the list ("student_files[0]" → "student_files")."""
    return re.sub(r"\[\d+\]$", "", field)


class PlanContract(unittest.TestCase):
    def test_the_corpus_has_both_kinds(self):
        cases = dict(corpus())
        self.assertGreater(sum(1 for c in cases.values() if c["invalid_field"] is None), 3)
        self.assertGreater(sum(1 for c in cases.values() if c["invalid_field"] is not None), 30)

    def test_each_plan_is_judged_as_the_corpus_says(self):
        for name, case in corpus():
            with self.subTest(name, why=case["why"]):
                raw = dict(case["plan"], format=1)
                if case["invalid_field"] is None:
                    plan.validate(raw)
                else:
                    with self.assertRaises(plan.PlanError) as cm:
                        plan.validate(raw)
                    self.assertIn(field_named(case["invalid_field"]), str(cm.exception))

    def test_allowable_tools_are_the_guards(self):
        # plan_fields.json lists them for both validators; the guard keeps its own list (it runs
        # in the student's process and reads no file): the two must be the same.
        self.assertEqual(list(plan.ALLOWABLE), guard.ALLOWABLE)


if __name__ == "__main__":
    unittest.main()
