"""Grader for exception-frames.  Records are the harness's Probe objects: Probe(i) has
payload None (processing it fails), Probe(i, n) a bytearray of n bytes."""
from memgrade_harness import Probe, fail, record, refcount, student, test


@test("good records are processed", points=1)
def _():
    m = student("solution")
    assert m.process(Probe(1, 100)) == 100, "process(record) should return len(record.payload) (100)"
    assert m.process(Probe(2, 0)) is None, "process(record) should return None when processing fails"


@test("a failing record is not kept alive", points=2)
def _():
    m = student("solution")
    res = refcount.count_leaks(m.process, calls=100)          # Probe(i): payload None, every call fails
    res.pop("example", None)
    record(**res)
    if res["leaked"]:
        fail("%d of 100 records whose processing failed are still alive after the calls. An exception keeps its "
             "traceback (exc.__traceback__), the traceback keeps the frame of process(), and the frame keeps every "
             "local variable — the record and the working buffer. Keep a description of the error (a string), or "
             "the exception with its traceback removed, never the exception as caught or sys.exc_info()."
             % res["leaked"])


@test("errors are reported", points=1)
def _():
    m = student("solution")
    m.process(Probe(5))
    m.process(Probe(6, 10))
    m.process(Probe(7))
    log = m.error_log()
    if not isinstance(log, list) or len(log) < 2 or not all(isinstance(x, str) for x in log):
        fail("error_log() should return a list of strings, one per failed record; got %r" % (log,))
    if not (log[-2].startswith("record 5: TypeError") and log[-1].startswith("record 7: TypeError")):
        fail("error_log() entries should look like 'record 5: TypeError: …', in the order of the failures; "
             "the last two are %r" % (log[-2:],))


@test("the last error is kept without its traceback", points=1, hidden=True)
def _():
    m = student("solution")
    m.process(Probe(9))
    e = m.last_error()
    assert isinstance(e, TypeError), "last_error() should return the last exception (a TypeError), got %r" % (e,)
    assert e.__traceback__ is None, "last_error() still has a traceback (and through it the frames and their locals)"


@test("a good record is not kept either", points=1, hidden=True)
def _():
    m = student("solution")
    refcount.assert_no_leak(m.process, calls=100, make=lambda i: Probe(i, 64))
