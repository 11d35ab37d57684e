"""Out-of-process workloads: one summarize() over n log lines (generated lazily), and the
laziness check redone in a fresh process."""
import os as _os

from memgrade_harness import student

import logdata


def summarize_lines(n):
    student("solution").summarize(logdata.log_lines(n))


def summarize_file(n):
    m = student("solution")
    path = logdata.write_log(n)
    try:
        with open(path) as f:
            m.summarize(f)
    finally:
        _os.unlink(path)


def check_lazy(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    consumed = [0]
    it = iter(student("solution").parse(logdata.log_lines(100000, consumed)))
    next(it), next(it), next(it)
    if consumed[0] > 20:
        raise AssertionError("parse() read %d lines before yielding three records" % consumed[0])
