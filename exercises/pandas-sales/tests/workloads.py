"""Out-of-process workloads for pandas-sales (pandas is imported by the student's module in
both runs, so its cost cancels out).  Each returns what the student's frames hold (row counts,
sums, the summary), which the judge compares with the reference solution's."""
import os as _os

from memgrade_harness import student

import sales

LOADS = 24


def load_many(n):
    """Load a CSV of n rows LOADS times and keep every frame: the retained memory is LOADS × the
    frame's true size (≈ 22 bytes per row compact, ≈ 48 with object columns)."""
    m = student("solution")
    path = sales.write_csv(n, start=sales.start())
    try:
        frames = [m.load_sales(path) for _ in range(LOADS)]
    finally:
        _os.unlink(path)
    return [[int(len(f)), int(f["units"].sum())] for f in frames] + [sales.loaded(frames[-1])]


def summarize_wide(n):
    """Both runs build the same 13-column frame of 400,000 rows (≈ 26 MiB); the baseline
    (n == 1) summarises a small frame, the amplified run the big one, so the growth is
    summarize()'s own peak above the frame."""
    m = student("solution")
    start = sales.start()
    df = sales.frame(400000, wide=True, start=start)
    small = sales.frame(1000, wide=True, start=start)
    return sales.summary(m.summarize(df if n > 1 else small))
