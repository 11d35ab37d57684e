"""Out-of-process re-check of the hidden last_error test (a fresh process)."""
from memgrade_harness import Probe, student


def check_last_error(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    m = student("solution")
    m.process(Probe(9))
    e = m.last_error()
    if not isinstance(e, TypeError) or e.__traceback__ is not None:
        raise AssertionError("last_error() is %r with traceback %r" % (type(e).__name__, getattr(e, "__traceback__", None)))
