"""Grader for memoryview-records.  Buffers are built before each measurement; the peaks are
what the student's call allocates on top."""
from memgrade_harness import fail, memory, record, student, test

import frames

N = 6000          # records: ≈ 15 MiB of payload


def _as_bytes(x):
    try:
        return bytes(x)
    except Exception:
        return None


@test("split_records finds every record", points=1)
def _():
    m = student("solution")
    buf = bytes(frames.build(50))
    got = m.split_records(buf)
    exp = frames.expected_payloads(50)
    if len(got) != len(exp):
        fail("split_records() found %d records in a buffer of 50." % len(got))
    for i, (g, e) in enumerate(zip(got, exp)):
        if _as_bytes(g) != e:
            fail("split_records(): record %d is wrong (%d bytes; expected %d bytes starting %r)."
                 % (i, len(g), len(e), e[:4]))


@test("split_records does not copy the payloads", points=2)
def _():
    m = student("solution")
    buf = bytes(frames.build(N))
    m.split_records(buf[:4104])
    res = memory.assert_peak_below(lambda: m.split_records(buf), relative_to_reference=2, absolute_mib=4,
                                   what="split_records() of a %.1f MiB bytes buffer (%d records)" % (len(buf) / 1048576.0, N))
    record(records=len(res.retval), buffer_mib=round(len(buf) / 1048576.0, 2))


@test("body_crc reads the buffer without copying it", points=2)
def _():
    m = student("solution")
    buf = bytes(frames.build(N))
    res = memory.assert_peak_below(lambda: m.body_crc(buf), absolute_mib=1,
                                   what="body_crc() of a %.1f MiB buffer" % (len(buf) / 1048576.0))
    assert res.retval == frames.expected_crc(buf), "body_crc(buf) should be zlib.crc32 of buf without its first 16 bytes"


@test("split_records accepts a bytearray and a memoryview", points=1, hidden=True)
def _():
    m = student("solution")
    exp = frames.expected_payloads(30)
    for label, buf in (("bytearray", frames.build(30)), ("memoryview", memoryview(bytes(frames.build(30))))):
        got = [_as_bytes(x) for x in m.split_records(buf)]
        assert got == exp, "split_records() of a %s gave wrong records" % label


@test("split_records of a bytearray copies nothing either", points=1, hidden=True)
def _():
    m = student("solution")
    buf = frames.build(N)
    memory.assert_peak_below(lambda: m.split_records(buf), relative_to_reference=2, absolute_mib=4,
                             what="split_records() of a %.1f MiB bytearray" % (len(buf) / 1048576.0))
