"""Out-of-process workloads for cycle-collector."""
from memgrade_harness import student

import checks


def rings(n):
    """n rings of 10 nodes, dropped, with the collector ON: nothing may accumulate."""
    m = student("solution")
    for i in range(n):
        r = m.make_ring(10)
        del r


def session_pairs(n):
    """n session pairs with 4 KiB buffers, dropped, collector ON: a finalizer that resurrects
    its session keeps ≈ 8 KiB per pair."""
    m = student("solution")
    for i in range(n):
        p = m.make_session_pair("a%d" % i, "b%d" % i, 4096)
        del p
    del m.closed_sessions[:0]


def check_finalizers(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    problem = checks.finalizer_problem(student("solution"))
    if problem:
        raise AssertionError(problem)


def check_session_cycle(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    from memgrade_harness import cycles
    m = student("solution")
    cycles.assert_collected_by_gc(lambda: m.make_session_pair("p", "q"), require_cycle=True)
    a = m.make_session_pair("p", "q")
    if not (a.peer.peer is a and a.name == "p" and a.peer.name == "q"):
        raise AssertionError("make_session_pair('p', 'q') is not a pair of sessions referring to each other")


def check_needs_collector(n):
    if n == 0:
        student("solution")          # the baseline imports the same modules
        return
    problem = checks.needs_collector_problem(student("solution"))
    if problem:
        raise AssertionError(problem)
