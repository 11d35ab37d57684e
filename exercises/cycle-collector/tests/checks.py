"""Checks shared by the in-process tests and the out-of-process workloads of cycle-collector."""
import gc as _gc

from memgrade_harness import Probe, ProbeDict, ProbeList, cycles

_collect, _disable, _enable, _isenabled = _gc.collect, _gc.disable, _gc.enable, _gc.isenabled
_get_objects = _gc.get_objects

_pinned = Probe(999)          # kept by the grader for the whole run: never garbage


class _Link:
    __slots__ = ("other", "__weakref__")


def _self_list():
    lst = ProbeList()
    lst.append(lst)
    return lst


def _ring():
    a, b, c = _Link(), _Link(), _Link()
    a.other, b.other, c.other = b, c, a
    return a


def _tree():
    root = ProbeDict(children=[ProbeDict(), ProbeDict(children=[ProbeDict()])])
    return root


def _make_unrelated_garbage():
    """Leave some unrelated cyclic garbage around, so that `gc.collect() > 0` says nothing."""
    for _ in range(3):
        d = {}
        d["self"] = d


def _single_after_garbage():
    """A plain object, built by code that leaves unrelated cyclic garbage behind."""
    _make_unrelated_garbage()
    return Probe(2)


CASES = [
    ("a single object", lambda: Probe(1), False),
    ("a list that contains itself", _self_list, True),
    ("a ring of three objects", _ring, True),
    ("a tree of dicts without back-references", _tree, False),
    ("an object the grader keeps in a global variable", lambda: _pinned, False),
    ("a single object whose build() leaves unrelated cyclic garbage behind", _single_after_garbage, False),
]


def needs_collector_problem(m, order=None):
    """(None or a message, [what needs_collector answered, case by case]) over CASES, in *order*."""
    wrong, answers = [], []
    for i in (order if order is not None else range(len(CASES))):
        label, build, expected = CASES[i]
        _collect()
        _make_unrelated_garbage()
        got = m.needs_collector(build)
        answers.append(got)
        if not _isenabled():
            _enable()
            return "needs_collector() left the cycle collector disabled: re-enable it before returning (use try/finally).", answers
        if got is not expected:
            wrong.append("%s → %r (expected %r)" % (label, got, expected))
    if wrong:
        return ("needs_collector(build) answered wrongly for %d of %d structures: %s. Observe the root with a weak "
                "reference: alive after `del` with the collector disabled, and dead after gc.collect()?"
                % (len(wrong), len(CASES), "; ".join(wrong))), answers
    return None, answers


def sessions_alive(m):
    return sum(1 for o in _get_objects() if type(o) is m.Session)


def finalizer_problem(m, a="alpha", b="beta"):
    del m.closed_sessions[:]
    cycles.assert_finalizers_ran(lambda: m.make_session_pair(a, b), m.Session, at_least=2)
    others = [type(x).__name__ for x in m.closed_sessions if not isinstance(x, str)]
    if others:
        return ("closed_sessions holds %s objects instead of names: __del__ must record self.name. Appending "
                "self puts the object back into use (resurrection): it is never freed." % others[0])
    names = sorted(m.closed_sessions)
    if names != sorted([a, b]):
        return ("after the pair was dropped and collected, closed_sessions should hold the names %r and %r, "
                "got %r" % (a, b, list(m.closed_sessions)))
    return None


def resurrection_problem(m):
    del m.closed_sessions[:]
    _collect()
    was = _isenabled()
    _disable()
    try:
        before = sessions_alive(m)
        pair = m.make_session_pair("gamma", "delta")
        del pair
        _collect()
        after = sessions_alive(m)
    finally:
        if was:
            _enable()
    if after > before:
        kept = [type(x).__name__ for x in m.closed_sessions if not isinstance(x, str)]
        return ("%d Session object(s) are still alive after the pair was dropped and collected: a finalizer "
                "resurrected them%s. __del__ must record the session's name, not the session."
                % (after - before, " (closed_sessions holds %s objects)" % kept[0] if kept else ""))
    return None
