"""Predicting and measuring reference counts.  Fill in the blanks (see statement.md)."""
import sys

# The change of x's reference count once op(x) has returned: replace each None by an int.
PREDICTIONS = {
    "append": None,
    "append_twice": None,
    "dict_key_and_value": None,
    "tuple_in_list": None,
    "replace": None,
    "set_twice": None,
    "local_alias": None,
    "weak": None,
    "list_copy": None,
    "closure": None,
    "default_arg": None,
    "exception": None,
}


def measure_delta(op, make):
    """The change of the reference count of a fresh object make() caused by op(obj)."""
    return 0   # TODO


_registered = []


def register(obj):
    _registered.append(obj)


def unregister(obj):
    pass       # TODO: give the reference back


def is_registered(obj):
    return any(o is obj for o in _registered)
