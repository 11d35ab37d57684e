"""Grader for memoryview-records.  Buffers are built before each measurement; the peaks are
what the student's call allocates on top.  The records' lengths and CRCs are answers the judge
compares with the reference solution's."""
from memgrade_harness import answer, fail, memory, record, student, test

import frames

N = 6000          # records: ≈ 15 MiB of payload


def _as_bytes(x):
    try:
        return bytes(x)
    except Exception:
        return None


def _records(got, what):
    if type(got) is not list:
        fail("%s should return a list of records, got %s." % (what, type(got).__name__))
    return got


@test("split_records finds every record", points=1)
def _():
    m = student("solution")
    layout = frames.draw(50)
    got = _records(m.split_records(bytes(frames.build(layout))), "split_records(buf)")
    exp = frames.expected_payloads(layout)
    if len(got) != len(exp):
        fail("split_records() found %d records in a buffer of 50." % len(got))
    for i, (g, e) in enumerate(zip(got, exp)):
        if _as_bytes(g) != e:
            fail("split_records(): record %d is wrong (%d bytes; expected %d bytes starting %r)."
                 % (i, len(g), len(e), e[:4]))
    answer("records", frames.digest(got))


@test("split_records does not copy the payloads", points=2)
def _():
    m = student("solution")
    buf = bytes(frames.build(frames.draw(N)))
    m.split_records(buf[:4104])
    res = memory.assert_peak_below(lambda: m.split_records(buf), relative_to_reference=2, absolute_mib=4,
                                   what="split_records() of a %.1f MiB bytes buffer (%d records)" % (len(buf) / 1048576.0, N))
    records = _records(res.retval, "split_records(buf)")
    record(records=len(records), buffer_mib=round(len(buf) / 1048576.0, 2))
    answer("records", frames.digest(records))


@test("body_crc reads the buffer without copying it", points=2)
def _():
    m = student("solution")
    buf = bytes(frames.build(frames.draw(N)))
    res = memory.assert_peak_below(lambda: m.body_crc(buf), absolute_mib=1,
                                   what="body_crc() of a %.1f MiB buffer" % (len(buf) / 1048576.0))
    assert res.retval == frames.expected_crc(buf), "body_crc(buf) should be zlib.crc32 of buf without its first 16 bytes"
    answer("crc", res.retval)


@test("split_records accepts a bytearray and a memoryview", points=1, hidden=True)
def _():
    m = student("solution")
    layout = frames.draw(30)
    exp = frames.expected_payloads(layout)
    for label, buf in (("bytearray", frames.build(layout)), ("memoryview", memoryview(bytes(frames.build(layout))))):
        got = _records(m.split_records(buf), "split_records(%s)" % label)
        assert [_as_bytes(x) for x in got] == exp, "split_records() of a %s gave wrong records" % label
        answer(label, frames.digest(got))


@test("split_records of a bytearray copies nothing either", points=1, hidden=True)
def _():
    m = student("solution")
    buf = frames.build(frames.draw(N))
    res = memory.assert_peak_below(lambda: m.split_records(buf), relative_to_reference=2, absolute_mib=4,
                                   what="split_records() of a %.1f MiB bytearray" % (len(buf) / 1048576.0))
    answer("records", frames.digest(_records(res.retval, "split_records(buf)")))
