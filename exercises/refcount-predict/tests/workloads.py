"""Out-of-process checks for refcount-predict.  The prediction/measurement checks redo the
in-process check in a fresh process (they raise if it fails, which fails the check); the
registry check measures memory: n registered-then-unregistered 4 KiB objects."""
from memgrade_harness import Probe, student

import ops


def check_containers(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    bad = ops.wrong_predictions(student("solution").PREDICTIONS, ops.CONTAINERS)
    if bad:
        raise AssertionError("predictions disagree: %s" % bad)


def check_subtle(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    bad = ops.wrong_predictions(student("solution").PREDICTIONS, ops.SUBTLE)
    if bad:
        raise AssertionError("predictions disagree: %s" % bad)


def check_measure(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    bad = ops.measure_disagreements(student("solution").measure_delta)
    if bad:
        raise AssertionError("measure_delta disagrees: %s" % bad)


def check_register(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    problem = ops.register_problem(student("solution"))
    if problem:
        raise AssertionError(problem)


def register_unregister(n):
    m = student("solution")
    for i in range(n):
        p = Probe(i, 4096)
        m.register(p)
        m.unregister(p)
        del p
