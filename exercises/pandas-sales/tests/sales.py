"""Sales data for pandas-sales, from a start row drawn from the run's rng: as a CSV file (for
load_sales) and as a compact in-memory DataFrame (for summarize), plus the grader's own size and
summary computations, and plain forms of the student's results for the judge."""
import os as _os
import sys as _sys

import numpy as np
import pandas as pd

from memgrade_harness import rng

_getsizeof = _sys.getsizeof
REGIONS = ["north", "south", "east", "west", "centre", "islands"]
COLUMNS = ["date", "region", "store", "product", "units", "unit_price"]


def start():
    """Where this run's rows start: the data differ from run to run."""
    return rng.randint(0, 10 ** 6)


def _codes(n, start=0):
    i = np.arange(start, start + n, dtype=np.int64)
    r = i % 6
    p = (i * 7) % 300
    p = np.where((p + r) % 3 == 0, (p + 1) % 300, p)
    store = (i // 6) % 10
    units = 1 + i % 20
    price = 1 + (p % 50) * 0.5
    month = 1 + i % 12
    day = 1 + i % 28
    return i, r, p, store, units, price, month, day


def write_csv(n, name="sales", start=0):
    """A CSV of n rows in the private scratch dir; returns its path (delete it after use)."""
    path = _os.path.join(_os.environ.get("TMPDIR", "/tmp"), "%s-%d-%d.csv" % (name, n, _os.getpid()))
    i, r, p, store, units, price, month, day = _codes(n, start)
    with open(path, "w") as f:
        f.write(",".join(COLUMNS) + "\n")
        for k in range(n):
            reg = REGIONS[r[k]]
            f.write("2024-%02d-%02d,%s,store-%s-%02d,product-%03d,%d,%.2f\n"
                    % (month[k], day[k], reg, reg, store[k], p[k], units[k], price[k]))
    return path


def frame(n, wide=False, start=0):
    """The same rows as write_csv(n), built in memory with compact dtypes (no CSV parser), column
    by column so that building it needs little more than the frame itself.  With *wide*, seven
    more columns a real sales table has (ids, customer, discount, channel, note, …)."""
    regions = sorted(REGIONS)                      # read_csv's categories are sorted too
    reg_code = {name: k for k, name in enumerate(regions)}
    remap = np.array([reg_code[name] for name in REGIONS], dtype=np.int8)
    i, r, p, store, units, price, month, day = _codes(n, start)
    df = pd.DataFrame(index=pd.RangeIndex(n))
    dates = (np.array(["2024-%02d" % mm for mm in range(1, 13)], dtype="datetime64[M]").astype("datetime64[D]")[month - 1]
             + (day - 1).astype("timedelta64[D]"))
    df["date"] = dates.astype("datetime64[ns]")
    del dates
    df["region"] = pd.Categorical.from_codes(remap[r], regions)
    store_names = sorted("store-%s-%02d" % (reg, k) for reg in REGIONS for k in range(10))
    store_code = {name: k for k, name in enumerate(store_names)}
    store_map = np.array([[store_code["store-%s-%02d" % (reg, k)] for k in range(10)] for reg in REGIONS], dtype=np.int8)
    df["store"] = pd.Categorical.from_codes(store_map[r, store], store_names)
    df["product"] = pd.Categorical.from_codes(p.astype(np.int16), ["product-%03d" % k for k in range(300)])
    df["units"] = units.astype(np.int16)
    df["unit_price"] = price.astype(np.float64)
    del r, p, store, units, price, month, day
    if wide:
        notes = np.array(["gift wrap", "fragile", "", "call first", "leave at door"], dtype=object)
        df["order_id"] = i * 3 + 100000
        df["customer"] = ((i * 13) % 50000).astype(np.int32)
        df["discount"] = (i % 5) * 0.05
        df["channel"] = pd.Categorical.from_codes((i % 3).astype(np.int8), ["online", "phone", "store"])
        df["note"] = notes[i % 5]
        df["weight_kg"] = (i % 40) * 0.25
        df["shipping"] = (i % 9) * 1.5
    return df


def _object_bytes(values):
    arr = np.asarray(values, dtype=object)
    unique = {}
    for v in arr:
        unique[id(v)] = v
    return arr.nbytes + sum(_getsizeof(v) for v in unique.values())


def true_bytes(df):
    """{column: bytes} counting every distinct Python object once (pandas' memory_usage(deep=True)
    counts a string once per row even when the parser shared one object between rows)."""
    out = {"(index)": int(df.index.memory_usage(deep=True))}
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = s.cat.categories
            cat_bytes = cats.memory_usage(deep=False) if cats.dtype != object else _object_bytes(cats)
            out[c] = int(s.cat.codes.to_numpy().nbytes + cat_bytes)
        elif s.dtype.kind in "biufcmM":
            out[c] = int(s.to_numpy().nbytes)
        else:
            out[c] = int(_object_bytes(s.to_numpy(dtype=object)))
    return out


def expected_summary(df):
    keys = [df["region"].astype(str), df["product"].astype(str)]
    units = df["units"].astype(np.int64).groupby(keys).sum()
    revenue = (df["units"].astype(np.float64) * df["unit_price"].astype(np.float64)).groupby(keys).sum()
    return units, revenue


def loaded(df):
    """What a loaded frame holds, as plain data (row count, value sums, a sample of rows)."""
    rows = [[str(v) for v in df[c].iloc[::max(1, len(df) // 40)]] for c in ("region", "store", "product")]
    dates = [str(pd.Timestamp(v).date()) for v in pd.to_datetime(df["date"]).iloc[::max(1, len(df) // 40)]]
    return [int(len(df)), int(df["units"].sum()), round(float((df["units"] * df["unit_price"]).sum()), 6),
            rows, dates]


def summary(got):
    """A summary frame as plain data: its index and its two columns."""
    return [[(str(a), str(b)) for a, b in got.index], [int(v) for v in got["units"]],
            [round(float(v), 6) for v in got["revenue"]]]
