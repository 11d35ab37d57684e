"""Out-of-process workloads for cycle-collector: the judge reads each process's peak RSS and
compares what it returns (names read back from the student's structures) with the reference's."""
from memgrade_harness import rng, student


def rings(n):
    """n rings of 10 nodes, dropped.  Collector ON: nothing may accumulate; collector OFF: a
    real ring is never freed (≈ 18 MiB over 20,000 rings)."""
    m = student("solution")
    back, names = 0, None
    for i in range(n):
        r = m.make_ring(10)
        node = r
        if names is None:
            names = []
            for _ in range(10):
                names.append(node.name)
                node = node.next
        else:
            for _ in range(10):
                node = node.next
        back += node is r
        del r, node
    return [names, back]


def session_pairs(n):
    """n session pairs with 4 KiB buffers, dropped.  Collector ON: a finalizer that resurrects
    its session keeps ≈ 8 KiB per pair; collector OFF: a real pair is never freed."""
    m = student("solution")
    tag = rng.word()
    seen = []
    for i in range(n):
        p = m.make_session_pair("%s-a%d" % (tag, i), "%s-b%d" % (tag, i), 4096)
        if i % 500 == 0:
            seen.append([p.name, p.peer.name, len(p.buffer)])
        del p
    return seen
