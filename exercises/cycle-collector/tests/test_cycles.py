"""Grader for cycle-collector: liveness and finalizer side effects, never exact gc counts.
Sizes, names and the order of the cases come from `rng` (seeded afresh every run); what the
student's code returns is `answer`ed to the judge, which compares it with the reference's."""
from memgrade_harness import MemgradeFailure, answer, cycles, fail, rng, student, test

import checks


@test("make_ring builds a cycle that only the collector frees", points=2)
def _():
    m = student("solution")
    try:
        cycles.assert_collected_by_gc(lambda: m.make_ring(5), require_cycle=True)
    except MemgradeFailure as exc:
        fail("make_ring(5): %s Is the last node's .next the first node?" % exc.message)
    n = rng.randint(3, 12)
    ring = m.make_ring(n)
    node, seen = ring, []
    for _ in range(n):
        seen.append(node.name)
        node = node.next
    assert node is ring, "make_ring(%d): following .next %d times must come back to the first node" % (n, n)
    assert seen == list(range(n)), "make_ring(%d): the names along .next should be 0 … %d, got %r" % (n, n - 1, seen)
    answer("names", seen)
    cycles.assert_gc_finds_at_least(lambda: m.make_ring(10), 10)


@test("finalizers run when the collector frees a cycle", points=2)
def _():
    m = student("solution")
    a, b = rng.word(), rng.word()
    problem = checks.finalizer_problem(m, a, b)
    if problem:
        fail(problem)
    answer("closed", sorted(m.closed_sessions))
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
    order = list(range(len(checks.CASES)))
    rng.shuffle(order)
    problem, answers = checks.needs_collector_problem(m, order)
    if problem:
        fail(problem)
    answer("needs collector", answers)


@test("a session pair is a real cycle", points=1, hidden=True)
def _():
    m = student("solution")
    p, q = rng.word(), rng.word()
    try:
        cycles.assert_collected_by_gc(lambda: m.make_session_pair(p, q), require_cycle=True)
    except MemgradeFailure as exc:
        fail("make_session_pair(%r, %r): %s Each session's peer must be the other one." % (p, q, exc.message))
    a = m.make_session_pair(p, q)
    assert a.peer.peer is a and a.name == p and a.peer.name == q, (
        "make_session_pair(%r, %r) must return session %r whose peer is session %r, whose peer is %r" % (p, q, p, q, p))
    answer("names", [a.name, a.peer.name, a.peer.peer.name])
