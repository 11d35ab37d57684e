"""Out-of-process workloads for pandas-sales (pandas is imported by the student's module in
both runs, so its cost cancels out)."""
import os as _os

from memgrade_harness import student

import sales


def load_many(n):
    """Load a CSV of n rows 12 times and keep every frame: the retained memory is 12 × the
    frame's true size (≈ 22 bytes per row compact, ≈ 48 with object columns)."""
    m = student("solution")
    path = sales.write_csv(n)
    try:
        frames = [m.load_sales(path) for _ in range(12)]
    finally:
        _os.unlink(path)
    del frames


def summarize_wide(n):
    """Both runs build the same 13-column frame of 400,000 rows (≈ 26 MiB); only the amplified
    run (n > 1) summarises it, so the growth is summarize()'s own peak above the frame."""
    m = student("solution")
    df = sales.frame(400000, wide=True)
    if n > 1:
        m.summarize(df)
