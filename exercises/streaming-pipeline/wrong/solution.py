"""parse() is a generator now — but summarize() turns it back into a list to make several
passes, so the peak is the same as before."""


def parse(lines):
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
    records = list(parse(lines))
    by_status = {}
    for r in records:
        by_status[r[2]] = by_status.get(r[2], 0) + 1
    largest = max(records, key=lambda r: r[3], default=None)
    return {"requests": len(records), "bytes": sum(r[3] for r in records), "by_status": by_status,
            "largest": (largest[3], largest[1]) if largest else None}
