"""The operations students predict, exactly as statement.md shows them.  Each runs as
`op(x)` on a fresh object of the grader's own class; `keep` and `table` outlive the call.
The grader measures every delta itself at grading time (never a hard-coded answer), so the
expected values follow the running Python version."""
import gc as _gc
import sys as _sys
import weakref as _weakref

from memgrade_harness import Probe, refcount

_getrefcount = _sys.getrefcount
_collect, _disable, _enable = _gc.collect, _gc.disable, _gc.enable
_wref = _weakref.ref

keep = []
table = {}


class Box:
    pass


def append(x):
    keep.append(x)


def append_twice(x):
    keep.append(x)
    keep.append(x)


def dict_key_and_value(x):
    table[x] = x


def tuple_in_list(x):
    keep.append((x, x, x))


def replace(x):
    table["k"] = x
    table["k"] = x


def set_twice(x):
    s = {x}
    s.add(x)
    keep.append(s)


def local_alias(x):
    y = x
    pair = (y, y)


def weak(x):
    keep.append(_wref(x))


def list_copy(x):
    a = [x]
    keep.append(a)
    keep.append(a[:])


def closure(x):
    keep.append(lambda: x)


def default_arg(x):
    def f(a=x):
        return a
    keep.append(f)


def exception(x):
    try:
        raise ValueError(x)
    except ValueError as e:
        keep.append(e)


CONTAINERS = ["append", "append_twice", "dict_key_and_value", "tuple_in_list", "replace", "set_twice"]
SUBTLE = ["local_alias", "weak", "list_copy", "closure", "default_arg", "exception"]

HINTS = {
    "append": "a list holds one reference per element",
    "append_twice": "the same object appended twice occupies two slots",
    "dict_key_and_value": "a dict entry references its key and its value",
    "tuple_in_list": "count the references the tuple holds; the tuple stays alive in `keep`",
    "replace": "assigning the same key again replaces the entry, it does not add one",
    "set_twice": "a set holds each distinct element once",
    "local_alias": "local variables (and what only they reference) disappear when the function returns",
    "weak": "a weak reference does not count",
    "list_copy": "a[:] is a new list with its own references to the same elements",
    "closure": "a lambda that uses x keeps x in a closure cell",
    "default_arg": "default values are evaluated once and stored on the function",
    "exception": "the exception keeps its args, and its __traceback__ keeps the frame of the call (with its local x)",
}


def reset():
    del keep[:]
    table.clear()


def measure(name):
    reset()
    try:
        return refcount.delta(globals()[name])
    finally:
        reset()


def wrong_predictions(predictions, names):
    """[(name, problem)] for the predictions that do not match the measured deltas."""
    bad = []
    if not isinstance(predictions, dict):
        return [(n, "PREDICTIONS is not a dict") for n in names]
    for n in names:
        p = predictions.get(n)
        if p is None:
            bad.append((n, "missing"))
        elif isinstance(p, bool) or not isinstance(p, int):
            bad.append((n, "not an int (%r)" % (p,)))
        elif p != measure(n):
            bad.append((n, "wrong"))
    return bad


# ---- operations for measure_delta(op, make): the grader's own, with the true delta measured
# by the harness (refcount.delta) at grading time.
_store = []


def op_identity(x):
    return x


def op_pair(x):
    return [x, x]


def op_keep(x):
    _store.append(x)


def op_keep_three(x):
    _store.append((x, x))
    _store.append(x)


def op_nothing(x):
    len(repr(type(x)))


MEASURE_OPS = [op_identity, op_pair, op_keep, op_keep_three, op_nothing]


def op_keep_times(k):
    """An operation that keeps x k times (k drawn from the run's rng: not known in advance)."""
    def op_keep_times(x):
        for _ in range(k):
            _store.append(x)
    return op_keep_times


def measure_disagreements(measure_delta, k):
    """([(op name, expected, got)] where the student's measure_delta differs from the harness,
    [what measure_delta returned, op by op])."""
    out, results = [], []
    for op in MEASURE_OPS + [op_keep_times(k)]:
        del _store[:]
        expected = refcount.delta(op, make=Probe)
        del _store[:]
        got = measure_delta(op, Probe)
        del _store[:]
        results.append(got)
        if got != expected:
            out.append((op.__name__[3:], expected, got))
    return out, results


def register_problem(m):
    """(None if register() adds exactly one reference and is_registered() none, else a message;
    [what the calls returned])."""
    facts = []
    d = refcount.delta(m.register, make=Probe)
    facts.append(d)
    if d != 1:
        return "register() changed its argument's reference count by %+d (expected +1)" % d, facts
    p = Probe(7)
    m.register(p)
    facts.append(m.is_registered(p))
    if not facts[-1]:
        return "is_registered(obj) must be True after register(obj)", facts
    facts.append(m.is_registered(Probe(8)))
    if facts[-1]:
        return "is_registered(obj) must be False for an object never registered", facts
    d = refcount.delta(m.is_registered, make=Probe)
    facts.append(d)
    m.unregister(p)
    if d != 0:
        return "is_registered() changed its argument's reference count by %+d: looking an object up must not keep it" % d, facts
    return None, facts
