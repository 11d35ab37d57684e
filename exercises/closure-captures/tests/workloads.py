"""Out-of-process workloads for closure-captures."""
from memgrade_harness import student


def scalers(n):
    """n scalers kept alive, each built from a fresh list of 100 floats (≈ 3 KiB) that the caller
    drops: a scaler that keeps its list grows memory by ≈ 3 KiB each."""
    m = student("solution")
    keep = []
    for i in range(n):
        samples = [float((i + k * 13) % 101) for k in range(100)]
        keep.append(m.make_scaler(samples))
        del samples
