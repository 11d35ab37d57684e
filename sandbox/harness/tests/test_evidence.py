"""evidence.py: answers are plain values of exact types, compared exactly by the judge."""

import json
import unittest

import helpers  # noqa: F401  (sets sys.path)
from memgrade_harness import evidence
from memgrade_harness.evidence import first_difference, plain, same

UNREP = "!unrepresentable"


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __len__(self):
        return 0


class MyStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class MyInt(int):
    pass


class MyList(list):
    pass


class MyDict(dict):
    pass


class Plain(unittest.TestCase):
    def test_exact_types_pass_through(self):
        for v in (None, True, False, 0, -7, 2 ** 70, "x", "", 1.5):
            self.assertIs(type(plain(v)), type(v))
            self.assertEqual(plain(v), v)
        self.assertEqual(plain([1, "a"]), [1, "a"])
        self.assertEqual(plain((1, 2)), {"!tuple": [1, 2]})
        self.assertEqual(plain({"a": 1}), {"!dict": {"a": 1}})
        self.assertEqual(plain(b"\x00\xff"), {"!bytes": "00ff"})
        self.assertEqual(plain(bytearray(b"ab")), {"!bytes": "6162"})
        self.assertEqual(plain({3, 1, 2}), {"!set": [1, 2, 3]})
        self.assertEqual(plain(float("nan")), {"!float": "nan"})

    def test_subclasses_and_equals_everything_are_unrepresentable(self):
        for v in (MyStr("abc"), MyInt(3), MyList([1]), MyDict(a=1), Anything()):
            with self.subTest(type(v).__name__):
                p = plain(v)
                self.assertEqual(list(p), [UNREP])
                self.assertIs(type(p[UNREP]), str)

    def test_nested_impostors_are_found(self):
        self.assertEqual(plain([1, MyInt(2)]), [1, {UNREP: "MyInt"}])
        self.assertEqual(plain({"k": Anything()}), {"!dict": {"k": {UNREP: "Anything"}}})
        self.assertEqual(plain({MyStr("k"): 1}), {UNREP: "dict with a MyStr key"})
        self.assertEqual(plain({1: 1}), {UNREP: "dict with a int key"})

    def test_student_methods_are_not_called(self):
        class Loud(list):
            def __iter__(self):
                raise AssertionError("the student's __iter__ ran")
        self.assertEqual(list(plain(Loud([1]))), [UNREP])

        class Trap(type):
            def __getattribute__(cls, name):
                raise AssertionError("the student's metaclass ran")
        self.assertEqual(list(plain(Trap("T", (), {})())), [UNREP])

    def test_json_round_trip(self):
        v = plain({"a": [1, (2, 3), {4}], "b": None})
        self.assertEqual(json.loads(json.dumps(v)), v)

    def test_bounded(self):
        deep = []
        for _ in range(50):
            deep = [deep]
        self.assertEqual(_innermost(plain(deep)), {UNREP: "too large"})
        self.assertEqual(plain(list(range(200000)))[-1], {UNREP: "too large"})


def _how(difference):
    """How a difference differs ("missing", "extra", "differs"); there must be one."""
    assert difference is not None
    return difference[3]


def _innermost(v):
    while isinstance(v, list) and v:
        v = v[0]
    return v


class Same(unittest.TestCase):
    def test_never_equates_1_1_0_and_true(self):
        values = [1, 1.0, True, "1", [1], {"!tuple": [1]}]
        for i, a in enumerate(values):
            for j, b in enumerate(values):
                self.assertEqual(same(a, b), i == j, (a, b))
        self.assertFalse(same(0, False))
        self.assertFalse(same(None, False))
        self.assertFalse(same([1, True], [1, 1]))
        self.assertFalse(same({"a": 1}, {"a": 1.0}))

    def test_after_plain_and_json(self):
        for a, b in ((1, 1.0), (1, True), (0, False), ((1,), [1]), ({1}, [1])):
            pa, pb = json.loads(json.dumps(plain(a))), json.loads(json.dumps(plain(b)))
            self.assertFalse(same(pa, pb), (a, b))
            self.assertTrue(same(pa, json.loads(json.dumps(plain(a)))))

    def test_dicts(self):
        self.assertTrue(same({"a": [1, 2]}, {"a": [1, 2]}))
        self.assertFalse(same({"a": 1}, {"a": 1, "b": 2}))
        self.assertFalse(same({"a": 1}, {"b": 1}))

    def test_unrepresentable_matches_no_reference(self):
        got = json.loads(json.dumps(plain(Anything())))
        for expected in (0, 1, "", None, [], {"!dict": {}}):
            self.assertFalse(same(expected, got))


class Differences(unittest.TestCase):
    def test_first_difference(self):
        exp = [["a", 1], ["b", "x"], ["a", 2]]
        self.assertIsNone(first_difference(exp, [["a", 1], ["a", 2], ["b", "x"]]))
        self.assertEqual(first_difference(exp, [["a", 1], ["b", "x"], ["a", 2.0]]), ("a", 2, 2.0, "differs"))
        self.assertEqual(first_difference(exp, [["a", 1], ["b", "x"]]), ("a", 2, None, "missing"))
        self.assertEqual(_how(first_difference(exp, exp + [["c", 0]])), "extra")
        self.assertEqual(_how(first_difference(exp, [])), "missing")
        self.assertEqual(_how(first_difference(exp, ["junk", ["a"], [1, 2], None])), "missing")

    def test_describe(self):
        self.assertIn("not a plain value", evidence.describe({UNREP: "Anything"}))
        self.assertEqual(evidence.describe({"!tuple": [1]}), "(1,)")


class Seeds(unittest.TestCase):
    def test_same_seed_same_inputs_other_run_other_inputs(self):
        def draw(run, key):
            evidence.reseed(run, key)
            return [evidence.rng.word(), evidence.rng.randint(0, 10 ** 9), evidence.rng.token()]
        self.assertEqual(draw(1, "t::a"), draw(1, "t::a"))
        self.assertNotEqual(draw(1, "t::a"), draw(2, "t::a"))
        self.assertNotEqual(draw(1, "t::a"), draw(1, "t::b"))


class Answers(unittest.TestCase):
    def setUp(self):
        evidence.clear_answers()

    def test_answer_records_plain_values(self):
        evidence.answer("n", MyInt(3))
        evidence.answer("s", "ok")
        self.assertEqual(evidence.answers(), {"items": [["n", {UNREP: "MyInt"}], ["s", "ok"]], "overflow": False})

    def test_overflow(self):
        for i in range(evidence.MAX_ANSWERS + 5):
            evidence.answer("x", i)
        a = evidence.answers()
        self.assertEqual(len(a["items"]), evidence.MAX_ANSWERS)
        self.assertTrue(a["overflow"])

    def test_label_must_be_str(self):
        from memgrade_harness.errors import HarnessUsageError
        with self.assertRaises(HarnessUsageError):
            evidence.answer(1, 1)


if __name__ == "__main__":
    unittest.main()
