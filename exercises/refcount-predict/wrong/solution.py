"""Common misconceptions: aliases "count", weak references "count", a dict entry counts once,
a tuple counts once; measure_delta keeps op's return value; unregister removes one of two."""
import sys

PREDICTIONS = {
    "append": 1,
    "append_twice": 2,
    "dict_key_and_value": 1,
    "tuple_in_list": 1,
    "replace": 1,
    "set_twice": 1,
    "local_alias": 1,
    "weak": 1,
    "list_copy": 2,
    "closure": 1,
    "default_arg": 1,
    "exception": 1,
}


def measure_delta(op, make):
    obj = make()
    before = sys.getrefcount(obj)
    result = op(obj)             # still referencing obj when we count again
    after = sys.getrefcount(obj)
    return after - before


_registered = []
_log = []


def register(obj):
    _registered.append(obj)
    _log.append(obj)             # "for debugging"


def unregister(obj):
    _registered.remove(obj)


def is_registered(obj):
    return any(o is obj for o in _registered)
