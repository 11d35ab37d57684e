"""Grader for cycle-collector: liveness and finalizer side effects, never exact gc counts."""
from memgrade_harness import MemgradeFailure, cycles, fail, student, test

import checks


@test("make_ring builds a cycle that only the collector frees", points=2)
def _():
    m = student("solution")
    try:
        cycles.assert_collected_by_gc(lambda: m.make_ring(5), require_cycle=True)
    except MemgradeFailure as exc:
        fail("make_ring(5): %s Is the last node's .next the first node?" % exc.message)
    ring = m.make_ring(4)
    node, seen = ring, []
    for _ in range(4):
        seen.append(node.name)
        node = node.next
    assert node is ring, "make_ring(4): following .next four times must come back to the first node"
    assert seen == [0, 1, 2, 3], "make_ring(4): the names along .next should be 0, 1, 2, 3, got %r" % (seen,)
    cycles.assert_gc_finds_at_least(lambda: m.make_ring(10), 10)


@test("finalizers run when the collector frees a cycle", points=2)
def _():
    m = student("solution")
    problem = checks.finalizer_problem(m)
    if problem:
        fail(problem)
    cycles.assert_no_uncollectable(lambda: m.make_session_pair("x", "y"))


@test("finalizers do not resurrect their objects", points=1, hidden=True)
def _():
    m = student("solution")
    problem = checks.resurrection_problem(m)
    if problem:
        fail(problem)


@test("needs_collector tells cycles from the rest", points=2)
def _():
    m = student("solution")
    problem = checks.needs_collector_problem(m)
    if problem:
        fail(problem)


@test("a session pair is a real cycle", points=1, hidden=True)
def _():
    m = student("solution")
    try:
        cycles.assert_collected_by_gc(lambda: m.make_session_pair("p", "q"), require_cycle=True)
    except MemgradeFailure as exc:
        fail("make_session_pair('p', 'q'): %s Each session's peer must be the other one." % exc.message)
    a = m.make_session_pair("p", "q")
    assert a.peer.peer is a and a.name == "p" and a.peer.name == "q", (
        "make_session_pair('p', 'q') must return session 'p' whose peer is session 'q', whose peer is 'p'")
