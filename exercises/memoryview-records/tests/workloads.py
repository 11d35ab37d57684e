"""Out-of-process workloads: both runs build the same 15 MiB buffer; the baseline (n == 1) calls
the student's function on a small buffer of its own, the amplified run on the big one, so the
growth is that call's own peak.  Each returns the lengths and CRCs of what the student returned."""
import zlib as _zlib

from memgrade_harness import student

import frames


def split(n):
    m = student("solution")
    small = frames.build(frames.draw(10))
    buf = frames.build(frames.draw(6000))
    return frames.digest(m.split_records(buf if n > 1 else small))


def crc(n):
    m = student("solution")
    small = frames.build(frames.draw(10))
    buf = frames.build(frames.draw(6000))
    return m.body_crc(buf if n > 1 else small)
