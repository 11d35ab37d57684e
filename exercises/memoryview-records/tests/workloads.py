"""Out-of-process workloads: both runs build the same 15 MiB buffer; only the amplified run
(n > 1) calls the student's function on it, so the growth is that call's own peak."""
from memgrade_harness import student

import frames


def split(n):
    m = student("solution")
    buf = frames.build(6000)
    if n > 1:
        views = m.split_records(buf)
        del views


def crc(n):
    m = student("solution")
    buf = frames.build(6000)
    if n > 1:
        m.body_crc(buf)
