"""Grader for linked-list-weak-links.  Values come from `rng` (seeded afresh every run); what the
list gives back is `answer`ed to the judge, which compares it with the reference solution's."""
import gc as _gc
import weakref as _weakref

from memgrade_harness import Probe, answer, cycles, fail, record, refcount, rng, student, test

_collect, _disable, _enable = _gc.collect, _gc.disable, _gc.enable
_ref = _weakref.ref


def _forward(lst):
    return [n for n in lst]


def _check_links(lst, expected, when):
    got = list(lst)
    if got != expected:
        fail("%s, iterating the list gave %r; expected %r." % (when, got, expected))
    back = list(reversed(lst))
    if back != expected[::-1]:
        fail("%s, reversed(list) gave %r; expected %r (check the prev links)." % (when, back, expected[::-1]))
    if len(lst) != len(expected):
        fail("%s, len(list) is %d; expected %d." % (when, len(lst), len(expected)))


def _build(m, values):
    lst = m.DoublyLinkedList()
    for v in values:
        lst.append(v)
    return lst


@test("append, pop, remove and iterate in both directions", points=2)
def _():
    m = student("solution")
    v0, v1, v2, x = rng.words(4)
    lst = m.DoublyLinkedList()
    _check_links(lst, [], "for a new list")
    a = lst.append(v1)
    b = lst.append(v2)
    z = lst.appendleft(v0)
    _check_links(lst, [v0, v1, v2], "after append(%r), append(%r), appendleft(%r)" % (v1, v2, v0))
    answer("forward", list(lst))
    answer("backward", list(reversed(lst)))
    assert a.value == v1 and a.next is b and a.prev is z, (
        "the node returned by append(%r) should have value %r, next = the node of %r, prev = the node of %r"
        % (v1, v1, v2, v0))
    assert z.prev is None and b.next is None, "the first node's prev and the last node's next must be None"
    assert a.owner is lst, "node.owner must be the list the node belongs to"
    answer("node value", a.value)
    lst.remove(a)
    _check_links(lst, [v0, v2], "after removing the node of %r" % v1)
    answer("after remove", list(lst))
    assert a.owner is None, "a removed node's owner must be None"
    try:
        lst.remove(a)
    except ValueError:
        pass
    else:
        fail("removing a node that is no longer in the list must raise ValueError")
    answer("pop", lst.pop())
    answer("popleft", lst.popleft())
    _check_links(lst, [], "after popping everything")
    for meth in ("pop", "popleft"):
        try:
            getattr(lst, meth)()
        except IndexError:
            pass
        else:
            fail("%s() on an empty list must raise IndexError" % meth)
    lst.append(x)
    _check_links(lst, [x], "after emptying the list and appending %r" % x)
    answer("len", len(lst))


@test("a list is freed by reference counting alone", points=3)
def _():
    m = student("solution")
    cycles.assert_freed_by_refcount(lambda: _build(m, [Probe(i) for i in range(50)]))


@test("a removed or popped node is freed at once", points=1)
def _():
    m = student("solution")
    lst = _build(m, [Probe(i) for i in range(5)])
    _collect()
    _disable()
    try:
        node = lst.head.next                   # the node of Probe(1)
        w_node = _ref(node)
        w_value = _ref(node.value)
        lst.remove(node)
        del node
        removed_alive = w_node() is not None or w_value() is not None
        holder = refcount.holder(w_node()) if w_node() is not None else None
        w_last = _ref(lst.tail)
        value = lst.pop()
        w_popped = _ref(value)
        del value
        popped_alive = w_last() is not None or w_popped() is not None
    finally:
        _enable()
    record(removed_alive=removed_alive, popped_alive=popped_alive)
    if removed_alive:
        fail("after remove(node) and dropping the node, it (or its value) is still alive"
             + ("; %s" % holder if holder else "") + ": nothing in the list may still point at a removed node.")
    if popped_alive:
        fail("after pop(), the popped node or its value is still alive: unlink it completely.")
    _check_links(lst, [Probe(0), Probe(2), Probe(3)], "after remove() and pop()")


@test("a node kept by the user does not keep its list alive", points=1, hidden=True)
def _():
    m = student("solution")
    _collect()
    _disable()
    try:
        lst = _build(m, [Probe(i) for i in range(6)])
        kept = lst.tail
        w_list = _ref(lst)
        w_others = [_ref(v) for v in list(lst)[:-1]]
        del lst
        list_alive = w_list() is not None
        others_alive = sum(1 for w in w_others if w() is not None)
    finally:
        _collect()
        _enable()
    record(list_alive=list_alive, other_values_alive=others_alive)
    if list_alive:
        fail("a node kept by the user keeps its whole list alive: node.owner must be a weak reference.")
    if others_alive:
        fail("the list is gone, but %d of the other 5 values are still alive (kept by reference cycles "
             "between the nodes): the prev links must be weak references." % others_alive)
    assert kept.owner is None, "once its list is gone, node.owner must be None"


@test("a list edited from both ends is still freed without the collector", points=1, hidden=True)
def _():
    m = student("solution")

    def build():
        lst = m.DoublyLinkedList()
        nodes = [lst.append(Probe(i)) for i in range(20)]
        for i in range(20, 30):
            lst.appendleft(Probe(i))
        for node in nodes[::3]:
            lst.remove(node)
        lst.pop()
        lst.popleft()
        return lst

    cycles.assert_freed_by_refcount(lambda: build())
