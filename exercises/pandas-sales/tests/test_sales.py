"""Grader for pandas-sales.  pandas is preloaded (plan `preload`), so its import does not count.
The data start at a row drawn from the run's rng; what the frames hold is answered to the judge,
which compares it with the reference solution's."""
import os as _os

import numpy as np
import pandas as pd

from memgrade_harness import answer, fail, memory, record, student, test

import sales

BYTES_PER_ROW = 24


def _check_frame(df, what):
    if type(df) is not pd.DataFrame:
        fail("%s returned a %s; it must return a pandas.DataFrame." % (what, type(df).__name__))


@test("load_sales reads every row with the right values", points=1)
def _():
    m = student("solution")
    start = sales.start()
    path = sales.write_csv(2000, "small", start=start)
    try:
        df = m.load_sales(path)
    finally:
        _os.unlink(path)
    _check_frame(df, "load_sales(path)")
    missing = [c for c in sales.COLUMNS if c not in df.columns]
    if missing:
        fail("load_sales(path) lost the column(s) %s." % ", ".join(missing))
    if len(df) != 2000:
        fail("load_sales(path) returned %d rows; the file has 2000." % len(df))
    exp = sales.frame(2000, start=start)
    for c in ("region", "store", "product"):
        if not (df[c].astype(str).to_numpy() == exp[c].astype(str).to_numpy()).all():
            fail("load_sales(path): column %r does not hold the values of the file." % c)
    if not (df["units"].astype(np.int64).to_numpy() == exp["units"].astype(np.int64).to_numpy()).all():
        fail("load_sales(path): column 'units' does not hold the values of the file.")
    if not np.allclose(df["unit_price"].astype(np.float64).to_numpy(), exp["unit_price"].to_numpy()):
        fail("load_sales(path): column 'unit_price' does not hold the values of the file.")
    if not (pd.to_datetime(df["date"]).to_numpy() == exp["date"].to_numpy()).all():
        fail("load_sales(path): column 'date' does not hold the dates of the file.")
    answer("loaded", sales.loaded(df))


@test("load_sales uses compact dtypes", points=2)
def _():
    m = student("solution")
    n = 100000
    path = sales.write_csv(n, start=sales.start())
    try:
        df = m.load_sales(path)
    finally:
        _os.unlink(path)
    _check_frame(df, "load_sales(path)")
    per_col = sales.true_bytes(df)
    per_row = sum(per_col.values()) / float(n)
    record(bytes_per_row=round(per_row, 2), columns={c: round(b / float(n), 2) for c, b in per_col.items()},
           dtypes={c: str(df[c].dtype) for c in df.columns})
    if per_row > BYTES_PER_ROW:
        detail = ", ".join("%s %.1f (%s)" % (c, per_col[c] / float(n), df[c].dtype) for c in df.columns)
        fail("the loaded frame costs %.1f bytes per row; the budget is %d. Per column, in bytes per row: %s. "
             "Repeated text belongs in a 'category'; small integers fit in a smaller integer type."
             % (per_row, BYTES_PER_ROW, detail))
    answer("loaded", sales.loaded(df))


@test("summarize aggregates by region and product", points=2)
def _():
    m = student("solution")
    df = sales.frame(3000, wide=True, start=sales.start())
    before = {c: str(t) for c, t in df.dtypes.items()}
    got = m.summarize(df)
    _check_frame(got, "summarize(df)")
    exp_units, exp_revenue = sales.expected_summary(df)
    if list(got.index.names) != ["region", "product"]:
        fail("summarize(df) must be indexed by (region, product); its index levels are %r." % (list(got.index.names),))
    for c in ("units", "revenue"):
        if c not in got.columns:
            fail("summarize(df) has no column %r (columns: %r)." % (c, list(got.columns)))
    keys = [(str(a), str(b)) for a, b in got.index]
    exp_keys = list(exp_units.index)
    if len(keys) != len(exp_keys):
        fail("summarize(df) has %d rows; %d (region, product) combinations occur in the data. "
             "Grouping by categorical columns lists every combination of categories unless you pass observed=True."
             % (len(keys), len(exp_keys)))
    if keys != exp_keys:
        fail("summarize(df): the index is not the (region, product) combinations in sorted order "
             "(first rows: %r)." % (keys[:3],))
    if not (got["units"].astype(np.int64).to_numpy() == exp_units.to_numpy()).all():
        fail("summarize(df): 'units' is not the sum of units per (region, product).")
    if not np.allclose(got["revenue"].astype(np.float64).to_numpy(), exp_revenue.to_numpy()):
        fail("summarize(df): 'revenue' is not the sum of units × unit_price per (region, product).")
    after = {c: str(t) for c, t in df.dtypes.items()}
    assert after == before, "summarize(df) must not change its input (its columns changed: %r → %r)" % (before, after)
    answer("summary", sales.summary(got))


@test("summarize stays under its memory budget", points=2, hidden=True)
def _():
    m = student("solution")
    df = sales.frame(400000, wide=True, start=sales.start())      # 13 columns, ≈ 26 MiB
    m.summarize(sales.frame(1000, wide=True))   # warm-up
    res = memory.assert_peak_below(lambda: m.summarize(df), relative_to_reference=1.5, absolute_mib=32,
                                   what="summarize() of a 13-column frame of 400,000 rows (26 MiB)")
    _check_frame(res.retval, "summarize(df)")
    answer("summary", sales.summary(res.retval))
