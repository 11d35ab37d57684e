"""Out-of-process workloads (run by the harness's amplify runner, which reads the peak RSS)."""
from memgrade_harness import student


def check_cached_names(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    import gc
    m = student("solution")
    a, b, c = m.load_document("a", 16), m.load_document("b", 16), m.load_document("c", 16)
    del b
    gc.collect()
    if sorted(m.cached_names()) != ["a", "c"]:
        raise AssertionError("cached_names() lists dropped documents")
    del a, c
    gc.collect()
    if list(m.cached_names()):
        raise AssertionError("cached_names() is not empty with no document in use")


def load_and_drop(n):
    """n documents with 4 KiB bodies, each dropped right after use: a cache that keeps
    them grows by ≈ 4 KiB per call (≈ 80 MiB over 20,000 calls)."""
    m = student("solution")
    for i in range(n):
        d = m.load_document("doc-%d" % i, 4096)
        del d


def many_names(n):
    """n documents with long names and tiny bodies, each dropped right after use: a cache that
    keeps the *names* (or dead entries) grows by ≈ 300 bytes per call."""
    m = student("solution")
    pad = "n" * 200
    for i in range(n):
        m.load_document("%s-%d" % (pad, i), 16)
