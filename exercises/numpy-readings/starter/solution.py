"""Sensor readings in Python lists.  Move them to NumPy (see statement.md)."""


def load_readings(lines, count):
    return [float(line) for line in lines]


def rescale_inplace(x):
    lo, hi = min(x), max(x)
    return [(v - lo) / (hi - lo) for v in x]


def compact(x):
    return list(x)


def bytes_per_reading():
    return {"list": None, "array": None}   # TODO
