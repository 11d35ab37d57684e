"""Out-of-process workloads: the judge reads the peak RSS of the process, and compares what each
returns (a digest of what the student's functions returned) with the reference solution's."""
from memgrade_harness import rng, student


def load_and_drop(n):
    """n documents with 4 KiB bodies, each dropped right after use: a cache that keeps
    them grows by ≈ 4 KiB per call (≈ 80 MiB over 20,000 calls)."""
    m = student("solution")
    prefix = rng.token()
    total = 0
    for i in range(n):
        d = m.load_document("%s-%d" % (prefix, i), 4096)
        total += len(d.body) + len(d.name)
        del d
    return total


def many_names(n):
    """n documents with long names and tiny bodies, each dropped right after use: a cache that
    keeps the *names* (or dead entries) grows by ≈ 300 bytes per call."""
    m = student("solution")
    pad = rng.token() * 20
    total = 0
    for i in range(n):
        total += len(m.load_document("%s-%d" % (pad, i), 16).name)
    return total
