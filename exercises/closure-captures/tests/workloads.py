"""Out-of-process workloads for closure-captures: the judge reads the process's peak RSS and
compares what it returns (the values the student's scalers computed) with the reference's."""
from memgrade_harness import rng, student


def scalers(n):
    """n scalers kept alive, each built from a fresh list of 100 floats (≈ 3 KiB) that the caller
    drops: a scaler that keeps its list grows memory by ≈ 3 KiB each."""
    m = student("solution")
    base, x = rng.randint(0, 1000), float(rng.randint(0, 100))
    keep = []
    total = 0.0
    for i in range(n):
        samples = [float((base + i + k * 13) % 101) for k in range(100)]
        keep.append(m.make_scaler(samples))
        del samples
        total += round(keep[-1](x), 9)
    return round(total, 6)
