"""Grader for weak-cache.  Liveness is checked with weakrefs to fresh objects, with the collector
collected first and disabled while looking (never absolute reference counts)."""
import gc as _gc
import weakref as _weakref

from memgrade_harness import fail, probe_str, record, refcount, student, test

_collect, _disable, _enable = _gc.collect, _gc.disable, _gc.enable
_ref = _weakref.ref


def _weak(doc, what):
    try:
        return _ref(doc)
    except TypeError:
        fail("%s cannot be weak-referenced (%s). A Document must support weak references: "
             "if you gave it __slots__, add '__weakref__' to them." % (what, type(doc).__name__))


@test("the same name gives the same document while it is in use", points=1)
def _():
    m = student("solution")
    a1 = m.load_document("alpha", 64)
    a2 = m.load_document("alpha", 64)
    b = m.load_document("beta", 64)
    assert a1 is a2, ("load_document('alpha') returned two different objects while the first one was "
                      "still in use: the cache must hand out the same Document while anyone holds it.")
    assert a1 is not b, "load_document('alpha') and load_document('beta') returned the same object."
    assert a1.name == "alpha" and len(a1.body) == 64, (
        "load_document('alpha', 64) should return a Document with name 'alpha' and a 64-byte body.")


@test("a document is freed once nobody uses it", points=2)
def _():
    m = student("solution")
    m.load_document("warm-up", 16)
    _collect()
    _disable()
    try:
        doc = m.load_document("report-2024", 4096)
        w = _weak(doc, "the Document")
        del doc
        alive = w() is not None
        where = refcount.holder(w()) if alive else None
    finally:
        _enable()
    record(alive_after_last_use=alive)
    if alive:
        fail("the Document for 'report-2024' is still alive after the last user dropped it: %s. "
             "The cache must not own its documents — store them so that the cache alone does not keep "
             "them alive (weakref.WeakValueDictionary)." % where)


@test("names of freed documents leave the cache", points=2)
def _():
    m = student("solution")
    # The tracked objects are the *names*: fresh weak-referenceable strings.  A cache that keeps
    # a document, or only its name with a dead weak reference, keeps the name alive.
    def load_document(name):
        return m.load_document(name, 16)
    load_document.__qualname__ = "load_document"      # names the call in the feedback
    refcount.assert_no_leak(load_document, calls=100, make=probe_str)


@test("cached_names lists only documents in use", points=1, hidden=True)
def _():
    m = student("solution")
    a = m.load_document("a", 16)
    b = m.load_document("b", 16)
    c = m.load_document("c", 16)
    del b
    _collect()
    names = sorted(m.cached_names())
    assert names == ["a", "c"], ("with documents 'a' and 'c' in use and 'b' dropped, cached_names() "
                                 "should be ['a', 'c'] (in any order), got %r" % (names,))
    del a, c
    _collect()
    names = list(m.cached_names())
    assert names == [], "with no document in use, cached_names() should be empty, got %r" % (names,)


@test("a freed document is rebuilt on the next load", points=1, hidden=True)
def _():
    m = student("solution")
    d = m.load_document("gamma", 32)
    d.body[0] = 7
    w = _weak(d, "the Document")
    del d
    _collect()
    assert w() is None, "the Document for 'gamma' stayed alive after it was dropped and collected."
    again = m.load_document("gamma", 32)
    assert again.name == "gamma" and len(again.body) == 32 and again.body[0] == 0, (
        "after the old Document was freed, load_document('gamma', 32) should build a fresh one.")
    assert m.load_document("gamma", 32) is again, "a rebuilt Document must be cached like the first one."
