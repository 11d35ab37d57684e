"""Access-log lines for streaming-pipeline, produced lazily (a generator) from a start drawn from
the run's rng, and the grader's own expected figures."""
import os as _os

from memgrade_harness import rng

METHODS = ("GET", "GET", "GET", "POST", "PUT", "DELETE")
STATUSES = (200, 200, 200, 200, 301, 404, 500)


def start():
    """Where this run's log starts (drawn from the run's rng): the lines differ from run to run."""
    return rng.randint(0, 10 ** 7)


def log_lines(n, counter=None, start=0):
    """n lines like '2024-01-05 GET /api/item/17 200 5123\\n'; every 97th line is malformed."""
    for i in range(start, start + n):
        if counter is not None:
            counter[0] += 1
        if i % 97 == 13:
            yield "-- log rotated --\n"
            continue
        if i % 101 == 50:
            yield "2024-01-01 GET /api/broken status? 12\n"
            continue
        yield "2024-01-%02d %s /api/item/%d %d %d\n" % (
            1 + i % 28, METHODS[i % 6], (i * 31) % 5000, STATUSES[(i * 3) % 7], (i * 7919) % 50000)


def expected_records(lines):
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) != 5:
            continue
        try:
            status, size = int(parts[3]), int(parts[4])
        except ValueError:
            continue
        out.append((parts[1], parts[2], status, size))
    return out


def expected_summary(lines):
    recs = expected_records(lines)
    by_status = {}
    largest = None
    for method, path, status, size in recs:
        by_status[status] = by_status.get(status, 0) + 1
        if largest is None or size > largest[0]:
            largest = (size, path)
    return {"requests": len(recs), "bytes": sum(r[3] for r in recs), "by_status": by_status, "largest": largest}


def plain_summary(got):
    """A summary as plain data for the judge (by_status as sorted (status, count) pairs)."""
    if type(got) is not dict:
        return None
    out = {}
    for k in ("requests", "bytes", "by_status", "largest"):
        v = dict.get(got, k)
        if k == "by_status" and type(v) is dict:
            v = sorted(dict.items(v), key=repr)
        elif k == "largest" and type(v) is list:
            v = tuple(v)
        out[k] = v
    return out


def write_log(n, start=0):
    """Write n lines to a file in the private scratch dir; returns its path (delete it after use)."""
    path = _os.path.join(_os.environ.get("TMPDIR", "/tmp"), "access-%d.log" % _os.getpid())
    with open(path, "w") as f:
        for line in log_lines(n, start=start):
            f.write(line)
    return path
