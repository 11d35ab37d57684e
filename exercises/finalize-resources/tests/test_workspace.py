"""Grader for finalize-resources.  A Workspace owns a temporary directory (in the private
scratch dir: TMPDIR); the grader watches the directory and, with weak references, the object.
What the grader saw (files, directories, .closed) is answered to the judge, which compares it
with the reference solution's."""
import gc as _gc
import os as _os
import weakref as _weakref

from memgrade_harness import answer, fail, record, refcount, rng, student, test

_collect, _disable, _enable = _gc.collect, _gc.disable, _gc.enable
_ref = _weakref.ref
_isdir = _os.path.isdir


def _new(m, size=0):
    w = m.Workspace(size)
    if not isinstance(getattr(w, "path", None), str) or not _isdir(w.path):
        fail("Workspace() should create a directory and expose its path as .path")
    return w


def _read(path):
    with open(path, "rb") as f:
        return f.read()


@test("close() removes the directory, once", points=1)
def _():
    m = student("solution")
    w = _new(m)
    p = w.path
    name, data = rng.word() + ".txt", rng.token().encode()
    w.write(name, data)
    assert _os.path.isfile(_os.path.join(p, name)), "write(name, data) should create the file in the workspace"
    answer("file", _read(_os.path.join(p, name)))
    assert not w.closed, "a new workspace should not be closed"
    answer("closed before", w.closed)
    w.close()
    assert not _os.path.exists(p), "close() should remove the workspace's directory (and its files)"
    assert w.closed, "after close(), .closed should be True"
    answer("closed after", w.closed)
    try:
        w.close()
    except Exception as exc:
        fail("calling close() a second time raised %s — it should do nothing." % type(exc).__name__)
    with _new(m) as w2:
        p2 = w2.path
        answer("inside with", _isdir(p2))
    assert not _os.path.exists(p2), "leaving a `with Workspace() as w:` block should remove the directory"
    answer("after with", _os.path.exists(p2))


@test("dropping a workspace removes its directory", points=2)
def _():
    m = student("solution")
    _new(m).close()
    _collect()
    _disable()
    try:
        w = _new(m, rng.randint(100, 4000))
        p = w.path
        size = len(w.buffer)
        del w
        exists = _os.path.exists(p)
    finally:
        _enable()
    record(directory_left_behind=exists)
    if exists:
        fail("a workspace dropped without close() left its directory behind: the directory must be removed as soon "
             "as the Workspace object is freed (reference counting, no cycle collector needed). Register the cleanup "
             "with weakref.finalize(self, function, path) — a function that does not refer to self.")
    answer("buffer", size)
    answer("left behind", exists)


@test("a workspace in a reference cycle is cleaned up by the collector", points=1)
def _():
    m = student("solution")
    _collect()
    _disable()
    try:
        w = _new(m)
        p = w.path
        cycle = [w]
        cycle.append(cycle)
        del w, cycle
        _collect()
        exists = _os.path.exists(p)
    finally:
        _enable()
    if exists:
        fail("a workspace that was part of a reference cycle kept its directory after gc.collect(): the cleanup must "
             "run when the collector frees the object.")
    answer("left behind", exists)


@test("the workspace object itself is freed", points=1, hidden=True)
def _():
    m = student("solution")

    def new_workspace(i):
        return m.Workspace(0)
    res = refcount.count_leaks(lambda w: None, calls=50, make=new_workspace)
    res.pop("example", None)
    record(**res)
    if res["leaked"]:
        fail("%d of 50 Workspace objects are still alive after the grader dropped them. Whatever you register for "
             "cleanup must not refer to the workspace: weakref.finalize(self, self.close) keeps self alive through "
             "the bound method, for ever." % res["leaked"])
    answer("leaked", res["leaked"])


@test("dropping a closed workspace touches nothing else", points=1, hidden=True)
def _():
    m = student("solution")
    w = _new(m)
    first = w.path
    w.close()
    assert w.closed and not _os.path.exists(first), "close() should remove the directory"
    w2 = _new(m)
    assert w2.path != first or _isdir(w2.path), "a new workspace needs its own directory"
    name, data = rng.word() + ".txt", rng.token().encode()
    w2.write(name, data)
    del w
    _collect()
    assert _isdir(w2.path), "dropping an already closed workspace must not remove another workspace's directory"
    answer("other workspace's file", _read(_os.path.join(w2.path, name)))
    w2.close()
    answer("closed", [_os.path.exists(first), w2.closed])
