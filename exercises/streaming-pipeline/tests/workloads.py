"""Out-of-process workloads: one summarize() over n log lines (generated lazily), and the
laziness check redone in a fresh process.  Each returns what the student's code produced (as
plain data), which the judge compares with the reference solution's."""
import os as _os

from memgrade_harness import student

import logdata


def summarize_lines(n):
    got = student("solution").summarize(logdata.log_lines(n, start=logdata.start()))
    return logdata.plain_summary(got)


def summarize_file(n):
    m = student("solution")
    path = logdata.write_log(n, start=logdata.start())
    try:
        with open(path) as f:
            return logdata.plain_summary(m.summarize(f))
    finally:
        _os.unlink(path)


def check_lazy(n):
    consumed = [0]
    it = iter(student("solution").parse(logdata.log_lines(100000, consumed, start=logdata.start())))
    first = [next(it), next(it), next(it)]
    return [consumed[0] <= 20, first]
