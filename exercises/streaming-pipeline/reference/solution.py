"""A streaming log pipeline: every stage is a generator or a single pass, so memory does not
depend on the number of lines."""


def parse(lines):
    """Yield (method, path, status, size) for each well-formed line, lazily."""
    for line in lines:
        parts = line.split()
        if len(parts) != 5:
            continue
        try:
            status, size = int(parts[3]), int(parts[4])
        except ValueError:
            continue
        yield parts[1], parts[2], status, size


def summarize(lines):
    """One pass over the records: counts and sums, nothing per line kept."""
    requests = 0
    total = 0
    by_status = {}
    largest = None
    for method, path, status, size in parse(lines):
        requests += 1
        total += size
        by_status[status] = by_status.get(status, 0) + 1
        if largest is None or size > largest[0]:
            largest = (size, path)
    return {"requests": requests, "bytes": total, "by_status": by_status, "largest": largest}
