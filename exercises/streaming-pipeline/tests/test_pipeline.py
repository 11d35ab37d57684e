"""Grader for streaming-pipeline.  Peaks are the kernel's VmHWM around one call (exact), with
memory_profiler samples kept for the plot.  Records and summaries are answers the judge compares
with the reference solution's."""
import os as _os

from memgrade_harness import answer, fail, memory, record, student, test

import logdata


@test("parse yields the records of well-formed lines", points=1)
def _():
    m = student("solution")
    lines = list(logdata.log_lines(300, start=logdata.start()))
    got = list(m.parse(iter(lines)))
    exp = logdata.expected_records(lines)
    if got != exp:
        first = next((i for i, (a, b) in enumerate(zip(got, exp)) if a != b), min(len(got), len(exp)))
        fail("parse() gave %d records for 300 lines (expected %d); the first difference is at record %d: "
             "got %r, expected %r." % (len(got), len(exp), first, got[first] if first < len(got) else None,
                                       exp[first] if first < len(exp) else None))
    answer("records", got)


@test("summarize computes the right figures", points=1)
def _():
    m = student("solution")
    start = logdata.start()
    exp = logdata.expected_summary(list(logdata.log_lines(2000, start=start)))
    got = m.summarize(logdata.log_lines(2000, start=start))          # a generator: it can be read only once
    for k in ("requests", "bytes", "by_status", "largest"):
        g = got.get(k) if isinstance(got, dict) else None
        if k == "largest" and isinstance(g, list):
            g = tuple(g)
        if g != exp[k]:
            fail("summarize(): %r is %r, expected %r (the input is a generator: it can be read only once)."
                 % (k, g, exp[k]))
    answer("summary", logdata.plain_summary(got))


@test("summarize stays under its memory budget", points=3)
def _():
    m = student("solution")
    start = logdata.start()
    m.summarize(logdata.log_lines(100, start=start))                 # warm-up (imports, caches)
    res = memory.assert_peak_below(lambda: m.summarize(logdata.log_lines(75000, start=start)),
                                   relative_to_reference=25, absolute_mib=2,
                                   what="summarize() over 75,000 log lines")
    answer("summary", logdata.plain_summary(res.retval))


@test("parse is lazy", points=1, hidden=True)
def _():
    m = student("solution")
    start = logdata.start()
    consumed = [0]
    it = iter(m.parse(logdata.log_lines(100000, consumed, start=start)))
    first = [next(it), next(it), next(it)]
    record(lines_read_for_three_records=consumed[0])
    if consumed[0] > 20:
        fail("parse() read %d lines before its first three records were taken: it must be a generator that reads "
             "a line, yields its record, and only then reads the next one." % consumed[0])
    exp = logdata.expected_records(list(logdata.log_lines(20, start=start)))[:3]
    assert first == exp, "parse(): wrong first records"
    answer("first records", first)


@test("summarize streams a log file", points=2, hidden=True)
def _():
    m = student("solution")
    start = logdata.start()
    path = logdata.write_log(50000, start=start)
    try:
        with open(path) as f:
            m.summarize(f.readlines()[:50])             # warm-up
        def run():
            with open(path) as f:
                return m.summarize(f)
        res = memory.assert_peak_below(run, relative_to_reference=25, absolute_mib=2,
                                       what="summarize() over a 50,000-line file")
        exp_requests = logdata.expected_summary(list(logdata.log_lines(50000, start=start)))["requests"]
        got = res.retval.get("requests") if isinstance(res.retval, dict) else None
        assert got == exp_requests, "summarize(file): requests is %r, expected %r" % (got, exp_requests)
        answer("summary", logdata.plain_summary(res.retval))
    finally:
        _os.unlink(path)
