"""Out-of-process workloads for finalize-resources.  Each returns what it saw of the student's
workspaces (directories created, buffer bytes, directories left behind), which the judge compares
with the reference solution's."""
import gc as _gc
import os as _os

from memgrade_harness import rng, student

_collect = _gc.collect
_isdir = _os.path.isdir


def drop(n):
    """Workspaces with 16 KiB buffers created and dropped (never closed): memory must not grow."""
    m = student("solution")
    created = buffered = 0
    for i in range(n):
        w = m.Workspace(16384)
        created += _isdir(w.path)
        buffered += len(w.buffer)
        del w
    return [created, buffered]


def _left(paths):
    return sum(1 for p in paths if _os.path.exists(p))


def drop_and_check_dirs(n):
    """n workspaces dropped (collector off): every directory must be gone at once."""
    m = student("solution")
    paths, created = [], 0
    for i in range(n + 1):
        w = m.Workspace(rng.randint(0, 64))
        paths.append(w.path)
        created += _isdir(w.path)
        del w
    return [created, _left(paths)]


def cycles_and_check_dirs(n):
    """n workspaces dropped inside reference cycles; after gc.collect() every directory must be gone."""
    m = student("solution")
    paths, created = [], 0
    for i in range(n + 1):
        w = m.Workspace(rng.randint(0, 64))
        paths.append(w.path)
        created += _isdir(w.path)
        cycle = [w]
        cycle.append(cycle)
        del w, cycle
    _collect()
    return [created, _left(paths)]
