"""Grader for refcount-predict.  Every expected delta is measured on fresh objects of the
grader's own class (memgrade_harness.Probe), never read from an absolute count.  What the
student's code gives (predictions, measured deltas, registry answers) is `answer`ed to the
judge, which compares it with the reference solution's answers."""
from memgrade_harness import Probe, answer, fail, record, refcount, rng, student, test

import ops


def _grade_predictions(names, group):
    m = student("solution")
    preds = getattr(m, "PREDICTIONS", None)
    bad = ops.wrong_predictions(preds, names)
    record(wrong=len(bad), of=len(names))
    if bad:
        lines = ["%s (%s: %s)" % (n, why, ops.HINTS[n]) if why == "wrong" else "%s (%s)" % (n, why)
                 for n, why in bad]
        fail("%d of the %d predictions about %s are not right: %s." % (len(bad), len(names), group, "; ".join(lines)))
    for n in names:
        answer(n, preds[n])


@test("predictions: containers", points=2)
def _():
    _grade_predictions(ops.CONTAINERS, "containers")


@test("predictions: aliases, weak references, closures, exceptions", points=2, hidden=True)
def _():
    _grade_predictions(ops.SUBTLE, "aliases, weak references, closures and exceptions")


@test("measure_delta agrees with the grader", points=2)
def _():
    m = student("solution")
    bad, results = ops.measure_disagreements(m.measure_delta, k=rng.randint(2, 9))
    record(disagreements=len(bad))
    if bad:
        fail("measure_delta(op, make) disagrees with the grader's own measurement for %d of %d operations: %s. "
             "Measure one object before and after one call, and make sure nothing of yours (the return value of "
             "op, a second object) is still referencing it when you read the count after the call."
             % (len(bad), len(results),
                "; ".join("%s: expected %+d, got %r" % (n, e, g) for n, e, g in bad)))
    answer("deltas", results)


@test("register adds exactly one reference", points=1)
def _():
    m = student("solution")
    problem, facts = ops.register_problem(m)
    if problem:
        fail(problem)
    answer("register", facts)


@test("unregister gives the reference back", points=1, hidden=True)
def _():
    m = student("solution")

    def register_then_unregister(p):
        m.register(p)
        m.unregister(p)
    register_then_unregister.__qualname__ = "register() then unregister"
    refcount.assert_no_leak(register_then_unregister, calls=100)
    p = Probe(rng.randint(0, 1000))
    m.register(p)
    answer("registered", m.is_registered(p))
    m.unregister(p)
    answer("after unregister", m.is_registered(p))
