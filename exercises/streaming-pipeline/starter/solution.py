"""A log pipeline.  Correct — but it materialises every line and every record in lists.
Make it stream (see statement.md)."""


def parse(lines):
    """Return (method, path, status, size) for each well-formed line."""
    records = []
    for line in list(lines):
        parts = line.split()
        if len(parts) != 5:
            continue
        try:
            status, size = int(parts[3]), int(parts[4])
        except ValueError:
            continue
        records.append((parts[1], parts[2], status, size))
    return records


def summarize(lines):
    records = parse(lines)
    by_status = {}
    for r in records:
        by_status[r[2]] = by_status.get(r[2], 0) + 1
    largest = None
    for r in records:
        if largest is None or r[3] > largest[0]:
            largest = (r[3], r[1])
    return {"requests": len(records), "bytes": sum([r[3] for r in records]),
            "by_status": by_status, "largest": largest}
