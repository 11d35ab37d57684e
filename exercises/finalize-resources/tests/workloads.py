"""Out-of-process workloads for finalize-resources."""
import gc as _gc
import os as _os

from memgrade_harness import student

_collect = _gc.collect


def drop(n):
    """Workspaces with 16 KiB buffers created and dropped (never closed): memory must not grow."""
    m = student("solution")
    for i in range(n):
        w = m.Workspace(16384)
        del w


def _left(paths):
    return [p for p in paths if _os.path.exists(p)]


def drop_and_check_dirs(n):
    """n workspaces dropped (collector off): every directory must be gone at once."""
    m = student("solution")
    paths = []
    for i in range(n):
        w = m.Workspace(0)
        paths.append(w.path)
        del w
    left = _left(paths)
    if left:
        raise AssertionError("%d of %d directories left behind by dropped workspaces" % (len(left), n))


def cycles_and_check_dirs(n):
    """n workspaces dropped inside reference cycles; after gc.collect() every directory must be gone."""
    m = student("solution")
    paths = []
    for i in range(n):
        w = m.Workspace(0)
        paths.append(w.path)
        cycle = [w]
        cycle.append(cycle)
        del w, cycle
    _collect()
    left = _left(paths)
    if left:
        raise AssertionError("%d of %d directories left behind by workspaces freed by the collector" % (len(left), n))
