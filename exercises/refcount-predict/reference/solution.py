"""Predicting and measuring reference counts."""
import sys

# The change of x's reference count once op(x) has returned (see statement.md).
PREDICTIONS = {
    "append": 1,               # keep holds x once
    "append_twice": 2,         # two slots of keep
    "dict_key_and_value": 2,   # the entry references x as key and as value
    "tuple_in_list": 3,        # the tuple holds x three times, and the tuple stays in keep
    "replace": 1,              # the second assignment replaces the entry
    "set_twice": 1,            # a set holds x once
    "local_alias": 0,          # y and pair die when the function returns
    "weak": 0,                 # weak references do not count
    "list_copy": 2,            # two lists, one reference each
    "closure": 1,              # the lambda's closure cell
    "default_arg": 1,          # f.__defaults__
    "exception": 2,            # e.args, and the frame kept by e.__traceback__ (local x)
}


def measure_delta(op, make):
    """The change of the reference count of a fresh object make() caused by op(obj)."""
    obj = make()
    before = sys.getrefcount(obj)
    result = op(obj)
    del result                   # op's return value may reference obj: it is not op's doing
    after = sys.getrefcount(obj)
    return after - before


_registry = {}   # id(obj) -> obj: exactly one reference per registered object


def register(obj):
    _registry[id(obj)] = obj


def unregister(obj):
    _registry.pop(id(obj), None)


def is_registered(obj):
    return _registry.get(id(obj)) is obj
