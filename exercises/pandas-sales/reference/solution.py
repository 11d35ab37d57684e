"""Sales: compact dtypes on load, and an aggregation that copies nothing it does not need."""
import pandas as pd

DTYPES = {
    "region": "category",      # 6 distinct values: 1-byte codes instead of an 8-byte pointer per row
    "store": "category",
    "product": "category",
    "units": "int16",          # 1..20
    "unit_price": "float64",
}


def load_sales(path):
    return pd.read_csv(path, dtype=DTYPES, parse_dates=["date"])


def summarize(df):
    """Total units and revenue per (region, product), for the combinations that occur, sorted."""
    keys = [df["region"], df["product"]]
    units = df["units"].groupby(keys, observed=True).sum()
    revenue = (df["units"] * df["unit_price"]).groupby(keys, observed=True).sum()
    return pd.DataFrame({"units": units, "revenue": revenue}).sort_index()
