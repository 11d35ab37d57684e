"""Grader for weak-cache.  Liveness is checked with weakrefs to fresh objects, with the collector
collected first and disabled while looking (never absolute reference counts).  Names and sizes
come from `rng` (seeded afresh every run); what the cache returns is `answer`ed to the judge,
which compares it with the reference solution's answers."""
import gc as _gc
import weakref as _weakref

from memgrade_harness import answer, fail, probe_str, record, refcount, rng, student, test

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
    alpha, beta, size = rng.word(), rng.word(), rng.randint(16, 256)
    a1 = m.load_document(alpha, size)
    a2 = m.load_document(alpha, size)
    b = m.load_document(beta, size)
    assert a1 is a2, ("load_document(%r) returned two different objects while the first one was "
                      "still in use: the cache must hand out the same Document while anyone holds it." % alpha)
    assert a1 is not b, "load_document(%r) and load_document(%r) returned the same object." % (alpha, beta)
    answer("name", a1.name)
    answer("size", len(a1.body))
    answer("other name", b.name)


@test("a document is freed once nobody uses it", points=2)
def _():
    m = student("solution")
    m.load_document("warm-up", 16)
    name, size = rng.token(), rng.randint(1024, 8192)
    _collect()
    _disable()
    try:
        doc = m.load_document(name, size)
        w = _weak(doc, "the Document")
        answer("name", doc.name)
        answer("size", len(doc.body))
        del doc
        alive = w() is not None
        where = refcount.holder(w()) if alive else None
    finally:
        _enable()
    record(alive_after_last_use=alive)
    if alive:
        fail("the Document for %r is still alive after the last user dropped it: %s. "
             "The cache must not own its documents — store them so that the cache alone does not keep "
             "them alive (weakref.WeakValueDictionary)." % (name, where))


@test("names of freed documents leave the cache", points=2)
def _():
    m = student("solution")
    # The tracked objects are the *names*: fresh weak-referenceable strings.  A cache that keeps
    # a document, or only its name with a dead weak reference, keeps the name alive.
    prefix = rng.token() + "-"
    def load_document(name):
        return m.load_document(name, 16).name
    load_document.__qualname__ = "load_document"      # names the call in the feedback
    refcount.assert_no_leak(load_document, calls=100, make=lambda i: probe_str(i, prefix))
    answer("name", str(m.load_document(prefix + "last", 16).name))


@test("cached_names lists only documents in use", points=1, hidden=True)
def _():
    m = student("solution")
    na, nb, nc = rng.word(), rng.word(), rng.word()
    a = m.load_document(na, 16)
    b = m.load_document(nb, 16)
    c = m.load_document(nc, 16)
    del b
    _collect()
    names = sorted(m.cached_names())
    assert names == sorted([na, nc]), ("with documents %r and %r in use and %r dropped, cached_names() "
                                       "should be %r (in any order), got %r" % (na, nc, nb, sorted([na, nc]), names))
    answer("in use", names)
    del a, c
    _collect()
    names = list(m.cached_names())
    assert names == [], "with no document in use, cached_names() should be empty, got %r" % (names,)
    answer("none in use", names)


@test("a freed document is rebuilt on the next load", points=1, hidden=True)
def _():
    m = student("solution")
    name, size = rng.word(), rng.randint(16, 256)
    d = m.load_document(name, size)
    d.body[0] = 7
    w = _weak(d, "the Document")
    del d
    _collect()
    assert w() is None, "the Document for %r stayed alive after it was dropped and collected." % name
    again = m.load_document(name, size)
    assert again.name == name and len(again.body) == size and again.body[0] == 0, (
        "after the old Document was freed, load_document(%r, %d) should build a fresh one." % (name, size))
    assert m.load_document(name, size) is again, "a rebuilt Document must be cached like the first one."
    answer("rebuilt", [again.name, len(again.body), again.body[0]])
