"""Grader for exception-frames.  Records are the harness's Probe objects: Probe(i) has
payload None (processing it fails), Probe(i, n) a bytearray of n bytes.  Indexes and sizes come
from `rng` (seeded afresh every run); what the student's code returns is `answer`ed to the judge,
which compares it with the reference solution's answers."""
from memgrade_harness import Probe, answer, fail, record, refcount, rng, student, test


def _head(entry):
    """'record 5: TypeError' of 'record 5: TypeError: <message>' (the message may differ)."""
    return ": ".join(entry.split(": ")[:2]) if isinstance(entry, str) else entry


@test("good records are processed", points=1)
def _():
    m = student("solution")
    n = rng.randint(1, 4096)
    assert m.process(Probe(rng.randint(0, 999), n)) == n, "process(record) should return len(record.payload) (%d)" % n
    assert m.process(Probe(rng.randint(0, 999))) is None, "process(record) should return None when processing fails"
    answer("good", m.process(Probe(1, n)))
    answer("broken", m.process(Probe(2)))


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
    a, b, c = rng.sample(range(1000), 3)
    m.process(Probe(a))
    m.process(Probe(b, 10))
    m.process(Probe(c))
    log = m.error_log()
    if not isinstance(log, list) or len(log) < 2 or not all(isinstance(x, str) for x in log):
        fail("error_log() should return a list of strings, one per failed record; got %r" % (log,))
    if not (log[-2].startswith("record %d: TypeError" % a) and log[-1].startswith("record %d: TypeError" % c)):
        fail("error_log() entries should look like 'record %d: TypeError: …', in the order of the failures; "
             "the last two are %r" % (a, log[-2:]))
    answer("log", [_head(e) for e in log])


@test("the last error is kept without its traceback", points=1, hidden=True)
def _():
    m = student("solution")
    m.process(Probe(rng.randint(0, 999)))
    e = m.last_error()
    assert isinstance(e, TypeError), "last_error() should return the last exception (a TypeError), got %r" % (e,)
    assert e.__traceback__ is None, "last_error() still has a traceback (and through it the frames and their locals)"
    answer("last error", [type(e).__name__, e.__traceback__ is None])


@test("a good record is not kept either", points=1, hidden=True)
def _():
    m = student("solution")
    refcount.assert_no_leak(m.process, calls=100, make=lambda i: Probe(i, 64))
